#include "hw/soc/soc_config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>

#include "common/error.hpp"
#include "common/json_reader.hpp"
#include "hw/edgebert/register_layout.hpp"
#include "hw/soc/plic.hpp"
#include "hw/soc/timer.hpp"
#include "hw/soc/uart.hpp"
#include "hw/systolic/systolic_regs.hpp"

namespace edgebert::hw {

const char* tile_kind_name(TileKind k) {
    switch (k) {
        case TileKind::Cpu: return "cpu";
        case TileKind::Mem: return "mem";
        case TileKind::Edgebert: return "edgebert";
        case TileKind::Systolic: return "systolic";
        case TileKind::Io: return "io";
    }
    return "?";
}

HostCostTable default_host_costs() {
    // Estimates for an in-order, single-issue RV64GC core of Ariane's class;
    // docs/host-costs.md gives the reasoning. `edgebert-sim calibrate` re-derives them.
    HostCostTable t;
    for (const auto& [name, cycles] : std::initializer_list<std::pair<const char*, double>>{
             {"mmio_access", 20},           // the executor's and driver's instructions per register access
                                            // (NoC and target latency added separately)
             {"copy_per_byte", 4},          // the bitmask codec: a mask-bit test, a load and a store per byte
             {"memcpy_per_byte", 0.25},     // ld + sd per 8 bytes, ~2 cycles with the store buffer
             {"memcpy_call", 50},           // a short memcpy beyond its bytes: call, checks, word loop set-up, tail
             {"memset_per_byte", 0.125},    // one sd per 8 bytes
             {"malloc_call", 150},          // allocator fast path
             {"transpose_per_element", 6},  // strided load + store + index arithmetic
             {"fp32_mac", 5},               // dependent fmadd.s chain (FPU latency)
             {"int32_add", 3},              // ld + add + sd for partial-sum accumulation
             {"fp32_add", 4},               // element-wise add incl. loads/stores
             {"fp32_exp", 60},              // software expf
             {"fp32_div", 20},
             {"fp32_sqrt", 25},
             {"fp32_tanh", 80},
             {"quantize_per_element", 12},     // float <-> AF code
             {"int8_convert_per_element", 8},  // float -> INT8 (round, clamp), INT32 -> float
             {"int32_mac", 6},              // naive int32 loop: two loads, mul, add, index arithmetic
             {"splice_per_lane", 4},        // the bitmask splice: a mask-bit test per lane, a load + store per code
             {"code_map_per_byte", 3},      // a byte through a code map: two loads and a store
         })
        t.set(name, cycles);
    // Memory traffic (eb_hal_charge_mem): extra cycles per cache line loaded /
    // stored beyond an L1 hit, over the working set. Estimates from the default
    // cache hierarchy's latencies: nothing while the data fits the L1 D$ (32 KiB),
    // an LLC round trip over the NoC beyond the L2, a DRAM access beyond the LLC.
    t.set_curve("load_line", {{24576, 0}, {49152, 27}, {196608, 27}, {393216, 52}});
    t.set_curve("store_line", {{24576, 0}, {49152, 3}, {196608, 3}, {393216, 32}});
    return t;
}

double HostCostTable::get(const std::string& name) const {
    auto it = entries.find(name);
    if (it == entries.end() || it->second.empty()) throw Error(fmt::format("host cost table has no entry '{}'", name));
    return it->second.front().second;
}

double HostCostTable::get(const std::string& name, double working_set_bytes) const {
    auto it = entries.find(name);
    if (it == entries.end() || it->second.empty()) throw Error(fmt::format("host cost table has no entry '{}'", name));
    const Curve& c = it->second;
    if (c.size() == 1 || working_set_bytes <= c.front().first) return c.front().second;
    if (working_set_bytes >= c.back().first) return c.back().second;
    size_t i = 1;
    while (c[i].first < working_set_bytes) ++i;
    const auto& [x0, y0] = c[i - 1];
    const auto& [x1, y1] = c[i];
    // Linear in log(bytes); a first point at 0 bytes (a constant's) is flat up to the next point.
    if (x0 <= 0) return y0;
    const double f = std::log(working_set_bytes / x0) / std::log(x1 / x0);
    return y0 + f * (y1 - y0);
}

bool HostCostTable::is_curve(const std::string& name) const {
    auto it = entries.find(name);
    return it != entries.end() && !(it->second.size() == 1 && it->second.front().first == 0);
}

const TileSpec& SocConfig::cpu() const {
    for (const auto& t : tiles) if (t.kind == TileKind::Cpu) return t;
    throw ConfigError("SoC config has no cpu tile");
}

const TileSpec& SocConfig::memory() const {
    for (const auto& t : tiles) if (t.kind == TileKind::Mem) return t;
    throw ConfigError("SoC config has no mem tile");
}

const TileSpec* SocConfig::io() const {
    for (const auto& t : tiles) if (t.kind == TileKind::Io) return &t;
    return nullptr;
}

std::vector<const TileSpec*> SocConfig::tiles_of(TileKind k) const {
    std::vector<const TileSpec*> out;
    for (const auto& t : tiles) if (t.kind == k) out.push_back(&t);
    return out;
}

const TileSpec* SocConfig::find_tile(const std::string& name) const {
    for (const auto& t : tiles) if (t.name == name) return &t;
    return nullptr;
}

void SocConfig::validate(const std::string& origin) const {
    auto bad = [&](const std::string& what) { throw ConfigError(fmt::format("{}: {}", origin, what)); };
    if (!(cpu_clock_mhz > 0 && cpu_clock_mhz <= 10000)) bad("field 'cpu_clock_mhz' is out of range (0, 10000]");
    noc.validate(origin);
    caches.validate(origin);
    edgebert.validate(origin);
    systolic.validate(origin);
    std::set<std::pair<int, int>> used;
    std::set<std::string> names;
    std::set<int> irqs;
    int cpus = 0, mems = 0, ios = 0;
    struct Window { std::string name; uint64_t base, size; };
    std::vector<Window> windows = {{"dram", dram.base, dram.size},
                                   {"memory_map.plic", map.plic_base, map.plic_size},
                                   {"memory_map.uart", map.uart_base, map.uart_size},
                                   {"memory_map.timer", map.timer_base, map.timer_size},
                                   {"memory_map.l2_ctrl", map.l2_ctrl_base, 0x100},
                                   {"memory_map.llc_ctrl", map.llc_ctrl_base, 0x100}};
    for (size_t i = 0; i < tiles.size(); ++i) {
        const auto& t = tiles[i];
        const std::string f = fmt::format("tiles[{}] ('{}')", i, t.name);
        if (t.x < 0 || t.x >= noc.cols || t.y < 0 || t.y >= noc.rows)
            bad(fmt::format("{}: position ({}, {}) is off the {} x {} grid (noc.cols x noc.rows)", f, t.x, t.y,
                            noc.cols, noc.rows));
        if (!used.insert({t.x, t.y}).second) bad(fmt::format("{}: position ({}, {}) is already taken", f, t.x, t.y));
        if (!names.insert(t.name).second) bad(fmt::format("{}: duplicate tile name", f));
        cpus += t.kind == TileKind::Cpu;
        mems += t.kind == TileKind::Mem;
        ios += t.kind == TileKind::Io;
        if (t.kind == TileKind::Edgebert || t.kind == TileKind::Systolic) {
            if (t.esp_irq != -1) {
                // ESP line N is PLIC source N + 1 (source 0 is reserved).
                if (t.esp_irq < 0 || t.esp_irq > plic_sources - 2)
                    bad(fmt::format("{}: field 'esp_irq' = {} is out of range [0, {}] (its PLIC source esp_irq + 1 "
                                    "must be below plic_sources = {})",
                                    f, t.esp_irq, plic_sources - 2, plic_sources));
                if (t.irq != t.esp_irq + 1)
                    bad(fmt::format("{}: field 'irq' = {} contradicts field 'esp_irq' = {}: ESP line {} is PLIC "
                                    "source {} (give irq = {} or leave irq out)",
                                    f, t.irq, t.esp_irq, t.esp_irq, t.esp_irq + 1, t.esp_irq + 1));
            }
            if (t.irq < 1 || t.irq >= plic_sources)
                bad(fmt::format("{}: field 'irq' = {} is out of range [1, {}]", f, t.irq, plic_sources - 1));
            if (!irqs.insert(t.irq).second) bad(fmt::format("{}: interrupt {} is used by another tile", f, t.irq));
            // The window the NoC routes to the tile must hold its registers.
            const uint64_t regs_bytes = t.kind == TileKind::Edgebert ? regs::window_bytes(edgebert.register_layout())
                                                                     : systolic_regs::kWindowBytes;
            if (t.reg_size < regs_bytes)
                bad(fmt::format("{}: field 'reg_size' = 0x{:x} is smaller than the tile's 0x{:x} bytes of registers",
                                f, t.reg_size, regs_bytes));
            windows.push_back({t.name, t.reg_base, t.reg_size});
        }
    }
    if (cpus != 1) bad(fmt::format("field 'tiles' has {} cpu tiles, exactly 1 is required", cpus));
    if (mems < 1) bad("field 'tiles' has no mem tile (DRAM needs one)");
    // One memory tile holds all of DRAM and the LLC slice; the model does not
    // interleave addresses across several, so a second one would sit unused.
    if (mems > 1) bad(fmt::format("field 'tiles' has {} mem tiles: exactly 1 is modelled (it holds all of DRAM)", mems));
    // The PLIC and UART live in the first io tile; a second would be empty.
    if (ios > 1) bad(fmt::format("field 'tiles' has {} io tiles: at most 1 is modelled (it holds the PLIC and UART)",
                                 ios));
    if (esp) {
        constexpr uint64_t kMinStride = EspConfig::kCoherenceOffset + 4, kMaxStride = 0x100000;
        if (esp->csr_base % 4 != 0)
            bad(fmt::format("field 'esp.csr_base' = 0x{:x} must be 4-byte aligned", esp->csr_base));
        if (esp->csr_tile_stride < kMinStride || esp->csr_tile_stride > kMaxStride || esp->csr_tile_stride % 4 != 0)
            bad(fmt::format("field 'esp.csr_tile_stride' = 0x{:x} is out of range [0x{:x}, 0x{:x}] or not a "
                            "multiple of 4 (a tile's block holds the coherence register at +0x{:x})",
                            esp->csr_tile_stride, kMinStride, kMaxStride, EspConfig::kCoherenceOffset));
        const uint64_t span = esp->csr_tile_stride * tiles.size();
        if (esp->csr_base > ~uint64_t{0} - span)
            bad(fmt::format("field 'esp.csr_base' = 0x{:x} leaves no room for {} tile blocks of 0x{:x} bytes",
                            esp->csr_base, tiles.size(), esp->csr_tile_stride));
        windows.push_back({"esp.csr", esp->csr_base, span});
    }
    // The accelerator L2 serves fully coherent DMA only: with no tile in mode
    // "full" and no ESP CSR through which software could select it, its
    // geometry would never be used.
    if (caches.enabled && !esp) {
        bool full = false;
        for (const auto& t : tiles) full |= (t.kind == TileKind::Edgebert || t.kind == TileKind::Systolic) &&
                                           t.coherence == DmaCoherence::Full;
        const CacheGeometry& a = caches.acc_l2;
        const CacheGeometry d = default_cache_hierarchy().acc_l2;
        // (A line shortened because the LLC's is shorter than the default's is required, not a choice.)
        const bool forced_line = caches.llc.enabled && d.line_bytes > caches.llc.line_bytes;
        const bool changed = a.enabled != d.enabled || a.size_bytes != d.size_bytes || a.ways != d.ways ||
                             (a.line_bytes != d.line_bytes && !forced_line) || a.replacement != d.replacement ||
                             a.write_policy != d.write_policy || a.hit_latency_cycles != d.hit_latency_cycles;
        if (changed && !full)
            bad("field 'caches.acc_l2' has no effect: no accelerator tile has coherence \"full\", and without an "
                "\"esp\" section software cannot select it; give a tile \"coherence\": \"full\" or leave acc_l2 "
                "at its defaults");
    }
    // The NoC routes only [base, base + size) to a peripheral: the registers its
    // drivers use must lie inside (the PLIC's claim / complete, the UART's
    // STATUS, the timer's mtime).
    for (const auto& [field, size, need, reg] :
         {std::tuple{"plic_size", map.plic_size, Plic::kClaimOffset + 4, "claim / complete register"},
          std::tuple{"uart_size", map.uart_size, Uart::kStatusOffset + 4, "STATUS register"},
          std::tuple{"timer_size", map.timer_size, Timer::kMtimeOffset + 8, "mtime register"}})
        if (size < need)
            bad(fmt::format("field 'memory_map.{}' = 0x{:x} is too small: the {} ends at +0x{:x}", field, size, reg,
                            need));
    for (size_t i = 0; i < windows.size(); ++i) {
        if (windows[i].size == 0) bad(fmt::format("address window '{}' has size 0", windows[i].name));
        for (size_t j = i + 1; j < windows.size(); ++j) {
            const auto& a = windows[i];
            const auto& b = windows[j];
            if (a.base < b.base + b.size && b.base < a.base + a.size)
                bad(fmt::format("address windows overlap: '{}' [0x{:x}, 0x{:x}) and '{}' [0x{:x}, 0x{:x})", a.name,
                                a.base, a.base + a.size, b.name, b.base, b.base + b.size));
        }
    }
}

// host_costs: every entry a number (cycles per unit) or a curve over the
// working set, {"<bytes>": cycles, ...}; absent entries keep the defaults.
static void read_host_costs(const JsonReader& h, const boost::json::object& raw, HostCostTable& t) {
    std::vector<std::string> known;
    for (const auto& kv : t.entries) known.push_back(kv.first);
    known.push_back("_comment");
    h.reject_unknown(known);
    constexpr double kMaxCycles = 1e6, kMaxBytes = 1ull << 40;
    const std::string forms = fmt::format(
        "a number of cycles in [0, {}] or a curve over the working set, an object {{\"<bytes>\": cycles, ...}} "
        "with 1 to 64 working sets (decimal integers in [1, 2^40]) and cycles in [0, {}]",
        kMaxCycles, kMaxCycles);
    for (auto& [name, curve] : t.entries) {
        const auto* v = raw.if_contains(name);
        if (!v) continue;
        if (v->is_number()) {
            curve = {{0.0, h.get_double(name, 0.0, kMaxCycles)}};
            continue;
        }
        if (!v->is_object()) h.fail(name, fmt::format("= {} must be {}", boost::json::serialize(*v), forms));
        const auto& obj = v->as_object();
        const JsonReader points = h.child(name);
        if (obj.empty() || obj.size() > 64) h.fail(name, fmt::format("has {} points: it must be {}", obj.size(), forms));
        HostCostTable::Curve c;
        for (const auto& kv : obj) {
            const std::string key(kv.key());
            uint64_t bytes = 0;
            const bool digits = !key.empty() && key.size() <= 13 &&
                                std::all_of(key.begin(), key.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
            if (digits) bytes = std::stoull(key);
            if (!digits || bytes < 1 || bytes > static_cast<uint64_t>(kMaxBytes))
                h.fail(name, fmt::format("has the working set \"{}\": it must be {}", key, forms));
            c.emplace_back(static_cast<double>(bytes), points.get_double(key, 0.0, kMaxCycles));
        }
        std::sort(c.begin(), c.end());
        for (size_t i = 1; i < c.size(); ++i)
            if (c[i].first == c[i - 1].first)
                h.fail(name, fmt::format("gives the working set {} twice: it must be {}", c[i].first, forms));
        curve = std::move(c);
    }
}

static SocConfig read_soc(const boost::json::value& v, const std::string& origin) {
    JsonReader r(v, origin);
    r.reject_unknown({"_comment", "name", "cpu_clock_mhz", "plic_sources", "noc", "dram", "memory_map", "caches", "esp", "tiles",
                      "edgebert", "systolic", "host_costs"});
    SocConfig c;
    c.name = r.get_string("name", "soc");
    c.cpu_clock_mhz = r.get_double("cpu_clock_mhz", 1e-3, 1e5, c.cpu_clock_mhz);
    c.plic_sources = static_cast<int>(r.get_int("plic_sources", 2, 1024, c.plic_sources));
    c.noc = parse_noc_config(r.child("noc"));
    c.dram = parse_dram_config(r.child("dram"));
    if (r.has("memory_map")) {
        const auto m = r.child("memory_map");
        m.reject_unknown({"plic_base", "plic_size", "uart_base", "uart_size", "timer_base", "timer_size",
                          "l2_ctrl_base", "llc_ctrl_base"});
        c.map.plic_base = m.get_address("plic_base", c.map.plic_base);
        c.map.plic_size = m.get_address("plic_size", c.map.plic_size);
        c.map.uart_base = m.get_address("uart_base", c.map.uart_base);
        c.map.uart_size = m.get_address("uart_size", c.map.uart_size);
        c.map.timer_base = m.get_address("timer_base", c.map.timer_base);
        c.map.timer_size = m.get_address("timer_size", c.map.timer_size);
        c.map.l2_ctrl_base = m.get_address("l2_ctrl_base", c.map.l2_ctrl_base);
        c.map.llc_ctrl_base = m.get_address("llc_ctrl_base", c.map.llc_ctrl_base);
    }
    if (r.has("caches")) c.caches = parse_cache_hierarchy(r.child("caches"));
    if (r.has("esp")) {
        const auto e = r.child("esp");
        e.reject_unknown({"_comment", "csr_base", "csr_tile_stride"});
        EspConfig esp;
        esp.csr_base = e.get_address("csr_base", esp.csr_base);
        esp.csr_tile_stride = e.get_address("csr_tile_stride", esp.csr_tile_stride);
        c.esp = esp;
    }
    for (const auto& t : r.array("tiles")) {
        t.reject_unknown({"name", "kind", "x", "y", "reg_base", "reg_size", "irq", "esp_irq", "coherence"});
        TileSpec s;
        s.name = t.get_string("name");
        const std::string kind = t.get_enum("kind", {"cpu", "mem", "edgebert", "systolic", "io"}, "");
        s.kind = kind == "cpu" ? TileKind::Cpu : kind == "mem" ? TileKind::Mem : kind == "edgebert" ? TileKind::Edgebert
               : kind == "systolic" ? TileKind::Systolic : TileKind::Io;
        // Register window and interrupt belong to accelerator tiles: on a cpu,
        // mem or io tile nothing would read them. Its coherence is the power-on
        // value of its ESP CSR, so it needs the "esp" section (parsed above).
        if (s.kind != TileKind::Edgebert && s.kind != TileKind::Systolic) {
            for (const char* key : {"reg_base", "reg_size", "irq", "esp_irq"})
                if (t.has(key))
                    t.fail(key, fmt::format("applies to edgebert and systolic tiles only (this tile's kind is '{}')",
                                            kind));
            if (t.has("coherence") && !c.esp)
                t.fail("coherence", fmt::format("has no effect on a '{}' tile without an \"esp\" section: it has no "
                                                "DMA, and no CSR holds the value",
                                                kind));
        }
        s.x = static_cast<int>(t.get_int("x", 0, 1023));
        s.y = static_cast<int>(t.get_int("y", 0, 1023));
        if (s.kind == TileKind::Edgebert || s.kind == TileKind::Systolic) {
            s.reg_base = t.get_address("reg_base");
            s.reg_size = t.get_address("reg_size", 0x1000);
            if (t.has("esp_irq")) {
                // ESP's numbering: line N is PLIC source N + 1; validate() checks a given irq agrees.
                s.esp_irq = static_cast<int>(t.get_int("esp_irq", 0, 1022));
                s.irq = static_cast<int>(t.get_int("irq", 1, 1023, s.esp_irq + 1));
            } else {
                s.irq = static_cast<int>(t.get_int("irq", 1, 1023));
            }
        }
        if (t.has("coherence")) {
            const std::string coh = t.get_enum("coherence", {"none", "llc", "recall", "full"}, "recall");
            s.coherence = *dma_coherence_from_name(coh);
        }
        c.tiles.push_back(s);
    }
    if (r.has("edgebert")) c.edgebert = parse_edgebert_tile_config(r.child("edgebert"));
    if (r.has("systolic")) c.systolic = parse_systolic_tile_config(r.child("systolic"));
    if (r.has("host_costs")) read_host_costs(r.child("host_costs"), v.as_object().at("host_costs").as_object(),
                                             c.host_costs);
    c.validate(origin);
    return c;
}

SocConfig parse_soc_config(const std::string& json_text, const std::string& origin) {
    return read_soc(parse_json_text(json_text, origin), origin);
}

SocConfig load_soc_config(const std::string& path) { return read_soc(parse_json_file(path), path); }

}  // namespace edgebert::hw
