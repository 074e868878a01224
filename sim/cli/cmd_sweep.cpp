// `edgebert-sim sweep`: a design-space sweep over SoC config fields and workload
// options. Every point is one `edgebert-sim run` with its own SoC config file; the
// points run on existing engines, never a scheduler of our own: GNU parallel on
// this machine (its joblog makes an interrupted sweep resumable), or a Slurm job
// array on a cluster (--emit-slurm). The results of whatever finished are merged
// into DIR/results.csv and DIR/results.json (--collect merges again later).
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include <filesystem>
#include <iostream>
#include <thread>

#include "common/error.hpp"
#include "common/json_reader.hpp"
#include "sim/cli/cli_common.hpp"
#include "sim/cli/commands.hpp"
#include "sim/cli/progress.hpp"
#include "sim/cli/subprocess.hpp"
#include "sim/sweep/sweep_plan.hpp"
#include "sim/sweep/sweep_results.hpp"
#include "embedded_configs.hpp"

namespace edgebert::cli {

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr size_t kTableRows = 60;

std::string absolute(const std::string& p) { return fs::absolute(p).lexically_normal().string(); }

std::string this_program() {
    std::error_code ec;
    const auto p = fs::canonical("/proc/self/exe", ec);
    if (ec) throw Error(fmt::format("cannot find the path of edgebert-sim itself (/proc/self/exe): {}", ec.message()));
    return p.string();
}

// GNU parallel (EDGEBERT_PARALLEL overrides the program); moreutils ships another
// `parallel` with different options, so its version text is checked.
std::string find_parallel() {
    const char* forced = std::getenv("EDGEBERT_PARALLEL");
    const std::string prog = forced && *forced ? forced : "parallel";
    const auto r = run_process({prog, "--version"}, ChildOutput::Capture);
    if (r.not_found())
        throw Error(fmt::format("sweep runs its points with GNU parallel, but '{}' was not found; install the Debian "
                                "package parallel (scripts/setup.sh does), or use --emit-slurm DIR on a cluster",
                                prog));
    if (r.output.find("GNU parallel") == std::string::npos)
        throw Error(fmt::format("'{}' is not GNU parallel (its --version says: '{}'); install the Debian package "
                                "parallel (moreutils' parallel is another program)",
                                prog, r.output.substr(0, r.output.find('\n'))));
    return prog;
}

// Merges the points under `dir`, writes the results and prints them; non-zero
// (via Error) if any point failed or has not finished.
int merge_and_report(const std::string& dir, const sweep::SweepPlan& plan, bool collecting) {
    const auto c = sweep::collect(dir, plan);
    sweep::write_results(dir, c);
    std::cout << "\n" << sweep::results_table(c, kTableRows);
    const size_t ok = c.count(sweep::PointStatus::Ok);
    std::cout << fmt::format("\n{} of {} points finished; wrote {} and {}\n", ok, plan.points.size(),
                             (fs::path(dir) / "results.csv").string(), (fs::path(dir) / "results.json").string());
    std::string failed, unfinished;
    for (const auto& p : c.points) {
        if (p.status == sweep::PointStatus::Failed) {
            failed += (failed.empty() ? "" : ", ") + p.id;
            std::cerr << fmt::format("{}: {}\n", p.id, p.error);
        } else if (p.status != sweep::PointStatus::Ok) {
            unfinished += (unfinished.empty() ? "" : ", ") + p.id;
        }
    }
    if (failed.empty() && unfinished.empty()) return 0;
    std::string msg;
    if (!failed.empty())
        msg = fmt::format("{} of {} points failed: {} (their errors above and in {}/points/<id>/stderr.txt)",
                          c.count(sweep::PointStatus::Failed), plan.points.size(), failed, dir);
    if (!unfinished.empty())
        msg += fmt::format("{}{} of {} points have not finished: {}{}", msg.empty() ? "" : "; ",
                           plan.points.size() - c.count(sweep::PointStatus::Ok) - c.count(sweep::PointStatus::Failed),
                           plan.points.size(), unfinished,
                           collecting ? "" : " (run the same command again to continue the sweep)");
    throw Error("sweep: " + msg);
}

}  // namespace

