#include "eb_thesis.h"

#include <stdlib.h>
#include <string.h>

#include "eb_cache.h"
#include "eb_edgebert_regs.h"
#include "eb_executor.h"
#include "eb_hal.h"
#include "eb_kernels.h"
#include "eb_program.h"

enum {
    PLIC_PRIORITY = 0x0,
    PLIC_PENDING = 0x1000,
    PLIC_ENABLE = 0x2000,
    PLIC_CLAIM = 0x200004,
    DEC_A = 0, /* staging buffers and decoders of the operands; results go to decoder 0 */
    DEC_B = 1,
    BUF_OUT = 2,
    ERR_ALLOC = EB_EXEC_ERR_NOMEM,
    ERR_SIZE = EB_EXEC_ERR_FORMAT,
    REF_M = 16 /* the study's reference transfer: M value beats and M mask words */
};

static eb_thesis_dma_tally s_tally;
static uint32_t s_timeouts; /* interrupt waits given up */
void eb_thesis_tally_reset(void) {
    memset(&s_tally, 0, sizeof s_tally);
    s_timeouts = 0;
}
eb_thesis_dma_tally eb_thesis_tally(void) { return s_tally; }
/* The study's word count of an m x n operand: value beats and mask words. */
static uint64_t study_words(uint64_t elems) { return elems / 8u + elems / 16u; }

/* ------------------------------------------------------------ the area */

/* Rows of a decoder's SRAMs usable for one operand and its result. */
static uint32_t sram_rows(const eb_platform* p) {
    return p->input_sram_depth < p->mask_sram_depth ? p->input_sram_depth : p->mask_sram_depth;
}

/* First row of a result of `vec` vectors placed above `below` rows of operand: the top of
 * the rows the published fields address when it fits there, so that a larger tile (the
 * extended register layout) needs no extension register write for it; else the SRAMs' top. */
static uint32_t top_row(const eb_platform* p, uint32_t below, uint32_t vec) {
    const uint32_t published = EB_F_BASE_OUTPUT_MASK_MASK + 1u;
    return sram_rows(p) > published && below + vec <= published ? published - vec : sram_rows(p) - vec;
}

static uint64_t mask_buf_bytes(const eb_platform* p) { return (uint64_t)p->mask_sram_depth * (p->lanes / 8u); }
static uint64_t input_buf_bytes(const eb_platform* p) { return (uint64_t)p->input_sram_depth * p->lanes; }
static uint64_t aux_buf_bytes(const eb_platform* p) { return (uint64_t)p->aux_sram_depth * p->lanes; }

uint64_t eb_thesis_staging_bytes(const eb_platform* p) {
    return 3u * mask_buf_bytes(p) + 3u * input_buf_bytes(p) + 2u * aux_buf_bytes(p);
}
static uint64_t mask_buf(const eb_platform* p, uint64_t st, int i) { return st + (uint64_t)i * mask_buf_bytes(p); }
static uint64_t input_buf(const eb_platform* p, uint64_t st, int i) {
    return st + 3u * mask_buf_bytes(p) + (uint64_t)i * input_buf_bytes(p);
}
static uint64_t aux_buf(const eb_platform* p, uint64_t st, int i) {
    return st + 3u * mask_buf_bytes(p) + 3u * input_buf_bytes(p) + (uint64_t)i * aux_buf_bytes(p);
}

/* ------------------------------------------------------- registers, IRQ */

static void wr(const eb_platform* p, uint32_t off, uint32_t v) { eb_hal_write32(p->edgebert_base + off, v); }

/* The tile's register layout (docs/register-map.md, "Extended layout"): fields
 * widened in place (FLD) and high bits in extension registers, written only
 * when a value needs them (they clear at every command). */
static int extended(const eb_platform* p) { return p->register_layout == EB_LAYOUT_EXTENDED; }
#define FLD(name, v) (extended(p) ? EB_XFIELD(name, v) : EB_FIELD(name, v))
#define HI(name, v) (extended(p) ? EB_XHI(name, v) : 0u)
static void wr_hi(const eb_platform* p, uint32_t off, uint32_t v) {
    if (v) wr(p, off, v);
}
/* Rows one mask / input DMA moves: the dma_length field (rows - 1). */
static uint32_t dma_rows_max(const eb_platform* p) {
    return (extended(p) ? EB_FX_DMA_LENGTH_MASK : EB_F_DMA_LENGTH_MASK) + 1u;
}

