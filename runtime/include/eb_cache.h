/* Cache maintenance before an accelerator invocation, as ESP's esp_flush does
 * it: with non-coherent or LLC-coherent DMA the CPU's private caches (L1 D$ and
 * L2) are flushed through the L2's cache controller, and with non-coherent DMA
 * the LLC as well, so the accelerator's DMA reads what the CPU wrote. Coherent
 * (recall) and fully coherent DMA need nothing: the hardware recalls lines. The
 * time is accounted as "flush". */
#ifndef EB_CACHE_H
#define EB_CACHE_H

#include <stdint.h>

#include "eb_platform.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { EB_COH_NONE = 0, EB_COH_LLC = 1, EB_COH_RECALL = 2, EB_COH_FULL = 3 };

/* Flushes what `coherence` requires; returns the number of flush commands issued. */
int eb_cache_flush(const eb_platform* p, uint32_t coherence);
/* Writes a tile's coherence CSR (no-op without ESP CSRs). */
void eb_set_coherence(uint64_t csr, uint32_t coherence);

#ifdef __cplusplus
}
#endif

#endif /* EB_CACHE_H */
