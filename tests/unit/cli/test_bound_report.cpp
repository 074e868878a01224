// The EdgeBERT bound of a run report (sim/run/bound_report.hpp) on hand-built
// statistics: sparsity gating, which resource binds, clock conversion, the CPU
// share, the statistics a run result supplies and the report's keys.
#include <gtest/gtest.h>

#include <string>

#include "hw/edgebert/adpll.hpp"
#include "sim/run/bound_report.hpp"
#include "sim/run/soc_runner.hpp"

namespace edgebert::sim {
namespace {

// 256 MACs per tile cycle, 8-byte AXI beats, both clocks 1 GHz.
BoundInputs base() {
    BoundInputs in;
    in.lanes = 16, in.num_vmacs = 16, in.axi_beat_bytes = 8;
    in.tile_mhz = 1000, in.cycle_mhz = 1000;
    in.macs_issued = 256 * 1000;  // 1000 cycles of issued MACs
    in.macs_gated = 256 * 3000;   // 3000 more cycles' worth, gated by zero vectors
    in.dma_bytes = 8 * 500;       // 500 beats
    in.sfu_vectors = 300;
    in.total_cycles = 100000;
    in.compute_wait_cycles = 2000;
    in.cpu_cycles = 90000;
    return in;
}

TEST(BoundReport, ComputeBoundCountsOnlyTheMacsTheGatingLeaves) {
    const auto b = compute_bound(base());
    EXPECT_EQ(b.macs_dense, 256u * 4000);
    EXPECT_EQ(b.macs_effective, 256u * 1000);
    EXPECT_DOUBLE_EQ(b.peak_macs_per_cycle, 256);
    EXPECT_DOUBLE_EQ(b.compute_bound_cycles, 1000);  // not the dense 4000
    EXPECT_DOUBLE_EQ(b.dma_bound_cycles, 500);
    EXPECT_DOUBLE_EQ(b.sfu_bound_cycles, 300);
    EXPECT_EQ(b.binding, "macs");
    EXPECT_DOUBLE_EQ(b.bound_cycles, 1000);
    EXPECT_DOUBLE_EQ(b.total_over_bound, 100);
    EXPECT_DOUBLE_EQ(b.tile_compute_over_bound, 2);
    EXPECT_EQ(b.cpu_cycles, 90000u);
    EXPECT_DOUBLE_EQ(b.cpu_share, 0.9);
}

TEST(BoundReport, MoreGatingHandsTheBoundToTheDma) {
    auto in = base();
    in.macs_issued = 256 * 400, in.macs_gated = 256 * 3600;  // same dense work, sparser operands
    const auto b = compute_bound(in);
    EXPECT_EQ(b.macs_dense, 256u * 4000);
    EXPECT_DOUBLE_EQ(b.compute_bound_cycles, 400);
    EXPECT_EQ(b.binding, "dma");
    EXPECT_DOUBLE_EQ(b.bound_cycles, 500);
    EXPECT_DOUBLE_EQ(b.total_over_bound, 200);
}

TEST(BoundReport, TheSfuBindsAtOneVectorPerCycle) {
    auto in = base();
    in.sfu_vectors = 1500;
    const auto b = compute_bound(in);
    EXPECT_EQ(b.binding, "sfu");
    EXPECT_DOUBLE_EQ(b.bound_cycles, 1500);
}

TEST(BoundReport, ATieGoesToTheFirstResource) {
    auto in = base();
    in.dma_bytes = 8 * 1000;  // 1000 beats, as many cycles as the MACs
    EXPECT_EQ(compute_bound(in).binding, "macs");
    in.sfu_vectors = 1000, in.macs_issued = 0;
    EXPECT_EQ(compute_bound(in).binding, "dma");
}

TEST(BoundReport, TileCyclesAreConvertedToTheReportClock) {
    auto in = base();
    in.tile_mhz = 500;  // a tile cycle is two CPU cycles
    const auto b = compute_bound(in);
    EXPECT_DOUBLE_EQ(b.compute_bound_cycles, 2000);
    EXPECT_DOUBLE_EQ(b.dma_bound_cycles, 1000);
    EXPECT_DOUBLE_EQ(b.sfu_bound_cycles, 600);
    EXPECT_DOUBLE_EQ(b.bound_cycles, 2000);
    EXPECT_DOUBLE_EQ(b.total_over_bound, 50);
}

TEST(BoundReport, NoTileWorkGivesNoBindingAndNoRatios) {
    BoundInputs in;
    in.total_cycles = 1234, in.cpu_cycles = 1234;
    const auto b = compute_bound(in);
    EXPECT_EQ(b.binding, "none");
    EXPECT_DOUBLE_EQ(b.bound_cycles, 0);
    EXPECT_DOUBLE_EQ(b.total_over_bound, 0);
    EXPECT_DOUBLE_EQ(b.tile_compute_over_bound, 0);
    EXPECT_DOUBLE_EQ(b.cpu_share, 1);
}

TEST(BoundReport, InputsComeFromTheRunResult) {
    hw::SocConfig soc;
    soc.cpu_clock_mhz = 800;
    soc.edgebert.adpll.initial_mhz = 600;  // rounded to the ADPLL's nearest DCO code
    RunResult r;
    r.events.tile_macs = 5000, r.events.tile_gated_macs = 700, r.events.tile_sfu_vectors = 42;
    r.edgebert_dma_bytes = 4096;
    hw::CategoryCycles a{}, b{};
    a[size_t(hw::HostCategory::Register)] = 1, a[size_t(hw::HostCategory::Read)] = 2;
    a[size_t(hw::HostCategory::Write)] = 4, a[size_t(hw::HostCategory::Compute)] = 8;
    a[size_t(hw::HostCategory::Malloc)] = 16, a[size_t(hw::HostCategory::Memset)] = 32;
    b[size_t(hw::HostCategory::Transpose)] = 64, b[size_t(hw::HostCategory::CpuCompute)] = 128;
    b[size_t(hw::HostCategory::Flush)] = 256, b[size_t(hw::HostCategory::Compute)] = 512;
    r.accounts[{0, 1, "q_proj"}] = a;
    r.accounts[{0, 3, "ffn1"}] = b;
    const auto in = bound_inputs(soc, r);
    EXPECT_EQ(in.macs_issued, 5000u);
    EXPECT_EQ(in.macs_gated, 700u);
    EXPECT_EQ(in.sfu_vectors, 42u);
    EXPECT_EQ(in.dma_bytes, 4096u);
    EXPECT_EQ(in.lanes, 16);
    EXPECT_EQ(in.num_vmacs, 16);
    EXPECT_EQ(in.axi_beat_bytes, 8);
    const double code_mhz = hw::Adpll::code_to_mhz(soc.edgebert.adpll, hw::Adpll::mhz_to_code(soc.edgebert.adpll, 600));
    EXPECT_NE(code_mhz, 600.0);
    EXPECT_DOUBLE_EQ(in.tile_mhz, code_mhz);
    EXPECT_DOUBLE_EQ(in.cycle_mhz, 800);
    EXPECT_EQ(in.total_cycles, 1023u);
    EXPECT_EQ(in.compute_wait_cycles, 520u);
    EXPECT_EQ(in.cpu_cycles, 16u + 32 + 64 + 128);  // malloc, memset, transpose, cpu_compute
}

TEST(BoundReport, JsonKeysAndTheTerminalLine) {
    auto in = base();
    in.macs_issued = 256 * 400, in.macs_gated = 256 * 3600;
    const auto j = bound_json(compute_bound(in), in);
    for (const char* k : {"binding", "bound_cycles", "compute_bound_cycles", "dma_bound_cycles", "sfu_bound_cycles",
                          "macs_dense", "macs_effective", "peak_macs_per_cycle", "dma_bytes", "sfu_vectors",
                          "tile_clock_mhz", "cycle_clock_mhz", "total_over_bound", "tile_compute_over_bound",
                          "cpu_cycles", "cpu_share"})
        EXPECT_TRUE(j.contains(k)) << k;
    EXPECT_EQ(j.size(), 16u);
    EXPECT_EQ(j.at("binding").as_string(), "dma");
    EXPECT_EQ(j.at("macs_effective").to_number<uint64_t>(), 256u * 400);
    const std::string line = bound_line(j);
    EXPECT_NE(line.find("EdgeBERT bound: 500 cycles, set by dma"), std::string::npos) << line;
    EXPECT_NE(line.find("MACs 400 at 256 MAC/cycle, 90 % of the dense MACs gated"), std::string::npos) << line;
    EXPECT_NE(line.find("the run takes 200.0x the bound, CPU work 90.0 % of it"), std::string::npos) << line;
}

}  // namespace
}  // namespace edgebert::sim
