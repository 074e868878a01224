/* CPU-side kernels of the EdgeBERT runtime: the FP32 operators the CPU runs
 * between accelerator calls, the AdaptivFloat and bitmask codecs that prepare
 * the accelerator's DRAM images, and the INT8 helpers of the systolic baseline.
 *
 * Plain C11, no allocation, no global state: callers pass every buffer. Matrices
 * are row-major; `ld*` is a row stride in elements (>= the row length).
 *
 * Every kernel reports its CPU work with eb_hal_charge(), once per kind per call
 * with the total count (kinds whose count is zero are not reported). A multiply
 * is charged as one EB_COST_FP32_MAC (there is no separate multiply cost); a
 * comparison in a max scan as one EB_COST_FP32_ADD; a logarithm as one
 * EB_COST_FP32_EXP. The scalar helpers (eb_k_af_encode, eb_k_af_decode,
 * eb_k_af_choose_bias) charge nothing: a caller looping over them charges its
 * own work.
 *
 *   kernel                   charges (units)
 *   ----------------------   ----------------------------------------------------
 *   eb_k_matmul_f32          FP32_MAC m*n*k
 *   eb_k_add_bias_f32        FP32_ADD rows*cols
 *   eb_k_add_f32             FP32_ADD n
 *   eb_k_scale_f32           FP32_MAC n
 *   eb_k_max_abs_f32         FP32_ADD n
 *   eb_k_layer_norm_f32      FP32_ADD 3*rows*cols   (sum, centering for the variance,
 *                                                    centering for the output)
 *                            FP32_MAC 3*rows*cols   (variance, * 1/sigma, * gamma + beta)
 *                            FP32_DIV 3*rows        (mean, variance, 1/sigma)
 *                            FP32_SQRT rows
 *   eb_k_softmax_f32         FP32_ADD (3 + has_mask)*rows*cols  (mask add, max scan,
 *                                                    subtract max, sum)
 *                            FP32_EXP rows*cols
 *                            FP32_DIV rows          (1 / sum)
 *                            FP32_MAC rows*cols     (* 1/sum)
 *   eb_k_gelu_new_f32        FP32_MAC 6*n, FP32_ADD 2*n, FP32_TANH n
 *   eb_k_gelu_erf_f32        FP32_MAC 3*n, FP32_ADD n, FP32_TANH n (erff charged as a
 *                            tanhf: both one libm transcendental of similar cost)
 *   eb_k_relu_f32            FP32_ADD n (a comparison)
 *   eb_k_tanh_f32            FP32_TANH n
 *   eb_k_entropy_f32         FP32_ADD 3*n (max scan, subtract max, sum), FP32_MAC n,
 *                            FP32_EXP n + 1 (the exps and the log), FP32_DIV 1
 *   eb_k_transpose_f32/_u8   TRANSPOSE_ELEM rows*cols
 *   eb_k_af_quantize         QUANTIZE_ELEM n
 *   eb_k_af_dequantize       QUANTIZE_ELEM n
 *   eb_k_bitmask_encode      COPY_BYTE vectors*lanes (codes) + mask bytes + depth*lanes (rows)
 *   eb_k_bitmask_decode      COPY_BYTE the same three terms, depth = the longest lane
 *   eb_k_bitmask_splice      SPLICE_LANE lane slots walked + codes moved (x2 through a table)
 *   eb_k_code_map            CODE_MAP_BYTE n
 *                            (nothing on error)
 *   eb_k_i8_scale            FP32_ADD n (max scan), FP32_DIV 1 (n > 0)
 *   eb_k_i8_quantize         INT8_CONVERT_ELEM n
 *   eb_k_i32_accumulate      INT32_ADD n
 *   eb_k_i32_dequantize      FP32_MAC n
 *   eb_k_matmul_i32_naive    INT32_MAC m*n*k (and the loop's loads of A and B as
 *                            memory traffic, eb_hal_charge_mem)
 *   eb_k_transpose_u32       TRANSPOSE_ELEM rows*cols
 *   eb_k_i32_to_i8           INT8_CONVERT_ELEM n
 *
 * Non-finite inputs (NaN, infinities) are the caller's bug; the kernels do not
 * check for them (the C++ format library throws). Where the result is defined
 * anyway it is stated below. */
#ifndef EB_KERNELS_H
#define EB_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/* The widest tile vector the bitmask kernels take: 64 lanes, 8-byte mask words. */
#define EB_K_MAX_LANES 64

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- FP32 --- */

/* c (m x n) = a (m x k) * B, or c += a * B when `accumulate` is non-zero.
 * B is b (k x n) when b_transposed == 0, else b^T with b stored n x k.
 * k == 0 gives c = 0 (or leaves c unchanged when accumulating). c must not
 * overlap a or b. Uses a 4 KiB stack buffer (a packed panel of B). */
