// INT8 symmetric and block floating point: hand-checked codes and per-element
// error bounds on random tensors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "hw/formats/block_float.hpp"
#include "hw/formats/int8.hpp"

namespace edgebert::num {
namespace {

double uniform01(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1p-53; }

double normal(std::mt19937_64& rng) {
    const double u1 = 1.0 - uniform01(rng);
    const double u2 = uniform01(rng);
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

std::vector<float> random_vector(uint64_t seed, size_t n) {
    std::mt19937_64 rng(seed);
    std::vector<float> x(n);
    // Mixed magnitudes so blocks get different shared exponents.
    for (size_t i = 0; i < n; ++i)
        x[i] = static_cast<float>(std::ldexp(normal(rng), static_cast<int>(i / 64 % 11) - 5));
    return x;
}

TEST(Int8, HandCheckedCodesAndTies) {
    const std::vector<float> x = {127.0f, 0.5f, 1.5f, -2.5f, -0.49f, 126.5f, -127.0f, 0.0f};
    const Int8Tensor t = int8_quantize_symmetric(x.data(), x.size());
    EXPECT_EQ(t.scale, 1.0f);
    const std::vector<int8_t> want = {127, 1, 2, -3, 0, 127, -127, 0};
    EXPECT_EQ(t.q, want);
    const std::vector<float> deq = t.dequantize();
    EXPECT_EQ(deq[3], -3.0f);

    const std::vector<float> zeros(5, 0.0f);
    const Int8Tensor z = int8_quantize_symmetric(zeros.data(), zeros.size());
    EXPECT_EQ(z.scale, 1.0f);
    EXPECT_EQ(z.q, std::vector<int8_t>(5, 0));
    EXPECT_EQ(int8_quantize_symmetric(nullptr, 0).q.size(), 0u);
}

TEST(Int8, ErrorWithinHalfScale) {
    const std::vector<float> x = random_vector(42, 1001);
    const Int8Tensor t = int8_quantize_symmetric(x.data(), x.size());
    float max_abs = 0;
    for (float v : x) max_abs = std::max(max_abs, std::fabs(v));
    EXPECT_EQ(t.scale, max_abs / 127.0f);
    const std::vector<float> deq = t.dequantize();
    bool hit_top = false;
    for (size_t i = 0; i < x.size(); ++i) {
        ASSERT_GE(t.q[i], -127);
        // q * scale is exact in double and |x - q*scale| is exact (Sterbenz), so
        // the bound is checked without slack.
        const double back = t.q[i] * static_cast<double>(t.scale);
        ASSERT_LE(std::fabs(x[i] - back), t.scale / 2.0) << i;
        ASSERT_EQ(deq[i], static_cast<float>(back));
        hit_top |= std::abs(t.q[i]) == 127;
    }
    EXPECT_TRUE(hit_top);
}

TEST(Int8, PerRowScales) {
    const size_t rows = 7, cols = 33;
    const std::vector<float> x = random_vector(8, rows * cols);
    const Int8RowTensor t = int8_quantize_per_row(x.data(), rows, cols);
    ASSERT_EQ(t.scales.size(), rows);
    for (size_t r = 0; r < rows; ++r) {
        const Int8Tensor row = int8_quantize_symmetric(x.data() + r * cols, cols);
        EXPECT_EQ(t.scales[r], row.scale);
        for (size_t c = 0; c < cols; ++c) {
            ASSERT_EQ(t.q[r * cols + c], row.q[c]);
            ASSERT_LE(
                std::fabs(x[r * cols + c] - t.q[r * cols + c] * static_cast<double>(t.scales[r])),
                t.scales[r] / 2.0);
        }
    }
    EXPECT_EQ(t.dequantize().size(), rows * cols);
}

TEST(Int8, RejectsNonFinite) {
    std::vector<float> x = {1.0f, std::numeric_limits<float>::infinity()};
    try {
        int8_quantize_symmetric(x.data(), x.size());
        FAIL() << "infinity accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("element 1"), std::string::npos) << e.what();
    }
    x[1] = std::numeric_limits<float>::quiet_NaN();
    EXPECT_THROW(int8_quantize_per_row(x.data(), 1, 2), Error);
    EXPECT_THROW(int8_quantize_symmetric(nullptr, 3), ShapeError);
}

TEST(BlockFloat, HandCheckedBlocks) {
    const BfpFormat f{4, 4, 8};                                   // mantissas in [-8, 7]
    const std::vector<float> x = {1.0f,  -0.375f, 0.125f, 0.0f,   // se 1, step 1/4
                                  0.0f,  0.0f,    0.0f,   -0.0f,  // all zero
                                  -5.0f, 3.0f,    0.25f,  7.9f,   // se 3, step 1
                                  -8.0f, 0.5f};                   // short block, se 4, step 2
    const BfpTensor t = bfp_quantize(x.data(), x.size(), f);
    ASSERT_EQ(t.shared_exp, (std::vector<int>{1, -128, 3, 4}));
    // 0.125 = half a step rounds away (to 1); -0.375 = -1.5 steps rounds to -2;
    // 7.9 rounds to 8 and saturates at 7; -8 / 2 = -4; 0.5 / 2 = 0.25 -> 0.
    const std::vector<int32_t> want = {4, -2, 1, 0, 0, 0, 0, 0, -5, 3, 0, 7, -4, 0};
    EXPECT_EQ(t.mant, want);
    EXPECT_EQ(t.step(0), 0.25);
    const std::vector<float> deq = t.dequantize();
    EXPECT_EQ(deq[1], -0.5f);
    EXPECT_EQ(deq[11], 7.0f);
    EXPECT_EQ(deq[12], -8.0f);
}

TEST(BlockFloat, SharedExponentClampsToExpBits) {
    const BfpFormat f{2, 8, 4};  // shared exponent in [-8, 7]
    const std::vector<float> x = {1000.0f, -1.0f, 1e-5f, 0.0f};
    const BfpTensor t = bfp_quantize(x.data(), x.size(), f);
    EXPECT_EQ(t.shared_exp, (std::vector<int>{7, -8}));
    EXPECT_EQ(t.mant[0], 127);  // 1000 / 2^0 saturates
    EXPECT_EQ(t.mant[1], -1);
    EXPECT_EQ(t.mant[2], 0);  // 1e-5 / 2^-15 = 0.33
}

TEST(BlockFloat, ErrorWithinHalfStepPerBlock) {
    const std::vector<float> x = random_vector(77, 1000);  // 62 full blocks + 8
    for (const BfpFormat& f :
         {BfpFormat{16, 8, 8}, BfpFormat{16, 4, 8}, BfpFormat{32, 12, 6}, BfpFormat{7, 3, 8}}) {
        const BfpTensor t = bfp_quantize(x.data(), x.size(), f);
        const size_t bs = static_cast<size_t>(f.block_size);
        ASSERT_EQ(t.shared_exp.size(), (x.size() + bs - 1) / bs);
        const std::vector<float> deq = t.dequantize();
        const double top = std::ldexp(1.0, f.mant_bits - 1);  // 2^(mant_bits-1) steps = 2^se
        for (size_t b = 0; b < t.shared_exp.size(); ++b) {
            float max_abs = 0;
            for (size_t i = b * bs; i < std::min(x.size(), b * bs + bs); ++i)
                max_abs = std::max(max_abs, std::fabs(x[i]));
            // max|x| < 2^se <= 2 max|x| (no clamping for these magnitudes).
            ASSERT_LT(max_abs, std::ldexp(1.0, t.shared_exp[b]));
            ASSERT_GE(2.0 * max_abs, std::ldexp(1.0, t.shared_exp[b]));
            const double step = t.step(b);
            for (size_t i = b * bs; i < std::min(x.size(), b * bs + bs); ++i) {
                const double q = t.mant[i] * step;
                ASSERT_GE(t.mant[i], -top);
                ASSERT_LE(t.mant[i], top - 1);
                if (x[i] / step <= top - 0.5) {
                    ASSERT_LE(std::fabs(x[i] - q), step / 2) << "block " << b << " element " << i;
                } else {
                    // Within half a step of 2^se: rounds to 2^(mant_bits-1), clipped.
                    ASSERT_EQ(t.mant[i], top - 1);
                    ASSERT_LT(std::fabs(x[i] - q), step);
                }
                ASSERT_EQ(deq[i], static_cast<float>(q));
            }
        }
    }
}

TEST(BlockFloat, ValidationAndBadInput) {
    EXPECT_THROW((BfpFormat{0, 8, 8}.validate()), ConfigError);
    EXPECT_THROW((BfpFormat{16, 1, 8}.validate()), ConfigError);
    EXPECT_THROW((BfpFormat{16, 33, 8}.validate()), ConfigError);
    try {
        BfpFormat{16, 8, 17}.validate();
        FAIL() << "accepted exp_bits 17";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("exp_bits"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("[2, 16]"), std::string::npos);
    }
    const std::vector<float> bad = {1.0f, std::numeric_limits<float>::quiet_NaN()};
    EXPECT_THROW(bfp_quantize(bad.data(), bad.size(), BfpFormat{}), Error);
    EXPECT_THROW(bfp_quantize(nullptr, 4, BfpFormat{}), ShapeError);
    const BfpTensor empty = bfp_quantize(nullptr, 0, BfpFormat{});
    EXPECT_TRUE(empty.shared_exp.empty());
}

}  // namespace
}  // namespace edgebert::num