/* Polls the PLIC's pending word for the tile's source, then completes the
 * previous claim, re-enables the source, sets its priority and claims it:
 * the original driver's sequence, one wait per command. */
static void wait_irq(const eb_platform* p, int category) {
    const uint32_t src = p->edgebert_irq, bit = 1u << (src % 32u);
    eb_hal_category_override(category);
    /* The original spins forever when no interrupt comes; give up after 2^32
     * cycles (far beyond any command) so a simulation cannot hang, and leave
     * the failure to the tile's log. */
    const uint64_t t0 = eb_hal_cycles();
    while (!(eb_hal_read32(p->plic_base + PLIC_PENDING + 4u * (src / 32u)) & bit)) {
        if (eb_hal_cycles() - t0 > (1ull << 32)) {
            s_timeouts++;
            return;
        }
    }
    eb_hal_category_override(EB_CAT_REGISTER);
    eb_hal_write32(p->plic_base + PLIC_CLAIM, src);
    eb_hal_write32(p->plic_base + PLIC_ENABLE + 4u * (src / 32u), bit);
    eb_hal_write32(p->plic_base + PLIC_PRIORITY + 4u * src, 1u);
    (void)eb_hal_read32(p->plic_base + PLIC_CLAIM);
}

/* Starts a command and waits for its interrupt, charged to `category`. */
static void command(const eb_platform* p, uint32_t cmd, int category) {
    wr(p, EB_F_COMMAND_REG, cmd);
    wait_irq(p, category);
}

/* A mask or input DMA of `rows` mask words / input rows (dma_length = rows - 1). */
static void dma(const eb_platform* p, uint32_t cmd, uint32_t rows, int category) {
    wr(p, EB_F_DMA_LENGTH_REG, FLD(DMA_LENGTH, rows - 1u));
    command(p, cmd, category);
}

/* Before each operator: the soft-reset write and the staging area's DRAM
 * addresses (read and write, mask / input / aux). */
static void begin_operator(const eb_platform* p, uint64_t st) {
    eb_hal_category_override(EB_CAT_REGISTER);
    wr(p, EB_F_SOFT_RESET_REG, 1u);
    wr(p, EB_F_MASK_RD_ADDR_REG, (uint32_t)mask_buf(p, st, DEC_A));
    wr(p, EB_F_MASK_WR_ADDR_REG, (uint32_t)mask_buf(p, st, BUF_OUT));
    wr(p, EB_F_INPUT_RD_ADDR_REG, (uint32_t)input_buf(p, st, DEC_A));
    wr(p, EB_F_INPUT_WR_ADDR_REG, (uint32_t)input_buf(p, st, BUF_OUT));
    wr(p, EB_F_AUX_RD_ADDR_REG, (uint32_t)aux_buf(p, st, 0));
    wr(p, EB_F_AUX_WR_ADDR_REG, (uint32_t)aux_buf(p, st, 1));
}

/* ------------------------------------------------------- CPU-side steps */

/* malloc / free as the executor's EB_H_MALLOC charges them (docs/host-costs.md):
 * one malloc_call per pair, plus the firmware's C library clearing the block
 * (its stores and, as they outrun the write-allocate fills, the lines' fills). */
static void* take(size_t bytes) {
    eb_hal_category_override(EB_CAT_MALLOC);
    eb_hal_charge(EB_COST_MALLOC, 1);
    eb_hal_charge(EB_COST_MEMSET_BYTE, bytes);
    eb_hal_charge_mem(EB_COST_MEMSET_BYTE, 0, bytes, bytes, bytes, bytes);
    eb_hal_charge_mem(EB_COST_MEMSET_BYTE, 1, bytes, bytes, bytes, bytes);
    return malloc(bytes ? bytes : 1u);
}
static void give(void* ptr) {
    eb_hal_category_override(EB_CAT_MALLOC);
    free(ptr);
}

