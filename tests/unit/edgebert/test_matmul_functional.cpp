// Functional matmul: exact dot products, saturation, output conversion options.
#include <gtest/gtest.h>

#include <cmath>

#include "common/error.hpp"
#include "common/rng.hpp"
#include "hw/edgebert/functional/matmul.hpp"

using namespace edgebert;
using namespace edgebert::hw;

namespace {

std::vector<uint8_t> random_codes(Rng& rng, size_t n, double sparsity) {
    std::vector<uint8_t> c(n);
    for (auto& x : c) x = rng.uniform() < sparsity ? 0 : static_cast<uint8_t>(rng.uniform_int(1, 255));
    return c;
}

}  // namespace

TEST(MatmulFunctional, IntegerValuesMatchDecode) {
    EdgebertTileConfig cfg;
    for (int c = 0; c < 256; ++c) {
        const double v = num::af_decode(static_cast<uint8_t>(c), cfg.act_format, 0);
        EXPECT_EQ(fn::af_integer_value(cfg.act_format, static_cast<uint8_t>(c)), v * 16) << c;
    }
}

TEST(MatmulFunctional, EqualsCorrectlyRoundedDoubleProduct) {
    EdgebertTileConfig cfg;
    Rng rng(42);
    for (double sparsity : {0.0, 0.5, 0.9}) {
        fn::MatmulParams p;
        p.n0 = 32, p.n1 = 48, p.m = 64;
        p.a_bias = -8, p.b_bias = -9, p.out_bias = -6;
        const auto a = random_codes(rng, 32 * 64, sparsity), b = random_codes(rng, 48 * 64, sparsity);
        const auto c = fn::matmul(cfg, a.data(), b.data(), p);
        for (int i = 0; i < p.n0; ++i)
            for (int j = 0; j < p.n1; ++j) {
                double s = 0;  // exact: < 2^53 in products of 5-bit significands
                for (int k = 0; k < p.m; ++k)
                    s += num::af_decode(a[i * 64 + k], cfg.act_format, p.a_bias) *
                         num::af_decode(b[j * 64 + k], cfg.act_format, p.b_bias);
                ASSERT_EQ(c[i * p.n1 + j], num::af_encode(s, cfg.act_format, p.out_bias)) << i << "," << j;
            }
    }
}

TEST(MatmulFunctional, ShiftBiasRelu) {
    EdgebertTileConfig cfg;
    Rng rng(7);
    fn::MatmulParams p;
    p.n0 = p.n1 = p.m = 16;
    p.a_bias = p.b_bias = -7;
    p.out_bias = -8;
    p.shift = 3;
    p.add_bias = true;
    p.weight_bias = -37;
    p.relu = true;
    const auto a = random_codes(rng, 256, 0.3), b = random_codes(rng, 256, 0.3);
    const auto c = fn::matmul(cfg, a.data(), b.data(), p);
    int zeros = 0;
    for (int i = 0; i < 16; ++i)
        for (int j = 0; j < 16; ++j) {
            double s = 0;
            for (int k = 0; k < 16; ++k)
                s += num::af_decode(a[i * 16 + k], cfg.act_format, -7) * num::af_decode(b[j * 16 + k], cfg.act_format, -7);
            s = s / 8 + (-37) * std::ldexp(1.0, -8 - 4);
            s = std::max(s, 0.0);
            zeros += s == 0;
            EXPECT_EQ(c[i * 16 + j], num::af_encode(s, cfg.act_format, -8));
        }
    EXPECT_GT(zeros, 0);  // ReLU did clamp something
}

TEST(MatmulFunctional, AccumulatorWidthAndSaturation) {
    EdgebertTileConfig cfg;
    EXPECT_EQ(cfg.accum_bits_never_saturate(), 37);  // 31*31*2^14*4080 < 2^36, plus sign
    // All-max operands over the largest M: 40 bits hold it exactly.
    std::vector<uint8_t> ones(4080, 0x7F);
    bool sat = true;
    const int64_t acc = fn::matmul_accumulate(cfg, ones.data(), ones.data(), 4080, &sat);
    EXPECT_FALSE(sat);
    EXPECT_EQ(acc, int64_t{31 * 31} * (1 << 14) * 4080);
    // A 24-bit accumulator saturates and the functional matmul follows it.
    cfg.accum_bits = 24;
    const int64_t sacc = fn::matmul_accumulate(cfg, ones.data(), ones.data(), 4080, &sat);
    EXPECT_TRUE(sat);
    EXPECT_EQ(sacc, (int64_t{1} << 23) - 1);
    fn::MatmulParams p;
    p.n0 = p.n1 = 16, p.m = 4080, p.out_bias = -3;
    std::vector<uint8_t> a(16 * 4080, 0x7F), b(16 * 4080, 0xFF);  // negative B
    const auto c = fn::matmul(cfg, a.data(), b.data(), p);
    const double expect = -std::ldexp(double(int64_t{1} << 23), -10 - 10 - 8);
    EXPECT_EQ(c[0], num::af_encode(expect, cfg.act_format, -3));
}

TEST(MatmulFunctional, InvalidShapesNamed) {
    EdgebertTileConfig cfg;
    fn::MatmulParams p;
    p.n0 = 16, p.n1 = 16, p.m = 16;
    EXPECT_NO_THROW(fn::validate_matmul(cfg, p));
    for (auto bad : {std::tuple{"N0", 17, 16, 16}, {"N0", 1024, 16, 16}, {"N1", 16, 0, 16}, {"M", 16, 16, 4096}}) {
        p.n0 = std::get<1>(bad), p.n1 = std::get<2>(bad), p.m = std::get<3>(bad);
        try {
            fn::validate_matmul(cfg, p);
            FAIL() << std::get<0>(bad);
        } catch (const ShapeError& e) {
            EXPECT_NE(std::string(e.what()).find(std::get<0>(bad)), std::string::npos) << e.what();
        }
    }
}
