// `edgebert-sim sentences`: sentence-level early exit with DVFS over a trace
// of measured off-ramp entropies (default: the 872 SST-2 development
// sentences). One encoder layer with its off-ramp is simulated on the SoC once
// per DVFS level of the EdgeBERT tile; the sentences reuse those costs.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <numeric>

#include "common/error.hpp"
#include "common/json_writer.hpp"
#include "compiler/lower/lowering.hpp"
#include "hw/edgebert/adpll.hpp"
#include "hw/energy/energy_model.hpp"
#include "hw/formats/pruning.hpp"
#include "sim/cli/cli_common.hpp"
#include "sim/cli/commands.hpp"
#include "sim/cli/run_report_extras.hpp"
#include "sim/early_exit/early_exit.hpp"
#include "sim/run/soc_runner.hpp"

namespace edgebert::cli {

namespace {

double percentile(std::vector<double> v, double q) {
    std::sort(v.begin(), v.end());
    const size_t i = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size()))) - 1;
    return v[std::min(i, v.size() - 1)];
}

}  // namespace

int cmd_sentences(const std::vector<std::string>& args) {
    po::options_description desc("options");
    const std::string data = EDGEBERT_CONFIG_DIR;
    std::string trace_path = data + "/early_exit/sst2_dev_entropies.csv", lut_path = data + "/early_exit/sst2_entropy_lut.csv",
                energy_path = data + "/energy/edgebert-12nm.json", policy = "all", json_path, soc_path, model_path;
    double target = 0, threshold = 0.28;
    int seq_len = 128, layers_total = 0;
    uint64_t seed = 1;
    desc.add_options()
        ("trace", po::value(&trace_path)->default_value(trace_path), "per-sentence off-ramp entropies (CSV, layers 1..11)")
        ("lut", po::value(&lut_path)->default_value(lut_path), "exit-prediction lookup table (CSV)")
        ("energy", po::value(&energy_path)->default_value(energy_path), "energy model config")
        ("policy", po::value(&policy)->default_value(policy), "none | conventional | edgebert | all")
        ("target-latency", po::value(&target), "latency target T per sentence in seconds (default: 12 layers at the top V/f)")
        ("threshold", po::value(&threshold)->default_value(threshold), "entropy threshold E_T")
        ("soc", po::value(&soc_path), "SoC config (default: embedded configs/soc/default.json)")
        ("model", po::value(&model_path), "model config (default: embedded albert-base-v2)")
        ("seq-len", po::value(&seq_len)->default_value(seq_len), "tokens per sentence")
        ("layers", po::value(&layers_total), "encoder layers of the model (default: its num_hidden_layers)")
        ("seed", po::value(&seed)->default_value(1), "seed of the synthetic weights")
        ("json", po::value(&json_path), "write the report as JSON");
    // The sequence whose layer is simulated (the first of an --input batch).
    InputOptions input;
    input.add_to(desc);
    po::variables_map vm;
    if (!parse_options("sentences", "[options]", desc, args, vm)) return 0;
    if (vm.count("target-latency") && !(target > 0))
        throw Error(fmt::format("--target-latency {} must be > 0 seconds", target));
    if (!(threshold > 0 && threshold < 64)) throw Error(fmt::format("--threshold {} is out of range (0, 64)", threshold));
    std::vector<sim::Policy> policies;
    if (policy == "all") policies = {sim::Policy::None, sim::Policy::Conventional, sim::Policy::Edgebert};
    else if (policy == "none") policies = {sim::Policy::None};
    else if (policy == "conventional") policies = {sim::Policy::Conventional};
    else if (policy == "edgebert") policies = {sim::Policy::Edgebert};
    else throw Error(fmt::format("--policy '{}' is not one of: none, conventional, edgebert, all", policy));

    const auto trace = sim::load_entropy_trace(trace_path);
    const auto lut = sim::load_exit_lut(lut_path);
    const auto energy = hw::load_energy_config(energy_path);
    const auto soc = load_soc(soc_path);
    const auto cfg = load_model_config(model_path);
    const int num_layers = layers_total > 0 ? layers_total : cfg.num_hidden_layers;
    if (num_layers < 2) throw Error("--layers must be at least 2 for early exit");

    // One layer + off-ramp, simulated at every DVFS level.
    const auto t0 = std::chrono::steady_clock::now();
    const PreparedModel pm = prepare_model(cfg, "", seed, input.first(cfg, seq_len, seed, "sentences").input, 1, 0.5);
    compiler::CompileOptions co;
    co.target = compiler::Target::Edgebert;
    co.layers = 1;
    co.offramps = true;
    std::vector<sim::LayerCost> costs;
    boost::json::array levels;
    for (int i = 0; i < energy.levels(); ++i) {
        hw::SocConfig s = soc;
        s.edgebert.ldo.initial_v = std::clamp(energy.vf_v[size_t(i)], s.edgebert.ldo.v_min, s.edgebert.ldo.v_max);
        s.edgebert.adpll.initial_mhz = std::clamp(energy.vf_mhz[size_t(i)], s.edgebert.adpll.f_min_mhz, s.edgebert.adpll.f_max_mhz);
        const auto m = compiler::compile_model(cfg, pm.weights.weights, pm.input, s, co, pm.act_max);
        const auto r = sim::run_on_soc(s, m, "edgebert");
        sim::LayerCost c;
        c.v = s.edgebert.ldo.initial_v;
        c.f_mhz = hw::Adpll::power_up_mhz(s.edgebert.adpll);
        c.latency_s = r.events.seconds;
        c.host_cycles = r.total_cycles;
        c.energy = hw::compute_energy(energy, target_energy_events(r.events, "edgebert", s), c.v);
        c.energy_j = c.energy.total_j;
        costs.push_back(c);
        std::cerr << fmt::format("simulated level {:2}/{} ({:.2f} V, {:.0f} MHz): {:.3f} ms, {:.3f} mJ per layer\n",
                                 i + 1, energy.levels(), c.v, c.f_mhz, c.latency_s * 1e3, c.energy_j * 1e3);
        levels.push_back({{"level", i}, {"v", c.v}, {"f_mhz", c.f_mhz}, {"layer_latency_s", c.latency_s},
                          {"layer_energy_j", c.energy_j}, {"tile_energy_j", c.energy.by_block.at("tile")}});
    }
    const double sim_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    const auto& tile = soc.edgebert;
    sim::ReplayConfig rc;
    rc.num_layers = num_layers;
    rc.threshold = threshold;
    rc.target_latency_s = target > 0 ? target : num_layers * costs.back().latency_s;
    // Switching from the top level: the LDO's settling plus the ADPLL's re-lock.
    rc.switch_time_s = (tile.ldo.settle_fixed_ns + (tile.ldo.v_max - tile.ldo.v_min) / tile.ldo.slew_v_per_ns +
                        tile.adpll.lock_ns) * 1e-9;

    boost::json::object report, pol;
    report["trace"] = trace_path;
    report["sentences"] = trace.rows.size();
    report["model"] = cfg.name;
    report["layers"] = num_layers;
    report["threshold"] = threshold;
    report["target_latency_s"] = rc.target_latency_s;
    report["levels"] = levels;
    report["note"] = "each layer simulated once per V/f point; every sentence reuses those costs";
    std::map<std::string, double> mean_e, mean_tile_e;
    const auto t1 = std::chrono::steady_clock::now();
    std::cout << fmt::format("{} sentences, {} layers, E_T = {}, T = {:.3f} ms (layer at top V/f: {:.3f} ms, {:.3f} mJ)\n\n",
                             trace.rows.size(), num_layers, threshold, rc.target_latency_s * 1e3,
                             costs.back().latency_s * 1e3, costs.back().energy_j * 1e3);
    std::cout << fmt::format("{:<13} {:>12} {:>12} {:>8} {:>14} {:>10} {:>10}\n", "policy", "mean ms", "p99 ms",
                             "misses", "mean mJ", "mean exit", "avg mW");
    for (auto p : policies) {
        const auto out = sim::replay(trace, lut, costs, tile, rc, p);
        std::vector<double> lat;
        double e = 0, exit = 0, te = 0, t_total = 0;
        std::map<std::string, double> by_block, by_class;
        int misses = 0;
        boost::json::array hist(static_cast<size_t>(num_layers), 0);
        for (const auto& s : out) {
            lat.push_back(s.latency_s);
            e += s.energy_j;
            te += s.tile_energy_j;
            t_total += s.latency_s;
            for (const auto& [k, v] : s.energy_by_block) by_block[k] += v;
            for (const auto& [k, v] : s.energy_by_class) by_class[k] += v;
            exit += s.exit_layer;
            misses += s.miss;
            hist[static_cast<size_t>(s.exit_layer - 1)] = hist[static_cast<size_t>(s.exit_layer - 1)].as_int64() + 1;
        }
        const double n = static_cast<double>(out.size());
        const double mean_lat = std::accumulate(lat.begin(), lat.end(), 0.0) / n;
        mean_e[sim::policy_name(p)] = e / n;
        mean_tile_e[sim::policy_name(p)] = te / n;
        pol[sim::policy_name(p)] = {{"mean_latency_s", mean_lat}, {"p99_latency_s", percentile(lat, 0.99)},
                                    {"deadline_misses", misses}, {"mean_energy_j", e / n},
                                    {"mean_tile_energy_j", te / n},
                                    {"average_power_w", e / t_total},
                                    {"mean_energy_by_block_j", [&] {
                                         boost::json::object o;
                                         for (const auto& [k, v] : by_block) o[k] = v / n;
                                         return o;
                                     }()},
                                    {"mean_energy_by_class_j", [&] {
                                         boost::json::object o;
                                         for (const auto& [k, v] : by_class) o[k] = v / n;
                                         return o;
                                     }()},
                                    {"mean_exit_layer", exit / n}, {"exit_layer_histogram", hist}};
        std::cout << fmt::format("{:<13} {:>12.3f} {:>12.3f} {:>8} {:>14.4f} {:>10.2f} {:>10.2f}\n",
                                 sim::policy_name(p), mean_lat * 1e3, percentile(lat, 0.99) * 1e3, misses, e / n * 1e3,
                                 exit / n, e / t_total * 1e3);
    }
    report["policies"] = pol;
    boost::json::object ratios;
    if (mean_e.count("none") && mean_e.count("edgebert"))
        ratios["none_over_edgebert"] = mean_e["none"] / mean_e["edgebert"];
    if (mean_e.count("conventional") && mean_e.count("edgebert"))
        ratios["conventional_over_edgebert"] = mean_e["conventional"] / mean_e["edgebert"];
    report["ratios"] = ratios;
    boost::json::object tile_ratios;
    if (mean_tile_e.count("none") && mean_tile_e.count("edgebert"))
        tile_ratios["none_over_edgebert"] = mean_tile_e["none"] / mean_tile_e["edgebert"];
    if (mean_tile_e.count("conventional") && mean_tile_e.count("edgebert"))
        tile_ratios["conventional_over_edgebert"] = mean_tile_e["conventional"] / mean_tile_e["edgebert"];
    report["ratios_tile_only"] = tile_ratios;
    report["paper_ratios"] = {{"none_over_edgebert", 7.0}, {"conventional_over_edgebert", 2.5}};
    const double replay_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
    report["sim"] = {{"layer_simulation_s", sim_s}, {"replay_s", replay_s}};
    report["config"] = config_provenance(soc, soc_path);
    report["command_line"] = command_line("sentences", args);
    report["version"] = program_version();
    if (ratios.contains("none_over_edgebert"))
        std::cout << fmt::format("\nenergy none / edgebert:         {:.2f}x   (paper: up to 7x)\n",
                                 ratios["none_over_edgebert"].as_double());
    if (ratios.contains("conventional_over_edgebert"))
        std::cout << fmt::format("energy conventional / edgebert: {:.2f}x   (paper: 2.5x)\n",
                                 ratios["conventional_over_edgebert"].as_double());
    if (tile_ratios.contains("none_over_edgebert") && tile_ratios.contains("conventional_over_edgebert"))
        std::cout << fmt::format("EdgeBERT tile alone (the DVFS domain): none / edgebert {:.2f}x, conventional / edgebert "
                                 "{:.2f}x\n", tile_ratios["none_over_edgebert"].as_double(),
                                 tile_ratios["conventional_over_edgebert"].as_double());
    std::cout << fmt::format("layer simulated at {} V/f points in {:.1f} s; {} sentences replayed in {:.3f} s\n",
                             costs.size(), sim_s, trace.rows.size(), replay_s);
    if (!json_path.empty()) {
        write_json_file(json_path, report);
        std::cout << "wrote " << json_path << "\n";
    }
    return 0;
}

}  // namespace edgebert::cli
