// The verilated arrays (one per size of kSystolicRtlSizes) against the
// functional model: results bit for bit (random operands, every edge shape,
// accumulate, saturation at both INT32 limits) and cycles equal to the closed
// form at every size; the port protocol seen by a bare driver; the FST trace.
#include <gtest/gtest.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <unistd.h>

#include "Vsystolic_array_16.h"
#include "Vsystolic_array_32.h"
#include "Vsystolic_array_64.h"
#include "Vsystolic_array_8.h"
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

// The shapes a size-S array must get right: the corners of its limits, one
// dimension at 1, and odd sizes in between.
std::vector<Shape> shapes_for(int S) {
    return {Shape{1, 1, 1},         Shape{S, S, S},          Shape{5, 7, 3},      Shape{S, 1, S},
            Shape{1, S, S},         Shape{S, S, 1},          Shape{S - 1, 2, S / 2}, Shape{2, S - 1, S},
            Shape{S / 2 + 1, S - 3, S - 1}, Shape{S - 1, S, 3}};
}

class SystolicRtlSizes : public ::testing::TestWithParam<int> {};

}  // namespace

TEST_P(SystolicRtlSizes, EqualsFunctionalModelAndClosedFormCycles) {
    const int S = GetParam();
    SystolicRtl rtl(S);
    ASSERT_EQ(rtl.size(), S);
    for (const Shape& s : shapes_for(S)) {
        Rng rng(static_cast<uint64_t>(S * 100000 + s.m * 1000 + s.n * 37 + s.k));
        for (bool acc : {false, true}) {
            for (int rep = 0; rep < 2; ++rep) {
                const auto a = random_i8(rng, static_cast<size_t>(s.m) * s.k);
                const auto b = random_i8(rng, static_cast<size_t>(s.k) * s.n);
                std::vector<int32_t> c_in(static_cast<size_t>(s.m) * s.n);
                for (auto& x : c_in) x = static_cast<int32_t>(rng.uniform_int(-2000000000, 2000000000));
                const auto expect = fn::systolic_gemm(s.m, s.n, s.k, a, b, acc ? &c_in : nullptr);
                const auto [c, cycles] = run_rtl(rtl, s, a, b, acc ? &c_in : nullptr);
                ASSERT_EQ(c, expect) << "size " << S << " M=" << s.m << " N=" << s.n << " K=" << s.k
                                     << " accumulate=" << acc;
                EXPECT_EQ(cycles, fn::systolic_call_cycles(s.m, s.n, s.k, acc, S).total())
                    << "size " << S << " M=" << s.m << " N=" << s.n << " K=" << s.k << " accumulate=" << acc;
            }
        }
    }
    // The largest call: K + N + 2M = 4S cycles, 5S accumulating.
    EXPECT_EQ(fn::systolic_call_cycles(S, S, S, false, S).total(), 4u * S);
    EXPECT_EQ(fn::systolic_call_cycles(S, S, S, true, S).total(), 5u * S);
}

TEST_P(SystolicRtlSizes, RefusesShapesOutsideTheArray) {
    const int S = GetParam();
    SystolicRtl rtl(S);
    const size_t ld = static_cast<size_t>(S) + 1;
    std::vector<int8_t> a(ld * ld), b(ld * ld);
    std::vector<int32_t> c(ld * ld);
    SystolicRtl::Call call;
    call.a = a.data(), call.b = b.data(), call.c = c.data();
    call.lda = call.ldb = call.ldc = ld;
    for (const Shape& s : {Shape{0, 1, 1}, Shape{S + 1, 1, 1}, Shape{1, S + 1, 1}, Shape{1, 1, S + 1}}) {
        call.m = s.m, call.n = s.n, call.k = s.k;
        EXPECT_THROW(rtl.run(call), ShapeError) << "size " << S << " M=" << s.m << " N=" << s.n << " K=" << s.k;
    }
    // The array still works after the refusals.
    call.m = call.n = call.k = S;
    EXPECT_EQ(rtl.run(call), 4u * S);
}

