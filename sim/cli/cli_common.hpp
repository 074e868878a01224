// Shared pieces of the subcommands: option parsing with --help, model loading.
#pragma once

#include <boost/program_options.hpp>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "compiler/model/albert_config.hpp"
#include "compiler/model/albert_weights.hpp"
#include "compiler/model/reference.hpp"
#include "hw/soc/soc_config.hpp"
#include "sim/cli/model_inputs.hpp"

namespace edgebert::cli {

namespace po = boost::program_options;

struct Subcommand {
    std::string name;
    std::string summary;
    std::function<int(const std::vector<std::string>& args)> run;
};

std::vector<Subcommand> all_subcommands();

// Parses `args` into `vm`. Returns false (after printing usage) when --help was given.
// Throws edgebert::Error on unknown or malformed options, naming the option.
bool parse_options(const std::string& command, const std::string& synopsis,
                   po::options_description& desc, const std::vector<std::string>& args,
                   po::variables_map& vm, const po::positional_options_description* pos = nullptr);

// The model config from --model, or the embedded albert-base-v2 default.
model::AlbertConfig load_model_config(const std::string& path_or_empty);

// The SoC config from --soc, or the embedded configs/soc/default.json.
hw::SocConfig load_soc(const std::string& path_or_empty);

struct LoadedWeights {
    model::AlbertWeights weights;
    std::string source;  // file path, or "synthetic(seed=N)"
    // Heads ("pooler", "classifier", "highway.<l>") a weights file lacked and that
    // were filled with synthetic values; every head when the weights are synthetic.
    std::vector<std::string> synthetic_heads;
    bool from_file() const { return source.rfind("synthetic(", 0) != 0; }
};
// The heads that synthesized tensor names (HF names) belong to, in model order.
std::vector<std::string> heads_of(const std::vector<std::string>& synthesized_tensors);
// From --weights if given, else the synthetic weights of `seed`.
LoadedWeights load_weights(const model::AlbertConfig& c, const std::string& path_or_empty,
                           uint64_t seed);

// A model ready to compile: weights (pruned), the input, and the FP32
// reference run that calibrates every activation format.
struct PreparedModel {
    LoadedWeights weights;
    model::ModelInput input;
    std::map<std::string, float> act_max;
    model::ReferenceResult reference;
};
// Validates --seq-len / --layers / --prune against the model (errors name the option and range).
// `tokens` non-empty: those token ids instead of synthetic ones of --seq-len.
PreparedModel prepare_model(const model::AlbertConfig& cfg, const std::string& weights_path, uint64_t seed,
                            int seq_len, int layers, double prune, const std::vector<int32_t>& tokens = {});
// The same for a given input (token ids, attention mask, token type ids).
PreparedModel prepare_model(const model::AlbertConfig& cfg, const std::string& weights_path, uint64_t seed,
                            const model::ModelInput& input, int layers, double prune);

// The options that choose a compiled workload, shared by `run` and `compile`:
// --soc, --model, --weights, --seed, --seq-len, --layers, --prune and the input
// (--tokens, --attention-mask, --token-type-ids, --input).
struct WorkloadOptions {
    std::string soc_path, model_path, weights_path;
    InputOptions input;
    uint64_t seed = 1;
    int seq_len = 128;
    int layers = 1;
    double prune = 0.5;

    void add_to(boost::program_options::options_description& desc);
    // prepare_model with these options: the input's first sequence (--input's, with a
    // note naming `command` if the file holds several; --tokens override --seq-len).
    PreparedModel prepare(const model::AlbertConfig& cfg, const std::string& command) const;
};

}  // namespace edgebert::cli
