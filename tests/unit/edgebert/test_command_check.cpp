// The pure decision logic shared by the SystemC control unit and the
// functional platform (hw/edgebert/command_check.hpp).
#include <gtest/gtest.h>

#include "hw/edgebert/command_check.hpp"
#include "tests/unit/edgebert/register_file_support.hpp"

using namespace edgebert::hw;
using namespace edgebert::hw::regs;
using edgebert::test::put;

namespace {

RegisterFile matmul_regs(uint32_t n0, uint32_t n1, uint32_t m) {
    RegisterFile r{};
    put(r, "n0", n0);
    put(r, "n1", n1);
    put(r, "m", m);
    put(r, "base_output", 3000);
    put(r, "base_output_mask", 3000);
    return r;
}

CheckViolation v(ErrorCause c, HwEffect e) { return {c, e, "rule", "hw", {{"f", 1}}}; }

}  // namespace

TEST(CommandCheck, DmaReadsLandAtTheDecoderBasesWriteOutsReadTheOutputBases) {
    const EdgebertTileConfig cfg;
    RegisterFile r{};
    put(r, "flip_mem", 1);
    put(r, "base_mask1", 5);
    put(r, "base_input1", 6);
    put(r, "base_output_mask", 77);
    put(r, "base_output", 99);
    put(r, "dma_length", 9);
    put(r, "use_axi", 0);
    struct Want { uint32_t cmd; SramId sram; int first; };
    for (const Want w : {Want{kCmdMaskRead, SramId::Mask1, 5}, Want{kCmdInputRead, SramId::Input1, 6},
                         Want{kCmdMaskWrite, SramId::Mask1, 77}, Want{kCmdInputWrite, SramId::Input1, 99}}) {
        const auto p = plan_command(cfg, r, w.cmd);
        EXPECT_EQ(p.dma_job.sram, w.sram) << w.cmd;
        EXPECT_EQ(p.dma_job.first_row, w.first) << w.cmd;
        EXPECT_EQ(p.dma_job.rows, 10);
        // use_axi = 0: reads work, write-outs hang in the original.
        if (p.dma_job.to_sram) {
            EXPECT_TRUE(p.violations.empty()) << w.cmd;
        } else {
            ASSERT_EQ(p.violations.size(), 1u);
            EXPECT_EQ(p.violations[0].cause, ErrorCause::kBadMode);
            EXPECT_EQ(p.violations[0].effect, HwEffect::Hangs);
        }
    }
    put(r, "use_axi", 1);
    EXPECT_TRUE(plan_command(cfg, r, kCmdInputWrite).violations.empty());
    put(r, "base_output", 4090);
    const auto p = plan_command(cfg, r, kCmdInputWrite);
    ASSERT_EQ(p.violations.size(), 1u);
    EXPECT_EQ(p.violations[0].cause, ErrorCause::kSramOverflow);
    EXPECT_EQ(p.violations[0].effect, HwEffect::Runs);
}

TEST(CommandCheck, MatmulDimensionsAsTheOriginalsCounters) {
    const EdgebertTileConfig cfg;
    struct Dims { uint32_t n0, n1, m; size_t violations; HwEffect effect; int n0_run; };
    for (const Dims d : {Dims{32, 32, 64, 0, HwEffect::Runs, 32}, Dims{40, 32, 64, 1, HwEffect::Runs, 32},
                         Dims{8, 32, 64, 1, HwEffect::Runs, 0}, Dims{32, 0, 64, 1, HwEffect::Runs, 0},
                         Dims{0, 24, 0, 1, HwEffect::Runs, 0},  // no output expected: done at once
                         Dims{32, 24, 64, 1, HwEffect::Hangs, 32}, Dims{32, 32, 0, 1, HwEffect::Hangs, 32},
                         Dims{32, 32, 40, 1, HwEffect::Hangs, 32}}) {
        const auto p = plan_command(cfg, matmul_regs(d.n0, d.n1, d.m), kCmdMatmul);
        ASSERT_EQ(p.violations.size(), d.violations) << d.n0 << " " << d.n1 << " " << d.m;
        if (!d.violations) continue;
        EXPECT_EQ(p.violations[0].cause, ErrorCause::kBadDims);
        EXPECT_EQ(p.violations[0].effect, d.effect) << d.n0 << " " << d.n1 << " " << d.m;
        if (d.effect == HwEffect::Runs) {
            EXPECT_EQ(p.matmul.params.n0, d.n0_run);
        }
        if (d.effect == HwEffect::Hangs) {
            EXPECT_EQ(p.violations[0].hardware, kHangsText);
        }
    }
}

