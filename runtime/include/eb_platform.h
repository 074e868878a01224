/* What the runtime must know about the SoC it runs on. Filled from the same
 * SocConfig that builds the hardware (native host: sim/host/platform.cpp;
 * firmware: a header generated from the config), so the two never drift. */
#ifndef EB_PLATFORM_H
#define EB_PLATFORM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    uint64_t dram_base;
    uint64_t dram_size;
    uint64_t plic_base;
    /* EdgeBERT tile */
    uint64_t edgebert_base;
    uint32_t edgebert_irq;
    uint32_t lanes;
    uint32_t input_sram_depth;
    uint32_t mask_sram_depth;
    uint32_t aux_sram_depth;
    uint32_t max_n;
    uint32_t max_m;
    /* EB_LAYOUT_PUBLISHED (0) or EB_LAYOUT_EXTENDED (1): the tile's register layout
     * (docs/register-map.md, "Extended layout"), which the driver programs. */
    uint32_t register_layout;
    int32_t bias_min; /* exp_bias of bias field 0 */
    /* systolic tile */
    uint64_t systolic_base;
    uint32_t systolic_irq;
    uint32_t systolic_size;
    /* Caches and DMA coherence (ESP). A coherence mode is an ACC_COH_* value:
     * 0 non-coherent DMA, 1 LLC-coherent, 2 coherent (recall), 3 full. Before
     * an accelerator reads memory the CPU wrote, modes 0 and 1 need the CPU's
     * caches flushed (eb_cache_flush), mode 0 the LLC as well. */
    uint64_t l2_ctrl_base;       /* ESP cache controller of the CPU's L2 (CMD / STATUS) */
    uint64_t llc_ctrl_base;      /* ... of the memory tile's LLC */
    uint32_t edgebert_coherence;
    uint32_t systolic_coherence;
    uint64_t edgebert_coherence_csr; /* ESP's coherence CSR of the tile, 0 if the SoC has none */
    uint64_t systolic_coherence_csr;
} eb_platform;

#ifdef __cplusplus
}
#endif

#endif /* EB_PLATFORM_H */
