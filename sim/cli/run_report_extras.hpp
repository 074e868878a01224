// The parts of the run report that make a design point complete and
// reproducible: which configuration and program produced it (config hash and
// object, command line, version), and per target the energy at the tile's
// operating point and the area of the tiles it uses (docs/energy-area.md,
// docs/run-report.schema.json).
#pragma once

#include <boost/json.hpp>

#include <string>
#include <vector>

#include "hw/energy/area_model.hpp"
#include "hw/energy/energy_model.hpp"
#include "hw/soc/soc_config.hpp"
#include "sim/run/soc_runner.hpp"

namespace edgebert::cli {

// "0.1.0 (git fe90d9b-dirty)": the project version and `git describe` of the
// tree at configure time ("git unknown" outside a checkout).
std::string program_version();

// {"hash", "soc_source", "soc"}: the effective SoC config (every field after
// defaults, hw/soc/soc_config_json.hpp), its hash and where it came from (the
// --soc path, or "embedded default").
boost::json::object config_provenance(const hw::SocConfig& soc, const std::string& soc_path_or_empty);

// This process's argv (/proc/self/cmdline where it ends with `args`), else
// "edgebert-sim", `command` and `args`.
boost::json::array command_line(const std::string& command, const std::vector<std::string>& args);

// The energy and area figures: the --energy / --area files, or the embedded defaults.
hw::EnergyConfig load_energy(const std::string& path_or_empty);
hw::AreaConfig load_area(const std::string& path_or_empty);

// The energy events of a target's run: its own accelerator tile counts
// (edgebert: the EdgeBERT tile; systolic: the systolic tile; cpu: none),
// beside the CPU, the NoC and DRAM.
hw::EnergyEvents target_energy_events(const sim::RunResult::Events& e, const std::string& target,
                                      const hw::SocConfig& soc);

// targets.<t>.energy: total_j, dynamic_j, leakage_j, by_block, by_class,
// tile_voltage_v, tile_clock_mhz (the target's accelerator tile, the CPU for cpu).
boost::json::object target_energy_json(const hw::EnergyConfig& energy, const sim::RunResult& r,
                                       const std::string& target, const hw::SocConfig& soc);

// targets.<t>.area: the CPU tile and the target's accelerator tile (the first of its kind).
boost::json::object target_area_json(const hw::AreaConfig& area, const hw::SocConfig& soc, const std::string& target);
// Top-level area: every tile of the SoC.
boost::json::object soc_area_json(const hw::AreaConfig& area, const hw::SocConfig& soc);

// One terminal line each.
std::string energy_line(const std::string& target, const boost::json::object& energy);
std::string area_line(const std::string& target, const boost::json::object& area);

}  // namespace edgebert::cli
