// The systolic array size through the whole stack: the compiler tiles every
// matmul into calls of at most size x size x size, the same program result at
// every size (INT32 sums are exact, whatever the tiling), the timed SoC equal
// to the functional platform at the smallest and largest size, fewer cycles
// for larger arrays, and the C runtime refusing shapes beyond the platform's size.
#include <gtest/gtest.h>

#include <map>

#include "common/rng.hpp"
#include "compiler/lower/lowering.hpp"
#include "eb_hal.h"
#include "eb_systolic.h"
#include "eb_systolic_regs.h"
#include "hw/soc/native_hal.hpp"
#include "hw/soc/soc.hpp"
#include "hw/systolic/functional/systolic_gemm.hpp"
#include "sim/functional/functional_platform.hpp"
#include "sim/run/soc_runner.hpp"
#include "tests/support/sc_test.hpp"

using namespace edgebert;

namespace {

hw::SocConfig soc_of_size(int size) {
    auto c = hw::load_soc_config(std::string(EDGEBERT_SOURCE_DIR) + "/configs/soc/default.json");
    c.systolic.size = size;
    return c;
}

struct Tiny {
    model::AlbertConfig cfg;
    model::AlbertWeights w;
    model::ModelInput in;
    std::map<std::string, float> act_max;
};

// 40 tokens: no size divides every dimension (40, 16, 64, 256), so edge tiles appear at every size.
Tiny tiny() {
    Tiny t;
    t.cfg = model::load_albert_config(std::string(EDGEBERT_SOURCE_DIR) + "/configs/models/albert-tiny-test.json");
    t.w = model::synthetic_albert_weights(t.cfg, 1);
    t.in = model::synthetic_input(t.cfg, 40, 1);
    model::ReferenceOptions o;
    o.layers = 1;
    o.act_max = &t.act_max;
    model::run_reference(t.cfg, t.w, t.in, o);
    return t;
}

compiler::CompiledModel compile(const Tiny& t, const hw::SocConfig& soc) {
    compiler::CompileOptions o;
    o.target = compiler::Target::Systolic;
    o.layers = 1;
    return compiler::compile_model(t.cfg, t.w, t.in, soc, o, t.act_max);
}

struct CallShapes {
    uint64_t calls = 0, macs = 0, full = 0;  // full: calls of size x size x size
    int max_m = 0, max_n = 0, max_k = 0;
};

CallShapes scan(const compiler::CompiledModel& m, int size) {
    CallShapes s;
    for (const eb_instr& in : m.program.instrs) {
        if (in.op != EB_OP_SYS_CALL) continue;
        const int mm = static_cast<int>(in.a[0] & 0xFFFF), nn = static_cast<int>((in.a[0] >> 16) & 0xFFFF),
                  kk = static_cast<int>((in.a[0] >> 32) & 0xFFFF);
        ++s.calls;
        s.macs += uint64_t(mm) * nn * kk;
        s.full += mm == size && nn == size && kk == size;
        s.max_m = std::max(s.max_m, mm), s.max_n = std::max(s.max_n, nn), s.max_k = std::max(s.max_k, kk);
    }
    return s;
}

class SystolicSizes : public edgebert::test::ScTest {};

}  // namespace

