/* FP32 and INT8 kernels of the runtime (eb_kernels.h). The AdaptivFloat and
 * bitmask codecs live in eb_kernels_af.c. */
#include "eb_kernels.h"

#include <math.h>
#include <string.h>

#include "eb_hal.h"

static void charge(eb_cost_t kind, uint64_t units) {
    if (units) eb_hal_charge(kind, units);
}

/* Hosts without a memory model (e.g. the kernels' unit tests) need not define
 * eb_hal_charge_mem: this weak no-op stands in for it. */
__attribute__((weak)) void eb_hal_charge_mem(eb_cost_t kind, int store, uint64_t bytes, uint64_t working_set,
                                             uint64_t run, uint64_t stride) {
    (void)kind;
    (void)store;
    (void)bytes;
    (void)working_set;
    (void)run;
    (void)stride;
}

/* ------------------------------------------------------------- matmul --- */

/* Blocking: B is packed, one panel of MM_KC x MM_NR elements at a time, into a
 * stack buffer (zero-padded past column n); a 4 x 8 block of C is held in
 * locals while it is multiplied by the panel. The block is written as groups
 * of four independent multiply-adds, which the compiler's straight-line (SLP)
 * vectorizer turns into vector operations at -O2 without target-specific code.
 * GCC's loop vectorizer must stay away from the k loop: at -O3 it vectorizes
 * it as in-order float reductions (lane-by-lane adds), several times slower. */
enum { MM_MR = 4, MM_NR = 8, MM_KC = 128 };

#if defined(__GNUC__) && !defined(__clang__)
#define MM_NO_LOOP_VECTORIZE __attribute__((optimize("no-tree-loop-vectorize")))
#else
#define MM_NO_LOOP_VECTORIZE
#endif

/* acc[0..3] += x * b[0..3] */
#define MM_AXPY4(acc, x, b)       \
    do {                          \
        (acc)[0] += (x) * (b)[0]; \
        (acc)[1] += (x) * (b)[1]; \
        (acc)[2] += (x) * (b)[2]; \
        (acc)[3] += (x) * (b)[3]; \
    } while (0)

static void mm_pack(const float* b, size_t ldb, int transposed, int k0, int kc, int j0, int nr,
                    float* restrict panel) {
    int p, j;
    if (nr < MM_NR) memset(panel, 0, sizeof(float) * (size_t)kc * MM_NR);
    if (transposed) {
        for (j = 0; j < nr; ++j) {
            const float* src = b + (size_t)(j0 + j) * ldb + k0;
            for (p = 0; p < kc; ++p) panel[p * MM_NR + j] = src[p];
        }
    } else {
        for (p = 0; p < kc; ++p) {
            const float* src = b + (size_t)(k0 + p) * ldb + j0;
            if (nr == MM_NR) {
                for (j = 0; j < MM_NR; ++j) panel[p * MM_NR + j] = src[j];
            } else {
                for (j = 0; j < nr; ++j) panel[p * MM_NR + j] = src[j];
            }
        }
    }
}

/* c[0..3][0..nr) (+)= a[0..3][0..kc) * panel. */
MM_NO_LOOP_VECTORIZE static void mm_block4(const float* restrict a, size_t lda, const float* restrict panel, int kc,
                                           float* restrict c, size_t ldc, int nr, int load) {
    float t[MM_MR][MM_NR];
    float c0l[4], c0h[4], c1l[4], c1h[4], c2l[4], c2h[4], c3l[4], c3h[4];
    const float* a0 = a;
    const float* a1 = a + lda;
    const float* a2 = a + 2 * lda;
    const float* a3 = a + 3 * lda;
    int p, j, r;
    for (r = 0; r < MM_MR; ++r) {
        for (j = 0; j < MM_NR; ++j) t[r][j] = (load && j < nr) ? c[(size_t)r * ldc + j] : 0.0f;
    }
    memcpy(c0l, t[0], sizeof c0l);
    memcpy(c0h, t[0] + 4, sizeof c0h);
    memcpy(c1l, t[1], sizeof c1l);
    memcpy(c1h, t[1] + 4, sizeof c1h);
    memcpy(c2l, t[2], sizeof c2l);
    memcpy(c2h, t[2] + 4, sizeof c2h);
    memcpy(c3l, t[3], sizeof c3l);
    memcpy(c3h, t[3] + 4, sizeof c3h);
    for (p = 0; p < kc; ++p) {
        const float* bl = panel + p * MM_NR;
        const float* bh = bl + 4;
        const float x0 = a0[p], x1 = a1[p], x2 = a2[p], x3 = a3[p];
        MM_AXPY4(c0l, x0, bl);
        MM_AXPY4(c0h, x0, bh);
        MM_AXPY4(c1l, x1, bl);
        MM_AXPY4(c1h, x1, bh);
        MM_AXPY4(c2l, x2, bl);
        MM_AXPY4(c2h, x2, bh);
        MM_AXPY4(c3l, x3, bl);
        MM_AXPY4(c3h, x3, bh);
    }
    memcpy(t[0], c0l, sizeof c0l);
    memcpy(t[0] + 4, c0h, sizeof c0h);
    memcpy(t[1], c1l, sizeof c1l);
    memcpy(t[1] + 4, c1h, sizeof c1h);
    memcpy(t[2], c2l, sizeof c2l);
    memcpy(t[2] + 4, c2h, sizeof c2h);
    memcpy(t[3], c3l, sizeof c3l);
    memcpy(t[3] + 4, c3h, sizeof c3h);
    for (r = 0; r < MM_MR; ++r) {
        for (j = 0; j < nr; ++j) c[(size_t)r * ldc + j] = t[r][j];
    }
}

