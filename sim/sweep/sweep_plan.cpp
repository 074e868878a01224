#include "sim/sweep/sweep_plan.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "common/error.hpp"
#include "common/json_reader.hpp"
#include "common/json_writer.hpp"
#include "hw/soc/soc_config_json.hpp"
#include "sim/cli/cli_common.hpp"
#include "embedded_configs.hpp"

namespace edgebert::sweep {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* kFormat = "edgebert-sim sweep 1";

// `run`'s defaults for the options cmd_run.cpp declares itself (the others come
// from cli::WorkloadOptions).
constexpr const char* kRunDefaultTargets = "edgebert,systolic,cpu";
constexpr const char* kRunDefaultMode = "optimized";

void write_text(const std::string& path, const std::string& text) {
    const std::string tmp = path + ".tmp";
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        if (!f) throw Error(fmt::format("{}: cannot open for writing", path));
        f << text;
        if (!f) throw Error(fmt::format("{}: write failed", path));
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) throw Error(fmt::format("{}: cannot rename the temporary file into place: {}", path, ec.message()));
}

const json::value* find_path(const json::value& doc, const std::string& path) {
    const json::value* node = &doc;
    size_t start = 0;
    while (true) {
        const size_t dot = path.find('.', start);
        const std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (node->is_object()) {
            const auto* next = node->as_object().if_contains(part);
            if (!next) return nullptr;
            node = next;
        } else if (node->is_array() && !part.empty() && part.find_first_not_of("0123456789") == std::string::npos &&
                   part.size() < 10 && std::stoul(part) < node->as_array().size()) {
            node = &node->as_array()[std::stoul(part)];
        } else {
            return nullptr;
        }
        if (dot == std::string::npos) return node;
        start = dot + 1;
    }
}

json::object plan_json(const SweepPlan& plan) {
    json::array keys, points;
    for (const auto& k : plan.keys) keys.push_back(json::string(k));
    for (const auto& p : plan.points) points.push_back({{"id", p.id}, {"values", p.values}});
    return {{"format", kFormat}, {"keys", keys}, {"fixed", plan.fixed}, {"points", points},
            {"published", published_values(plan)}};
}

}  // namespace

std::string point_dir(const std::string& dir, const std::string& id) {
    return (fs::path(dir) / "points" / id).string();
}

