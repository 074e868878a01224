/* Measures, on the simulated RISC-V core with the SoC's caches, the native
 * host's cost table (docs/host-costs.md), so `edgebert-sim calibrate` can
 * re-derive it from real instructions:
 *
 *   - the work of every cost kind, in cycles per unit, with its data in the
 *     L1 D$: each kernel runs once to warm the caches, then once timed;
 *   - the register accesses of the drivers (measure_driver);
 *   - the memory traffic, in extra cycles per cache line beyond an L1 hit, at
 *     several working sets: a loop loading (load_line) or updating in place
 *     (store_line: the update's cost beyond the load) a buffer of that many
 *     bytes, warmed by one untimed pass, so each level of the hierarchy holds
 *     what fits in it.
 *
 * The working sets come from the simulator (a descriptor at DRAM base +
 * FW_DRAM_RESERVED, derived from the SoC config's cache sizes); without one, a
 * default list spanning the default hierarchy. Prints
 *   "cost <entry> <milli-cycles>"              per unit of a kind
 *   "curve <entry> <bytes> <milli-cycles>"     per line at a working set
 *   "line <bytes>"                             the line the curves count in
 *   "matmul <m> <n> <k> <cycles>"              the fp32_mac measurement (see there)
 *   "kernel <name> <a> <b> <cycles>"           fp32_exp, fp32_tanh, memcpy_call (see there) */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eb_cache.h"
#include "eb_executor.h"
#include "eb_hal.h"
#include "eb_program.h"
#include "eb_kernels.h"
#include "firmware.h"
#include "fw_platform.h"

/* Written by `edgebert-sim calibrate` at DRAM base + FW_DRAM_RESERVED before the core starts. */
#define CAL_DESC_MAGIC 0x5357424c41434245ull /* "EBCALBWS" */
#define CAL_MAX_POINTS 16
typedef struct {
    uint64_t magic;
    uint64_t line_bytes;   /* the first data cache's line */
    uint64_t buffer_addr;  /* where the traffic loops may put their buffer */
    uint64_t uart_base;    /* the SoC this run is on (the header describes default.json) */
    uint64_t l2_ctrl_base; /* cache controllers (0: none) */
    uint64_t llc_ctrl_base;
    uint64_t lanes;        /* the EdgeBERT tile's lanes (the AF block layout) */
    uint64_t count;
    uint64_t working_set[CAL_MAX_POINTS];
} cal_desc;

/* The loader's descriptor, or NULL (then the header's platform and default working sets). */
static const cal_desc* descriptor(void) {
    const cal_desc* d = (const cal_desc*)(uintptr_t)(fw_platform()->dram_base + FW_DRAM_RESERVED);
    return d->magic == CAL_DESC_MAGIC && d->count >= 1 && d->count <= CAL_MAX_POINTS ? d : 0;
}
static eb_platform s_platform;

/* Kernel buffers: small enough for the L1 D$ together. */
#define N 1024
static float xa[N], xb[N], xc[N];
static int32_t ia[N], ib[N];
static int8_t q8[N];
static uint8_t codes[N];
static uint8_t bytes_a[4096] __attribute__((aligned(16))), bytes_b[4096] __attribute__((aligned(16)));
static float ma[32 * 64], mc[32 * 64];
static int32_t im_a[16 * 64], im_b[64 * 16], im_c[16 * 16];
#define BM_VECTORS 64 /* one AF block of BM_VECTORS x lanes codes */
static uint8_t bm_codes[BM_VECTORS * EB_K_MAX_LANES], bm_mask[BM_VECTORS * EB_K_MAX_LANES / 8],
    bm_rows[BM_VECTORS * EB_K_MAX_LANES], bm_image[BM_VECTORS * (EB_K_MAX_LANES + EB_K_MAX_LANES / 8)],
    bm_back[BM_VECTORS * EB_K_MAX_LANES];

static float uniform(uint32_t* seed) {
    *seed = *seed * 1664525u + 1013904223u;
    return (float)(*seed >> 8) / 16777216.0f;
}
static float normal(uint32_t* seed) {
    return (uniform(seed) + uniform(seed) + uniform(seed) + uniform(seed) - 2.0f) * 1.7320508f;
}

/* "kernel <name> <units...> <cycles>": a kernel whose other charges the simulator
 * subtracts to get a kind's figure (cmd_calibrate.cpp). */