TEST_F(SystolicSizes, LoweringTilesForTheArraySizeAndTheResultDoesNotDependOnIt) {
    const Tiny t = tiny();
    uint64_t macs = 0, prev_calls = UINT64_MAX;
    std::vector<uint8_t> output;
    for (int size : hw::kSystolicRtlSizes) {
        const auto soc = soc_of_size(size);
        const auto m = compile(t, soc);
        const CallShapes s = scan(m, size);
        EXPECT_LE(s.max_m, size);
        EXPECT_LE(s.max_n, size);
        EXPECT_LE(s.max_k, size);
        // Every matmul has a dimension of 40 or more: some call reaches the size in M and K.
        EXPECT_EQ(std::min(s.max_m, s.max_k), std::min(size, 40)) << "size " << size;
        if (size <= 16) {
            EXPECT_GT(s.full, 0u) << "size " << size;
        }
        if (macs == 0) macs = s.macs;
        EXPECT_EQ(s.macs, macs) << "size " << size << ": the tiling must cover every product once";
        EXPECT_LT(s.calls, prev_calls) << "size " << size;
        prev_calls = s.calls;
        sim::FunctionalPlatform fp(soc);
        const auto r = fp.run(m);
        EXPECT_EQ(r.systolic_calls, s.calls);
        if (output.empty()) output = r.output_bytes;
        EXPECT_EQ(r.output_bytes, output) << "size " << size;
    }
}

TEST_F(SystolicSizes, SocEqualsFunctionalAndLargerArraysAreNotSlower) {
    const Tiny t = tiny();
    uint64_t prev = UINT64_MAX;
    for (int size : {8, 64}) {
        fresh_context();
        const auto soc = soc_of_size(size);
        const auto m = compile(t, soc);
        const auto timed = sim::run_on_soc(soc, m, "systolic");
        sim::FunctionalPlatform fp(soc);
        const auto fn = fp.run(m);
        EXPECT_EQ(timed.output_bytes, fn.output_bytes) << "size " << size;
        EXPECT_EQ(timed.systolic_calls, fn.systolic_calls) << "size " << size;
        EXPECT_LT(timed.total_cycles, prev) << "size " << size;
        prev = timed.total_cycles;
    }
}

// eb_systolic_run checks the shape against the platform's systolic_size before
// it touches the tile; a call of that size runs.
TEST_F(SystolicSizes, RuntimeRefusesShapesBeyondThePlatformSize) {
    const auto cfg = soc_of_size(16);
    hw::Soc soc("soc", cfg);
    const eb_platform p = hw::platform_of(cfg);
    ASSERT_EQ(p.systolic_size, 16u);
    Rng rng(3);
    std::vector<int8_t> a(16 * 16), b(16 * 16);
    for (auto& x : a) x = static_cast<int8_t>(rng.uniform_int(-128, 127));
    for (auto& x : b) x = static_cast<int8_t>(rng.uniform_int(-128, 127));
    std::vector<int32_t> c(16 * 16);
    int big = -1, narrow = -1, ok = -1;
    soc.run([&](hw::NativeHost& host) {
        hw::NativeHalScope hal(host);
        eb_systolic_init(&p);
        const uint64_t sa = p.dram_base + 0x10000, sb = sa + 0x1000, sc = sa + 0x2000;
        eb_hal_copy_to_dev(sa, a.data(), a.size());
        eb_hal_copy_to_dev(sb, b.data(), b.size());
        eb_systolic_call call{17, 16, 16, sa, sb, sc, 16, 16, 16, 0};
        big = eb_systolic_run(&p, &call);
        eb_systolic_call strided{16, 16, 16, sa, sb, sc, 15, 16, 16, 0};
        narrow = eb_systolic_run(&p, &strided);
        eb_systolic_call fits{16, 16, 16, sa, sb, sc, 16, 16, 16, 0};
        ok = eb_systolic_run(&p, &fits);
        eb_hal_copy_from_dev(c.data(), sc, c.size() * 4);
    });
    EXPECT_EQ(big, static_cast<int>(SYS_CAUSE_BAD_DIMS));
    EXPECT_EQ(narrow, static_cast<int>(SYS_CAUSE_BAD_STRIDE));
    EXPECT_EQ(ok, 0);
    EXPECT_EQ(c, hw::fn::systolic_gemm(16, 16, 16, a, b));
    // The refused calls never reached the tile.
    EXPECT_EQ(soc.systolic().stats().errors, 0u);
    EXPECT_EQ(soc.systolic().stats().calls, 1u);
}
