/* A driver in the style of the published EdgeBERT software (our own code),
 * for the EPOCHS preset (configs/soc/epochs.json, edgebert.checks = silicon):
 *
 *   - ESP's bare-metal API: probe, ioread32 / iowrite32, aligned_malloc, the
 *     tile's CSR set to ACC_COH_RECALL, esp_flush before DMA reads;
 *   - the matmul API takes B as K x N, so the CPU transposes it; the CPU encodes
 *     dense 8-bit AdaptivFloat codes into values + a byte-packed bitmask (one bit
 *     per element, 8 per byte, row-major) and decodes results back;
 *   - operands are memcpy'd into one fixed staging area whose DRAM addresses
 *     are programmed once per operator after a soft-reset write to 0x00;
 *   - DMA reads start with use_axi = 0, write-outs with use_axi = 1, compute
 *     with use_axi = 0; reset_mode is written before the registers it routes;
 *   - every command is waited for by polling the PLIC's pending word, then the
 *     previous claim is completed, the source re-enabled, its priority set and
 *     the claim read. The tile's status register (an extension) is never read.
 *
 * Workload: C = A . B (A 32 x 64, B 64 x 32), then a softmax of C's rows on
 * the tile. The UART gets the codes of A, B, C and softmax(C) as hex lines
 * ("A ...", "B ...", "C ...", "P ...") for tests/unit/soc/test_esp_published.cpp,
 * which recomputes both with the tile's functional model. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eb_edgebert_regs.h"
#include "eb_kernels.h"
#include "esp_accelerator.h"
#include "esp_probe.h"
#include "firmware.h"

#define PLIC_PRIORITY 0x0
#define PLIC_PENDING 0x1000
#define PLIC_ENABLE 0x2000
#define PLIC_CLAIM 0x200004
#define PLIC_POLL_LIMIT 1000000u

#define N0 32
#define M 64
#define N1 32
#define L 16
#define MASK_BUF 0x2000
#define INPUT_BUF 0x10000
#define STAGE_BYTES (2 * MASK_BUF + 2 * INPUT_BUF + 0x1000)
#define IN_BIAS_FIELD 2   /* exp_bias -8: operands in [-0.5, 0.5) */
#define OUT_BIAS_FIELD 4  /* exp_bias -6 */
#define P_BIAS_FIELD 3    /* exp_bias -7: probabilities up to 1.0 */
#define OUT_ROW 0x80      /* result rows (and mask entries) in decoder 0 */

static struct esp_device *dev, plic;
static uint8_t *stage;

static uint32_t lcg = 7u;
static float rnd(void) {
    lcg = lcg * 1664525u + 1013904223u;
    return (float)(lcg >> 8) / 16777216.0f - 0.5f;
}

static int wait_irq(void) {
    const unsigned src = esp_plic_source(dev), word = 4 * (src / 32), bit = 1u << (src % 32);
    unsigned polls = 0;
    while (!(ioread32(&plic, PLIC_PENDING + word) & bit))
        if (++polls == PLIC_POLL_LIMIT) return 1;
    iowrite32(&plic, PLIC_CLAIM, src);
    iowrite32(&plic, PLIC_ENABLE + word, bit);
    iowrite32(&plic, PLIC_PRIORITY + 4 * src, 1);
    (void)ioread32(&plic, PLIC_CLAIM);
    return 0;
}

static int command(unsigned cmd) {
    iowrite32(dev, EB_F_COMMAND_REG, cmd);
    if (wait_irq()) {
        printf("command %u: no interrupt\n", cmd);
        return 1;
    }
    return 0;
}

