// Entry points of the subcommands; the registry is in subcommands.cpp.
#pragma once

#include <string>
#include <vector>

#include <boost/json.hpp>

#include "compiler/model/reference.hpp"

namespace edgebert::cli {

int cmd_run(const std::vector<std::string>& args);
int cmd_compile(const std::vector<std::string>& args);
int cmd_iss(const std::vector<std::string>& args);
int cmd_calibrate(const std::vector<std::string>& args);
int cmd_sentences(const std::vector<std::string>& args);
int cmd_reference(const std::vector<std::string>& args);
int cmd_bench(const std::vector<std::string>& args);
int cmd_regmap(const std::vector<std::string>& args);
int cmd_plot(const std::vector<std::string>& args);
int cmd_sweep(const std::vector<std::string>& args);

// Parses "--tokens 2,17,3" into ids; throws Error naming the option on bad text.
std::vector<int32_t> parse_token_list(const std::string& text);

// The JSON document `reference` writes (shared with the reference benchmark).
boost::json::object reference_json(const model::AlbertConfig& c, const std::string& weights_source,
                                   const model::ModelInput& in, int layers,
                                   const model::ReferenceResult& r, double wall_s);

}  // namespace edgebert::cli
