// CpuCaches, randomized: the ISS's filters (the per-set MRU tables for
// fetches and loads, the single-line store filter) never skip an access that
// would change state or cost, and an independent list-based LRU model of the
// L1s and the L2 gives the same hits, misses and writebacks.
#include <gtest/gtest.h>

#include <cstdint>
#include <list>
#include <optional>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "common/rng.hpp"
#include "hw/iss/memory_timing.hpp"
#include "hw/mem/cache.hpp"
#include "hw/mem/cache_config.hpp"
#include "hw/mem/cpu_caches.hpp"
#include "tests/unit/mem/cpu_caches_rig.hpp"

namespace edgebert::hw {
namespace {

using namespace test_cpu_caches;

// ---- the ISS's filters are exact ------------------------------------------------------------

// Drives a CpuCaches as the ISS does (iss.hpp: memory_access): a fetch or
// load whose line is its set's MRU in the table, or an access that matches the
// single-line filter of its kind, is counted and skipped; every other access
// calls the model and applies the result's clear / set bits. The core's time
// advances one cycle per access plus the stalls.
class FilteringDriver {
public:
    explicit FilteringDriver(CpuCaches& c) : c_(c), shift_(c.filter_line_shift()) {
        for (int k = 0; k < 2; ++k) mru_[k] = c.mru_table(k);
        reset_filters();
    }
    void reset_filters() { filter_[0] = filter_[1] = filter_[2] = ~0ull; }
    void access(int kind, uint64_t addr) {
        if (kind < 2 && mru_[kind].lines) {
            const uint64_t line = addr >> mru_[kind].shift;
            if (mru_[kind].lines[line & mru_[kind].set_mask] == line) return skip(kind);
        } else if ((addr >> shift_) == filter_[kind]) {
            return skip(kind);
        }
        const iss::MemoryTimingResult r = call(c_, kind, addr, now);
        const uint64_t line = addr >> shift_;
        for (int k = 0; k < 3; ++k) {
            if (r.clear & (1u << k)) filter_[k] = ~0ull;
            if (r.set & (1u << k)) filter_[k] = line;
        }
        now += 1 + r.stall;
        stall += r.stall;
    }
    static iss::MemoryTimingResult call(CpuCaches& c, int kind, uint64_t addr, uint64_t now) {
        return kind == 0 ? c.fetch(addr, now) : kind == 1 ? c.load(addr, now) : c.store(addr, now);
    }