static void report_kernel(const char* name, uint64_t a, uint64_t b, uint64_t cycles) {
    fw_puts("kernel ");
    fw_puts(name);
    fw_puts(" ");
    fw_put_dec((int64_t)a);
    fw_puts(" ");
    fw_put_dec((int64_t)b);
    fw_puts(" ");
    fw_put_dec((int64_t)cycles);
    fw_puts("\n");
}

static void report(const char* name, uint64_t cycles, uint64_t units) {
    fw_puts("cost ");
    fw_puts(name);
    fw_puts(" ");
    fw_put_dec((int64_t)(cycles * 1000 / units));
    fw_puts("\n");
}

static void report_curve(const char* name, uint64_t ws, int64_t milli) {
    fw_puts("curve ");
    fw_puts(name);
    fw_puts(" ");
    fw_put_dec((int64_t)ws);
    fw_puts(" ");
    fw_put_dec(milli < 0 ? 0 : milli);
    fw_puts("\n");
}

/* Runs `body` once untimed (caches and branch state warm), then once timed. */
#define MEASURE(name, units, body)                  \
    do {                                            \
        body;                                       \
        const uint64_t t0_ = fw_cycles();           \
        body;                                       \
        report(name, fw_cycles() - t0_, units);     \
    } while (0)

/* The traffic loops: one load (and for update, one store) per 8-byte word. */
__attribute__((noipa)) static uint64_t load_words(const volatile uint64_t* p, size_t n) {
    uint64_t s = 0;
    for (size_t i = 0; i < n; ++i) s += p[i];
    return s;
}
__attribute__((noipa)) static void update_words(volatile uint64_t* p, size_t n) {
    for (size_t i = 0; i < n; ++i) p[i] = p[i] + 1u;
}

/* rows memcpys of `bytes` each, `stride` bytes apart in src, densely into dst
 * (as EB_H_COPY copies a tile row by row). */
__attribute__((noipa)) static void copy_rows(uint8_t* dst, const uint8_t* src, size_t rows, size_t bytes, size_t stride) {
    for (size_t r = 0; r < rows; ++r) memcpy(dst + r * bytes, src + r * stride, bytes);
}

/* Cycles per line of a warm pass over `bytes`. */
static double per_line(int update, volatile uint64_t* buf, uint64_t bytes, uint64_t line) {
    const size_t words = (size_t)(bytes / 8u);
    uint64_t t0, t1;
    if (update) {
        update_words(buf, words);
        t0 = fw_cycles();
        update_words(buf, words);
    } else {
        (void)load_words(buf, words);
        t0 = fw_cycles();
        (void)load_words(buf, words);
    }
    t1 = fw_cycles();
    return (double)(t1 - t0) * (double)line / (double)bytes;
}

/* mmio_access: the core's cycles per register access along the runtime's driver
 * path (the executor decoding an instruction, the driver programming the tile),
 * without the NoC and target latency, which the models add: the path runs
 * against register windows placed in DRAM (L1 hits), its status word saying
 * "done". Three instructions, by their register accesses: a systolic call (14
 * writes, the status read, the done write), an EdgeBERT matmul start (10 writes)
 * and an EdgeBERT DMA start from an SRAM (6 writes, 1 read). */
static void measure_driver(void) {
    enum { K = 32 };
    static eb_instr instrs[K];
    static eb_exec_state st;
    eb_platform p = s_platform;
    const uint64_t window = s_platform.dram_base + FW_DRAM_RESERVED + 0x40000;
    volatile uint32_t* sys_ctrl = (volatile uint32_t*)(uintptr_t)window;
    p.systolic_base = window;
    p.edgebert_base = window + 0x10000;
    p.systolic_coherence = p.edgebert_coherence = EB_COH_RECALL;
    eb_program prog;
    memset(&prog, 0, sizeof prog);
    prog.header.magic = EB_PROGRAM_MAGIC;
    prog.header.version = 1;
    prog.instrs = instrs;
    static const uint32_t ops[] = {EB_OP_SYS_CALL, EB_OP_EB_MATMUL, EB_OP_EB_DMA};
    static const uint32_t accesses[] = {16, 10, 7};
    uint64_t cycles = 0, total = 0;
    for (int k = 0; k < 3; ++k) {
        memset(instrs, 0, sizeof instrs);
        for (int i = 0; i < K; ++i) {
            instrs[i].op = ops[k];
            instrs[i].a[0] = k == 0 ? (32u | (32u << 16) | (32ull << 32)) : 0; /* sys: 32x32x32; dma: input SRAM to DRAM */
            instrs[i].a[3] = k == 2 ? 4u : 0u;
        }
        uint64_t t[2];
        for (int n = 0; n < 2; ++n) {
            prog.header.num_instrs = n ? K : 0;
            *sys_ctrl = 1u << 16; /* SYS_CTRL_DONE */
            (void)eb_execute(&p, &prog, &st);
            *sys_ctrl = 1u << 16;
            const uint64_t t0 = fw_cycles();
            (void)eb_execute(&p, &prog, &st);
            t[n] = fw_cycles() - t0;
        }
        cycles += t[1] - t[0];
        total += (uint64_t)K * accesses[k];
    }
    report("mmio_access", cycles, total);
}