std::string shell_quote(const std::string& word) {
    if (!word.empty() && word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+=.,/:@%") ==
                             std::string::npos)
        return word;
    std::string out = "'";
    for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::vector<std::string> point_run_args(const SweepPlan& plan, const Point& p, const std::string& pdir) {
    json::object opts = plan.fixed;
    for (const auto& kv : p.values)
        if (is_workload_key(std::string(kv.key()))) opts[kv.key()] = kv.value();
    std::vector<std::string> args = {"run", "--soc", (fs::path(pdir) / "soc.json").string()};
    // A fixed order, so the same point always gets the same command line.
    for (const char* k : {"model", "weights", "seed", "seq_len", "layers", "targets", "mode", "prune"}) {
        if (!opts.contains(k)) continue;
        std::string opt = k;
        if (opt == "seq_len") opt = "seq-len";
        args.push_back("--" + opt);
        args.push_back(value_text(opts.at(k)));
    }
    args.insert(args.end(), {"--json", (fs::path(pdir) / "report.json").string(), "--quiet"});
    return args;
}

json::object published_values(const SweepPlan& plan) {
    // Every field after defaults: a key the file leaves out (e.g. edgebert.sfu_lut) has its default.
    const json::value defaults = hw::soc_config_to_json(hw::parse_soc_config(cli::kDefaultSocJson, cli::kDefaultSocOrigin));
    const cli::WorkloadOptions w;
    json::object out;
    for (const auto& k : plan.keys) {
        if (k == "targets") out[k] = kRunDefaultTargets;
        else if (k == "mode") out[k] = kRunDefaultMode;
        else if (k == "prune") out[k] = w.prune;
        else if (k == "seq_len") out[k] = w.seq_len;
        else if (k == "layers") out[k] = w.layers;
        else if (k == "seed") out[k] = w.seed;
        else if (const auto* v = find_path(defaults, k)) out[k] = *v;
        else out[k] = nullptr;
    }
    return out;
}

void write_plan(const std::string& dir, const SweepPlan& plan, const std::vector<json::value>& soc_docs,
                const std::string& program) {
    std::error_code ec;
    fs::create_directories(fs::path(dir) / "points", ec);
    if (ec) throw Error(fmt::format("{}: cannot create the sweep directory: {}", dir, ec.message()));
    const std::string plan_path = (fs::path(dir) / "sweep.json").string();
    const json::object doc = plan_json(plan);
    if (fs::exists(plan_path)) {
        const auto old = parse_json_file(plan_path);
        const auto* o = old.if_object();
        for (const char* k : {"format", "keys", "fixed", "points"})
            if (!o || !o->contains(k) || o->at(k) != doc.at(k))
                throw Error(fmt::format("{}: holds another sweep (its '{}' differs from this one's); give a new "
                                        "--out directory, or delete this one to start over",
                                        plan_path, k));
    }
    std::string commands;
    for (size_t i = 0; i < plan.points.size(); ++i) {
        const auto& p = plan.points[i];
        const std::string pdir = point_dir(dir, p.id);
        fs::create_directories(pdir, ec);
        if (ec) throw Error(fmt::format("{}: cannot create the point directory: {}", pdir, ec.message()));
        write_json_file((fs::path(pdir) / "soc.json").string(), soc_docs.at(i));
        std::string line = shell_quote(program);
        for (const auto& a : point_run_args(plan, p, pdir)) line += " " + shell_quote(a);
        line += " >" + shell_quote((fs::path(pdir) / "stdout.txt").string()) + " 2>" +
                shell_quote((fs::path(pdir) / "stderr.txt").string());
        commands += line + "\n";
    }
    write_text((fs::path(dir) / "commands.txt").string(), commands);
    write_json_file(plan_path, doc);
}

SweepPlan read_plan(const std::string& dir) {
    const std::string path = (fs::path(dir) / "sweep.json").string();
    if (!fs::exists(path))
        throw Error(fmt::format("{}: no sweep here (sweep.json is missing; a sweep writes it into its --out or "
                                "--emit-slurm directory)",
                                dir));
    const auto v = parse_json_file(path);
    SweepPlan plan;
    try {
        const auto& o = v.as_object();
        if (o.at("format") != kFormat)
            throw Error(fmt::format("{}: format '{}' is not '{}'", path, value_text(o.at("format")), kFormat));
        for (const auto& k : o.at("keys").as_array()) plan.keys.push_back(std::string(k.as_string()));
        plan.fixed = o.at("fixed").as_object();
        for (const auto& p : o.at("points").as_array())
            plan.points.push_back({std::string(p.at("id").as_string()), p.at("values").as_object()});
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw Error(fmt::format("{}: not a sweep description written by edgebert-sim sweep ({})", path, e.what()));
    }
    return plan;
}

std::string write_slurm_script(const std::string& dir, size_t points, const SlurmOptions& o) {
    const fs::path d = fs::absolute(dir);
    const std::string commands = (d / "commands.txt").string();
    std::string s = "#!/bin/bash\n";
    s += "# Generated by `edgebert-sim sweep --emit-slurm`: one array task per design point.\n";
    s += "# Submit with `sbatch " + (d / "sweep.sbatch").string() + "`, then merge what finished with\n";
    s += "# `edgebert-sim sweep --collect " + d.string() + "`.\n";
    s += "#SBATCH --job-name=edgebert-sweep\n";
    s += fmt::format("#SBATCH --array=0-{}{}\n", points - 1, o.max_running > 0 ? fmt::format("%{}", o.max_running) : "");
    s += "#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n";
    s += "#SBATCH --output=" + (d / "slurm" / "%A_%a.out").string() + "\n";
    for (const auto& l : o.sbatch_lines) s += "#SBATCH " + l + "\n";
    s += "set -euo pipefail\n";
    s += ": \"${SLURM_ARRAY_TASK_ID:?this script runs as a Slurm array task (sbatch), or set SLURM_ARRAY_TASK_ID}\"\n";
    s += "line=$(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\" " + shell_quote(commands) + ")\n";
    s += "if [ -z \"$line\" ]; then echo \"no point for array task $SLURM_ARRAY_TASK_ID in " + commands +
         "\" >&2; exit 1; fi\n";
    s += "exec bash -c \"$line\"\n";
    std::error_code ec;
    fs::create_directories(d / "slurm", ec);
    if (ec) throw Error(fmt::format("{}: cannot create the directory: {}", (d / "slurm").string(), ec.message()));
    const std::string path = (d / "sweep.sbatch").string();
    write_text(path, s);
    fs::permissions(path, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                    fs::perm_options::add, ec);
    return path;
}

}  // namespace edgebert::sweep