/* One row: c[0..nr) (+)= a[0..kc) * panel. */
MM_NO_LOOP_VECTORIZE static void mm_block1(const float* restrict a, const float* restrict panel, int kc,
                                           float* restrict c, int nr, int load) {
    float cl[4], ch[4];
    int p, j;
    for (j = 0; j < 4; ++j) {
        cl[j] = (load && j < nr) ? c[j] : 0.0f;
        ch[j] = (load && j + 4 < nr) ? c[j + 4] : 0.0f;
    }
    for (p = 0; p < kc; ++p) {
        const float* bl = panel + p * MM_NR;
        const float x = a[p];
        MM_AXPY4(cl, x, bl);
        MM_AXPY4(ch, x, bl + 4);
    }
    for (j = 0; j < nr; ++j) c[j] = j < 4 ? cl[j] : ch[j - 4];
}

void eb_k_matmul_f32(const float* a, size_t lda, const float* b, size_t ldb, float* c, size_t ldc, int m, int n,
                     int k, int b_transposed, int accumulate) {
    float panel[MM_KC * MM_NR];
    int i0, j0, k0;
    if (m <= 0 || n <= 0) return;
    if (k <= 0) {
        if (!accumulate) {
            for (i0 = 0; i0 < m; ++i0) memset(c + (size_t)i0 * ldc, 0, sizeof(float) * (size_t)n);
        }
        return;
    }
    for (j0 = 0; j0 < n; j0 += MM_NR) {
        const int nr = n - j0 < MM_NR ? n - j0 : MM_NR;
        for (k0 = 0; k0 < k; k0 += MM_KC) {
            const int kc = k - k0 < MM_KC ? k - k0 : MM_KC;
            const int load = accumulate || k0 > 0;
            mm_pack(b, ldb, b_transposed, k0, kc, j0, nr, panel);
            for (i0 = 0; i0 + MM_MR <= m; i0 += MM_MR) {
                mm_block4(a + (size_t)i0 * lda + k0, lda, panel, kc, c + (size_t)i0 * ldc + j0, ldc, nr, load);
            }
            for (; i0 < m; ++i0) mm_block1(a + (size_t)i0 * lda + k0, panel, kc, c + (size_t)i0 * ldc + j0, nr, load);
        }
    }
    charge(EB_COST_FP32_MAC, (uint64_t)m * (uint64_t)n * (uint64_t)k);
    {
        /* Memory traffic inside the call (what the caller's single pass over A, B
         * and C does not cover, eb_hal.h): A is read again for every further
         * column block of MM_NR, after the whole of A (and a panel and a C strip)
         * went by; with more than one panel depth, the C strip of a column block is
         * reloaded and stored again per depth, after an A slab went by. */
        const uint64_t col_blocks = ((uint64_t)n + MM_NR - 1) / MM_NR;
        const uint64_t depths = ((uint64_t)k + MM_KC - 1) / MM_KC;
        const uint64_t kc = k < MM_KC ? (uint64_t)k : (uint64_t)MM_KC;
        const uint64_t nr = n < MM_NR ? (uint64_t)n : (uint64_t)MM_NR;
        const uint64_t a_bytes = (uint64_t)m * (uint64_t)k * 4u;
        const uint64_t panel = kc * MM_NR * 4u, strip = (uint64_t)m * MM_NR * 4u;
        if (col_blocks > 1)
            eb_hal_charge_mem(EB_COST_FP32_MAC, 0, (col_blocks - 1) * a_bytes, a_bytes + panel + strip,
                              (uint64_t)k * 4u, (uint64_t)lda * 4u);
        if (depths > 1) {
            const uint64_t c_bytes = (depths - 1) * (uint64_t)m * (uint64_t)n * 4u;
            const uint64_t ws = (uint64_t)m * kc * 4u + panel + strip;
            eb_hal_charge_mem(EB_COST_FP32_MAC, 0, c_bytes, ws, nr * 4u, (uint64_t)ldc * 4u);
            eb_hal_charge_mem(EB_COST_FP32_MAC, 1, c_bytes, ws, nr * 4u, (uint64_t)ldc * 4u);
        }
    }
}