/* memcpy between the core's buffers and the staging area ("memset"). */
static void stage_out(const void* src, uint64_t dst, size_t bytes) {
    eb_hal_category_override(EB_CAT_MEMSET);
    void* d = eb_hal_map(dst, bytes);
    memcpy(d, src, bytes);
    eb_hal_unmap(d, dst, bytes, 1);
    eb_hal_charge(EB_COST_MEMCPY_BYTE, bytes);
    eb_hal_charge(EB_COST_MEMCPY_CALL, 1);
    eb_hal_charge_mem(EB_COST_MEMCPY_BYTE, 0, bytes, bytes, bytes, bytes);
    eb_hal_charge_mem(EB_COST_MEMCPY_BYTE, 1, bytes, bytes, bytes, bytes);
}
static void stage_in(uint64_t src, void* dst, size_t bytes) {
    eb_hal_category_override(EB_CAT_MEMSET);
    const void* s = eb_hal_map(src, bytes);
    memcpy(dst, s, bytes);
    eb_hal_unmap((void*)s, src, bytes, 0);
    eb_hal_charge(EB_COST_MEMCPY_BYTE, bytes);
    eb_hal_charge(EB_COST_MEMCPY_CALL, 1);
    eb_hal_charge_mem(EB_COST_MEMCPY_BYTE, 0, bytes, bytes, bytes, bytes);
    eb_hal_charge_mem(EB_COST_MEMCPY_BYTE, 1, bytes, bytes, bytes, bytes);
}

/* rows x cols codes (row stride ld) gathered densely: the operand as the
 * encoder reads it, vector after vector. */
static void gather(const eb_thesis_operand* x, uint8_t* dense) {
    const uint64_t bytes = (uint64_t)x->rows * x->cols;
    for (uint32_t r = 0; r < x->rows; ++r) memcpy(dense + (size_t)r * x->cols, x->codes + (size_t)r * x->ld, x->cols);
    eb_hal_charge(EB_COST_MEMCPY_BYTE, bytes);
    eb_hal_charge(EB_COST_MEMCPY_CALL, x->rows); /* one memcpy per row */
    eb_hal_charge_mem(EB_COST_MEMCPY_BYTE, 0, bytes, 2u * bytes, x->cols, x->ld);
    eb_hal_charge_mem(EB_COST_MEMCPY_BYTE, 1, bytes, 2u * bytes, bytes, bytes);
}

/* One operand into decoder `dec`: encode into fresh buffers, copy into the
 * staging area, DMA the mask words and the value rows (use_axi = 0, as the
 * original driver started reads). */
static int send_operand(const eb_platform* p, uint64_t st, int dec, const uint8_t* dense, uint32_t vectors,
                        uint8_t magnitude_mask) {
    const size_t lanes = p->lanes, mbytes = vectors * (lanes / 8u);
    if (vectors > p->mask_sram_depth || vectors > dma_rows_max(p)) return ERR_SIZE;
    uint8_t* mask = (uint8_t*)take(mbytes);
    uint8_t* rows = (uint8_t*)take((size_t)vectors * lanes);
    if (!mask || !rows) return ERR_ALLOC;
    eb_hal_category_override(EB_CAT_CPU_COMPUTE);
    const size_t depth = eb_k_bitmask_encode(dense, vectors, (int)lanes, magnitude_mask, mask, rows);
    stage_out(mask, mask_buf(p, st, dec), mbytes);
    if (depth) stage_out(rows, input_buf(p, st, dec), depth * lanes);
    give(rows);
    give(mask);
    /* The tile reads what the CPU wrote: flush what the DMA bypasses. */
    eb_hal_category_override(EB_CAT_FLUSH);
    eb_cache_flush(p, p->edgebert_coherence);
    eb_hal_category_override(EB_CAT_REGISTER);
    wr(p, EB_F_FLIP_MEM_REG, (uint32_t)dec);
    wr(p, EB_F_USE_AXI_REG, 0u);
    /* Reads land at row 0 (where the original's DMA always starts; this model takes the row from the bases). */
    wr(p, EB_F_BASE_INPUT0_REG, 0u);
    wr(p, EB_F_BASE_MASK0_REG, 0u);
    wr(p, EB_F_MASK_RD_ADDR_REG, (uint32_t)mask_buf(p, st, dec));
    dma(p, EB_CMD_MASK_READ, vectors, EB_CAT_READ);
    s_tally.words_read += study_words((uint64_t)vectors * lanes);
    if (depth) {
        wr(p, EB_F_INPUT_RD_ADDR_REG, (uint32_t)input_buf(p, st, dec));
        dma(p, EB_CMD_INPUT_READ, (uint32_t)depth, EB_CAT_READ);
    }
    return 0;
}

