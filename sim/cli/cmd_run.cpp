// `edgebert-sim run`: the main job. Compiles an ALBERT model for each target
// (EdgeBERT tile, systolic tile, CPU), runs every program on the simulated
// SoC, and reports cycles broken down by module and category, speedups and
// the accuracy of the EdgeBERT result against the FP32 reference.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <cmath>
#include <iostream>
#include <optional>
#include <sstream>

#include "common/error.hpp"
#include "common/json_writer.hpp"
#include "embedded_configs.hpp"
#include "compiler/lower/lowering.hpp"
#include "compiler/program/program.hpp"
#include "hw/formats/pruning.hpp"
#include "sim/cli/cli_common.hpp"
#include "sim/cli/commands.hpp"
#include "sim/cli/progress.hpp"
#include "sim/cli/run_report_extras.hpp"
#include "sim/cli/report_csv.hpp"
#include "sim/cli/thesis_report.hpp"
#include "sim/run/bound_report.hpp"
#include "sim/run/memory_report.hpp"
#include "sim/run/soc_runner.hpp"
#include "sim/run/tile_checks_report.hpp"
#include "sim/run/wave_session.hpp"

namespace edgebert::cli {

namespace {

const char* kModules[] = {"embedding", "attention", "post_processing", "ffn", "classifier"};

std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ',')) if (!item.empty()) out.push_back(item);
    return out;
}

boost::json::object target_json(const sim::RunResult& r) {
    std::array<uint64_t, hw::kHostCategories> by_cat{};
    std::array<uint64_t, EB_MOD_COUNT> by_mod{};
    std::array<std::array<uint64_t, hw::kHostCategories>, EB_MOD_COUNT> by_mod_cat{};
    for (const auto& [key, cats] : r.accounts)
        for (size_t c = 0; c < hw::kHostCategories; ++c) {
            by_cat[c] += cats[c];
            by_mod[key.module] += cats[c];
            by_mod_cat[key.module][c] += cats[c];
        }
    boost::json::object t, bm, bc, bmc;
    for (size_t m = 0; m < EB_MOD_COUNT; ++m) {
        bm[kModules[m]] = by_mod[m];
        boost::json::object cats;
        for (size_t c = 0; c < hw::kHostCategories; ++c)
            cats[hw::host_category_name(static_cast<hw::HostCategory>(c))] = by_mod_cat[m][c];
        bmc[kModules[m]] = cats;
    }
    for (size_t c = 0; c < hw::kHostCategories; ++c) bc[hw::host_category_name(static_cast<hw::HostCategory>(c))] = by_cat[c];
    uint64_t sum = 0;
    for (auto v : by_cat) sum += v;
    t["total_cycles"] = sum;
    t["program_cycles"] = r.total_cycles;
    t["by_module"] = bm;
    t["by_category"] = bc;
    t["by_module_category"] = bmc;
    boost::json::object kinds;
    for (size_t k = 0; k < hw::kCpuKinds; ++k) kinds[hw::cpu_kind_name(k)] = r.cpu_kinds[k];
    t["cpu_compute_by_kind"] = kinds;
    t["wall_s"] = r.wall_s;
    t["instructions"] = r.instructions;
    if (r.edgebert_commands) t["edgebert_commands"] = r.edgebert_commands;
    if (r.systolic_calls) t["systolic_calls"] = r.systolic_calls;
    boost::json::array ops;
    for (const auto& [key, cats] : r.accounts) {
        uint64_t s = 0;
        for (auto v : cats) s += v;
        ops.push_back({{"layer", key.layer}, {"module", kModules[key.module]}, {"op", key.op}, {"cycles", s}});
    }
    t["by_operator"] = ops;
    t["noc"] = r.noc;
    t["dram"] = r.dram;
    t["memory"] = r.memory;
    sim::add_tile_checks(t, r);
    return t;
}

