/* ESP accelerator definitions for bare-metal drivers on the simulator's ESP
 * platform (configs/soc/epochs.json, docs/esp-platform.md). The names are
 * ESP's (soft/common/include/esp_accelerator.h); this is an independent
 * implementation for this SoC, not ESP's file.
 *
 * ESP's own accelerators (the Stratus / Vivado HLS / hls4ml flows) sit behind
 * ESP's accelerator wrapper, whose register bank (CMD, STATUS, SELECT, ...,
 * COHERENCE, P2P, ...) precedes the accelerator's own registers. The EdgeBERT
 * and systolic tiles are integrated the way ESP integrates third-party
 * accelerators: the tile's registers start at offset 0 of its window and the
 * DMA coherence mode is a register of the tile's CSR block instead. Only the
 * definitions that mean something on such tiles are provided here; the
 * wrapper's bank offsets (CMD_REG, STATUS_REG, PT_*, P2P_REG, ...) are not,
 * because they would address the tile's own registers. */
#ifndef ESP_ACCELERATOR_H
#define ESP_ACCELERATOR_H

#ifndef BIT
#define BIT(n) (1u << (n))
#endif

/* DMA coherence mode of an accelerator invocation (the value of COHERENCE_REG
 * and the argument of esp_flush):
 *   ACC_COH_NONE    non-coherent DMA, straight to memory: software flushes the
 *                   private caches and the LLC first
 *   ACC_COH_LLC     LLC-coherent DMA: software flushes the private caches
 *   ACC_COH_RECALL  coherent DMA: the LLC recalls lines from private caches
 *   ACC_COH_FULL    fully coherent: through a private cache in the accelerator tile
 *   ACC_COH_AUTO    software-only: "let the driver choose" (Linux); never a
 *                   register value (the CSR refuses it), esp_flush treats it
 *                   as ACC_COH_NONE, the conservative choice. */
enum accelerator_coherence { ACC_COH_NONE = 0, ACC_COH_LLC, ACC_COH_RECALL, ACC_COH_FULL, ACC_COH_AUTO };

/* Offset of the DMA coherence register in a tile's CSR block (word 4, as in
 * the EPOCHS EdgeBERT driver). Use it with the CSR device of the tile
 * (esp_tile_csr() in esp_probe.h), e.g.
 *     struct esp_device csr;
 *     esp_tile_csr(esp_tile_index(dev), &csr);
 *     iowrite32(&csr, COHERENCE_REG, ACC_COH_RECALL);
 * or call esp_set_coherence(dev, ACC_COH_RECALL). 32-bit; values 0..3; a
 * store of another value is refused (a store access fault on the core). */
#define COHERENCE_REG 0x10
#define ESP_CSR_COHERENCE_INDEX (COHERENCE_REG / 4)

#endif /* ESP_ACCELERATOR_H */
