// AdaptivFloat: exhaustive code checks, nearest-code rounding against brute
// force, bias selection, exact products and quantization error bounds.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "hw/formats/adaptivfloat.hpp"

namespace edgebert::num {
namespace {

const AdaptivFloatFormat kAf83{8, 3};
const AdaptivFloatFormat kAf42{4, 2};
// Formats swept by the exhaustive tests: the two required plus a few shapes
// that stress the field boundaries (1-bit mantissa, 1-bit exponent, wide exponent).
const std::vector<AdaptivFloatFormat> kFormats = {{8, 3}, {4, 2}, {8, 4}, {6, 3}, {3, 1}, {8, 1}};
const std::vector<int> kBiases = {-10, -7, -3, 0, 5, -40};

std::string name(const AdaptivFloatFormat& f) {
    return "AF<" + std::to_string(f.total_bits) + "," + std::to_string(f.exp_bits) + ">";
}

// Uniform 64-bit integer in [0, n) without modulo bias worth worrying about for n << 2^64.
uint64_t uniform_below(std::mt19937_64& rng, uint64_t n) { return rng() % n; }

double uniform01(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1p-53; }

double normal(std::mt19937_64& rng) {
    const double u1 = 1.0 - uniform01(rng);  // (0, 1]
    const double u2 = uniform01(rng);
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

// All distinct non-negative representable magnitudes, ascending, 0 first.
std::vector<double> magnitudes(const AdaptivFloatFormat& f, int bias) {
    std::vector<double> v;
    for (unsigned c = 0; c <= f.magnitude_mask(); ++c)
        v.push_back(af_decode(static_cast<uint8_t>(c), f, bias));
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
}

// Nearest representable value by brute force over every code; ties go to the
// larger magnitude (round half away from zero).
double brute_nearest(double x, const AdaptivFloatFormat& f, int bias) {
    double best = 0.0;
    double best_dist = std::numeric_limits<double>::infinity();
    for (unsigned c = 0; c < (1u << f.total_bits); ++c) {
        const double v = af_decode(static_cast<uint8_t>(c), f, bias);
        const double d = std::fabs(x - v);  // exact: x and v share a fine grid (see callers)
        if (d < best_dist || (d == best_dist && std::fabs(v) > std::fabs(best))) {
            best = v;
            best_dist = d;
        }
    }
    return best;
}

int exp_field(uint8_t code, const AdaptivFloatFormat& f) {
    return (code & f.magnitude_mask()) >> f.mant_bits();
}

TEST(AdaptivFloat, FormatFields) {
    EXPECT_EQ(kAf83.mant_bits(), 4);
    EXPECT_EQ(kAf83.max_exp_code(), 7);
    EXPECT_EQ(kAf83.sign_bit(), 0x80);
    EXPECT_EQ(kAf83.magnitude_mask(), 0x7F);
    EXPECT_EQ(kAf83.max_value(-10), 31.0 / 16.0 * 0x1p-3);
    EXPECT_EQ(kAf83.min_positive(-10), 17.0 / 16.0 * 0x1p-10);

    EXPECT_EQ(kAf42.mant_bits(), 1);
    EXPECT_EQ(kAf42.max_exp_code(), 3);
    EXPECT_EQ(kAf42.sign_bit(), 0x08);
    EXPECT_EQ(kAf42.magnitude_mask(), 0x07);
    EXPECT_EQ(kAf42.max_value(0), 1.5 * 8.0);
    EXPECT_EQ(kAf42.min_positive(0), 1.5);
}

TEST(AdaptivFloat, ValidateRejectsBadFormats) {
    for (auto f : {AdaptivFloatFormat{2, 1}, AdaptivFloatFormat{9, 3}}) {
        try {
            f.validate();
            FAIL() << "accepted total_bits = " << f.total_bits;
        } catch (const ConfigError& e) {
            EXPECT_NE(std::string(e.what()).find("total_bits"), std::string::npos);
            EXPECT_NE(std::string(e.what()).find("[3, 8]"), std::string::npos);
        }
    }
    EXPECT_THROW((AdaptivFloatFormat{8, 0}.validate()), ConfigError);
    try {
        AdaptivFloatFormat{8, 7}.validate();
        FAIL() << "accepted exp_bits = 7 for 8 bits";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("[1, 6]"), std::string::npos) << e.what();
    }
    EXPECT_NO_THROW((AdaptivFloatFormat{8, 6}.validate()));
    EXPECT_NO_THROW((AdaptivFloatFormat{3, 1}.validate()));
    EXPECT_THROW(af_decode(0, AdaptivFloatFormat{8, 7}, 0), ConfigError);
}

TEST(AdaptivFloat, HardwareBiasField) {
    for (int b = 0; b < 8; ++b) {
        EXPECT_EQ(exp_bias_from_hw_field(b), b - 10);
        EXPECT_EQ(hw_bias_field(b - 10), b);
    }
    for (int bad : {-11, -2, 0}) {
        try {
            hw_bias_field(bad);
            FAIL() << "accepted exp_bias " << bad;
        } catch (const ConfigError& e) {
            EXPECT_NE(std::string(e.what()).find("[-10, -3]"), std::string::npos) << e.what();
        }
    }
    EXPECT_THROW(exp_bias_from_hw_field(8), ConfigError);
    EXPECT_THROW(exp_bias_from_hw_field(-1), ConfigError);
    // A generalised register: 4-bit field covering [-20, -5].
    const BiasRange wide{-20, -5};
    EXPECT_EQ(hw_bias_field(-20, wide), 0);
    EXPECT_EQ(hw_bias_field(-5, wide), 15);
    EXPECT_EQ(exp_bias_from_hw_field(15, wide), -5);
    EXPECT_THROW(hw_bias_field(-4, wide), ConfigError);
    EXPECT_THROW(hw_bias_field(-5, BiasRange{3, 1}), ConfigError);  // min > max
}

TEST(AdaptivFloat, DecodeHandCheckedCodes) {
    // <8,3>, bias -7: code = s EEE MMMM.
    EXPECT_EQ(af_decode(0x00, kAf83, -7), 0.0);
    EXPECT_EQ(af_decode(0x80, kAf83, -7), 0.0);
    EXPECT_FALSE(std::signbit(af_decode(0x80, kAf83, -7)));
    EXPECT_EQ(af_decode(0x01, kAf83, -7), 17.0 / 16.0 * 0x1p-7);  // E=0, mant=1
    EXPECT_EQ(af_decode(0x10, kAf83, -7), 0x1p-6);                // E=1, mant=0
    EXPECT_EQ(af_decode(0x7F, kAf83, -7), 31.0 / 16.0);           // E=7, mant=15
    EXPECT_EQ(af_decode(0xFF, kAf83, -7), -31.0 / 16.0);
    EXPECT_EQ(af_decode(0xB8, kAf83, -7), -(24.0 / 16.0) * 0x1p-4);  // s=1, E=3, mant=8
    // <4,2>, bias 0: code = s EE M.
    EXPECT_EQ(af_decode(0x1, kAf42, 0), 1.5);
    EXPECT_EQ(af_decode(0x2, kAf42, 0), 2.0);
    EXPECT_EQ(af_decode(0x7, kAf42, 0), 12.0);
    EXPECT_EQ(af_decode(0xD, kAf42, 0), -6.0);  // s=1, E=2, M=1
    EXPECT_EQ(af_decode(0x8, kAf42, 0), 0.0);
    // Bits above the code width, or an unsupported bias, are errors.
    EXPECT_THROW(af_decode(0x10, kAf42, 0), Error);
    EXPECT_THROW(af_decode(0x01, kAf83, kAfMaxExpBias + 1), ConfigError);
    EXPECT_THROW(af_decode(0x01, kAf83, kAfMinExpBias - 1), ConfigError);
}

TEST(AdaptivFloat, DecodeThenEncodeIsIdentityForEveryCode) {
    for (const auto& f : kFormats) {
        for (int bias : kBiases) {
            for (unsigned c = 0; c < (1u << f.total_bits); ++c) {
                const uint8_t code = static_cast<uint8_t>(c);
                const bool zero = (code & f.magnitude_mask()) == 0;
                EXPECT_EQ(af_encode(af_decode(code, f, bias), f, bias), zero ? 0 : code)
                    << name(f) << " bias " << bias << " code " << c;
            }
        }
    }
}

TEST(AdaptivFloat, EncodeIsNearestCodeOnRandomValues) {
    std::mt19937_64 rng(0xAF83);
    for (const auto& f : kFormats) {
        for (int bias : {-10, -3, 0}) {
            const int lo_exp = bias - 3, hi_exp = bias + f.max_exp_code() + 2;
            for (int i = 0; i < 4000; ++i) {
                // Log-uniform over the format's window and beyond it on both sides,
                // with a 30-bit significand: x and every code lie on a grid fine
                // enough that every |x - v| is exact.
                const int p = lo_exp + static_cast<int>(uniform_below(rng, hi_exp - lo_exp + 1));
                const double mag =
                    std::ldexp(static_cast<double>((uint64_t{1} << 30) |
                                                   uniform_below(rng, uint64_t{1} << 30)),
                               p - 30);
                const double x = (rng() & 1) ? -mag : mag;
                const uint8_t code = af_encode(x, f, bias);
                const double want = brute_nearest(x, f, bias);
                ASSERT_EQ(af_decode(code, f, bias), want)
                    << name(f) << " bias " << bias << " x " << x;
                if (want == 0.0) {
                    ASSERT_EQ(code, 0) << "zero must encode as code 0";
                }
            }
        }
    }
}

TEST(AdaptivFloat, MidpointsRoundHalfAwayFromZero) {
    for (const auto& f : kFormats) {
        for (int bias : kBiases) {
            const std::vector<double> v = magnitudes(f, bias);
            ASSERT_EQ(v.size(), size_t{1} << (f.total_bits - 1));  // 2^(n-1)-1 non-zero + zero
            for (size_t i = 0; i + 1 < v.size(); ++i) {
                const double mid = (v[i] + v[i + 1]) / 2;  // exact
                for (double sign : {1.0, -1.0}) {
                    const double m = sign * mid;
                    EXPECT_EQ(af_decode(af_encode(m, f, bias), f, bias), sign * v[i + 1])
                        << name(f) << " bias " << bias << " tie between " << v[i] << " and "
                        << v[i + 1];
                    EXPECT_EQ(af_decode(af_encode(std::nextafter(m, 0.0), f, bias), f, bias),
                              sign * v[i]);
                    EXPECT_EQ(
                        af_decode(af_encode(std::nextafter(m, sign * 1e300), f, bias), f, bias),
                        sign * v[i + 1]);
                }
            }
            // Just below the first midpoint is zero, and zero is always code 0.
            EXPECT_EQ(af_encode(-std::nextafter(v[1] / 2, 0.0), f, bias), 0);
        }
    }
}

TEST(AdaptivFloat, SaturatesToMaxMagnitude) {
    for (const auto& f : kFormats) {
        for (int bias : kBiases) {
            const double max = f.max_value(bias);
            const uint8_t top = f.magnitude_mask();
            const uint8_t neg_top = static_cast<uint8_t>(f.sign_bit() | top);
            EXPECT_EQ(af_encode(max, f, bias), top);
            EXPECT_EQ(af_encode(max * 1.49, f, bias), top);
            EXPECT_EQ(af_encode(std::ldexp(1.0, bias + f.max_exp_code() + 1), f, bias), top);
            EXPECT_EQ(af_encode(1e300, f, bias), top);
            EXPECT_EQ(af_encode(-1e300, f, bias), neg_top);
            EXPECT_EQ(af_encode(std::numeric_limits<double>::infinity(), f, bias), top);
            EXPECT_EQ(af_encode(-std::numeric_limits<double>::infinity(), f, bias), neg_top);
        }
    }
}

TEST(AdaptivFloat, ZeroAndTinyValues) {
    for (const auto& f : kFormats) {
        for (int bias : kBiases) {
            EXPECT_EQ(af_encode(0.0, f, bias), 0);
            EXPECT_EQ(af_encode(-0.0, f, bias), 0);
            EXPECT_EQ(af_encode(std::numeric_limits<double>::denorm_min(), f, bias), 0);
            EXPECT_EQ(af_encode(-std::numeric_limits<double>::denorm_min(), f, bias), 0);
            // 2^bias is the sacrificed value: it rounds to min_positive, not to zero.
            EXPECT_EQ(af_encode(std::ldexp(1.0, bias), f, bias), 0x01);
            EXPECT_EQ(af_encode(-std::ldexp(1.0, bias), f, bias), f.sign_bit() | 0x01);
            EXPECT_EQ(af_encode(f.min_positive(bias) / 2, f, bias), 0x01);  // the tie
            EXPECT_EQ(af_encode(std::nextafter(f.min_positive(bias) / 2, 0.0), f, bias), 0);
        }
    }
}

TEST(AdaptivFloat, NaNThrows) {
    EXPECT_THROW(af_encode(std::numeric_limits<double>::quiet_NaN(), kAf83, -7), Error);
    EXPECT_THROW(af_encode(0.5, kAf83, kAfMaxExpBias + 1), ConfigError);
}

TEST(AdaptivFloat, ChooseExpBiasPutsMaxInTopExponentCode) {
    std::mt19937_64 rng(7);
    for (const auto& f : kFormats) {
        for (int i = 0; i < 2000; ++i) {
            const double max_abs =
                std::ldexp(1.0 + uniform01(rng), static_cast<int>(uniform_below(rng, 120)) - 60);
            const int bias = af_choose_exp_bias(max_abs, f);
            const int top = bias + f.max_exp_code();
            ASSERT_LE(std::ldexp(1.0, top), max_abs);
            ASSERT_LT(max_abs, std::ldexp(1.0, top + 1));
            const uint8_t code = af_encode(max_abs, f, bias);
            ASSERT_EQ(exp_field(code, f), f.max_exp_code()) << name(f) << " max_abs " << max_abs;
        }
        // Exact powers of two sit at the bottom of the top binade.
        EXPECT_EQ(af_choose_exp_bias(1.0, f), -f.max_exp_code());
        EXPECT_EQ(af_choose_exp_bias(std::nextafter(1.0, 0.0), f), -1 - f.max_exp_code());
        EXPECT_EQ(af_choose_exp_bias(std::nextafter(2.0, 0.0), f), -f.max_exp_code());
        // All-zero group: same as max_abs == 1.
        EXPECT_EQ(af_choose_exp_bias(0.0, f), -f.max_exp_code());
    }
    // The <8,3> hardware register clamps to [-10, -3].
    EXPECT_EQ(af_choose_exp_bias(0.1, kAf83), -11);  // 2^-4 <= 0.1 < 2^-3
    EXPECT_EQ(af_choose_exp_bias(0.1, kAf83, kEdgeBertBiasRange), -10);
    EXPECT_EQ(af_choose_exp_bias(1.0, kAf83, kEdgeBertBiasRange), -7);
    EXPECT_EQ(af_choose_exp_bias(1000.0, kAf83, kEdgeBertBiasRange), -3);
    EXPECT_EQ(af_choose_exp_bias(0.0, kAf83, kEdgeBertBiasRange), -7);
    EXPECT_EQ(af_choose_exp_bias(0.0, kAf83, BiasRange{-2, 5}), -2);
    // Tiny and huge inputs stay within the library's legal bias range.
    EXPECT_EQ(af_choose_exp_bias(std::numeric_limits<double>::denorm_min(), kAf83), kAfMinExpBias);
    EXPECT_EQ(af_choose_exp_bias(1e300, kAf83), kAfMaxExpBias);
    for (double bad : {-1.0, std::numeric_limits<double>::infinity(),
                       std::numeric_limits<double>::quiet_NaN()}) {
        EXPECT_THROW(af_choose_exp_bias(bad, kAf83), Error) << bad;
    }
    EXPECT_THROW(af_choose_exp_bias(1.0, kAf83, BiasRange{0, -1}), ConfigError);
}

TEST(AdaptivFloat, MultiplyIsExactForAllCodePairs) {
    for (const auto& f : {kAf83, kAf42}) {
        const int m = f.mant_bits();
        for (auto [ba, bb] : {std::pair{-10, -3}, std::pair{-7, -7}, std::pair{0, 5}}) {
            for (unsigned a = 0; a < (1u << f.total_bits); ++a) {
                const double va = af_decode(static_cast<uint8_t>(a), f, ba);
                for (unsigned b = 0; b < (1u << f.total_bits); ++b) {
                    const double vb = af_decode(static_cast<uint8_t>(b), f, bb);
                    const AfProduct p =
                        af_multiply(static_cast<uint8_t>(a), ba, static_cast<uint8_t>(b), bb, f);
                    ASSERT_EQ(p.value(), va * vb) << name(f) << " " << a << " * " << b;
                    ASSERT_EQ(p.is_zero(), va == 0.0 || vb == 0.0);
                    if (p.is_zero()) {
                        ASSERT_FALSE(p.negative);
                        ASSERT_EQ(p.exponent, 0);
                    } else {
                        // Two (m+1)-bit significands with leading ones: [2^(2m), 2^(2m+2)).
                        ASSERT_GE(p.significand, 1u << (2 * m));
                        ASSERT_LT(p.significand, 1u << (2 * m + 2));
                        ASSERT_EQ(p.negative, (va < 0) != (vb < 0));
                    }
                }
            }
        }
    }
    // Hand check, <8,3>: 0x3A = +1.1010b * 2^(3+ba), 0xC5 = -1.0101b * 2^(4+bb).
    const AfProduct p = af_multiply(0x3A, -8, 0xC5, -5, kAf83);
    EXPECT_TRUE(p.negative);
    EXPECT_EQ(p.significand, 26u * 21u);
    EXPECT_EQ(p.exponent, 3 - 8 + 4 - 5 - 8);
    EXPECT_THROW(af_multiply(0x10, 0, 0x01, 0, kAf42), Error);
}

// A rows x cols matrix of normal values whose row scales span several decades,
// so per-row and per-vector biases differ from the per-tensor one.
std::vector<float> random_matrix(std::mt19937_64& rng, size_t rows, size_t cols) {
    std::vector<float> x(rows * cols);
    for (size_t r = 0; r < rows; ++r) {
        const double scale = std::ldexp(1.0, static_cast<int>(r % 9) - 6);
        for (size_t c = 0; c < cols; ++c) x[r * cols + c] = static_cast<float>(scale * normal(rng));
    }
    return x;
}

TEST(AdaptivFloat, QuantizeRelativeErrorBound) {
    std::mt19937_64 rng(2024);
    const size_t rows = 27, cols = 70;  // 70 = 4 full vectors + a 6-element tail
    const std::vector<float> x = random_matrix(rng, rows, cols);
    for (const auto& f : {kAf83, kAf42, AdaptivFloatFormat{8, 4}}) {
        const double bound_rel = std::ldexp(1.0, -(f.mant_bits() + 1));
        for (auto g :
             {BiasGranularity::PerTensor, BiasGranularity::PerRow, BiasGranularity::PerVector16}) {
            const AfTensor t = af_quantize(x.data(), rows, cols, f, g);
            ASSERT_EQ(t.codes.size(), rows * cols);
            ASSERT_EQ(t.exp_bias.size(), af_bias_count(g, rows, cols));
            const std::vector<float> deq = t.dequantize();
            size_t in_range = 0;
            for (size_t r = 0; r < rows; ++r) {
                for (size_t c = 0; c < cols; ++c) {
                    const double xv = x[r * cols + c];
                    const int bias = t.bias_for(r, c);
                    const double q = t.value(r, c);
                    ASSERT_EQ(deq[r * cols + c], static_cast<float>(q));
                    const double a = std::fabs(xv);
                    if (a < f.min_positive(bias) || a > f.max_value(bias)) continue;
                    ++in_range;
                    // x is a float and q has few bits: the difference is exact.
                    ASSERT_LE(std::fabs(xv - q), a * bound_rel)
                        << name(f) << " (" << r << "," << c << ")";
                }
            }
            // The check must not be vacuous: with row or vector biases most elements
            // are in range; one bias for rows spanning 2^8 leaves AF<4,2> only ~15%.
            const size_t floor =
                g == BiasGranularity::PerTensor ? rows * cols / 10 : rows * cols / 2;
            EXPECT_GT(in_range, floor) << name(f) << " granularity " << static_cast<int>(g);
        }
    }
}

TEST(AdaptivFloat, QuantizeGroupsShareTheRightBias) {
    std::mt19937_64 rng(99);
    const size_t rows = 5, cols = 37;  // 3 vectors per row: 16, 16, 5
    std::vector<float> x = random_matrix(rng, rows, cols);
    for (size_t c = 16; c < 32; ++c) x[2 * cols + c] = 0.0f;  // an all-zero vector
    x[4 * cols + 36] = 100.0f;                                // the short tail vector's max

    const AfTensor t = af_quantize(x.data(), rows, cols, kAf83, BiasGranularity::PerVector16);
    ASSERT_EQ(t.exp_bias.size(), rows * 3);
    EXPECT_EQ(t.bias_index(4, 36), 14u);
    EXPECT_EQ(t.bias_for(4, 36), af_choose_exp_bias(100.0, kAf83));
    EXPECT_EQ(t.bias_for(2, 20), -7);  // all-zero group default
    for (size_t r = 0; r < rows; ++r) {
        for (size_t g = 0; g < 3; ++g) {
            double max_abs = 0;
            size_t arg = 0;
            for (size_t c = g * 16; c < std::min(cols, g * 16 + 16); ++c) {
                if (std::fabs(x[r * cols + c]) > max_abs) {
                    max_abs = std::fabs(x[r * cols + c]);
                    arg = c;
                }
            }
            ASSERT_EQ(t.exp_bias[r * 3 + g], af_choose_exp_bias(max_abs, kAf83));
            if (max_abs > 0) {
                EXPECT_EQ(exp_field(t.codes[r * cols + arg], kAf83), 7) << r << "," << g;
            }
        }
    }

    // The hardware bias register clamps: a large tensor saturates at exp_bias -3.
    std::vector<float> big(16, 50.0f);
    big[3] = -3.0f;
    const AfTensor h =
        af_quantize(big.data(), 1, 16, kAf83, BiasGranularity::PerTensor, kEdgeBertBiasRange);
    EXPECT_EQ(h.exp_bias[0], -3);
    EXPECT_EQ(h.value(0, 0), kAf83.max_value(-3));
    EXPECT_EQ(h.value(0, 3), -3.0);
    EXPECT_EQ(hw_bias_field(h.exp_bias[0]), 7);

    const AfTensor pr = af_quantize(x.data(), rows, cols, kAf83, BiasGranularity::PerRow);
    ASSERT_EQ(pr.exp_bias.size(), rows);
    EXPECT_EQ(pr.bias_index(3, 30), 3u);
}

TEST(AdaptivFloat, QuantizeRejectsBadInput) {
    std::vector<float> x(8, 1.0f);
    const AfTensor t = af_quantize(x.data(), 2, 4, kAf83, BiasGranularity::PerTensor);
    EXPECT_THROW(t.value(2, 0), ShapeError);
    EXPECT_THROW(t.value(0, 4), ShapeError);
    x[5] = std::numeric_limits<float>::quiet_NaN();
    try {
        af_quantize(x.data(), 2, 4, kAf83, BiasGranularity::PerRow);
        FAIL() << "NaN accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("(1, 1)"), std::string::npos) << e.what();
    }
    x[5] = std::numeric_limits<float>::infinity();
    EXPECT_THROW(af_quantize(x.data(), 2, 4, kAf83, BiasGranularity::PerRow), Error);
    EXPECT_THROW(af_quantize(nullptr, 2, 4, kAf83, BiasGranularity::PerRow), ShapeError);
    // An empty tensor is legal.
    const AfTensor e = af_quantize(nullptr, 0, 4, kAf83, BiasGranularity::PerTensor);
    EXPECT_TRUE(e.codes.empty());
    EXPECT_EQ(e.exp_bias.size(), 1u);
}

}  // namespace
}  // namespace edgebert::num
