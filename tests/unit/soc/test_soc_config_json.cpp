// The effective-config serializer: parse(serialize(c)) == c for the shipped
// configs and for randomly perturbed valid ones; every key any parser of the
// SoC config accepts appears in the serialized output; the hash is FNV-1a of
// the canonical text and follows every field.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <functional>
#include <map>
#include <random>
#include <regex>
#include <set>

#include "common/error.hpp"
#include "common/json_reader.hpp"
#include "hw/soc/soc_config.hpp"
#include "hw/soc/soc_config_json.hpp"

using namespace edgebert;
using namespace edgebert::hw;

namespace {

SocConfig shipped(const std::string& name) {
    return load_soc_config(std::string(EDGEBERT_SOURCE_DIR) + "/configs/soc/" + name);
}

SocConfig round_trip(const SocConfig& c) { return parse_soc_config(soc_config_json_text(c), "<serialized>"); }

std::string show(int v) { return std::to_string(v); }
std::string show(unsigned v) { return std::to_string(v); }
std::string show(uint64_t v) { return std::to_string(v); }
std::string show(double v) { return fmt::format("{:.17g}", v); }
std::string show(bool v) { return v ? "true" : "false"; }
std::string show(const std::string& v) { return v; }
template <class E, class = std::enable_if_t<std::is_enum_v<E>>>
std::string show(E v) { return std::to_string(static_cast<int64_t>(v)); }

// One field of SocConfig: its value as text (for equality) and a random new value.
struct Field {
    std::string name;
    std::function<std::string(const SocConfig&)> get;
    std::function<void(SocConfig&, std::mt19937_64&)> perturb;
};

using Rng = std::mt19937_64;

template <class T, class Ref, class Gen>
Field field(std::string name, Ref ref, Gen gen) {
    return {std::move(name), [ref](const SocConfig& c) { return show(ref(const_cast<SocConfig&>(c))); },
            [ref, gen](SocConfig& c, Rng& g) { ref(c) = static_cast<T>(gen(g)); }};
}

int pick_int(Rng& g, int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(g); }
// Decimal figures of at most 6 significant digits, like a person writes them.
double pick_double(Rng& g, double lo, double hi, double step) {
    const int64_t n = static_cast<int64_t>((hi - lo) / step);
    const double x = lo + step * static_cast<double>(std::uniform_int_distribution<int64_t>(0, n)(g));
    return std::stod(fmt::format("{:.6g}", x));  // 0.45, not 0.44999999999999996
}
template <class T>
T pick_of(Rng& g, std::initializer_list<T> v) {
    return *(v.begin() + pick_int(g, 0, static_cast<int>(v.size()) - 1));
}

#define F_INT(path, lo, hi) field<int>(#path, [](SocConfig& c) -> auto& { return c.path; }, [](Rng& g) { return pick_int(g, lo, hi); })
#define F_UNS(path, lo, hi) field<unsigned>(#path, [](SocConfig& c) -> auto& { return c.path; }, [](Rng& g) { return pick_int(g, lo, hi); })
#define F_DBL(path, lo, hi, step) field<double>(#path, [](SocConfig& c) -> auto& { return c.path; }, [](Rng& g) { return pick_double(g, lo, hi, step); })
#define F_BOOL(path) field<bool>(#path, [](SocConfig& c) -> auto& { return c.path; }, [](Rng& g) { return pick_int(g, 0, 1) == 1; })
#define F_ADDR(path, lo, hi, align) field<uint64_t>(#path, [](SocConfig& c) -> auto& { return c.path; }, \
    [](Rng& g) { return (std::uniform_int_distribution<uint64_t>(lo, hi)(g) / (align)) * (align); })
#define F_POW2(path, lo_log, hi_log) field<uint64_t>(#path, [](SocConfig& c) -> auto& { return c.path; }, \
    [](Rng& g) { return uint64_t{1} << pick_int(g, lo_log, hi_log); })

