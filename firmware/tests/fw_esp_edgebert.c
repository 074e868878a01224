/* An ESP-style bare-metal driver for the EdgeBERT tile on the ESP platform
 * (configs/soc/epochs.json, docs/esp-platform.md), written the way ESP's
 * bare-metal examples are: probe the device, aligned_malloc the buffers, set
 * the DMA coherence mode in the tile's CSR, esp_flush, program the registers
 * with iowrite32, wait for each command's interrupt by polling the PLIC's
 * pending bit (as the published EdgeBERT driver did), check the results.
 *
 * Workload: C = A B^T with A and B 32 x 64 AdaptivFloat (8-bit, 3 exponent
 * bits), bitmask-encoded by the CPU, once per coherence mode (recall, the
 * published driver's choice, then llc, then none, then full: last, so that no
 * other mode's DMA reads lines the accelerator's cache holds), each result checked
 * against the CPU kernel on the same quantized operands. Exit 0 when all
 * agree.
 *
 * Build variants (firmware/CMakeLists.txt, tests/unit/soc/test_dma_coherence.cpp):
 *   ESP_ONLY_MODE=<mode>  run the matmul in that coherence mode only;
 *   ESP_SKIP_FLUSH        leave out the esp_flush calls. Wrong for the none and
 *                         llc modes (the DMA bypasses the CPU's caches, which
 *                         still hold the operands dirty and stale copies of the
 *                         results); the simulator's data path is coherent, so
 *                         the results still check, but the memory tile reports
 *                         the hazards as coherence warnings. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eb_edgebert_regs.h"
#include "eb_kernels.h"
#include "esp_accelerator.h"
#include "esp_probe.h"
#include "firmware.h"

#define DEV_NAME DEVNAME_EDGEBERT

/* PLIC registers (ESP / SiFive layout, hart 0 machine context). */
#define PLIC_PRIORITY 0x0      /* + 4 * source */
#define PLIC_PENDING 0x1000    /* one bit per source */
#define PLIC_ENABLE 0x2000     /* one bit per source */
#define PLIC_CLAIM 0x200004    /* read: claim, write: complete */
#define PLIC_POLL_LIMIT 1000000u

/* Problem size: A (N0 x M), B^T (N1 x M), lanes L. */
#define N0 32
#define N1 32
#define M 64
#define L 16
#define A_VEC (N0 * M / L)
#define B_VEC (N1 * M / L)
#define OUT_VEC (N0 * N1 / L)

/* Staging area in DRAM: operands are copied in, the tile's DMA reads them;
 * results come back the same way. Its addresses are programmed once per
 * operator. */
#define MASK_BUF_BYTES 0x2000
#define INPUT_BUF_BYTES 0x10000
#define STAGE_MASK_IN 0
#define STAGE_INPUT_IN (STAGE_MASK_IN + MASK_BUF_BYTES)
#define STAGE_MASK_OUT (STAGE_INPUT_IN + INPUT_BUF_BYTES)
#define STAGE_INPUT_OUT (STAGE_MASK_OUT + MASK_BUF_BYTES)
#define STAGE_BYTES (STAGE_INPUT_OUT + INPUT_BUF_BYTES)

#define OUT_ROW 1000        /* SRAM rows of the result in decoder 1 */
#define OPERAND_BIAS (-8)   /* operand values in [-0.5, 0.5) */
#define OUT_BIAS (-6)

struct operand {
    uint8_t *mask, *rows;
    size_t mask_bytes, depth;
};

static uint32_t lcg = 2024u;
static float rnd(void) {
    lcg = lcg * 1664525u + 1013904223u;
    return (float)(lcg >> 8) / 16777216.0f - 0.5f;
}

/* Waits for `source`'s interrupt as the published driver did: poll its
 * pending bit, complete the previous claim, (re-)enable the source, set its
 * priority and claim it (which clears the pending bit). */
static int plic_wait(struct esp_device *plic, unsigned source) {
    const unsigned word = 4 * (source / 32), bit = 1u << (source % 32);
    unsigned polls = 0;
    while (!(ioread32(plic, PLIC_PENDING + word) & bit))
        if (++polls == PLIC_POLL_LIMIT) return -1;
    iowrite32(plic, PLIC_CLAIM, source);
    iowrite32(plic, PLIC_ENABLE + word, bit);
    iowrite32(plic, PLIC_PRIORITY + 4 * source, 1);
    (void)ioread32(plic, PLIC_CLAIM);
    return 0;
}

