// The verilated array against the functional model: results bit for bit
// (random operands, every edge shape, accumulate, saturation at both INT32
// limits) and cycles equal to the closed form; the port protocol seen by a
// bare driver; the FST trace.
#include <gtest/gtest.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "Vsystolic_array.h"
#include "common/error.hpp"
#include "common/rng.hpp"
#include "hw/systolic/functional/systolic_gemm.hpp"
#include "hw/systolic/systolic_config.hpp"
#include "hw/systolic/systolic_rtl.hpp"
#include "verilated.h"

using namespace edgebert;
using namespace edgebert::hw;

namespace {

struct Shape {
    int m, n, k;
};

std::vector<int8_t> random_i8(Rng& rng, size_t n) {
    std::vector<int8_t> v(n);
    for (auto& x : v) x = static_cast<int8_t>(rng.uniform_int(-128, 127));
    return v;
}

// One call through SystolicRtl with packed operands; returns C and the cycles.
std::pair<std::vector<int32_t>, uint64_t> run_rtl(SystolicRtl& rtl, const Shape& s, const std::vector<int8_t>& a,
                                                  const std::vector<int8_t>& b, const std::vector<int32_t>* c_in) {
    std::vector<int32_t> c = c_in ? *c_in : std::vector<int32_t>(static_cast<size_t>(s.m) * s.n, 0x5A5A5A5A);
    SystolicRtl::Call call;
    call.m = s.m, call.n = s.n, call.k = s.k;
    call.accumulate = c_in != nullptr;
    call.a = a.data(), call.lda = static_cast<size_t>(s.k);
    call.b = b.data(), call.ldb = static_cast<size_t>(s.n);
    call.c = c.data(), call.ldc = static_cast<size_t>(s.n);
    const uint64_t cycles = rtl.run(call);
    return {c, cycles};
}

class SystolicRtlShapes : public ::testing::TestWithParam<Shape> {};

}  // namespace

