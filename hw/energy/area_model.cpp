#include "hw/energy/area_model.hpp"

#include <fmt/format.h>

#include "common/error.hpp"
#include "common/json_reader.hpp"

namespace edgebert::hw {

namespace {

const std::vector<std::string> kFigures = {
    "sram_bitcell_um2",   "sram_array_efficiency", "sram_extra_port_factor", "ge_um2",
    "multiplier_ge_per_bit2", "adder_ge_per_bit",  "flop_ge",                "sfu_ge_per_lane",
    "dma_engine_ge",      "edgebert_control_ge",   "dvfs_mm2",               "systolic_control_ge",
    "cpu_core_ge",        "cache_tag_bits_per_line", "cache_controller_ge",  "dram_controller_ge",
    "io_tile_ge",         "router_ge_per_plane_64b", "noc_planes"};

// The EdgeBERT tile's DMA engines: mask, input, aux (hw/edgebert/edgebert_tile.hpp).
constexpr int kEdgebertDmaEngines = 3;
// A systolic PE forwards a (8 bits) east, b (8 bits) south and the valid bit.
constexpr int kSystolicOperandBits = 8, kSystolicAccBits = 32, kSystolicForwardFlops = 2 * kSystolicOperandBits + 1;

}  // namespace

double AreaConfig::get(const std::string& name) const {
    auto it = figures.find(name);
    if (it == figures.end()) throw Error(fmt::format("area config has no figure '{}'", name));
    return it->second;
}

AreaConfig parse_area_config(const std::string& text, const std::string& origin) {
    const auto v = parse_json_text(text, origin);
    const JsonReader r(v, origin);
    r.reject_unknown({"_comment", "technology", "figures"});
    AreaConfig c;
    c.technology = r.get_string("technology");
    const auto f = r.child("figures");
    f.reject_unknown(kFigures);
    for (const auto& k : kFigures) {
        const auto x = f.child(k);
        x.reject_unknown({"value", "source"});
        c.sources[k] = x.get_string("source");
        c.figures[k] = x.get_double("value", 0.0, 1e9);
    }
    const auto e = f.child("sram_array_efficiency");
    if (!(c.figures["sram_array_efficiency"] > 0 && c.figures["sram_array_efficiency"] <= 1))
        e.fail("value", fmt::format("= {} is out of range (0, 1]", c.figures["sram_array_efficiency"]));
    const double planes = c.figures["noc_planes"];
    if (planes < 1 || planes != static_cast<int>(planes))
        f.child("noc_planes").fail("value", fmt::format("= {} must be an integer >= 1", planes));
    return c;
}

AreaConfig load_area_config(const std::string& path) {
    return parse_area_config(boost::json::serialize(parse_json_file(path)), path);
}

double sram_mm2(const AreaConfig& a, double bits, int ports) {
    if (ports < 1) throw Error(fmt::format("an SRAM macro needs at least one port (got {})", ports));
    return bits * a.get("sram_bitcell_um2") / a.get("sram_array_efficiency") *
           (1.0 + a.get("sram_extra_port_factor") * (ports - 1)) * 1e-6;
}

double logic_mm2(const AreaConfig& a, double ge) { return ge * a.get("ge_um2") * 1e-6; }

double cache_mm2(const AreaConfig& a, const CacheGeometry& g) {
    if (!g.enabled || g.line_bytes == 0) return 0.0;
    const double lines = static_cast<double>(g.size_bytes / g.line_bytes);
    return sram_mm2(a, static_cast<double>(g.size_bytes) * 8 + lines * a.get("cache_tag_bits_per_line"), 1) +
           logic_mm2(a, a.get("cache_controller_ge"));
}

double router_mm2(const AreaConfig& a, const NocConfig& noc) {
    return logic_mm2(a, a.get("noc_planes") * a.get("router_ge_per_plane_64b") * noc.link_width_bits / 64.0);
}

std::map<std::string, double> edgebert_tile_blocks(const AreaConfig& a, const EdgebertTileConfig& c) {
    const double n = c.act_format.total_bits;  // operand width of a lane's multiplier
    const double mult_ge = n * n * a.get("multiplier_ge_per_bit2");
    // Each lane's product enters the VMAC's adder tree: one adder of the product's width per lane.
    const double lane_ge = mult_ge + 2 * n * a.get("adder_ge_per_bit");
    const double acc_ge = c.accum_bits * (a.get("adder_ge_per_bit") + a.get("flop_ge"));
    const double row_bits = c.lanes * 8.0;  // an input / aux row: `lanes` codes of a byte
    return {
        // Two bitmask decoders, each with an input and a mask SRAM (single-ported, hw/edgebert/sram.hpp).
        {"input_sram", 2 * sram_mm2(a, c.input_sram_depth * row_bits, 1)},
        {"mask_sram", 2 * sram_mm2(a, c.mask_sram_depth * static_cast<double>(c.lanes), 1)},
        {"aux_sram", sram_mm2(a, c.aux_sram_depth * row_bits, 1)},
        {"mac_array", logic_mm2(a, static_cast<double>(c.lanes) * c.num_vmacs * lane_ge)},
        {"accumulators", logic_mm2(a, c.num_vmacs * acc_ge)},
        {"sfu", logic_mm2(a, c.lanes * a.get("sfu_ge_per_lane"))},
        {"dma", logic_mm2(a, kEdgebertDmaEngines * a.get("dma_engine_ge"))},
        {"control", logic_mm2(a, a.get("edgebert_control_ge"))},
        {"dvfs", a.get("dvfs_mm2")},
    };
}

std::map<std::string, double> systolic_tile_blocks(const AreaConfig& a, const SystolicTileConfig& c) {
    const double pes = static_cast<double>(c.size) * c.size;
    const double pe_ge = kSystolicOperandBits * kSystolicOperandBits * a.get("multiplier_ge_per_bit2") +
                         kSystolicAccBits * (a.get("adder_ge_per_bit") + a.get("flop_ge")) +
                         kSystolicForwardFlops * a.get("flop_ge");
    return {
        {"pe_array", logic_mm2(a, pes * pe_ge)},
        // Operand buffer: size words of an A column and a B row (2 size bytes); C_in and C_out: size rows of size INT32.
        {"operand_buffer", sram_mm2(a, pes * 2 * kSystolicOperandBits, 1)},
        {"c_buffers", 2 * sram_mm2(a, pes * kSystolicAccBits, 1)},
        {"dma", logic_mm2(a, a.get("dma_engine_ge"))},
        {"control", logic_mm2(a, a.get("systolic_control_ge"))},
    };
}

std::map<std::string, double> cpu_tile_blocks(const AreaConfig& a, const CacheHierarchyConfig& c) {
    std::map<std::string, double> b = {{"core", logic_mm2(a, a.get("cpu_core_ge"))}};
    if (c.enabled) {
        b["l1i"] = cache_mm2(a, c.l1i);
        b["l1d"] = cache_mm2(a, c.l1d);
        b["l2"] = cache_mm2(a, c.l2);
    }
    return b;
}

std::map<std::string, double> memory_tile_blocks(const AreaConfig& a, const CacheHierarchyConfig& c) {
    std::map<std::string, double> b = {{"dram_controller", logic_mm2(a, a.get("dram_controller_ge"))}};
    if (c.enabled) b["llc"] = cache_mm2(a, c.llc);
    return b;
}

double TileArea::total_mm2() const {
    double s = 0;
    for (const auto& [k, v] : by_block) s += v;
    return s;
}

TileArea tile_area(const AreaConfig& a, const SocConfig& soc, const TileSpec& t) {
    TileArea r;
    r.name = t.name;
    r.kind = t.kind;
    switch (t.kind) {
        case TileKind::Cpu: r.by_block = cpu_tile_blocks(a, soc.caches); break;
        case TileKind::Mem: r.by_block = memory_tile_blocks(a, soc.caches); break;
        case TileKind::Edgebert: r.by_block = edgebert_tile_blocks(a, soc.edgebert); break;
        case TileKind::Systolic: r.by_block = systolic_tile_blocks(a, soc.systolic); break;
        case TileKind::Io: r.by_block = {{"peripherals", logic_mm2(a, a.get("io_tile_ge"))}}; break;
    }
    // ESP's fully coherent mode puts a private cache in the accelerator tile.
    if ((t.kind == TileKind::Edgebert || t.kind == TileKind::Systolic) && t.coherence == DmaCoherence::Full &&
        soc.caches.enabled)
        r.by_block["acc_l2"] = cache_mm2(a, soc.caches.acc_l2);
    r.by_block["router"] = router_mm2(a, soc.noc);
    return r;
}

std::vector<TileArea> soc_area(const AreaConfig& a, const SocConfig& soc) {
    std::vector<TileArea> out;
    for (const auto& t : soc.tiles) out.push_back(tile_area(a, soc, t));
    return out;
}

}  // namespace edgebert::hw