// Without an "esp" section the accelerator L2 must serve a tile in fully coherent mode.
void use_acc_l2(SocConfig& c) {
    for (auto& t : c.tiles)
        if (t.kind == TileKind::Edgebert) t.coherence = DmaCoherence::Full;
}

std::vector<Field> cache_level(const std::string& lvl, CacheGeometry CacheHierarchyConfig::*m) {
    auto ref = [m](SocConfig& c) -> CacheGeometry& { return c.caches.*m; };
    auto f = [&](const char* name, std::function<std::string(const CacheGeometry&)> get,
                 std::function<void(CacheGeometry&, Rng&)> set) {
        // Without the cache model, or with the level disabled, its geometry does not exist.
        const bool is_enabled = std::string(name) == "enabled";
        return Field{"caches." + lvl + "." + name,
                     [ref, get, is_enabled](const SocConfig& c) {
                         const CacheGeometry& x = ref(const_cast<SocConfig&>(c));
                         if (!c.caches.enabled || (!is_enabled && !x.enabled)) return std::string("-");
                         return get(x);
                     },
                     [ref, set, lvl](SocConfig& c, Rng& g) {
                         set(ref(c), g);
                         if (lvl == "acc_l2") use_acc_l2(c);
                     }};
    };
    return {
        f("enabled", [](const CacheGeometry& x) { return show(x.enabled); }, [](CacheGeometry& x, Rng& g) { x.enabled = pick_int(g, 0, 1); }),
        f("size_bytes", [](const CacheGeometry& x) { return show(x.size_bytes); }, [](CacheGeometry& x, Rng& g) { x.size_bytes = uint64_t{1} << pick_int(g, 10, 20); }),
        f("ways", [](const CacheGeometry& x) { return show(x.ways); }, [](CacheGeometry& x, Rng& g) { x.ways = 1u << pick_int(g, 0, 5); }),
        // A longer line in an inner level needs one at least as long outside it.
        Field{"caches." + lvl + ".line_bytes",
              [ref](const SocConfig& c) {
                  const CacheGeometry& x = ref(const_cast<SocConfig&>(c));
                  return c.caches.enabled && x.enabled ? show(x.line_bytes) : std::string("-");
              },
              [ref](SocConfig& c, Rng& g) {
                  ref(c).line_bytes = 1u << pick_int(g, 3, 6);
                  if (&ref(c) == &c.caches.acc_l2) use_acc_l2(c);
                  c.caches.llc.line_bytes = std::max(c.caches.llc.line_bytes, ref(c).line_bytes);
                  if (&ref(c) != &c.caches.l2 && &ref(c) != &c.caches.acc_l2)
                      c.caches.l2.line_bytes = std::max(c.caches.l2.line_bytes, ref(c).line_bytes);
              }},
        f("replacement", [](const CacheGeometry& x) { return show(x.replacement); }, [](CacheGeometry& x, Rng& g) { x.replacement = pick_int(g, 0, 1) ? Replacement::PseudoLru : Replacement::Lru; }),
        f("write_policy", [](const CacheGeometry& x) { return show(x.write_policy); }, [](CacheGeometry& x, Rng& g) { x.write_policy = pick_int(g, 0, 1) ? WritePolicy::WriteThrough : WritePolicy::WriteBack; }),
        f("hit_latency_cycles", [](const CacheGeometry& x) { return show(x.hit_latency_cycles); }, [](CacheGeometry& x, Rng& g) { x.hit_latency_cycles = pick_int(g, 0, 40); }),
    };
}

