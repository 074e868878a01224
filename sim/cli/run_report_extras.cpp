#include "sim/cli/run_report_extras.hpp"

#include <fmt/format.h>

#include <fstream>
#include <iterator>

#include "common/error.hpp"
#include "edgebert_version.hpp"
#include "embedded_configs.hpp"
#include "hw/edgebert/adpll.hpp"
#include "hw/soc/soc_config_json.hpp"

namespace edgebert::cli {

namespace json = boost::json;

std::string program_version() {
    const std::string git = kGitDescribe;
    return fmt::format("{} (git {})", kProjectVersion, git);
}

json::object config_provenance(const hw::SocConfig& soc, const std::string& soc_path_or_empty) {
    return {{"hash", hw::soc_config_hash_hex(soc)},
            {"soc_source", soc_path_or_empty.empty() ? std::string("embedded default") : soc_path_or_empty},
            {"soc", hw::soc_config_to_json(soc)}};
}

json::array command_line(const std::string& command, const std::vector<std::string>& args) {
    std::vector<std::string> argv;
    std::ifstream f("/proc/self/cmdline", std::ios::binary);
    if (f) {
        const std::string raw((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
        size_t start = 0;
        for (size_t i = 0; i < raw.size(); ++i)
            if (raw[i] == '\0') {
                argv.push_back(raw.substr(start, i - start));
                start = i + 1;
            }
    }
    // Use it only if it is this command line (not a test harness calling cmd_run directly).
    const bool ours = argv.size() == args.size() + 2 && argv[1] == command &&
                      std::equal(args.begin(), args.end(), argv.begin() + 2);
    if (!ours) {
        argv = {"edgebert-sim", command};
        argv.insert(argv.end(), args.begin(), args.end());
    }
    json::array out;
    for (const auto& a : argv) out.push_back(json::string(a));
    return out;
}

hw::EnergyConfig load_energy(const std::string& path_or_empty) {
    if (path_or_empty.empty()) return hw::parse_energy_config(kDefaultEnergyJson, kDefaultEnergyOrigin);
    return hw::load_energy_config(path_or_empty);
}

hw::AreaConfig load_area(const std::string& path_or_empty) {
    if (path_or_empty.empty()) return hw::parse_area_config(kDefaultAreaJson, kDefaultAreaOrigin);
    return hw::load_area_config(path_or_empty);
}

hw::EnergyEvents target_energy_events(const sim::RunResult::Events& e, const std::string& target,
                                      const hw::SocConfig& soc) {
    hw::EnergyEvents x;
    x.edgebert_tile = target == "edgebert";
    x.systolic_tile = target == "systolic";
    if (x.edgebert_tile) {
        x.tile_macs = double(e.tile_macs);
        x.tile_gated_macs = double(e.tile_gated_macs);
        x.tile_sram_read_bits = double(e.tile_sram_read_bits);
        x.tile_sram_write_bits = double(e.tile_sram_write_bits);
        x.tile_sfu_vectors = double(e.tile_sfu_arith_vectors);  // the LUT's vectors are charged per table read
        x.tile_sfu_lut_accesses = double(e.tile_sfu_lut_accesses);
    }
    if (x.systolic_tile) {
        const double pes = double(soc.systolic.size) * soc.systolic.size;
        x.systolic_macs = double(e.systolic_macs);
        // Every PE is clocked through the compute phase; the ones without a MAC idle.
        x.systolic_idle_pe_cycles = std::max(0.0, double(e.systolic_compute_cycles) * pes - x.systolic_macs);
        // DMA writes each operand byte into a buffer and the array reads it once; the
        // array writes each result into C_out and DMA reads it out once.
        x.systolic_buffer_read_bits = double(e.systolic_dma_bytes) * 8;
        x.systolic_buffer_write_bits = double(e.systolic_dma_bytes) * 8;
    }
    x.dram_bits = double(e.dram_bits);
    x.noc_flit_hops = double(e.noc_flit_hops);
    x.cpu_cycles = double(e.host_cycles);
    x.seconds = e.seconds;
    return x;
}

json::object target_energy_json(const hw::EnergyConfig& energy, const sim::RunResult& r, const std::string& target,
                                const hw::SocConfig& soc) {
    // The operating point: the EdgeBERT tile's LDO and ADPLL at power-up (the
    // run's programs issue no DVFS command); the others run at the nominal supply.
    double v = energy.v_nominal, mhz = soc.cpu_clock_mhz;
    if (target == "edgebert") {
        v = soc.edgebert.ldo.initial_v;
        mhz = hw::Adpll::power_up_mhz(soc.edgebert.adpll);
    } else if (target == "systolic") {
        mhz = soc.systolic.clock_mhz;
    }
    const hw::EnergyBreakdown b = hw::compute_energy(energy, target_energy_events(r.events, target, soc), v);
    json::object by_block, by_class;
    for (const auto& [k, j] : b.by_block)
        by_block[k == "tile" ? "edgebert_tile" : k == "systolic" ? "systolic_tile" : k] = j;
    for (const auto& [k, j] : b.by_class) by_class[k] = j;
    return {{"total_j", b.total_j},   {"dynamic_j", b.dynamic_j}, {"leakage_j", b.leakage_j},
            {"by_block", by_block},   {"by_class", by_class},     {"tile_voltage_v", v},
            {"tile_clock_mhz", mhz}};
}

namespace {

void add_tile(json::object& by_block, double& total, const hw::TileArea& t, const std::string& prefix) {
    for (const auto& [k, v] : t.by_block) {
        by_block[prefix + "." + k] = v;
        total += v;
    }
}

}  // namespace

json::object target_area_json(const hw::AreaConfig& area, const hw::SocConfig& soc, const std::string& target) {
    json::object by_block;
    double total = 0;
    add_tile(by_block, total, hw::tile_area(area, soc, soc.cpu()), "cpu_tile");
    const hw::TileKind kind = target == "edgebert" ? hw::TileKind::Edgebert : hw::TileKind::Systolic;
    if (target == "edgebert" || target == "systolic") {
        const auto tiles = soc.tiles_of(kind);
        if (tiles.empty()) throw Error(fmt::format("SoC config '{}' has no {} tile for the area report", soc.name, target));
        add_tile(by_block, total, hw::tile_area(area, soc, *tiles.front()), target + "_tile");
    }
    return {{"total_mm2", total}, {"by_block", by_block}};
}

json::object soc_area_json(const hw::AreaConfig& area, const hw::SocConfig& soc) {
    json::object by_tile;
    double total = 0;
    for (const auto& t : hw::soc_area(area, soc)) {
        json::object blocks;
        for (const auto& [k, v] : t.by_block) blocks[k] = v;
        by_tile[t.name] = {{"kind", hw::tile_kind_name(t.kind)}, {"total_mm2", t.total_mm2()}, {"by_block", blocks}};
        total += t.total_mm2();
    }
    return {{"total_mm2", total}, {"technology", area.technology}, {"by_tile", by_tile}};
}

std::string energy_line(const std::string& target, const json::object& e) {
    std::string blocks;
    for (const auto& [k, v] : e.at("by_block").as_object())
        blocks += fmt::format("{}{} {:.4g}", blocks.empty() ? "" : ", ", std::string(k), v.as_double() * 1e3);
    return fmt::format("{:<10} energy {:.4g} mJ (dynamic {:.4g}, leakage {:.4g}; {}) at {:.3g} V, {:.4g} MHz\n", target,
                       e.at("total_j").as_double() * 1e3, e.at("dynamic_j").as_double() * 1e3,
                       e.at("leakage_j").as_double() * 1e3, blocks, e.at("tile_voltage_v").as_double(),
                       e.at("tile_clock_mhz").as_double());
}

std::string area_line(const std::string& target, const json::object& a) {
    std::map<std::string, double> tiles;
    for (const auto& [k, v] : a.at("by_block").as_object()) {
        const std::string key(k);
        tiles[key.substr(0, key.find('.'))] += v.as_double();
    }
    std::string parts;
    for (const auto& [k, v] : tiles) parts += fmt::format("{}{} {:.3f}", parts.empty() ? "" : " + ", k, v);
    return fmt::format("{:<10} area {:.3f} mm^2 ({})\n", target, a.at("total_mm2").as_double(), parts);
}

}  // namespace edgebert::cli
