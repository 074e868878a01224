#include "eb_edgebert.h"

#include "eb_cache.h"
#include "eb_edgebert_regs.h"
#include "eb_hal.h"
#include "eb_plic.h"

static uint64_t reg(const eb_platform* p, uint32_t off) { return p->edgebert_base + off; }
static void wr(const eb_platform* p, uint32_t off, uint32_t v) { eb_hal_write32(reg(p, off), v); }
static uint32_t rd(const eb_platform* p, uint32_t off) { return eb_hal_read32(reg(p, off)); }

/* The register layout (docs/register-map.md, "Extended layout"): the extended one
 * widens some fields in place (FLD) and takes the high bits of the others from
 * extension registers, which hold them for the next command only; they are
 * written only when a value needs them (HI), so a program whose values fit the
 * published fields writes the same registers on either layout. */
static int extended(const eb_platform* p) { return p->register_layout == EB_LAYOUT_EXTENDED; }
#define FLD(name, v) (extended(p) ? EB_XFIELD(name, v) : EB_FIELD(name, v))
#define HI(name, v) (extended(p) ? EB_XHI(name, v) : 0u)
static void wr_hi(const eb_platform* p, uint32_t off, uint32_t v) {
    if (v) wr(p, off, v);
}

void eb_tile_init(const eb_platform* p) {
    eb_set_coherence(p->edgebert_coherence_csr, p->edgebert_coherence);
    wr(p, EB_F_SOFT_RESET_REG, EB_CTRL_SOFT_RESET);
    eb_plic_enable(p, p->edgebert_irq);
}

uint32_t eb_tile_ctrl(const eb_platform* p) { return rd(p, EB_F_CAUSE_REG); }

int eb_wait(const eb_platform* p, int dma) {
    const uint32_t done = dma ? EB_CTRL_DMA_DONE : EB_CTRL_COMPUTE_DONE;
    for (;;) {
        const uint32_t c = rd(p, EB_F_CAUSE_REG);
        if (c & EB_CTRL_ERROR) {
            /* Report the cause and leave the tile usable. */
            wr(p, EB_F_SOFT_RESET_REG, EB_CTRL_SOFT_RESET);
            return (int)(c & EB_CTRL_CAUSE_MASK);
        }
        if (c & done) {
            wr(p, EB_F_SOFT_RESET_REG, done); /* W1C, bit 0 clear: no reset */
            return 0;
        }
        eb_hal_wait_for_interrupt();
        const uint32_t id = eb_plic_claim(p);
        if (id) eb_plic_complete(p, id);
    }
}

static uint32_t with_field(uint32_t word, uint32_t lsb, uint32_t mask, uint32_t v) {
    return (word & ~(mask << lsb)) | ((v & mask) << lsb);
}

