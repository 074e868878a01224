// Cache timing model: per-access agreement with an independent, deliberately
// simple reference simulator on random traces over many geometries and both
// policies; hand-computed traces (LRU against PLRU, writebacks, write-through,
// coherence operations, range walks); the config validation and parser.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <list>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "common/json_reader.hpp"
#include "common/rng.hpp"
#include "hw/mem/cache.hpp"
#include "hw/mem/cache_config.hpp"

namespace edgebert::hw {
namespace {

using V = std::vector<uint64_t>;

// accesses, hits, misses, writebacks, flushes, invalidations
V counts(const CacheStats& x) { return {x.accesses, x.hits, x.misses, x.writebacks, x.flushes, x.invalidations}; }

CacheGeometry geo(uint64_t size, unsigned ways, unsigned line, Replacement r = Replacement::Lru,
                  WritePolicy w = WritePolicy::WriteBack) {
    return CacheGeometry{true, size, ways, line, r, w, 1};
}

// ---- Reference: division/modulo indexing; per set, the ways as optional slots,
// a std::list of line numbers in use order for true LRU, and for the tree
// pseudo-LRU a map of (lo, hi) way ranges -> "victim in the upper half",
// walked over ranges instead of a heap array.
class RefCache {
public:
    explicit RefCache(const CacheGeometry& g) : g_(g), nsets_(g.size_bytes / g.line_bytes / g.ways) { reset(); }