/* ------------------------------------------------------- naive INT32 --- */

/* Two's complement wrap of a uint32_t into int32_t, without relying on the
 * implementation-defined conversion of out-of-range values. */
static int32_t wrap_i32(uint32_t u) {
    return u <= (uint32_t)INT32_MAX ? (int32_t)u : (int32_t)(u - 2147483648u) - INT32_MAX - 1;
}

void eb_k_matmul_i32_naive(const int32_t* a, size_t lda, const int32_t* b, size_t ldb, int32_t* c, size_t ldc, int m,
                           int n, int k) {
    int i, j, p;
    if (m <= 0 || n <= 0) return;
    /* The published baseline's loop: for i, for j, for k, B walked down column j. */
    for (i = 0; i < m; ++i) {
        const int32_t* ar = a + (size_t)i * lda;
        for (j = 0; j < n; ++j) {
            uint32_t sum = 0;
            for (p = 0; p < k; ++p) sum += (uint32_t)ar[p] * (uint32_t)b[(size_t)p * ldb + (size_t)j];
            c[(size_t)i * ldc + (size_t)j] = wrap_i32(sum);
        }
    }
    if (k <= 0) return;
    charge(EB_COST_INT32_MAC, (uint64_t)m * (uint64_t)n * (uint64_t)k);
    {
        /* Every load of the loop (the caller charges C's stores): row i of A once
         * per j (working set: the row), and B one element per multiply-accumulate,
         * 4-byte runs a row of B apart, cycling through the whole of B. */
        const uint64_t macs = (uint64_t)m * (uint64_t)n * (uint64_t)k;
        const uint64_t row = (uint64_t)k * 4u;
        eb_hal_charge_mem(EB_COST_INT32_MAC, 0, macs * 4u, row, row, row);
        eb_hal_charge_mem(EB_COST_INT32_MAC, 0, macs * 4u, (uint64_t)k * (uint64_t)n * 4u, 4u, (uint64_t)ldb * 4u);
    }
}

/* --------------------------------------------------------- elementwise --- */

void eb_k_add_bias_f32(float* x, int rows, int cols, size_t ld, const float* bias) {
    int r, j;
    if (rows <= 0 || cols <= 0) return;
    for (r = 0; r < rows; ++r) {
        float* restrict row = x + (size_t)r * ld;
        for (j = 0; j < cols; ++j) row[j] += bias[j];
    }
    charge(EB_COST_FP32_ADD, (uint64_t)rows * (uint64_t)cols);
}

void eb_k_add_f32(float* y, const float* a, const float* b, size_t n) {
    size_t i;
    for (i = 0; i < n; ++i) y[i] = a[i] + b[i];
    charge(EB_COST_FP32_ADD, n);
}

void eb_k_scale_f32(float* x, size_t n, float s) {
    size_t i;
    for (i = 0; i < n; ++i) x[i] *= s;
    charge(EB_COST_FP32_MAC, n);
}

static float max_abs(const float* x, size_t n) {
    float m = 0.0f;
    size_t i;
    for (i = 0; i < n; ++i) {
        const float v = fabsf(x[i]);
        if (v > m) m = v;
    }
    return m;
}

float eb_k_max_abs_f32(const float* x, size_t n) {
    const float m = max_abs(x, n);
    charge(EB_COST_FP32_ADD, n);
    return m;
}

/* ------------------------------------------------------- row operators --- */