void eb_k_matmul_f32(const float* a, size_t lda, const float* b, size_t ldb, float* c, size_t ldc, int m, int n,
                     int k, int b_transposed, int accumulate);

/* x[r][c] += bias[c]. */
void eb_k_add_bias_f32(float* x, int rows, int cols, size_t ld, const float* bias);
/* y = a + b elementwise; y may be a or b. */
void eb_k_add_f32(float* y, const float* a, const float* b, size_t n);
/* x *= s. */
void eb_k_scale_f32(float* x, size_t n, float s);
/* max |x[i]| (0 for n == 0), e.g. for eb_k_af_choose_bias. */
float eb_k_max_abs_f32(const float* x, size_t n);

/* Per row: (x - mean) / sqrt(var + eps) * gamma + beta, mean and (biased)
 * variance accumulated in double exactly as the FP32 reference does. */
void eb_k_layer_norm_f32(float* x, int rows, int cols, size_t ld, const float* gamma, const float* beta,
                         float eps);
/* Row softmax in place. key_mask_add (nullable) holds cols additive terms
 * (0 for a kept key, a large negative number for a padded one) added to every
 * row before the softmax. */
void eb_k_softmax_f32(float* x, int rows, int cols, size_t ld, const float* key_mask_add);
/* Hugging Face "gelu_new": 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
void eb_k_gelu_new_f32(float* x, size_t n);
/* Hugging Face "gelu" (exact): 0.5 x (1 + erf(x / sqrt(2))). */
void eb_k_gelu_erf_f32(float* x, size_t n);
/* x > 0 ? x : 0 (-0 and NaN give +0, as the FP32 reference). */
void eb_k_relu_f32(float* x, size_t n);
void eb_k_tanh_f32(float* x, size_t n);
/* Entropy (natural log) of softmax(logits); n >= 1. */
float eb_k_entropy_f32(const float* logits, int n);

/* dst (cols x rows) = src (rows x cols)^T. src and dst must not overlap. */
void eb_k_transpose_f32(const float* src, size_t lds, float* dst, size_t ldd, int rows, int cols);
void eb_k_transpose_u8(const uint8_t* src, size_t lds, uint8_t* dst, size_t ldd, int rows, int cols);
void eb_k_transpose_u32(const uint32_t* src, size_t lds, uint32_t* dst, size_t ldd, int rows, int cols);

/* -------------------------------------------------------- AdaptivFloat --- */

/* AdaptivFloat<total_bits, exp_bits>: total_bits in [3, 8], exp_bits in
 * [1, total_bits - 2]; exp_bias in [-1000, 900]. Other values are not checked
 * and give unspecified codes. */
typedef struct {
    int total_bits, exp_bits;
} eb_af_format;

/* Nearest code, bit-identical to num::af_encode((double)x, fmt, exp_bias):
 * ties away from zero, saturation to +-max (also for +-inf), code 0 for zero,
 * -0 and anything rounding to zero, 2^exp_bias (the zero code's value) to the
 * smallest non-zero magnitude. NaN gives code 0 (the C++ library throws). */
uint8_t eb_k_af_encode(float x, eb_af_format f, int exp_bias);
/* Code -> value, equal to (float)num::af_decode(code, fmt, exp_bias). Bits of
 * `code` above total_bits are ignored (the C++ library throws). */
float eb_k_af_decode(uint8_t code, eb_af_format f, int exp_bias);
/* = num::af_choose_exp_bias(max_abs, fmt, BiasRange{bias_min, bias_max}):
 * puts max_abs in the top exponent code, then clamps to [bias_min, bias_max]
 * (bias_min <= bias_max). max_abs == 0 behaves as 1; a negative or NaN max_abs
 * also behaves as 1 and +inf clamps to bias_max (the C++ library throws). */
int eb_k_af_choose_bias(float max_abs, eb_af_format f, int bias_min, int bias_max);
/* codes[i] = eb_k_af_encode(x[i], f, exp_bias). */
void eb_k_af_quantize(const float* x, size_t n, eb_af_format f, int exp_bias, uint8_t* codes);
/* x[i] = eb_k_af_decode(codes[i], f, exp_bias). */
void eb_k_af_dequantize(const uint8_t* codes, size_t n, eb_af_format f, int exp_bias, float* x);

/* ------------------------------------------------- Bitmask DRAM image --- */

/* lanes is 8, 16 or 32 (other values: unspecified). One little-endian mask
 * word of lanes/8 bytes per vector, bit i set when lane i's code is non-zero
 * ((code & magnitude_mask) != 0). Input rows: row k byte i is lane i's k-th
 * non-zero code, 0x00 where lane i has fewer than k + 1 non-zeros. */

