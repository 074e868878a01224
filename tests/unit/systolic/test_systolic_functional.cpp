// The systolic baseline without RTL: the functional model's saturation
// semantics, the cycle formula's terms, the config reader and the register
// table that README.md documents.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <climits>
#include <fstream>
#include <sstream>

#include "common/error.hpp"
#include "common/json_reader.hpp"
#include "common/rng.hpp"
#include "hw/systolic/functional/systolic_gemm.hpp"
#include "hw/systolic/systolic_config.hpp"
#include "hw/systolic/systolic_regs.hpp"

using namespace edgebert;
using namespace edgebert::hw;

TEST(SystolicFunctional, MacSaturatesAtBothLimits) {
    EXPECT_EQ(fn::systolic_mac(INT32_MAX - 10, 127, 127), INT32_MAX);
    EXPECT_EQ(fn::systolic_mac(INT32_MIN + 10, -128, 127), INT32_MIN);
    EXPECT_EQ(fn::systolic_mac(INT32_MIN, -128, -128), INT32_MIN + 16384);
    EXPECT_EQ(fn::systolic_mac(5, -128, -128), 16389);
    EXPECT_EQ(fn::systolic_mac(INT32_MAX, 0, 77), INT32_MAX);
}

TEST(SystolicFunctional, SaturationIsPerStepInKOrder) {
    // C_in 10 below the limit; +127*127 saturates, then -128*127 pulls back:
    // per-step gives MAX - 16256, one final saturation would give MAX - 10 - 127.
    const std::vector<int8_t> a = {127, -128};
    const std::vector<int8_t> b = {127, 127};
    const std::vector<int32_t> c_in = {INT32_MAX - 10};
    const auto c = fn::systolic_gemm(1, 1, 2, a, b, &c_in);
    EXPECT_EQ(c[0], INT32_MAX - 16256);
    // Same products in the other k order never reach the limit.
    const std::vector<int8_t> a2 = {-128, 127};
    EXPECT_EQ(fn::systolic_gemm(1, 1, 2, a2, b, &c_in)[0], INT32_MAX - 10 - 16256 + 16129);

    int32_t cc = INT32_MAX - 10;
    EXPECT_EQ(fn::systolic_gemm(1, 1, 2, a.data(), 2, b.data(), 1, &cc, 1, true), 1u);  // one saturated step
}

TEST(SystolicFunctional, WithoutPreloadEqualsExactProduct) {
    Rng rng(7);
    const int m = 13, n = 29, k = 32;
    std::vector<int8_t> a(m * k), b(k * n);
    for (auto& x : a) x = static_cast<int8_t>(rng.uniform_int(-128, 127));
    for (auto& x : b) x = static_cast<int8_t>(rng.uniform_int(-128, 127));
    const auto c = fn::systolic_gemm(m, n, k, a, b);
    for (int i = 0; i < m; ++i)
        for (int j = 0; j < n; ++j) {
            int64_t s = 0;
            for (int kk = 0; kk < k; ++kk) s += int64_t{a[i * k + kk]} * b[kk * n + j];
            ASSERT_EQ(c[i * n + j], s) << i << "," << j;
        }
}

TEST(SystolicFunctional, StridedInPlaceLeavesPaddingAlone) {
    const int m = 2, n = 3, k = 2;
    const std::vector<int8_t> a = {1, 2, 99, 3, 4, 99};             // lda 3
    const std::vector<int8_t> b = {1, 0, 2, 99, 0, 1, 3, 99};       // ldb 4
    std::vector<int32_t> c = {10, 20, 30, -7, 40, 50, 60, -7};      // ldc 4
    fn::systolic_gemm(m, n, k, a.data(), 3, b.data(), 4, c.data(), 4, true);
    EXPECT_EQ(c, (std::vector<int32_t>{11, 22, 38, -7, 43, 54, 78, -7}));
}