TEST_P(SystolicRtlShapes, EqualsFunctionalModelAndClosedFormCycles) {
    const Shape s = GetParam();
    SystolicRtl rtl;
    Rng rng(static_cast<uint64_t>(s.m * 1000 + s.n * 37 + s.k));
    for (bool acc : {false, true}) {
        for (int rep = 0; rep < 2; ++rep) {
            const auto a = random_i8(rng, static_cast<size_t>(s.m) * s.k);
            const auto b = random_i8(rng, static_cast<size_t>(s.k) * s.n);
            std::vector<int32_t> c_in(static_cast<size_t>(s.m) * s.n);
            for (auto& x : c_in) x = static_cast<int32_t>(rng.uniform_int(-2000000000, 2000000000));
            const auto expect = fn::systolic_gemm(s.m, s.n, s.k, a, b, acc ? &c_in : nullptr);
            const auto [c, cycles] = run_rtl(rtl, s, a, b, acc ? &c_in : nullptr);
            ASSERT_EQ(c, expect) << "M=" << s.m << " N=" << s.n << " K=" << s.k << " accumulate=" << acc;
            EXPECT_EQ(cycles, fn::systolic_call_cycles(s.m, s.n, s.k, acc, kSystolicRtlSize).total())
                << "M=" << s.m << " N=" << s.n << " K=" << s.k << " accumulate=" << acc;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Shapes, SystolicRtlShapes,
                         ::testing::Values(Shape{1, 1, 1}, Shape{32, 32, 32}, Shape{5, 7, 3}, Shape{32, 1, 32},
                                           Shape{1, 32, 32}, Shape{32, 32, 1}, Shape{17, 23, 9}, Shape{2, 31, 16},
                                           Shape{31, 2, 30}),
                         [](const auto& info) {
                             return "M" + std::to_string(info.param.m) + "N" + std::to_string(info.param.n) + "K" +
                                    std::to_string(info.param.k);
                         });

TEST(SystolicRtl, SaturatesAtBothLimitsPerStep) {
    SystolicRtl rtl;
    Rng rng(99);
    const Shape s{32, 32, 32};
    const size_t mn = 32 * 32;
    // Even rows of C_in start just below INT32_MAX, odd rows just above
    // INT32_MIN. Columns 0-15 of B are positive (even rows climb into the upper
    // limit), columns 16-31 negative (odd rows fall into the lower one), and
    // columns 8-11 and 24-27 change sign half-way, so a sum saturates and then
    // moves away from the limit again: only per-step saturation gets those right.
    std::vector<int8_t> a(32 * 32), b(32 * 32);
    for (int i = 0; i < 32; ++i)
        for (int k = 0; k < 32; ++k) a[i * 32 + k] = static_cast<int8_t>(k % 7 == 3 ? 100 : 127);
    for (int k = 0; k < 32; ++k)
        for (int j = 0; j < 32; ++j) {
            const bool positive = j < 16;
            const bool flips = (j % 16) >= 8 && (j % 16) < 12 && k >= 16;
            b[k * 32 + j] = static_cast<int8_t>(positive != flips ? 127 : -128);
        }
    std::vector<int32_t> c_in(mn);
    for (size_t x = 0; x < mn; ++x) {
        const int64_t margin = rng.uniform_int(0, 300000);
        c_in[x] = static_cast<int32_t>((x / 32) % 2 == 0 ? INT32_MAX - margin : INT32_MIN + margin);
    }
    const auto expect = fn::systolic_gemm(s.m, s.n, s.k, a, b, &c_in);
    int at_max = 0, at_min = 0;
    for (int32_t v : expect) {
        at_max += v == INT32_MAX;
        at_min += v == INT32_MIN;
    }
    ASSERT_GT(at_max, 10);  // the case really exercises both limits
    ASSERT_GT(at_min, 10);
    int order_matters = 0;  // elements where one saturation at the end would differ
    for (int i = 0; i < 32; ++i)
        for (int j = 0; j < 32; ++j) {
            int64_t exact = c_in[i * 32 + j];
            for (int k = 0; k < 32; ++k) exact += int64_t{a[i * 32 + k]} * b[k * 32 + j];
            const int64_t once = std::clamp<int64_t>(exact, INT32_MIN, INT32_MAX);
            order_matters += once != expect[i * 32 + j];
        }
    ASSERT_GT(order_matters, 10);
    std::vector<int32_t> c_final = c_in;
    uint64_t sat_steps = fn::systolic_gemm(32, 32, 32, a.data(), 32, b.data(), 32, c_final.data(), 32, true);
    EXPECT_GT(sat_steps, 100u);
    const auto [c, cycles] = run_rtl(rtl, s, a, b, &c_in);
    EXPECT_EQ(c, expect);
    EXPECT_EQ(cycles, 160u);

    // The per-step case from the functional test, in the array.
    const std::vector<int8_t> a1 = {127, -128}, b1 = {127, 127};
    const std::vector<int32_t> c1 = {INT32_MAX - 10};
    EXPECT_EQ(run_rtl(rtl, Shape{1, 1, 2}, a1, b1, &c1).first[0], INT32_MAX - 16256);
    const std::vector<int8_t> a2 = {-128, -128}, b2 = {127, -128};
    const std::vector<int32_t> c2 = {INT32_MIN + 5};
    EXPECT_EQ(run_rtl(rtl, Shape{1, 1, 2}, a2, b2, &c2).first[0], INT32_MIN + 16384);
}

TEST(SystolicRtl, BackToBackCallsLeaveNoResidue) {
    // Shapes shrink and grow between calls on one instance: stale accumulators,
    // skew registers and buffer lanes must not leak into the next result.
    SystolicRtl rtl;
    Rng rng(5);
    for (const Shape& s : {Shape{32, 32, 32}, Shape{3, 4, 5}, Shape{32, 32, 32}, Shape{1, 1, 1}, Shape{20, 9, 32}}) {
        for (bool acc : {true, false}) {
            const auto a = random_i8(rng, static_cast<size_t>(s.m) * s.k);
            const auto b = random_i8(rng, static_cast<size_t>(s.k) * s.n);
            std::vector<int32_t> c_in(static_cast<size_t>(s.m) * s.n);
            for (auto& x : c_in) x = static_cast<int32_t>(rng.uniform_int(-1000, 1000));
            EXPECT_EQ(run_rtl(rtl, s, a, b, acc ? &c_in : nullptr).first,
                      fn::systolic_gemm(s.m, s.n, s.k, a, b, acc ? &c_in : nullptr));
        }
    }
}

TEST(SystolicRtl, RefusesShapesOutsideTheArray) {
    SystolicRtl rtl;
    std::vector<int8_t> a(33 * 33), b(33 * 33);
    std::vector<int32_t> c(33 * 33);
    SystolicRtl::Call call;
    call.a = a.data(), call.b = b.data(), call.c = c.data();
    call.lda = call.ldb = call.ldc = 33;
    for (const Shape& s : {Shape{0, 1, 1}, Shape{33, 1, 1}, Shape{1, 33, 1}, Shape{1, 1, 33}}) {
        call.m = s.m, call.n = s.n, call.k = s.k;
        EXPECT_THROW(rtl.run(call), ShapeError);
    }
}

// The port protocol with a bare driver of the verilated class: one read per
// operand slice and per C_in row, one write per result row, busy for exactly
// the closed-form cycles and a one-cycle done pulse.
TEST(SystolicRtl, PortProtocolWithBareDriver) {
    VerilatedContext ctx;
    Vsystolic_array top(&ctx, "top");
    auto edge = [&] {
        top.clk = 0;
        top.eval();
        top.clk = 1;
        top.eval();
    };
    top.rst_n = 0;
    top.start = 0;
    edge();
    edge();
    top.rst_n = 1;
    for (bool acc : {false, true}) {
        const int m = 6, n = 4, k = 9;
        top.dim_m = m;
        top.dim_n = n;
        top.dim_k = k;
        top.accumulate = acc;
        top.start = 1;
        int op_reads = 0, cin_reads = 0, writes = 0, busy_cycles = 0, cycles = 0, done_cycles = 0;
        std::vector<int> cin_rows, out_rows, op_ks;
        for (; cycles < 200; ++cycles) {
            top.clk = 0;
            top.eval();
            if (top.op_rd_en) ++op_reads, op_ks.push_back(top.op_rd_k);
            if (top.cin_rd_en) ++cin_reads, cin_rows.push_back(top.cin_rd_row);
            if (top.cout_wr_en) ++writes, out_rows.push_back(top.cout_wr_row);
            top.clk = 1;
            top.eval();
            top.start = 0;
            busy_cycles += top.busy;
            if (top.done) break;
        }
        ++cycles;
        // done stays high for one cycle only.
        edge();
        done_cycles += top.done;
        EXPECT_EQ(done_cycles, 0);
        EXPECT_FALSE(top.busy);
        EXPECT_EQ(op_reads, k);
        EXPECT_EQ(cin_reads, acc ? m : 0);
        EXPECT_EQ(writes, m);
        for (int i = 0; i < k; ++i) EXPECT_EQ(op_ks[i], i);
        for (int i = 0; i < m; ++i) EXPECT_EQ(out_rows[i], i);
        for (int i = 0; acc && i < m; ++i) EXPECT_EQ(cin_rows[i], m - 1 - i);  // preload shifts south: last row first
        EXPECT_EQ(static_cast<uint64_t>(cycles), fn::systolic_call_cycles(m, n, k, acc, 32).total());
        EXPECT_EQ(busy_cycles, cycles - 1);  // busy from after the start edge up to the done edge
    }
    top.final();
}

namespace {
std::string temp_path(const std::string& name) {
    return (std::filesystem::temp_directory_path() / (name + "_" + std::to_string(::getpid()))).string();
}
std::string slurp(const std::string& path) {
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}
}  // namespace

TEST(SystolicRtl, FstTraceOfAWindow) {
    const std::string fst = temp_path("systolic_rtl.fst"), vcd = temp_path("systolic_rtl.vcd");
    {
        SystolicRtl rtl;
        EXPECT_FALSE(rtl.tracing());
        rtl.open_fst(fst, 105, 110, 1000.0);
        EXPECT_TRUE(rtl.tracing());
        Rng rng(3);
        const Shape s{8, 8, 8};
        const auto a = random_i8(rng, 64), b = random_i8(rng, 64);
        std::vector<int32_t> c(64);
        SystolicRtl::Call call;
        call.m = call.n = call.k = 8;
        call.a = a.data(), call.b = b.data(), call.c = c.data();
        call.lda = call.ldb = call.ldc = 8;
        const uint64_t cycles = rtl.run(call, 100);  // cycles 100 .. 131
        EXPECT_EQ(cycles, 32u);
        rtl.close_fst();
        EXPECT_FALSE(rtl.tracing());
        EXPECT_EQ(c, fn::systolic_gemm(s.m, s.n, s.k, a, b));
    }
    ASSERT_TRUE(std::filesystem::exists(fst));
    EXPECT_GT(std::filesystem::file_size(fst), 0u);
    if (std::system("command -v fst2vcd >/dev/null 2>&1") != 0) {
        std::filesystem::remove(fst);
        GTEST_SKIP() << "fst2vcd (gtkwave) not installed";
    }
    ASSERT_EQ(std::system(("fst2vcd -f " + fst + " -o " + vcd + " >/dev/null 2>&1").c_str()), 0);
    const std::string text = slurp(vcd);
    EXPECT_NE(text.find("pe_acc"), std::string::npos);
    EXPECT_NE(text.find("$timescale"), std::string::npos);
    // Dumps only for cycles 105..109: clock low at c * 1000 ps, high at c * 1000 + 500.
    EXPECT_NE(text.find("#105000"), std::string::npos);
    EXPECT_NE(text.find("#109500"), std::string::npos);
    EXPECT_EQ(text.find("#104500"), std::string::npos);
    EXPECT_EQ(text.find("#110000"), std::string::npos);
    std::filesystem::remove(fst);
    std::filesystem::remove(vcd);
}