/* The result (vectors at output row `row` of decoder 0) out through the
 * staging area and decoded by the CPU into rows x cols codes at out (ld). */
static int receive_result(const eb_platform* p, uint64_t st, uint32_t row, uint32_t vectors, uint8_t* out, size_t ld,
                          uint32_t rows, uint32_t cols) {
    const size_t lanes = p->lanes, mbytes = vectors * (lanes / 8u), rbytes = (size_t)vectors * lanes;
    eb_hal_category_override(EB_CAT_REGISTER);
    wr(p, EB_F_USE_AXI_REG, 1u);
    wr(p, EB_F_FLIP_MEM_REG, 0u);
    /* The write-out engines read from base_output (rows) and base_output_mask. */
    wr(p, EB_F_BASE_OUTPUT_REG, FLD(BASE_OUTPUT, row) | FLD(BASE_OUTPUT_MASK, row));
    wr(p, EB_F_BASE_INPUT0_REG, FLD(BASE_INPUT0, row));
    wr(p, EB_F_BASE_MASK0_REG, FLD(BASE_MASK0, row));
    wr_hi(p, EB_X_BASE_OUTPUT_REG, HI(BASE_OUTPUT_MASK, row));
    dma(p, EB_CMD_MASK_WRITE, vectors, EB_CAT_WRITE);
    command(p, EB_CMD_INPUT_WRITE, EB_CAT_WRITE);
    s_tally.words_written += study_words((uint64_t)vectors * lanes);
    uint8_t* mask = (uint8_t*)take(mbytes);
    uint8_t* vals = (uint8_t*)take(rbytes);
    uint8_t* dense = (uint8_t*)take(rbytes);
    if (!mask || !vals || !dense) return ERR_ALLOC;
    stage_in(mask_buf(p, st, BUF_OUT), mask, mbytes);
    stage_in(input_buf(p, st, BUF_OUT), vals, rbytes);
    eb_hal_category_override(EB_CAT_CPU_COMPUTE);
    const int rc = eb_k_bitmask_decode(mask, vals, vectors, vectors, (int)lanes, dense);
    for (uint32_t r = 0; !rc && r < rows; ++r) memcpy(out + (size_t)r * ld, dense + (size_t)r * cols, cols);
    eb_hal_charge(EB_COST_MEMCPY_BYTE, (uint64_t)rows * cols);
    eb_hal_charge(EB_COST_MEMCPY_CALL, rc ? 0u : rows); /* one memcpy per decoded row */
    eb_hal_charge_mem(EB_COST_MEMCPY_BYTE, 0, (uint64_t)rows * cols, 2u * rows * cols, (uint64_t)rows * cols, 0);
    eb_hal_charge_mem(EB_COST_MEMCPY_BYTE, 1, (uint64_t)rows * cols, 2u * rows * cols, cols, ld);
    give(dense);
    give(vals);
    give(mask);
    return rc ? -3 : 0;
}

/* ------------------------------------------------------------ operators */