static void measure_traffic(void) {
    static const uint64_t fallback[] = {4096, 24576, 49152, 196608, 393216, 1048576, 4194304};
    const cal_desc* d = descriptor();
    const uint64_t* ws = fallback;
    uint64_t count = sizeof fallback / sizeof fallback[0], line = 16;
    volatile uint64_t* buf = (volatile uint64_t*)(uintptr_t)(s_platform.dram_base + 2 * FW_DRAM_RESERVED);
    if (d) {
        ws = d->working_set;
        count = d->count;
        line = d->line_bytes;
        buf = (volatile uint64_t*)(uintptr_t)d->buffer_addr;
    }
    fw_puts("line ");
    fw_put_dec((int64_t)line);
    fw_puts("\n");
    /* Every point starts from clean caches (ESP's flush: no dirty lines of an
     * earlier point are written back while this one is timed), then warms up.
     * The smallest working set is the reference: its lines hit in the L1 D$. */
    static double load[CAL_MAX_POINTS];
    for (uint64_t i = 0; i < count; ++i) {
        (void)eb_cache_flush(&s_platform, EB_COH_NONE);
        load[i] = per_line(0, buf, ws[i], line);
        report_curve("load_line", ws[i], (int64_t)((load[i] - load[0]) * 1000.0));
    }
    double store_ref = 0;
    for (uint64_t i = 0; i < count; ++i) {
        (void)eb_cache_flush(&s_platform, EB_COH_NONE);
        const double store = per_line(1, buf, ws[i], line) - load[i];
        if (i == 0) store_ref = store;
        report_curve("store_line", ws[i], (int64_t)((store - store_ref) * 1000.0));
    }
}

