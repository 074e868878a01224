// `edgebert-sim bench <name>`: speed benchmarks of the simulator, with JSON output.
// Benchmarks are measurements, not tests: they never fail on a slow machine.
#include <fmt/format.h>

#include <chrono>
#include <iostream>

#include "common/error.hpp"
#include "common/json_writer.hpp"
#include "sim/cli/bench.hpp"
#include "sim/cli/cli_common.hpp"
#include "sim/cli/commands.hpp"

namespace edgebert::cli {

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// FP32 forward of the default model (albert-base-v2, 128 tokens, all 12 layers).
boost::json::object bench_reference(int repeats) {
    const auto cfg = load_model_config("");
    auto t0 = std::chrono::steady_clock::now();
    const auto w = model::synthetic_albert_weights(cfg, 1);
    const double gen_s = seconds_since(t0);
    const auto in = model::synthetic_input(cfg, 128, 1);
    double best = 1e30, total = 0;
    model::ReferenceResult r;
    for (int i = 0; i < repeats; ++i) {
        t0 = std::chrono::steady_clock::now();
        r = model::run_reference(cfg, w, in, {cfg.num_hidden_layers, false});
        const double s = seconds_since(t0);
        best = std::min(best, s);
        total += s;
    }
    const double H = cfg.hidden_size, I = cfg.intermediate_size, S = 128;
    const double macs_per_layer = S * H * H * 4 + S * H * I * 2 + 2 * S * S * H;
    const double macs = macs_per_layer * cfg.num_hidden_layers;
    boost::json::object j;
    j["benchmark"] = "reference";
    j["model"] = cfg.name;
    j["seq_len"] = 128;
    j["layers"] = cfg.num_hidden_layers;
    j["repeats"] = repeats;
    j["wall_s"] = best;
    j["mean_wall_s"] = total / repeats;
    j["synthetic_weights_s"] = gen_s;
    j["gflops"] = 2 * macs / best / 1e9;
    j["logits"] = boost::json::value_from(r.logits);
    std::cout << fmt::format(
        "bench reference: {} x{} layers, seq 128: best {:.3f} s, mean {:.3f} s over {} run(s), "
        "{:.1f} GFLOP/s (weights generated in {:.3f} s)\n",
        cfg.name, cfg.num_hidden_layers, best, total / repeats, repeats, 2 * macs / best / 1e9, gen_s);
    return j;
}

}  // namespace

int cmd_bench(const std::vector<std::string>& args) {
    po::options_description desc("options");
    std::string name, json_path;
    int repeats = 3;
    double sparsity = 0.0;
    std::string soc_path, waves_dir;
    desc.add_options()
        ("name", po::value(&name)->required(), "benchmark: reference | tile-matmul | soc | iss")
        ("sparsity", po::value(&sparsity)->default_value(0.0), "tile-matmul: weight sparsity in [0, 1)")
        ("waves", po::value(&waves_dir), "tile-matmul: write DIR/tile-matmul.vcd of the tile's signals")
        ("soc", po::value(&soc_path), "SoC config (default: the embedded configs/soc/default.json)")
        ("repeats", po::value(&repeats)->default_value(3), "runs; the best is reported")
        ("json", po::value(&json_path), "write the figures as JSON to this file");
    po::positional_options_description pos;
    pos.add("name", 1);
    po::variables_map vm;
    if (!parse_options("bench", "<reference|tile-matmul|soc|iss> [options]", desc, args, vm, &pos)) return 0;
    if (repeats < 1 || repeats > 1000) throw Error(fmt::format("--repeats {} is out of range [1, 1000]", repeats));

    boost::json::object j;
    if (name == "reference") {
        j = bench_reference(repeats);
    } else if (name == "tile-matmul") {
        if (!(sparsity >= 0.0 && sparsity < 1.0))
            throw Error(fmt::format("--sparsity {} is out of range [0, 1)", sparsity));
        hw::EdgebertTileConfig cfg;
        if (!soc_path.empty()) cfg = load_soc(soc_path).edgebert;
        j = bench_tile_matmul(cfg, sparsity, waves_dir);
    } else if (name == "soc") {
        j = bench_soc(load_soc(soc_path));
    } else if (name == "iss") {
        j = bench_iss(load_soc(soc_path), EDGEBERT_FIRMWARE_DIR, repeats);
    } else {
        throw Error(fmt::format("bench: unknown benchmark '{}' (known: reference, tile-matmul, soc, iss)", name));
    }
    if (!json_path.empty()) write_json_file(json_path, j);
    return 0;
}

}  // namespace edgebert::cli