TEST(SystolicFunctional, CycleFormulaTerms) {
    const auto c = fn::systolic_call_cycles(5, 7, 3, false, 32);
    EXPECT_EQ(c.start, 1u);
    EXPECT_EQ(c.load, 0u);
    EXPECT_EQ(c.feed, 3u);
    EXPECT_EQ(c.skew, 11u);
    EXPECT_EQ(c.store, 5u);
    EXPECT_EQ(c.total(), 3u + 7u + 2u * 5u);
    EXPECT_EQ(fn::systolic_call_cycles(5, 7, 3, true, 32).total(), 3u + 7u + 3u * 5u);
    EXPECT_EQ(fn::systolic_call_cycles(32, 32, 32, false, 32).total(), 128u);
    EXPECT_EQ(fn::systolic_call_cycles(32, 32, 32, true, 32).total(), 160u);
    EXPECT_EQ(fn::systolic_call_cycles(1, 1, 1, false, 32).total(), 4u);
    // The array size only bounds the shape.
    EXPECT_EQ(fn::systolic_call_cycles(4, 4, 4, true, 4).total(), fn::systolic_call_cycles(4, 4, 4, true, 32).total());
}

// At each built size: the formula at the limits of the array (1 and size in
// every dimension) and the first shape past them refused.
TEST(SystolicFunctional, CycleFormulaAtEverySizesBoundaries) {
    for (int S : kSystolicRtlSizes) {
        const uint64_t s = static_cast<uint64_t>(S);
        EXPECT_EQ(fn::systolic_call_cycles(S, S, S, false, S).total(), 4 * s) << S;
        EXPECT_EQ(fn::systolic_call_cycles(S, S, S, true, S).total(), 5 * s) << S;
        EXPECT_EQ(fn::systolic_call_cycles(1, 1, S, false, S).total(), s + 3) << S;
        EXPECT_EQ(fn::systolic_call_cycles(1, S, 1, false, S).total(), s + 3) << S;
        EXPECT_EQ(fn::systolic_call_cycles(S, 1, 1, false, S).total(), 2 * s + 2) << S;
        EXPECT_EQ(fn::systolic_call_cycles(S, 1, 1, true, S).total(), 3 * s + 2) << S;
        EXPECT_EQ(fn::systolic_call_cycles(S, S, S, true, S).skew, 2 * s - 1) << S;
        EXPECT_THROW(fn::systolic_call_cycles(S + 1, 1, 1, false, S), ShapeError) << S;
        EXPECT_THROW(fn::systolic_call_cycles(1, S + 1, 1, false, S), ShapeError) << S;
        EXPECT_THROW(fn::systolic_call_cycles(1, 1, S + 1, false, S), ShapeError) << S;
        // No preload: the largest product of a call cannot saturate (S * 2^14 < 2^31).
        const std::vector<int8_t> a(s * s, -128), b(s * s, -128);
        EXPECT_EQ(fn::systolic_gemm(S, S, S, a, b)[0], S * 16384) << S;
    }
}

TEST(SystolicFunctional, ShapeLimitsNameTheDimension) {
    EXPECT_NO_THROW(fn::validate_systolic_call(32, 32, 32, 32));
    for (auto [m, n, k, name] : {std::tuple{0, 1, 1, "M = 0"}, {1, 33, 1, "N = 33"}, {1, 1, 33, "K = 33"},
                                 {1, 1, 0, "K = 0"}, {17, 1, 1, "M = 17"}}) {
        try {
            fn::validate_systolic_call(m, n, k, m == 17 ? 16 : 32);
            ADD_FAILURE() << name;
        } catch (const ShapeError& e) {
            EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find("out of range [1, "), std::string::npos) << e.what();
        }
    }
}