// "classifier, highway.0-11": head names with the off-ramps' layers as ranges.
std::string head_list(const std::vector<std::string>& heads) {
    std::string out, ramps;
    std::vector<int> layers;
    for (const auto& h : heads) {
        if (h.rfind("highway.", 0) == 0) layers.push_back(std::stoi(h.substr(8)));
        else out += (out.empty() ? "" : ", ") + h;
    }
    for (size_t i = 0; i < layers.size();) {
        size_t j = i;
        while (j + 1 < layers.size() && layers[j + 1] == layers[j] + 1) ++j;
        ramps += (ramps.empty() ? "highway." : ",") +
                 (j > i ? fmt::format("{}-{}", layers[i], layers[j]) : std::to_string(layers[i]));
        i = j + 1;
    }
    if (!ramps.empty()) out += (out.empty() ? "" : ", ") + ramps;
    return out;
}

std::string human_size(uint64_t b) {
    if (b >= 1'000'000) return fmt::format("{:.1f} MB", b / 1e6);
    if (b >= 1'000) return fmt::format("{:.1f} kB", b / 1e3);
    return fmt::format("{} B", b);
}

struct Accuracy {
    double max_abs_err = 0, cosine = 0;
    bool argmax_agree = false;
};

Accuracy accuracy(const std::vector<float>& got, const std::vector<float>& ref, const std::vector<float>& logits,
                  const std::vector<float>& ref_logits) {
    Accuracy a;
    double dot = 0, n1 = 0, n2 = 0;
    for (size_t i = 0; i < got.size() && i < ref.size(); ++i) {
        a.max_abs_err = std::max(a.max_abs_err, std::fabs(double(got[i]) - ref[i]));
        dot += double(got[i]) * ref[i];
        n1 += double(got[i]) * got[i];
        n2 += double(ref[i]) * ref[i];
    }
    a.cosine = dot / std::sqrt(std::max(n1 * n2, 1e-300));
    auto argmax = [](const std::vector<float>& v) { return std::max_element(v.begin(), v.end()) - v.begin(); };
    a.argmax_agree = !logits.empty() && argmax(logits) == argmax(ref_logits);
    return a;
}

}  // namespace

