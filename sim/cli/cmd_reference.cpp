// `edgebert-sim reference`: the FP32 golden forward of an ALBERT model.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <sstream>

#include "common/error.hpp"
#include "common/json_writer.hpp"
#include "sim/cli/cli_common.hpp"
#include "sim/cli/commands.hpp"

namespace edgebert::cli {

std::vector<int32_t> parse_token_list(const std::string& text) {
    std::vector<int32_t> ids;
    for (int64_t v : parse_int_list("--tokens", text)) {
        if (v < 0 || v > INT32_MAX)
            throw Error(fmt::format("--tokens: token id {} at position {} is out of range [0, {}]", v, ids.size(),
                                    INT32_MAX));
        ids.push_back(static_cast<int32_t>(v));
    }
    return ids;
}

boost::json::object reference_json(const model::AlbertConfig& c, const std::string& weights_source,
                                   const model::ModelInput& in, int layers,
                                   const model::ReferenceResult& r, double wall_s) {
    boost::json::object j;
    j["model"] = c.name;
    j["weights"] = weights_source;
    j["seq_len"] = in.seq_len();
    j["padding"] = std::count(in.attention_mask.begin(), in.attention_mask.end(), 0);
    j["layers"] = layers;
    j["wall_s"] = wall_s;
    j["logits"] = boost::json::value_from(r.logits);
    j["layer_entropies"] = boost::json::value_from(r.layer_entropies);
    boost::json::array ramps;
    for (const auto& l : r.offramp_logits) ramps.push_back(boost::json::value_from(l));
    j["offramp_logits"] = ramps;
    j["pooled_l2"] = [&] {
        double s = 0;
        for (float x : r.pooled) s += double(x) * x;
        return std::sqrt(s);
    }();
    return j;
}

int cmd_reference(const std::vector<std::string>& args) {
    po::options_description desc("options");
    std::string model_path, weights_path, json_path, save_path;
    InputOptions input;
    int seq_len = 128, layers = 0;
    uint64_t seed = 1;
    desc.add_options()
        ("model", po::value(&model_path), "model config.json (default: embedded albert-base-v2)")
        ("weights", po::value(&weights_path), "safetensors weights (default: synthetic weights)")
        ("seed", po::value(&seed)->default_value(1), "seed of the synthetic weights and tokens")
        ("seq-len", po::value(&seq_len)->default_value(128), "sequence length (synthetic tokens)");
    input.add_to(desc);
    desc.add_options()
        ("layers", po::value(&layers)->default_value(0), "encoder layers to run (0 = all)")
        ("json", po::value(&json_path), "write the results as JSON to this file")
        ("save-weights", po::value(&save_path), "also write the weights used to a safetensors file (HF names)");
    po::variables_map vm;
    if (!parse_options("reference", "[options]", desc, args, vm)) return 0;

    const auto cfg = load_model_config(model_path);
    if (layers < 0 || layers > cfg.num_hidden_layers)
        throw Error(fmt::format("--layers {} is out of range [0, {}] for model '{}'", layers,
                                cfg.num_hidden_layers, cfg.name));
    // Every sequence (a batch from --input runs one forward per sequence).
    const auto seqs = input.sequences(cfg, seq_len, seed);
    const auto lw = load_weights(cfg, weights_path, seed);
    if (!save_path.empty()) {
        model::save_albert_weights(save_path, cfg, lw.weights);
        std::cout << "wrote " << save_path << "\n";
    }
    const int run_layers = layers > 0 ? layers : cfg.num_hidden_layers;

    boost::json::object j;
    boost::json::array batch;
    for (size_t i = 0; i < seqs.size(); ++i) {
        const model::ModelInput& in = seqs[i].input;
        const auto t0 = std::chrono::steady_clock::now();
        const auto r = model::run_reference(cfg, lw.weights, in, {run_layers, false});
        const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const auto padded = std::count(in.attention_mask.begin(), in.attention_mask.end(), 0);
        if (seqs.size() > 1) std::cout << fmt::format("sequence {} ({})\n", i + 1, seqs[i].origin);
        std::cout << fmt::format("model {}  weights {}  seq_len {}{}  layers {}  forward {:.3f} s\n", cfg.name,
                                 lw.source, in.seq_len(), padded ? fmt::format(" ({} padding)", padded) : "",
                                 run_layers, wall);
        std::cout << fmt::format("logits [{:.6f}]\n", fmt::join(r.logits, ", "));
        std::cout << fmt::format("off-ramp entropies per layer [{:.4f}]\n", fmt::join(r.layer_entropies, ", "));
        auto one = reference_json(cfg, lw.source, in, run_layers, r, wall);
        if (i == 0) j = one;  // the first sequence's results at the top level, as for one sequence
        if (seqs.size() > 1) {
            one["origin"] = seqs[i].origin;
            batch.push_back(std::move(one));
        }
    }
    if (seqs.size() > 1) j["sequences"] = std::move(batch);
    if (!json_path.empty()) {
        write_json_file(json_path, j);
        std::cout << "wrote " << json_path << "\n";
    }
    return 0;
}

}  // namespace edgebert::cli