void eb_k_layer_norm_f32(float* x, int rows, int cols, size_t ld, const float* gamma, const float* beta,
                         float eps) {
    int r, j;
    if (rows <= 0 || cols <= 0) return;
    for (r = 0; r < rows; ++r) {
        float* row = x + (size_t)r * ld;
        double mean = 0.0, var = 0.0, inv;
        for (j = 0; j < cols; ++j) mean += row[j];
        mean /= cols;
        for (j = 0; j < cols; ++j) {
            const double d = row[j] - mean;
            var += d * d;
        }
        var /= cols;
        inv = 1.0 / sqrt(var + (double)eps);
        for (j = 0; j < cols; ++j) row[j] = (float)((row[j] - mean) * inv * gamma[j] + beta[j]);
    }
    {
        const uint64_t elems = (uint64_t)rows * (uint64_t)cols;
        charge(EB_COST_FP32_ADD, 3 * elems);
        charge(EB_COST_FP32_MAC, 3 * elems);
        charge(EB_COST_FP32_DIV, 3 * (uint64_t)rows);
        charge(EB_COST_FP32_SQRT, (uint64_t)rows);
    }
}

void eb_k_softmax_f32(float* x, int rows, int cols, size_t ld, const float* key_mask_add) {
    int r, j;
    if (rows <= 0 || cols <= 0) return;
    for (r = 0; r < rows; ++r) {
        float* row = x + (size_t)r * ld;
        float m, sum = 0.0f, inv;
        if (key_mask_add) {
            for (j = 0; j < cols; ++j) row[j] += key_mask_add[j];
        }
        m = row[0];
        for (j = 1; j < cols; ++j) {
            if (row[j] > m) m = row[j];
        }
        for (j = 0; j < cols; ++j) sum += (row[j] = expf(row[j] - m));
        inv = 1.0f / sum;
        for (j = 0; j < cols; ++j) row[j] *= inv;
    }
    {
        const uint64_t elems = (uint64_t)rows * (uint64_t)cols;
        charge(EB_COST_FP32_ADD, (key_mask_add ? 4u : 3u) * elems);
        charge(EB_COST_FP32_EXP, elems);
        charge(EB_COST_FP32_DIV, (uint64_t)rows);
        charge(EB_COST_FP32_MAC, elems);
    }
}

void eb_k_gelu_new_f32(float* x, size_t n) {
    const float k = 0.7978845608028654f; /* sqrt(2 / pi) */
    size_t i;
    for (i = 0; i < n; ++i) {
        const float v = x[i];
        x[i] = 0.5f * v * (1.0f + tanhf(k * (v + 0.044715f * v * v * v)));
    }
    charge(EB_COST_FP32_MAC, 6 * (uint64_t)n);
    charge(EB_COST_FP32_ADD, 2 * (uint64_t)n);
    charge(EB_COST_FP32_TANH, n);
}

void eb_k_gelu_erf_f32(float* x, size_t n) {
    size_t i;
    for (i = 0; i < n; ++i) {
        const float v = x[i];
        x[i] = 0.5f * v * (1.0f + erff(v * 0.7071067811865476f));
    }
    charge(EB_COST_FP32_MAC, 3 * (uint64_t)n);
    charge(EB_COST_FP32_ADD, n);
    charge(EB_COST_FP32_TANH, n); /* erff: a libm transcendental like tanhf */
}

void eb_k_relu_f32(float* x, size_t n) {
    size_t i;
    for (i = 0; i < n; ++i) x[i] = x[i] > 0.0f ? x[i] : 0.0f;
    charge(EB_COST_FP32_ADD, n);
}

void eb_k_tanh_f32(float* x, size_t n) {
    size_t i;
    for (i = 0; i < n; ++i) x[i] = tanhf(x[i]);
    charge(EB_COST_FP32_TANH, n);
}

float eb_k_entropy_f32(const float* logits, int n) {
    double m, sum = 0.0, weighted = 0.0;
    int i;
    if (n <= 0) return 0.0f;
    m = logits[0];
    for (i = 1; i < n; ++i) {
        if (logits[i] > m) m = logits[i];
    }
    for (i = 0; i < n; ++i) {
        const double z = logits[i] - m, e = exp(z);
        sum += e;
        weighted += z * e;
    }
    charge(EB_COST_FP32_ADD, 3 * (uint64_t)n);
    charge(EB_COST_FP32_MAC, (uint64_t)n);
    charge(EB_COST_FP32_EXP, (uint64_t)n + 1u);
    charge(EB_COST_FP32_DIV, 1u);
    /* H = -sum p ln p with p = e^z / S, ln p = z - ln S. */
    return (float)(log(sum) - weighted / sum);
}

/* ----------------------------------------------------------- transpose --- */

enum { TR_BLOCK = 16 };

/* One blocked transpose for every element type: TR_BLOCK x TR_BLOCK tiles keep
 * both the rows read and the columns written in the L1. */