int eb_thesis_matmul(const eb_platform* p, uint64_t st, const eb_thesis_operand* a, const eb_thesis_operand* b,
                     uint8_t* c, size_t ldc, uint32_t c_bias, uint32_t shift) {
    const uint32_t n0 = a->rows, m = a->cols, n1 = b->cols, lanes = p->lanes;
    const uint32_t a_vec = n0 * m / lanes, b_vec = n1 * m / lanes, c_vec = n0 * n1 / lanes;
    if (a_vec + c_vec > sram_rows(p)) return ERR_SIZE;
    begin_operator(p, st);
    uint8_t* dense = (uint8_t*)take((size_t)n0 * m > (size_t)n1 * m ? (size_t)n0 * m : (size_t)n1 * m);
    if (!dense) return ERR_ALLOC;
    /* A as it is; B transposed by the CPU into N1 rows of M (the tile's B^T). */
    eb_hal_category_override(EB_CAT_CPU_COMPUTE);
    gather(a, dense);
    int rc = send_operand(p, st, DEC_A, dense, a_vec, a->magnitude_mask);
    if (!rc) {
        eb_hal_category_override(EB_CAT_TRANSPOSE);
        eb_k_transpose_u8(b->codes, b->ld, dense, m, (int)m, (int)n1);
        eb_hal_charge(EB_COST_TRANSPOSE_ELEM, (uint64_t)m * n1);
        /* A blocked transpose: B's rows in, the transposed rows out contiguously. */
        eb_hal_charge_mem(EB_COST_TRANSPOSE_ELEM, 0, (uint64_t)m * n1, 2u * m * n1, n1, b->ld);
        eb_hal_charge_mem(EB_COST_TRANSPOSE_ELEM, 1, (uint64_t)m * n1, 2u * m * n1, m, m);
        rc = send_operand(p, st, DEC_B, dense, b_vec, b->magnitude_mask);
    }
    give(dense);
    if (rc) return rc;
    /* The result at the top of decoder 0's SRAMs (top_row), clear of A. */
    const uint32_t out_row = top_row(p, a_vec, c_vec);
    eb_hal_category_override(EB_CAT_REGISTER);
    wr(p, EB_F_USE_AXI_REG, 0u);
    wr(p, EB_F_USE_GB_REG, 0u);
    wr(p, EB_F_FLIP_MEM_REG, 0u);
    wr(p, EB_F_RESET_MODE_REG, 1u | (2u << 6)); /* decoder 0 reads the N0 pattern, decoder 1 N1 */
    wr(p, EB_F_IS_RELU_REG, EB_FIELD(ACCUM_BIAS, c_bias) | EB_FIELD(ACCUM_SHIFT, shift));
    wr(p, EB_F_N0_REG, EB_FIELD(N0, n0) | EB_FIELD(N1, n1) | EB_FIELD(M, m));
    wr_hi(p, EB_X_MATMUL_DIMS_REG, HI(N0, n0) | HI(N1, n1) | HI(M, m));
    wr(p, EB_F_BASE_INPUT0_REG, 0u);
    wr(p, EB_F_BASE_MASK0_REG, 0u);
    wr(p, EB_F_BIAS_ACT1_REG, EB_FIELD(BIAS_ACT1, a->bias) | EB_FIELD(BIAS_ACT2, b->bias));
    wr(p, EB_F_BASE_OUTPUT_REG, FLD(BASE_OUTPUT, out_row) | FLD(BASE_OUTPUT_MASK, out_row));
    wr_hi(p, EB_X_BASE_OUTPUT_REG, HI(BASE_OUTPUT_MASK, out_row));
    command(p, EB_CMD_MATMUL, EB_CAT_COMPUTE);
    rc = receive_result(p, st, out_row, c_vec, c, ldc, n0, n1);
    eb_hal_category_override(-1);
    return s_timeouts ? EB_EXEC_ERR_TIMEOUT : rc;
}

/* nrows aux rows of codes into the aux SRAM from row 0 (through the staging area). */
static int send_aux(const eb_platform* p, uint64_t st, const uint8_t* codes, uint32_t nrows) {
    const size_t bytes = (size_t)nrows * p->lanes;
    if (nrows > p->aux_sram_depth) return ERR_SIZE;
    stage_out(codes, aux_buf(p, st, 0), bytes);
    eb_hal_category_override(EB_CAT_FLUSH);
    eb_cache_flush(p, p->edgebert_coherence);
    eb_hal_category_override(EB_CAT_REGISTER);
    wr(p, EB_F_USE_AXI_REG, 0u);
    wr(p, EB_F_AUX_RD_ADDR_REG, (uint32_t)aux_buf(p, st, 0));
    wr(p, EB_F_AUX_DMA_LENGTH_REG, FLD(AUX_DMA_LENGTH, nrows - 1u) | FLD(AUX_DMA_BASE, 0u));
    command(p, EB_CMD_AUX_READ, EB_CAT_READ);
    return 0;
}

/* One special-function command over `rows` rows of nv vectors: x from decoder
 * 0 row x_row, the result into decoder 0 at out_row. */
