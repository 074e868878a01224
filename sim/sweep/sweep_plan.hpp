// The on-disk form of a sweep: DIR/sweep.json (the keys, the points and the fixed
// run options; what --collect reads), DIR/points/<id>/soc.json (each point's SoC
// config), DIR/commands.txt (one shell line per point: `edgebert-sim run ...`,
// line i+1 = point i) and, for clusters, DIR/sweep.sbatch (a Slurm job array that
// runs line $SLURM_ARRAY_TASK_ID + 1).
#pragma once

#include <boost/json.hpp>

#include <string>
#include <vector>

#include "sim/sweep/sweep_spec.hpp"

namespace edgebert::sweep {

// The run options of a point: `run` command-line arguments (without the program)
// for its SoC config, the fixed options and its swept workload values.
std::vector<std::string> point_run_args(const SweepPlan& plan, const Point& p, const std::string& point_dir);

// Quotes a word for a POSIX shell ('...' with embedded quotes escaped).
std::string shell_quote(const std::string& word);

// The values of the published configuration on the swept keys: SoC fields from
// configs/soc/default.json (null where it leaves a field at the parser's default),
// workload keys from `run`'s defaults.
boost::json::object published_values(const SweepPlan& plan);

// Writes DIR/sweep.json, every point's soc.json and DIR/commands.txt. `program`
// is the absolute path of edgebert-sim. If DIR already holds a sweep, it must be
// the same one (same keys, points and fixed options; it is then resumed),
// otherwise Error naming DIR.
void write_plan(const std::string& dir, const SweepPlan& plan, const std::vector<boost::json::value>& soc_docs,
                const std::string& program);

// Reads DIR/sweep.json back (for --collect); Error naming the file if it is
// missing or malformed.
SweepPlan read_plan(const std::string& dir);

struct SlurmOptions {
    int max_running = 0;                   // 0: no limit; else the array's %N throttle
    std::vector<std::string> sbatch_lines;  // extra "#SBATCH ..." directives, verbatim
};
// Writes DIR/sweep.sbatch for `points` points and returns its path.
std::string write_slurm_script(const std::string& dir, size_t points, const SlurmOptions& o);

std::string point_dir(const std::string& dir, const std::string& id);

}  // namespace edgebert::sweep