INSTANTIATE_TEST_SUITE_P(Sizes, SystolicRtlSizes, ::testing::ValuesIn(kSystolicRtlSizes),
                         [](const auto& info) { return "N" + std::to_string(info.param); });

TEST(SystolicRtl, RefusesSizesNotBuiltIn) {
    for (int size : {0, 4, 12, 31, 128}) {
        try {
            SystolicRtl rtl(size);
            ADD_FAILURE() << "size " << size << " accepted";
        } catch (const ConfigError& e) {
            EXPECT_NE(std::string(e.what()).find("8, 16, 32, 64"), std::string::npos) << e.what();
        }
    }
}

TEST_P(SystolicRtlSizes, SaturatesAtBothLimitsPerStep) {
    const int S = GetParam(), H = S / 2;
    SystolicRtl rtl(S);
    Rng rng(99);
    const Shape s{S, S, S};
    const size_t mn = static_cast<size_t>(S) * S;
    // Even rows of C_in start just below INT32_MAX, odd rows just above
    // INT32_MIN. Columns below S/2 of B are positive (even rows climb into the
    // upper limit), the others negative (odd rows fall into the lower one), and
    // a quarter of each half changes sign half-way through K, so a sum
    // saturates and then moves away from the limit again: only per-step
    // saturation gets those right. The margins stay below the first half's sum.
    std::vector<int8_t> a(mn), b(mn);
    for (int i = 0; i < S; ++i)
        for (int k = 0; k < S; ++k) a[i * S + k] = static_cast<int8_t>(k % 7 == 3 ? 100 : 127);
    for (int k = 0; k < S; ++k)
        for (int j = 0; j < S; ++j) {
            const bool positive = j < H;
            const bool flips = (j % H) >= H / 2 && (j % H) < H / 2 + H / 4 && k >= H;
            b[k * S + j] = static_cast<int8_t>(positive != flips ? 127 : -128);
        }
    std::vector<int32_t> c_in(mn);
    for (size_t x = 0; x < mn; ++x) {
        const int64_t margin = rng.uniform_int(0, int64_t{H} * 9000);
        c_in[x] = static_cast<int32_t>((x / S) % 2 == 0 ? INT32_MAX - margin : INT32_MIN + margin);
    }
    const auto expect = fn::systolic_gemm(s.m, s.n, s.k, a, b, &c_in);
    int at_max = 0, at_min = 0;
    for (int32_t v : expect) {
        at_max += v == INT32_MAX;
        at_min += v == INT32_MIN;
    }
    const int some = static_cast<int>(mn / 16);
    ASSERT_GT(at_max, some);  // the case really exercises both limits
    ASSERT_GT(at_min, some);
    int order_matters = 0;  // elements where one saturation at the end would differ
    for (int i = 0; i < S; ++i)
        for (int j = 0; j < S; ++j) {
            int64_t exact = c_in[i * S + j];
            for (int k = 0; k < S; ++k) exact += int64_t{a[i * S + k]} * b[k * S + j];
            const int64_t once = std::clamp<int64_t>(exact, INT32_MIN, INT32_MAX);
            order_matters += once != expect[i * S + j];
        }
    ASSERT_GT(order_matters, some / 2);
    std::vector<int32_t> c_final = c_in;
    const uint64_t sat_steps = fn::systolic_gemm(S, S, S, a.data(), S, b.data(), S, c_final.data(), S, true);
    EXPECT_GT(sat_steps, mn / 8);
    const auto [c, cycles] = run_rtl(rtl, s, a, b, &c_in);
    EXPECT_EQ(c, expect);
    EXPECT_EQ(cycles, 5u * S);

    // The per-step case from the functional test, in the array.
    const std::vector<int8_t> a1 = {127, -128}, b1 = {127, 127};
    const std::vector<int32_t> c1 = {INT32_MAX - 10};
    EXPECT_EQ(run_rtl(rtl, Shape{1, 1, 2}, a1, b1, &c1).first[0], INT32_MAX - 16256);
    const std::vector<int8_t> a2 = {-128, -128}, b2 = {127, -128};
    const std::vector<int32_t> c2 = {INT32_MIN + 5};
    EXPECT_EQ(run_rtl(rtl, Shape{1, 1, 2}, a2, b2, &c2).first[0], INT32_MIN + 16384);
}