static void run_sfu(const eb_platform* p, uint32_t cmd, uint32_t gb_mode, uint32_t nv, uint32_t rows, uint32_t x_row,
                    uint32_t out_row, uint32_t biases, uint32_t aux_word) {
    eb_hal_category_override(EB_CAT_REGISTER);
    wr(p, EB_F_USE_AXI_REG, 0u);
    wr(p, EB_F_USE_GB_REG, 1u);
    wr(p, EB_F_GB_MODE_REG, gb_mode);
    wr(p, EB_F_FLIP_MEM_REG, 0u);
    wr(p, EB_F_NUM_VECTOR_REG, EB_FIELD(NUM_VECTOR, nv) | EB_FIELD(NUM_TIMESTEP, rows) | biases);
    wr_hi(p, EB_X_SFU_SHAPE_REG, HI(NUM_VECTOR, nv) | HI(NUM_TIMESTEP, rows));
    wr(p, EB_F_BASE_INPUT0_REG, FLD(BASE_INPUT0, x_row));
    wr(p, EB_F_BASE_MASK0_REG, FLD(BASE_MASK0, x_row));
    wr(p, EB_F_BASE_ATTN_SPAN_REG, aux_word);
    wr(p, EB_F_BASE_OUTPUT_REG, FLD(BASE_OUTPUT, out_row) | FLD(BASE_OUTPUT_MASK, out_row));
    wr_hi(p, EB_X_BASE_OUTPUT_REG, HI(BASE_OUTPUT_MASK, out_row));
    command(p, cmd, EB_CAT_COMPUTE);
}

/* Rows per batch: whole rows, an input and a result region per decoder, and
 * the num_timestep field. */
static uint32_t batch_rows(const eb_platform* p, uint32_t nv, uint32_t rows) {
    uint32_t b = sram_rows(p) / 2u / nv;
    const uint32_t top = extended(p) ? (EB_FX_NUM_TIMESTEP_MASK | (EB_FX_NUM_TIMESTEP_HI_MASK << EB_F_NUM_TIMESTEP_WIDTH))
                                     : EB_F_NUM_TIMESTEP_MASK; /* the num_timestep field */
    if (b > top) b = top;
    return b < rows ? b : rows;
}

int eb_thesis_softmax(const eb_platform* p, uint64_t st, uint8_t* x, size_t ld, uint32_t rows, uint32_t cols,
                      uint32_t x_bias, uint32_t out_bias, uint8_t one_code, uint32_t one_bias, uint8_t magnitude_mask) {
    const uint32_t lanes = p->lanes, nv = cols / lanes;
    begin_operator(p, st);
    /* The attention-span mask: all ones (no span limit), one aux row per vector. */
    uint8_t* span = (uint8_t*)take((size_t)nv * lanes);
    if (!span) return ERR_ALLOC;
    memset(span, one_code, (size_t)nv * lanes);
    int rc = send_aux(p, st, span, nv);
    give(span);
    for (uint32_t r0 = 0; !rc && r0 < rows;) {
        const uint32_t b = batch_rows(p, nv, rows - r0), vec = b * nv, out_row = top_row(p, vec, vec);
        const eb_thesis_operand op = {x + (size_t)r0 * ld, ld, b, cols, x_bias, magnitude_mask};
        uint8_t* dense = (uint8_t*)take((size_t)b * cols);
        if (!dense) return ERR_ALLOC;
        eb_hal_category_override(EB_CAT_CPU_COMPUTE);
        gather(&op, dense);
        rc = send_operand(p, st, DEC_A, dense, vec, magnitude_mask);
        give(dense);
        if (rc) break;
        run_sfu(p, EB_CMD_SOFTMAX, EB_GB_SOFTMAX, nv, b, 0u, out_row,
                EB_FIELD(BIAS_ACT1, x_bias) | EB_FIELD(BIAS_ACT3, out_bias),
                EB_FIELD(BASE_ATTN_SPAN, 0u) | EB_FIELD(BIAS_ATTN_SPAN, one_bias));
        rc = receive_result(p, st, out_row, vec, x + (size_t)r0 * ld, ld, b, cols);
        r0 += b;
    }
    eb_hal_category_override(-1);
    return s_timeouts ? EB_EXEC_ERR_TIMEOUT : rc;
}

