// SFU functional model: the fixed-point units against libm over dense sweeps,
// every op against an FP64 formula on seeded random AdaptivFloat inputs,
// hand-checked cases, span-mask semantics, DVFS levels and determinism.
//
// Error bounds are the measured maxima (docs/sfu-numerics.md) with a small
// margin, so a numerics regression fails here.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/rng.hpp"
#include "hw/edgebert/functional/sfu_math.hpp"
#include "hw/edgebert/functional/sfu_ops.hpp"
#include "hw/edgebert/tile_config.hpp"
#include "hw/formats/adaptivfloat.hpp"

namespace edgebert::hw::fn {
namespace {

using num::af_decode;
using num::af_encode;

const EdgebertTileConfig kCfg{};
const num::AdaptivFloatFormat kFmt = kCfg.act_format;
constexpr double kEps = 0x1p-40;  // layer-norm eps: one LSB of the Q.40 variance

double q32(int64_t raw) { return std::ldexp(static_cast<double>(raw), -32); }

// ---------------------------------------------------------------------------
// Fixed-point units vs libm
// ---------------------------------------------------------------------------

TEST(SfuMath, ExpNegDenseSweep) {
    // Every z in [-24, 0] on a 2^-14 grid (plus an odd offset so all table
    // indices and remainders are hit), and every raw value in [-2^20, 0].
    double max_lsb = 0.0, worst = 0.0;
    auto check = [&](int64_t z) {
        const double got = q32(static_cast<int64_t>(sfu_exp_neg(z)));
        const double err = std::fabs(got - std::exp(q32(z))) * 0x1p32;
        if (err > max_lsb) {
            max_lsb = err;
            worst = q32(z);
        }
    };
    for (int64_t z = 0; z >= kSfuExpCutoffQ32; z -= (int64_t{1} << 18) + 977) check(z);
    for (int64_t z = 0; z >= -(int64_t{1} << 20); --z) check(z);
    std::printf("[sfu] exp: max |err| = %.3f LSB of UQ1.32 (at z = %.9f)\n", max_lsb, worst);
    EXPECT_LE(max_lsb, 2.5);  // measured 2.33
}

TEST(SfuMath, ExpNegEdgesAndMonotonic) {
    EXPECT_EQ(sfu_exp_neg(0), uint64_t{1} << 32);
    EXPECT_EQ(sfu_exp_neg(kSfuExpCutoffQ32 - 1), 0u);
    EXPECT_EQ(sfu_exp_neg(INT64_MIN), 0u);
    EXPECT_THROW(sfu_exp_neg(1), Error);
    // e^-ln2 = 1/2 within the measured error.
    EXPECT_NEAR(static_cast<double>(sfu_exp_neg(-static_cast<int64_t>(0xB17217F8))), 0x1p31, 3.0);
    uint64_t prev = sfu_exp_neg(0);
    for (int64_t z = -1; z >= -(int64_t{8} << 32); z -= 65521) {
        const uint64_t e = sfu_exp_neg(z);
        ASSERT_LE(e, prev) << "not monotonic at z = " << q32(z);
        prev = e;
    }
}

TEST(SfuMath, LnDenseSweep) {
    // Softmax / entropy sums S in [1, 8192] (Q.32) densely, then arguments
    // across the whole input range and several input formats.
    double max_lsb = 0.0, worst = 0.0;
    auto check = [&](uint64_t x, int frac) {
        const double ref = std::log(std::ldexp(static_cast<double>(x), -frac));
        const double err = std::fabs(q32(sfu_ln(x, frac)) - ref) * 0x1p32;
        if (err > max_lsb) {
            max_lsb = err;
            worst = std::ldexp(static_cast<double>(x), -frac);
        }
    };
    for (uint64_t x = uint64_t{1} << 32; x <= uint64_t{1} << 45; x += (x >> 18) + 12345) check(x, 32);
    for (uint64_t x = 1; x < (uint64_t{1} << 62); x += (x >> 12) + 1) {
        for (int frac : {0, 16, 40, 62}) check(x, frac);
    }
    std::printf("[sfu] ln: max |err| = %.3f LSB of Q.32 (at x = %.9g)\n", max_lsb, worst);
    EXPECT_LE(max_lsb, 2.0);  // measured 1.71
}

TEST(SfuMath, LnEdges) {
    EXPECT_EQ(sfu_ln(uint64_t{1} << 32, 32), 0);  // ln 1 = 0 exactly
    EXPECT_NEAR(static_cast<double>(sfu_ln(2, 0)), 0xB17217F8, 1.0);
    EXPECT_NEAR(q32(sfu_ln(1, 40)), -40 * std::log(2.0), 2e-9);
    EXPECT_NEAR(q32(sfu_ln(~uint64_t{0}, 0)), 64 * std::log(2.0), 2e-9);
    EXPECT_THROW(sfu_ln(0, 32), Error);
    EXPECT_THROW(sfu_ln(1, 65), Error);
}

TEST(SfuMath, RsqrtDenseSweep) {
    // v in Q.40 from 2^-40 (the eps) to 2^13: the layer-norm variance range.
    double max_ulp = 0.0, worst = 0.0;
    for (uint64_t v = 1; v < (uint64_t{1} << 53); v += (v >> 16) + 1) {
        const SfuNorm r = sfu_rsqrt(v, 40);
        ASSERT_GT(r.mant, uint64_t{1} << 30);
        ASSERT_LE(r.mant, uint64_t{1} << 31);
        const double ref = 1.0 / std::sqrt(std::ldexp(static_cast<double>(v), -40));
        const double ulp = std::fabs(r.value() - ref) / ref * 0x1p31;  // units of 2^-31 relative
        if (ulp > max_ulp) {
            max_ulp = ulp;
            worst = std::ldexp(static_cast<double>(v), -40);
        }
    }
    std::printf("[sfu] rsqrt: max rel err = %.3f x 2^-31 (at v = %.9g)\n", max_ulp, worst);
    EXPECT_LE(max_ulp, 2.2);  // measured 1.82
}

TEST(SfuMath, RsqrtEdges) {
    EXPECT_DOUBLE_EQ(sfu_rsqrt(1, 0).value(), 1.0);
    EXPECT_DOUBLE_EQ(sfu_rsqrt(4, 0).value(), 0.5);
    EXPECT_DOUBLE_EQ(sfu_rsqrt(1, 40).value(), 0x1p20);
    EXPECT_NEAR(sfu_rsqrt(~uint64_t{0}, 0).value(), 0x1p-32, 0x1p-62);  // rounds to 2^64
    EXPECT_THROW(sfu_rsqrt(0, 40), Error);
}

TEST(SfuMath, DivIsCorrectlyRounded) {
    Rng rng(11);
    for (int it = 0; it < 20000; ++it) {
        const uint64_t num = rng.next_u64() >> rng.uniform_int(22, 63);
        const uint64_t den = (rng.next_u64() >> rng.uniform_int(22, 63)) + 1;
        const int frac = static_cast<int>(rng.uniform_int(0, 20));
        const uint64_t got = sfu_div(num, den, frac);
        // num * 2^frac < 2^62: check |got * den - num 2^frac| <= den / 2, ties up.
        const uint64_t n2 = num << frac;
        const uint64_t lo = n2 / den;
        const uint64_t rem = n2 % den;
        ASSERT_EQ(got, lo + (2 * rem >= den ? 1 : 0)) << num << " / " << den << " frac " << frac;
    }
    EXPECT_EQ(sfu_div(1, 3, 64), 0x5555555555555555u);
    EXPECT_EQ(sfu_div(1, 2, 0), 1u);  // tie rounds up
    EXPECT_THROW(sfu_div(1, 0, 0), Error);
    EXPECT_THROW(sfu_div(1, 1, 64), Error);  // quotient 2^64 does not fit
    EXPECT_THROW(sfu_div(1, 1, 65), Error);
}

TEST(SfuMath, RecipIsCorrectlyRounded) {
    Rng rng(12);
    for (int it = 0; it < 20000; ++it) {
        const uint64_t x = (rng.next_u64() >> rng.uniform_int(1, 63)) | 1u;
        const SfuNorm r = sfu_recip(x, 32);
        const double ref = 1.0 / std::ldexp(static_cast<double>(x), -32);
        ASSERT_LE(std::fabs(r.value() - ref) / ref, 0x1p-31 * 1.0001) << x;
    }
    EXPECT_DOUBLE_EQ(sfu_recip(1, 0).value(), 1.0);
    EXPECT_DOUBLE_EQ(sfu_recip(3, 0).value(), std::ldexp(std::round(0x1p32 / 3.0), -32));
    EXPECT_THROW(sfu_recip(0, 0), Error);
}

// ---------------------------------------------------------------------------
// Helpers for the ops
// ---------------------------------------------------------------------------

// Signed position of a code on the number line (adjacent representable values
// differ by 1), so |ord(a) - ord(b)| is the distance in output-format steps.
int ordinal(uint8_t code) {
    const int mag = code & kFmt.magnitude_mask();
    return (code & kFmt.sign_bit()) ? -mag : mag;
}

struct UlpStats {
    size_t n = 0, exact = 0, within1 = 0;
    int max = 0;
    void add(uint8_t got, uint8_t ref) {
        const int d = std::abs(ordinal(got) - ordinal(ref));
        ++n;
        exact += d == 0;
        within1 += d <= 1;
        max = std::max(max, d);
    }
    double exact_frac() const { return n ? static_cast<double>(exact) / n : 1.0; }
    double within1_frac() const { return n ? static_cast<double>(within1) / n : 1.0; }
    void print(const char* what) const {
        std::printf("[sfu] %s: %zu outputs, %.5f%% exact, %.5f%% within 1 step, max %d steps\n",
                    what, n, 100.0 * exact_frac(), 100.0 * within1_frac(), max);
    }
};

int bias_for(double max_abs) { return num::af_choose_exp_bias(max_abs, kFmt, kCfg.bias_range); }

// Quantize with a bias chosen for the data; returns codes and the bias.
std::vector<uint8_t> quantize(const std::vector<double>& v, int* bias) {
    double m = 0.0;
    for (double x : v) m = std::max(m, std::fabs(x));
    *bias = bias_for(m);
    std::vector<uint8_t> c(v.size());
    for (size_t k = 0; k < v.size(); ++k) c[k] = af_encode(v[k], kFmt, *bias);
    return c;
}

std::vector<double> decode(const std::vector<uint8_t>& c, int bias) {
    std::vector<double> v(c.size());
    for (size_t k = 0; k < c.size(); ++k) v[k] = af_decode(c[k], kFmt, bias);
    return v;
}

// Bell-shaped values from exact IEEE arithmetic only (no libm), so the inputs
// are identical on every platform: centre + scale * (u1 + u2 + u3 - 1.5).
double bell(Rng& rng, double centre, double scale) {
    return centre + scale * (rng.uniform() + rng.uniform() + rng.uniform() - 1.5);
}

struct Shape {
    int rows, row_len;
};
const std::vector<Shape> kShapes = {{1, 16}, {3, 48}, {8, 128}, {128, 128}, {5, 512}, {16, 1024},
                                    {128, 1024}};

// FP64 references -----------------------------------------------------------

std::vector<double> ref_layer_norm(const std::vector<double>& x, int rows, int n,
                                   const std::vector<double>& g, const std::vector<double>& b) {
    std::vector<double> y(x.size());
    for (int r = 0; r < rows; ++r) {
        const double* xr = &x[static_cast<size_t>(r) * n];
        double mean = 0.0, var = 0.0;
        for (int j = 0; j < n; ++j) mean += xr[j];
        mean /= n;
        for (int j = 0; j < n; ++j) var += (xr[j] - mean) * (xr[j] - mean);
        var /= n;
        const double inv = 1.0 / std::sqrt(var + kEps);
        for (int j = 0; j < n; ++j) y[static_cast<size_t>(r) * n + j] = (xr[j] - mean) * inv * g[j] + b[j];
    }
    return y;
}

// y_ij = M(|i-j|) p_ij / sum_j M(|i-j|) p_ij, p = softmax(x_i); zeros if the masked sum is 0.
std::vector<double> ref_softmax(const std::vector<double>& x, int rows, int n,
                                const std::vector<double>& mask, int row_offset) {
    std::vector<double> y(x.size(), 0.0);
    for (int r = 0; r < rows; ++r) {
        const double* xr = &x[static_cast<size_t>(r) * n];
        const int i = r + row_offset;
        double mx = xr[0];
        for (int j = 1; j < n; ++j) mx = std::max(mx, xr[j]);
        double s = 0.0, w = 0.0;
        std::vector<double> mp(n);
        for (int j = 0; j < n; ++j) s += std::exp(xr[j] - mx);
        for (int j = 0; j < n; ++j) {
            const double m = std::max(0.0, mask[std::min(std::abs(i - j), n - 1)]);
            mp[j] = m * std::exp(xr[j] - mx) / s;
            w += mp[j];
        }
        if (w == 0.0) continue;
        for (int j = 0; j < n; ++j) y[static_cast<size_t>(r) * n + j] = mp[j] / w;
    }
    return y;
}

double ref_entropy(const double* x, int n) {
    double mx = x[0];
    for (int j = 1; j < n; ++j) mx = std::max(mx, x[j]);
    double s = 0.0, q = 0.0;
    for (int j = 0; j < n; ++j) {
        const double z = x[j] - mx;
        s += std::exp(z);
        q += z * std::exp(z);
    }
    return std::log(s) - q / s;
}

int ref_q10(double h) { return static_cast<int>(std::clamp(std::floor(h * 1024.0 + 0.5), 0.0, 65535.0)); }

// EdgeBERT's span mask M(d) = clamp((R + z - d) / R, 0, 1).
std::vector<double> span_values(int n, double span, double ramp) {
    std::vector<double> m(n);
    for (int d = 0; d < n; ++d) m[d] = std::clamp((ramp + span - d) / ramp, 0.0, 1.0);
    return m;
}

// ---------------------------------------------------------------------------
// Ops vs FP64
// ---------------------------------------------------------------------------

TEST(SfuLayerNorm, MatchesFp64OnRandomShapes) {
    Rng rng(101);
    UlpStats st;
    for (const Shape& s : kShapes) {
        for (int variant = 0; variant < 3; ++variant) {
            const size_t total = static_cast<size_t>(s.rows) * s.row_len;
            // Centred, offset (mean >> std) and wide-range rows.
            const double centre = variant == 1 ? 12.0 : 0.0;
            const double scale = variant == 0 ? 2.0 : variant == 1 ? 1.0 : 40.0;
            std::vector<double> xv(total), gv(s.row_len), bv(s.row_len);
            for (double& v : xv) v = bell(rng, centre, scale);
            for (double& v : gv) v = 0.5 + rng.uniform();
            for (double& v : bv) v = rng.uniform() - 0.5;
            int xb = 0, gb = 0, bb = 0;
            const auto xc = quantize(xv, &xb), gc = quantize(gv, &gb), bc = quantize(bv, &bb);
            const auto ref = ref_layer_norm(decode(xc, xb), s.rows, s.row_len, decode(gc, gb),
                                            decode(bc, bb));
            double ymax = 0.0;
            for (double y : ref) ymax = std::max(ymax, std::fabs(y));
            const int ob = bias_for(ymax);
            const auto got = sfu_layer_norm(kCfg, xc.data(), xb, s.rows, s.row_len, gc.data(), gb,
                                            bc.data(), bb, ob);
            ASSERT_EQ(got.size(), total);
            for (size_t k = 0; k < total; ++k) st.add(got[k], af_encode(ref[k], kFmt, ob));
        }
    }
    st.print("layer norm");
    EXPECT_GE(st.exact_frac(), 0.99999);  // measured: all 502752 exact
    EXPECT_LE(st.max, 1);
}

TEST(SfuSoftmax, MatchesFp64OnRandomShapesAndMasks) {
    Rng rng(202);
    UlpStats st;
    for (const Shape& s : kShapes) {
        for (int variant = 0; variant < 4; ++variant) {
            const size_t total = static_cast<size_t>(s.rows) * s.row_len;
            const double scale = variant == 0 ? 2.0 : variant == 1 ? 8.0 : 30.0;
            std::vector<double> xv(total);
            for (double& v : xv) v = bell(rng, 0.0, scale);
            // Masks: all ones, a span ramp, a short hard span, random weights.
            std::vector<double> mv;
            if (variant == 0) mv.assign(s.row_len, 1.0);
            if (variant == 1) mv = span_values(s.row_len, s.row_len / 4.0, 8.0);
            if (variant == 2) mv = span_values(s.row_len, 3.0, 1.0);
            if (variant == 3) {
                mv.resize(s.row_len);
                for (double& v : mv) v = rng.uniform() < 0.3 ? 0.0 : rng.uniform();
                mv[0] = 1.0;
            }
            const int row_offset = variant == 2 ? static_cast<int>(rng.uniform_int(0, 40)) : 0;
            int xb = 0, mb = 0;
            const auto xc = quantize(xv, &xb);
            const auto mc = quantize(mv, &mb);
            const int ob = -7;  // [2^-7 * 17/16, 1.9375]: holds 1.0
            const auto ref = ref_softmax(decode(xc, xb), s.rows, s.row_len, decode(mc, mb), row_offset);
            const auto got = sfu_softmax(kCfg, xc.data(), xb, s.rows, s.row_len, mc.data(), mb, ob,
                                         row_offset);
            ASSERT_EQ(got.size(), total);
            for (size_t k = 0; k < total; ++k) st.add(got[k], af_encode(ref[k], kFmt, ob));
        }
    }
    st.print("softmax");
    EXPECT_GE(st.exact_frac(), 0.99999);  // measured: all 670336 exact
    EXPECT_LE(st.max, 1);
}

TEST(SfuEntropy, MatchesFp64OnRandomShapes) {
    Rng rng(303);
    size_t n = 0, exact = 0;
    int max_diff = 0;
    for (const Shape& s : kShapes) {
        for (double scale : {0.5, 4.0, 16.0, 60.0}) {
            const size_t total = static_cast<size_t>(s.rows) * s.row_len;
            std::vector<double> xv(total);
            for (double& v : xv) v = bell(rng, 0.0, scale);
            int xb = 0;
            const auto xc = quantize(xv, &xb);
            const auto x = decode(xc, xb);
            const auto got = sfu_entropy(kCfg, xc.data(), xb, s.rows, s.row_len, 0);
            ASSERT_EQ(got.h_q10.size(), static_cast<size_t>(s.rows));
            for (int r = 0; r < s.rows; ++r) {
                const int ref = ref_q10(ref_entropy(&x[static_cast<size_t>(r) * s.row_len], s.row_len));
                const int d = std::abs(static_cast<int>(got.h_q10[r]) - ref);
                ++n;
                exact += d == 0;
                max_diff = std::max(max_diff, d);
            }
        }
    }
    std::printf("[sfu] entropy: %zu rows, %.3f%% exact Q6.10, max %d LSB\n", n,
                100.0 * static_cast<double>(exact) / n, max_diff);
    EXPECT_GE(static_cast<double>(exact) / n, 0.999);  // measured: all 1156 exact
    EXPECT_LE(max_diff, 1);
}

TEST(SfuElementAdd, ExhaustiveIsCorrectlyRounded) {
    // Every pair of codes, for a spread of operand / output biases: the sum is
    // exact, so the result must equal af_encode of the exact FP64 sum.
    const int codes = 1 << kFmt.total_bits;
    std::vector<uint8_t> a, b;
    for (int i = 0; i < codes; ++i) {
        for (int j = 0; j < codes; ++j) {
            a.push_back(static_cast<uint8_t>(i));
            b.push_back(static_cast<uint8_t>(j));
        }
    }
    for (auto [ab, bb, ob] : {std::tuple{-10, -10, -10}, {-3, -10, -3}, {-7, -5, -6}, {-4, -9, -10}}) {
        const auto got = sfu_element_add(kCfg, a.data(), ab, b.data(), bb, static_cast<int>(a.size()), ob);
        for (size_t k = 0; k < a.size(); ++k) {
            const double ref = af_decode(a[k], kFmt, ab) + af_decode(b[k], kFmt, bb);
            ASSERT_EQ(got[k], af_encode(ref, kFmt, ob)) << "a " << int(a[k]) << " b " << int(b[k]);
        }
    }
}

TEST(SfuStress, UniformRandomCodesAndBiases) {
    // Every code equally likely (values from 2^-14 to 31, both signs), random
    // biases for every operand, near-constant rows, masks down to the smallest
    // weight: the extremes of the operand range, still against FP64.
    Rng rng(404);
    UlpStats ln, sm;
    auto code = [&] { return static_cast<uint8_t>(rng.next_u64() & 0xFF); };
    auto bias = [&] { return static_cast<int>(rng.uniform_int(kCfg.bias_range.min, kCfg.bias_range.max)); };
    for (int it = 0; it < 48; ++it) {
        const int rows = static_cast<int>(rng.uniform_int(1, 6));
        const int n = 16 * static_cast<int>(rng.uniform_int(1, it % 8 == 0 ? 256 : 32));
        const int xb = bias(), gb = bias(), bb = bias(), mb = bias(), ob = bias();
        std::vector<uint8_t> x(static_cast<size_t>(rows) * n), g(n), b(n), m(n);
        for (auto& c : x) c = (it % 4 == 1 && rng.uniform() < 0.9) ? x[0] : code();
        for (auto& c : g) c = code();
        for (auto& c : b) c = code();
        for (auto& c : m) {
            c = rng.uniform() < 0.5 ? 0 : code() & 0x7F;
            if (it % 4 == 2) c = rng.uniform() < 0.2 ? 1 : 0;  // smallest positive weight
        }
        const auto xd = decode(x, xb), md = decode(m, mb);
        const auto y = sfu_layer_norm(kCfg, x.data(), xb, rows, n, g.data(), gb, b.data(), bb, ob);
        const auto ry = ref_layer_norm(xd, rows, n, decode(g, gb), decode(b, bb));
        for (size_t k = 0; k < y.size(); ++k) ln.add(y[k], af_encode(ry[k], kFmt, ob));
        const int off = static_cast<int>(rng.uniform_int(0, 50));
        const auto s = sfu_softmax(kCfg, x.data(), xb, rows, n, m.data(), mb, ob, off);
        const auto rs = ref_softmax(xd, rows, n, md, off);
        for (size_t k = 0; k < s.size(); ++k) sm.add(s[k], af_encode(rs[k], kFmt, ob));
    }
    ln.print("layer norm, random codes");
    sm.print("softmax, random codes");
    EXPECT_GE(ln.exact_frac(), 0.99999);  // measured: all 76688 exact
    EXPECT_LE(ln.max, 1);
    EXPECT_GE(sm.exact_frac(), 0.99999);  // measured: all 76688 exact
    EXPECT_LE(sm.max, 1);
}

// ---------------------------------------------------------------------------
// Hand-checked cases
// ---------------------------------------------------------------------------

TEST(SfuSoftmax, UniformRowGivesEqualProbabilities) {
    const std::vector<uint8_t> ones(64, af_encode(1.0, kFmt, -7));
    for (int n : {16, 32, 64}) {
        for (double v : {-3.0, 0.0, 2.5, 31.0}) {
            const std::vector<uint8_t> x(2 * n, af_encode(v, kFmt, -3));
            const auto y = sfu_softmax(kCfg, x.data(), -3, 2, n, ones.data(), -7, -10);
            for (uint8_t c : y) ASSERT_EQ(c, af_encode(1.0 / n, kFmt, -10)) << n << " " << v;
        }
    }
}

TEST(SfuEntropy, HandCheckedRows) {
    // Two equal logits, the other 14 so low that e^z rounds to 0: H = ln 2.
    std::vector<uint8_t> x(16, af_encode(-15.5, kFmt, -3));
    x[3] = x[9] = af_encode(15.5, kFmt, -3);
    EntropyResult r = sfu_entropy(kCfg, x.data(), -3, 1, 16, 710);
    ASSERT_EQ(r.h_q10.size(), 1u);
    EXPECT_NEAR(r.h_q10[0], 710, 1);  // ln 2 * 1024 = 709.78
    EXPECT_EQ(r.h_q10[0], 710);
    EXPECT_TRUE(r.exit);
    EXPECT_FALSE(sfu_entropy(kCfg, x.data(), -3, 1, 16, 709).exit);
    // A uniform row of 16: ln 16 = 2.7726 -> 2839; a one-hot row: 0.
    const std::vector<uint8_t> u(16, af_encode(1.0, kFmt, -3));
    EXPECT_EQ(sfu_entropy(kCfg, u.data(), -3, 1, 16, 0).h_q10[0], 2839);
    std::vector<uint8_t> hot(16, af_encode(-31.0, kFmt, -3));
    hot[0] = af_encode(31.0, kFmt, -3);
    EXPECT_EQ(sfu_entropy(kCfg, hot.data(), -3, 1, 16, 0).h_q10[0], 0);
    // exit needs every row below the threshold.
    std::vector<uint8_t> two = hot;
    two.insert(two.end(), u.begin(), u.end());
    EXPECT_FALSE(sfu_entropy(kCfg, two.data(), -3, 2, 16, 2838).exit);
    EXPECT_TRUE(sfu_entropy(kCfg, two.data(), -3, 2, 16, 2839).exit);
}

TEST(SfuLayerNorm, ConstantRowGivesBeta) {
    Rng rng(7);
    for (double c : {0.0, -2.5, 7.0, 31.0}) {
        const int n = 32;
        const std::vector<uint8_t> x(3 * n, af_encode(c, kFmt, -3));
        std::vector<uint8_t> g(n), b(n);
        for (int j = 0; j < n; ++j) {
            g[j] = af_encode(rng.uniform() * 4 - 2, kFmt, -5);
            b[j] = af_encode(rng.uniform() * 2 - 1, kFmt, -6);
        }
        const auto y = sfu_layer_norm(kCfg, x.data(), -3, 3, n, g.data(), -5, b.data(), -6, -7);
        for (int k = 0; k < 3 * n; ++k) {
            ASSERT_EQ(y[k], af_encode(af_decode(b[k % n], kFmt, -6), kFmt, -7)) << c << " " << k;
        }
    }
}

TEST(SfuLayerNorm, AlternatingRowIsUnitNormal) {
    // +-a alternating: mean 0, var a^2, so y = sign * gamma + beta (to the eps).
    const int n = 16;
    std::vector<uint8_t> x(n), g(n, af_encode(1.5, kFmt, -5)), b(n, af_encode(0.25, kFmt, -5));
    for (int j = 0; j < n; ++j) x[j] = af_encode(j % 2 ? 3.0 : -3.0, kFmt, -3);
    const auto y = sfu_layer_norm(kCfg, x.data(), -3, 1, n, g.data(), -5, b.data(), -5, -5);
    for (int j = 0; j < n; ++j) EXPECT_EQ(af_decode(y[j], kFmt, -5), j % 2 ? 1.75 : -1.25) << j;
}

// ---------------------------------------------------------------------------
// Span-mask semantics
// ---------------------------------------------------------------------------

struct SoftmaxCase {
    int rows = 8, n = 64, xb = 0;
    std::vector<uint8_t> x;
    SoftmaxCase() {
        Rng rng(55);
        std::vector<double> v(static_cast<size_t>(rows) * n);
        for (double& e : v) e = bell(rng, 0.0, 6.0);
        x = quantize(v, &xb);
    }
    std::vector<uint8_t> run(const std::vector<uint8_t>& mask, int mask_bias, int row_offset = 0) const {
        return sfu_softmax(kCfg, x.data(), xb, rows, n, mask.data(), mask_bias, -7, row_offset);
    }
};

TEST(SfuSpanMask, AllOnesEqualsPlainSoftmax) {
    const SoftmaxCase sc;
    const std::vector<uint8_t> ones(sc.n, af_encode(1.0, kFmt, -7));
    const auto y = sc.run(ones, -7);
    const auto ref = ref_softmax(decode(sc.x, sc.xb), sc.rows, sc.n, std::vector<double>(sc.n, 1.0), 0);
    for (size_t k = 0; k < y.size(); ++k) EXPECT_EQ(y[k], af_encode(ref[k], kFmt, -7)) << k;
    // A constant power-of-two mask renormalises to bit-identical outputs.
    EXPECT_EQ(sc.run(std::vector<uint8_t>(sc.n, af_encode(2.0, kFmt, -7)), -7), y);
    EXPECT_EQ(sc.run(std::vector<uint8_t>(sc.n, af_encode(0.25, kFmt, -10)), -10), y);
    EXPECT_FALSE(span_mask_all_zero(kCfg, ones.data(), sc.n));
}

TEST(SfuSpanMask, AllZeroMaskGivesZeros) {
    const SoftmaxCase sc;
    const std::vector<uint8_t> zeros(sc.n, 0);
    EXPECT_TRUE(span_mask_all_zero(kCfg, zeros.data(), sc.n));
    const auto y = sc.run(zeros, -7);
    EXPECT_EQ(y, std::vector<uint8_t>(y.size(), 0));
    // Negative weights act as zero (the span mask is clamped to [0, 1]).
    const std::vector<uint8_t> neg(sc.n, af_encode(-0.5, kFmt, -7));
    EXPECT_TRUE(span_mask_all_zero(kCfg, neg.data(), sc.n));
    EXPECT_EQ(sc.run(neg, -7), y);
}

TEST(SfuSpanMask, ZeroBeyondDistanceZeroesExactlyThoseAndRenormalises) {
    const SoftmaxCase sc;
    const auto x = decode(sc.x, sc.xb);
    for (int dmax : {0, 1, 5, 20}) {
        for (int row_offset : {0, 3, 30, 100}) {
            std::vector<double> mv(sc.n, 0.0);
            for (int d = 0; d <= dmax; ++d) mv[d] = 1.0;
            int mb = 0;
            const auto mc = quantize(mv, &mb);
            const auto y = sc.run(mc, mb, row_offset);
            const auto ref = ref_softmax(x, sc.rows, sc.n, mv, row_offset);
            for (int r = 0; r < sc.rows; ++r) {
                const int i = r + row_offset;
                double sum = 0.0;
                for (int j = 0; j < sc.n; ++j) {
                    const size_t k = static_cast<size_t>(r) * sc.n + j;
                    const bool in_span = std::min(std::abs(i - j), sc.n - 1) <= dmax;
                    if (!in_span) {
                        ASSERT_EQ(y[k], 0) << "row " << i << " col " << j << " d " << dmax;
                        continue;
                    }
                    ASSERT_EQ(y[k], af_encode(ref[k], kFmt, -7)) << "row " << i << " col " << j;
                    sum += af_decode(y[k], kFmt, -7);
                }
                // Renormalised over the window (rows beyond it: whole row masked -> zeros).
                if (sum > 0) {
                    EXPECT_NEAR(sum, 1.0, 0.03 * (dmax + 1)) << i;
                }
            }
        }
    }
}

TEST(SfuSpanMask, MaskedMaximumStaysAccurate) {
    // The row maximum is outside the span and the window's logits are 40 below
    // it: the window must still get a properly normalised distribution.
    const int n = 16;
    std::vector<uint8_t> x(n, af_encode(-20.0, kFmt, -3)), m(n, 0);
    x[15] = af_encode(20.0, kFmt, -3);
    x[1] = af_encode(-19.0, kFmt, -3);
    m[0] = m[1] = af_encode(1.0, kFmt, -7);
    const auto y = sfu_softmax(kCfg, x.data(), -3, 1, n, m.data(), -7, -7);
    const double e = std::exp(1.0);
    EXPECT_EQ(y[0], af_encode(1.0 / (1.0 + e), kFmt, -7));
    EXPECT_EQ(y[1], af_encode(e / (1.0 + e), kFmt, -7));
    for (int j = 2; j < n; ++j) EXPECT_EQ(y[j], 0) << j;
}

// ---------------------------------------------------------------------------
// DVFS level selection
// ---------------------------------------------------------------------------

TEST(SfuDvfs, LevelBoundaries) {
    // key = (H << 8) / scale against 256, 512, 1024, ..., 28672.
    EXPECT_EQ(dvfs_level(kCfg, 0, 1), 0);        // key 0, below the first
    EXPECT_EQ(dvfs_level(kCfg, 1, 2), 0);        // key 128
    EXPECT_EQ(dvfs_level(kCfg, 3, 4), 0);        // key 192 (floor division)
    EXPECT_EQ(dvfs_level(kCfg, 1, 1), 1);        // key 256: exactly the first threshold
    EXPECT_EQ(dvfs_level(kCfg, 3, 3), 1);        // key 256
    EXPECT_EQ(dvfs_level(kCfg, 2, 1), 2);        // key 512: exactly the second
    EXPECT_EQ(dvfs_level(kCfg, 111, 1), 14);     // key 28416 < 28672
    EXPECT_EQ(dvfs_level(kCfg, 112, 1), 15);     // key 28672: exactly the last
    EXPECT_EQ(dvfs_level(kCfg, 65535, 1), 15);   // far above the last
    EXPECT_EQ(dvfs_level(kCfg, 65535, 255), 15); // key 65792
    EXPECT_EQ(dvfs_level(kCfg, 28672, 255), 15); // key 28784
    EXPECT_EQ(dvfs_level(kCfg, 28559, 255), 14); // key 28670.99 -> 28670
    EXPECT_EQ(dvfs_level(kCfg, 28560, 255), 15); // key exactly 28672
    for (size_t t = 0; t < kCfg.dvfs_thresholds.size(); ++t) {
        const uint32_t th = kCfg.dvfs_thresholds[t];
        ASSERT_EQ(th % 256, 0u);
        const auto h = static_cast<uint16_t>(th / 256);
        EXPECT_EQ(dvfs_level(kCfg, h, 1), static_cast<int>(t) + 1) << th;
        EXPECT_EQ(dvfs_level(kCfg, static_cast<uint16_t>(2 * h - 1), 2), static_cast<int>(t)) << th;
    }
}

TEST(SfuDvfs, ScaleOutsideOneTo255Throws) {
    EXPECT_THROW(dvfs_level(kCfg, 100, 0), Error);
    EXPECT_THROW(dvfs_level(kCfg, 100, -1), Error);
    EXPECT_THROW(dvfs_level(kCfg, 100, 256), Error);
}

// ---------------------------------------------------------------------------
// Determinism and argument validation
// ---------------------------------------------------------------------------

uint64_t fnv(const std::vector<uint8_t>& v, uint64_t h = 0xCBF29CE484222325ull) {
    for (uint8_t c : v) h = (h ^ c) * 0x100000001B3ull;
    return h;
}

TEST(SfuDeterminism, SameInputsSameOutputsAndGoldenChecksum) {
    // Inputs straight from the integer RNG (no floating point), so the
    // checksum below is the same on every platform and compiler.
    Rng rng(909);
    const int rows = 16, n = 256;
    auto codes = [&](size_t count, uint64_t magnitude_mask) {
        std::vector<uint8_t> c(count);
        for (auto& v : c) v = static_cast<uint8_t>(rng.next_u64() & magnitude_mask);
        return c;
    };
    const int xb = -5, gb = -7, bb = -8, mb = -7;
    const auto xc = codes(static_cast<size_t>(rows) * n, 0xFF), gc = codes(n, 0x7F), bc = codes(n, 0xFF);
    auto mc = codes(n, 0x7F);
    for (int d = 48; d < n; ++d) mc[d] = 0;  // a span of 48
    auto run = [&] {
        auto a = sfu_layer_norm(kCfg, xc.data(), xb, rows, n, gc.data(), gb, bc.data(), bb, -6);
        auto s = sfu_softmax(kCfg, xc.data(), xb, rows, n, mc.data(), mb, -8, 7);
        auto e = sfu_entropy(kCfg, xc.data(), xb, rows, n, 3000);
        auto d = sfu_element_add(kCfg, xc.data(), xb, a.data(), -6, rows * n, -4);
        std::vector<uint8_t> all = a;
        all.insert(all.end(), s.begin(), s.end());
        all.insert(all.end(), d.begin(), d.end());
        for (uint16_t h : e.h_q10) {
            all.push_back(static_cast<uint8_t>(h));
            all.push_back(static_cast<uint8_t>(h >> 8));
        }
        return all;
    };
    const auto first = run();
    EXPECT_EQ(run(), first);
    const auto softmax_nonzero = std::count_if(first.begin() + rows * n, first.begin() + 2 * rows * n,
                                               [](uint8_t c) { return c != 0; });
    EXPECT_GT(softmax_nonzero, rows * 8);  // the checksum covers real outputs, not zeros
    // Bit-exact across platforms and builds: changing any datapath rounding
    // changes this number (update it deliberately, with docs/sfu-numerics.md).
    std::printf("[sfu] golden checksum %016llx\n", static_cast<unsigned long long>(fnv(first)));
    EXPECT_EQ(fnv(first), 0x2FEFA42F14EB4D71ull);
}

TEST(SfuValidation, RejectsBadArguments) {
    const std::vector<uint8_t> v(2048, 0x30);
    const uint8_t* p = v.data();
    EXPECT_THROW(sfu_layer_norm(kCfg, p, -3, 0, 16, p, -3, p, -3, -3), ShapeError);
    EXPECT_THROW(sfu_layer_norm(kCfg, p, -3, 1, 24, p, -3, p, -3, -3), ShapeError);
    EXPECT_THROW(sfu_layer_norm(kCfg, p, -3, 1, 0, p, -3, p, -3, -3), ShapeError);
    EXPECT_THROW(sfu_layer_norm(kCfg, p, -3, 1, 8208, p, -3, p, -3, -3), ShapeError);
    EXPECT_THROW(sfu_layer_norm(kCfg, nullptr, -3, 1, 16, p, -3, p, -3, -3), ShapeError);
    EXPECT_THROW(sfu_layer_norm(kCfg, p, -11, 1, 16, p, -3, p, -3, -3), ConfigError);
    EXPECT_THROW(sfu_layer_norm(kCfg, p, -3, 1, 16, p, -2, p, -3, -3), ConfigError);
    EXPECT_THROW(sfu_layer_norm(kCfg, p, -3, 1, 16, p, -3, p, -3, 0), ConfigError);
    EXPECT_THROW(sfu_softmax(kCfg, p, -3, 1, 17, p, -3, -3), ShapeError);
    EXPECT_THROW(sfu_softmax(kCfg, p, -3, 1, 16, p, -3, -3, -1), ShapeError);
    EXPECT_THROW(sfu_softmax(kCfg, p, -3, 1, 16, p, -12, -3), ConfigError);
    EXPECT_THROW(sfu_entropy(kCfg, p, -3, -1, 16, 0), ShapeError);
    EXPECT_THROW(sfu_entropy(kCfg, p, 5, 1, 16, 0), ConfigError);
    EXPECT_THROW(sfu_element_add(kCfg, p, -3, p, -3, 20, -3), ShapeError);
    EXPECT_THROW(span_mask_all_zero(kCfg, p, 15), ShapeError);
    try {
        sfu_softmax(kCfg, p, -3, 1, 40, p, -3, -3);
        FAIL() << "accepted row_len 40";
    } catch (const ShapeError& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("row_len = 40"), std::string::npos) << msg;
        EXPECT_NE(msg.find("[16, 8192]"), std::string::npos) << msg;
    }
    // A format the Q6.16 operand path cannot hold exactly.
    EdgebertTileConfig wide = kCfg;
    wide.act_format = {8, 4};
    EXPECT_THROW(sfu_entropy(wide, p, -3, 1, 16, 0), ConfigError);
    EdgebertTileConfig fine = kCfg;
    fine.bias_range = {-14, -3};
    EXPECT_THROW(sfu_entropy(fine, p, -3, 1, 16, 0), ConfigError);
    // Codes above the format width are rejected.
    EdgebertTileConfig af7 = kCfg;
    af7.act_format = {7, 3};
    const std::vector<uint8_t> bad(16, 0x80);
    EXPECT_THROW(sfu_entropy(af7, bad.data(), -3, 1, 16, 0), Error);
}

}  // namespace
}  // namespace edgebert::hw::fn
