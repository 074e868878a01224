#include "hw/soc/soc_config_json.hpp"

#include <fmt/format.h>

#include <cmath>

#include "common/error.hpp"

namespace edgebert::hw {

namespace {

namespace json = boost::json;

// Integral doubles as integers (1000, not 1E3), so the text reads like the
// shipped configs; the parser reads either form as the same double.
json::value number(double x) {
    if (std::isfinite(x) && x == std::floor(x) && std::fabs(x) < 9e15) return static_cast<int64_t>(x);
    return x;
}

std::string address(uint64_t a) { return fmt::format("0x{:x}", a); }

json::object noc_json(const NocConfig& n) {
    return {{"cols", n.cols},
            {"rows", n.rows},
            {"router_latency_cycles", n.router_latency_cycles},
            {"link_width_bits", n.link_width_bits},
            {"clock_mhz", number(n.clock_mhz)},
            {"header_flits", n.header_flits},
            {"reservation", to_string(n.reservation)}};
}

json::object dram_json(const DramConfig& d) {
    return {{"base", address(d.base)},
            {"size", address(d.size)},
            {"channels", d.channels},
            {"banks", d.banks},
            {"row_bytes", d.row_bytes},
            {"burst_bytes", d.burst_bytes},
            {"clock_mhz", number(d.clock_mhz)},
            {"t_rcd", d.t_rcd},
            {"t_cas", d.t_cas},
            {"t_rp", d.t_rp},
            {"controller_latency_cycles", d.controller_latency_cycles},
            {"bytes_per_cycle", number(d.bytes_per_cycle)}};
}

json::object map_json(const MemoryMap& m) {
    return {{"plic_base", address(m.plic_base)},   {"plic_size", address(m.plic_size)},
            {"uart_base", address(m.uart_base)},   {"uart_size", address(m.uart_size)},
            {"timer_base", address(m.timer_base)}, {"timer_size", address(m.timer_size)},
            {"l2_ctrl_base", address(m.l2_ctrl_base)}, {"llc_ctrl_base", address(m.llc_ctrl_base)}};
}

json::object level_json(const CacheGeometry& g) {
    // A disabled level has no geometry (the parser refuses one beside enabled: false).
    if (!g.enabled) return {{"enabled", false}};
    return {{"enabled", g.enabled},
            {"size_bytes", g.size_bytes},
            {"ways", g.ways},
            {"line_bytes", g.line_bytes},
            {"replacement", to_string(g.replacement)},
            {"write_policy", to_string(g.write_policy)},
            {"hit_latency_cycles", g.hit_latency_cycles}};
}

json::object caches_json(const CacheHierarchyConfig& c) {
    if (!c.enabled) return {{"enabled", false}};  // no cache model: nothing else applies
    return {{"enabled", c.enabled},
            {"store_buffer_entries", c.store_buffer_entries},
            {"l1i", level_json(c.l1i)},
            {"l1d", level_json(c.l1d)},
            {"l2", level_json(c.l2)},
            {"llc", level_json(c.llc)},
            {"acc_l2", level_json(c.acc_l2)},
            {"flush_cycles_per_line", c.flush_cycles_per_line}};
}

json::object tile_json(const TileSpec& t) {
    json::object o{{"name", t.name}, {"kind", tile_kind_name(t.kind)}, {"x", t.x}, {"y", t.y}};
    // Register window, interrupt and DMA coherence belong to accelerator tiles only.
    if (t.kind == TileKind::Edgebert || t.kind == TileKind::Systolic) {
        o["reg_base"] = address(t.reg_base);
        o["reg_size"] = address(t.reg_size);
        o["irq"] = t.irq;
        if (t.esp_irq != -1) o["esp_irq"] = t.esp_irq;
        o["coherence"] = to_string(t.coherence);
    }
    return o;
}

json::object edgebert_json(const EdgebertTileConfig& e) {
    const TileTiming& t = e.timing;
    json::array thresholds;
    for (uint32_t v : e.dvfs_thresholds) thresholds.push_back(v);
    return {{"lanes", e.lanes},
            {"num_vmacs", e.num_vmacs},
            {"act_total_bits", e.act_format.total_bits},
            {"act_exp_bits", e.act_format.exp_bits},
            {"bias_min", e.bias_range.min},
            {"bias_max", e.bias_range.max},
            {"accum_bits", e.accum_bits},
            {"input_sram_depth", e.input_sram_depth},
            {"mask_sram_depth", e.mask_sram_depth},
            {"aux_sram_depth", e.aux_sram_depth},
            {"axi_data_bits", e.axi_data_bits},
            {"max_burst_beats", e.max_burst_beats},
            {"max_n", e.max_n},
            {"max_m", e.max_m},
            {"checks", check_mode_name(e.checks)},
            {"sfu_lut", e.sfu_lut},
            {"dense_results", e.dense_results},
            {"timing",
             {{"ii_layer_norm", t.ii_layer_norm},
              {"ii_softmax", t.ii_softmax},
              {"ii_element_add", t.ii_element_add},
              {"ii_entropy", t.ii_entropy},
              {"ii_dvfs", t.ii_dvfs},
              {"sfu_pipeline_depth", t.sfu_pipeline_depth},
              {"matmul_pipeline_depth", t.matmul_pipeline_depth},
              {"encoder_cycles_per_vector", t.encoder_cycles_per_vector},
              {"overlap_load_compute", t.overlap_load_compute},
              {"command_decode_cycles", t.command_decode_cycles},
              {"irq_pulse_cycles", t.irq_pulse_cycles},
              {"dma_setup_cycles", t.dma_setup_cycles},
              {"axi_burst_overhead_cycles", t.axi_burst_overhead_cycles}}},
            {"ldo",
             {{"v_min", number(e.ldo.v_min)},
              {"v_max", number(e.ldo.v_max)},
              {"code_bits", e.ldo.code_bits},
              {"slew_v_per_ns", number(e.ldo.slew_v_per_ns)},
              {"settle_fixed_ns", number(e.ldo.settle_fixed_ns)},
              {"initial_v", number(e.ldo.initial_v)}}},
            {"adpll",
             {{"f_min_mhz", number(e.adpll.f_min_mhz)},
              {"f_max_mhz", number(e.adpll.f_max_mhz)},
              {"code_bits", e.adpll.code_bits},
              {"lock_ns", number(e.adpll.lock_ns)},
              {"initial_mhz", number(e.adpll.initial_mhz)}}},
            {"dvfs_thresholds", thresholds}};
}

json::object systolic_json(const SystolicTileConfig& s) {
    return {{"size", s.size},
            {"clock_mhz", number(s.clock_mhz)},
            {"axi_data_bits", s.axi_data_bits},
            {"max_burst_beats", s.max_burst_beats},
            {"irq_pulse_cycles", s.irq_pulse_cycles},
            {"dma_setup_cycles", s.dma_setup_cycles},
            {"axi_burst_overhead_cycles", s.axi_burst_overhead_cycles}};
}

// A constant as a number; a curve as {"<bytes>": cycles, ...} (read_host_costs' two forms).
json::object host_costs_json(const HostCostTable& h) {
    json::object o;
    for (const auto& [name, curve] : h.entries) {
        if (curve.empty()) throw Error(fmt::format("host cost table: entry '{}' has no point", name));
        if (!h.is_curve(name)) {
            o[name] = number(curve.front().second);
            continue;
        }
        json::object points;
        for (const auto& [bytes, cycles] : curve) {
            if (!(bytes >= 1) || bytes != std::floor(bytes))
                throw Error(fmt::format("host cost table: entry '{}' has the working set {} bytes, which a config "
                                        "file cannot hold (an integer >= 1)",
                                        name, bytes));
            points[fmt::format("{}", static_cast<uint64_t>(bytes))] = number(cycles);
        }
        o[name] = std::move(points);
    }
    return o;
}

}  // namespace

json::object soc_config_to_json(const SocConfig& c) {
    json::object o;
    o["name"] = c.name;
    o["cpu_clock_mhz"] = number(c.cpu_clock_mhz);
    o["plic_sources"] = c.plic_sources;
    o["noc"] = noc_json(c.noc);
    o["dram"] = dram_json(c.dram);
    o["memory_map"] = map_json(c.map);
    o["caches"] = caches_json(c.caches);
    if (c.esp) o["esp"] = {{"csr_base", address(c.esp->csr_base)}, {"csr_tile_stride", address(c.esp->csr_tile_stride)}};
    json::array tiles;
    for (const auto& t : c.tiles) tiles.push_back(tile_json(t));
    o["tiles"] = std::move(tiles);
    o["edgebert"] = edgebert_json(c.edgebert);
    o["systolic"] = systolic_json(c.systolic);
    o["host_costs"] = host_costs_json(c.host_costs);
    return o;
}

std::string soc_config_json_text(const SocConfig& c) { return json::serialize(soc_config_to_json(c)); }

uint64_t fnv1a64(const std::string& text) {
    uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a 64-bit offset basis
    for (unsigned char ch : text) {
        h ^= ch;
        h *= 0x100000001b3ull;  // FNV prime
    }
    return h;
}

uint64_t soc_config_hash(const SocConfig& c) { return fnv1a64(soc_config_json_text(c)); }

std::string soc_config_hash_hex(const SocConfig& c) { return fmt::format("{:016x}", soc_config_hash(c)); }

}  // namespace edgebert::hw