/* Starts a command, waits for its interrupt, clears its done bit. */
static int tile_command(struct esp_device *dev, struct esp_device *plic, unsigned command) {
    iowrite32(dev, EB_F_COMMAND_REG, command);
    if (plic_wait(plic, esp_plic_source(dev)) != 0) {
        printf("  command %u: no interrupt from PLIC source %u\n", command, esp_plic_source(dev));
        return 1;
    }
    const unsigned status = ioread32(dev, EB_F_CAUSE_REG);
    if (status & EB_CTRL_ERROR) {
        printf("  command %u refused by the tile: cause %u\n", command, status & EB_CTRL_CAUSE_MASK);
        iowrite32(dev, EB_F_SOFT_RESET_REG, EB_CTRL_SOFT_RESET);
        return 1;
    }
    iowrite32(dev, EB_F_SOFT_RESET_REG, status & (EB_CTRL_DMA_DONE | EB_CTRL_COMPUTE_DONE)); /* W1C, no reset */
    return 0;
}

/* DMA of `vectors` mask words or input rows between the staging area and
 * decoder `dec`, at SRAM row `row`. */
static int tile_dma(struct esp_device *dev, struct esp_device *plic, unsigned command, unsigned dec, unsigned row,
                    unsigned vectors) {
    const int mask = command == EB_CMD_MASK_READ || command == EB_CMD_MASK_WRITE;
    const unsigned base_reg = mask ? EB_F_BASE_MASK0_REG : EB_F_BASE_INPUT0_REG;
    const unsigned lsb = dec ? EB_F_BASE_MASK1_LSB : EB_F_BASE_MASK0_LSB;
    iowrite32(dev, EB_F_USE_AXI_REG, 1);
    iowrite32(dev, EB_F_FLIP_MEM_REG, dec);
    if (command == EB_CMD_MASK_READ || command == EB_CMD_INPUT_READ) {
        unsigned bases = ioread32(dev, base_reg) & ~(EB_F_BASE_MASK0_MASK << lsb);
        iowrite32(dev, base_reg, bases | (row << lsb));
    } else { /* write-outs read from the output bases */
        iowrite32(dev, EB_F_BASE_OUTPUT_REG, EB_FIELD(BASE_OUTPUT, row) | EB_FIELD(BASE_OUTPUT_MASK, row));
    }
    iowrite32(dev, EB_F_DMA_LENGTH_REG, EB_FIELD(DMA_LENGTH, vectors - 1));
    return tile_command(dev, plic, command);
}

static void encode(const float *x, size_t n, struct operand *op) {
    const eb_af_format f = {8, 3};
    uint8_t *codes = malloc(n);
    eb_k_af_quantize(x, n, f, OPERAND_BIAS, codes);
    op->mask_bytes = eb_k_bitmask_mask_bytes(n / L, L);
    op->mask = malloc(op->mask_bytes);
    op->rows = malloc(n);
    op->depth = eb_k_bitmask_encode(codes, n / L, L, 0x7F, op->mask, op->rows);
    free(codes);
}

/* Cache maintenance before a DMA, as ESP's drivers do it (see ESP_SKIP_FLUSH above). */
static void flush_for_dma(unsigned coherence) {
#ifndef ESP_SKIP_FLUSH
    esp_flush((int)coherence);
#else
    (void)coherence;
#endif
}

/* One matmul on the tile in the current coherence mode; the result, decoded,
 * in c (N0 x N1 floats). */