/* vectors * lanes / 8. */
size_t eb_k_bitmask_mask_bytes(size_t vectors, int lanes);
/* codes: vectors * lanes bytes, vector-major. Writes eb_k_bitmask_mask_bytes()
 * bytes to mask_out and depth * lanes bytes to rows_out (capacity
 * vectors * lanes); returns depth, the longest lane's non-zero count. The bytes
 * equal num::bitmask_to_dram(num::bitmask_encode(...)). */
size_t eb_k_bitmask_encode(const uint8_t* codes, size_t vectors, int lanes, uint8_t magnitude_mask,
                           uint8_t* mask_out, uint8_t* rows_out);
/* Back to vectors * lanes codes; masked-out lanes become 0x00. rows_len is
 * the number of input ROWS available (each lanes bytes; extra rows are
 * ignored). Returns 0, -1 when a lane needs more rows than rows_len, or -2
 * when a byte whose mask bit is set is 0x00 (never a non-zero code). On error
 * codes_out is partially written. */
/* The code-domain splice of tile-format activations: appends, for each of
 * `rows` rows and each of `chunks` source streams in turn, `row_vectors`
 * vectors of that stream (its mask words from smask[c] + row * row_vectors *
 * lanes/8; its lane cursors scur[c][lane], the lane's next packed code, each
 * stepping by `lanes` bytes) to the destination stream (mask words written
 * from dmask on, lane cursors dcur). Each code goes through `table` (NULL:
 * unchanged); one that maps to zero (code & magnitude_mask == 0) is dropped
 * and its mask bit cleared. No decode to dense codes, no re-encode. Advances
 * the cursors; returns the codes written. */
size_t eb_k_bitmask_splice(const uint8_t* const* smask, const uint8_t* (*scur)[EB_K_MAX_LANES], size_t chunks,
                           size_t rows, size_t row_vectors, int lanes, const uint8_t* table, uint8_t magnitude_mask, uint8_t* dmask,
                           uint8_t** dcur);
/* dst[i] = table[src[i]] for n bytes (dst may equal src). */
void eb_k_code_map(const uint8_t* table, const uint8_t* src, uint8_t* dst, size_t n);
int eb_k_bitmask_decode(const uint8_t* mask, const uint8_t* rows, size_t rows_len, size_t vectors, int lanes,
                        uint8_t* codes_out);

/* ---------------------------------------------------------------- INT8 --- */

/* max|x| / 127 in float, 1 when every element is zero (or n == 0), the
 * smallest positive float if the quotient underflows to zero: the scale of
 * num::int8_quantize_symmetric. */
float eb_k_i8_scale(const float* x, size_t n);
/* q = round-half-away(x / scale), quotient formed in double, clamped to
 * [-127, 127]: bit-identical to num::int8_quantize_symmetric's codes. */
void eb_k_i8_quantize(const float* x, size_t n, float scale, int8_t* q);
/* acc += part, saturating at INT32_MIN / INT32_MAX. */
void eb_k_i32_accumulate(int32_t* acc, const int32_t* part, size_t n);
/* y = acc * scale, product formed in double, rounded to float. */
void eb_k_i32_dequantize(const int32_t* acc, size_t n, float scale, float* y);
/* q = clamp(x >> shift, -127, 127): an arithmetic right shift (floor(x / 2^shift)),
 * then saturation; shift is clamped to [0, 31]. The systolic thesis flow's
 * conversion of an INT32 result into the next call's INT8 operand. */
void eb_k_i32_to_i8(const int32_t* x, size_t n, int shift, int8_t* q);

/* --------------------------------------------------------------- INT32 --- */

/* c (m x n) = a (m x k) * b (k x n), the published CPU baseline's naive loop:
 * for i, for j, for p: sum += a[i][p] * b[p][j] (b walked down column j, a
 * whole row of b apart per step). Arithmetic modulo 2^32 (computed in
 * uint32_t: overflow wraps, no undefined behaviour), as the baseline's int32
 * arrays did without rescaling. k <= 0 gives c = 0. c must not overlap a or b.
 * Besides INT32_MAC it charges, as memory traffic, every load of the loop: row
 * i of a once per (i, j) (working set: the row) and one 4-byte element of b per
 * multiply-accumulate, runs ldb * 4 bytes apart (working set: b's k x n
 * elements); the caller charges c's stores. */
void eb_k_matmul_i32_naive(const int32_t* a, size_t lda, const int32_t* b, size_t ldb, int32_t* c, size_t ldc, int m,
                           int n, int k);

#ifdef __cplusplus
}
#endif

#endif /* EB_KERNELS_H */
