// The whole SoC in one validated object: the tile grid, the memory map, the
// NoC, the DRAM, the accelerator tiles' parameters and the native host's cost
// table. Read from configs/soc/*.json; every block and the software read their
// parameters from here, so hardware and driver never disagree.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hw/edgebert/tile_config.hpp"
#include "hw/mem/cache_config.hpp"
#include "hw/mem/coherence.hpp"
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
    // ESP interrupt line ("esp_irq" in the config; -1: not given). ESP numbers
    // PLIC sources from 1, so the tile's PLIC source is esp_irq + 1.
    int esp_irq = -1;
    // Power-on value of the tile's ESP coherence CSR: the DMA coherence mode
    // of an accelerator tile until software writes the CSR ("coherence").
    DmaCoherence coherence = DmaCoherence::Recall;
};

// ESP's per-tile CSR block ("esp" section; absent: no CSR block). Tile i of
// `tiles` owns [csr_base + i * csr_tile_stride, ... + csr_tile_stride); its
// DMA coherence register is at + EspConfig::kCoherenceOffset (hw/soc/esp_csr.hpp).
struct EspConfig {
    static constexpr uint64_t kCoherenceOffset = 0x10;  // word 4 of a tile's block
    uint64_t csr_base = 0x60090180;
    uint64_t csr_tile_stride = 0x200;
};

struct MemoryMap {
    uint64_t plic_base = 0x6C000000;   // ESP-compatible
    uint64_t plic_size = 0x400000;
    uint64_t uart_base = 0x60000000;
    uint64_t uart_size = 0x100;
    uint64_t timer_base = 0x02000000;  // CLINT-style mtime / mtimecmp
    uint64_t timer_size = 0x10000;
    // ESP's cache controllers (CMD / STATUS, hw/soc/cache_controller.hpp): the
    // CPU tile's private L2 and the memory tile's LLC. [estimate] ESP assigns
    // these on its I/O bus per SoC; these defaults sit beside the CSR block.
    uint64_t l2_ctrl_base = 0x60080000;
    uint64_t llc_ctrl_base = 0x60080100;
};

// Cycles the native host charges for work it does natively instead of
// executing instructions (docs/host-costs.md gives the source of each figure;
// `edgebert-sim calibrate` re-derives them on the ISS). An entry is a constant
// (cycles per unit) or a curve over the working set: points (bytes, cycles),
// interpolated linearly in log(bytes) and clamped at both ends.
struct HostCostTable {
    using Curve = std::vector<std::pair<double, double>>;  // (working-set bytes, cycles), bytes ascending
    // name -> curve; a constant is a single point at 0 bytes.
    std::map<std::string, Curve> entries;
    // Cycles per unit of `name` for a loop cycling through `working_set_bytes`;
    // without a working set, a curve gives its first (smallest) point.
    double get(const std::string& name) const;
    double get(const std::string& name, double working_set_bytes) const;
    bool is_curve(const std::string& name) const;
    void set(const std::string& name, double cycles) { entries[name] = Curve{{0.0, cycles}}; }
    void set_curve(const std::string& name, Curve points) { entries[name] = std::move(points); }
};
HostCostTable default_host_costs();

struct SocConfig {
    std::string name = "soc";
    double cpu_clock_mhz = 1000;
    int plic_sources = 32;
    NocConfig noc;
    DramConfig dram;
    MemoryMap map;
    CacheHierarchyConfig caches = default_cache_hierarchy();
    std::optional<EspConfig> esp;
    std::vector<TileSpec> tiles;
    EdgebertTileConfig edgebert;
    SystolicTileConfig systolic;
    HostCostTable host_costs = default_host_costs();

    const TileSpec& cpu() const;
    const TileSpec& memory() const;
    const TileSpec* io() const;
    std::vector<const TileSpec*> tiles_of(TileKind k) const;
    // The tile named `name`, or nullptr.
    const TileSpec* find_tile(const std::string& name) const;

    // Throws ConfigError naming `origin` and the offending field.
    void validate(const std::string& origin) const;
};

SocConfig load_soc_config(const std::string& path);
SocConfig parse_soc_config(const std::string& json_text, const std::string& origin);

}  // namespace edgebert::hw