int cmd_run(const std::vector<std::string>& args) {
    po::options_description desc("options");
    WorkloadOptions w;
    std::string json_path, csv_path, targets = "edgebert,systolic,cpu", mode = "optimized", waves_dir;
    std::string energy_path, area_path;
    bool quiet = false, dma_projection = false, allow_synthetic_heads = false;
    std::string window, host, wave_operator, wave_scope;
    uint64_t wave_limit_mb = 100;
    double early_exit = 0;
    w.add_to(desc);
    desc.add_options()
        ("targets", po::value(&targets)->default_value(targets), "comma-separated: edgebert, systolic, cpu")
        ("mode", po::value(&mode)->default_value(mode), "optimized | thesis (the published software's approach)")
        ("json", po::value(&json_path), "write the report as JSON")
        ("energy", po::value(&energy_path),
         "energy figures per event (default: the embedded configs/energy/edgebert-12nm.json)")
        ("area", po::value(&area_path), "area figures (default: the embedded configs/energy/area-12nm.json)")
        ("csv", po::value(&csv_path), "write the breakdown as CSV (target,module,category,cycles)")
        ("waves", po::value(&waves_dir),
         "write waveforms into DIR: per target a VCD of the SoC and a GTKWave save file (DIR/<target>.gtkw), "
         "for the systolic target an FST of its RTL (waves/README.md)")
        ("wave-window", po::value(&window),
         "FROM:TO: only CPU cycles [FROM, TO) of the simulation, in every waveform file")
        ("wave-operator", po::value(&wave_operator),
         "only while the program is in this region: layer<L>[.<module>[.<operator>]] or <module>[.<operator>], "
         "e.g. layer0.ffn (modules: embedding, attention, post_processing, ffn, classifier)")
        ("wave-scope", po::value(&wave_scope),
         "comma-separated blocks to trace: the SoC's edgebert and systolic tiles, its io tile (PLIC) and noc, e.g. "
         "edgebert0,noc (default: all; the program's region marker is always written)")
        ("wave-limit", po::value(&wave_limit_mb)->default_value(wave_limit_mb),
         "MB per waveform file: writing stops before a file would exceed it, and says where it cut (0: no limit)")
        ("host", po::value(&host)->default_value("native"), "native (CPU work from the cost table) | iss (firmware on the RISC-V core)")
        ("early-exit", po::value(&early_exit)->default_value(0.0),
         "EdgeBERT target: off-ramps after every layer, and stop when the tile's entropy unit finds H <= E_T")
        ("allow-synthetic-heads", po::bool_switch(&allow_synthetic_heads),
         "let --early-exit use off-ramps a --weights file lacks (filled with synthetic values)")
        ("silicon-dma-projection", po::bool_switch(&dma_projection),
         "thesis mode: also report read/write projected as the silicon study did (docs/thesis-mode.md)")
        ("quiet", po::bool_switch(&quiet), "no progress line on stderr");
    po::variables_map vm;
    if (!parse_options("run", "[options]", desc, args, vm)) return 0;

    const auto soc = load_soc(w.soc_path);
    const auto cfg = load_model_config(w.model_path);
    const auto energy = load_energy(energy_path);
    const auto area = load_area(area_path);
    if (host != "native" && host != "iss") throw Error(fmt::format("--host '{}' is not one of: native, iss", host));
    uint64_t window_from = 0, window_to = UINT64_MAX;
    std::optional<sim::RegionSelector> wave_region;
    std::vector<std::string> wave_scopes;
    if (waves_dir.empty()) {
        for (const char* o : {"wave-window", "wave-operator", "wave-scope", "wave-limit"})
            if (vm.count(o) && !vm[o].defaulted()) throw UsageError(fmt::format("--{} needs --waves DIR", o));
    }
    if (!window.empty()) {
        const auto colon = window.find(':');
        const auto digits = [](const std::string& x) {
            return !x.empty() && x.size() <= 19 && x.find_first_not_of("0123456789") == std::string::npos;
        };
        if (colon == std::string::npos || !digits(window.substr(0, colon)) || !digits(window.substr(colon + 1)))
            throw UsageError(fmt::format("--wave-window '{}' must be FROM:TO in CPU cycles, e.g. 0:100000", window));
        window_from = std::stoull(window.substr(0, colon));
        window_to = std::stoull(window.substr(colon + 1));
        if (window_to <= window_from)
            throw Error(
                fmt::format("--wave-window {}:{} is empty: TO must be greater than FROM", window_from, window_to));
    }
    if (!wave_operator.empty() || vm.count("wave-operator")) wave_region = sim::parse_region_selector(wave_operator);
    if (vm.count("wave-scope")) {
        const auto allowed = sim::wave_scopes(soc);
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        const UsageError malformed(
            fmt::format("--wave-scope '{}' must list blocks separated by commas, e.g. edgebert0,noc", wave_scope));
        std::stringstream ss(wave_scope);
        std::string item;
        while (std::getline(ss, item, ',')) {
            if (item.empty()) throw malformed;
            if (std::find(allowed.begin(), allowed.end(), item) == allowed.end())
                throw Error(fmt::format("--wave-scope: '{}' is not a block of the SoC {} (allowed: {})", item,
                                        soc.name, list));
            wave_scopes.push_back(item);
        }
        if (wave_scopes.empty() || wave_scope.back() == ',') throw malformed;
    }
    if (wave_limit_mb > 1'000'000)
        throw Error(fmt::format("--wave-limit {} is out of range [0, 1000000] MB", wave_limit_mb));
    if (!waves_dir.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(waves_dir, ec);
        if (ec) throw Error(fmt::format("--waves {}: cannot create the directory: {}", waves_dir, ec.message()));
    }
    std::vector<compiler::Target> tlist;
    for (const auto& t : split(targets)) tlist.push_back(compiler::parse_target(t));
    if (tlist.empty()) throw Error("--targets: no target given (allowed: edgebert, systolic, cpu)");
    // An accelerator target runs on the SoC's first tile of its kind (further ones stay idle).
    for (const auto t : tlist) {
        const hw::TileKind kind = t == compiler::Target::Edgebert ? hw::TileKind::Edgebert : hw::TileKind::Systolic;
        if (t != compiler::Target::Cpu && soc.tiles_of(kind).empty())
            throw Error(fmt::format("--targets {}: the SoC config {} has no {} tile (tiles[].kind)",
                                    compiler::target_name(t), w.soc_path.empty() ? kDefaultSocOrigin : w.soc_path,
                                    hw::tile_kind_name(kind)));
    }
    const compiler::Mode cmode = compiler::parse_mode(mode);
    const bool thesis = cmode == compiler::Mode::Thesis;
    if (dma_projection && !thesis) throw UsageError("--silicon-dma-projection needs --mode thesis");
    if (dma_projection && std::find(tlist.begin(), tlist.end(), compiler::Target::Edgebert) == tlist.end())
        throw UsageError("--silicon-dma-projection projects the EdgeBERT target's DMA: add edgebert to --targets");
    if (thesis && early_exit > 0)
        throw UsageError("--early-exit cannot be combined with --mode thesis (the published software ran no off-ramps)");

    const auto wall0 = std::chrono::steady_clock::now();
    const PreparedModel pm = w.prepare(cfg, "run");
    const int seq_len = pm.input.seq_len();
    const int layers = w.layers;
    const auto& lw = pm.weights;
    const auto& input = pm.input;
    const auto& act_max = pm.act_max;
    const auto& ref = pm.reference;
    std::vector<std::string> synthetic_ramps;
    for (const auto& h : lw.synthetic_heads)
        if (h.rfind("highway.", 0) == 0) synthetic_ramps.push_back(h);
    if (early_exit > 0 && lw.from_file() && !synthetic_ramps.empty() && !allow_synthetic_heads)
        throw Error(fmt::format("--early-exit: {} lacks {} off-ramp head(s) ({}); their entropies would come from "
                                "synthetic values. Give a checkpoint with the off-ramps, or --allow-synthetic-heads",
                                lw.source, synthetic_ramps.size(), head_list(synthetic_ramps)));

    boost::json::object report, tj;
    report["model"] = cfg.name;
    report["soc"] = soc.name;
    report["mode"] = compiler::mode_name(cmode);
    report["host"] = host;
    report["seq_len"] = seq_len;
    report["layers"] = layers;
    report["weights"] = lw.source;
    report["prune"] = w.prune;
    boost::json::array heads;
    for (const auto& h : lw.synthetic_heads) heads.push_back(boost::json::string(h));
    report["synthetic_heads"] = heads;
    std::map<std::string, uint64_t> totals;
    uint64_t sim_cycles = 0;
    double sim_wall = 0;
    std::optional<sim::RunResult> edgebert_run;
    std::vector<sim::WaveFile> wave_files;
    std::vector<std::string> wave_notes;
    for (auto t : tlist) {
        const std::string name = compiler::target_name(t);
        compiler::CompileOptions copt;
        copt.target = t;
        copt.mode = cmode;
        copt.layers = layers;
        if (thesis) copt.thesis_input = ref.embedding_output.data;
        copt.silicon_dma_projection = dma_projection && t == compiler::Target::Edgebert;
        if (early_exit > 0 && t == compiler::Target::Edgebert) {
            copt.offramps = true;
            copt.exit_threshold = early_exit;
        }
        const auto compiled = compiler::compile_model(cfg, lw.weights, input, soc, copt, act_max);
        int exited_after = 0;  // early exit: the layer the program stopped after (0: ran every layer)
        sim::RunHooks hooks;
        uint64_t regions = 0;
        for (const auto& in : compiled.program.instrs) regions += in.op == EB_OP_REGION;
        Progress progress(name, regions, Progress::stderr_is_terminal());
        if (!quiet) hooks.on_region = [&](const hw::RegionKey& k, uint64_t cyc) { progress.region(k, cyc); };
        if (host == "iss") hooks.iss_executor = std::string(EDGEBERT_FIRMWARE_DIR) + "/executor.elf";
        if (!waves_dir.empty()) {
            sim::WaveOptions wo;
            wo.dir = waves_dir;
            wo.target = name;
            wo.from_cycle = window_from;
            wo.to_cycle = window_to;
            wo.region = wave_region;
            wo.scopes = wave_scopes;
            wo.limit_bytes = wave_limit_mb * 1'000'000;
            wo.rtl = t == compiler::Target::Systolic;
            hooks.waves = wo;
        }
        const auto r = sim::run_on_soc(soc, compiled, name, hooks);
        if (!quiet) progress.finish();
        if (r.waves.empty) {
            if (!window.empty() && wave_region)
                throw Error(fmt::format("--wave-window {}:{} with --wave-operator {} is empty for the {} run: the "
                                        "region does not run inside the window (the run's cycles are 0:{})",
                                        window_from, window_to, wave_region->text, name, r.waves.end_cycle));
            if (wave_region)
                throw Error(fmt::format("--wave-operator {}: the {} program never entered the region (the run's "
                                        "cycles are 0:{})",
                                        wave_region->text, name, r.waves.end_cycle));
            throw Error(fmt::format("--wave-window {}:{} is empty for the {} run: its cycles are 0:{} (CPU cycles "
                                    "from the start of the simulation)",
                                    window_from, window_to, name, r.waves.end_cycle));
        }
        for (const auto& f : r.waves.files)
            if (std::none_of(wave_files.begin(), wave_files.end(), [&](const auto& g) { return g.path == f.path; }))
                wave_files.push_back(f);
        wave_notes.insert(wave_notes.end(), r.waves.notes.begin(), r.waves.notes.end());
        auto j = target_json(r);
        if (compiled.exit_slot >= 0) {
            const int exit_layer = static_cast<int>(r.entropies.at(static_cast<size_t>(compiled.exit_slot)));
            exited_after = exit_layer;
            const double h = r.entropies.at(static_cast<size_t>(compiled.exit_slot) + 1);
            boost::json::array ramps;
            for (int l = 1; l <= layers; ++l) ramps.push_back(r.entropies.at(static_cast<size_t>(l)));
            j["early_exit"] = {{"threshold", early_exit}, {"exit_layer", exit_layer ? exit_layer : layers},
                               {"exited_early", exit_layer != 0}, {"entropy_unit_h", exit_layer ? h : -1.0},
                               {"offramp_entropies_cpu", ramps}};
            std::cout << (exit_layer
                              ? fmt::format("early exit: the tile's entropy unit stopped the EdgeBERT program after "
                                            "layer {} of {} (H = {:.4f} <= E_T = {})\n",
                                            exit_layer, layers, h, early_exit)
                              : fmt::format("early exit: no off-ramp reached E_T = {}; all {} layers ran\n",
                                            early_exit, layers));
        }
        if (t == compiler::Target::Edgebert) sim::add_bound(j, soc, r);  // docs/tile-timing.md
        if (t == compiler::Target::Edgebert && thesis) {
            report["accuracy"] = {{"not_applicable",
                                   "thesis mode replays the published software, which omits operators (no activation; "
                                   "no softmax / layer norm on the CPU and systolic targets) and keeps integer data "
                                   "unscaled; its outputs are checked against the functional platform instead"}};
        } else if (t == compiler::Target::Edgebert && exited_after > 0) {
            report["accuracy"] = {{"not_applicable",
                                   fmt::format("the program exited after layer {} of {}: the last layer's hidden "
                                               "states were not computed (the exit is in targets.edgebert.early_exit)",
                                               exited_after, layers)}};
        } else if (t == compiler::Target::Edgebert) {
            const auto acc = accuracy(r.hidden, ref.last_hidden.data, r.logits, ref.logits);
            report["accuracy"] = {{"max_abs_err", acc.max_abs_err}, {"cosine", acc.cosine},
                                  {"argmax_agree", acc.argmax_agree}, {"against", "fp32 reference, hidden states"}};
        }
        j["energy"] = target_energy_json(energy, r, name, soc);
        j["area"] = target_area_json(area, soc, name);
        // Every target whose last hidden states were computed in full against the FP32 reference.
        if (!thesis && exited_after == 0) {
            const auto acc = accuracy(r.hidden, ref.last_hidden.data, r.logits, ref.logits);
            j["accuracy"] = {{"cosine", acc.cosine}, {"max_abs_err", acc.max_abs_err},
                             {"argmax_agree", acc.argmax_agree}};
        }
        if (t == compiler::Target::Edgebert) edgebert_run = r;
        totals[name] = j["total_cycles"].as_uint64();
        sim_cycles += r.total_cycles;
        sim_wall += r.wall_s;
        tj[name] = j;
    }
    report["targets"] = tj;
    boost::json::object sp;
    if (totals.count("edgebert") && totals.count("cpu"))
        sp["edgebert_vs_cpu"] = double(totals["cpu"]) / double(totals["edgebert"]);
    if (totals.count("edgebert") && totals.count("systolic"))
        sp["edgebert_vs_systolic"] = double(totals["systolic"]) / double(totals["edgebert"]);
    report["speedup"] = sp;
    if (thesis) report["thesis"] = thesis_summary(tj, edgebert_run ? &*edgebert_run : nullptr, dma_projection);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
    report["sim"] = {{"wall_s", wall}, {"simulation_wall_s", sim_wall},
                     {"simulated_cycles_per_s", sim_wall > 0 ? sim_cycles / sim_wall : 0.0}};
    report["area"] = soc_area_json(area, soc);
    // What produced this report (docs/run-report.schema.json): config, command line, program.
    report["config"] = config_provenance(soc, w.soc_path);
    report["command_line"] = command_line("run", args);
    report["version"] = program_version();

    // The table a person reads at a glance.
    const auto padded = std::count(input.attention_mask.begin(), input.attention_mask.end(), 0);
    std::cout << fmt::format("{} on {}  ({} mode, {} tokens{}, {} layer{}, {} host{})  [config {}, edgebert-sim {}]\n\n",
                             cfg.name, soc.name,
                             compiler::mode_name(cmode), seq_len,
                             padded ? fmt::format(" ({} padding)", padded) : std::string(), layers, layers > 1 ? "s" : "",
                             host == "iss" ? "RISC-V ISS" : "native",
                             lw.synthetic_heads.empty() ? ""
                             : lw.from_file()           ? "; synthetic heads: " + head_list(lw.synthetic_heads)
                                                        : "; synthetic weights",
                             report["config"].as_object().at("hash").as_string().c_str(), program_version());
    std::cout << fmt::format("{:<10} {:>14}  {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10}\n",
                             "target", "total cycles", "register", "read", "write", "compute", "malloc", "memset",
                             "transpose", "cpu_comp", "flush");
    for (const auto& [name, jv] : tj) {
        const auto& bc = jv.as_object().at("by_category").as_object();
        std::cout << fmt::format("{:<10} {:>14}", std::string(name), jv.as_object().at("total_cycles").as_uint64());
        for (const char* c : {"register", "read", "write", "compute", "malloc", "memset", "transpose", "cpu_compute",
                              "flush"})
            std::cout << fmt::format(" {:>10}", bc.at(c).as_uint64());
        std::cout << "\n";
    }
    std::cout << "\n";
    for (const auto& [name, jv] : tj) {
        const auto& mem = jv.as_object().at("memory").as_object();
        const uint64_t warnings = mem.at("coherence_warning_count").as_uint64();
        std::cout << fmt::format("{:<10} {}{}\n", std::string(name), sim::miss_rate_line(mem),
                                 warnings ? fmt::format("  ({} coherence warnings: see the JSON report)", warnings) : "");
    }
    for (const auto& [name, jv] : tj) std::cout << sim::tile_checks_line(std::string(name), jv.as_object());
    for (const auto& [name, jv] : tj) {
        const auto& kinds = jv.as_object().at("cpu_compute_by_kind").as_object();
        std::string line;
        for (const auto& [k, v] : kinds)
            if (v.as_uint64()) line += fmt::format("  {} {}", std::string(k), v.as_uint64());
        std::cout << fmt::format("{:<10} cpu_compute by kind:{}\n", std::string(name), line.empty() ? " none" : line);
    }
    std::cout << fmt::format("\n{:<10}", "module");
    for (const char* m : kModules) std::cout << fmt::format(" {:>16}", m);
    std::cout << "\n";
    for (const auto& [name, jv] : tj) {
        std::cout << fmt::format("{:<10}", std::string(name));
        for (const char* m : kModules)
            std::cout << fmt::format(" {:>16}", jv.as_object().at("by_module").as_object().at(m).as_uint64());
        std::cout << "\n";
    }
    std::cout << "\n";
    for (const auto& [name, jv] : tj) std::cout << energy_line(std::string(name), jv.as_object().at("energy").as_object());
    for (const auto& [name, jv] : tj) std::cout << area_line(std::string(name), jv.as_object().at("area").as_object());
    std::cout << fmt::format("{:<10} area {:.3f} mm^2 (every tile of {}, {})\n", "soc",
                             report["area"].as_object().at("total_mm2").as_double(), soc.name, area.technology);
    if (thesis) print_thesis_tables(tj, report["thesis"].as_object());
    if (!thesis && sp.contains("edgebert_vs_cpu"))
        std::cout << fmt::format("\nspeedup EdgeBERT vs CPU:      {:8.2f}x   (published, thesis mode on silicon: 64.1x)\n",
                                 sp["edgebert_vs_cpu"].as_double());
    if (!thesis && sp.contains("edgebert_vs_systolic"))
        std::cout << fmt::format("speedup EdgeBERT vs systolic: {:8.2f}x   (published: about 2.12x)\n",
                                 sp["edgebert_vs_systolic"].as_double());
    if (tj.contains("edgebert")) std::cout << sim::bound_line(tj["edgebert"].as_object().at("bound").as_object());
    if (report.contains("accuracy") && report["accuracy"].as_object().contains("cosine")) {
        const auto& a = report["accuracy"].as_object();
        std::cout << fmt::format("accuracy (EdgeBERT vs FP32): cosine {:.5f}, max |err| {:.4f}, argmax {}\n",
                                 a.at("cosine").as_double(), a.at("max_abs_err").as_double(),
                                 a.at("argmax_agree").as_bool() ? "agrees" : "differs");
    }
    std::cout << fmt::format("simulated {} cycles in {:.2f} s of simulation ({:.2f} M cycles/s); {:.2f} s wall in all\n",
                             sim_cycles, sim_wall, sim_wall > 0 ? sim_cycles / sim_wall / 1e6 : 0.0, wall);
    if (!wave_files.empty()) {
        std::cout << "\nwaveforms (GTKWave: open the .gtkw files; waves/README.md):\n";
        std::string filters;
        uint64_t filter_bytes = 0;
        for (const auto& f : wave_files) {
            if (f.what == "GTKWave translate filter") {
                filters += (filters.empty() ? "" : ", ") + std::filesystem::path(f.path).filename().string();
                filter_bytes += f.bytes;
            } else {
                std::cout << fmt::format("  {:>10}  {}  ({})\n", human_size(f.bytes), f.path, f.what);
            }
        }
        if (!filters.empty())
            std::cout << fmt::format("  {:>10}  GTKWave translate filters beside them: {}\n", human_size(filter_bytes),
                                     filters);
        for (const auto& n : wave_notes) std::cout << "  note: " << n << "\n";
    }
    if (!json_path.empty()) {
        write_json_file(json_path, report);
        std::cout << "wrote " << json_path << "\n";
    }
    if (!csv_path.empty()) {
        write_report_csv(csv_path, report);
        std::cout << "wrote " << csv_path << "\n";
    }
    return 0;
}

}  // namespace edgebert::cli