TEST(CommandCheck, ComputeRoutingAndUnknownCommands) {
    const EdgebertTileConfig cfg;
    RegisterFile r = matmul_regs(32, 32, 64);
    put(r, "use_axi", 1);
    auto p = plan_command(cfg, r, kCmdMatmul);
    ASSERT_FALSE(p.violations.empty());
    EXPECT_EQ(p.violations[0].cause, ErrorCause::kBadMode);
    put(r, "use_axi", 0);
    put(r, "use_gb", 1);
    put(r, "gb_mode", kGbLayerNorm);
    put(r, "num_vector", 4);
    put(r, "num_timestep", 2);
    EXPECT_TRUE(plan_command(cfg, r, kCmdLayerNorm).violations.empty());
    p = plan_command(cfg, r, kCmdSoftmax);
    ASSERT_EQ(p.violations.size(), 1u);
    EXPECT_EQ(p.violations[0].effect, HwEffect::Hangs);
    p = plan_command(cfg, r, 13);
    EXPECT_FALSE(p.known);
    ASSERT_EQ(p.violations.size(), 1u);
    EXPECT_EQ(p.violations[0].effect, HwEffect::Ignored);
}

TEST(CommandCheck, DecideByMode) {
    const std::vector<CheckViolation> runs = {v(ErrorCause::kSramOverflow, HwEffect::Runs),
                                              v(ErrorCause::kBadDims, HwEffect::Runs),
                                              v(ErrorCause::kSramOverflow, HwEffect::Runs)};
    auto d = decide(CheckMode::Strict, runs);
    EXPECT_FALSE(d.run);
    EXPECT_EQ(d.refuse, ErrorCause::kSramOverflow);
    EXPECT_TRUE(d.warnings.empty());
    d = decide(CheckMode::Silicon, runs);
    EXPECT_TRUE(d.run);
    EXPECT_EQ(d.refuse, ErrorCause::kNone);
    ASSERT_EQ(d.warnings.size(), 2u);  // one per cause
    EXPECT_EQ(d.warnings[1].cause, ErrorCause::kBadDims);
    d = decide(CheckMode::Silicon, {v(ErrorCause::kErrorPending, HwEffect::Runs), v(ErrorCause::kUnknownCommand, HwEffect::Ignored)});
    EXPECT_FALSE(d.run);
    EXPECT_EQ(d.refuse, ErrorCause::kNone);
    ASSERT_EQ(d.warnings.size(), 1u);
    EXPECT_EQ(d.warnings[0].cause, ErrorCause::kUnknownCommand);
    d = decide(CheckMode::Silicon, {v(ErrorCause::kBusy, HwEffect::Runs), v(ErrorCause::kBadMode, HwEffect::Hangs)});
    EXPECT_FALSE(d.run);
    EXPECT_EQ(d.refuse, ErrorCause::kBadMode);
    ASSERT_EQ(d.warnings.size(), 1u);
    EXPECT_EQ(d.warnings[0].cause, ErrorCause::kBadMode);
    d = decide(CheckMode::Strict, {});
    EXPECT_TRUE(d.run);
}

TEST(CommandCheck, RangesConflictAcrossTheWrap) {
    EdgebertTileConfig cfg;
    cfg.checks = CheckMode::Silicon;
    const std::vector<SramRange> dma = {{SramId::Mask0, 4090, 16, true}};  // rows 4090..4095, 0..9
    EXPECT_TRUE(ranges_conflict(cfg, dma, {{SramId::Mask0, 3, 2, false}}));
    EXPECT_TRUE(ranges_conflict(cfg, dma, {{SramId::Mask0, 4000, 91, false}}));
    EXPECT_FALSE(ranges_conflict(cfg, dma, {{SramId::Mask0, 10, 4080, false}}));
    EXPECT_FALSE(ranges_conflict(cfg, dma, {{SramId::Mask1, 0, 16, false}}));
    EXPECT_FALSE(ranges_conflict(cfg, {{SramId::Mask0, 0, 16, false}}, {{SramId::Mask0, 0, 16, false}}));
    // A wrapping command's footprint: at most the whole SRAM, from its base.
    RegisterFile r{};
    put(r, "aux_dma_base", 250);
    put(r, "aux_dma_length", 15);
    const auto p = plan_command(cfg, r, kCmdAuxRead);
    ASSERT_EQ(p.footprint.size(), 1u);
    EXPECT_EQ(p.footprint[0].first, 250);
    EXPECT_EQ(p.footprint[0].count, 16);
    EXPECT_TRUE(ranges_conflict(cfg, p.footprint, {{SramId::Aux, 5, 1, false}}));
}
