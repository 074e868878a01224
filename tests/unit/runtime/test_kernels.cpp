// CPU-side kernels of the C runtime (runtime/include/eb_kernels.h):
// AdaptivFloat and bitmask codecs bit for bit against hw/formats, INT8 against
// num::int8_quantize_symmetric, FP32 operators against the FP32 reference and
// double-precision loops, and the work each kernel charges through the HAL.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <iostream>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "compiler/model/reference.hpp"
#include "eb_kernels.h"
#include "hw/formats/adaptivfloat.hpp"
#include "hw/formats/bitmask.hpp"
#include "hw/formats/int8.hpp"
#include "test_hal_stub.hpp"

namespace edgebert {
namespace {

using test::g_charges;
using test::reset_charges;

uint32_t bits_of(float x) {
    uint32_t u;
    std::memcpy(&u, &x, sizeof u);
    return u;
}

float float_of(uint32_t u) {
    float x;
    std::memcpy(&x, &u, sizeof x);
    return x;
}

std::string hex(float x) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%a (0x%08x)", static_cast<double>(x), bits_of(x));
    return buf;
}

num::AdaptivFloatFormat cpp_format(eb_af_format f) { return {f.total_bits, f.exp_bits}; }

std::string name(eb_af_format f) {
    return "AF<" + std::to_string(f.total_bits) + "," + std::to_string(f.exp_bits) + ">";
}

// Every legal format with n <= 8.
std::vector<eb_af_format> all_formats() {
    std::vector<eb_af_format> v;
    for (int n = 3; n <= 8; ++n) {
        for (int e = 1; e <= n - 2; ++e) v.push_back({n, e});
    }
    return v;
}

const eb_af_format kAf83{8, 3};
const eb_af_format kAf42{4, 2};
constexpr int kBiasLo = -10, kBiasHi = -3;  // the EdgeBERT bias field's range

// Charges of the last kernel call, checked as "exactly these kinds, once each".
struct Expected {
    eb_cost_t kind;
    uint64_t units;
};

void expect_charges(const std::vector<Expected>& want, const std::string& what) {
    for (int k = 0; k < test::kCostKinds; ++k) {
        uint64_t units = 0;
        for (const auto& w : want) {
            if (w.kind == k) units += w.units;
        }
        EXPECT_EQ(g_charges.units[k], units) << what << ": units of cost kind " << k;
        EXPECT_EQ(g_charges.calls[k], units ? 1u : 0u) << what << ": eb_hal_charge calls of cost kind " << k;
    }
}

// ------------------------------------------------------------ AdaptivFloat ---

TEST(RuntimeAf, EveryCodeDecodesAndReencodesLikeTheLibrary) {
    const std::vector<int> extra_biases = {-1000, -200, -150, -140, -130, -40, 0, 5, 100, 120, 130, 900};
    for (const auto f : all_formats()) {
        const auto cf = cpp_format(f);
        std::vector<int> biases = extra_biases;
        for (int b = kBiasLo; b <= kBiasHi; ++b) biases.push_back(b);
        for (const int bias : biases) {
            for (int code = 0; code < (1 << f.total_bits); ++code) {
                const auto c = static_cast<uint8_t>(code);
                const float want = static_cast<float>(num::af_decode(c, cf, bias));
                const float got = eb_k_af_decode(c, f, bias);
                ASSERT_EQ(bits_of(got), bits_of(want)) << name(f) << " bias " << bias << " code " << code;
                if (std::isfinite(want) && want != 0.0f) {
                    // Values (exact in float) and their float neighbours.
                    for (const float x : {want, std::nextafter(want, 0.0f), std::nextafter(want, 2 * want)}) {
                        ASSERT_EQ(eb_k_af_encode(x, f, bias), num::af_encode(x, cf, bias))
                            << name(f) << " bias " << bias << " x " << hex(x);
                    }
                }
            }
        }
    }
}

TEST(RuntimeAf, EveryMidpointEncodesLikeTheLibrary) {
    // Exact midpoints between adjacent magnitudes (and between 0 and the
    // smallest magnitude), their float neighbours, both signs.
    for (const auto f : all_formats()) {
        const auto cf = cpp_format(f);
        for (int bias = kBiasLo - 30; bias <= kBiasHi + 30; ++bias) {
            const int top = (1 << (f.total_bits - 1)) - 1;
            std::vector<double> mags = {0.0};
            for (int c = 1; c <= top; ++c) mags.push_back(num::af_decode(static_cast<uint8_t>(c), cf, bias));
            std::sort(mags.begin(), mags.end());
            mags.push_back(2 * mags.back());  // beyond max: saturates
            for (size_t i = 0; i + 1 < mags.size(); ++i) {
                const float mid = static_cast<float>((mags[i] + mags[i + 1]) / 2);
                ASSERT_EQ(static_cast<double>(mid), (mags[i] + mags[i + 1]) / 2) << "midpoint not exact in float";
                for (const float x : {mid, std::nextafter(mid, 0.0f), std::nextafter(mid, 1e30f)}) {
                    for (const float s : {x, -x}) {
                        ASSERT_EQ(eb_k_af_encode(s, f, bias), num::af_encode(s, cf, bias))
                            << name(f) << " bias " << bias << " x " << hex(s);
                    }
                }
            }
        }
    }
}

// A float from a mixture that hits every branch of the encoder: random bit
// patterns (huge, tiny, subnormal), values in and around the bias window,
// exact ties for every mantissa width and their neighbours, powers of two and
// the special values.
float random_float(std::mt19937_64& rng) {
    const uint64_t r = rng();
    const bool negative = (r >> 63) != 0;
    float x = 0.0f;
    switch (r % 20) {
        case 0:
        case 1:
        case 2:
        case 3: {  // any non-NaN bit pattern
            uint32_t u = static_cast<uint32_t>(rng());
            if (((u >> 23) & 0xFFu) == 0xFFu) u &= ~(1u << 23);
            return float_of(u);
        }
        case 4:
        case 5:
        case 6:
        case 7:
        case 8:
        case 9: {  // random magnitude in [2^-16, 2^10): around every window of [-10, -3]
            const int e = static_cast<int>(rng() % 26) - 16;
            x = std::ldexp(1.0f + static_cast<float>(rng() & 0x7FFFFF) * 0x1p-23f, e);
            break;
        }
        case 10:
        case 11:
        case 12:
        case 13: {  // an exact tie of an m-bit mantissa: (2s + 1) 2^(e - m - 1)
            const int m = 1 + static_cast<int>(rng() % 6);
            const uint64_t s = (uint64_t{1} << m) | (rng() & ((uint64_t{1} << m) - 1));
            const int e = static_cast<int>(rng() % 26) - 16;
            x = static_cast<float>(std::ldexp(static_cast<double>(2 * s + 1), e - m - 1));
            if (r & 0x100) x = std::nextafter(x, (r & 0x200) ? 0.0f : 1e30f);
            break;
        }
        case 14:
        case 15: {  // the midpoint between 0 and min_positive, (2^m + 1) 2^(bias - m - 1), +-1 ulp
            const int m = 1 + static_cast<int>(rng() % 6);
            const int bias = kBiasLo + static_cast<int>(rng() % 8);
            x = static_cast<float>(std::ldexp(static_cast<double>((1 << m) + 1), bias - m - 1));
            const int k = static_cast<int>(rng() % 3);
            if (k == 1) x = std::nextafter(x, 0.0f);
            if (k == 2) x = std::nextafter(x, 1.0f);
            break;
        }
        case 16:
        case 17: {  // exact powers of two (2^bias is the zero code's value)
            x = std::ldexp(1.0f, static_cast<int>(rng() % 40) - 25);
            break;
        }
        default: {
            static const float specials[] = {0.0f,
                                             std::numeric_limits<float>::infinity(),
                                             std::numeric_limits<float>::max(),
                                             std::numeric_limits<float>::min(),
                                             std::numeric_limits<float>::denorm_min(),
                                             0x1.8p-140f,
                                             1e-30f,
                                             1e30f,
                                             1.0f,
                                             0.5f};
            x = specials[rng() % (sizeof specials / sizeof specials[0])];
            break;
        }
    }
    return negative ? -x : x;
}

TEST(RuntimeAf, MillionRandomFloatsEncodeLikeTheLibraryAtEveryEdgeBertBias) {
    std::mt19937_64 rng(20240611);
    const auto c83 = cpp_format(kAf83), c42 = cpp_format(kAf42);
    size_t mismatches = 0;
    constexpr int kCount = 1000000;
    for (int i = 0; i < kCount; ++i) {
        const float x = random_float(rng);
        for (int bias = kBiasLo; bias <= kBiasHi; ++bias) {
            const uint8_t a = eb_k_af_encode(x, kAf83, bias), b = num::af_encode(x, c83, bias);
            const uint8_t c = eb_k_af_encode(x, kAf42, bias), d = num::af_encode(x, c42, bias);
            if (a != b || c != d) {
                if (++mismatches <= 10) {
                    ADD_FAILURE() << "x " << hex(x) << " bias " << bias << ": AF<8,3> " << int(a) << " vs "
                                  << int(b) << ", AF<4,2> " << int(c) << " vs " << int(d);
                }
            }
        }
    }
    EXPECT_EQ(mismatches, 0u);
}

TEST(RuntimeAf, OtherFormatsAndBiasesEncodeLikeTheLibrary) {
    std::mt19937_64 rng(7);
    const std::vector<int> biases = {-1000, -160, -140, -40, -20, 0, 3, 100, 140, 900};
    for (const auto f : all_formats()) {
        const auto cf = cpp_format(f);
        for (int i = 0; i < 20000; ++i) {
            const float x = random_float(rng);
            const int bias = (i & 1) ? biases[rng() % biases.size()] : kBiasLo + static_cast<int>(rng() % 8);
            ASSERT_EQ(eb_k_af_encode(x, f, bias), num::af_encode(x, cf, bias))
                << name(f) << " bias " << bias << " x " << hex(x);
        }
    }
}

TEST(RuntimeAf, NanEncodesToZero) {
    EXPECT_EQ(eb_k_af_encode(std::numeric_limits<float>::quiet_NaN(), kAf83, -5), 0);
    EXPECT_EQ(eb_k_af_encode(-std::numeric_limits<float>::quiet_NaN(), kAf42, -5), 0);
}

TEST(RuntimeAf, ChooseBiasMatchesTheLibrary) {
    std::mt19937_64 rng(11);
    const std::vector<num::BiasRange> ranges = {num::kEdgeBertBiasRange, {-1000, 900}, {-20, 5}, {-4, -4}};
    std::vector<float> values = {0.0f, std::numeric_limits<float>::denorm_min(), std::numeric_limits<float>::min(),
                                 std::numeric_limits<float>::max(), 1.0f, 0.5f, 0.75f};
    for (int e = -150; e <= 128; ++e) {
        const float p = std::ldexp(1.0f, e);
        if (!std::isfinite(p)) continue;
        values.push_back(p);
        values.push_back(std::nextafter(p, 0.0f));
        values.push_back(std::nextafter(p, 1e38f));
    }
    for (int i = 0; i < 20000; ++i) values.push_back(std::fabs(random_float(rng)));
    for (const auto f : all_formats()) {
        for (const auto& r : ranges) {
            for (const float v : values) {
                if (!std::isfinite(v)) continue;
                ASSERT_EQ(eb_k_af_choose_bias(v, f, r.min, r.max), num::af_choose_exp_bias(v, cpp_format(f), r))
                    << name(f) << " range [" << r.min << ", " << r.max << "] max_abs " << hex(v);
            }
        }
    }
    // Outside the library's domain: documented fallbacks.
    EXPECT_EQ(eb_k_af_choose_bias(std::numeric_limits<float>::infinity(), kAf83, -10, -3), -3);
    EXPECT_EQ(eb_k_af_choose_bias(-4.0f, kAf83, -20, 5), -7);
    EXPECT_EQ(eb_k_af_choose_bias(std::numeric_limits<float>::quiet_NaN(), kAf83, -20, 5), -7);
}

TEST(RuntimeAf, QuantizeAndDequantizeKernelsMatchTheScalarCodecAndCharge) {
    std::mt19937_64 rng(3);
    for (const size_t n : {size_t{0}, size_t{1}, size_t{100}, size_t{1023}, size_t{1024}, size_t{5000}}) {
        std::vector<float> x(n);
        for (auto& v : x) v = random_float(rng);
        for (const auto f : {kAf83, kAf42, eb_af_format{6, 2}}) {
            const int bias = -7;
            std::vector<uint8_t> codes(n, 0xAA);
            reset_charges();
            eb_k_af_quantize(x.data(), n, f, bias, codes.data());
            expect_charges({{EB_COST_QUANTIZE_ELEM, n}}, "af_quantize");
            for (size_t i = 0; i < n; ++i) {
                ASSERT_EQ(codes[i], num::af_encode(x[i], cpp_format(f), bias)) << i;
            }
            std::vector<float> back(n, -1.0f);
            reset_charges();
            eb_k_af_dequantize(codes.data(), n, f, bias, back.data());
            expect_charges({{EB_COST_QUANTIZE_ELEM, n}}, "af_dequantize");
            for (size_t i = 0; i < n; ++i) {
                ASSERT_EQ(bits_of(back[i]), bits_of(static_cast<float>(num::af_decode(codes[i], cpp_format(f), bias))))
                    << i;
            }
        }
    }
    // The scalar helpers charge nothing.
    reset_charges();
    (void)eb_k_af_encode(1.0f, kAf83, -5);
    (void)eb_k_af_decode(0x41, kAf83, -5);
    (void)eb_k_af_choose_bias(1.0f, kAf83, -10, -3);
    expect_charges({}, "scalar AF helpers");
}

// ---------------------------------------------------------------- bitmask ---

std::vector<uint8_t> random_codes(std::mt19937_64& rng, size_t n, double sparsity, uint8_t magnitude_mask) {
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::vector<uint8_t> codes(n);
    for (auto& c : codes) {
        if (u(rng) < sparsity) {
            // A zero: 0x00, or a sign-only code where the mask allows one.
            const uint8_t sign_only = static_cast<uint8_t>(~magnitude_mask & (rng() & 0xFF));
            c = sign_only;
        } else {
            do {
                c = static_cast<uint8_t>(rng());
            } while ((c & magnitude_mask) == 0);
        }
    }
    return codes;
}

TEST(RuntimeBitmask, EncodeBytesMatchTheLibraryAndDecodeRoundTrips) {
    std::mt19937_64 rng(5);
    for (const int lanes : {8, 16, 32, 64}) {
        for (const double sparsity : {0.0, 0.5, 0.9, 1.0}) {
            for (const uint8_t mag : {uint8_t{0x7F}, uint8_t{0x07}, uint8_t{0xFF}}) {
                for (const size_t vectors : {size_t{0}, size_t{1}, size_t{37}, size_t{300}}) {
                    const std::string what = "lanes " + std::to_string(lanes) + " sparsity " +
                                             std::to_string(sparsity) + " mask " + std::to_string(mag) + " vectors " +
                                             std::to_string(vectors);
                    const size_t w = static_cast<size_t>(lanes);
                    const auto codes = random_codes(rng, vectors * w, sparsity, mag);
                    const auto enc = num::bitmask_encode(codes.data(), vectors, lanes, mag);
                    const auto img = num::bitmask_to_dram(enc);

                    ASSERT_EQ(eb_k_bitmask_mask_bytes(vectors, lanes), img.mask_bytes.size()) << what;
                    std::vector<uint8_t> mask(img.mask_bytes.size() + 1, 0xCD);
                    std::vector<uint8_t> rows(vectors * w + 1, 0xCD);  // garbage: padding must be written
                    reset_charges();
                    const size_t depth =
                        eb_k_bitmask_encode(codes.data(), vectors, lanes, mag, mask.data(), rows.data());
                    ASSERT_EQ(depth, enc.depth()) << what;
                    expect_charges({{EB_COST_COPY_BYTE, vectors * w + vectors * w / 8 + depth * w}}, what);
                    ASSERT_TRUE(std::equal(img.mask_bytes.begin(), img.mask_bytes.end(), mask.begin())) << what;
                    ASSERT_TRUE(std::equal(img.input_bytes.begin(), img.input_bytes.end(), rows.begin())) << what;
                    EXPECT_EQ(mask[img.mask_bytes.size()], 0xCD) << what << ": wrote past the mask image";
                    for (size_t i = depth * w; i < rows.size(); ++i) {
                        ASSERT_EQ(rows[i], 0xCD) << what << ": wrote past the depth";
                    }

                    // Decode: the library's decode (sign-only zeros come back as 0x00).
                    const auto want = num::bitmask_decode(enc);
                    std::vector<uint8_t> out(vectors * w, 0xEE);
                    reset_charges();
                    ASSERT_EQ(eb_k_bitmask_decode(mask.data(), rows.data(), depth, vectors, lanes, out.data()), 0)
                        << what;
                    expect_charges({{EB_COST_COPY_BYTE, vectors * w + vectors * w / 8 + depth * w}}, what);
                    ASSERT_EQ(out, want) << what;
                    // Extra rows are ignored.
                    ASSERT_EQ(eb_k_bitmask_decode(mask.data(), rows.data(), depth + 3, vectors, lanes, out.data()),
                              0);
                    ASSERT_EQ(out, want) << what;
                    if (depth > 0) {
                        reset_charges();
                        EXPECT_EQ(
                            eb_k_bitmask_decode(mask.data(), rows.data(), depth - 1, vectors, lanes, out.data()), -1)
                            << what;
                        expect_charges({}, what + " (short image)");
                    }
                }
            }
        }
    }
}

TEST(RuntimeBitmask, DecodeRejectsAZeroByteUnderASetMaskBit) {
    const uint8_t codes[16] = {1, 0, 2, 0, 0, 0, 0, 3, 4, 0, 0, 0, 0, 0, 0, 5};
    uint8_t mask[2], rows[16], out[16];
    ASSERT_EQ(eb_k_bitmask_encode(codes, 2, 8, 0xFF, mask, rows), 2u);
    uint8_t bad[16];
    std::memcpy(bad, rows, sizeof bad);
    bad[8 + 7] = 0;  // lane 7's second non-zero
    EXPECT_EQ(eb_k_bitmask_decode(mask, bad, 2, 2, 8, out), -2);
    EXPECT_EQ(eb_k_bitmask_decode(mask, rows, 2, 2, 8, out), 0);
    EXPECT_EQ(0, std::memcmp(out, codes, sizeof codes));
}

// ------------------------------------------------------------------- INT8 ---

TEST(RuntimeInt8, ScaleAndCodesMatchTheLibrary) {
    std::mt19937_64 rng(9);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<std::vector<float>> cases;
    cases.push_back({});
    cases.push_back(std::vector<float>(10, 0.0f));
    cases.push_back({1e-44f, -3e-45f, 0.0f});  // the scale underflows to zero
    {
        // max = 127 * 2^-3 makes scale = 2^-3 exactly, so (k + 0.5) 2^-3 are ties.
        std::vector<float> t = {127.0f / 8};
        for (int k = -127; k < 127; ++k) t.push_back((k + 0.5f) / 8);
        t.push_back(-0.0f);
        cases.push_back(t);
    }
    for (int c = 0; c < 20; ++c) {
        std::vector<float> v(1 + rng() % 3000);
        const float spread = std::ldexp(1.0f, static_cast<int>(rng() % 40) - 20);
        for (auto& x : v) x = normal(rng) * spread;
        cases.push_back(v);
    }
    for (const auto& x : cases) {
        const auto want = num::int8_quantize_symmetric(x.data(), x.size());
        reset_charges();
        const float scale = eb_k_i8_scale(x.data(), x.size());
        expect_charges({{EB_COST_FP32_ADD, x.size()}, {EB_COST_FP32_DIV, x.empty() ? 0u : 1u}}, "i8_scale");
        ASSERT_EQ(bits_of(scale), bits_of(want.scale)) << x.size();
        std::vector<int8_t> q(x.size());
        reset_charges();
        eb_k_i8_quantize(x.data(), x.size(), scale, q.data());
        expect_charges({{EB_COST_INT8_CONVERT_ELEM, x.size()}}, "i8_quantize");
        ASSERT_EQ(q, want.q);
    }
    // Values beyond the scale clamp; x / scale ties round away from zero.
    const float xs[] = {1000.0f, -1000.0f, 2.5f, -2.5f, 3.5f, 0.49999997f, -0.5f};
    int8_t q[7];
    eb_k_i8_quantize(xs, 7, 1.0f, q);
    EXPECT_EQ(q[0], 127);
    EXPECT_EQ(q[1], -127);
    EXPECT_EQ(q[2], 3);
    EXPECT_EQ(q[3], -3);
    EXPECT_EQ(q[4], 4);
    EXPECT_EQ(q[5], 0);
    EXPECT_EQ(q[6], -1);
}

TEST(RuntimeInt8, AccumulateSaturatesAndDequantizeScales) {
    std::vector<int32_t> acc = {1, -5, INT32_MAX - 1, INT32_MIN + 1, 1000000, INT32_MAX, INT32_MIN};
    const std::vector<int32_t> part = {2, 5, 10, -10, -2000000, INT32_MAX, INT32_MIN};
    reset_charges();
    eb_k_i32_accumulate(acc.data(), part.data(), acc.size());
    expect_charges({{EB_COST_INT32_ADD, acc.size()}}, "i32_accumulate");
    EXPECT_EQ(acc, (std::vector<int32_t>{3, 0, INT32_MAX, INT32_MIN, -1000000, INT32_MAX, INT32_MIN}));

    const float scale = 0.0123f;
    std::vector<float> y(acc.size());
    reset_charges();
    eb_k_i32_dequantize(acc.data(), acc.size(), scale, y.data());
    expect_charges({{EB_COST_FP32_MAC, acc.size()}}, "i32_dequantize");
    for (size_t i = 0; i < acc.size(); ++i) {
        EXPECT_EQ(y[i], static_cast<float>(static_cast<double>(acc[i]) * scale)) << i;
    }
}

// ------------------------------------------------------------------- FP32 ---

std::vector<float> random_vec(std::mt19937_64& rng, size_t n, float lo = -1.0f, float hi = 1.0f) {
    std::uniform_real_distribution<float> u(lo, hi);
    std::vector<float> v(n);
    for (auto& x : v) x = u(rng);
    return v;
}

constexpr float kSentinel = 12345.0f;

TEST(RuntimeFp32, MatmulMatchesDoubleLoopsForBothLayoutsStridesAndAccumulate) {
    std::mt19937_64 rng(13);
    struct Shape {
        int m, n, k;
    };
    const std::vector<Shape> shapes = {{1, 1, 1},   {3, 5, 7},   {4, 8, 128}, {5, 9, 129},  {9, 17, 300},
                                       {8, 16, 64}, {2, 33, 1},  {13, 7, 257}, {1, 40, 200}, {16, 24, 384}};
    for (const auto& s : shapes) {
        for (const int transposed : {0, 1}) {
            for (const int accumulate : {0, 1}) {
                for (const int pad : {0, 3}) {
                    const size_t lda = s.k + pad, ldc = s.n + 2 * pad;
                    const size_t ldb = (transposed ? s.k : s.n) + pad;
                    const size_t b_rows = transposed ? s.n : s.k;
                    const auto a = random_vec(rng, s.m * lda);
                    const auto b = random_vec(rng, b_rows * ldb);
                    std::vector<float> c(s.m * ldc, kSentinel);
                    std::vector<float> c0 = random_vec(rng, s.m * ldc, -4.0f, 4.0f);
                    for (int i = 0; i < s.m; ++i) {
                        for (size_t j = s.n; j < ldc; ++j) c0[i * ldc + j] = kSentinel;
                    }
                    if (accumulate) c = c0;
                    reset_charges();
                    eb_k_matmul_f32(a.data(), lda, b.data(), ldb, c.data(), ldc, s.m, s.n, s.k, transposed,
                                    accumulate);
                    const std::string what = std::to_string(s.m) + "x" + std::to_string(s.n) + "x" +
                                             std::to_string(s.k) + " bT " + std::to_string(transposed) + " acc " +
                                             std::to_string(accumulate) + " pad " + std::to_string(pad);
                    expect_charges({{EB_COST_FP32_MAC, static_cast<uint64_t>(s.m) * s.n * s.k}}, what);
                    for (int i = 0; i < s.m; ++i) {
                        for (int j = 0; j < s.n; ++j) {
                            double ref = accumulate ? c0[i * ldc + j] : 0.0, mag = std::fabs(ref);
                            for (int p = 0; p < s.k; ++p) {
                                const double bv = transposed ? b[j * ldb + p] : b[p * ldb + j];
                                ref += static_cast<double>(a[i * lda + p]) * bv;
                                mag += std::fabs(a[i * lda + p] * bv);
                            }
                            const double tol = (s.k + 2) * 1.2e-7 * mag + 1e-30;
                            ASSERT_NEAR(c[i * ldc + j], ref, tol) << what << " at (" << i << ", " << j << ")";
                        }
                        for (size_t j = s.n; j < ldc; ++j) {
                            ASSERT_EQ(c[i * ldc + j], kSentinel) << what << ": wrote past column n";
                        }
                    }
                }
            }
        }
    }
}

TEST(RuntimeFp32, MatmulWithEmptyInnerDimension) {
    std::vector<float> c(6, 3.0f);
    const float a = 1.0f, b = 1.0f;
    reset_charges();
    eb_k_matmul_f32(&a, 0, &b, 3, c.data(), 3, 2, 3, 0, 0, 1);
    EXPECT_EQ(c, std::vector<float>(6, 3.0f));
    eb_k_matmul_f32(&a, 0, &b, 3, c.data(), 3, 2, 3, 0, 0, 0);
    EXPECT_EQ(c, std::vector<float>(6, 0.0f));
    expect_charges({}, "k = 0");
}

TEST(RuntimeFp32, MatmulThroughput) {
    // One ALBERT-base projection: 128 tokens x 768 x 768. Reported, not asserted
    // (machines differ); the assertion is a very loose sanity floor.
    const int m = 128, n = 768, k = 768;
    std::mt19937_64 rng(17);
    const auto a = random_vec(rng, static_cast<size_t>(m) * k);
    const auto b = random_vec(rng, static_cast<size_t>(k) * n);
    std::vector<float> c(static_cast<size_t>(m) * n);
    for (const int transposed : {0, 1}) {
        eb_k_matmul_f32(a.data(), k, b.data(), transposed ? k : n, c.data(), n, m, n, k, transposed, 0);  // warm
        const auto t0 = std::chrono::steady_clock::now();
        eb_k_matmul_f32(a.data(), k, b.data(), transposed ? k : n, c.data(), n, m, n, k, transposed, 0);
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const double gflops = 2.0 * m * n * k / s * 1e-9;
        std::cout << "[ perf     ] eb_k_matmul_f32 " << m << "x" << n << "x" << k << (transposed ? " (b^T)" : "")
                  << ": " << gflops << " GFLOP/s\n";
        EXPECT_GT(gflops, 0.05);
    }
}

TEST(RuntimeFp32, ElementwiseKernels) {
    std::mt19937_64 rng(19);
    const int rows = 5, cols = 7;
    const size_t ld = 9;
    auto x = random_vec(rng, rows * ld);
    const auto bias = random_vec(rng, cols);
    auto want = x;
    for (int r = 0; r < rows; ++r) {
        for (int c = 0; c < cols; ++c) want[r * ld + c] += bias[c];
    }
    reset_charges();
    eb_k_add_bias_f32(x.data(), rows, cols, ld, bias.data());
    expect_charges({{EB_COST_FP32_ADD, rows * cols}}, "add_bias");
    EXPECT_EQ(x, want);

    const auto a = random_vec(rng, 100), b = random_vec(rng, 100);
    std::vector<float> y(100);
    reset_charges();
    eb_k_add_f32(y.data(), a.data(), b.data(), 100);
    expect_charges({{EB_COST_FP32_ADD, 100}}, "add");
    for (size_t i = 0; i < 100; ++i) EXPECT_EQ(y[i], a[i] + b[i]);
    auto inplace = a;
    eb_k_add_f32(inplace.data(), inplace.data(), b.data(), 100);
    EXPECT_EQ(inplace, y);

    auto s = a;
    reset_charges();
    eb_k_scale_f32(s.data(), s.size(), 0.125f);
    expect_charges({{EB_COST_FP32_MAC, 100}}, "scale");
    for (size_t i = 0; i < 100; ++i) EXPECT_EQ(s[i], a[i] * 0.125f);

    reset_charges();
    const float mx = eb_k_max_abs_f32(a.data(), a.size());
    expect_charges({{EB_COST_FP32_ADD, 100}}, "max_abs");
    float ref = 0.0f;
    for (const float v : a) ref = std::max(ref, std::fabs(v));
    EXPECT_EQ(mx, ref);
    EXPECT_EQ(eb_k_max_abs_f32(nullptr, 0), 0.0f);
}

TEST(RuntimeFp32, LayerNormMatchesTheReference) {
    std::mt19937_64 rng(23);
    for (const int cols : {1, 16, 128, 768}) {
        const int rows = 6;
        const size_t ld = cols + 5;
        auto x = random_vec(rng, rows * ld, -3.0f, 5.0f);
        for (int r = 0; r < rows; ++r) {
            for (size_t c = cols; c < ld; ++c) x[r * ld + c] = kSentinel;
        }
        const auto gamma = random_vec(rng, cols, 0.5f, 1.5f), beta = random_vec(rng, cols);
        std::vector<float> want(static_cast<size_t>(rows) * cols);
        for (int r = 0; r < rows; ++r) std::copy_n(&x[r * ld], cols, &want[r * cols]);
        const float eps = 1e-12f;
        model::layer_norm_rows(want.data(), rows, cols, gamma.data(), beta.data(), static_cast<double>(eps));
        reset_charges();
        eb_k_layer_norm_f32(x.data(), rows, cols, ld, gamma.data(), beta.data(), eps);
        const uint64_t e = static_cast<uint64_t>(rows) * cols;
        expect_charges({{EB_COST_FP32_ADD, 3 * e},
                        {EB_COST_FP32_MAC, 3 * e},
                        {EB_COST_FP32_DIV, 3u * rows},
                        {EB_COST_FP32_SQRT, static_cast<uint64_t>(rows)}},
                       "layer_norm");
        for (int r = 0; r < rows; ++r) {
            for (int c = 0; c < cols; ++c) {
                const float w = want[r * cols + c];
                ASSERT_NEAR(x[r * ld + c], w, 1e-6f * std::max(1.0f, std::fabs(w))) << r << ", " << c;
            }
            for (size_t c = cols; c < ld; ++c) ASSERT_EQ(x[r * ld + c], kSentinel);
        }
    }
}

TEST(RuntimeFp32, SoftmaxMatchesTheReferenceWithAndWithoutAKeyMask) {
    std::mt19937_64 rng(29);
    for (const bool masked : {false, true}) {
        for (const int cols : {1, 5, 128}) {
            const int rows = 7;
            const size_t ld = cols + 2;
            auto x = random_vec(rng, rows * ld, -8.0f, 8.0f);
            std::vector<float> mask(cols, 0.0f);
            for (int c = 0; c < cols; ++c) {
                if (c > 0 && rng() % 3 == 0) mask[c] = -10000.0f;
            }
            std::vector<float> want(static_cast<size_t>(rows) * cols);
            for (int r = 0; r < rows; ++r) {
                for (int c = 0; c < cols; ++c) want[r * cols + c] = x[r * ld + c] + (masked ? mask[c] : 0.0f);
            }
            model::softmax_rows(want.data(), rows, cols);
            reset_charges();
            eb_k_softmax_f32(x.data(), rows, cols, ld, masked ? mask.data() : nullptr);
            const uint64_t e = static_cast<uint64_t>(rows) * cols;
            expect_charges({{EB_COST_FP32_ADD, (masked ? 4 : 3) * e},
                            {EB_COST_FP32_EXP, e},
                            {EB_COST_FP32_DIV, static_cast<uint64_t>(rows)},
                            {EB_COST_FP32_MAC, e}},
                           "softmax");
            for (int r = 0; r < rows; ++r) {
                for (int c = 0; c < cols; ++c) {
                    ASSERT_NEAR(x[r * ld + c], want[r * cols + c], 2e-7f) << r << ", " << c;
                }
            }
        }
    }
}

TEST(RuntimeFp32, GeluTanhAndEntropyMatchTheReference) {
    std::mt19937_64 rng(31);
    auto x = random_vec(rng, 2000, -8.0f, 8.0f);
    x.push_back(0.0f);
    x.push_back(-20.0f);
    x.push_back(20.0f);
    auto g = x, t = x;
    reset_charges();
    eb_k_gelu_new_f32(g.data(), g.size());
    expect_charges({{EB_COST_FP32_MAC, 6 * g.size()}, {EB_COST_FP32_ADD, 2 * g.size()}, {EB_COST_FP32_TANH, g.size()}},
                   "gelu_new");
    reset_charges();
    eb_k_tanh_f32(t.data(), t.size());
    expect_charges({{EB_COST_FP32_TANH, t.size()}}, "tanh");
    for (size_t i = 0; i < x.size(); ++i) {
        const float wg = model::gelu_new(x[i]), wt = std::tanh(x[i]);
        ASSERT_NEAR(g[i], wg, 2e-7f * std::max(1.0f, std::fabs(wg))) << hex(x[i]);
        ASSERT_NEAR(t[i], wt, 2e-7f) << hex(x[i]);
    }

    for (const int n : {1, 2, 3, 10, 1000}) {
        for (const float spread : {0.01f, 1.0f, 30.0f}) {
            const auto logits = random_vec(rng, n, -spread, spread);
            reset_charges();
            const float h = eb_k_entropy_f32(logits.data(), n);
            expect_charges({{EB_COST_FP32_ADD, 3u * n},
                            {EB_COST_FP32_MAC, static_cast<uint64_t>(n)},
                            {EB_COST_FP32_EXP, n + 1u},
                            {EB_COST_FP32_DIV, 1}},
                           "entropy");
            const double want = model::softmax_entropy(logits.data(), n);
            ASSERT_NEAR(h, want, 1e-6 * std::max(1.0, want)) << n << " " << spread;
        }
    }
}

TEST(RuntimeFp32, GeluErfAndReluMatchTheReferenceBitForBit) {
    // hidden_act "gelu" (erf form) and "relu": the kernels compute what the FP32
    // reference computes, with the same float operations (the same libm on the host).
    std::mt19937_64 rng(41);
    auto x = random_vec(rng, 2000, -8.0f, 8.0f);
    for (float v : {0.0f, -0.0f, -20.0f, 20.0f, 1e-30f, -1e-30f}) x.push_back(v);
    auto e = x, r = x;
    reset_charges();
    eb_k_gelu_erf_f32(e.data(), e.size());
    expect_charges({{EB_COST_FP32_MAC, 3 * e.size()}, {EB_COST_FP32_ADD, e.size()}, {EB_COST_FP32_TANH, e.size()}},
                   "gelu_erf");
    reset_charges();
    eb_k_relu_f32(r.data(), r.size());
    expect_charges({{EB_COST_FP32_ADD, r.size()}}, "relu");
    for (size_t i = 0; i < x.size(); ++i) {
        ASSERT_EQ(hex(e[i]), hex(model::activation(model::Activation::Gelu, x[i]))) << hex(x[i]);
        ASSERT_EQ(hex(r[i]), hex(model::activation(model::Activation::Relu, x[i]))) << hex(x[i]);
    }
    // The erf form is not the tanh approximation: they differ by up to ~1e-3 near |x| = 2.
    float gap = 0;
    for (float v : x) gap = std::max(gap, std::fabs(model::gelu_erf(v) - model::gelu_new(v)));
    EXPECT_GT(gap, 1e-4f);
}

TEST(RuntimeFp32, TransposeBothElementTypesWithStrides) {
    std::mt19937_64 rng(37);
    for (const auto& [rows, cols] : std::vector<std::pair<int, int>>{{1, 1}, {3, 17}, {16, 16}, {33, 50}, {64, 1}}) {
        const size_t lds = cols + 3, ldd = rows + 2;
        const auto src = random_vec(rng, rows * lds);
        std::vector<float> dst(cols * ldd, kSentinel);
        reset_charges();
        eb_k_transpose_f32(src.data(), lds, dst.data(), ldd, rows, cols);
        expect_charges({{EB_COST_TRANSPOSE_ELEM, static_cast<uint64_t>(rows) * cols}}, "transpose_f32");
        std::vector<uint8_t> s8(rows * lds), d8(cols * ldd, 0xEE);
        for (auto& v : s8) v = static_cast<uint8_t>(rng());
        reset_charges();
        eb_k_transpose_u8(s8.data(), lds, d8.data(), ldd, rows, cols);
        expect_charges({{EB_COST_TRANSPOSE_ELEM, static_cast<uint64_t>(rows) * cols}}, "transpose_u8");
        for (int j = 0; j < cols; ++j) {
            for (size_t i = 0; i < ldd; ++i) {
                if (i < static_cast<size_t>(rows)) {
                    ASSERT_EQ(dst[j * ldd + i], src[i * lds + j]);
                    ASSERT_EQ(d8[j * ldd + i], s8[i * lds + j]);
                } else {
                    ASSERT_EQ(dst[j * ldd + i], kSentinel);
                    ASSERT_EQ(d8[j * ldd + i], 0xEE);
                }
            }
        }
    }
}

TEST(RuntimeFp32, EmptyShapesChargeNothing) {
    float x = 1.0f;
    uint8_t u = 0;
    reset_charges();
    eb_k_matmul_f32(&x, 1, &x, 1, &x, 1, 0, 1, 1, 0, 0);
    eb_k_add_bias_f32(&x, 0, 4, 4, &x);
    eb_k_add_f32(&x, &x, &x, 0);
    eb_k_scale_f32(&x, 0, 2.0f);
    eb_k_layer_norm_f32(&x, 0, 4, 4, &x, &x, 1e-5f);
    eb_k_softmax_f32(&x, 3, 0, 4, nullptr);
    eb_k_gelu_new_f32(&x, 0);
    eb_k_gelu_erf_f32(&x, 0);
    eb_k_relu_f32(&x, 0);
    eb_k_tanh_f32(&x, 0);
    eb_k_transpose_f32(&x, 1, &x, 1, 0, 0);
    eb_k_transpose_u8(&u, 1, &u, 1, 2, 0);
    eb_k_af_quantize(&x, 0, kAf83, -5, &u);
    eb_k_i32_accumulate(nullptr, nullptr, 0);
    expect_charges({}, "empty shapes");
    EXPECT_EQ(x, 1.0f);
}

// ------------------------------------------------- INT32 (thesis baseline) ---

// Two's complement wrap of the low 32 bits, independently of the kernel's helper.
int32_t low32(uint64_t v) {
    const uint32_t u = static_cast<uint32_t>(v);
    int32_t r;
    std::memcpy(&r, &u, sizeof r);
    return r;
}

TEST(RuntimeInt32, NaiveMatmulWrapsModulo2To32LikeAnIndependentLoop) {
    std::mt19937_64 rng(41);
    struct Shape {
        int m, n, k;
        size_t pad_a, pad_b, pad_c;
        bool full_range;  // operands over all of int32: products and sums wrap
    };
    for (const Shape& s : std::vector<Shape>{{1, 1, 1, 0, 0, 0, true},
                                             {3, 5, 7, 0, 0, 0, true},
                                             {16, 8, 64, 2, 3, 1, true},
                                             {9, 13, 300, 0, 5, 4, false},
                                             {32, 32, 32, 1, 0, 0, true}}) {
        const size_t lda = s.k + s.pad_a, ldb = s.n + s.pad_b, ldc = s.n + s.pad_c;
        std::vector<int32_t> a(s.m * lda), b(s.k * ldb), c(s.m * ldc, 0x5A5A5A5A);
        // INT8-range operands (the baseline's data) still overflow int32 over a long
        // enough contraction once intermediates feed the next product; full-range
        // operands wrap on the first multiply.
        std::uniform_int_distribution<int32_t> full(INT32_MIN, INT32_MAX), small(-127, 127);
        for (auto& v : a) v = s.full_range ? full(rng) : small(rng) * 9000;
        for (auto& v : b) v = s.full_range ? full(rng) : small(rng) * 9000;
        reset_charges();
        eb_k_matmul_i32_naive(a.data(), lda, b.data(), ldb, c.data(), ldc, s.m, s.n, s.k);
        const std::string what = "i32 naive " + std::to_string(s.m) + "x" + std::to_string(s.n) + "x" + std::to_string(s.k);
        expect_charges({{EB_COST_INT32_MAC, static_cast<uint64_t>(s.m) * s.n * s.k}}, what);
        bool wrapped = false;
        for (int i = 0; i < s.m; ++i) {
            for (int j = 0; j < s.n; ++j) {
                uint64_t sum = 0;  // arithmetic modulo 2^64, reduced to 2^32 at the end
                int64_t exact = 0;
                for (int p = 0; p < s.k; ++p) {
                    const int64_t prod = int64_t(a[i * lda + p]) * int64_t(b[p * ldb + j]);
                    sum += static_cast<uint64_t>(prod);
                    if (!s.full_range) exact += prod;
                }
                ASSERT_EQ(c[i * ldc + j], low32(sum)) << what << " at (" << i << ", " << j << ")";
                if (!s.full_range && (exact > INT32_MAX || exact < INT32_MIN)) wrapped = true;
            }
            for (size_t j = s.n; j < ldc; ++j) ASSERT_EQ(c[i * ldc + j], 0x5A5A5A5A) << what << ": padding";
        }
        if (!s.full_range) {
            EXPECT_TRUE(wrapped) << what << ": some sum should exceed int32";
        }
    }
    // k = 0: c = 0, nothing charged.
    int32_t one = 1, out = 7;
    reset_charges();
    eb_k_matmul_i32_naive(&one, 1, &one, 1, &out, 1, 1, 1, 0);
    expect_charges({}, "i32 naive k = 0");
    EXPECT_EQ(out, 0);
}

TEST(RuntimeInt32, TransposeU32WithStrides) {
    std::mt19937_64 rng(43);
    for (const auto& [rows, cols] : std::vector<std::pair<int, int>>{{1, 1}, {3, 17}, {16, 16}, {33, 50}, {64, 1}}) {
        const size_t lds = cols + 3, ldd = rows + 2;
        std::vector<uint32_t> src(rows * lds), dst(cols * ldd, 0xDEADBEEF);
        for (auto& v : src) v = static_cast<uint32_t>(rng());
        reset_charges();
        eb_k_transpose_u32(src.data(), lds, dst.data(), ldd, rows, cols);
        expect_charges({{EB_COST_TRANSPOSE_ELEM, static_cast<uint64_t>(rows) * cols}}, "transpose_u32");
        for (int j = 0; j < cols; ++j)
            for (size_t i = 0; i < ldd; ++i)
                ASSERT_EQ(dst[j * ldd + i], i < static_cast<size_t>(rows) ? src[i * lds + j] : 0xDEADBEEF);
    }
}

TEST(RuntimeInt32, I32ToI8ShiftsArithmeticallyThenSaturates) {
    std::mt19937_64 rng(47);
    std::vector<int32_t> x = {0, 1, -1, 2, -2, 3, -3, 127, -127, 128, -128, 255, -255, 256, -256, 1000, -1000,
                              INT32_MAX, INT32_MIN, INT32_MIN + 1};
    std::uniform_int_distribution<int32_t> full(INT32_MIN, INT32_MAX), mid(-70000, 70000);
    for (int i = 0; i < 2000; ++i) x.push_back(i % 2 ? full(rng) : mid(rng));
    for (int shift : {0, 1, 2, 7, 8, 13, 24, 30, 31}) {
        std::vector<int8_t> q(x.size(), 99);
        reset_charges();
        eb_k_i32_to_i8(x.data(), x.size(), shift, q.data());
        expect_charges({{EB_COST_INT8_CONVERT_ELEM, x.size()}}, "i32_to_i8");
        for (size_t i = 0; i < x.size(); ++i) {
            // floor(x / 2^shift), exact in double for int32 x.
            const double f = std::floor(static_cast<double>(x[i]) / std::ldexp(1.0, shift));
            const int want = static_cast<int>(std::max(-127.0, std::min(127.0, f)));
            ASSERT_EQ(q[i], want) << "x " << x[i] << " shift " << shift;
        }
    }
    // -1 >> s stays -1 (an arithmetic shift rounds toward minus infinity); -128 saturates to -127.
    const int32_t neg[] = {-1, -3, -128 * 4};
    int8_t out[3];
    eb_k_i32_to_i8(neg, 3, 2, out);
    EXPECT_EQ(out[0], -1);
    EXPECT_EQ(out[1], -1);
    EXPECT_EQ(out[2], -127);
    // Shifts beyond [0, 31] are clamped.
    const int32_t big[] = {INT32_MIN, 1 << 20};
    eb_k_i32_to_i8(big, 2, 40, out);
    EXPECT_EQ(out[0], -1);
    EXPECT_EQ(out[1], 0);
    eb_k_i32_to_i8(big, 2, -3, out);
    EXPECT_EQ(out[0], -127);
    EXPECT_EQ(out[1], 127);
}


// The code-domain splice against a simple model: decode every source stream
// to codes, lay the codes out as the destination's rows, encode with the
// library; the spliced stream must be that encoding byte for byte (with a code
// map, the mapped codes, zeros dropped).
TEST(RuntimeBitmask, SpliceEqualsDecodeConcatenateEncode) {
    std::mt19937_64 rng(11);
    for (const int lanes : {8, 16, 32, 64}) {
        for (const double sparsity : {0.0, 0.3, 0.9}) {
            for (const bool with_table : {false, true}) {
                const size_t w = size_t(lanes), chunks = 3, rows = 5, row_vectors = 2;
                const std::string what = "lanes " + std::to_string(lanes) + " sparsity " + std::to_string(sparsity) +
                                         (with_table ? " table" : "");
                std::vector<uint8_t> table(256);
                for (int c = 0; c < 256; ++c) table[size_t(c)] = uint8_t(c % 5 == 0 ? 0 : (c * 7) & 0xFF);
                std::vector<std::vector<uint8_t>> codes(chunks), masks(chunks), images(chunks);
                for (size_t c = 0; c < chunks; ++c) {
                    codes[c] = random_codes(rng, rows * row_vectors * w, sparsity, 0x7F);
                    const auto img = num::bitmask_to_dram(num::bitmask_encode(codes[c].data(), rows * row_vectors,
                                                                              lanes, 0x7F));
                    masks[c] = img.mask_bytes;
                    images[c] = img.input_bytes;
                    images[c].resize(rows * row_vectors * w + w, 0);
                }
                // The model: row r of the destination = row r of chunk 0, 1, 2.
                std::vector<uint8_t> want_codes;
                for (size_t r = 0; r < rows; ++r)
                    for (size_t c = 0; c < chunks; ++c)
                        for (size_t k = 0; k < row_vectors * w; ++k) {
                            uint8_t code = codes[c][r * row_vectors * w + k];
                            if (with_table && (code & 0x7F)) code = table[code];
                            want_codes.push_back((code & 0x7F) ? code : 0);
                        }
                const size_t vectors = rows * chunks * row_vectors;
                const auto want = num::bitmask_to_dram(num::bitmask_encode(want_codes.data(), vectors, lanes, 0x7F));

                const uint8_t* smask[3] = {masks[0].data(), masks[1].data(), masks[2].data()};
                const uint8_t* cur[3][EB_K_MAX_LANES];
                uint8_t* dcur[EB_K_MAX_LANES];
                std::vector<uint8_t> dmask(vectors * w / 8, 0xCD), drows(vectors * w + w, 0);
                for (size_t c = 0; c < chunks; ++c)
                    for (size_t l = 0; l < w; ++l) cur[c][l] = images[c].data() + l;
                for (size_t l = 0; l < w; ++l) dcur[l] = drows.data() + l;
                reset_charges();
                const size_t moved = eb_k_bitmask_splice(smask, cur, chunks, rows, row_vectors, lanes,
                                                         with_table ? table.data() : nullptr, 0x7F, dmask.data(), dcur);
                size_t nonzero = 0;
                for (uint8_t c : want_codes) nonzero += (c & 0x7F) != 0;
                EXPECT_EQ(moved, nonzero) << what;
                EXPECT_EQ(dmask, want.mask_bytes) << what;
                // The lane banks: each lane's codes in order (the padding is the caller's).
                const auto enc = num::bitmask_encode(want_codes.data(), vectors, lanes, 0x7F);
                for (size_t l = 0; l < w; ++l) {
                    ASSERT_EQ(size_t(dcur[l] - (drows.data() + l)) / w, enc.banks[l].size()) << what << " lane " << l;
                    for (size_t k = 0; k < enc.banks[l].size(); ++k)
                        ASSERT_EQ(drows[k * w + l], enc.banks[l][k]) << what << " lane " << l << " entry " << k;
                }
                uint64_t source_nonzero = 0;
                for (size_t c = 0; c < chunks; ++c)
                    for (uint8_t x : codes[c]) source_nonzero += (x & 0x7F) != 0;
                (void)source_nonzero;
                EXPECT_EQ(g_charges.units[EB_COST_SPLICE_LANE], vectors * w + nonzero * (with_table ? 2 : 1)) << what;
            }
        }
    }
}

TEST(RuntimeBitmask, CodeMapMapsEveryByteAndCharges) {
    std::vector<uint8_t> table(256), src(1000), dst(1000);
    for (int c = 0; c < 256; ++c) table[size_t(c)] = uint8_t(255 - c);
    for (size_t i = 0; i < src.size(); ++i) src[i] = uint8_t(i * 13);
    reset_charges();
    eb_k_code_map(table.data(), src.data(), dst.data(), src.size());
    for (size_t i = 0; i < src.size(); ++i) ASSERT_EQ(dst[i], uint8_t(255 - src[i]));
    EXPECT_EQ(g_charges.units[EB_COST_CODE_MAP_BYTE], 1000u);
}

}  // namespace
}  // namespace edgebert