    CacheAccess access(uint64_t addr, bool write) {
        CacheAccess r;
        ++st.accesses;
        const bool wt = g_.write_policy == WritePolicy::WriteThrough;
        r.forward_write = write && wt;
        Set& s = set_of(addr);
        const uint64_t line = addr / g_.line_bytes;
        if (auto* slot = find(s, line)) {
            ++st.hits;
            r.hit = true;
            if (write && !wt) (*slot)->dirty = true;
            use(s, line);
            return r;
        }
        ++st.misses;
        if (write && wt) return r;
        auto* slot = find(s, std::nullopt);  // a free way first
        if (!slot && g_.replacement == Replacement::PseudoLru) {
            unsigned lo = 0, hi = g_.ways;  // follow the ranges' pointers down to one way
            while (hi - lo > 1) (s.upper[{lo, hi}] ? lo : hi) = (lo + hi) / 2;
            slot = &s.slots[lo];
        } else if (!slot) {
            slot = find(s, s.order.front());
        }
        if (*slot) {
            r.victim_line = (*slot)->line * g_.line_bytes;
            r.evicted_dirty = (*slot)->dirty;
            st.writebacks += (*slot)->dirty ? 1 : 0;
            s.order.remove((*slot)->line);
        }
        *slot = Entry{line, write};
        use(s, line);
        r.filled = true;
        return r;
    }
    Cache::LineOp drop(uint64_t addr, bool keep) {  // invalidate (keep = false) or clean (keep = true)
        Set& s = set_of(addr);
        Cache::LineOp op;
        if (auto* slot = find(s, addr / g_.line_bytes)) {
            op.present = true;
            op.was_dirty = std::exchange((*slot)->dirty, false);
            if (!keep) s.order.remove((*slot)->line), slot->reset();
        }
        st.flushes += op.was_dirty ? 1 : 0;
        st.invalidations += op.present && !keep ? 1 : 0;
        return op;
    }
    bool present(uint64_t addr, bool* dirty) {
        const auto* slot = find(set_of(addr), addr / g_.line_bytes);
        *dirty = slot && (*slot)->dirty;
        return slot != nullptr;
    }
    using Lines = std::vector<std::pair<uint64_t, bool>>;  // (line address, dirty), ascending
    Lines present_in(uint64_t base, uint64_t len) const {  // lines overlapping [base, base + len)
        Lines out;
        for (const Set& s : sets_)
            for (const auto& slot : s.slots) {
                const uint64_t start = slot ? slot->line * g_.line_bytes : 0;
                if (slot && len > 0 && start + (g_.line_bytes - 1) >= base && (start < base || start - base < len))
                    out.emplace_back(start, slot->dirty);
            }
        std::sort(out.begin(), out.end());
        return out;
    }
    Cache::FlushResult flush_all() {
        Cache::FlushResult f;
        for (const Set& s : sets_)
            for (const auto& slot : s.slots) {
                f.valid_lines += slot ? 1 : 0;
                f.dirty_lines += slot && slot->dirty ? 1 : 0;
            }
        st.flushes += f.dirty_lines;
        st.invalidations += f.valid_lines;
        reset();
        return f;
    }
    CacheStats st;

private:
    struct Entry {
        uint64_t line;
        bool dirty;
    };
    struct Set {
        std::vector<std::optional<Entry>> slots;               // the ways
        std::list<uint64_t> order;                             // lines, least recently used first
        std::map<std::pair<unsigned, unsigned>, bool> upper;   // way range -> victim in its upper half
    };
    Set& set_of(uint64_t addr) { return sets_[addr / g_.line_bytes % nsets_]; }
    void reset() { sets_.assign(nsets_, Set{std::vector<std::optional<Entry>>(g_.ways), {}, {}}); }
    // The slot holding `line`, or the first free one for std::nullopt; nullptr if none.
    std::optional<Entry>* find(Set& s, std::optional<uint64_t> line) {
        for (auto& slot : s.slots)
            if (line ? slot && slot->line == *line : !slot) return &slot;
        return nullptr;
    }
    void use(Set& s, uint64_t line) {
        s.order.remove(line);
        s.order.push_back(line);
        const auto w = static_cast<unsigned>(find(s, line) - s.slots.data());
        unsigned lo = 0, hi = g_.ways;  // point every range holding w at its other half
        while (hi - lo > 1) {
            const unsigned mid = (lo + hi) / 2;
            s.upper[{lo, hi}] = w < mid;
            (w < mid ? hi : lo) = mid;
        }
    }
    CacheGeometry g_;
    uint64_t nsets_;
    std::vector<Set> sets_;
};

// Address streams of different locality, switching every few hundred accesses.
uint64_t next_address(Rng& rng, const CacheGeometry& g, int pattern, uint64_t& cursor) {
    const uint64_t base = 0x8000'0000, way_bytes = g.size_bytes / g.ways;
    switch (pattern) {
    case 0: return base + rng.next_u64() % (4 * g.size_bytes);                // random, 4x the cache
    case 1: return cursor += 8;                                               // streaming
    case 2: return cursor += g.line_bytes * (1 + rng.next_u64() % 5);         // strided
    case 3: return base + way_bytes * (rng.next_u64() % (2 * g.ways)) + 24;   // hot set (conflicts)
    case 4: return base + rng.next_u64() % (g.size_bytes / 2);                // fits: mostly hits
    default: return ~uint64_t{0} - rng.next_u64() % (2 * g.size_bytes);      // top of the address space
    }
}

// Every field of an answer: "h" hit, "m" miss that filled a free way, "m:<hex>"
// miss evicting that line, "*" a dirty victim, "m-" no allocation, ">" the
// write goes on to the next level.
std::string show(const CacheAccess& r) {
    std::ostringstream s;
    s << (r.hit ? "h" : "m") << (r.hit || r.filled ? "" : "-");
    if (r.victim_line) s << ":" << std::hex << r.victim_line;
    s << (r.evicted_dirty ? "*" : "") << (r.forward_write ? ">" : "");
    return s.str();
}

// Feeds one geometry a mixed trace (accesses, probes, recalls, cleans, rare
// flushes) and checks every answer and the final statistics against RefCache.
void compare_with_reference(const CacheGeometry& g, Rng& rng) {
    Cache c(g);
    RefCache ref(g);
    const uint64_t ops = std::max<uint64_t>(6000, 3 * g.size_bytes / g.line_bytes);
    int pattern = 0;
    uint64_t cursor = 0, prev = 0;
    for (uint64_t n = 0; n < ops; ++n) {
        if (n % 400 == 0) {
            pattern = static_cast<int>(rng.next_u64() % 6);
            cursor = 0x8000'0000 + rng.next_u64() % (8 * g.size_bytes);
        }
        uint64_t a = next_address(rng, g, pattern, cursor);
        const uint64_t kind = rng.next_u64() % 1000;
        if (kind < 20) {  // recall or clean, half of them of the line just used
            a = kind % 2 ? prev : a;
            const bool keep = kind < 8;
            const Cache::LineOp got = keep ? c.clean(a) : c.invalidate(a), want = ref.drop(a, keep);
            ASSERT_TRUE(got.present == want.present && got.was_dirty == want.was_dirty) << "op " << n;
        } else if (kind < 30) {
            bool d = false;
            ASSERT_EQ(c.contains(a), ref.present(a, &d)) << "op " << n;
            ASSERT_EQ(c.dirty(a), c.contains(a) && d) << "op " << n;
            // Short ranges walk the range, long ones the cache.
            const uint64_t len = rng.next_u64() % (kind < 25 ? 4 * g.line_bytes : 4 * g.size_bytes);
            RefCache::Lines seen;
            c.for_each_present(a, len, [&](uint64_t line, bool dirty) { seen.emplace_back(line, dirty); });
            std::sort(seen.begin(), seen.end());
            ASSERT_EQ(seen, ref.present_in(a, len)) << "op " << n << " range 0x" << std::hex << a << " + " << len;
        } else if (kind == 30 && n % 5 == 0) {
            const Cache::FlushResult f = c.flush_all(), fr = ref.flush_all();
            ASSERT_TRUE(f.valid_lines == fr.valid_lines && f.dirty_lines == fr.dirty_lines) << "op " << n;
        } else {
            const bool write = rng.next_u64() % 10 < 3;
            const CacheAccess got = c.access(a, write), want = ref.access(a, write);
            const auto key = [](const CacheAccess& r) {
                return std::make_tuple(r.hit, r.filled, r.evicted_dirty, r.victim_line, r.forward_write);
            };
            if (key(got) != key(want)) {  // formatting every answer would dominate the run time
                ASSERT_EQ(show(got), show(want)) << "op " << n << (write ? " write 0x" : " read 0x") << std::hex << a;
            }
            prev = a;
        }
    }
    const CacheStats& s = c.stats();
    EXPECT_EQ(counts(s), counts(ref.st));
    EXPECT_TRUE(s.hits > 0 && s.misses > 0 && s.invalidations > 0);
    if (g.write_policy == WritePolicy::WriteBack) {
        EXPECT_TRUE(s.writebacks > 0 && s.flushes > 0);
    }
}

TEST(CacheReference, RandomTracesMatchTheReferenceAccessByAccess) {
    Rng rng(0xCAC4E);
    for (uint64_t size : {1024u, 4096u, 16384u, 65536u})
        for (unsigned ways : {1u, 2u, 4u, 8u, 16u})
            for (unsigned line : {16u, 32u, 64u})
                for (auto repl : {Replacement::Lru, Replacement::PseudoLru})
                    for (auto wp : {WritePolicy::WriteBack, WritePolicy::WriteThrough}) {
                        SCOPED_TRACE(testing::Message() << size << " B, " << ways << "-way, " << line << " B lines, "
                                                        << to_string(repl) << ", " << to_string(wp));
                        compare_with_reference(geo(size, ways, line, repl, wp), rng);
                    }
    // Wide sets (the run-time way count path beyond 32 ways), up to fully associative.
    for (unsigned ways : {32u, 64u, 256u})
        for (auto repl : {Replacement::Lru, Replacement::PseudoLru})
            for (auto wp : {WritePolicy::WriteBack, WritePolicy::WriteThrough}) {
                SCOPED_TRACE(testing::Message() << ways << "-way, " << to_string(repl) << ", " << to_string(wp));
                compare_with_reference(geo(4096, ways, 16, repl, wp), rng);
            }
}

// ---- Hand-computed traces. Lines are 16 bytes; with one set every line conflicts.
constexpr uint64_t A = 0x1000, B = 0x1010, C = 0x1020, D = 0x1030, E = 0x1040, F = 0x1050, G = 0x1060;

std::string trace(Cache& c, const std::vector<uint64_t>& addrs, bool write = false) {
    std::string s;
    for (uint64_t a : addrs) s += show(c.access(a, write)) + " ";
    return s;
}

TEST(Cache, TwoWayTwoSetsLru) {
    Cache c(geo(64, 2, 16));  // set = bit 4 of the address
    EXPECT_EQ(c.geometry().sets(), 2u);
    // A, C, E map to set 0; B, D to set 1.
    EXPECT_EQ(trace(c, {A, C, A, E, C, B, D, B, A}), "m m h m:1020 m:1000 m m h m:1040 ");
    EXPECT_EQ(counts(c.stats()), (V{9, 2, 7, 0, 0, 0}));
}

TEST(Cache, FourWayLruAndPseudoLruDiffer) {
    Cache lru(geo(64, 4, 16, Replacement::Lru));
    Cache plru(geo(64, 4, 16, Replacement::PseudoLru));
    // After A B C D and a hit on A: LRU evicts B; the tree (root -> upper
    // half, node 2 -> way 2) evicts C, so B still hits under PLRU.
    EXPECT_EQ(trace(lru, {A, B, C, D, A, E, B, C}), "m m m m h m:1010 m:1020 m:1030 ");
    EXPECT_EQ(trace(plru, {A, B, C, D, A, E, B, C}), "m m m m h m:1020 h m:1030 ");
    // Free ways fill before anything is evicted: E takes way 1, F way 3, and the tree then points at way 0 (A).
    Cache p2(geo(64, 4, 16, Replacement::PseudoLru));
    trace(p2, {A, B, C, D});
    p2.invalidate(B);
    p2.invalidate(D);
    EXPECT_EQ(trace(p2, {E, F, G}), "m m m:1000 ");
}

TEST(Cache, DirtyVictimIsWrittenBack) {
    Cache c(geo(32, 1, 16));  // direct-mapped, 2 sets: A and C conflict
    EXPECT_EQ(trace(c, {A + 4}, true), "m ");
    EXPECT_TRUE(c.dirty(A));
    EXPECT_EQ(trace(c, {C, A}), "m:1000* m:1020 ");  // A written back; then C evicted clean
    EXPECT_FALSE(c.dirty(A));
    EXPECT_EQ(counts(c.stats()), (V{3, 0, 3, 1, 0, 0}));
    EXPECT_EQ(c.line_address(A + 15), A);
}

TEST(Cache, WriteThroughDoesNotAllocateAndStaysClean) {
    Cache c(geo(32, 1, 16, Replacement::Lru, WritePolicy::WriteThrough));
    EXPECT_EQ(trace(c, {A}, true), "m-> ");
    EXPECT_FALSE(c.contains(A));
    EXPECT_EQ(trace(c, {A}), "m ");
    EXPECT_EQ(trace(c, {A + 8}, true), "h> ");
    EXPECT_FALSE(c.dirty(A));
    EXPECT_EQ(trace(c, {C, C}), "m:1000 h ");  // a clean victim
    EXPECT_EQ(counts(c.stats()), (V{5, 2, 3, 0, 0, 0}));
}

TEST(Cache, InvalidateCleanAndFlushAll) {
    Cache c(geo(64, 4, 16));  // one set of 4 ways
    trace(c, {A, C}, true);
    trace(c, {B});
    auto op = [](Cache::LineOp o) { return std::to_string(o.present) + std::to_string(o.was_dirty); };
    EXPECT_EQ(op(c.clean(A)), "11");  // written back, stays valid and clean
    EXPECT_TRUE(c.contains(A) && !c.dirty(A));
    EXPECT_EQ(op(c.clean(A)), "10");
    EXPECT_EQ(op(c.invalidate(C)), "11");  // recalled
    EXPECT_FALSE(c.contains(C));
    EXPECT_EQ(op(c.invalidate(E)), "00");
    EXPECT_EQ(trace(c, {D}, true) + trace(c, {E}), "m m ");  // the two free ways, no eviction
    std::vector<uint64_t> dirty;
    const Cache::FlushResult f = c.flush_all(&dirty);
    EXPECT_EQ(f.valid_lines, 4u);
    EXPECT_EQ(f.dirty_lines, 1u);
    EXPECT_EQ(dirty, std::vector<uint64_t>{D});
    for (uint64_t a : {A, B, D, E}) EXPECT_FALSE(c.contains(a));
    // Flushes: clean(A), invalidate(C) and D by the flush; invalidations: C and 4 by the flush.
    EXPECT_EQ(counts(c.stats()), (V{5, 0, 5, 0, 3, 5}));
    c.reset_stats();
    EXPECT_EQ(counts(c.stats()), V(6, 0));
}

TEST(Cache, ForEachPresentWalksTheRangeOrTheCache) {
    Cache c(geo(256, 2, 16));  // 16 lines, 8 sets
    for (uint64_t a = 0x2000; a < 0x2000 + 6 * 16; a += 16) c.access(a, a == 0x2020);
    c.access(0x9000, true);
    std::vector<std::pair<uint64_t, bool>> seen;
    auto collect = [&](uint64_t line, bool dirty) { seen.emplace_back(line, dirty); };
    c.for_each_present(0x2015, 0x20, collect);  // bytes 0x2015..0x2034: lines 0x2010, 0x2020, 0x2030
    EXPECT_EQ(seen, (std::vector<std::pair<uint64_t, bool>>{{0x2010, false}, {0x2020, true}, {0x2030, false}}));
    seen.clear();
    c.for_each_present(0, uint64_t{1} << 40, collect);  // larger than the cache: walks the cache
    EXPECT_EQ(seen.size(), 7u);
    seen.clear();
    c.for_each_present(0x9000, 0, collect);
    c.for_each_present(0x9010, ~uint64_t{0}, collect);  // clipped at the top of the address space
    EXPECT_TRUE(seen.empty());
    c.for_each_present(0x9000, 1, collect);
    EXPECT_EQ(seen, (std::vector<std::pair<uint64_t, bool>>{{0x9000, true}}));
}

// ---- Config
std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "(no error)";
}

std::string geometry_error(const CacheGeometry& g) {
    return error_of([&] { g.validate("soc.json", "caches.l1d"); });
}

void expect_has(const std::string& msg, std::initializer_list<const char*> parts) {
    for (const char* p : parts) EXPECT_NE(msg.find(p), std::string::npos) << msg << "\n  lacks: " << p;
}

// size, ways, line, replacement, write policy, hit latency
std::vector<uint64_t> shape(const CacheGeometry& g) {
    return {g.size_bytes, g.ways, g.line_bytes, static_cast<uint64_t>(g.replacement),
            static_cast<uint64_t>(g.write_policy), g.hit_latency_cycles};
}
constexpr uint64_t kLru = 0, kPlru = 1, kWb = 0, kWt = 1;

TEST(CacheConfig, DefaultsValidate) {
    const CacheHierarchyConfig c = default_cache_hierarchy();
    EXPECT_NO_THROW(c.validate("default"));
    EXPECT_EQ(shape(c.l1i), (V{16384, 4, 16, kLru, kWb, 1}));
    EXPECT_EQ(shape(c.l1d), (V{32768, 8, 16, kLru, kWt, 1}));
    EXPECT_EQ(shape(c.l2), (V{32768, 4, 16, kLru, kWb, 8}));
    EXPECT_EQ(shape(c.llc), (V{262144, 16, 16, kLru, kWb, 10}));
    EXPECT_EQ(shape(c.acc_l2), shape(c.l2));
    EXPECT_TRUE(c.l1i.enabled && c.l1d.enabled && c.l2.enabled && c.llc.enabled && c.acc_l2.enabled);
    EXPECT_EQ((V{c.l2.sets(), c.llc.sets(), c.acc_l2.sets()}), (V{512, 1024, 512}));  // ESP counts sets
}

TEST(CacheConfig, BadGeometriesNameTheFieldAndTheAllowedValues) {
    expect_has(geometry_error(geo(3000, 4, 16)), {"soc.json: field 'caches.l1d.size_bytes' = 3000", "power of two"});
    expect_has(geometry_error(geo(4096, 3, 16)), {"'caches.l1d.ways' = 3", "power of two in [1, 256]"});
    expect_has(geometry_error(geo(4096, 0, 16)), {"'caches.l1d.ways' = 0", "power of two"});
    expect_has(geometry_error(geo(4096, 4, 24)), {"'caches.l1d.line_bytes' = 24", "power of two in [8, 4096]"});
    expect_has(geometry_error(geo(65536, 4, 8192)), {"'caches.l1d.line_bytes' = 8192", "[8, 4096]"});
    expect_has(geometry_error(geo(65536, 4, 4)), {"'caches.l1d.line_bytes' = 4", "[8, 4096]"});
    expect_has(geometry_error(geo(512, 16, 64)), {"'caches.l1d.ways' = 16", "must divide size_bytes = 512", "[1, 8]"});
    expect_has(geometry_error(geo(4096, 3, 16, Replacement::PseudoLru)), {"'caches.l1d.ways' = 3", "power of two"});
    CacheGeometry slow = geo(4096, 4, 16);
    slow.hit_latency_cycles = 1001;
    expect_has(geometry_error(slow), {"'caches.l1d.hit_latency_cycles' = 1001", "[0, 1000]"});
    CacheGeometry off = geo(3, 3, 3);
    off.enabled = false;
    EXPECT_EQ(geometry_error(off), "(no error)");  // a disabled level is not checked, and has no Cache
    EXPECT_THROW(Cache{off}, Error);
    EXPECT_THROW(Cache{geo(1000, 4, 16)}, ConfigError);
}

CacheHierarchyConfig parse(const std::string& json) {
    return parse_cache_hierarchy(parse_json_text(json, "soc.json"), "soc.json");
}

TEST(CacheConfig, ParsesOverridesAndKeepsDefaults) {
    const CacheHierarchyConfig c =
        parse(R"({"l1d": {"size_bytes": "0x4000", "ways": 4, "replacement": "plru", "write_policy": "write_back",
                 "line_bytes": 32}, "l2": {"line_bytes": 64, "hit_latency_cycles": 12},
                 "llc": {"enabled": true, "line_bytes": 64}, "acc_l2": {"ways": 8, "hit_latency_cycles": 6},
                 "flush_cycles_per_line": 3})");
    EXPECT_EQ(shape(c.l1d), (V{16384, 4, 32, kPlru, kWb, 1}));
    EXPECT_EQ(shape(c.l2), (V{32768, 4, 64, kLru, kWb, 12}));
    EXPECT_EQ(shape(c.l1i), shape(default_cache_hierarchy().l1i));
    EXPECT_EQ(shape(c.acc_l2), (V{32768, 8, 16, kLru, kWb, 6}));
    EXPECT_EQ(c.flush_cycles_per_line, 3u);
    // The JsonReader overload, as a SoC config reader would call it.
    const auto root = parse_json_text(R"({"caches": {"llc": {"ways": 8}}})", "soc.json");
    EXPECT_EQ(parse_cache_hierarchy(JsonReader(root, "soc.json").child("caches")).llc.ways, 8u);
    EXPECT_EQ(parse("{}").llc.ways, 16u);
}

