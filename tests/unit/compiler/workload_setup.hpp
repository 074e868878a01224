// A model with synthetic weights and input, its FP32 reference and calibration,
// and the SoC config, compiled for the EdgeBERT target as `run` does: the setup
// the EdgeBERT compiler tests share (test_edgebert_resident, test_edgebert_knobs*).
#pragma once

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "compiler/lower/lowering.hpp"
#include "hw/soc/soc_config.hpp"

namespace edgebert::test {

struct Workload {
    model::AlbertConfig cfg;
    model::AlbertWeights w;
    model::ModelInput in;
    hw::SocConfig soc;  // configs/soc/default.json
    std::map<std::string, float> act_max;
    model::ReferenceResult ref;
};

// `model` names configs/models/<model>.json; the last `padded` tokens are padding
// (attention_mask 0); `prune` is the encoder weights' magnitude sparsity, as `run --prune`.
inline Workload make_workload(const std::string& model, int seq, int layers, int padded = 0, double prune = 0.0) {
    Workload s;
    s.cfg = model::load_albert_config(std::string(EDGEBERT_SOURCE_DIR) + "/configs/models/" + model + ".json");
    s.w = model::synthetic_albert_weights(s.cfg, 1);
    if (prune > 0) compiler::prune_encoder_weights(s.w, prune);  // as `run --prune` does
    s.in = model::synthetic_input(s.cfg, seq, 1);
    if (padded > 0) {
        s.in.attention_mask.assign(size_t(seq), 1);
        for (int i = seq - padded; i < seq; ++i) {
            s.in.attention_mask[size_t(i)] = 0;
            s.in.token_ids[size_t(i)] = 0;
        }
    }
    s.soc = hw::load_soc_config(std::string(EDGEBERT_SOURCE_DIR) + "/configs/soc/default.json");
    model::ReferenceOptions o;
    o.layers = layers;
    o.act_max = &s.act_max;
    s.ref = model::run_reference(s.cfg, s.w, s.in, o);
    return s;
}

// The optimized flow with off-ramps, as `run` compiles it.
inline compiler::CompiledModel compile_edgebert(const Workload& s, const hw::SocConfig& soc, int layers) {
    compiler::CompileOptions o;
    o.target = compiler::Target::Edgebert;
    o.layers = layers;
    o.offramps = true;
    return compiler::compile_model(s.cfg, s.w, s.in, soc, o, s.act_max);
}

inline double cosine(const std::vector<float>& a, const std::vector<float>& b) {
    double ab = 0, aa = 0, bb = 0;
    for (size_t i = 0; i < a.size(); ++i) ab += double(a[i]) * b[i], aa += double(a[i]) * a[i], bb += double(b[i]) * b[i];
    return ab / std::sqrt(aa * bb);
}

}  // namespace edgebert::test