#define EB_K_TRANSPOSE_BLOCKED(T)                                                        \
    int i0, j0, i, j;                                                                    \
    if (rows <= 0 || cols <= 0) return;                                                  \
    for (i0 = 0; i0 < rows; i0 += TR_BLOCK) {                                            \
        const int ie = rows - i0 < TR_BLOCK ? rows : i0 + TR_BLOCK;                      \
        for (j0 = 0; j0 < cols; j0 += TR_BLOCK) {                                        \
            const int je = cols - j0 < TR_BLOCK ? cols : j0 + TR_BLOCK;                  \
            for (i = i0; i < ie; ++i) {                                                  \
                const T* s = src + (size_t)i * lds;                                      \
                for (j = j0; j < je; ++j) dst[(size_t)j * ldd + (size_t)i] = s[j];      \
            }                                                                            \
        }                                                                                \
    }                                                                                    \
    charge(EB_COST_TRANSPOSE_ELEM, (uint64_t)rows * (uint64_t)cols)

void eb_k_transpose_f32(const float* src, size_t lds, float* dst, size_t ldd, int rows, int cols) {
    EB_K_TRANSPOSE_BLOCKED(float);
}

void eb_k_transpose_u8(const uint8_t* src, size_t lds, uint8_t* dst, size_t ldd, int rows, int cols) {
    EB_K_TRANSPOSE_BLOCKED(uint8_t);
}

void eb_k_transpose_u32(const uint32_t* src, size_t lds, uint32_t* dst, size_t ldd, int rows, int cols) {
    EB_K_TRANSPOSE_BLOCKED(uint32_t);
}

/* ---------------------------------------------------------------- INT8 --- */

enum { I8_MAX_CODE = 127 };

float eb_k_i8_scale(const float* x, size_t n) {
    const float m = max_abs(x, n);
    float scale = 1.0f;
    if (m != 0.0f) {
        scale = m / (float)I8_MAX_CODE;
        if (!(scale > 0.0f)) scale = 0x1p-149f; /* the smallest positive float */
    }
    charge(EB_COST_FP32_ADD, n);
    charge(EB_COST_FP32_DIV, n ? 1u : 0u);
    return scale;
}

/* round-half-away(x / scale) clamped to +-127. The quotient of two floats
 * formed in double decides every tie exactly (see hw/formats/int8.cpp). */
static int8_t i8_one(float x, float scale) {
    const double q = (double)x / (double)scale;
    const double t = q < 0.0 ? -q : q;
    int v;
    if (t >= (double)I8_MAX_CODE) {
        v = I8_MAX_CODE;
    } else if (t >= 0.0) {
        v = (int)t; /* truncation: floor for t >= 0 */
        if (t - (double)v >= 0.5) ++v;
    } else {
        v = 0; /* NaN */
    }
    return (int8_t)(q < 0.0 ? -v : v);
}

void eb_k_i8_quantize(const float* x, size_t n, float scale, int8_t* q) {
    size_t i;
    for (i = 0; i < n; ++i) q[i] = i8_one(x[i], scale);
    charge(EB_COST_INT8_CONVERT_ELEM, n);
}

void eb_k_i32_accumulate(int32_t* acc, const int32_t* part, size_t n) {
    size_t i;
    for (i = 0; i < n; ++i) {
        const int64_t s = (int64_t)acc[i] + (int64_t)part[i];
        acc[i] = s > INT32_MAX ? INT32_MAX : s < INT32_MIN ? INT32_MIN : (int32_t)s;
    }
    charge(EB_COST_INT32_ADD, n);
}

void eb_k_i32_dequantize(const int32_t* acc, size_t n, float scale, float* y) {
    const double s = scale;
    size_t i;
    for (i = 0; i < n; ++i) y[i] = (float)((double)acc[i] * s);
    charge(EB_COST_FP32_MAC, n); /* one multiply per element */
}

void eb_k_i32_to_i8(const int32_t* x, size_t n, int shift, int8_t* q) {
    size_t i;
    if (shift < 0) shift = 0;
    if (shift > 31) shift = 31;
    for (i = 0; i < n; ++i) {
        /* floor(x / 2^shift): an arithmetic right shift, written without
         * shifting a negative number (implementation-defined in C). */
        const int64_t v = x[i];
        const int64_t s = v >= 0 ? v >> shift : -((-v - 1) >> shift) - 1;
        q[i] = (int8_t)(s > I8_MAX_CODE ? I8_MAX_CODE : s < -I8_MAX_CODE ? -I8_MAX_CODE : s);
    }
    charge(EB_COST_INT8_CONVERT_ELEM, n);
}
