/* Firmware test: the runtime's operators on the EdgeBERT and systolic tiles,
 * checked against the CPU kernels in this firmware. Exit 0 when all agree. */
#include <math.h>
#include <string.h>

#include "eb_edgebert.h"
#include "eb_kernels.h"
#include "eb_systolic.h"
#include "firmware.h"

#define M 32
#define K 64
#define L 16

static float A[M * K], B[M * K], C_tile[M * M], C_cpu[M * M];
static uint8_t codes[M * K], out_codes[M * M];
static uint8_t out_mask[M * M / 8] __attribute__((aligned(64))), out_rows[M * M] __attribute__((aligned(64)));
static uint8_t a_mask[M * K / 8] __attribute__((aligned(64))), a_rows[M * K] __attribute__((aligned(64)));
static uint8_t b_mask[M * K / 8] __attribute__((aligned(64))), b_rows[M * K] __attribute__((aligned(64)));
static int8_t sa[32 * 32], sb[32 * 32];
static int32_t sc[32 * 32] __attribute__((aligned(64))), sc_cpu[32 * 32];

static uint32_t lcg = 12345u;
static float rnd(void) {
    lcg = lcg * 1664525u + 1013904223u;
    return ((float)(lcg >> 8) / 16777216.0f - 0.5f);
}

static int fail(const char* what) {
    fw_puts("FAIL: ");
    fw_puts(what);
    fw_puts("\n");
    return 1;
}

int main(void) {
    const eb_platform* p = fw_platform();
    const eb_af_format f = {8, 3};
    const int bias = -8; /* values in [-0.5, 0.5) */
    int errors = 0;
    eb_tile_init(p);
    eb_systolic_init(p);

    /* EdgeBERT matmul C = A B^T, operands bitmask-encoded in DRAM. */
    for (int i = 0; i < M * K; ++i) A[i] = rnd(), B[i] = rnd();
    eb_k_af_quantize(A, M * K, f, bias, codes);
    const size_t a_depth = eb_k_bitmask_encode(codes, M * K / L, L, 0x7F, a_mask, a_rows);
    eb_k_af_quantize(B, M * K, f, bias, codes);
    const size_t b_depth = eb_k_bitmask_encode(codes, M * K / L, L, 0x7F, b_mask, b_rows);
    uint64_t t0 = fw_cycles();
    errors += eb_dma(p, EB_SRAM_MASK, 1, 0, 0, (uintptr_t)a_mask, M * K / L) != 0;
    errors += eb_dma(p, EB_SRAM_INPUT, 1, 0, 0, (uintptr_t)a_rows, (uint32_t)a_depth) != 0;
    errors += eb_dma(p, EB_SRAM_MASK, 1, 1, 0, (uintptr_t)b_mask, M * K / L) != 0;
    errors += eb_dma(p, EB_SRAM_INPUT, 1, 1, 0, (uintptr_t)b_rows, (uint32_t)b_depth) != 0;
    eb_matmul_desc d;
    memset(&d, 0, sizeof d);
    d.n0 = M, d.n1 = M, d.m = K;
    d.out_dec = 1, d.out_mask = 1000, d.out_input = 1000;
    d.a_bias = (uint32_t)(bias - p->bias_min), d.b_bias = (uint32_t)(bias - p->bias_min);
    d.out_bias = (uint32_t)(-6 - p->bias_min);
    errors += eb_matmul(p, &d) != 0;
    errors += eb_dma(p, EB_SRAM_MASK, 0, 1, 1000, (uintptr_t)out_mask, M * M / L) != 0;
    errors += eb_dma(p, EB_SRAM_INPUT, 0, 1, 1000, (uintptr_t)out_rows, M * M / L) != 0;
    const uint64_t tile_cycles = fw_cycles() - t0;
    if (errors) return fail("EdgeBERT commands reported an error");
    if (eb_k_bitmask_decode(out_mask, out_rows, M * M / L, M * M / L, L, out_codes) != 0) return fail("decode");
    eb_k_af_dequantize(out_codes, M * M, f, -6, C_tile);
    /* CPU reference on the same quantized operands. */
    float Aq[M * K], Bq[M * K];
    eb_k_af_quantize(A, M * K, f, bias, codes);
    eb_k_af_dequantize(codes, M * K, f, bias, Aq);
    eb_k_af_quantize(B, M * K, f, bias, codes);
    eb_k_af_dequantize(codes, M * K, f, bias, Bq);
    t0 = fw_cycles();
    eb_k_matmul_f32(Aq, K, Bq, K, C_cpu, M, M, M, K, 1, 0);
    const uint64_t cpu_cycles = fw_cycles() - t0;
    for (int i = 0; i < M * M; ++i) {
        const float want = eb_k_af_decode(eb_k_af_encode(C_cpu[i], f, -6), f, -6);
        if (fabsf(C_tile[i] - want) > fabsf(want) / 16.0f + 1e-6f) return fail("EdgeBERT matmul differs from the CPU");
    }
    fw_puts("edgebert matmul 32x32x64 ok: tile ");
    fw_put_dec((int64_t)tile_cycles);
    fw_puts(" cycles (incl. DMA), cpu ");
    fw_put_dec((int64_t)cpu_cycles);
    fw_puts(" cycles\n");

    /* Systolic: one 32x32x32 INT8 call, exact against the CPU. */
    for (int i = 0; i < 32 * 32; ++i) sa[i] = (int8_t)(rnd() * 250), sb[i] = (int8_t)(rnd() * 250);
    eb_systolic_call c = {32, 32, 32, (uintptr_t)sa, (uintptr_t)sb, (uintptr_t)sc, 32, 32, 32, 0};
    t0 = fw_cycles();
    if (eb_systolic_run(p, &c) != 0) return fail("systolic call reported an error");
    const uint64_t sys_cycles = fw_cycles() - t0;
    for (int i = 0; i < 32; ++i)
        for (int j = 0; j < 32; ++j) {
            int32_t s = 0;
            for (int k = 0; k < 32; ++k) s += (int32_t)sa[i * 32 + k] * sb[k * 32 + j];
            sc_cpu[i * 32 + j] = s;
        }
    for (int i = 0; i < 32 * 32; ++i)
        if (sc[i] != sc_cpu[i]) return fail("systolic result differs from the CPU");
    fw_puts("systolic 32x32x32 ok: ");
    fw_put_dec((int64_t)sys_cycles);
    fw_puts(" cycles\n");
    return 0;
}