// Every field of the config (tiles and host-cost entries of `base` included).
std::vector<Field> all_fields(const SocConfig& base) {
    std::vector<Field> f = {
        field<std::string>("name", [](SocConfig& c) -> auto& { return c.name; }, [](Rng& g) { return fmt::format("soc-{}", pick_int(g, 0, 999)); }),
        F_DBL(cpu_clock_mhz, 100, 3000, 0.5), F_INT(plic_sources, 8, 128),
        F_INT(noc.cols, 3, 6), F_INT(noc.rows, 2, 6), F_INT(noc.router_latency_cycles, 0, 64),
        field<int>("noc.link_width_bits", [](SocConfig& c) -> auto& { return c.noc.link_width_bits; }, [](Rng& g) { return 8 * pick_int(g, 1, 128); }),
        F_DBL(noc.clock_mhz, 100, 3000, 0.25), F_INT(noc.header_flits, 1, 8),
        field<NocReservation>("noc.reservation", [](SocConfig& c) -> auto& { return c.noc.reservation; }, [](Rng& g) { return pick_int(g, 0, 1) ? NocReservation::BusyUntil : NocReservation::FirstFit; }),
        F_ADDR(dram.base, 0x80000000ull, 0x100000000ull, 0x1000), F_POW2(dram.size, 20, 31), F_INT(dram.channels, 1, 64),
        F_INT(dram.banks, 1, 256), field<int>("dram.row_bytes", [](SocConfig& c) -> auto& { return c.dram.row_bytes; }, [](Rng& g) { return 1 << pick_int(g, 6, 14); }),
        field<int>("dram.burst_bytes", [](SocConfig& c) -> auto& { return c.dram.burst_bytes; }, [](Rng& g) { return 1 << pick_int(g, 0, 8); }),
        F_DBL(dram.clock_mhz, 1, 4000, 0.125), F_INT(dram.t_rcd, 0, 1000), F_INT(dram.t_cas, 0, 1000), F_INT(dram.t_rp, 0, 1000),
        F_INT(dram.controller_latency_cycles, 0, 100000), F_DBL(dram.bytes_per_cycle, 0.01, 512, 0.01),
        F_ADDR(map.plic_base, 0x6c000000ull, 0x6f000000ull, 0x1000), F_ADDR(map.plic_size, 0x1000, 0x400000, 0x1000),
        F_ADDR(map.uart_base, 0x60000000ull, 0x60001000ull, 0x100), F_ADDR(map.uart_size, 0x10, 0x100, 0x10),
        F_ADDR(map.timer_base, 0x02000000ull, 0x03000000ull, 0x1000), F_ADDR(map.timer_size, 0x1000, 0x10000, 0x1000),
        F_ADDR(map.l2_ctrl_base, 0x60080000ull, 0x60080800ull, 0x100), F_ADDR(map.llc_ctrl_base, 0x60080000ull, 0x60080800ull, 0x100),
        F_BOOL(caches.enabled),
        {"caches.store_buffer_entries", [](const SocConfig& c) { return c.caches.enabled ? show(c.caches.store_buffer_entries) : "-"; },
         [](SocConfig& c, Rng& g) { c.caches.store_buffer_entries = pick_int(g, 1, 64); }},
        {"caches.flush_cycles_per_line", [](const SocConfig& c) { return c.caches.enabled ? show(c.caches.flush_cycles_per_line) : "-"; },
         [](SocConfig& c, Rng& g) { c.caches.flush_cycles_per_line = pick_int(g, 0, 1000); }},
        F_INT(edgebert.lanes, 8, 32), F_INT(edgebert.num_vmacs, 1, 64),
        F_INT(edgebert.act_format.total_bits, 3, 8), F_INT(edgebert.act_format.exp_bits, 1, 6),
        F_INT(edgebert.bias_range.min, -20, 0), F_INT(edgebert.bias_range.max, -12, 2), F_INT(edgebert.accum_bits, 16, 62),
        F_INT(edgebert.input_sram_depth, 16, 4096), F_INT(edgebert.mask_sram_depth, 16, 4096), F_INT(edgebert.aux_sram_depth, 16, 256),
        field<int>("edgebert.axi_data_bits", [](SocConfig& c) -> auto& { return c.edgebert.axi_data_bits; }, [](Rng& g) { return pick_of(g, {32, 64, 128}); }),
        F_INT(edgebert.max_burst_beats, 1, 256),
        field<int>("edgebert.max_n", [](SocConfig& c) -> auto& { return c.edgebert.max_n; }, [](Rng& g) { return 16 * pick_int(g, 1, 63); }),
        field<int>("edgebert.max_m", [](SocConfig& c) -> auto& { return c.edgebert.max_m; }, [](Rng& g) { return 16 * pick_int(g, 1, 255); }),
        field<CheckMode>("edgebert.checks", [](SocConfig& c) -> auto& { return c.edgebert.checks; }, [](Rng& g) { return pick_int(g, 0, 1) ? CheckMode::Silicon : CheckMode::Strict; }),
        F_BOOL(edgebert.sfu_lut), F_BOOL(edgebert.dense_results),
        F_INT(edgebert.timing.ii_layer_norm, 1, 64), F_INT(edgebert.timing.ii_softmax, 1, 64), F_INT(edgebert.timing.ii_element_add, 1, 64),
        F_INT(edgebert.timing.ii_entropy, 1, 64), F_INT(edgebert.timing.ii_dvfs, 1, 64), F_INT(edgebert.timing.sfu_pipeline_depth, 0, 1000),
        F_INT(edgebert.timing.matmul_pipeline_depth, 0, 1000), F_INT(edgebert.timing.encoder_cycles_per_vector, 1, 64),
        F_BOOL(edgebert.timing.overlap_load_compute), F_INT(edgebert.timing.command_decode_cycles, 0, 1000),
        F_INT(edgebert.timing.irq_pulse_cycles, 1, 1000), F_INT(edgebert.timing.dma_setup_cycles, 0, 1000),
        F_INT(edgebert.timing.axi_burst_overhead_cycles, 0, 1000),
        F_DBL(edgebert.ldo.v_min, 0.3, 0.7, 0.005), F_DBL(edgebert.ldo.v_max, 0.75, 1.2, 0.005), F_INT(edgebert.ldo.code_bits, 1, 8),
        F_DBL(edgebert.ldo.slew_v_per_ns, 0.001, 0.1, 0.001), F_DBL(edgebert.ldo.settle_fixed_ns, 0, 20, 0.1),
        F_DBL(edgebert.ldo.initial_v, 0.5, 0.8, 0.001),
        F_DBL(edgebert.adpll.f_min_mhz, 100, 400, 0.5), F_DBL(edgebert.adpll.f_max_mhz, 800, 2000, 0.5), F_INT(edgebert.adpll.code_bits, 1, 6),
        F_DBL(edgebert.adpll.lock_ns, 0, 500, 0.1), F_DBL(edgebert.adpll.initial_mhz, 250, 1000, 0.5),
        {"edgebert.dvfs_thresholds",
         [](const SocConfig& c) {
             std::string s;
             for (auto v : c.edgebert.dvfs_thresholds) s += show(v) + ",";
             return s;
         },
         [](SocConfig& c, Rng& g) {
             uint32_t v = 0;
             for (auto& t : c.edgebert.dvfs_thresholds) t = v += static_cast<uint32_t>(pick_int(g, 1, 4000));
         }},
        field<int>("systolic.size", [](SocConfig& c) -> auto& { return c.systolic.size; }, [](Rng& g) { return kSystolicRtlSizes[static_cast<size_t>(pick_int(g, 0, static_cast<int>(kSystolicRtlSizes.size()) - 1))]; }), F_DBL(systolic.clock_mhz, 1, 10000, 0.5),
        field<int>("systolic.axi_data_bits", [](SocConfig& c) -> auto& { return c.systolic.axi_data_bits; }, [](Rng& g) { return pick_of(g, {32, 64, 128}); }),
        F_INT(systolic.max_burst_beats, 1, 256), F_INT(systolic.irq_pulse_cycles, 1, 1000), F_INT(systolic.dma_setup_cycles, 0, 1000),
        F_INT(systolic.axi_burst_overhead_cycles, 0, 1000),
    };
    for (auto [lvl, m] : {std::pair{"l1i", &CacheHierarchyConfig::l1i}, {"l1d", &CacheHierarchyConfig::l1d},
                          {"l2", &CacheHierarchyConfig::l2}, {"llc", &CacheHierarchyConfig::llc},
                          {"acc_l2", &CacheHierarchyConfig::acc_l2}})
        for (auto& x : cache_level(lvl, m)) f.push_back(std::move(x));
    if (base.esp) {
        f.push_back(field<uint64_t>("esp.csr_base", [](SocConfig& c) -> auto& { return c.esp->csr_base; },
                                    [](Rng& g) { return 0x60090000ull + 4 * std::uniform_int_distribution<uint64_t>(0, 0x400)(g); }));
        f.push_back(field<uint64_t>("esp.csr_tile_stride", [](SocConfig& c) -> auto& { return c.esp->csr_tile_stride; },
                                    [](Rng& g) { return 4 * std::uniform_int_distribution<uint64_t>(5, 0x100)(g); }));
    }
    for (size_t i = 0; i < base.tiles.size(); ++i) {
        const std::string p = fmt::format("tiles[{}].", i);
        auto t = [i](SocConfig& c) -> TileSpec& { return c.tiles.at(i); };
        f.push_back(field<std::string>(p + "name", [t](SocConfig& c) -> auto& { return t(c).name; }, [](Rng& g) { return fmt::format("tile{}", pick_int(g, 0, 99)); }));
        // A full grid has no free position: a move widens it by a column (a row).
        f.push_back({p + "x", [t](const SocConfig& c) { return show(t(const_cast<SocConfig&>(c)).x); },
                     [t](SocConfig& c, Rng& g) {
                         c.noc.cols = std::max(c.noc.cols, 4);
                         t(c).x = pick_int(g, 0, c.noc.cols - 1);
                     }});
        f.push_back({p + "y", [t](const SocConfig& c) { return show(t(const_cast<SocConfig&>(c)).y); },
                     [t](SocConfig& c, Rng& g) {
                         c.noc.rows = std::max(c.noc.rows, 3);
                         t(c).y = pick_int(g, 0, c.noc.rows - 1);
                     }});
        if (base.tiles[i].kind == TileKind::Edgebert || base.tiles[i].kind == TileKind::Systolic) {
            f.push_back(field<DmaCoherence>(p + "coherence", [t](SocConfig& c) -> auto& { return t(c).coherence; }, [](Rng& g) { return static_cast<DmaCoherence>(pick_int(g, 0, 3)); }));
            f.push_back(field<uint64_t>(p + "reg_base", [t](SocConfig& c) -> auto& { return t(c).reg_base; }, [](Rng& g) { return 0x40000000ull + 0x1000 * std::uniform_int_distribution<uint64_t>(0, 0x1000)(g); }));
            f.push_back(field<uint64_t>(p + "reg_size", [t](SocConfig& c) -> auto& { return t(c).reg_size; }, [](Rng& g) { return 0x1000ull << pick_int(g, 0, 8); }));
            // irq and esp_irq move together (esp_irq = irq - 1, or none).
            f.push_back({p + "irq", [t](const SocConfig& c) { return show(t(const_cast<SocConfig&>(c)).irq) + "/" + show(t(const_cast<SocConfig&>(c)).esp_irq); },
                         [t](SocConfig& c, Rng& g) {
                             t(c).irq = pick_int(g, 1, 20);
                             t(c).esp_irq = pick_int(g, 0, 1) ? t(c).irq - 1 : -1;
                         }});
        }
    }
    for (const auto& [name, curve] : base.host_costs.entries) {
        const std::string n = name;
        f.push_back({"host_costs." + n,
                     [n](const SocConfig& c) {
                         std::string s;
                         for (const auto& [b, v] : c.host_costs.entries.at(n)) s += show(b) + ":" + show(v) + ",";
                         return s;
                     },
                     [n](SocConfig& c, Rng& g) {
                         auto& cv = c.host_costs.entries.at(n);
                         if (c.host_costs.is_curve(n)) {
                             for (auto& pt : cv) pt.second = pick_double(g, 0, 200, 0.001);
                             if (pick_int(g, 0, 1)) cv.emplace_back(cv.back().first * 2 + 8, pick_double(g, 0, 200, 0.001));
                         } else {
                             cv.front().second = pick_double(g, 0, 1000, 0.001);
                         }
                     }});
    }
    return f;
}