int main(void) {
    s_platform = *fw_platform();
    if (descriptor()) {
        const cal_desc* d = descriptor();
        fw_set_uart_base(d->uart_base);
        s_platform.l2_ctrl_base = d->l2_ctrl_base;
        s_platform.llc_ctrl_base = d->llc_ctrl_base;
        s_platform.lanes = (uint32_t)d->lanes;
    }
    const int lanes = s_platform.lanes >= 8 && s_platform.lanes <= 64 ? (int)s_platform.lanes : 16;
    /* Inputs like layer-normed activations: pseudo-random, about N(0, 1) (a
     * sum of four uniforms); the software functions and the codecs take
     * value-dependent paths, so the inputs' spread matters. */
    uint32_t seed = 12345u;
    for (int i = 0; i < N; ++i) {
        xa[i] = normal(&seed);
        xb[i] = normal(&seed);
        ia[i] = (int32_t)(seed >> 4), ib[i] = -i;
    }
    for (int i = 0; i < 32 * 64; ++i) ma[i] = xa[i % N];
    const eb_af_format f = {8, 3};
    /* Volatile sinks keep the compiler from removing the measured work. */
    void* volatile sink;
    volatile float fsink;

    /* copy_per_byte: the bitmask codec's byte work as the executor runs an AF
     * block (eb_executor.c): encode, then decode of the image; per byte the codec
     * charges (runtime/include/eb_kernels.h). The copies into the image are
     * memcpy_per_byte's. */
    for (int i = 0; i < BM_VECTORS * lanes; ++i) /* half the codes zero, as in pruned tensors */
        bm_codes[i] = (i % 2) ? eb_k_af_encode(xa[i % N], f, -4) : 0;
    {
        size_t depth = 0;
        const size_t mbytes = eb_k_bitmask_mask_bytes(BM_VECTORS, lanes);
        depth = eb_k_bitmask_encode(bm_codes, BM_VECTORS, lanes, 0x7F, bm_mask, bm_rows);
        memcpy(bm_image, bm_mask, mbytes);
        memcpy(bm_image + mbytes, bm_rows, depth * (size_t)lanes);
        const uint64_t codec = (uint64_t)BM_VECTORS * lanes + mbytes + depth * (uint64_t)lanes;
        MEASURE("copy_per_byte", 2 * codec, {
            depth = eb_k_bitmask_encode(bm_codes, BM_VECTORS, lanes, 0x7F, bm_mask, bm_rows);
            (void)eb_k_bitmask_decode(bm_image, bm_image + mbytes, depth, BM_VECTORS, lanes, bm_back);
        });
    }
    /* splice_per_lane: the code-domain splice of tile-format activations
     * (EB_H_AF_GATHER) as the compiler's most frequent call runs it: a band of
     * 4 rows out of 4 chunks of 4 vectors (the block above as four streams),
     * one code in eight zero (activations are mostly dense; the branch on the
     * mask bit goes as often as in them). Per lane slot walked plus per code
     * moved, as the kernel charges. */
    for (int i = 0; i < BM_VECTORS * lanes; ++i)
        bm_codes[i] = (i % 8 == 3) ? 0 : eb_k_af_encode(xa[i % N], f, -4) | 1u;
    {
        enum { CHUNKS = 4, ROWS = 4, ROW_VECTORS = 4 }; /* CHUNKS * ROWS * ROW_VECTORS = BM_VECTORS */
        static const uint8_t* sm[CHUNKS];
        static const uint8_t* cur[CHUNKS][EB_K_MAX_LANES];
        static uint8_t* dcur[EB_K_MAX_LANES];
        const size_t mbytes = eb_k_bitmask_mask_bytes(BM_VECTORS, lanes);
        (void)eb_k_bitmask_encode(bm_codes, BM_VECTORS, lanes, 0x7F, bm_image, bm_image + mbytes);
        uint64_t moved = 0;
        for (int i = 0; i < BM_VECTORS * lanes; ++i) moved += (bm_codes[i] & 0x7F) != 0;
        for (int c = 0; c < CHUNKS; ++c) sm[c] = bm_image; /* the same stream four times: the work, not the values */
        MEASURE("splice_per_lane", (uint64_t)BM_VECTORS * lanes + moved, {
            for (int l = 0; l < lanes; ++l) {
                for (int c = 0; c < CHUNKS; ++c) cur[c][l] = bm_image + mbytes + l;
                dcur[l] = bm_rows + l;
            }
            (void)eb_k_bitmask_splice(sm, cur, CHUNKS, ROWS, ROW_VECTORS, lanes, 0, 0x7F, bm_mask, dcur);
        });
    }
    /* code_map_per_byte: a dense stream's codes through the activation's
     * 256-entry code map (EB_H_AF_GATHER on dense streams with a table). */
    {
        static uint8_t table[256];
        for (int i = 0; i < 256; ++i) table[i] = (uint8_t)(255 - i);
        MEASURE("code_map_per_byte", sizeof bytes_b, eb_k_code_map(table, bytes_a, bytes_b, sizeof bytes_b));
    }
    /* memcpy_per_byte: the runtime's copies (staging buffers, AF images, rows):
     * memcpy of 4 KiB between aligned buffers in the L1 D$. memset_per_byte:
     * memset of 4 KiB (malloc's clearing). The size goes through a volatile so
     * GCC calls the C library instead of expanding the copy inline. */
    for (size_t i = 0; i < sizeof bytes_a; ++i) bytes_a[i] = (uint8_t)(i * 7u);
    {
        volatile size_t bytes = sizeof bytes_b;
        MEASURE("memcpy_per_byte", sizeof bytes_b, sink = memcpy(bytes_b, bytes_a, bytes));
        MEASURE("memset_per_byte", sizeof bytes_a, sink = memset(bytes_a, 1, bytes));
    }
    /* memcpy_call: a call's cycles beyond its bytes (the call, the checks, the
     * word loop's set-up and exits, the caller's loop), at the runtime's most
     * frequent call: rows of 32 bytes out of a wider matrix into a dense tile
     * buffer (EB_H_COPY of thesis mode's staging tiles), all in the L1 D$. The
     * simulator subtracts the bytes at memcpy_per_byte (cmd_calibrate.cpp). */
    {
        enum { ROWS = 64, ROW_BYTES = 32, SRC_STRIDE = 64 };
        copy_rows(bytes_b, bytes_a, ROWS, ROW_BYTES, SRC_STRIDE);
        const uint64_t t0 = fw_cycles();
        copy_rows(bytes_b, bytes_a, ROWS, ROW_BYTES, SRC_STRIDE);
        report_kernel("memcpy_rows", ROWS, ROW_BYTES, fw_cycles() - t0);
    }
    MEASURE("malloc_call", 64, for (int i = 0; i < 64; ++i) {
        sink = malloc(256 + (size_t)i);
        free(sink);
    });
    (void)sink;
    MEASURE("transpose_per_element", 32 * 64, eb_k_transpose_f32(ma, 64, mc, 32, 32, 64));
    /* fp32_mac: a 128-row product at the kernel's full panel depth (k = 128), as
     * the runtime's matmuls run (B's panel packing spread over 128 rows of A).
     * A (64 KiB) does not fit the L1 D$: the simulator subtracts the traffic the
     * native host charges for it (eb_k_matmul_f32) from the time printed here. */
    {
        float* a = (float*)(uintptr_t)(s_platform.dram_base + FW_DRAM_RESERVED + 0x10000);
        float* b = a + 128 * 128;
        float* c = b + 32 * 128;
        for (int i = 0; i < 128 * 128; ++i) a[i] = xa[(i * 7) % N];
        for (int i = 0; i < 32 * 128; ++i) b[i] = xb[(i * 3) % N];
        eb_k_matmul_f32(a, 128, b, 128, c, 32, 128, 32, 128, 1, 0);
        const uint64_t t0 = fw_cycles();
        eb_k_matmul_f32(a, 128, b, 128, c, 32, 128, 32, 128, 1, 0);
        const uint64_t t = fw_cycles() - t0;
        fw_puts("matmul 128 32 128 ");
        fw_put_dec((int64_t)t);
        fw_puts("\n");
        fsink = c[5];
    }
    MEASURE("int32_add", N, eb_k_i32_accumulate(ia, ib, N));
    /* int32_mac: the thesis CPU baseline's naive loop (B walked down its columns),
     * 16 x 16 x 64: A, B and C (9 KiB) stay in the L1 D$, where the native host
     * charges the loop's traffic nothing. */
    for (int i = 0; i < 16 * 64; ++i) im_a[i] = (int32_t)((uint32_t)ia[i] >> 20) - 2048, im_b[i] = (int32_t)((i * 2654435761u) >> 21) - 1024;
    MEASURE("int32_mac", 16 * 16 * 64, eb_k_matmul_i32_naive(im_a, 64, im_b, 16, im_c, 16, 16, 16, 64));
    MEASURE("fp32_add", N, eb_k_add_f32(xc, xa, xb, N));
    /* fp32_exp and fp32_tanh in the kernels that charge almost all their units:
     * the row softmax (exp of x - max) and GELU (tanh of a cubic in x). */
    {
        memcpy(xc, xa, sizeof xc);
        eb_k_softmax_f32(xc, 8, 128, 128, 0);
        memcpy(xc, xa, sizeof xc);
        const uint64_t t0 = fw_cycles();
        eb_k_softmax_f32(xc, 8, 128, 128, 0);
        report_kernel("softmax", 8, 128, fw_cycles() - t0);
    }
    MEASURE("fp32_div", N, for (int i = 0; i < N; ++i) xc[i] = xa[i] / (xb[i] + 3.0f));
    MEASURE("fp32_sqrt", N, for (int i = 0; i < N; ++i) xc[i] = sqrtf(xa[i] + 2.0f));
    {
        memcpy(xc, xa, sizeof xc);
        eb_k_gelu_new_f32(xc, N);
        memcpy(xc, xa, sizeof xc);
        const uint64_t t0 = fw_cycles();
        eb_k_gelu_new_f32(xc, N);
        report_kernel("gelu", N, 0, fw_cycles() - t0);
    }
    /* Both directions of the AF codec charge this kind: one unit each way, on rows
     * as the executor converts them (shorter than 1024 codes: decoded one by one). */
    MEASURE("quantize_per_element", 2 * 512, {
        eb_k_af_quantize(xa, 512, f, -4, codes);
        eb_k_af_dequantize(codes, 512, f, -4, xc);
    });
    /* The scale of a calibrated tensor: +-3 sigma to +-127. */
    MEASURE("int8_convert_per_element", N, eb_k_i8_quantize(xa, N, 3.0f / 127.0f, q8));
    fsink = xc[9] + mc[5] + fsink;
    (void)fsink;
    measure_driver();
    measure_traffic();
    fw_puts("checksum ");
    fw_put_dec((int64_t)(codes[7] + bytes_b[5] + (int)mc[5] + (int)xc[9] + ia[3] + q8[11] + bm_back[3] + (im_c[17] & 0xFF)));
    fw_puts("\n");
    return 0;
}