int eb_dma_start(const eb_platform* p, eb_sram_t sram, int to_sram, int dec, uint32_t row, uint64_t dram_addr,
                 uint32_t rows) {
    uint32_t cmd;
    wr(p, EB_F_USE_AXI_REG, 1u);
    if (sram == EB_SRAM_AUX) {
        wr(p, EB_F_AUX_RD_ADDR_REG + (to_sram ? 0u : 4u), (uint32_t)dram_addr);
        wr(p, EB_F_AUX_DMA_LENGTH_REG, FLD(AUX_DMA_LENGTH, rows - 1u) | FLD(AUX_DMA_BASE, row));
        cmd = to_sram ? EB_CMD_AUX_READ : EB_CMD_AUX_WRITE;
    } else {
        const int mask = sram == EB_SRAM_MASK;
        wr(p, EB_F_FLIP_MEM_REG, (uint32_t)dec);
        if (to_sram) {
            /* Reads land at the decoder's base_input / base_mask (an extension: the original starts at row 0). */
            const uint32_t base_reg = mask ? EB_F_BASE_MASK0_REG : EB_F_BASE_INPUT0_REG;
            const uint32_t lsb = dec ? EB_F_BASE_MASK1_LSB : EB_F_BASE_MASK0_LSB;
            const uint32_t fmask = extended(p) ? EB_FX_BASE_MASK0_MASK : EB_F_BASE_MASK0_MASK;
            wr(p, base_reg, with_field(rd(p, base_reg), lsb, fmask, row));
        } else {
            /* Write-outs read from base_output (input rows) / base_output_mask (mask entries), as the
             * original's write-out engines. Every compute command programs both fields again. */
            wr(p, EB_F_BASE_OUTPUT_REG, FLD(BASE_OUTPUT, row) | FLD(BASE_OUTPUT_MASK, row));
            if (mask) wr_hi(p, EB_X_BASE_OUTPUT_REG, HI(BASE_OUTPUT_MASK, row));
        }
        if (mask) wr(p, to_sram ? EB_F_MASK_RD_ADDR_REG : EB_F_MASK_WR_ADDR_REG, (uint32_t)dram_addr);
        else wr(p, to_sram ? EB_F_INPUT_RD_ADDR_REG : EB_F_INPUT_WR_ADDR_REG, (uint32_t)dram_addr);
        wr(p, EB_F_DMA_LENGTH_REG, FLD(DMA_LENGTH, rows - 1u));
        cmd = mask ? (to_sram ? EB_CMD_MASK_READ : EB_CMD_MASK_WRITE) : (to_sram ? EB_CMD_INPUT_READ : EB_CMD_INPUT_WRITE);
    }
    wr(p, EB_F_COMMAND_REG, cmd);
    return 0;
}

int eb_dma(const eb_platform* p, eb_sram_t sram, int to_sram, int dec, uint32_t row, uint64_t dram_addr,
           uint32_t rows) {
    eb_dma_start(p, sram, to_sram, dec, row, dram_addr, rows);
    return eb_wait(p, 1);
}

int eb_matmul_start(const eb_platform* p, const eb_matmul_desc* d) {
    wr(p, EB_F_USE_AXI_REG, 0u);
    wr(p, EB_F_USE_GB_REG, 0u);
    wr(p, EB_F_FLIP_MEM_REG, d->out_dec);
    wr(p, EB_F_N0_REG, EB_FIELD(N0, d->n0) | EB_FIELD(N1, d->n1) | EB_FIELD(M, d->m));
    wr_hi(p, EB_X_MATMUL_DIMS_REG, HI(N0, d->n0) | HI(N1, d->n1) | HI(M, d->m));
    wr(p, EB_F_IS_RELU_REG, EB_FIELD(IS_RELU, d->relu) | EB_FIELD(IS_BIAS, d->add_bias) |
                                EB_FIELD(WEIGHT_BIAS, (uint32_t)d->weight_bias) | EB_FIELD(ACCUM_BIAS, d->out_bias) |
                                EB_FIELD(ACCUM_SHIFT, d->shift));
    wr(p, EB_F_BASE_INPUT0_REG, FLD(BASE_INPUT0, d->a_input) | FLD(BASE_INPUT1, d->b_input));
    wr(p, EB_F_BASE_MASK0_REG, FLD(BASE_MASK0, d->a_mask) | FLD(BASE_MASK1, d->b_mask));
    wr(p, EB_F_BIAS_ACT1_REG, EB_FIELD(BIAS_ACT1, d->a_bias) | EB_FIELD(BIAS_ACT2, d->b_bias));
    wr(p, EB_F_BASE_OUTPUT_REG, FLD(BASE_OUTPUT, d->out_input) | FLD(BASE_OUTPUT_MASK, d->out_mask) |
                                    EB_FIELD(DENSE_RESULTS, d->dense_out));
    wr_hi(p, EB_X_BASE_OUTPUT_REG, HI(BASE_OUTPUT_MASK, d->out_mask));
    wr(p, EB_F_COMMAND_REG, EB_CMD_MATMUL);
    return 0;
}