// The first field that differs, or "" when every field agrees.
std::string first_difference(const SocConfig& a, const SocConfig& b) {
    if (a.tiles.size() != b.tiles.size()) return "tiles (count)";
    if (a.esp.has_value() != b.esp.has_value()) return "esp (present)";
    if (a.host_costs.entries.size() != b.host_costs.entries.size()) return "host_costs (entries)";
    for (const auto& f : all_fields(a))
        if (f.get(a) != f.get(b)) return f.name + ": " + f.get(a) + " vs " + f.get(b);
    return "";
}

bool valid(const SocConfig& c) {
    try {
        c.validate("<perturbed>");
        return true;
    } catch (const ConfigError&) {
        return false;
    }
}

}  // namespace

TEST(SocConfigJson, ShippedConfigsRoundTrip) {
    for (const char* name : {"default.json", "epochs.json"}) {
        const SocConfig c = shipped(name);
        const SocConfig back = round_trip(c);
        EXPECT_EQ(first_difference(c, back), "") << name;
        // The canonical text is a fixpoint.
        EXPECT_EQ(soc_config_json_text(back), soc_config_json_text(c)) << name;
        EXPECT_EQ(soc_config_hash(back), soc_config_hash(c)) << name;
    }
    EXPECT_NE(soc_config_hash(shipped("default.json")), soc_config_hash(shipped("epochs.json")));
}

