// Build-time generator of the ESP firmware library's device table
// (esp_devices.h) from a SoC config: what ESP's bare-metal probe() reads from
// the device tree on silicon, fixed at build time here (docs/esp-platform.md).
#include <fmt/format.h>

#include <systemc>

#include <fstream>
#include <iostream>
#include <type_traits>
#include <utility>
#include <vector>

#include "hw/soc/soc_config.hpp"

namespace {

using edgebert::hw::SocConfig;
using edgebert::hw::TileKind;

// ESP's cache controllers (CPU tile's L2, memory tile's LLC) are in the table
// when the SoC model has them: MemoryMap::l2_ctrl_base / llc_ctrl_base
// (hw/soc/cache_controller.hpp). Detected at compile time so this generator
// builds with or without them.
template <typename Map, typename = void>
struct HasCacheControllers : std::false_type {};
template <typename Map>
struct HasCacheControllers<Map, std::void_t<decltype(std::declval<Map>().l2_ctrl_base),
                                            decltype(std::declval<Map>().llc_ctrl_base)>> : std::true_type {};

struct Controller {
    const char* id;
    const char* compat;
    uint64_t addr;
    TileKind tile_kind;
};

template <typename Map>
std::vector<Controller> cache_controllers(const Map& map) {
    if constexpr (HasCacheControllers<Map>::value)
        return {{"SLD_L2_CACHE", "sld,l2_cache", map.l2_ctrl_base, TileKind::Cpu},
                {"SLD_LLC_CACHE", "sld,llc_cache", map.llc_ctrl_base, TileKind::Mem}};
    else
        return {};
}

constexpr uint64_t kControllerWindowBytes = 0x100;  // CMD, STATUS

std::string header(const SocConfig& soc, const std::string& origin) {
    std::string h = fmt::format(
        "/* Generated from {} by gen_esp_devices: do not edit.\n"
        " * The ESP platform of SoC '{}' for firmware/esp (docs/esp-platform.md). VENDOR_SLD and the\n"
        " * SLD_* device ids of the table come from esp_probe.h, which includes this file. */\n"
        "#ifndef ESP_DEVICES_H\n#define ESP_DEVICES_H\n\n"
        "#define ESP_SOC_NAME \"{}\"\n"
        "#define ESP_DRAM_BASE 0x{:x}ull\n#define ESP_DRAM_SIZE 0x{:x}ull\n"
        "#define ESP_PLIC_BASE 0x{:x}ull\n#define ESP_PLIC_SOURCES {}u\n"
        "#define ESP_UART_BASE 0x{:x}ull\n#define ESP_NUM_TILES {}u\n",
        origin, soc.name, soc.name, soc.dram.base, soc.dram.size, soc.map.plic_base, soc.plic_sources,
        soc.map.uart_base, soc.tiles.size());
    if (soc.esp) {
        h += fmt::format(
            "\n/* Per-tile CSR block: tile i at ESP_CSR_BASE + i * ESP_CSR_TILE_STRIDE. */\n"
            "#define ESP_CSR_BASE 0x{:x}ull\n#define ESP_CSR_TILE_STRIDE 0x{:x}u\n",
            soc.esp->csr_base, soc.esp->csr_tile_stride);
    } else {
        h += "\n/* No per-tile CSR block in this SoC (no \"esp\" section): ESP_CSR_BASE is not defined. */\n";
    }
    // A cache flush register, once the SoC has one, is emitted here as
    // ESP_FLUSH_REG_ADDR; esp_cache_flush() stores the coherence mode to it.
    h += "\n/* Tile names by tile index (ESP's tile numbering: position in the config's tiles). */\n"
         "#define ESP_TILE_NAMES_INIT {";
    for (size_t i = 0; i < soc.tiles.size(); ++i) h += fmt::format("{}\"{}\"", i ? ", " : "", soc.tiles[i].name);
    h += "}\n\n/* Devices: {vendor, device id, tile index, ESP interrupt line (PLIC source - 1),\n"
         " * register base, register window bytes, compatible name, tile name}; the\n"
         " * accelerators, then ESP's cache controllers (ESP line 0: unused) if the SoC has them. */\n";
    size_t n = 0;
    std::string rows;
    for (size_t i = 0; i < soc.tiles.size(); ++i) {
        const auto& t = soc.tiles[i];
        if (t.kind != TileKind::Edgebert && t.kind != TileKind::Systolic) continue;
        const bool eb = t.kind == TileKind::Edgebert;
        rows += fmt::format("{}    {{VENDOR_SLD, {}, {}u, {}u, 0x{:x}ull, 0x{:x}ull, \"{}\", \"{}\"}}",
                            n ? ", \\\n" : " \\\n", eb ? "SLD_EDGEBERT" : "SLD_SYSTOLIC", i, t.irq - 1, t.reg_base,
                            t.reg_size, eb ? "sld,edgebert" : "sld,systolic", t.name);
        ++n;
    }
    for (const Controller& c : cache_controllers(soc.map)) {
        size_t tile = 0;
        while (tile < soc.tiles.size() && soc.tiles[tile].kind != c.tile_kind) ++tile;
        if (tile == soc.tiles.size()) continue;
        rows += fmt::format("{}    {{VENDOR_SLD, {}, {}u, 0u, 0x{:x}ull, 0x{:x}ull, \"{}\", \"{}\"}}",
                            n ? ", \\\n" : " \\\n", c.id, tile, c.addr, kControllerWindowBytes, c.compat,
                            soc.tiles[tile].name);
        ++n;
    }
    h += fmt::format("#define ESP_NUM_DEVICES {}u\n", n);
    if (n) h += "#define ESP_DEVICE_TABLE_INIT {" + rows + " \\\n}\n";
    h += "\n#endif\n";
    return h;
}

}  // namespace

// The SoC library links SystemC, whose main() calls sc_main.
int sc_main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: gen_esp_devices <soc.json> <output.h>\n";
        return 2;
    }
    try {
        const auto soc = edgebert::hw::load_soc_config(argv[1]);
        std::ofstream out(argv[2], std::ios::trunc);
        out << header(soc, argv[1]);
        return out ? 0 : 1;
    } catch (const std::exception& e) {
        std::cerr << "gen_esp_devices: " << e.what() << "\n";
        return 1;
    }
}
