// The tile's datapath knobs end to end on the tiny model (compiler tiling, runtime,
// SoC): at every lane count, VMAC count and activation format the SoC equals the
// functional platform bit for bit; num_vmacs and the tile clock change cycles, not
// codes; a workload no split fits is refused naming the depth fields.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>

#include "common/error.hpp"
#include "compiler/lower/lowering.hpp"
#include "eb_program.h"
#include "sim/functional/functional_platform.hpp"
#include "sim/run/soc_runner.hpp"
#include "tests/unit/compiler/workload_setup.hpp"

using namespace edgebert;

namespace {

using Setup = test::Workload;
using test::cosine;

Setup make(int seq, int layers) { return test::make_workload("albert-tiny-test", seq, layers); }

compiler::CompiledModel compile(const Setup& s, const hw::SocConfig& soc, int layers) {
    return test::compile_edgebert(s, soc, layers);
}

hw::SocConfig with_lanes(hw::SocConfig soc, int lanes, int vmacs) {
    soc.edgebert.lanes = lanes;
    soc.edgebert.num_vmacs = vmacs;
    soc.edgebert.default_limits();  // N0 / N1 / M limits: multiples of the lanes
    soc.edgebert.validate("test");
    return soc;
}

uint64_t compute_wait(const sim::RunResult& r) {
    uint64_t c = 0;
    for (const auto& [key, cats] : r.accounts) c += cats[EB_CAT_COMPUTE];
    return c;
}

// Runs on the SoC and on the functional platform; expects the same bytes.
sim::RunResult run_both(const Setup& s, const hw::SocConfig& soc, int layers, const std::string& what) {
    const auto m = compile(s, soc, layers);
    const auto timed = sim::run_on_soc(soc, m, "edgebert");
    sim::FunctionalPlatform fp(soc);
    const auto fn = fp.run(m);
    EXPECT_FALSE(timed.output_bytes.empty()) << what;
    EXPECT_EQ(timed.output_bytes, fn.output_bytes) << what;
    EXPECT_EQ(timed.logits, fn.logits) << what;
    EXPECT_EQ(timed.entropies, fn.entropies) << what;
    EXPECT_EQ(timed.edgebert_commands, fn.edgebert_commands) << what;
    return timed;
}

}  // namespace

TEST(EdgebertKnobs, EveryLaneCountEqualsTheFunctionalPlatform) {
    // 64 tokens: a whole band at 64 lanes. Heads of 16 features are zero-padded to
    // the lanes at 32 and 64, the 32-wide embedding to 64 at 64 lanes.
    const auto s = make(64, 2);
    std::vector<float> first;
    for (int lanes : {8, 16, 32, 64}) {
        const std::string what = "lanes " + std::to_string(lanes);
        const auto r = run_both(s, with_lanes(s.soc, lanes, 16), 2, what);
        EXPECT_GT(cosine(r.hidden, s.ref.last_hidden.data), 0.98) << what;
        // Zero padding and a narrower split change no value: the same codes at every lane count.
        if (first.empty()) first = r.hidden;
        EXPECT_EQ(r.hidden, first) << what;
        // The extensions at this width: the SFU table (256 / lanes aux rows at 8 bits) and dense streams.
        hw::SocConfig ext = with_lanes(s.soc, lanes, 16);
        ext.edgebert.sfu_lut = ext.edgebert.dense_results = true;
        EXPECT_EQ(run_both(s, ext, 2, what + " lut + dense").hidden, first) << what;
    }
}

TEST(EdgebertKnobs, The8And64LaneProgramsOnTheRiscVCoreEqualTheFunctionalPlatform) {
    // The runtime built as RISC-V firmware (8-byte mask words in the splice and codecs).
    const std::string elf = std::string(EDGEBERT_FIRMWARE_DIR) + "/executor.elf";
    if (!std::ifstream(elf)) GTEST_SKIP() << elf << " not built (no RISC-V toolchain)";
    const auto s = make(64, 1);
    for (int lanes : {8, 64}) {
        const hw::SocConfig soc = with_lanes(s.soc, lanes, 16);
        const auto m = compile(s, soc, 1);
        sim::RunHooks hooks;
        hooks.iss_executor = elf;
        const auto iss = sim::run_on_soc(soc, m, "edgebert", hooks);
        sim::FunctionalPlatform fp(soc);
        EXPECT_EQ(iss.output_bytes, fp.run(m).output_bytes) << lanes << " lanes";
    }
}