TEST(SocConfigJson, EveryFieldRoundTripsAfterAPerturbation) {
    Rng g(20261207);
    for (const char* name : {"default.json", "epochs.json"}) {
        const SocConfig base = shipped(name);
        const std::string base_hash = soc_config_hash_hex(base);
        for (const auto& f : all_fields(base)) {
            // Draw until the field changed and the config is still valid.
            bool done = false;
            for (int attempt = 0; attempt < 400 && !done; ++attempt) {
                SocConfig c = base;
                f.perturb(c, g);
                if (f.get(c) == f.get(base) || !valid(c)) continue;
                done = true;
                const SocConfig back = round_trip(c);
                EXPECT_EQ(first_difference(c, back), "") << name << ": perturbed " << f.name;
                EXPECT_NE(soc_config_hash_hex(c), base_hash) << name << ": the hash ignores " << f.name;
            }
            // Fields with a single valid value (the parser refuses every other).
            const bool fixed = f.name == "caches.l1i.write_policy" || f.name == "caches.acc_l2.write_policy";
            EXPECT_TRUE(done || fixed) << name << ": found no valid perturbation of " << f.name;
        }
    }
}

TEST(SocConfigJson, RandomMultiFieldPerturbationsRoundTrip) {
    Rng g(7);
    const SocConfig base = shipped("epochs.json");
    const auto fields = all_fields(base);
    int checked = 0;
    for (int trial = 0; trial < 600; ++trial) {
        SocConfig c = base;
        const int n = std::uniform_int_distribution<int>(2, 8)(g);
        for (int k = 0; k < n; ++k) fields[std::uniform_int_distribution<size_t>(0, fields.size() - 1)(g)].perturb(c, g);
        if (!valid(c)) continue;
        ++checked;
        EXPECT_EQ(first_difference(c, round_trip(c)), "") << "trial " << trial << ": " << soc_config_json_text(c);
    }
    EXPECT_GT(checked, 100);
}