    uint64_t now = 0, stall = 0;
    uint64_t skipped[3] = {0, 0, 0};

private:
    void skip(int kind) {
        ++skipped[kind];
        now += 1;
    }
    CpuCaches& c_;
    unsigned shift_;
    iss::MemoryTiming::MruTable mru_[2];
    uint64_t filter_[3];
};

// Calls the model for every access.
struct DirectDriver {
    CpuCaches& c;
    uint64_t now = 0, stall = 0;
    void access(int kind, uint64_t addr) {
        const iss::MemoryTimingResult r = FilteringDriver::call(c, kind, addr, now);
        now += 1 + r.stall;
        stall += r.stall;
    }
};

// A program-like trace: sequential fetches with jumps back to a hot loop or to
// a new one anywhere in 24 KiB of code; after half of the instructions a load
// or a store to a small stack, a streamed 48 KiB array or a 512 KiB region.
struct TraceAccess {
    int kind;  // 0 fetch, 1 load, 2 store
    uint64_t addr;
};

std::vector<TraceAccess> program_trace(uint64_t seed, size_t instructions) {
    Rng rng(seed);
    std::vector<TraceAccess> t;
    t.reserve(instructions * 3 / 2);
    constexpr uint64_t kCode = 0x8000'0000, kStack = 0x8100'0000, kArray = 0x8200'0000, kHeap = 0x8400'0000;
    uint64_t pc = kCode, loop = kCode, stream = 0;
    for (size_t i = 0; i < instructions; ++i) {
        t.push_back({0, pc});
        const double j = rng.uniform();
        if (j < 0.06) pc = loop;                                                 // loop back
        else if (j < 0.07) pc = loop = kCode + (rng.next_u64() % (24 * 1024) & ~uint64_t{3});  // new loop
        else pc += 4;
        const double d = rng.uniform();
        if (d < 0.5) continue;
        const int kind = d < 0.82 ? 1 : 2;
        const double w = rng.uniform();
        uint64_t addr;
        if (w < 0.55) addr = kStack + (rng.next_u64() % 96) * 8;
        else if (w < 0.85) addr = kArray + ((stream += 8) % (48 * 1024));
        else addr = kHeap + (rng.next_u64() % (512 * 1024) & ~uint64_t{7});
        t.push_back({kind, addr});
    }
    return t;
}

struct FilterCase {
    std::string name;
    CacheHierarchyConfig cfg;
};

std::vector<FilterCase> filter_cases() {
    std::vector<FilterCase> v;
    {
        CacheHierarchyConfig c = default_cache_hierarchy();
        c.store_buffer_entries = 8;
        v.push_back({"Defaults", c});
    }
    {
        CacheHierarchyConfig c = small_hierarchy();
        c.l1i = level(1024, 2, 16, 1);
        c.l1d = level(2048, 4, 16, 2, WritePolicy::WriteThrough);
        c.l2 = level(8192, 4, 16, 8);
        v.push_back({"SmallWriteThroughLru", c});
    }
    {
        CacheHierarchyConfig c = small_hierarchy();
        c.l1i = level(1024, 4, 16, 1, WritePolicy::WriteBack, Replacement::PseudoLru);
        c.l1d = level(2048, 4, 16, 3, WritePolicy::WriteBack, Replacement::PseudoLru);
        c.l2 = level(8192, 8, 16, 9, WritePolicy::WriteBack, Replacement::PseudoLru);
        v.push_back({"WriteBackL1dPlru", c});
    }
    {
        // Lines grow outward (filter granularity 16 B, L1 D$ lines 32 B, L2 64 B).
        CacheHierarchyConfig c = small_hierarchy();
        c.l1i = level(1024, 2, 16, 1);
        c.l1d = level(2048, 2, 32, 2, WritePolicy::WriteThrough, Replacement::PseudoLru);
        c.l2 = level(8192, 4, 64, 8, WritePolicy::WriteBack);
        c.llc = level(65536, 8, 64, 10);
        c.acc_l2 = level(8192, 4, 64, 8);
        v.push_back({"GrowingLinesWriteThroughPlru", c});
    }
    {
        CacheHierarchyConfig c = small_hierarchy(WritePolicy::WriteBack);
        c.l1d = level(1024, 1, 32, 2, WritePolicy::WriteBack);  // direct mapped
        c.l2 = level(4096, 2, 32, 8, WritePolicy::WriteThrough);
        c.llc = level(65536, 8, 32, 10);
        c.acc_l2 = level(4096, 2, 32, 8);
        v.push_back({"DirectMappedWriteBackL1dWriteThroughL2", c});
    }
    {
        CacheHierarchyConfig c = small_hierarchy();
        c.l1d.enabled = false;  // loads and stores straight into the L2
        c.l1i = level(1024, 2, 16, 1);
        v.push_back({"NoL1d", c});
    }
    {
        CacheHierarchyConfig c = small_hierarchy();
        c.l2.enabled = false;  // the L1s miss to the backside
        v.push_back({"NoL2", c});
    }
    for (FilterCase& f : v) {
        // A write-back L1 D$ has no store buffer: its size stays the default.
        if (f.cfg.l1d.write_policy == WritePolicy::WriteBack)
            f.cfg.store_buffer_entries = CacheHierarchyConfig::kDefaultStoreBufferEntries;
        f.cfg.validate(f.name);
    }
    return v;
}

void PrintTo(const FilterCase& c, std::ostream* os) { *os << c.name; }

class CpuCachesFilters : public ::testing::TestWithParam<FilterCase> {};

// Both drivers over the same trace; every 7919 accesses a DMA-like event
// (recall for read or write, mark_stale, flush) hits both models, after which
// the filtering driver forgets its single-line filters as the platform does.
TEST_P(CpuCachesFilters, SkipNoAccessThatWouldChangeStateOrCost) {
    const CacheHierarchyConfig& cfg = GetParam().cfg;
    FakeBackside mem_a, mem_b;
    CpuCaches a(cfg), b(cfg);
    a.set_backside(&mem_a);
    b.set_backside(&mem_b);
    DirectDriver direct{a};
    FilteringDriver filtered(b);

    const std::vector<TraceAccess> trace = program_trace(0xF117E5 + GetParam().name.size(), 140'000);
    Rng ev(7);
    uint64_t flush_cycles_a = 0, flush_cycles_b = 0;
    for (size_t i = 0; i < trace.size(); ++i) {
        direct.access(trace[i].kind, trace[i].addr);
        filtered.access(trace[i].kind, trace[i].addr);
        if (i % 7919 != 7918) continue;
        const uint64_t base = (trace[i].addr & ~uint64_t{0xff}) - 0x100;
        const uint64_t len = 0x40 + (ev.next_u64() % 0x400);
        switch (ev.next_u64() % 4) {
            case 0: {
                const auto ra = a.recall(base, len, false), rb = b.recall(base, len, false);
                ASSERT_EQ(std::tie(ra.lines, ra.dirty_lines), std::tie(rb.lines, rb.dirty_lines));
                break;
            }
            case 1: {
                const auto ra = a.recall(base, len, true), rb = b.recall(base, len, true);
                ASSERT_EQ(std::tie(ra.lines, ra.dirty_lines), std::tie(rb.lines, rb.dirty_lines));
                break;
            }
            case 2:
                a.mark_stale(base, len);
                b.mark_stale(base, len);
                break;
            case 3:
                flush_cycles_a += a.flush(direct.now).cycles;
                flush_cycles_b += b.flush(filtered.now).cycles;
                break;
        }
        filtered.reset_filters();
    }

    EXPECT_GT(filtered.skipped[0] + filtered.skipped[1] + filtered.skipped[2], trace.size() / 3)
        << "the filters should skip most accesses of this trace";
    EXPECT_EQ(direct.stall, filtered.stall);
    EXPECT_EQ(direct.now, filtered.now);
    EXPECT_EQ(flush_cycles_a, flush_cycles_b);
    EXPECT_EQ(a.store_buffer_full_stalls(), b.store_buffer_full_stalls());
    EXPECT_EQ(a.stale_reads(), b.stale_reads());
    EXPECT_TRUE(mem_a.calls == mem_b.calls) << mem_a.calls.size() << " backside calls against " << mem_b.calls.size();

    // The skipped accesses are the hits the filtered model never saw.
    const uint64_t skipped[3] = {filtered.skipped[0], filtered.skipped[1] + filtered.skipped[2], 0};
    const Cache* la[3] = {a.l1i(), a.l1d(), a.l2()};
    const Cache* lb[3] = {b.l1i(), b.l1d(), b.l2()};
    const char* names[3] = {"l1i", "l1d", "l2"};
    for (int l = 0; l < 3; ++l) {
        SCOPED_TRACE(names[l]);
        ASSERT_EQ(la[l] == nullptr, lb[l] == nullptr);
        if (!la[l]) {
            if (l < 2) {
                EXPECT_EQ(skipped[l], 0u);
            }
            continue;
        }
        const CacheStats& x = la[l]->stats();
        const CacheStats& y = lb[l]->stats();
        EXPECT_EQ(x.accesses, y.accesses + skipped[l]);
        EXPECT_EQ(x.hits, y.hits + skipped[l]);
        EXPECT_EQ(x.misses, y.misses);
        EXPECT_EQ(x.writebacks, y.writebacks);
        EXPECT_EQ(x.flushes, y.flushes);
        EXPECT_EQ(x.invalidations, y.invalidations);
    }
}

INSTANTIATE_TEST_SUITE_P(Geometries, CpuCachesFilters, ::testing::ValuesIn(filter_cases()),
                         [](const ::testing::TestParamInfo<FilterCase>& i) { return i.param.name; });

// ---- an independent reference model --------------------------------------------------------

// One cache level as a std::list per set in use order (front: most recent),
// entries (line number, dirty). Division and modulo, no masks.
class RefLevel {
public:
    explicit RefLevel(const CacheGeometry& g)
        : line_bytes_(g.line_bytes), ways_(g.ways), sets_(g.size_bytes / g.line_bytes / g.ways),
          write_back_(g.write_policy == WritePolicy::WriteBack), set_(sets_) {}

    struct Outcome {
        bool hit = false;
        std::optional<uint64_t> dirty_victim;  // byte address
    };
    // A read, or a write (write-back: allocate and dirty; write-through: update a hit only).
    Outcome access(uint64_t addr, bool write) {
        Outcome o;
        const uint64_t line = addr / line_bytes_;
        auto& s = set_[line % sets_];
        for (auto it = s.begin(); it != s.end(); ++it) {
            if (it->first != line) continue;
            o.hit = true;
            ++hits;
            if (write && write_back_) it->second = true;
            s.splice(s.begin(), s, it);
            return o;
        }
        ++misses;
        if (write && !write_back_) return o;
        if (s.size() == ways_) {
            if (s.back().second) {
                o.dirty_victim = s.back().first * line_bytes_;
                ++writebacks;
            }
            s.pop_back();
        }
        s.emplace_front(line, write);
        return o;
    }
    unsigned line_bytes() const { return line_bytes_; }

    uint64_t hits = 0, misses = 0, writebacks = 0;

private:
    unsigned line_bytes_;
    size_t ways_;
    uint64_t sets_;
    bool write_back_;
    std::vector<std::list<std::pair<uint64_t, bool>>> set_;
};

// The CPU tile's hierarchy as the header describes it, without timing:
//   fetch / load: the L1; on a miss (a write-back L1 D$ first writes its
//     dirty victim into the L2) a read of the L2.
//   store, write-back L1 D$: as a load miss (read for ownership) into a dirty line.
//   store, write-through L1 D$: the L1 is updated on a hit; the store then
//     writes the L2, unless it merges into the youngest store, which it does
//     when it is to the same 16 B line with no other L2 access in between.
class RefHierarchy {
public:
    explicit RefHierarchy(const CacheHierarchyConfig& c)
        : l1i(c.l1i), l1d(c.l1d), l2(c.l2), wt_(c.l1d.write_policy == WritePolicy::WriteThrough) {}

    void fetch(uint64_t addr) {
        if (!l1i.access(addr, false).hit) l2_access(addr, false);
    }
    void load(uint64_t addr) { l1_data(addr, false); }
    void store(uint64_t addr) {
        if (!wt_) return l1_data(addr, true);
        l1d.access(addr, true);
        const uint64_t granule = addr / 16;
        if (youngest_store_ == granule) return;  // merged
        l2.access(addr, true);
        youngest_store_ = granule;
    }

    RefLevel l1i, l1d, l2;

private:
    void l1_data(uint64_t addr, bool write) {
        const RefLevel::Outcome o = l1d.access(addr, write);
        if (o.hit) return;
        if (o.dirty_victim) l2_access(*o.dirty_victim, true);
        l2_access(addr, false);
    }
    void l2_access(uint64_t addr, bool write) {
        youngest_store_.reset();
        l2.access(addr, write);
    }
    bool wt_;
    std::optional<uint64_t> youngest_store_;
};

struct RefCase {
    std::string name;
    CacheHierarchyConfig cfg;
};

std::vector<RefCase> ref_cases() {
    std::vector<RefCase> v;
    v.push_back({"Defaults", default_cache_hierarchy()});
    {
        CacheHierarchyConfig c = small_hierarchy();
        c.l1i = level(512, 2, 16, 1);
        c.l1d = level(1024, 4, 16, 2, WritePolicy::WriteThrough);
        c.l2 = level(4096, 4, 32, 8);
        c.llc = level(65536, 8, 32, 10);
        c.acc_l2 = level(4096, 4, 32, 8);
        v.push_back({"WriteThroughL1dWideL2Lines", c});
    }
    {
        CacheHierarchyConfig c = small_hierarchy();
        c.l1i = level(512, 2, 16, 1);
        c.l1d = level(1024, 2, 16, 2, WritePolicy::WriteBack);
        c.l2 = level(4096, 8, 16, 8);
        c.store_buffer_entries = CacheHierarchyConfig::kDefaultStoreBufferEntries;  // none behind a write-back L1 D$
        v.push_back({"WriteBackL1d", c});
    }
    for (RefCase& r : v) r.cfg.validate(r.name);
    return v;
}

void PrintTo(const RefCase& c, std::ostream* os) { *os << c.name; }

class CpuCachesReference : public ::testing::TestWithParam<RefCase> {};

TEST_P(CpuCachesReference, HitsMissesAndWritebacksOfEveryLevelMatchAListLruModel) {
    const CacheHierarchyConfig& cfg = GetParam().cfg;
    FakeBackside mem;
    CpuCaches model(cfg);
    model.set_backside(&mem);
    RefHierarchy ref(cfg);
    uint64_t now = 0;
    for (const TraceAccess& a : program_trace(0xACE + GetParam().name.size(), 80'000)) {
        const iss::MemoryTimingResult r = FilteringDriver::call(model, a.kind, a.addr, now);
        now += 1 + r.stall;
        if (a.kind == 0) ref.fetch(a.addr);
        else if (a.kind == 1) ref.load(a.addr);
        else ref.store(a.addr);
    }
    const std::pair<const Cache*, const RefLevel*> levels[] = {
        {model.l1i(), &ref.l1i}, {model.l1d(), &ref.l1d}, {model.l2(), &ref.l2}};
    const char* names[] = {"l1i", "l1d", "l2"};
    for (int l = 0; l < 3; ++l) {
        SCOPED_TRACE(names[l]);
        const CacheStats& s = levels[l].first->stats();
        EXPECT_EQ(s.hits, levels[l].second->hits);
        EXPECT_EQ(s.misses, levels[l].second->misses);
        EXPECT_EQ(s.writebacks, levels[l].second->writebacks);
    }
    EXPECT_GT(ref.l2.misses, 1000u) << "the trace should exercise the L2";
    EXPECT_EQ(mem.count('W'), ref.l2.writebacks);  // a write-back L2: its victims are all the backside sees
}

INSTANTIATE_TEST_SUITE_P(Geometries, CpuCachesReference, ::testing::ValuesIn(ref_cases()),
                         [](const ::testing::TestParamInfo<RefCase>& i) { return i.param.name; });

}  // namespace
}  // namespace edgebert::hw
