// `edgebert-sim calibrate`: re-derives the native host's cost table from the
// RISC-V core. Runs firmware/apps/calibrate.c on the ISS, which times each
// kind of CPU work with mcycle, and prints / writes the measured table.
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "common/error.hpp"
#include "common/json_reader.hpp"
#include "common/json_writer.hpp"
#include "hw/soc/soc.hpp"
#include "sim/cli/cli_common.hpp"
#include "sim/cli/commands.hpp"
#include "embedded_configs.hpp"

namespace edgebert::cli {

int cmd_calibrate(const std::vector<std::string>& args) {
    po::options_description desc("options");
    std::string soc_path, json_path, soc_out;
    desc.add_options()
        ("soc", po::value(&soc_path), "SoC config (default: embedded configs/soc/default.json)")
        ("json", po::value(&json_path), "write {\"host_costs\": {...}} with the measured table")
        ("soc-out", po::value(&soc_out), "write a copy of the SoC config with the measured host_costs");
    po::variables_map vm;
    if (!parse_options("calibrate", "[options]", desc, args, vm)) return 0;
    const auto cfg = load_soc(soc_path);

    sc_core::sc_curr_simcontext = new sc_core::sc_simcontext();
    sc_core::sc_default_global_context = sc_core::sc_curr_simcontext;
    hw::Soc soc("soc", cfg, /*with_iss=*/true);
    const auto r = soc.run_firmware(std::string(EDGEBERT_FIRMWARE_DIR) + "/calibrate.elf", 1ull << 34);
    const std::string out = soc.uart.take_output();
    if (!r.exited || r.exit_code != 0)
        throw Error(fmt::format("calibrate: the calibration firmware failed ({}); UART: {}", r.stop, out));

    boost::json::object costs;
    std::istringstream ss(out);
    std::string line;
    std::cout << fmt::format("{:<24} {:>12} {:>12}\n", "entry", "table", "measured");
    while (std::getline(ss, line)) {
        std::istringstream ls(line);
        std::string tag, name;
        long long milli = 0;
        if (!(ls >> tag >> name >> milli) || tag != "cost") continue;
        const double v = milli / 1000.0;
        costs[name] = v;
        std::cout << fmt::format("{:<24} {:>12.3f} {:>12.3f}\n", name, cfg.host_costs.get(name), v);
    }
    // Not measurable in isolation on the core: keep the table's figure.
    costs["mmio_access"] = cfg.host_costs.get("mmio_access");
    std::cout << fmt::format("(mmio_access kept at {}: its NoC and target latency are modelled separately)\n",
                             cfg.host_costs.get("mmio_access"));
    if (!json_path.empty()) {
        write_json_file(json_path, boost::json::object{{"host_costs", costs},
                                                       {"source", "measured on the RISC-V ISS by firmware/apps/calibrate.c"}});
        std::cout << "wrote " << json_path << "\n";
    }
    if (!soc_out.empty()) {
        boost::json::value v = soc_path.empty() ? parse_json_text(kDefaultSocJson, kDefaultSocOrigin)
                                                : parse_json_file(soc_path);
        boost::json::object hc = costs;
        hc["_comment"] = "measured on the RISC-V ISS by `edgebert-sim calibrate`";
        v.as_object()["host_costs"] = hc;
        write_json_file(soc_out, v);
        std::cout << "wrote " << soc_out << "\n";
    }
    return 0;
}

}  // namespace edgebert::cli
