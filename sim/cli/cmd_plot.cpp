// `edgebert-sim plot`: paper-style figures of a `run` report (or of a sweep's
// results, or several run reports side by side), drawn by
// sim/plot/plot_report.py (python3 + matplotlib). The script's path is fixed at
// build time (EDGEBERT_PLOT_SCRIPT) and can be overridden by the environment
// variable of the same name; the interpreter by EDGEBERT_PYTHON.
#include <fmt/format.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "common/error.hpp"
#include "sim/cli/cli_common.hpp"
#include "sim/cli/commands.hpp"
#include "sim/cli/subprocess.hpp"

#ifndef EDGEBERT_PLOT_SCRIPT
#define EDGEBERT_PLOT_SCRIPT "sim/plot/plot_report.py"
#endif

namespace edgebert::cli {

namespace {

constexpr int kScriptBadInput = 2;  // plot_report.py's exit status for a bad report (already reported)

std::string env_or(const char* name, const std::string& fallback) {
    const char* v = std::getenv(name);
    return v && *v ? std::string(v) : fallback;
}

// The first interpreter that can import matplotlib; a clear Error if there is none.
std::string find_python() {
    const char* forced = std::getenv("EDGEBERT_PYTHON");
    // A python3 of a version manager (pyenv, conda) may come first on PATH without
    // Debian's python3-matplotlib: fall back to the system interpreter then.
    const std::vector<std::string> candidates =
        forced && *forced ? std::vector<std::string>{forced}
                          : std::vector<std::string>{"python3", "/usr/bin/python3"};
    bool found_any = false;
    for (const auto& py : candidates) {
        const auto r = run_process({py, "-c", "import matplotlib"}, ChildOutput::Discard);
        if (r.not_found()) continue;
        found_any = true;
        if (r.ok()) return py;
    }
    const std::string tried = fmt::format("{}", fmt::join(candidates, ", "));
    if (!found_any)
        throw Error(fmt::format("plot needs python3 with matplotlib, but no python3 was found (tried: {}); "
                                "install python3 and python3-matplotlib (scripts/setup.sh){}",
                                tried, forced && *forced ? " or fix EDGEBERT_PYTHON" : ""));
    throw Error(fmt::format("plot needs matplotlib, but python3 cannot import it (tried: {}); "
                            "install python3-matplotlib (scripts/setup.sh)",
                            tried));
}

}  // namespace

int cmd_plot(const std::vector<std::string>& args) {
    po::options_description desc("options");
    std::vector<std::string> reports;
    std::string out_dir, format;
    bool log = false;
    desc.add_options()
        ("report", po::value(&reports)->multitoken(),
         "a report JSON written by 'run' or 'sentences', a sweep's results.json, or several run reports to "
         "compare side by side (or give them as the arguments)")
        ("out", po::value(&out_dir)->default_value("."), "directory for the figures (created if missing)")
        ("format", po::value(&format)->default_value("png"), "figure format: png, svg or pdf")
        ("log", po::bool_switch(&log), "log-scale cycle axes");
    po::positional_options_description pos;
    pos.add("report", -1);
    po::variables_map vm;
    if (!parse_options("plot", "<report.json | results.json | a.json b.json ...> [--out DIR] [--format png|svg|pdf] [--log]",
                       desc, args, vm, &pos))
        return 0;

    if (reports.empty())
        throw Error("plot: missing the report file (usage: edgebert-sim plot <report.json> [options])");
    if (format != "png" && format != "svg" && format != "pdf")
        throw Error(fmt::format("--format '{}' is not one of png, svg, pdf", format));
    if (out_dir.empty()) throw Error("--out: empty directory name");
    for (const auto& report : reports) {
        struct stat st {};
        if (stat(report.c_str(), &st) != 0)
            throw Error(fmt::format("{}: cannot open file: {}", report, std::strerror(errno)));
        if (S_ISDIR(st.st_mode)) throw Error(fmt::format("{}: is a directory, not a report file", report));
    }

    const std::string script = env_or("EDGEBERT_PLOT_SCRIPT", EDGEBERT_PLOT_SCRIPT);
    if (access(script.c_str(), R_OK) != 0)
        throw Error(fmt::format("plot script '{}' cannot be read: {} (set EDGEBERT_PLOT_SCRIPT to "
                                "the path of sim/plot/plot_report.py)",
                                script, std::strerror(errno)));
    const std::string python = find_python();

    // "--" ends the options, so a report named like an option is still a file.
    std::vector<std::string> argv = {python, script, "--out", out_dir, "--format", format};
    if (log) argv.push_back("--log");
    argv.push_back("--");
    argv.insert(argv.end(), reports.begin(), reports.end());
    const auto r = run_process(argv, ChildOutput::Inherit);
    if (r.spawn_errno != 0)
        throw Error(fmt::format("cannot start '{}': {}", python, std::strerror(r.spawn_errno)));
    if (WIFSIGNALED(r.status))
        throw Error(fmt::format("plot script '{}' was killed by signal {}", script, WTERMSIG(r.status)));
    const int code = WIFEXITED(r.status) ? WEXITSTATUS(r.status) : 1;
    if (code == kScriptBadInput) return 1;  // the script has named the problem on stderr
    if (code != 0) throw Error(fmt::format("plot script '{}' failed (exit status {})", script, code));
    return 0;
}

}  // namespace edgebert::cli
