#include "hw/energy/energy_model.hpp"

#include <fmt/format.h>

#include "common/error.hpp"
#include "common/json_reader.hpp"

namespace edgebert::hw {

namespace {

const std::vector<std::string> kEvents = {"mac_pj",          "gated_mac_pj",      "sram_read_pj_per_bit",
                                          "sram_write_pj_per_bit", "sfu_vector_pj", "dram_pj_per_bit",
                                          "noc_pj_per_flit_hop", "cpu_pj_per_cycle", "sfu_lut_access_pj",
                                          "systolic_mac_pj", "systolic_idle_pe_pj"};
const std::vector<std::string> kBlocks = {"tile", "noc", "cpu", "systolic"};

// A figure is {"value": x, "source": "..."}: the source is required so that no number is unexplained.
double figure(const JsonReader& section, const std::string& key, std::map<std::string, std::string>& sources) {
    const JsonReader f = section.child(key);
    f.reject_unknown({"value", "source"});
    sources[key] = f.get_string("source");
    return f.get_double("value", 0.0, 1e9);
}

}  // namespace

double EnergyConfig::event(const std::string& name) const {
    auto it = events.find(name);
    if (it == events.end()) throw Error(fmt::format("energy config has no event '{}'", name));
    return it->second;
}

double EnergyConfig::leak(const std::string& block) const {
    auto it = leakage.find(block);
    if (it == leakage.end()) throw Error(fmt::format("energy config has no leakage for '{}'", block));
    return it->second;
}

EnergyConfig parse_energy_config(const std::string& text, const std::string& origin) {
    const auto v = parse_json_text(text, origin);
    const JsonReader r(v, origin);
    r.reject_unknown({"_comment", "technology", "v_nominal", "events", "leakage_mw", "vf_curve"});
    EnergyConfig c;
    c.technology = r.get_string("technology");
    c.v_nominal = r.get_double("v_nominal", 0.1, 2.0);
    const auto ev = r.child("events");
    ev.reject_unknown(kEvents);
    for (const auto& k : kEvents) c.events[k] = figure(ev, k, c.sources);
    const auto lk = r.child("leakage_mw");
    lk.reject_unknown(kBlocks);
    for (const auto& k : kBlocks) c.leakage[k] = figure(lk, k, c.sources);
    const auto vf = r.child("vf_curve");
    vf.reject_unknown({"_comment", "v", "f_mhz"});
    c.vf_v = vf.get_double_array("v");
    c.vf_mhz = vf.get_double_array("f_mhz");
    if (c.vf_v.size() != c.vf_mhz.size() || c.vf_v.size() < 2)
        vf.fail("v", fmt::format("and 'f_mhz' must have the same length >= 2 (got {} and {})", c.vf_v.size(),
                                 c.vf_mhz.size()));
    for (size_t i = 0; i < c.vf_v.size(); ++i) {
        if (c.vf_v[i] <= 0 || c.vf_mhz[i] <= 0) vf.fail("v", fmt::format("entry {} must be positive", i));
        if (i && (c.vf_v[i] <= c.vf_v[i - 1] || c.vf_mhz[i] <= c.vf_mhz[i - 1]))
            vf.fail("v", fmt::format("entry {}: levels must ascend in both V and f", i));
    }
    return c;
}

EnergyConfig load_energy_config(const std::string& path) {
    const auto v = parse_json_file(path);
    return parse_energy_config(boost::json::serialize(v), path);
}

EnergyBreakdown compute_energy(const EnergyConfig& c, const EnergyEvents& e, double v_tile) {
    if (!(v_tile > 0)) throw Error(fmt::format("tile supply {} V must be positive", v_tile));
    const double s2 = (v_tile / c.v_nominal) * (v_tile / c.v_nominal), s1 = v_tile / c.v_nominal, pj = 1e-12;
    EnergyBreakdown b;
    const double mac = (e.tile_macs * c.event("mac_pj") + e.tile_gated_macs * c.event("gated_mac_pj")) * pj * s2;
    const double sram = (e.tile_sram_read_bits * c.event("sram_read_pj_per_bit") +
                         e.tile_sram_write_bits * c.event("sram_write_pj_per_bit")) * pj * s2;
    const double sfu = (e.tile_sfu_vectors * c.event("sfu_vector_pj") +
                        e.tile_sfu_lut_accesses * c.event("sfu_lut_access_pj")) * pj * s2;
    const double dram = e.dram_bits * c.event("dram_pj_per_bit") * pj;
    const double noc = e.noc_flit_hops * c.event("noc_pj_per_flit_hop") * pj;
    const double cpu = e.cpu_cycles * c.event("cpu_pj_per_cycle") * pj;
    const double leak_tile = e.edgebert_tile ? c.leak("tile") * 1e-3 * s1 * e.seconds : 0.0;
    const double leak_noc = c.leak("noc") * 1e-3 * e.seconds, leak_cpu = c.leak("cpu") * 1e-3 * e.seconds;
    // The systolic tile runs at the nominal supply.
    const double sys_mac = e.systolic_tile ? (e.systolic_macs * c.event("systolic_mac_pj") +
                                              e.systolic_idle_pe_cycles * c.event("systolic_idle_pe_pj")) * pj
                                           : 0.0;
    const double sys_sram = e.systolic_tile ? (e.systolic_buffer_read_bits * c.event("sram_read_pj_per_bit") +
                                               e.systolic_buffer_write_bits * c.event("sram_write_pj_per_bit")) * pj
                                            : 0.0;
    const double leak_sys = e.systolic_tile ? c.leak("systolic") * 1e-3 * e.seconds : 0.0;
    const double tile_dyn = e.edgebert_tile ? mac + sram + sfu : 0.0;
    const double tile_mac = e.edgebert_tile ? mac : 0.0, tile_sram = e.edgebert_tile ? sram : 0.0,
                 tile_sfu = e.edgebert_tile ? sfu : 0.0;
    b.by_class = {{"mac", tile_mac + sys_mac}, {"sram", tile_sram + sys_sram}, {"sfu", tile_sfu}, {"dram", dram},
                  {"noc", noc}, {"cpu_dynamic", cpu}, {"leakage", leak_tile + leak_noc + leak_cpu + leak_sys}};
    b.by_block = {{"dram", dram}, {"noc", noc + leak_noc}, {"cpu", cpu + leak_cpu}};
    if (e.edgebert_tile) b.by_block["tile"] = tile_dyn + leak_tile;
    if (e.systolic_tile) b.by_block["systolic"] = sys_mac + sys_sram + leak_sys;
    b.dynamic_j = tile_dyn + sys_mac + sys_sram + dram + noc + cpu;
    b.leakage_j = leak_tile + leak_noc + leak_cpu + leak_sys;
    b.total_j = b.dynamic_j + b.leakage_j;
    return b;
}

}  // namespace edgebert::hw
