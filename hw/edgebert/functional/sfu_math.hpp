// Fixed-point arithmetic units of the special-function unit (SFU): e^z for
// z <= 0, natural log, reciprocal square root and the row divider.
//
// Each is what a small hardware block would compute: range reduction (a
// leading-zero count or an integer/fraction split), a ROM of at most 128 words,
// then a short polynomial or Newton-Raphson correction, all in integer
// arithmetic with 64-bit (occasionally 128-bit, via fx_mul) products. The
// results are bit-exact on every platform; the SystemC SFU calls these same
// functions. Formats and measured errors: docs/sfu-numerics.md.
//
// Why wider than the original 16-bit Q5.10: with 10 fraction bits e^z is
// already off by 2^-11 absolute, ln(sum) by ~2^-10, so softmax outputs near an
// AdaptivFloat rounding midpoint land on the wrong code several percent of the
// time and the Q6.10 entropy is off by +-1-2 LSB. With 32 fraction bits every
// stage is ~1e-9 accurate and the only visible error is the final rounding.
#pragma once

#include <cstdint>

namespace edgebert::hw::fn {

// Argument of sfu_exp_neg: Q.32 (signed 64-bit raw, value = raw * 2^-32).
constexpr int kSfuExpInFrac = 32;
// Result of sfu_exp_neg: UQ1.32, raw in [0, 2^32].
constexpr int kSfuExpOutFrac = 32;
// Result of sfu_ln: Q.32 (signed 64-bit raw).
constexpr int kSfuLnOutFrac = 32;
// Mantissa fraction bits of the normalised results (rsqrt, reciprocal).
constexpr int kSfuNormMantFrac = 31;
// e^z below this argument rounds to 0 in UQ1.32 (e^-24 < 2^-34): the unit
// returns 0 without evaluating (a comparator in hardware).
constexpr int64_t kSfuExpCutoffQ32 = -(int64_t{24} << 32);

// A positive result with its normalisation shift, as the LZC-normalised units
// produce it: value = mant * 2^-frac, mant in (2^30, 2^31] (i.e. (0.5, 1] in
// UQ1.31). frac may be any integer.
struct SfuNorm {
    uint64_t mant = 0;
    int frac = 0;

    double value() const;  // exact (mant has 32 bits); for tests and traces
};

// round(num * 2^frac / den), ties up: a sequential restoring divider (one
// quotient bit per cycle) shared by the per-row scalars. Exact.
// Throws edgebert::Error if den == 0, den >= 2^63, frac outside [0, 64] or the
// quotient does not fit in 64 bits.
uint64_t sfu_div(uint64_t num, uint64_t den, int frac);

// e^z for z = z_q32 * 2^-32 <= 0, as UQ1.32 (raw 2^32 = 1.0).
//   t = z * log2(e) (Q.40) = I + f, I = floor(t), f in [0, 1)
//   2^f = A[f bits 39..34] * B[f bits 33..28] * (1 + a + a^2/2),
//         a = (f mod 2^-12) * ln 2      (two 64-word ROMs, UQ1.31)
//   e^z = 2^f * 2^I, rounded once into UQ1.32.
// Throws edgebert::Error if z_q32 > 0.
uint64_t sfu_exp_neg(int64_t z_q32);

// ln(x) for x = x_raw * 2^-x_frac > 0, as Q.32.
//   x = m * 2^p (LZC), m in [1, 2) rounded to UQ1.31;
//   ln m = L[j] + ln(1 + d),  1 + d = m * R[j],  j = top 7 fraction bits of m,
//   R[j] ~ 1/(1 + (j + 0.5)/128) (UQ1.31), L[j] = -ln R[j] (Q.40, both 128-word
//   ROMs), |d| <= 2^-8, ln(1 + d) ~ d - d^2/2 + d^3/3 (Q.36);
//   ln x = (p - x_frac) * ln 2 + ln m.
// Throws edgebert::Error if x_raw == 0 or x_frac is outside [-64, 64].
int64_t sfu_ln(uint64_t x_raw, int x_frac);

// 1/sqrt(v) for v = v_raw * 2^-v_frac > 0.
//   v = u * 2^(2e) (LZC, even shift), u in [1, 4) as UQ2.30;
//   y0 = linear interpolation in a 65-word ROM of 1/sqrt(u) (32 segments on
//   [1, 2), 32 on [2, 4)); two Newton-Raphson steps y <- y (3 - u y^2) / 2;
//   result mant = y (UQ1.31), frac = 31 + e.
// Throws edgebert::Error if v_raw == 0 or v_frac is outside [-64, 64].
SfuNorm sfu_rsqrt(uint64_t v_raw, int v_frac);

// 1/x for x = x_raw * 2^-x_frac > 0: the divider on the normalised operand
// (mant = round(2^93 / (x_raw << s)), correctly rounded to 31 fraction bits).
// Throws edgebert::Error if x_raw == 0 or x_raw >= 2^63.
SfuNorm sfu_recip(uint64_t x_raw, int x_frac);

}  // namespace edgebert::hw::fn