static int run_matmul(struct esp_device *dev, struct esp_device *plic, uint8_t *stage, const struct operand *a,
                      const struct operand *b, unsigned coherence, float *c) {
    const eb_platform *p = fw_platform();
    const eb_af_format f = {8, 3};
    int errors = 0;

    /* Operator setup: soft reset, the staging area's DRAM addresses. */
    iowrite32(dev, EB_F_SOFT_RESET_REG, EB_CTRL_SOFT_RESET);
    iowrite32(dev, EB_F_MASK_RD_ADDR_REG, (unsigned)(uintptr_t)(stage + STAGE_MASK_IN));
    iowrite32(dev, EB_F_INPUT_RD_ADDR_REG, (unsigned)(uintptr_t)(stage + STAGE_INPUT_IN));
    iowrite32(dev, EB_F_MASK_WR_ADDR_REG, (unsigned)(uintptr_t)(stage + STAGE_MASK_OUT));
    iowrite32(dev, EB_F_INPUT_WR_ADDR_REG, (unsigned)(uintptr_t)(stage + STAGE_INPUT_OUT));

    /* Each operand: copy into the staging area, flush for the DMA, load into its decoder. */
    const struct operand *ops[2] = {a, b};
    const unsigned vecs[2] = {A_VEC, B_VEC};
    for (unsigned dec = 0; dec < 2; ++dec) {
        memcpy(stage + STAGE_MASK_IN, ops[dec]->mask, ops[dec]->mask_bytes);
        memcpy(stage + STAGE_INPUT_IN, ops[dec]->rows, ops[dec]->depth * L);
        flush_for_dma(coherence);
        errors += tile_dma(dev, plic, EB_CMD_MASK_READ, dec, 0, vecs[dec]);
        errors += tile_dma(dev, plic, EB_CMD_INPUT_READ, dec, 0, (unsigned)ops[dec]->depth);
    }

    /* The matmul, result into decoder 1 at OUT_ROW. */
    iowrite32(dev, EB_F_USE_AXI_REG, 0);
    iowrite32(dev, EB_F_USE_GB_REG, 0);
    iowrite32(dev, EB_F_FLIP_MEM_REG, 1);
    iowrite32(dev, EB_F_N0_REG, EB_FIELD(N0, N0) | EB_FIELD(N1, N1) | EB_FIELD(M, M));
    iowrite32(dev, EB_F_IS_RELU_REG, EB_FIELD(ACCUM_BIAS, OUT_BIAS - p->bias_min));
    iowrite32(dev, EB_F_BASE_INPUT0_REG, EB_FIELD(BASE_INPUT0, 0) | EB_FIELD(BASE_INPUT1, 0));
    iowrite32(dev, EB_F_BASE_MASK0_REG, EB_FIELD(BASE_MASK0, 0) | EB_FIELD(BASE_MASK1, 0));
    iowrite32(dev, EB_F_BIAS_ACT1_REG,
              EB_FIELD(BIAS_ACT1, OPERAND_BIAS - p->bias_min) | EB_FIELD(BIAS_ACT2, OPERAND_BIAS - p->bias_min));
    iowrite32(dev, EB_F_BASE_OUTPUT_REG, EB_FIELD(BASE_OUTPUT, OUT_ROW) | EB_FIELD(BASE_OUTPUT_MASK, OUT_ROW));
    errors += tile_command(dev, plic, EB_CMD_MATMUL);

    /* Results out through the staging area. */
    memset(stage + STAGE_MASK_OUT, 0xA5, OUT_VEC * L / 8);
    memset(stage + STAGE_INPUT_OUT, 0xA5, OUT_VEC * L);
    flush_for_dma(coherence);
    errors += tile_dma(dev, plic, EB_CMD_MASK_WRITE, 1, OUT_ROW, OUT_VEC);
    errors += tile_dma(dev, plic, EB_CMD_INPUT_WRITE, 1, OUT_ROW, OUT_VEC);
    if (errors) return errors;

    uint8_t *codes = malloc(N0 * N1);
    if (eb_k_bitmask_decode(stage + STAGE_MASK_OUT, stage + STAGE_INPUT_OUT, OUT_VEC, OUT_VEC, L, codes) != 0) {
        printf("  result does not decode\n");
        free(codes);
        return 1;
    }
    eb_k_af_dequantize(codes, N0 * N1, f, OUT_BIAS, c);
    free(codes);
    return 0;
}

