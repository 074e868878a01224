#include "sim/cli/cli_common.hpp"

#include <fmt/format.h>

#include <algorithm>

#include <iostream>

#include "common/error.hpp"
#include "compiler/lower/lowering.hpp"
#include "sim/cli/commands.hpp"
#include "embedded_configs.hpp"

namespace edgebert::cli {

bool parse_options(const std::string& command, const std::string& synopsis,
                   po::options_description& desc, const std::vector<std::string>& args,
                   po::variables_map& vm, const po::positional_options_description* pos) {
    desc.add_options()("help,h", "show this help");
    try {
        auto parser = po::command_line_parser(args).options(desc);
        if (pos) parser.positional(*pos);
        po::store(parser.run(), vm);
        if (vm.count("help")) {
            std::cout << "usage: edgebert-sim " << command << " " << synopsis << "\n\n" << desc;
            return false;
        }
        po::notify(vm);
    } catch (const po::error& e) {
        throw UsageError(fmt::format("{}: {} (see 'edgebert-sim {} --help')", command, e.what(), command));
    }
    return true;
}

model::AlbertConfig load_model_config(const std::string& path_or_empty) {
    if (path_or_empty.empty()) return model::parse_albert_config(kDefaultModelJson, kDefaultModelOrigin);
    return model::load_albert_config(path_or_empty);
}

hw::SocConfig load_soc(const std::string& path_or_empty) {
    if (path_or_empty.empty()) return hw::parse_soc_config(kDefaultSocJson, kDefaultSocOrigin);
    return hw::load_soc_config(path_or_empty);
}

std::vector<std::string> heads_of(const std::vector<std::string>& synthesized_tensors) {
    std::vector<std::string> heads;
    auto add = [&](const std::string& h) {
        if (std::find(heads.begin(), heads.end(), h) == heads.end()) heads.push_back(h);
    };
    for (const auto& n : synthesized_tensors) {
        const auto hw = n.find("highway.");
        if (hw != std::string::npos) {
            const auto dot = n.find('.', hw + 8);
            add(n.substr(hw, dot == std::string::npos ? std::string::npos : dot - hw));
        } else if (n.find("pooler") != std::string::npos) {
            add("pooler");
        } else if (n.find("classifier") != std::string::npos) {
            add("classifier");
        } else {
            add(n);
        }
    }
    return heads;
}

LoadedWeights load_weights(const model::AlbertConfig& c, const std::string& path_or_empty,
                           uint64_t seed) {
    if (path_or_empty.empty()) {
        LoadedWeights lw{model::synthetic_albert_weights(c, seed), fmt::format("synthetic(seed={})", seed), {}};
        lw.synthetic_heads = {"pooler", "classifier"};
        for (int l = 0; l < c.num_hidden_layers; ++l) lw.synthetic_heads.push_back(fmt::format("highway.{}", l));
        return lw;
    }
    LoadedWeights lw{model::load_albert_weights(path_or_empty, c, seed), path_or_empty, {}};
    lw.synthetic_heads = heads_of(lw.weights.synthesized);
    if (!lw.weights.synthesized.empty()) {
        std::cerr << fmt::format(
            "warning: {}: {} head tensor(s) missing (classifier / off-ramps, e.g. '{}'); "
            "using synthetic values for them\n",
            path_or_empty, lw.weights.synthesized.size(), lw.weights.synthesized.front());
    }
    return lw;
}

PreparedModel prepare_model(const model::AlbertConfig& cfg, const std::string& weights_path, uint64_t seed,
                            int seq_len, int layers, double prune, const std::vector<int32_t>& tokens) {
    if (!tokens.empty()) seq_len = static_cast<int>(tokens.size());
    if (seq_len < 1 || seq_len > cfg.max_position_embeddings)
        throw Error(fmt::format("--seq-len {} is out of range [1, {}] for model '{}' (max_position_embeddings)",
                                seq_len, cfg.max_position_embeddings, cfg.name));
    return prepare_model(cfg, weights_path, seed,
                         tokens.empty() ? model::synthetic_input(cfg, seq_len, seed) : model::ModelInput{tokens, {}, {}},
                         layers, prune);
}

PreparedModel prepare_model(const model::AlbertConfig& cfg, const std::string& weights_path, uint64_t seed,
                            const model::ModelInput& input, int layers, double prune) {
    if (layers < 1 || layers > cfg.num_hidden_layers)
        throw Error(fmt::format("--layers {} is out of range [1, {}] for model '{}'", layers, cfg.num_hidden_layers,
                                cfg.name));
    if (!(prune >= 0 && prune < 1)) throw Error(fmt::format("--prune {} is out of range [0, 1)", prune));
    model::validate_input(cfg, input);
    PreparedModel p{load_weights(cfg, weights_path, seed), input, {}, {}};
    // EdgeBERT magnitude-prunes the encoder's matrices before quantizing them.
    if (prune > 0) compiler::prune_encoder_weights(p.weights.weights, prune);
    model::ReferenceOptions ro;
    ro.layers = layers;
    ro.act_max = &p.act_max;
    p.reference = model::run_reference(cfg, p.weights.weights, p.input, ro);
    return p;
}

void WorkloadOptions::add_to(boost::program_options::options_description& desc) {
    namespace po = boost::program_options;
    desc.add_options()
        ("soc", po::value(&soc_path), "SoC config (default: embedded configs/soc/default.json)")
        ("model", po::value(&model_path), "model config.json (default: embedded albert-base-v2)")
        ("weights", po::value(&weights_path), "safetensors weights (default: synthetic weights of --seed)")
        ("seed", po::value(&seed)->default_value(seed), "seed of the synthetic weights and tokens")
        ("seq-len", po::value(&seq_len)->default_value(seq_len), "tokens");
    input.add_to(desc);
    desc.add_options()
        ("layers", po::value(&layers)->default_value(layers), "encoder layers to run")
        ("prune", po::value(&prune)->default_value(prune), "magnitude sparsity of the encoder weights, [0, 1)");
}

PreparedModel WorkloadOptions::prepare(const model::AlbertConfig& cfg, const std::string& command) const {
    if (layers < 1 || layers > cfg.num_hidden_layers)
        throw Error(fmt::format("--layers {} is out of range [1, {}] for model '{}'", layers, cfg.num_hidden_layers,
                                cfg.name));
    return prepare_model(cfg, weights_path, seed, input.first(cfg, seq_len, seed, command).input, layers, prune);
}

}  // namespace edgebert::cli