static void begin_operator(void) {
    iowrite32(dev, 0x00, 1); /* soft reset */
    iowrite32(dev, EB_F_MASK_RD_ADDR_REG, (unsigned)(uintptr_t)stage);
    iowrite32(dev, EB_F_INPUT_RD_ADDR_REG, (unsigned)(uintptr_t)(stage + 2 * MASK_BUF));
    iowrite32(dev, EB_F_MASK_WR_ADDR_REG, (unsigned)(uintptr_t)(stage + MASK_BUF));
    iowrite32(dev, EB_F_INPUT_WR_ADDR_REG, (unsigned)(uintptr_t)(stage + 2 * MASK_BUF + INPUT_BUF));
}

/* Dense codes (vectors x L) into decoder `dec` at row 0. */
static int load(const uint8_t *codes, unsigned vectors, unsigned dec) {
    uint8_t *mask = malloc(vectors * L / 8), *rows = malloc(vectors * L);
    const size_t depth = eb_k_bitmask_encode(codes, vectors, L, 0x7F, mask, rows);
    memcpy(stage, mask, vectors * L / 8);
    memcpy(stage + 2 * MASK_BUF, rows, depth * L);
    free(rows);
    free(mask);
    esp_flush(ACC_COH_RECALL);
    iowrite32(dev, EB_F_FLIP_MEM_REG, dec);
    iowrite32(dev, EB_F_USE_AXI_REG, 0);
    iowrite32(dev, EB_F_DMA_LENGTH_REG, vectors - 1);
    int err = command(EB_CMD_MASK_READ);
    if (depth) {
        iowrite32(dev, EB_F_DMA_LENGTH_REG, (unsigned)depth - 1);
        err |= command(EB_CMD_INPUT_READ);
    }
    return err;
}

/* `vectors` result vectors from decoder 0 at OUT_ROW back into dense codes. */
static int store(uint8_t *codes, unsigned vectors) {
    iowrite32(dev, EB_F_USE_AXI_REG, 1);
    iowrite32(dev, EB_F_FLIP_MEM_REG, 0);
    iowrite32(dev, EB_F_DMA_LENGTH_REG, vectors - 1);
    int err = command(EB_CMD_MASK_WRITE);
    err |= command(EB_CMD_INPUT_WRITE);
    if (err) return err;
    if (eb_k_bitmask_decode(stage + MASK_BUF, stage + 2 * MASK_BUF + INPUT_BUF, vectors, vectors, L, codes)) {
        printf("result does not decode\n");
        return 1;
    }
    return 0;
}

static void hex(const char *tag, const uint8_t *c, unsigned n) {
    printf("%s ", tag);
    for (unsigned i = 0; i < n; ++i) printf("%02x", c[i]);
    printf("\n");
}

