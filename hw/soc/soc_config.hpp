// The whole SoC in one validated object: the tile grid, the memory map, the
// NoC, the DRAM, the accelerator tiles' parameters and the native host's cost
// table. Read from configs/soc/*.json; every block and the software read their
// parameters from here, so hardware and driver never disagree.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "hw/edgebert/tile_config.hpp"
#include "hw/mem/dram.hpp"
#include "hw/noc/noc_config.hpp"
#include "hw/systolic/systolic_tile.hpp"

namespace edgebert::hw {

enum class TileKind { Cpu, Mem, Edgebert, Systolic, Io };
const char* tile_kind_name(TileKind k);

struct TileSpec {
    std::string name;
    TileKind kind = TileKind::Cpu;
    int x = 0, y = 0;
    uint64_t reg_base = 0;   // edgebert / systolic: register window
    uint64_t reg_size = 0;
    int irq = 0;             // edgebert / systolic: PLIC source
};

struct MemoryMap {
    uint64_t plic_base = 0x6C000000;   // ESP-compatible
    uint64_t plic_size = 0x400000;
    uint64_t uart_base = 0x60000000;
    uint64_t uart_size = 0x100;
    uint64_t timer_base = 0x02000000;  // CLINT-style mtime / mtimecmp
    uint64_t timer_size = 0x10000;
};

// Cycles the native host charges for work it does natively instead of
// executing instructions (docs/host-costs.md gives the source of each figure;
// the ISS, when present, re-derives them).
struct HostCostTable {
    std::map<std::string, double> cycles;  // name -> cycles per unit
    double get(const std::string& name) const;
};
HostCostTable default_host_costs();

struct SocConfig {
    std::string name = "soc";
    double cpu_clock_mhz = 1000;
    int plic_sources = 32;
    NocConfig noc;
    DramConfig dram;
    MemoryMap map;
    std::vector<TileSpec> tiles;
    EdgebertTileConfig edgebert;
    SystolicTileConfig systolic;
    HostCostTable host_costs = default_host_costs();

    const TileSpec& cpu() const;
    const TileSpec& memory() const;
    const TileSpec* io() const;
    std::vector<const TileSpec*> tiles_of(TileKind k) const;

    // Throws ConfigError naming `origin` and the offending field.
    void validate(const std::string& origin) const;
};

SocConfig load_soc_config(const std::string& path);
SocConfig parse_soc_config(const std::string& json_text, const std::string& origin);

}  // namespace edgebert::hw
