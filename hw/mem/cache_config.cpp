#include "hw/mem/cache_config.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>

#include <cstdint>

#include "common/error.hpp"
#include "common/json_reader.hpp"

namespace edgebert::hw {

namespace {

// The ranges are shared by validate() and the parser so that a file and a
// config built in code get the same messages.
constexpr uint64_t kMinLine = 8;
constexpr uint64_t kMaxLine = 4096;            // a page: a line never straddles one
constexpr uint64_t kMaxSize = uint64_t{1} << 30;  // keeps the tag arrays of a typo affordable
constexpr uint64_t kMaxLatency = 1000;
constexpr uint64_t kMaxFlushCycles = 1000;

bool is_pow2(uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

CacheGeometry geometry(uint64_t size, unsigned ways, unsigned line, Replacement r, WritePolicy w,
                       unsigned hit_latency) {
    CacheGeometry g;
    g.size_bytes = size;
    g.ways = ways;
    g.line_bytes = line;
    g.replacement = r;
    g.write_policy = w;
    g.hit_latency_cycles = hit_latency;
    return g;
}

CacheGeometry parse_level(const JsonReader& r, CacheGeometry g) {
    r.reject_unknown({"enabled", "size_bytes", "ways", "line_bytes", "replacement", "write_policy",
                      "hit_latency_cycles"});
    g.enabled = r.get_bool("enabled", g.enabled);
    // A disabled level has no cache: its geometry and policies would be ignored.
    if (!g.enabled)
        for (const char* key : {"size_bytes", "ways", "line_bytes", "replacement", "write_policy", "hit_latency_cycles"})
            if (r.has(key)) r.fail(key, fmt::format("has no effect: '{}' is false (the level is not modelled)",
                                                    r.field("enabled")));
    // Sizes may be written as integers or "0x..." strings, like the DRAM's.
    g.size_bytes = r.get_address("size_bytes", g.size_bytes);
    // Integer reads with the widest range that fits the field; validate()
    // reports the real constraints (powers of two, ratios).
    auto getu = [&](const char* key, unsigned dflt) {
        return static_cast<unsigned>(r.get_int(key, 0, UINT32_MAX, dflt));
    };
    g.ways = getu("ways", g.ways);
    g.line_bytes = getu("line_bytes", g.line_bytes);
    g.hit_latency_cycles = getu("hit_latency_cycles", g.hit_latency_cycles);
    g.replacement = r.get_enum("replacement", {"lru", "plru"}, to_string(g.replacement)) == "plru"
                        ? Replacement::PseudoLru
                        : Replacement::Lru;
    g.write_policy = r.get_enum("write_policy", {"write_back", "write_through"}, to_string(g.write_policy)) ==
                             "write_through"
                         ? WritePolicy::WriteThrough
                         : WritePolicy::WriteBack;
    return g;
}

}  // namespace

const char* to_string(Replacement r) { return r == Replacement::PseudoLru ? "plru" : "lru"; }

const char* to_string(WritePolicy p) { return p == WritePolicy::WriteThrough ? "write_through" : "write_back"; }

uint64_t CacheGeometry::sets() const {
    const uint64_t per_set = static_cast<uint64_t>(ways) * line_bytes;
    return per_set == 0 ? 0 : size_bytes / per_set;
}

void CacheGeometry::validate(const std::string& origin, const std::string& field) const {
    if (!enabled) return;
    auto bad = [&](const char* name, const std::string& what) {
        throw ConfigError(fmt::format("{}: field '{}.{}' {}", origin, field, name, what));
    };
    if (!is_pow2(line_bytes) || line_bytes < kMinLine || line_bytes > kMaxLine)
        bad("line_bytes", fmt::format("= {} must be a power of two in [{}, {}]", line_bytes, kMinLine, kMaxLine));
    if (!is_pow2(size_bytes) || size_bytes < line_bytes || size_bytes > kMaxSize)
        bad("size_bytes", fmt::format("= {} must be a power of two in [line_bytes = {}, {}]", size_bytes,
                                      line_bytes, kMaxSize));
    const uint64_t lines = size_bytes / line_bytes;
    if (ways == 0 || !is_pow2(ways))
        bad("ways", fmt::format("= {} must be a power of two in [1, {}] (size_bytes / line_bytes)", ways, lines));
    if (ways > lines)
        bad("ways", fmt::format("= {} exceeds the {} lines of the cache: ways * line_bytes ({} * {}) must divide "
                                "size_bytes = {}; allowed: a power of two in [1, {}]",
                                ways, lines, ways, line_bytes, size_bytes, lines));
    if (replacement != Replacement::Lru && replacement != Replacement::PseudoLru)
        bad("replacement", fmt::format("= {} must be lru or plru", static_cast<int>(replacement)));
    if (write_policy != WritePolicy::WriteBack && write_policy != WritePolicy::WriteThrough)
        bad("write_policy", fmt::format("= {} must be write_back or write_through", static_cast<int>(write_policy)));
    // Tree pseudo-LRU needs a full binary tree over the ways; with the checks
    // above this only fires for a code-built geometry, kept for clarity.
    if (replacement == Replacement::PseudoLru && !is_pow2(ways))
        bad("ways", fmt::format("= {} must be a power of two with replacement \"plru\"", ways));
    if (hit_latency_cycles > kMaxLatency)
        bad("hit_latency_cycles", fmt::format("= {} is out of range [0, {}]", hit_latency_cycles, kMaxLatency));
}

void CacheHierarchyConfig::validate(const std::string& origin) const {
    l1i.validate(origin, "caches.l1i");
    l1d.validate(origin, "caches.l1d");
    l2.validate(origin, "caches.l2");
    llc.validate(origin, "caches.llc");
    acc_l2.validate(origin, "caches.acc_l2");
    if (flush_cycles_per_line > kMaxFlushCycles)
        throw ConfigError(fmt::format("{}: field 'caches.flush_cycles_per_line' = {} is out of range [0, {}]", origin,
                                      flush_cycles_per_line, kMaxFlushCycles));
    if (store_buffer_entries < 1 || store_buffer_entries > 64)
        throw ConfigError(fmt::format("{}: field 'caches.store_buffer_entries' = {} is out of range [1, 64]", origin,
                                      store_buffer_entries));
    // Fields the timing model has no path for: refused rather than ignored.
    if (l1i.enabled && l1i.write_policy != WritePolicy::WriteBack)
        throw ConfigError(fmt::format("{}: field 'caches.l1i.write_policy' = {} is not supported: the instruction "
                                      "cache is never written, only write_back (the default) is accepted",
                                      origin, to_string(l1i.write_policy)));
    if (acc_l2.enabled && acc_l2.write_policy != WritePolicy::WriteBack)
        throw ConfigError(fmt::format("{}: field 'caches.acc_l2.write_policy' = {} is not supported: ESP's accelerator "
                                      "L2 is write-back and the DMA port models no write-through path; use write_back",
                                      origin, to_string(acc_l2.write_policy)));
    const bool sb_used = !l1d.enabled || l1d.write_policy == WritePolicy::WriteThrough;
    if (!sb_used && store_buffer_entries != kDefaultStoreBufferEntries)
        throw ConfigError(fmt::format("{}: field 'caches.store_buffer_entries' = {} has no effect with a write-back "
                                      "L1 D$ ('caches.l1d.write_policy' = write_back): the store buffer sits behind a "
                                      "write-through L1 D$; leave it out or give {}",
                                      origin, store_buffer_entries, kDefaultStoreBufferEntries));
    // A line must fit in one line of the next enabled level out, or a fill
    // would need several outer lines.
    auto outward = [&](const char* inner_name, const CacheGeometry& inner, const char* outer_name,
                       const CacheGeometry& outer) {
        if (!inner.enabled || !outer.enabled || inner.line_bytes <= outer.line_bytes) return;
        throw ConfigError(fmt::format("{}: field 'caches.{}.line_bytes' = {} is larger than 'caches.{}.line_bytes' "
                                      "= {}; line sizes must not shrink going outward (l1 <= l2 <= llc)",
                                      origin, inner_name, inner.line_bytes, outer_name, outer.line_bytes));
    };
    const bool have_l2 = l2.enabled;
    outward("l1i", l1i, have_l2 ? "l2" : "llc", have_l2 ? l2 : llc);
    outward("l1d", l1d, have_l2 ? "l2" : "llc", have_l2 ? l2 : llc);
    outward("l2", l2, "llc", llc);
    outward("acc_l2", acc_l2, "llc", llc);
}

const CacheGeometry* first_data_level(const CacheHierarchyConfig& c) {
    if (!c.enabled) return nullptr;
    for (const CacheGeometry* g : {&c.l1d, &c.l2, &c.llc})
        if (g->enabled) return g;
    return nullptr;
}

CacheHierarchyConfig default_cache_hierarchy() {
    constexpr uint64_t KiB = 1024;
    constexpr unsigned kLine = 16;  // ESP: 128-bit lines; CVA6 cv64a6_imafdc_sv39: 128-bit I$/D$ lines
    CacheHierarchyConfig c;
    // CVA6 cv64a6_imafdc_sv39_config_pkg.sv (ESP's Ariane builds the WT D$).
    c.l1i = geometry(16 * KiB, 4, kLine, Replacement::Lru, WritePolicy::WriteBack, 1);
    c.l1d = geometry(32 * KiB, 8, kLine, Replacement::Lru, WritePolicy::WriteThrough, 1);
    // ESP defconfigs: CONFIG_CPU_CACHES = 512 4 1024 16, CONFIG_ACC_CACHES = 512 4 (sets, ways).
    c.l2 = geometry(512 * 4 * kLine, 4, kLine, Replacement::Lru, WritePolicy::WriteBack, 8);
    c.llc = geometry(1024 * 16 * kLine, 16, kLine, Replacement::Lru, WritePolicy::WriteBack, 10);
    c.acc_l2 = geometry(512 * 4 * kLine, 4, kLine, Replacement::Lru, WritePolicy::WriteBack, 8);
    c.flush_cycles_per_line = 1;
    return c;
}

CacheHierarchyConfig parse_cache_hierarchy(const JsonReader& r) {
    r.reject_unknown({"_comment", "enabled", "store_buffer_entries", "l1i", "l1d", "l2", "llc", "acc_l2",
                      "flush_cycles_per_line"});
    CacheHierarchyConfig c = default_cache_hierarchy();
    c.enabled = r.get_bool("enabled", c.enabled);
    // Without the cache model no level, store buffer or flush walk exists.
    if (!c.enabled)
        for (const char* key : {"store_buffer_entries", "l1i", "l1d", "l2", "llc", "acc_l2", "flush_cycles_per_line"})
            if (r.has(key)) r.fail(key, fmt::format("has no effect: '{}' is false (no cache is modelled)",
                                                    r.field("enabled")));
    c.store_buffer_entries =
        static_cast<unsigned>(r.get_int("store_buffer_entries", 1, 64, c.store_buffer_entries));
    auto level = [&](const char* key, CacheGeometry& g) {
        if (r.has(key)) g = parse_level(r.child(key), g);
    };
    level("l1i", c.l1i);
    level("l1d", c.l1d);
    level("l2", c.l2);
    level("llc", c.llc);
    level("acc_l2", c.acc_l2);
    c.flush_cycles_per_line =
        static_cast<unsigned>(r.get_int("flush_cycles_per_line", 0, kMaxFlushCycles, c.flush_cycles_per_line));
    c.validate(r.origin());
    return c;
}

CacheHierarchyConfig parse_cache_hierarchy(const boost::json::value& v, const std::string& origin) {
    return parse_cache_hierarchy(JsonReader(v, origin, "caches"));
}

}  // namespace edgebert::hw
