// Area model: every tile of the SoC from its configuration, at 12 nm. SRAM
// macros by bits and ports, logic in gate equivalents (GE) from the datapath's
// widths and counts, each figure with its source in one config file
// (configs/energy/area-12nm.json; docs/energy-area.md gives the formulas).
// Estimates for comparing design points, not layout results.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "hw/soc/soc_config.hpp"

namespace edgebert::hw {

struct AreaConfig {
    std::string technology = "12nm";
    std::map<std::string, double> figures;      // name -> value (units in the name or docs)
    std::map<std::string, std::string> sources;  // name -> where the figure comes from

    double get(const std::string& name) const;
};

// A figure is {"value": x, "source": "..."}; every figure of the model is
// required and unknown ones are refused (errors name the file and field).
AreaConfig parse_area_config(const std::string& json_text, const std::string& origin);
AreaConfig load_area_config(const std::string& path);

// One SRAM macro of `bits` bits with `ports` ports (mm^2):
// bits x bitcell / efficiency x (1 + extra_port_factor x (ports - 1)).
double sram_mm2(const AreaConfig& a, double bits, int ports);
// `ge` gate equivalents of placed logic (mm^2).
double logic_mm2(const AreaConfig& a, double ge);
// A cache level: data + tag bits in one single-port macro, plus its controller (0 if disabled).
double cache_mm2(const AreaConfig& a, const CacheGeometry& g);
// One tile's NoC router: every plane at noc.link_width_bits.
double router_mm2(const AreaConfig& a, const NocConfig& noc);

// Blocks of each kind of tile (mm^2), router excluded.
std::map<std::string, double> edgebert_tile_blocks(const AreaConfig& a, const EdgebertTileConfig& c);
std::map<std::string, double> systolic_tile_blocks(const AreaConfig& a, const SystolicTileConfig& c);
std::map<std::string, double> cpu_tile_blocks(const AreaConfig& a, const CacheHierarchyConfig& c);
std::map<std::string, double> memory_tile_blocks(const AreaConfig& a, const CacheHierarchyConfig& c);

struct TileArea {
    std::string name;  // the tile's name in the SoC config
    TileKind kind = TileKind::Cpu;
    std::map<std::string, double> by_block;  // mm^2, "router" included
    double total_mm2() const;
};

// One tile with its router (an accelerator tile in fully coherent DMA mode also holds caches.acc_l2).
TileArea tile_area(const AreaConfig& a, const SocConfig& soc, const TileSpec& t);
// Every tile of the SoC, in config order.
std::vector<TileArea> soc_area(const AreaConfig& a, const SocConfig& soc);

}  // namespace edgebert::hw
