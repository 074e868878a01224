/* Driver of the EdgeBERT tile: DMA, matmul, special functions, DVFS.
 * Every call programs the registers through the HAL, starts the command and
 * waits for its completion interrupt. Return values: 0 on success, or the
 * tile's error cause (EB_CAUSE_*) after resetting it so it stays usable. */
#ifndef EB_EDGEBERT_H
#define EB_EDGEBERT_H

#include <stdint.h>

#include "eb_platform.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { EB_SRAM_MASK = 0, EB_SRAM_INPUT = 1, EB_SRAM_AUX = 2 } eb_sram_t;

/* Soft reset, interrupt routing through the PLIC. */
void eb_tile_init(const eb_platform* p);
uint32_t eb_tile_ctrl(const eb_platform* p);

/* DRAM -> SRAM (to_sram = 1) or SRAM -> DRAM, `rows` rows (mask words / input
 * rows / aux rows) at SRAM row `row` of decoder `dec` (ignored for aux). */
int eb_dma(const eb_platform* p, eb_sram_t sram, int to_sram, int dec, uint32_t row, uint64_t dram_addr,
           uint32_t rows);
/* Starts a DMA without waiting; eb_wait(p, 1) completes it. */
int eb_dma_start(const eb_platform* p, eb_sram_t sram, int to_sram, int dec, uint32_t row, uint64_t dram_addr,
                 uint32_t rows);

typedef struct {
    uint32_t n0, n1, m;
    uint32_t a_mask, a_input;   /* decoder 0 bases */
    uint32_t b_mask, b_input;   /* decoder 1 bases */
    uint32_t out_dec, out_mask, out_input;
    uint32_t a_bias, b_bias, out_bias; /* 3-bit bias fields */
    uint32_t relu, add_bias, shift;
    int32_t weight_bias;
    uint32_t dense_out; /* ext (edgebert.dense_results): 1 writes the result as a dense stream, every mask
                           bit set and input row k = vector k (base_output bit 31, dense_results) */
} eb_matmul_desc;
int eb_matmul(const eb_platform* p, const eb_matmul_desc* d);
int eb_matmul_start(const eb_platform* p, const eb_matmul_desc* d);

/* EB_SFU_LUT is the co-design extension (command 13; the tile needs edgebert.sfu_lut, else it
 * refuses or ignores the command as unknown): out = table[x] code by code for num_timestep rows x
 * num_vector vectors of x (x_mask / x_input, decoder 0), the table (one byte per code: 2^act_total_bits) in whole aux rows
 * from gamma_row, the result encoded into out_dec at out_mask / out_input. No bias field is used. */
typedef enum { EB_SFU_LAYER_NORM, EB_SFU_SOFTMAX, EB_SFU_ELEMENT_ADD, EB_SFU_ENTROPY, EB_SFU_DVFS, EB_SFU_LUT } eb_sfu_op;
typedef struct {
    eb_sfu_op op;
    uint32_t num_vector, num_timestep;
    uint32_t x_mask, x_input;   /* decoder 0 */
    uint32_t y_mask, y_input;   /* decoder 1 (element add) */
    uint32_t out_dec, out_mask, out_input;
    uint32_t x_bias, y_bias, out_bias;
    uint32_t gamma_row, beta_row, span_row, gamma_bias, beta_bias, span_bias; /* gamma_row: also the LUT's table */
    uint32_t threshold_q10, entropy_scale, direct_level;
    uint32_t dense_out; /* ext, as in eb_matmul_desc: a dense result (layer norm, softmax, element add, LUT) */
} eb_sfu_desc;
int eb_sfu(const eb_platform* p, const eb_sfu_desc* d);
int eb_sfu_start(const eb_platform* p, const eb_sfu_desc* d);
/* After EB_SFU_ENTROPY / EB_SFU_DVFS: the status register (entropy status [1:0], H [31:18]). */
uint32_t eb_status(const eb_platform* p);

/* Waits for the DMA (dma = 1) or compute engine's completion. */
int eb_wait(const eb_platform* p, int dma);

#ifdef __cplusplus
}
#endif

#endif /* EB_EDGEBERT_H */