int eb_matmul(const eb_platform* p, const eb_matmul_desc* d) {
    eb_matmul_start(p, d);
    return eb_wait(p, 0);
}

int eb_sfu_start(const eb_platform* p, const eb_sfu_desc* d) {
    /* Indexed by eb_sfu_op. The LUT (ext) takes the fields below as element add's x operand and result
     * do, and its table's first aux row from gamma_row (the base_gamma field). */
    static const uint32_t cmds[] = {EB_CMD_LAYER_NORM, EB_CMD_SOFTMAX, EB_CMD_ELEMENT_ADD, EB_CMD_ENTROPY, EB_CMD_DVFS,
                                    EB_CMD_LUT};
    static const uint32_t modes[] = {EB_GB_LAYER_NORM, EB_GB_SOFTMAX, EB_GB_ELEMENT_ADD, EB_GB_ENTROPY, EB_GB_ENTROPY,
                                     EB_GB_LUT};
    wr(p, EB_F_USE_AXI_REG, 0u);
    wr(p, EB_F_USE_GB_REG, 1u);
    wr(p, EB_F_GB_MODE_REG, modes[d->op]);
    wr(p, EB_F_FLIP_MEM_REG, d->out_dec);
    wr(p, EB_F_NUM_VECTOR_REG, EB_FIELD(NUM_VECTOR, d->num_vector) | EB_FIELD(NUM_TIMESTEP, d->num_timestep) |
                                   EB_FIELD(BIAS_ACT1, d->x_bias) | EB_FIELD(BIAS_ACT2, d->y_bias) |
                                   EB_FIELD(BIAS_ACT3, d->out_bias));
    wr_hi(p, EB_X_SFU_SHAPE_REG, HI(NUM_VECTOR, d->num_vector) | HI(NUM_TIMESTEP, d->num_timestep));
    wr(p, EB_F_BASE_INPUT0_REG, FLD(BASE_INPUT0, d->x_input) | FLD(BASE_INPUT1, d->y_input));
    wr(p, EB_F_BASE_MASK0_REG, FLD(BASE_MASK0, d->x_mask) | FLD(BASE_MASK1, d->y_mask));
    wr(p, EB_F_BASE_OUTPUT_REG, FLD(BASE_OUTPUT, d->out_input) | FLD(BASE_OUTPUT_MASK, d->out_mask) |
                                    EB_FIELD(DENSE_RESULTS, d->dense_out));
    wr_hi(p, EB_X_BASE_OUTPUT_REG, HI(BASE_OUTPUT_MASK, d->out_mask));
    wr(p, EB_F_BASE_ATTN_SPAN_REG, EB_FIELD(BASE_ATTN_SPAN, d->span_row) | EB_FIELD(BASE_GAMMA, d->gamma_row) |
                                       EB_FIELD(BASE_BETA, d->beta_row) | EB_FIELD(BIAS_ATTN_SPAN, d->span_bias) |
                                       EB_FIELD(BIAS_GAMMA, d->gamma_bias) | EB_FIELD(BIAS_BETA, d->beta_bias));
    wr_hi(p, EB_X_AUX_BASES_REG, HI(BASE_ATTN_SPAN, d->span_row) | HI(BASE_GAMMA, d->gamma_row) |
                                     HI(BASE_BETA, d->beta_row));
    wr(p, EB_F_ENTROPY_THRESHOLD_REG, EB_FIELD(ENTROPY_THRESHOLD, d->threshold_q10) |
                                          EB_FIELD(ENTROPY_SCALE, d->entropy_scale) |
                                          EB_FIELD(DIRECT_LEVEL, d->direct_level));
    wr(p, EB_F_COMMAND_REG, cmds[d->op]);
    return 0;
}

int eb_sfu(const eb_platform* p, const eb_sfu_desc* d) {
    eb_sfu_start(p, d);
    return eb_wait(p, 0);
}

uint32_t eb_status(const eb_platform* p) { return rd(p, EB_F_ENTROPY_STATUS_REG); }