TEST(CacheConfig, ParseErrorsNameTheField) {
    auto msg = [](const std::string& json) { return error_of([&] { parse(json); }); };
    auto has = [](const std::string& m, const char* a, const char* b) { expect_has(m, {a, b}); };
    has(msg(R"({"l1d": {"replacement": "fifo"}})"), "'caches.l1d.replacement' = \"fifo\"", "lru, plru");
    has(msg(R"({"l2": {"write_policy": "wb"}})"), "'caches.l2.write_policy'", "write_back, write_through");
    has(msg(R"({"l1d": {"wayz": 4}})"), "unknown field 'caches.l1d.wayz'", "ways");
    has(msg(R"({"l3": {}})"), "unknown field 'caches.l3'", "llc");
    has(msg(R"({"acc_l2": {"ways": 3}})"), "'caches.acc_l2.ways' = 3", "power of two");
    has(msg(R"({"store_buffer_entries": 0})"), "'caches.store_buffer_entries'", "[1, 64]");
    has(msg(R"({"llc": {"ways": 6}})"), "'caches.llc.ways' = 6", "power of two");
    has(msg(R"({"l1i": {"ways": -1}})"), "'caches.l1i.ways' = -1", "out of range");
    has(msg(R"({"l1d": {"line_bytes": 32}})"), "'caches.l1d.line_bytes' = 32", "must not shrink going outward");
    has(msg(R"({"l2": {"enabled": false}, "l1d": {"line_bytes": 32}})"), "larger than 'caches.llc.line_bytes'",
        "l1 <= l2 <= llc");
    has(msg(R"({"flush_cycles_per_line": 5000})"), "'caches.flush_cycles_per_line' = 5000", "[0, 1000]");
    has(msg(R"({"l1d": 5})"), "'caches.l1d'", "object");
}

