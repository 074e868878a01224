#include "sim/cli/cli_common.hpp"
#include "sim/cli/commands.hpp"

namespace edgebert::cli {

std::vector<Subcommand> all_subcommands() {
    return {
        {"reference", "FP32 reference forward of an ALBERT model (golden results)", cmd_reference},
        {"bench", "speed benchmarks of the simulator itself", cmd_bench},
        {"regmap", "print the EdgeBERT tile's register map (markdown)", cmd_regmap},
    };
}

}  // namespace edgebert::cli
