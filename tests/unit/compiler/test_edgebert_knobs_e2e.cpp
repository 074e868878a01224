// albert-base-v2, one layer, 128 tokens, on the SoC at other lane counts and
// activation formats than the published 16 lanes of AdaptivFloat<8,3>: the
// compiler's splits (a head's weights in column and row pieces at 8 lanes) keep
// the accuracy; narrower formats lose what their precision loses.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "compiler/lower/lowering.hpp"
#include "hw/formats/pruning.hpp"
#include "sim/run/soc_runner.hpp"

using namespace edgebert;

namespace {

struct Setup {
    model::AlbertConfig cfg;
    model::AlbertWeights w;
    model::ModelInput in;
    hw::SocConfig soc;
    std::map<std::string, float> act_max;
    model::ReferenceResult ref;
};

// The default workload: albert-base-v2, synthetic weights pruned to 50 % as `run` does, 128 tokens.
Setup make() {
    Setup s;
    s.cfg = model::load_albert_config(std::string(EDGEBERT_SOURCE_DIR) + "/configs/models/albert-base-v2.json");
    s.w = model::synthetic_albert_weights(s.cfg, 1);
    for (auto& group : s.w.groups)
        for (auto& L : group)
            for (model::Linear* lin : {&L.query, &L.key, &L.value, &L.attn_dense, &L.ffn, &L.ffn_output})
                num::prune_magnitude(lin->weight.data.data(), lin->weight.size(), 0.5);
    s.in = model::synthetic_input(s.cfg, 128, 1);
    s.soc = hw::load_soc_config(std::string(EDGEBERT_SOURCE_DIR) + "/configs/soc/default.json");
    model::ReferenceOptions o;
    o.layers = 1;
    o.act_max = &s.act_max;
    s.ref = model::run_reference(s.cfg, s.w, s.in, o);
    return s;
}

double run_cosine(const Setup& s, const hw::SocConfig& soc) {
    compiler::CompileOptions o;
    o.target = compiler::Target::Edgebert;
    o.layers = 1;
    o.offramps = true;
    const auto m = compiler::compile_model(s.cfg, s.w, s.in, soc, o, s.act_max);
    const auto r = sim::run_on_soc(soc, m, "edgebert");
    const auto& b = s.ref.last_hidden.data;
    double ab = 0, aa = 0, bb = 0;
    for (size_t i = 0; i < b.size(); ++i)
        ab += double(r.hidden[i]) * b[i], aa += double(r.hidden[i]) * r.hidden[i], bb += double(b[i]) * b[i];
    return ab / std::sqrt(aa * bb);
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
