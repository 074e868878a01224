// SRAM depth and the EdgeBERT target: a larger SRAM never increases the cycles
// of the same program (the extended register layout costs no register write a
// program does not need), the compiler's own program for a larger depth is not
// slower and computes the same codes, and a workload that does not fit is
// refused naming the depth fields and the rows it needs. The albert-base check
// is in test_sram_depth_e2e (label e2e).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/error.hpp"
#include "compiler/lower/lowering.hpp"
#include "sim/functional/functional_platform.hpp"
#include "sim/run/soc_runner.hpp"
#include "tests/unit/compiler/sram_depth_support.hpp"

using namespace edgebert;
using edgebert::test::DepthSetup;

TEST(SramDepth, TheSameProgramNeverTakesMoreCyclesOnALargerSram) {
    const DepthSetup s("albert-tiny-test", 64, 2);
    // The program compiled for the smallest depth the model fits, on ever larger tiles
    // (published layout up to 4096 rows, extended beyond).
    const auto program = s.compile(1024);
    uint64_t prev = 0;
    std::vector<uint8_t> bytes;
    for (int depth : {1024, 2048, 4096, 8192, 16384}) {
        const auto r = sim::run_on_soc(s.soc(depth), program, "edgebert");
        std::printf("tiny, program for 1024 rows on %5d rows: %llu cycles\n", depth,
                    static_cast<unsigned long long>(r.total_cycles));
        if (prev) {
            EXPECT_LE(r.total_cycles, prev) << depth << " rows";
        }
        prev = r.total_cycles;
        if (bytes.empty()) bytes = r.output_bytes;
        EXPECT_EQ(r.output_bytes, bytes) << depth << " rows";
    }
}

TEST(SramDepth, TheCompilersProgramForALargerSramIsNotSlowerAndComputesTheSame) {
    const DepthSetup s("albert-tiny-test", 64, 2);
    uint64_t prev = 0;
    std::vector<uint8_t> bytes;
    for (int depth : {512, 1024, 4096, 8192, 16384}) {
        const auto soc = s.soc(depth);
        const auto m = s.compile(depth);
        const auto r = sim::run_on_soc(soc, m, "edgebert");
        std::printf("tiny, compiled for %5d rows: %llu cycles\n", depth, static_cast<unsigned long long>(r.total_cycles));
        if (prev) {
            EXPECT_LE(r.total_cycles, prev) << depth << " rows";
        }
        prev = r.total_cycles;
        if (bytes.empty()) bytes = r.output_bytes;
        EXPECT_EQ(r.output_bytes, bytes) << depth << " rows: the plan changed the codes";
        if (depth == 8192) {  // the extended layout's program on the functional platform, bit for bit
            sim::FunctionalPlatform fp(soc);
            EXPECT_EQ(fp.run(m).output_bytes, r.output_bytes);
        }
    }
}

TEST(SramDepth, ThesisModeIsNotSlowerOnALargerSram) {
    // The published driver's flow (runtime/src/eb_thesis_edgebert.c) sizes its batches, result rows
    // and DRAM staging area from the tile's depth; results stay in the rows the published fields
    // address when they fit there, so the extended layout's extension registers are written only when
    // needed. Its staging area is compiled for one depth: a program for 4096 rows is refused on a
    // deeper tile (its buffers would run past the area) instead of corrupting memory.
    const DepthSetup s("albert-tiny-test", 64, 1);
    const auto program = s.compile(4096, compiler::Mode::Thesis);
    const auto base = sim::run_on_soc(s.soc(4096), program, "edgebert");
    for (int depth : {8192, 65536}) {
        const auto own = sim::run_on_soc(s.soc(depth), s.compile(depth, compiler::Mode::Thesis), "edgebert");
        std::printf("tiny thesis: %d rows %llu cycles (4096: %llu)\n", depth,
                    static_cast<unsigned long long>(own.total_cycles),
                    static_cast<unsigned long long>(base.total_cycles));
        EXPECT_LE(own.total_cycles, base.total_cycles) << depth << " rows";
        EXPECT_EQ(own.output_bytes, base.output_bytes) << depth << " rows";
        sim::FunctionalPlatform fp(s.soc(depth));
        try {
            fp.run(program);
            ADD_FAILURE() << "a 4096-row staging area used on " << depth << " rows";
        } catch (const Error& e) {
            std::printf("refused: %s\n", e.what());
        }
    }
}

TEST(SramDepth, AWorkloadThatDoesNotFitIsRefusedNamingTheDepthFields) {
    const DepthSetup s("albert-tiny-test", 64, 1);
    try {
        s.compile(256);
        ADD_FAILURE() << "the tiny model compiled for 256-row SRAMs";
    } catch (const ShapeError& e) {
        const std::string w = e.what();
        EXPECT_NE(w.find("edgebert.input_sram_depth = 256"), std::string::npos) << w;
        EXPECT_NE(w.find("edgebert.mask_sram_depth = 256"), std::string::npos) << w;
        EXPECT_NE(w.find(">= 2"), std::string::npos) << w;  // the rows it needs (>= 288 for a 256-feature band)
    }
}