namespace {
SystolicTileConfig parse(const std::string& text) {
    const auto v = parse_json_text(text, "test.json");
    const JsonReader root(v, "test.json");
    return parse_systolic_tile_config(root.child("systolic"));
}
void expect_config_error(const std::string& text, const std::string& what) {
    try {
        parse(text);
        ADD_FAILURE() << "accepted " << text;
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    }
}
}  // namespace

TEST(SystolicConfig, DefaultsAndFields) {
    SystolicTileConfig d;
    EXPECT_NO_THROW(d.validate("defaults"));
    EXPECT_EQ(d.size, 32);
    EXPECT_EQ(d.axi_beat_bytes(), 8);
    const auto c = parse(R"({"systolic": {"size": 16, "clock_mhz": 800, "axi_data_bits": 128,
        "max_burst_beats": 16, "irq_pulse_cycles": 4, "dma_setup_cycles": 3, "axi_burst_overhead_cycles": 1}})");
    EXPECT_EQ(c.size, 16);
    EXPECT_DOUBLE_EQ(c.clock_mhz, 800);
    EXPECT_EQ(c.axi_data_bits, 128);
    EXPECT_EQ(c.max_burst_beats, 16);
    EXPECT_EQ(c.irq_pulse_cycles, 4);
    EXPECT_EQ(c.dma_setup_cycles, 3);
    EXPECT_EQ(c.axi_burst_overhead_cycles, 1);
    EXPECT_EQ(parse(R"({"systolic": {}})").size, 32);
}

TEST(SystolicConfig, RejectsUnknownKeysAndOutOfRange) {
    expect_config_error(R"({"systolic": {"sise": 16}})", "sise");
    for (int size : {0, 1, 4, 12, 24, 33, 48, 65, 128, -8})
        expect_config_error(fmt::format(R"({{"systolic": {{"size": {}}}}})", size),
                            fmt::format("field 'systolic.size' = {} must be one of 8, 16, 32, 64", size));
    for (int size : kSystolicRtlSizes) EXPECT_EQ(parse(fmt::format(R"({{"systolic": {{"size": {}}}}})", size)).size, size);
    expect_config_error(R"({"systolic": {"clock_mhz": 0}})", "systolic.clock_mhz");
    expect_config_error(R"({"systolic": {"axi_data_bits": 48}})", "must be 32, 64 or 128");
    expect_config_error(R"({"systolic": {"max_burst_beats": 257}})", "systolic.max_burst_beats");
    expect_config_error(R"({"systolic": {"irq_pulse_cycles": 0}})", "systolic.irq_pulse_cycles");
    expect_config_error(R"({"systolic": {"dma_setup_cycles": -1}})", "systolic.dma_setup_cycles");
    expect_config_error(R"({"systolic": {"axi_burst_overhead_cycles": 1001}})", "systolic.axi_burst_overhead_cycles");
    SystolicTileConfig bad;
    bad.max_burst_beats = 0;
    try {
        bad.validate("soc.json");
        ADD_FAILURE();
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("soc.json: field 'systolic.max_burst_beats' = 0 is out of range [1, 256]"),
                  std::string::npos)
            << e.what();
    }
}

TEST(SystolicRegisters, TableIsDenseAndDocumented) {
    namespace R = systolic_regs;
    for (uint32_t i = 0; i < R::kNumRegisters; ++i) EXPECT_EQ(R::kRegisters[i].offset, 4 * i);
    EXPECT_EQ(R::kRegisters[R::kCycles / 4].access, R::Access::kRO);
    std::ifstream f(std::string(EDGEBERT_SOURCE_DIR) + "/hw/systolic/README.md");
    ASSERT_TRUE(f) << "hw/systolic/README.md";
    std::stringstream ss;
    ss << f.rdbuf();
    EXPECT_NE(ss.str().find(R::register_table_markdown()), std::string::npos)
        << "README.md's register table is stale; it must contain:\n"
        << R::register_table_markdown();
    EXPECT_STREQ(R::error_cause_name(R::ErrorCause::kDmaError), "DMA error");
}