int cmd_sweep(const std::vector<std::string>& args) {
    po::options_description desc("options");
    std::string spec_path, out_dir, slurm_dir, collect_dir;
    std::vector<std::string> sets, sbatch_lines;
    std::string soc, model, weights, targets, mode;
    uint64_t seed = 0;
    int seq_len = 0, layers = 0;
    double prune = 0;
    int jobs = int(std::max(1u, std::thread::hardware_concurrency()));
    desc.add_options()
        ("spec", po::value(&spec_path), "SPEC.json: {\"grid\": {path: [values]}} or {\"points\": [{path: value}]}, "
                                        "optional \"workload\": {fixed run options} (or give it as the argument)")
        ("set", po::value(&sets)->composing(),
         "PATH=V1,V2,...: a grid axis over a dotted SoC config path (edgebert.num_vmacs=8,16,32) or a workload "
         "option (targets, mode, prune, seq_len, layers, seed); repeat for more axes")
        ("soc", po::value(&soc), "base SoC config the points override (default: embedded configs/soc/default.json)")
        ("model", po::value(&model), "run option fixed for every point: model config.json")
        ("weights", po::value(&weights), "run option fixed for every point: safetensors weights")
        ("seed", po::value(&seed), "run option fixed for every point: seed of synthetic weights and tokens")
        ("seq-len", po::value(&seq_len), "run option fixed for every point: tokens")
        ("layers", po::value(&layers), "run option fixed for every point: encoder layers")
        ("targets", po::value(&targets), "run option fixed for every point: edgebert,systolic,cpu")
        ("mode", po::value(&mode), "run option fixed for every point: optimized | thesis")
        ("prune", po::value(&prune), "run option fixed for every point: weight sparsity [0, 1)")
        ("out", po::value(&out_dir)->default_value("sweep"),
         "sweep directory: points/<id>/ (soc.json, report.json, stdout/stderr), commands.txt, joblog, "
         "results.csv, results.json; running again with the same --out resumes")
        ("jobs", po::value(&jobs)->default_value(jobs), "points run at once (GNU parallel --jobs)")
        ("emit-slurm", po::value(&slurm_dir),
         "prepare the sweep in DIR and write DIR/sweep.sbatch, a Slurm job array running one point per task, "
         "instead of running it here (--jobs limits the tasks running at once)")
        ("sbatch", po::value(&sbatch_lines)->composing(),
         "with --emit-slurm: an extra #SBATCH directive, e.g. --sbatch=--time=00:30:00 (repeatable)")
        ("collect", po::value(&collect_dir), "merge the finished points of the sweep in DIR into its results");
    po::positional_options_description pos;
    pos.add("spec", 1);
    po::variables_map vm;
    if (!parse_options("sweep",
                       "[SPEC.json] [--set PATH=V1,V2,...]... [run options] [--out DIR] [--jobs N] | "
                       "--emit-slurm DIR | --collect DIR",
                       desc, args, vm, &pos))
        return 0;

    if (!collect_dir.empty()) {
        for (const char* o : {"spec", "set", "emit-slurm"})
            if (vm.count(o)) throw UsageError(fmt::format("--collect DIR merges an existing sweep: --{} does not apply", o));
        const auto plan = sweep::read_plan(collect_dir);
        return merge_and_report(collect_dir, plan, true);
    }
    if (jobs < 1 || jobs > 4096) throw Error(fmt::format("--jobs {} is out of range [1, 4096]", jobs));
    if (vm.count("sbatch") && slurm_dir.empty()) throw UsageError("--sbatch needs --emit-slurm DIR");
    if (!slurm_dir.empty() && !vm["out"].defaulted() && absolute(out_dir) != absolute(slurm_dir))
        throw UsageError("--emit-slurm DIR is the sweep's directory: give it or --out, not both");
    if ((slurm_dir.empty() ? out_dir : slurm_dir).empty()) throw Error("--out: empty directory name");
    // Absolute, so the per-point commands run from anywhere (a Slurm node too).
    const std::string dir = absolute(slurm_dir.empty() ? out_dir : slurm_dir);

    json::object fixed;
    if (vm.count("soc")) fixed["soc"] = absolute(soc);
    if (vm.count("model")) fixed["model"] = absolute(model);
    if (vm.count("weights")) fixed["weights"] = absolute(weights);
    if (vm.count("seed")) fixed["seed"] = seed;
    if (vm.count("seq-len")) fixed["seq_len"] = seq_len;
    if (vm.count("layers")) fixed["layers"] = layers;
    if (vm.count("targets")) fixed["targets"] = targets;
    if (vm.count("mode")) fixed["mode"] = mode;
    if (vm.count("prune")) fixed["prune"] = prune;

    std::vector<std::pair<std::string, json::array>> axes;
    for (const auto& s : sets) axes.push_back(sweep::parse_set(s));
    json::value spec;
    if (!spec_path.empty()) spec = parse_json_file(spec_path);
    const auto plan = sweep::make_plan(spec_path.empty() ? nullptr : &spec, spec_path, axes, fixed);

    // The base SoC config, and every point checked against the config parser
    // before anything runs.
    const bool own_soc = plan.fixed.contains("soc");
    const std::string soc_path = own_soc ? std::string(plan.fixed.at("soc").as_string()) : "";
    const json::value base = own_soc ? parse_json_file(soc_path) : parse_json_text(kDefaultSocJson, kDefaultSocOrigin);
    const auto docs = sweep::check_plan(plan, base, own_soc ? soc_path : std::string(kDefaultSocOrigin));
    sweep::write_plan(dir, plan, docs, this_program());

    if (!slurm_dir.empty()) {
        sweep::SlurmOptions so;
        so.max_running = vm["jobs"].defaulted() ? 0 : jobs;
        so.sbatch_lines = sbatch_lines;
        const auto script = sweep::write_slurm_script(dir, plan.points.size(), so);
        std::cout << fmt::format(
            "prepared {} points in {}\nwrote {} (a job array of {} tasks, one point each)\n"
            "submit it with:  sbatch {}\nthen merge what finished with:  edgebert-sim sweep --collect {}\n",
            plan.points.size(), dir, script, plan.points.size(), script, dir);
        return 0;
    }

    const std::string parallel = find_parallel();
    size_t done = 0;
    for (const auto& p : plan.points) done += fs::exists(fs::path(sweep::point_dir(dir, p.id)) / "report.json");
    const std::string joblog = (fs::path(dir) / "joblog").string();
    std::cout << fmt::format("sweep: {} points over {}; {}running with GNU parallel --jobs {} (joblog {})\n",
                             plan.points.size(), fmt::join(plan.keys, ", "),
                             done ? fmt::format("{} finished before, resuming; ", done) : "", jobs, joblog);
    // --resume-failed: points the joblog records as finished are skipped; failed or
    // killed ones and those never started run (again).
    std::vector<std::string> argv = {parallel, "--jobs", std::to_string(jobs), "--joblog", joblog, "--resume-failed"};
    if (Progress::stderr_is_terminal()) argv.push_back("--bar");
    argv.insert(argv.end(), {"::::", (fs::path(dir) / "commands.txt").string()});
    const auto r = run_process(argv, ChildOutput::Inherit);
    if (r.spawn_errno != 0) throw Error(fmt::format("cannot start '{}': {}", parallel, std::strerror(r.spawn_errno)));
    // Its exit status counts failed points; the merge below names them.
    if (WIFSIGNALED(r.status)) std::cerr << fmt::format("sweep: GNU parallel was stopped by signal {}\n", WTERMSIG(r.status));
    return merge_and_report(dir, plan, false);
}

}  // namespace edgebert::cli