// Every key that a reject_unknown list of the SoC config's parsers accepts
// appears in the serialized output (in at least one object at that path), so
// no field the file format has is left out, including fields added later.
TEST(SocConfigJson, SerializerCoversEveryKeyTheParserAccepts) {
    std::map<std::string, std::set<std::string>> accepted;  // path (array indices as []) -> keys
    const std::regex index(R"(\[\d+\])");
    JsonReader::set_key_observer([&](const std::string& path, const std::vector<std::string>& known) {
        auto& s = accepted[std::regex_replace(path, index, "[]")];
        s.insert(known.begin(), known.end());
    });
    std::map<std::string, std::set<std::string>> written;
    std::function<void(const boost::json::value&, const std::string&)> collect = [&](const boost::json::value& v,
                                                                                   const std::string& path) {
        if (v.is_object()) {
            for (const auto& kv : v.as_object()) {
                written[path].insert(std::string(kv.key()));
                collect(kv.value(), path.empty() ? std::string(kv.key()) : path + "." + std::string(kv.key()));
            }
        } else if (v.is_array()) {
            for (const auto& e : v.as_array()) collect(e, path + "[]");
        }
    };
    for (const char* name : {"default.json", "epochs.json"}) {
        const std::string text = soc_config_json_text(shipped(name));
        parse_soc_config(text, name);
        collect(boost::json::parse(text), "");
    }
    JsonReader::set_key_observer(nullptr);
    ASSERT_TRUE(accepted.count(""));
    for (const char* section : {"noc", "dram", "memory_map", "caches", "caches.l1d", "esp", "tiles[]", "edgebert",
                                "edgebert.timing", "edgebert.ldo", "edgebert.adpll", "systolic", "host_costs"})
        EXPECT_TRUE(accepted.count(section)) << "the parser of '" << section << "' was never reached";
    for (const auto& [path, keys] : accepted)
        for (const auto& k : keys) {
            if (k == "_comment") continue;
            EXPECT_TRUE(written[path].count(k)) << "the serializer never writes '" << (path.empty() ? k : path + "." + k)
                                                << "', which the parser accepts";
        }
}