TEST_P(SystolicRtlSizes, BackToBackCallsLeaveNoResidue) {
    // Shapes shrink and grow between calls on one instance: stale accumulators,
    // skew registers and buffer lanes must not leak into the next result.
    const int S = GetParam();
    SystolicRtl rtl(S);
    Rng rng(5);
    for (const Shape& s : {Shape{S, S, S}, Shape{3, 4, 5}, Shape{S, S, S}, Shape{1, 1, 1}, Shape{S - 5, 7, S}}) {
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

// The port protocol with a bare driver of the verilated class: one read per
// operand slice and per C_in row, one write per result row, busy for exactly
// the closed-form cycles and a one-cycle done pulse.
template <class Top>
void check_port_protocol(int size) {
    VerilatedContext ctx;
    Top top(&ctx, "top");
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
        const int m = 6, n = 4, k = size > 8 ? 9 : 7;
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
        EXPECT_EQ(static_cast<uint64_t>(cycles), fn::systolic_call_cycles(m, n, k, acc, size).total());
        EXPECT_EQ(busy_cycles, cycles - 1);  // busy from after the start edge up to the done edge
    }
    top.final();
}

TEST(SystolicRtl, PortProtocolWithBareDriver) {
    check_port_protocol<Vsystolic_array_8>(8);
    check_port_protocol<Vsystolic_array_16>(16);
    check_port_protocol<Vsystolic_array_32>(32);
    check_port_protocol<Vsystolic_array_64>(64);
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
        SystolicRtl rtl(32);
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

// Every size traces every PE (--trace-max-array covers the N x N views) and the
// ports at their width.
TEST_P(SystolicRtlSizes, FstHoldsEveryPe) {
    const int S = GetParam();
    const std::string fst = temp_path("systolic_rtl_" + std::to_string(S) + ".fst");
    {
        SystolicRtl rtl(S);
        rtl.open_fst(fst, 0, 1000, 1000.0);
        std::vector<int8_t> a(static_cast<size_t>(S) * S, 3), b(static_cast<size_t>(S) * S, -2);
        std::vector<int32_t> c(static_cast<size_t>(S) * S);
        SystolicRtl::Call call;
        call.m = call.n = call.k = S;
        call.a = a.data(), call.b = b.data(), call.c = c.data();
        call.lda = call.ldb = call.ldc = static_cast<size_t>(S);
        EXPECT_EQ(rtl.run(call), 4u * S);
        EXPECT_EQ(rtl.fst_traced_cycles(), 4u * S);
        rtl.close_fst();
        EXPECT_EQ(c[0], -6 * S);
    }
    const auto names = SystolicRtl::fst_signal_names(fst);
    auto has = [&](const std::string& prefix) {
        return std::any_of(names.begin(), names.end(), [&](const std::string& n) { return n.rfind(prefix, 0) == 0; });
    };
    const std::string last = fmt::format("[{}][{}]", S - 1, S - 1);
    EXPECT_TRUE(has("systolic_array.systolic_array.pe_acc" + last)) << "size " << S;
    EXPECT_TRUE(has("systolic_array.systolic_array.pe_valid" + last)) << "size " << S;
    EXPECT_FALSE(has(fmt::format("systolic_array.systolic_array.pe_acc[{}]", S))) << "size " << S;
    EXPECT_TRUE(has(fmt::format("systolic_array.a_col[{}:0]", 8 * S - 1))) << "size " << S;
    EXPECT_TRUE(has(fmt::format("systolic_array.cout_row[{}:0]", 32 * S - 1))) << "size " << S;
    std::filesystem::remove(fst);
}
