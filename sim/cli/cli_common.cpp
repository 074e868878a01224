#include "sim/cli/cli_common.hpp"

#include <fmt/format.h>

#include <iostream>

#include "common/error.hpp"
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
        throw Error(fmt::format("{}: {} (see 'edgebert-sim {} --help')", command, e.what(), command));
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

LoadedWeights load_weights(const model::AlbertConfig& c, const std::string& path_or_empty,
                           uint64_t seed) {
    if (path_or_empty.empty()) {
        return {model::synthetic_albert_weights(c, seed), fmt::format("synthetic(seed={})", seed)};
    }
    LoadedWeights lw{model::load_albert_weights(path_or_empty, c, seed), path_or_empty};
    if (!lw.weights.synthesized.empty()) {
        std::cerr << fmt::format(
            "warning: {}: {} head tensor(s) missing (classifier / off-ramps, e.g. '{}'); "
            "using synthetic values for them\n",
            path_or_empty, lw.weights.synthesized.size(), lw.weights.synthesized.front());
    }
    return lw;
}

}  // namespace edgebert::cli