TEST(SocConfigJson, HashIsFnv1aOfTheCanonicalText) {
    // Published FNV-1a 64 test vectors.
    EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ull);
    EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cull);
    EXPECT_EQ(fnv1a64("foobar"), 0x85944171f73967e8ull);
    const SocConfig c = shipped("default.json");
    EXPECT_EQ(soc_config_hash(c), fnv1a64(soc_config_json_text(c)));
    const std::string hex = soc_config_hash_hex(c);
    EXPECT_TRUE(std::regex_match(hex, std::regex("[0-9a-f]{16}"))) << hex;
    // Writing the same value in another form (hex string vs integer, 1000 vs 1000.0) is the same config.
    const std::string text = soc_config_json_text(c);
    boost::json::value v = boost::json::parse(text);
    v.as_object()["cpu_clock_mhz"] = 1000.0;
    v.as_object()["dram"].as_object()["base"] = 0x80000000ull;
    EXPECT_EQ(soc_config_hash_hex(parse_soc_config(boost::json::serialize(v), "x")), hex);
}

TEST(SocConfigJson, TextUsesTheParsersForms) {
    const auto o = soc_config_to_json(shipped("epochs.json"));
    EXPECT_EQ(o.at("dram").at("base"), "0x80000000");
    EXPECT_TRUE(o.at("cpu_clock_mhz").is_int64());
    EXPECT_EQ(o.at("edgebert").at("checks"), "silicon");  // epochs.json runs the tile as the silicon does
    EXPECT_TRUE(o.at("host_costs").at("load_line").is_object());
    EXPECT_TRUE(o.contains("esp"));
    EXPECT_FALSE(soc_config_to_json(shipped("default.json")).contains("esp"));
}