int eb_thesis_add_layer_norm(const eb_platform* p, uint64_t st, uint8_t* x, size_t ldx, uint32_t x_bias,
                             const uint8_t* r, size_t ldr, uint32_t r_bias, uint32_t rows, uint32_t cols,
                             const uint8_t* gamma, uint32_t gamma_bias, const uint8_t* beta, uint32_t beta_bias,
                             uint32_t sum_bias, uint32_t out_bias, uint8_t magnitude_mask) {
    const uint32_t lanes = p->lanes, nv = cols / lanes;
    begin_operator(p, st);
    /* gamma in aux rows [0, nv), beta in [nv, 2 nv). */
    uint8_t* gb = (uint8_t*)take((size_t)2u * cols);
    if (!gb) return ERR_ALLOC;
    eb_hal_category_override(EB_CAT_MEMSET);
    memcpy(gb, gamma, cols);
    memcpy(gb + cols, beta, cols);
    eb_hal_charge(EB_COST_MEMCPY_BYTE, 2u * (uint64_t)cols);
    eb_hal_charge(EB_COST_MEMCPY_CALL, 2);
    int rc = send_aux(p, st, gb, 2u * nv);
    give(gb);
    for (uint32_t r0 = 0; !rc && r0 < rows;) {
        const uint32_t b = batch_rows(p, nv, rows - r0), vec = b * nv, top = top_row(p, vec, vec);
        const eb_thesis_operand xo = {x + (size_t)r0 * ldx, ldx, b, cols, x_bias, magnitude_mask};
        const eb_thesis_operand ro = {r + (size_t)r0 * ldr, ldr, b, cols, r_bias, magnitude_mask};
        uint8_t* dense = (uint8_t*)take((size_t)b * cols);
        if (!dense) return ERR_ALLOC;
        eb_hal_category_override(EB_CAT_CPU_COMPUTE);
        gather(&xo, dense);
        rc = send_operand(p, st, DEC_A, dense, vec, magnitude_mask);
        if (!rc) {
            eb_hal_category_override(EB_CAT_CPU_COMPUTE);
            gather(&ro, dense);
            rc = send_operand(p, st, DEC_B, dense, vec, magnitude_mask);
        }
        give(dense);
        if (rc) break;
        /* x + r into the top of decoder 0, then the layer norm of it back to row 0. */
        wr(p, EB_F_BASE_INPUT0_REG, 0u);
        run_sfu(p, EB_CMD_ELEMENT_ADD, EB_GB_ELEMENT_ADD, nv, b, 0u, top,
                EB_FIELD(BIAS_ACT1, x_bias) | EB_FIELD(BIAS_ACT2, r_bias) | EB_FIELD(BIAS_ACT3, sum_bias), 0u);
        run_sfu(p, EB_CMD_LAYER_NORM, EB_GB_LAYER_NORM, nv, b, top, 0u,
                EB_FIELD(BIAS_ACT1, sum_bias) | EB_FIELD(BIAS_ACT3, out_bias),
                EB_FIELD(BASE_GAMMA, 0u) | EB_FIELD(BASE_BETA, nv) | EB_FIELD(BIAS_GAMMA, gamma_bias) |
                    EB_FIELD(BIAS_BETA, beta_bias));
        rc = receive_result(p, st, 0u, vec, x + (size_t)r0 * ldx, ldx, b, cols);
        r0 += b;
    }
    eb_hal_category_override(-1);
    return s_timeouts ? EB_EXEC_ERR_TIMEOUT : rc;
}

int eb_thesis_dma_reference(const eb_platform* p, uint64_t st) {
    const uint32_t rows = REF_M * 8u / p->lanes; /* M beats of 8 bytes */
    begin_operator(p, st);
    uint64_t t0 = eb_hal_cycles();
    eb_hal_category_override(EB_CAT_REGISTER);
    wr(p, EB_F_FLIP_MEM_REG, 0u);
    wr(p, EB_F_USE_AXI_REG, 0u);
    wr(p, EB_F_BASE_INPUT0_REG, 0u);
    wr(p, EB_F_BASE_MASK0_REG, 0u);
    dma(p, EB_CMD_MASK_READ, REF_M, EB_CAT_READ);
    dma(p, EB_CMD_INPUT_READ, rows, EB_CAT_READ);
    s_tally.ref_read_cycles = eb_hal_cycles() - t0;
    t0 = eb_hal_cycles();
    wr(p, EB_F_USE_AXI_REG, 1u);
    wr(p, EB_F_BASE_OUTPUT_REG, 0u);
    dma(p, EB_CMD_MASK_WRITE, REF_M, EB_CAT_WRITE);
    dma(p, EB_CMD_INPUT_WRITE, rows, EB_CAT_WRITE);
    s_tally.ref_write_cycles = eb_hal_cycles() - t0;
    eb_hal_category_override(-1);
    return 0;
}
