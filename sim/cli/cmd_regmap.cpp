// `edgebert-sim regmap`: prints the tile's register map (docs/register-map.md).
#include <iostream>

#include "hw/edgebert/register_map.hpp"
#include "sim/cli/cli_common.hpp"
#include "sim/cli/commands.hpp"

namespace edgebert::cli {

int cmd_regmap(const std::vector<std::string>& args) {
    po::options_description desc("options");
    po::variables_map vm;
    if (!parse_options("regmap", "", desc, args, vm)) return 0;
    std::cout << hw::regs::register_map_markdown();
    return 0;
}

}  // namespace edgebert::cli
