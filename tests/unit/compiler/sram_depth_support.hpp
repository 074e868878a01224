// A model, its input and calibration, compiled for the EdgeBERT target at a
// given input / mask SRAM depth (test_sram_depth*.cpp).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "compiler/lower/lowering.hpp"
#include "hw/soc/soc_config.hpp"

namespace edgebert::test {

class DepthSetup {
public:
    DepthSetup(const std::string& model, int seq, int layers) : layers_(layers) {
        cfg_ = model::load_albert_config(std::string(EDGEBERT_SOURCE_DIR) + "/configs/models/" + model + ".json");
        w_ = model::synthetic_albert_weights(cfg_, 1);
        in_ = model::synthetic_input(cfg_, seq, 1);
        base_ = hw::load_soc_config(std::string(EDGEBERT_SOURCE_DIR) + "/configs/soc/default.json");
        model::ReferenceOptions o;
        o.layers = layers;
        o.act_max = &act_max_;
        embedding_ = model::run_reference(cfg_, w_, in_, o).embedding_output.data;
    }
    // default.json with input and mask SRAMs of `depth` rows (the layout and limits follow).
    hw::SocConfig soc(int depth) const {
        hw::SocConfig s = base_;
        s.edgebert.input_sram_depth = s.edgebert.mask_sram_depth = depth;
        s.edgebert.default_limits();
        s.edgebert.validate("test");
        return s;
    }
    compiler::CompiledModel compile(int depth, compiler::Mode mode = compiler::Mode::Optimized) const {
        compiler::CompileOptions o;
        o.target = compiler::Target::Edgebert;
        o.mode = mode;
        if (mode == compiler::Mode::Thesis) o.thesis_input = embedding_;  // the layer input, as `run` passes it
        o.layers = layers_;
        return compiler::compile_model(cfg_, w_, in_, soc(depth), o, act_max_);
    }

private:
    int layers_;
    model::AlbertConfig cfg_;
    model::AlbertWeights w_;
    model::ModelInput in_;
    hw::SocConfig base_;
    std::map<std::string, float> act_max_;
    std::vector<float> embedding_;
};

}  // namespace edgebert::test
