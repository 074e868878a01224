// albert-base-v2, one layer, 128 tokens, on the SoC at other lane counts and
// activation formats than the published 16 lanes of AdaptivFloat<8,3>: the
// compiler's splits (a head's weights in column and row pieces at 8 lanes) keep
// the accuracy; narrower formats lose what their precision loses.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "compiler/lower/lowering.hpp"
#include "sim/run/soc_runner.hpp"
#include "tests/unit/compiler/workload_setup.hpp"

using namespace edgebert;

namespace {

using Setup = test::Workload;

// The default workload: albert-base-v2, synthetic weights pruned to 50 % as `run` does, 128 tokens.
Setup make() { return test::make_workload("albert-base-v2", 128, 1, 0, 0.5); }

double run_cosine(const Setup& s, const hw::SocConfig& soc) {
    const auto r = sim::run_on_soc(soc, test::compile_edgebert(s, soc, 1), "edgebert");
    return test::cosine(r.hidden, s.ref.last_hidden.data);
}

}  // namespace

TEST(EdgebertKnobsE2e, AlbertBaseAt8And32Lanes) {
    const auto s = make();
    for (int lanes : {32, 8}) {
        hw::SocConfig soc = s.soc;
        soc.edgebert.lanes = lanes;
        soc.edgebert.default_limits();
        soc.edgebert.validate("test");
        const double cos = run_cosine(s, soc);
        std::printf("albert-base, 1 layer, 128 tokens, %d lanes: cosine %.5f\n", lanes, cos);
        EXPECT_GE(cos, 0.99) << lanes << " lanes";
    }
}

TEST(EdgebertKnobsE2e, AlbertBaseAtNarrowerActivationFormats) {
    const auto s = make();
    // Lower bounds a little under the measured cosines (docs/tile-numerics.md).
    for (auto [bits, exp, floor] : {std::tuple{8, 3, 0.99}, {8, 4, 0.99}, {6, 3, 0.98}, {6, 2, 0.5}}) {
        hw::SocConfig soc = s.soc;
        soc.edgebert.act_format = {bits, exp};
        soc.edgebert.bias_range = hw::default_bias_range(soc.edgebert.act_format);
        soc.edgebert.validate("test");
        const double cos = run_cosine(s, soc);
        std::printf("albert-base, AdaptivFloat<%d,%d>: cosine %.5f\n", bits, exp, cos);
        EXPECT_GE(cos, floor) << "AdaptivFloat<" << bits << "," << exp << ">";
    }
}