int main(void) {
    struct esp_device *espdevs = NULL;
    const eb_af_format f = {8, 3};
    if (probe(&espdevs, VENDOR_SLD, SLD_EDGEBERT, DEVNAME_EDGEBERT) < 1) {
        printf("Error: no EdgeBERT tile\n");
        return 1;
    }
    dev = &espdevs[0];
    memset(&plic, 0, sizeof plic);
    plic.addr = ESP_PLIC_BASE;
    struct esp_device csr;
    if (esp_tile_csr(esp_tile_index(dev), &csr) != 0) return 1;
    iowrite32(&csr, COHERENCE_REG, ACC_COH_RECALL);
    stage = aligned_malloc(STAGE_BYTES);
    if (!stage) return 1;

    static uint8_t a[N0 * M], b[M * N1], bt[N1 * M], c[N0 * N1], pr[N0 * N1];
    for (unsigned i = 0; i < N0 * M; ++i) a[i] = eb_k_af_encode(rnd(), f, -8);
    for (unsigned i = 0; i < M * N1; ++i) b[i] = eb_k_af_encode(rnd() * (i % 3 ? 1.0f : 0.0f), f, -8);
    hex("A", a, N0 * M);
    hex("B", b, M * N1);

    /* C = A . B: B transposed by the CPU into N1 rows of M (the tile's B^T). */
    for (unsigned k = 0; k < M; ++k)
        for (unsigned j = 0; j < N1; ++j) bt[j * M + k] = b[k * N1 + j];
    begin_operator();
    int err = load(a, N0 * M / L, 0) | load(bt, N1 * M / L, 1);
    iowrite32(dev, EB_F_USE_AXI_REG, 0);
    iowrite32(dev, EB_F_USE_GB_REG, 0);
    iowrite32(dev, EB_F_FLIP_MEM_REG, 0);
    iowrite32(dev, EB_F_RESET_MODE_REG, 0x81);
    iowrite32(dev, EB_F_IS_RELU_REG, EB_FIELD(ACCUM_BIAS, OUT_BIAS_FIELD));
    iowrite32(dev, EB_F_N0_REG, EB_FIELD(N0, N0) | EB_FIELD(N1, N1) | EB_FIELD(M, M));
    iowrite32(dev, EB_F_BASE_INPUT0_REG, 0);
    iowrite32(dev, EB_F_BASE_MASK0_REG, 0); /* the original's base offsets */
    iowrite32(dev, EB_F_BIAS_ACT1_REG, EB_FIELD(BIAS_ACT1, IN_BIAS_FIELD) | EB_FIELD(BIAS_ACT2, IN_BIAS_FIELD));
    iowrite32(dev, EB_F_BASE_OUTPUT_REG, EB_FIELD(BASE_OUTPUT, OUT_ROW) | EB_FIELD(BASE_OUTPUT_MASK, OUT_ROW));
    err |= command(EB_CMD_MATMUL);
    err |= store(c, N0 * N1 / L);
    hex("C", c, N0 * N1);

    /* softmax(C) row by row: C back into decoder 0, an all-ones span mask in the aux SRAM. */
    begin_operator();
    err |= load(c, N0 * N1 / L, 0);
    static uint8_t ones[N1];
    memset(ones, eb_k_af_encode(1.0f, f, -7), sizeof ones);
    memcpy(stage + 2 * MASK_BUF + 2 * INPUT_BUF, ones, sizeof ones);
    esp_flush(ACC_COH_RECALL);
    iowrite32(dev, EB_F_AUX_RD_ADDR_REG, (unsigned)(uintptr_t)(stage + 2 * MASK_BUF + 2 * INPUT_BUF));
    iowrite32(dev, EB_F_AUX_DMA_LENGTH_REG, N1 / L - 1);
    err |= command(EB_CMD_AUX_READ);
    iowrite32(dev, EB_F_USE_AXI_REG, 0);
    iowrite32(dev, EB_F_GB_MODE_REG, EB_GB_SOFTMAX);
    iowrite32(dev, EB_F_RESET_MODE_REG, 0x008);
    iowrite32(dev, EB_F_USE_GB_REG, 1);
    iowrite32(dev, EB_F_FLIP_MEM_REG, 0);
    iowrite32(dev, EB_F_BASE_INPUT0_REG, 0);
    iowrite32(dev, EB_F_BASE_MASK0_REG, 0);
    iowrite32(dev, EB_F_BASE_ATTN_SPAN_REG, EB_FIELD(BIAS_ATTN_SPAN, 3)); /* span mask at aux row 0, exp_bias -7 */
    iowrite32(dev, EB_F_NUM_VECTOR_REG, EB_FIELD(NUM_VECTOR, N1 / L) | EB_FIELD(NUM_TIMESTEP, N0) |
                                            EB_FIELD(BIAS_ACT1, OUT_BIAS_FIELD) | EB_FIELD(BIAS_ACT3, P_BIAS_FIELD));
    iowrite32(dev, EB_F_BASE_OUTPUT_REG, EB_FIELD(BASE_OUTPUT, OUT_ROW) | EB_FIELD(BASE_OUTPUT_MASK, OUT_ROW));
    err |= command(EB_CMD_SOFTMAX);
    err |= store(pr, N0 * N1 / L);
    hex("P", pr, N0 * N1);
    printf("published-style driver: %s\n", err ? "FAIL" : "done");
    return err;
}