TEST(EdgebertKnobs, VmacsChangeCyclesNotCodes) {
    // The optimized flow's matmuls have one band (`lanes` rows) on one side: fewer
    // VMACs than lanes take longer; more do not shorten a band's k-steps, whose
    // V weight vectors load one per cycle (docs/tile-timing.md, "num_vmacs").
    const auto s = make(32, 1);
    std::map<int, sim::RunResult> r;
    for (int vmacs : {8, 16, 32}) {
        const std::string what = "num_vmacs " + std::to_string(vmacs);
        r[vmacs] = run_both(s, with_lanes(s.soc, 16, vmacs), 1, what);
        EXPECT_EQ(r[vmacs].output_bytes, r[8].output_bytes) << what;
    }
    EXPECT_GT(r[8].events.tile_busy_cycles, r[16].events.tile_busy_cycles);
    EXPECT_GE(r[32].events.tile_busy_cycles, r[16].events.tile_busy_cycles);
    EXPECT_GT(r[8].total_cycles, r[16].total_cycles);
}

TEST(EdgebertKnobs, EveryActivationFormatEqualsTheFunctionalPlatform) {
    const auto s = make(32, 2);
    for (auto [bits, exp] : {std::pair{4, 2}, {6, 2}, {6, 3}, {8, 4}}) {
        const std::string what = "AdaptivFloat<" + std::to_string(bits) + "," + std::to_string(exp) + ">";
        hw::SocConfig soc = s.soc;
        soc.edgebert.act_format = {bits, exp};
        soc.edgebert.bias_range = hw::default_bias_range(soc.edgebert.act_format);
        soc.edgebert.validate("test");
        const auto r = run_both(s, soc, 2, what);
        const double cos = cosine(r.hidden, s.ref.last_hidden.data);
        std::printf("%s: cosine %.5f (bias range [%d, %d])\n", what.c_str(), cos, soc.edgebert.bias_range.min,
                    soc.edgebert.bias_range.max);
        EXPECT_GT(cos, bits >= 6 ? 0.8 : 0.5) << what;
        // The SFU table has one entry per code of the format (2^bits): GELU through it
        // gives the codes the splice's code map gives.
        hw::SocConfig ext = soc;
        ext.edgebert.sfu_lut = ext.edgebert.dense_results = true;
        ext.edgebert.validate("test");
        EXPECT_EQ(run_both(s, ext, 2, what + " lut + dense").hidden, r.hidden) << what;
    }
}

TEST(EdgebertKnobs, ATileAt500MHzTakesMoreCpuCyclesForTheSameTileCycles) {
    const auto s = make(32, 1);
    const auto fast = run_both(s, s.soc, 1, "1000 MHz");
    hw::SocConfig soc = s.soc;
    soc.edgebert.adpll.initial_mhz = 500;
    const auto slow = run_both(s, soc, 1, "500 MHz");
    EXPECT_EQ(slow.output_bytes, fast.output_bytes);
    EXPECT_EQ(slow.events.tile_busy_cycles, fast.events.tile_busy_cycles);
    // The CPU (1 GHz) waits two of its cycles per tile cycle instead of one.
    const uint64_t extra = compute_wait(slow) - compute_wait(fast);
    std::printf("compute wait: %llu CPU cycles at 1000 MHz, %llu at 500 MHz; tile busy %llu tile cycles\n",
                (unsigned long long)compute_wait(fast), (unsigned long long)compute_wait(slow),
                (unsigned long long)fast.events.tile_busy_cycles);
    EXPECT_GT(compute_wait(slow), compute_wait(fast));
    EXPECT_GT(double(extra), 0.5 * double(fast.events.tile_busy_cycles));
    EXPECT_GT(slow.total_cycles, fast.total_cycles);
}

TEST(EdgebertKnobs, AWorkloadNoSplitFitsIsRefusedNamingTheDepthFields) {
    // 8 lanes and 256-row SRAMs: the FFN's second linear needs a band of 256 features
    // beside its results, 256 + 2 x 8 = 272 rows.
    const auto s = make(32, 1);
    hw::SocConfig soc = with_lanes(s.soc, 8, 16);
    soc.edgebert.input_sram_depth = soc.edgebert.mask_sram_depth = 256;
    try {
        compile(s, soc, 1);
        FAIL() << "compiled";
    } catch (const ShapeError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("edgebert.input_sram_depth"), std::string::npos) << m;
        EXPECT_NE(m.find("edgebert.mask_sram_depth"), std::string::npos) << m;
        EXPECT_NE(m.find(">= 272"), std::string::npos) << m;
    }
}
