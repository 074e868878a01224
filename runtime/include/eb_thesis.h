/* The published software's EdgeBERT driver, rewritten (thesis mode).
 *
 * What the silicon study ran (docs/thesis-mode.md): 8-bit AdaptivFloat codes in
 * byte arrays end to end; for every tile call the CPU transposes the B operand,
 * encodes each operand from dense codes into bitmask form (values + one mask
 * bit per element) in freshly allocated buffers, copies it into a fixed DMA
 * staging area (memcpy: the "memset" category), programs one DMA per operand
 * and waits for each command by polling the PLIC's pending word, then claims
 * and completes the interrupt. Results come back through the staging area and
 * are decoded by the CPU. Register programming follows the original driver:
 * a soft-reset write before each operator, use_axi = 0 for DMA reads and for
 * computing, use_axi = 1 for DMA writes-out.
 *
 * Pointers are the core's view of the operands (eb_hal_map). Bias arguments
 * are the tile's 3-bit bias fields. Every function returns 0 or a negative
 * executor error (eb_executor.h: EB_EXEC_ERR_NOMEM when malloc fails,
 * EB_EXEC_ERR_FORMAT when an operand does not fit the SRAMs, -3 when a result
 * does not decode). */
#ifndef EB_THESIS_H
#define EB_THESIS_H

#include <stddef.h>
#include <stdint.h>

#include "eb_platform.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes of the staging area: three mask buffers and three input buffers the
 * size of a decoder's SRAMs, two aux buffers the size of the aux SRAM. */
uint64_t eb_thesis_staging_bytes(const eb_platform* p);

typedef struct {
    const uint8_t* codes; /* rows x cols codes, row stride ld */
    size_t ld;
    uint32_t rows, cols;
    uint32_t bias; /* bias field */
    uint8_t magnitude_mask; /* code bits other than the sign: a code is zero iff (code & mask) == 0 */
} eb_thesis_operand;

/* C (n0 x n1) = A (n0 x m) . B (m x n1), B given K x N as the published API
 * took it (transposed by the CPU for the tile). Output scaled by 2^-shift. */
int eb_thesis_matmul(const eb_platform* p, uint64_t staging, const eb_thesis_operand* a, const eb_thesis_operand* b,
                     uint8_t* c, size_t ldc, uint32_t c_bias, uint32_t shift);

/* Softmax of every row of x (in place), with an all-ones attention-span mask
 * (one_code: the code of 1.0 at bias field one_bias). */
int eb_thesis_softmax(const eb_platform* p, uint64_t staging, uint8_t* x, size_t ld, uint32_t rows, uint32_t cols,
                      uint32_t x_bias, uint32_t out_bias, uint8_t one_code, uint32_t one_bias, uint8_t magnitude_mask);

/* x = LayerNorm(x + r) row by row; gamma / beta: cols codes each. */
int eb_thesis_add_layer_norm(const eb_platform* p, uint64_t staging, uint8_t* x, size_t ldx, uint32_t x_bias,
                             const uint8_t* r, size_t ldr, uint32_t r_bias, uint32_t rows, uint32_t cols,
                             const uint8_t* gamma, uint32_t gamma_bias, const uint8_t* beta, uint32_t beta_bias,
                             uint32_t sum_bias, uint32_t out_bias, uint8_t magnitude_mask);

/* DMA bookkeeping for the silicon DMA projection (docs/thesis-mode.md): the
 * words every operand transfer moves by the study's count (m n / 8 value beats
 * + m n / 16 mask words for an m x n operand), and the measured cycles of one
 * reference transfer of 2M words (M = 16 value beats and M mask words) in each
 * direction. */
typedef struct {
    uint64_t words_read, words_written;
    uint64_t ref_read_cycles, ref_write_cycles;
} eb_thesis_dma_tally;
void eb_thesis_tally_reset(void);
eb_thesis_dma_tally eb_thesis_tally(void);
/* Times the reference transfers (DRAM -> decoder 0 and back) with the core's cycle counter. */
int eb_thesis_dma_reference(const eb_platform* p, uint64_t staging);

#ifdef __cplusplus
}
#endif

#endif /* EB_THESIS_H */
