/* The executor's tile instructions (EB_OP_EB_DMA, EB_OP_EB_MATMUL, EB_OP_EB_SFU,
 * EB_OP_SYS_CALL): each unpacks its instruction's fields (docs/program-format.md)
 * into the driver's descriptor, flushes what the tile's DMA bypasses, starts the
 * tile and, if the instruction says so, waits for its interrupt. */
#include "eb_exec_tile.h"

#include "eb_cache.h"
#include "eb_edgebert.h"
#include "eb_hal.h"
#include "eb_systolic.h"

int eb_exec_eb_dma(const eb_platform* p, const eb_instr* in) {
    const uint64_t a0 = in->a[0];
    const eb_sram_t sram = (eb_sram_t)(a0 & 0xFF);
    const int to_sram = (int)((a0 >> 8) & 1), dec = (int)((a0 >> 16) & 1), wait = (int)((a0 >> 24) & 1);
    /* The tile is about to read what the CPU wrote: flush what the DMA bypasses. */
    if (to_sram) eb_cache_flush(p, p->edgebert_coherence);
    eb_dma_start(p, sram, to_sram, dec, (uint32_t)in->a[1], in->a[2], (uint32_t)in->a[3]);
    if (!wait) return 0;
    eb_hal_wait_category(to_sram ? EB_CAT_READ : EB_CAT_WRITE);
    return eb_wait(p, 1);
}

int eb_exec_eb_matmul(const eb_platform* p, const eb_instr* in) {
    eb_matmul_desc d;
    d.n0 = (uint32_t)(in->a[0] & 0xFFFF), d.n1 = (uint32_t)((in->a[0] >> 16) & 0xFFFF),
    d.m = (uint32_t)((in->a[0] >> 32) & 0xFFFF);
    d.a_mask = (uint32_t)(in->a[1] & 0xFFFF), d.a_input = (uint32_t)((in->a[1] >> 16) & 0xFFFF);
    d.b_mask = (uint32_t)((in->a[1] >> 32) & 0xFFFF), d.b_input = (uint32_t)((in->a[1] >> 48) & 0xFFFF);
    d.out_dec = (uint32_t)(in->a[2] & 0xFFFF), d.out_mask = (uint32_t)((in->a[2] >> 16) & 0xFFFF),
    d.out_input = (uint32_t)((in->a[2] >> 32) & 0xFFFF), d.dense_out = (uint32_t)((in->a[2] >> 48) & 1);
    d.a_bias = (uint32_t)(in->a[3] & 0xFF), d.b_bias = (uint32_t)((in->a[3] >> 8) & 0xFF),
    d.out_bias = (uint32_t)((in->a[3] >> 16) & 0xFF);
    d.relu = (uint32_t)((in->a[3] >> 24) & 1), d.add_bias = (uint32_t)((in->a[3] >> 25) & 1);
    d.shift = (uint32_t)((in->a[3] >> 32) & 0xFF);
    d.weight_bias = (int32_t)(int8_t)((in->a[3] >> 40) & 0xFF);
    eb_matmul_start(p, &d);
    if (!in->a[4]) return 0;
    eb_hal_wait_category(EB_CAT_COMPUTE);
    return eb_wait(p, 0);
}

int eb_exec_eb_sfu(const eb_platform* p, const eb_instr* in) {
    eb_sfu_desc d;
    d.op = (eb_sfu_op)(in->a[0] & 0xFF);
    d.num_vector = (uint32_t)((in->a[0] >> 8) & 0xFF), d.num_timestep = (uint32_t)((in->a[0] >> 16) & 0xFF);
    d.out_dec = (uint32_t)((in->a[0] >> 24) & 0xFF), d.dense_out = (uint32_t)((in->a[0] >> 33) & 1);
    d.x_mask = (uint32_t)(in->a[1] & 0xFFFF), d.x_input = (uint32_t)((in->a[1] >> 16) & 0xFFFF);
    d.y_mask = (uint32_t)((in->a[1] >> 32) & 0xFFFF), d.y_input = (uint32_t)((in->a[1] >> 48) & 0xFFFF);
    d.out_mask = (uint32_t)(in->a[2] & 0xFFFF), d.out_input = (uint32_t)((in->a[2] >> 16) & 0xFFFF);
    d.gamma_row = (uint32_t)((in->a[2] >> 32) & 0xFF), d.beta_row = (uint32_t)((in->a[2] >> 40) & 0xFF);
    d.span_row = (uint32_t)((in->a[2] >> 48) & 0xFF);
    d.x_bias = (uint32_t)(in->a[3] & 0xFF), d.y_bias = (uint32_t)((in->a[3] >> 8) & 0xFF);
    d.out_bias = (uint32_t)((in->a[3] >> 16) & 0xFF), d.gamma_bias = (uint32_t)((in->a[3] >> 24) & 0xFF);
    d.beta_bias = (uint32_t)((in->a[3] >> 32) & 0xFF), d.span_bias = (uint32_t)((in->a[3] >> 40) & 0xFF);
    d.threshold_q10 = (uint32_t)(in->a[4] & 0xFFFF), d.entropy_scale = (uint32_t)((in->a[4] >> 16) & 0xFF);
    d.direct_level = (uint32_t)((in->a[4] >> 24) & 0xF);
    /* a5: the high bytes of the fields wider in the extended register layout (0 for the published one). */
    d.num_vector |= (uint32_t)(in->a[5] & 0xFF) << 8, d.num_timestep |= (uint32_t)((in->a[5] >> 8) & 0xFF) << 8;
    d.gamma_row |= (uint32_t)((in->a[5] >> 16) & 0xFF) << 8, d.beta_row |= (uint32_t)((in->a[5] >> 24) & 0xFF) << 8;
    d.span_row |= (uint32_t)((in->a[5] >> 32) & 0xFF) << 8;
    eb_sfu_start(p, &d);
    if (!((in->a[0] >> 32) & 1)) return 0;
    eb_hal_wait_category(EB_CAT_COMPUTE);
    return eb_wait(p, 0);
}

int eb_exec_sys_call(const eb_platform* p, const eb_instr* in) {
    eb_systolic_call c;
    c.m = (uint32_t)(in->a[0] & 0xFFFF), c.n = (uint32_t)((in->a[0] >> 16) & 0xFFFF);
    c.k = (uint32_t)((in->a[0] >> 32) & 0xFFFF), c.accumulate = (uint32_t)((in->a[0] >> 48) & 1);
    c.a = in->a[1], c.b = in->a[2], c.c = in->a[3];
    c.lda = (uint32_t)(in->a[4] & 0x1FFFFF), c.ldb = (uint32_t)((in->a[4] >> 21) & 0x1FFFFF);
    c.ldc = (uint32_t)((in->a[4] >> 42) & 0x1FFFFF);
    eb_cache_flush(p, p->systolic_coherence);
    eb_hal_wait_category(EB_CAT_COMPUTE);
    return eb_systolic_run(p, &c);
}
