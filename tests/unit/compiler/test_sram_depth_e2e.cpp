// SRAM depth on albert-base-v2 (128 tokens, one layer): the program compiled
// for 4096 rows takes no more cycles on a 16384-row tile, and the compiler's
// program for 16384 rows (FFN2's wider weight blocks, weight-stationary with the
// next band prefetched) is not slower than the one for 4096 and computes the
// same codes.
#include <gtest/gtest.h>

#include <cstdio>

#include "sim/run/soc_runner.hpp"
#include "tests/unit/compiler/sram_depth_support.hpp"

using namespace edgebert;

TEST(SramDepthE2e, AlbertBaseIsNotSlowerOnALargerSram) {
    const test::DepthSetup s("albert-base-v2", 128, 1);
    const auto p4096 = s.compile(4096);
    const auto small = sim::run_on_soc(s.soc(4096), p4096, "edgebert");
    const auto same_on_large = sim::run_on_soc(s.soc(16384), p4096, "edgebert");
    const auto large = sim::run_on_soc(s.soc(16384), s.compile(16384), "edgebert");
    std::printf("albert-base, 128 tokens: 4096-row program on 4096 rows %llu, on 16384 rows %llu; "
                "16384-row program %llu cycles\n",
                static_cast<unsigned long long>(small.total_cycles),
                static_cast<unsigned long long>(same_on_large.total_cycles),
                static_cast<unsigned long long>(large.total_cycles));
    EXPECT_LE(same_on_large.total_cycles, small.total_cycles);
    EXPECT_EQ(same_on_large.output_bytes, small.output_bytes);
    EXPECT_LE(large.total_cycles, small.total_cycles);
    EXPECT_EQ(large.output_bytes, small.output_bytes);
}