// Settings the timing model has no path for are refused, naming the field,
// instead of being accepted and ignored (docs/memory-hierarchy.md, "Every field").
TEST(CacheConfig, FieldsWithoutEffectAreRefused) {
    auto msg = [](const std::string& json) { return error_of([&] { parse(json); }); };
    auto has = [](const std::string& m, const char* a, const char* b) { expect_has(m, {a, b}); };
    has(msg(R"({"l1i": {"write_policy": "write_through"}})"), "'caches.l1i.write_policy' = write_through",
        "never written");
    has(msg(R"({"acc_l2": {"write_policy": "write_through"}})"), "'caches.acc_l2.write_policy' = write_through",
        "write-back");
    // The store buffer sits behind a write-through L1 D$ only.
    has(msg(R"({"l1d": {"write_policy": "write_back"}, "store_buffer_entries": 4})"),
        "'caches.store_buffer_entries' = 4", "write-back L1 D$");
    EXPECT_EQ(parse(R"({"l1d": {"write_policy": "write_through"}, "store_buffer_entries": 4})").store_buffer_entries, 4u);
    EXPECT_EQ(parse(R"({"l1d": {"enabled": false}, "store_buffer_entries": 4})").store_buffer_entries, 4u);
    EXPECT_NO_THROW(parse(R"({"l1d": {"write_policy": "write_back"}, "store_buffer_entries": 8})"));
    // A disabled level takes no geometry; no cache model takes no level.
    has(msg(R"({"l2": {"enabled": false, "size_bytes": 65536}})"), "'caches.l2.size_bytes'",
        "'caches.l2.enabled' is false");
    has(msg(R"({"llc": {"enabled": false, "hit_latency_cycles": 3}})"), "'caches.llc.hit_latency_cycles'",
        "not modelled");
    has(msg(R"({"enabled": false, "l1d": {"ways": 4}})"), "'caches.l1d' has no effect", "'caches.enabled' is false");
    has(msg(R"({"enabled": false, "flush_cycles_per_line": 2})"), "'caches.flush_cycles_per_line'",
        "no cache is modelled");
    EXPECT_FALSE(parse(R"({"enabled": false})").enabled);
    EXPECT_FALSE(parse(R"({"l2": {"enabled": false}})").l2.enabled);
    // A code-built config gets the same refusals.
    CacheHierarchyConfig c = default_cache_hierarchy();
    c.l1i.write_policy = WritePolicy::WriteThrough;
    EXPECT_THROW(c.validate("code"), ConfigError);
}

}  // namespace
}  // namespace edgebert::hw
