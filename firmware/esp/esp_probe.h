/* ESP-compatible bare-metal helpers for the simulator's ESP platform
 * (docs/esp-platform.md): device probing, register access, cache-line aligned
 * buffers, cache flushes before accelerator invocations, the DMA coherence
 * CSR. Names and semantics follow ESP's soft/common/drivers/baremetal
 * (esp_probe.h); this is an independent implementation.
 *
 * Differences from ESP's library:
 *  - probe() has no device tree to scan: it reads a table generated at build
 *    time from the SoC config (esp_devices.h, made by tools/gen_esp_devices).
 *  - esp_flush() does its work in esp_cache_flush(), a weak function a
 *    program may replace (see below); it prints nothing.
 *  - no P2P (esp_p2p_*), no accelerator YX tables, no SPANDEX.
 *  - extensions (not in ESP): esp_tile_index, esp_tile_csr, esp_set_coherence,
 *    esp_get_coherence, esp_plic_source, esp_cache_flush, the device table. */
#ifndef ESP_PROBE_H
#define ESP_PROBE_H

#include <stdint.h>

#include "esp_accelerator.h"
#include "esp_cache.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Vendor and device ids. VENDOR_SLD is ESP's; the device ids of the EdgeBERT
 * and systolic tiles are this simulator's choice (ESP assigns none to them). */
#define VENDOR_SLD 0xEB
#define SLD_EDGEBERT 0x0EB
#define SLD_SYSTOLIC 0x0EC
#define DEVNAME_EDGEBERT "sld,edgebert"
#define DEVNAME_SYSTOLIC "sld,systolic"
/* ESP's cache controllers (in the table when the SoC has them). */
#define SLD_L2_CACHE 0x020
#define SLD_LLC_CACHE 0x021
#define VENDOR_CACHE VENDOR_SLD
#define DEVID_L2_CACHE SLD_L2_CACHE
#define DEVID_LLC_CACHE SLD_LLC_CACHE
#define DEVNAME_L2_CACHE "sld,l2_cache"
#define DEVNAME_LLC_CACHE "sld,llc_cache"

#define DEVNAME_MAX_LEN 32
/* Alignment of aligned_malloc: at least any cache line of the SoC. */
#define ESP_CACHELINE_BYTES 64

/* The generated platform of this build: ESP_CSR_BASE, ESP_PLIC_BASE, the
 * device table, ... (uses VENDOR_SLD and the SLD_* ids above). */
#include "esp_devices.h"

struct esp_device {
    unsigned vendor;
    unsigned id;
    unsigned number;  /* index among the devices one probe() found */
    unsigned irq;     /* ESP interrupt line; the PLIC source is irq + 1 (esp_plic_source) */
    long long unsigned addr;  /* base of the register window */
    unsigned compat;  /* 1: a device of the table */
    char name[DEVNAME_MAX_LEN];
};

/* One device of the generated table (ESP_DEVICE_TABLE_INIT): the
 * accelerators, then the cache controllers if the SoC has them. */
struct esp_device_info {
    unsigned vendor;
    unsigned id;
    unsigned tile;    /* tile index (position in the SoC config's tiles) */
    unsigned irq;     /* ESP interrupt line (cache controllers: 0, unused) */
    long long unsigned addr;
    long long unsigned size;  /* register window bytes */
    const char *compat;       /* compatible name, e.g. "sld,edgebert" */
    const char *tile_name;    /* the tile's name in the SoC config */
};
extern const struct esp_device_info esp_device_table[];
extern const unsigned esp_device_table_size;

/* Labels of the coherence modes, indexed by enum accelerator_coherence; [4] is NULL. */
extern const char *const coherence_label[5];

/* Hart id (mhartid). */
int get_pid(void);

/* A buffer of `size` bytes (> 0) aligned to ESP_CACHELINE_BYTES and padded to
 * whole lines (no other data shares its lines), from picolibc's heap; NULL if
 * the heap is exhausted or size <= 0. Release with aligned_free (only). */
void *aligned_malloc(int size);
void aligned_free(void *ptr);

/* Finds the devices whose vendor and id match, or whose compatible name equals
 * `name` (ESP's RISC-V probe matches the device tree's compatible name, its
 * SPARC one vendor and id; either works here). Stores a malloc'd array of them
 * in *espdevs (free() it when done; NULL if none), names each one `name` (or
 * its compatible name if name is NULL), prints one line per device on the
 * console and returns how many it found. */
int probe(struct esp_device **espdevs, unsigned vendor, unsigned devid, const char *name);

/* 32-bit register access at dev->addr + offset. */
unsigned ioread32(struct esp_device *dev, unsigned offset);
void iowrite32(struct esp_device *dev, unsigned offset, unsigned payload);

/* Makes memory written by the CPU visible to an accelerator DMA in mode
 * `coherence` (and the accelerator's results visible to the CPU afterwards):
 * call it after filling the buffers and before starting the accelerator, as
 * ESP's drivers do. ACC_COH_AUTO and other values outside 0..3 are treated as
 * ACC_COH_NONE. Calls esp_cache_flush(mode). */
void esp_flush(int coherence);

/* The flush itself, weak: a program may define its own. The default:
 *   1. `fence rw, rw` (the core's own stores leave it first);
 *   2. if the generated header defines ESP_FLUSH_REG_ADDR (a single flush
 *      register), a 32-bit store of `coherence` to it, which requests the
 *      flushes the mode needs and completes when they are done;
 *   3. as ESP's esp_flush: for ACC_COH_NONE and ACC_COH_LLC, a flush of the
 *      L2 cache controller of this hart (STATUS cpu id = get_pid()), and for
 *      ACC_COH_NONE of every LLC controller, each waited for (CMD flush bit,
 *      poll STATUS DONE, CMD 0), if the table has such controllers;
 *   4. `fence` and `fence.i`.
 * ACC_COH_RECALL and ACC_COH_FULL need no flush (the hardware recalls lines).
 * A SoC without caches or controllers gets only the fences, which is all it
 * needs. */
void esp_cache_flush(int coherence);

/* Tile index of a device found by probe() (looked up in the table by its
 * address), or -1. */
int esp_tile_index(const struct esp_device *dev);
/* Fills *csr with the CSR block of tile `tile` (addr = ESP_CSR_BASE +
 * tile * ESP_CSR_TILE_STRIDE, so iowrite32(csr, COHERENCE_REG, mode) sets the
 * tile's coherence register). Returns 0, or -1 if the tile does not exist or
 * the SoC has no CSR block. */
int esp_tile_csr(int tile, struct esp_device *csr);
/* Writes / reads the coherence register of dev's tile. esp_set_coherence
 * returns 0, or -1 (nothing written) for a mode outside ACC_COH_NONE ..
 * ACC_COH_FULL or a device without a CSR block; esp_get_coherence returns the
 * mode or -1. */
int esp_set_coherence(struct esp_device *dev, int coherence);
int esp_get_coherence(struct esp_device *dev);
/* PLIC source of the device's interrupt (ESP numbering: line + 1). */
unsigned esp_plic_source(const struct esp_device *dev);

#ifdef __cplusplus
}
#endif

#endif /* ESP_PROBE_H */