int main(void) {
    struct esp_device *espdevs = NULL;
    const eb_af_format f = {8, 3};
    int errors = 0;

    const int ndev = probe(&espdevs, VENDOR_SLD, SLD_EDGEBERT, DEV_NAME);
    if (ndev < 1) {
        printf("Error: %s device not found!\n", DEV_NAME);
        return 1;
    }
    struct esp_device *dev = &espdevs[0];
    struct esp_device plic;
    memset(&plic, 0, sizeof plic);
    plic.addr = ESP_PLIC_BASE;
    struct esp_device csr;
    if (esp_tile_csr(esp_tile_index(dev), &csr) != 0) {
        printf("Error: no CSR block for %s\n", DEV_NAME);
        return 1;
    }

    /* Inputs, their encodings and the CPU's result on the same quantized values. */
    float *A = malloc(sizeof(float) * N0 * M), *B = malloc(sizeof(float) * N1 * M);
    float *gold = malloc(sizeof(float) * N0 * N1), *out = malloc(sizeof(float) * N0 * N1);
    uint8_t *codes = malloc(N0 * M > N1 * M ? N0 * M : N1 * M);
    for (int i = 0; i < N0 * M; ++i) A[i] = rnd();
    for (int i = 0; i < N1 * M; ++i) B[i] = rnd();
    struct operand a, b;
    encode(A, N0 * M, &a);
    encode(B, N1 * M, &b);
    eb_k_af_quantize(A, N0 * M, f, OPERAND_BIAS, codes);
    eb_k_af_dequantize(codes, N0 * M, f, OPERAND_BIAS, A);
    eb_k_af_quantize(B, N1 * M, f, OPERAND_BIAS, codes);
    eb_k_af_dequantize(codes, N1 * M, f, OPERAND_BIAS, B);
    eb_k_matmul_f32(A, M, B, M, gold, N1, N0, N1, M, 1, 0);
    for (int i = 0; i < N0 * N1; ++i) gold[i] = eb_k_af_decode(eb_k_af_encode(gold[i], f, OUT_BIAS), f, OUT_BIAS);

    uint8_t *stage = aligned_malloc(STAGE_BYTES);
    if (!stage) {
        printf("Error: cannot allocate the %d-byte staging area\n", STAGE_BYTES);
        return 1;
    }
    printf("  staging area at %p (%d bytes)\n", (void *)stage, STAGE_BYTES);

#ifdef ESP_ONLY_MODE
    static const unsigned modes[] = {ESP_ONLY_MODE};
#else
    static const unsigned modes[] = {ACC_COH_RECALL, ACC_COH_LLC, ACC_COH_NONE, ACC_COH_FULL};
#endif
    const unsigned nmodes = sizeof modes / sizeof modes[0];
    for (unsigned k = 0; k < nmodes; ++k) {
        const unsigned coherence = modes[k];
        iowrite32(&csr, COHERENCE_REG, coherence);
        if (esp_get_coherence(dev) != (int)coherence) {
            printf("  coherence register reads %d, wrote %u\n", esp_get_coherence(dev), coherence);
            ++errors;
            continue;
        }
        printf("  --------------------\n  %s.%u: %s\n", dev->name, dev->number, coherence_label[coherence]);
        const uint64_t t0 = fw_cycles();
        int e = run_matmul(dev, &plic, stage, &a, &b, coherence, out);
        const uint64_t cycles = fw_cycles() - t0;
        for (int i = 0; !e && i < N0 * N1; ++i)
            if (fabsf(out[i] - gold[i]) > fabsf(gold[i]) / 16.0f + 1e-6f) {
                printf("  element %d: tile %f, cpu %f\n", i, (double)out[i], (double)gold[i]);
                e = 1;
            }
        printf("  matmul %dx%dx%d %s: %llu cycles (copies, DMA, compute)\n", N0, N1, M, e ? "FAILED" : "ok",
               (unsigned long long)cycles);
        errors += e;
    }
    /* The helper does the same as the CSR write above; out-of-range modes are refused. */
    if (esp_set_coherence(dev, ACC_COH_AUTO) != -1 || esp_get_coherence(dev) != (int)modes[nmodes - 1]) ++errors;

    aligned_free(stage);
    free(A), free(B), free(gold), free(out), free(codes);
    free(a.mask), free(a.rows), free(b.mask), free(b.rows);
    free(espdevs);
    if (errors)
        printf("%s: FAIL\n", DEV_NAME);
    else
        printf("%s: PASS (%u coherence mode%s)\n", DEV_NAME, nmodes, nmodes == 1 ? "" : "s");
    return errors ? 1 : 0;
}
