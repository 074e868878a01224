#include "sim/cli/cli_common.hpp"
#include "sim/cli/commands.hpp"

namespace edgebert::cli {

std::vector<Subcommand> all_subcommands() {
    return {
        {"run", "the main job: ALBERT on the SoC, EdgeBERT vs systolic vs CPU, with breakdowns", cmd_run},
        {"sentences", "early exit with DVFS over a trace of sentence entropies: latency and energy per policy", cmd_sentences},
        {"iss", "run a bare-metal RISC-V ELF on the SoC's core (UART on stdout)", cmd_iss},
        {"calibrate", "re-derive the native host's cost table from the RISC-V core", cmd_calibrate},
        {"compile", "lower a model for one target: program file and listing", cmd_compile},
        {"reference", "FP32 reference forward of an ALBERT model (golden results)", cmd_reference},
        {"bench", "speed benchmarks of the simulator itself", cmd_bench},
        {"regmap", "print the EdgeBERT tile's register map (markdown)", cmd_regmap},
        {"sweep", "design-space sweep over config fields and workload options (GNU parallel or Slurm), merged results", cmd_sweep},
        {"plot", "figures (png/svg/pdf) of a run report, a sweep's results, or several reports side by side", cmd_plot},
    };
}

}  // namespace edgebert::cli
