// CpuCaches: the CPU tile's L1 I$ / L1 D$ / L2 timing model.
//
// Hand-computed traces against a fake memory tile (fills answer in 50 cycles,
// writebacks are acknowledged in 30): exact stalls and filter bits of load,
// fetch and store misses, the write-through store buffer (merging, the stall
// of a full buffer), the write-back L1 D$ (write-allocate, read for ownership,
// dirty victims into the L2), L2 victims to the backside, flush, recall,
// holds / holds_dirty and the stale-read observer.
//
// Then two randomized checks: the ISS's filters (the per-set MRU tables for
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

namespace edgebert::hw {
namespace {

using iss::kFilterFetch;
using iss::kFilterLoad;
using iss::kFilterStore;

constexpr uint64_t kFillCycles = 50;
constexpr uint64_t kWritebackCycles = 30;

// The memory tile as the L2 sees it: records every call, answers in fixed time.
struct FakeBackside : CpuCaches::Backside {
    struct Call {
        char kind;  // 'F' fill, 'W' writeback
        uint64_t line;
        unsigned bytes;
        uint64_t now;
        bool operator==(const Call& o) const {
            return kind == o.kind && line == o.line && bytes == o.bytes && now == o.now;
        }
    };
    std::vector<Call> calls;

    uint64_t fill(uint64_t line, unsigned bytes, uint64_t now) override {
        calls.push_back({'F', line, bytes, now});
        return kFillCycles;
    }
    uint64_t writeback(uint64_t line, unsigned bytes, uint64_t now) override {
        calls.push_back({'W', line, bytes, now});
        return kWritebackCycles;
    }
    size_t count(char kind) const {
        size_t n = 0;
        for (const Call& c : calls) n += c.kind == kind;
        return n;
    }
};

void PrintTo(const FakeBackside::Call& c, std::ostream* os) {
    *os << c.kind << "(0x" << std::hex << c.line << std::dec << ", " << c.bytes << " B, @" << c.now << ")";
}

CacheGeometry level(uint64_t size, unsigned ways, unsigned line, unsigned hit,
                    WritePolicy w = WritePolicy::WriteBack, Replacement r = Replacement::Lru) {
    CacheGeometry g;
    g.size_bytes = size;
    g.ways = ways;
    g.line_bytes = line;
    g.hit_latency_cycles = hit;
    g.write_policy = w;
    g.replacement = r;
    return g;
}

// The hand traces' hierarchy, all lines 16 B:
//   L1 I$ 256 B 2-way  (8 sets, a set every 128 B), hit latency 1
//   L1 D$ 256 B 2-way  (8 sets, a set every 128 B), hit latency 2
//   L2    1 KiB 4-way  (16 sets, a set every 256 B), hit latency 8, write-back
//   store buffer of 2 entries, flush walk 3 cycles per line.
constexpr unsigned kL1iHit = 1, kL1dHit = 2, kL2Hit = 8;
constexpr unsigned kFlushPerLine = 3;

CacheHierarchyConfig small_hierarchy(WritePolicy l1d_policy = WritePolicy::WriteThrough) {
    CacheHierarchyConfig c;
    c.l1i = level(256, 2, 16, kL1iHit);
    c.l1d = level(256, 2, 16, kL1dHit, l1d_policy);
    c.l2 = level(1024, 4, 16, kL2Hit);
    c.llc = level(4096, 4, 16, 10);
    c.acc_l2 = level(1024, 4, 16, 8);
    c.store_buffer_entries = 2;
    c.flush_cycles_per_line = kFlushPerLine;
    c.validate("test");
    return c;
}

// A CpuCaches on the small hierarchy with the fake backside attached.
struct Rig {
    FakeBackside mem;
    CpuCaches caches;
    explicit Rig(WritePolicy l1d_policy = WritePolicy::WriteThrough)
        : caches(small_hierarchy(l1d_policy), small_hierarchy(l1d_policy).store_buffer_entries) {
        caches.set_backside(&mem);
    }
    const CacheStats& l1d() const { return caches.l1d()->stats(); }
    const CacheStats& l2() const { return caches.l2()->stats(); }
    // The load MRU table's entry for the set of `addr`.
    uint64_t load_mru_entry(uint64_t addr) const {
        const iss::MemoryTiming::MruTable t = caches.mru_table(1);
        return t.lines[(addr >> t.shift) & t.set_mask];
    }
};

using Call = FakeBackside::Call;
constexpr uint64_t kA = 0x1000;            // L1 set 0, L2 set 0
constexpr uint64_t kL1SetStride = 128;     // next line in the same L1 set
constexpr uint64_t kL2SetStride = 256;     // next line in the same L2 set
constexpr uint64_t kNone = ~uint64_t{0};

// ---- loads --------------------------------------------------------------------------------

TEST(CpuCachesLoad, MissInEveryLevelCostsL1dLookupPlusL2LookupPlusFill) {
    Rig rig;
    const iss::MemoryTimingResult r = rig.caches.load(kA + 4, 100);
    EXPECT_EQ(r.stall, kL1dHit + kL2Hit + kFillCycles);  // 60
    EXPECT_EQ(r.set, kFilterLoad);
    EXPECT_EQ(r.clear, kFilterStore);
    // The L2 asks for its line once its own lookup is done.
    EXPECT_EQ(rig.mem.calls, (std::vector<Call>{{'F', kA, 16, 100 + kL1dHit + kL2Hit}}));
    EXPECT_TRUE(rig.caches.l1d()->contains(kA));
    EXPECT_TRUE(rig.caches.l2()->contains(kA));
}

TEST(CpuCachesLoad, HitInL1dIsFreeAndTouchesNothingBeyond) {
    Rig rig;
    rig.caches.load(kA, 0);
    const iss::MemoryTimingResult r = rig.caches.load(kA + 8, 100);
    EXPECT_EQ(r.stall, 0u);
    EXPECT_EQ(r.set, kFilterLoad);
    EXPECT_EQ(r.clear, kFilterStore);
    EXPECT_EQ(rig.l1d().hits, 1u);
    EXPECT_EQ(rig.l2().accesses, 1u);
    EXPECT_EQ(rig.mem.calls.size(), 1u);
}

TEST(CpuCachesLoad, MissThatHitsInL2CostsBothLookupsOnly) {
    Rig rig;
    // Three lines of one L1 D$ set (2 ways): the first is evicted, the L2 keeps all three.
    for (uint64_t i = 0; i < 3; ++i) rig.caches.load(kA + i * kL1SetStride, 0);
    ASSERT_FALSE(rig.caches.l1d()->contains(kA));
    ASSERT_TRUE(rig.caches.l2()->contains(kA));
    const iss::MemoryTimingResult r = rig.caches.load(kA, 1000);
    EXPECT_EQ(r.stall, kL1dHit + kL2Hit);  // 10
    EXPECT_EQ(rig.mem.count('F'), 3u);      // no fill for the fourth load
}

TEST(CpuCachesLoad, LoadMissUpdatesTheLoadMruTable) {
    Rig rig;
    EXPECT_EQ(rig.load_mru_entry(kA), kNone);
    rig.caches.load(kA, 0);
    EXPECT_EQ(rig.load_mru_entry(kA), kA >> 4);
    rig.caches.load(kA + kL1SetStride, 0);
    EXPECT_EQ(rig.load_mru_entry(kA), (kA + kL1SetStride) >> 4);
}

// ---- fetches ------------------------------------------------------------------------------

TEST(CpuCachesFetch, MissInEveryLevelCostsL1iLookupPlusL2LookupPlusFill) {
    Rig rig;
    const iss::MemoryTimingResult r = rig.caches.fetch(0x2000, 40);
    EXPECT_EQ(r.stall, kL1iHit + kL2Hit + kFillCycles);  // 59
    EXPECT_EQ(r.set, kFilterFetch);
    EXPECT_EQ(r.clear, kFilterStore);  // the L2 saw the miss
    EXPECT_EQ(rig.mem.calls, (std::vector<Call>{{'F', 0x2000, 16, 40 + kL1iHit + kL2Hit}}));
    EXPECT_FALSE(rig.caches.l1d()->contains(0x2000));
}

TEST(CpuCachesFetch, HitInL1iIsFreeAndKeepsTheStoreFilter) {
    Rig rig;
    rig.caches.fetch(0x2000, 0);
    const iss::MemoryTimingResult r = rig.caches.fetch(0x2004, 100);
    EXPECT_EQ(r.stall, 0u);
    EXPECT_EQ(r.set, kFilterFetch);
    EXPECT_EQ(r.clear, 0u);
}

TEST(CpuCachesFetch, MissOfALineTheL2HoldsCostsBothLookupsOnly) {
    Rig rig;
    rig.caches.load(0x3000, 0);  // brings the line into the L2
    const iss::MemoryTimingResult r = rig.caches.fetch(0x3000, 100);
    EXPECT_EQ(r.stall, kL1iHit + kL2Hit);  // 9
    EXPECT_EQ(rig.mem.count('F'), 1u);
}

// ---- stores, write-through L1 D$ (store buffer of 2) -------------------------------------------

TEST(CpuCachesWriteThroughStore, MissEntersTheStoreBufferWithoutStallOrAllocation) {
    Rig rig;
    const iss::MemoryTimingResult r = rig.caches.store(kA, 100);
    EXPECT_EQ(r.stall, 0u);
    EXPECT_EQ(r.clear, kFilterLoad | kFilterStore);
    EXPECT_EQ(r.set, 0u);  // an L1 miss: a repeat would still go to the buffer
    EXPECT_FALSE(rig.caches.l1d()->contains(kA));  // no-write-allocate
    // The write-allocate L2 reads the line before the partial write, after its lookup.
    EXPECT_TRUE(rig.caches.l2()->dirty(kA));
    EXPECT_EQ(rig.mem.calls, (std::vector<Call>{{'F', kA, 16, 100 + kL2Hit}}));
}

TEST(CpuCachesWriteThroughStore, HitUpdatesTheL1dWhichStaysCleanAndSetsBothDataFilters) {
    Rig rig;
    rig.caches.load(kA, 0);
    const iss::MemoryTimingResult r = rig.caches.store(kA, 1000);
    EXPECT_EQ(r.stall, 0u);
    EXPECT_EQ(r.set, kFilterLoad | kFilterStore);
    EXPECT_EQ(rig.l1d().hits, 1u);
    EXPECT_FALSE(rig.caches.l1d()->dirty(kA));
    EXPECT_TRUE(rig.caches.l2()->dirty(kA));
}

TEST(CpuCachesWriteThroughStore, StoreToTheLineOfTheYoungestEntryMerges) {
    Rig rig;
    rig.caches.store(kA, 100);
    const iss::MemoryTimingResult r = rig.caches.store(kA + 8, 101);
    EXPECT_EQ(r.stall, 0u);
    EXPECT_EQ(rig.l2().accesses, 1u);  // the second store never reached the L2
    EXPECT_EQ(rig.mem.calls.size(), 1u);
}

TEST(CpuCachesWriteThroughStore, MergingIsOnlyIntoTheYoungestEntry) {
    Rig rig;
    rig.caches.store(kA, 100);
    rig.caches.store(kA + 0x10, 101);
    rig.caches.store(kA, 102);  // the youngest entry is kA + 0x10's
    EXPECT_EQ(rig.l2().accesses, 3u);
}

TEST(CpuCachesWriteThroughStore, AnL2AccessBetweenTwoStoresEndsMerging) {
    Rig rig;
    rig.caches.store(kA, 100);
    rig.caches.load(0x5000, 101);  // L1 D$ miss: the L2 sees it
    rig.caches.store(kA, 200);
    EXPECT_EQ(rig.l2().accesses, 3u);
}

TEST(CpuCachesWriteThroughStore, FullBufferStallsUntilTheOldestEntryHasDrained) {
    Rig rig;
    // Every store misses the L2: service = L2 lookup + fill = 58, one entry after the other.
    EXPECT_EQ(rig.caches.store(0x1000, 100).stall, 0u);  // drains 100 -> 158
    EXPECT_EQ(rig.caches.store(0x1010, 102).stall, 0u);  // waits for the first: 158 -> 216
    // Full: waits for the oldest (158), then queues behind the second: 216 -> 274.
    EXPECT_EQ(rig.caches.store(0x1020, 103).stall, 158u - 103u);
    // Full again: the oldest is now the second (216); then 274 -> 332.
    EXPECT_EQ(rig.caches.store(0x1030, 104).stall, 216u - 104u);
    EXPECT_EQ(rig.caches.store_buffer_full_stalls(), (158u - 103u) + (216u - 104u));
    EXPECT_EQ(rig.mem.calls, (std::vector<Call>{{'F', 0x1000, 16, 100 + kL2Hit},
                                                {'F', 0x1010, 16, 158 + kL2Hit},
                                                {'F', 0x1020, 16, 216 + kL2Hit},
                                                {'F', 0x1030, 16, 274 + kL2Hit}}));
}

TEST(CpuCachesWriteThroughStore, EntryDrainsInOneCycleOnAnL2Hit) {
    Rig rig;
    for (uint64_t a : {0x1000, 0x1010, 0x1020}) rig.caches.load(a, 0);  // all three in the L2
    EXPECT_EQ(rig.caches.store(0x1000, 1000).stall, 0u);  // 1000 -> 1001
    EXPECT_EQ(rig.caches.store(0x1010, 1000).stall, 0u);  // 1001 -> 1002
    EXPECT_EQ(rig.caches.store(0x1020, 1000).stall, 1u);  // full: waits for 1001
    EXPECT_EQ(rig.mem.count('F'), 3u);                     // the loads' fills only
}

TEST(CpuCachesWriteThroughStore, EmptiedBufferDoesNotStall) {
    Rig rig;
    rig.caches.store(0x1000, 0);   // drains at 58
    rig.caches.store(0x1010, 1);   // drains at 116
    EXPECT_EQ(rig.caches.store(0x1020, 116).stall, 0u);  // both done by then
    EXPECT_EQ(rig.caches.store_buffer_full_stalls(), 0u);
}

// ---- stores, write-back L1 D$ ---------------------------------------------------------------

TEST(CpuCachesWriteBackStore, MissAllocatesAfterAReadForOwnership) {
    Rig rig(WritePolicy::WriteBack);
    const iss::MemoryTimingResult r = rig.caches.store(kA, 0);
    EXPECT_EQ(r.stall, kL1dHit + kL2Hit + kFillCycles);  // stalls like a load miss
    EXPECT_EQ(r.set, kFilterLoad | kFilterStore);
    EXPECT_TRUE(rig.caches.l1d()->dirty(kA));
    EXPECT_TRUE(rig.caches.l2()->contains(kA));
    EXPECT_FALSE(rig.caches.l2()->dirty(kA));  // the L2 saw a read
    EXPECT_EQ(rig.mem.calls, (std::vector<Call>{{'F', kA, 16, kL1dHit + kL2Hit}}));
}

TEST(CpuCachesWriteBackStore, HitIsFreeAndBypassesTheStoreBuffer) {
    Rig rig(WritePolicy::WriteBack);
    rig.caches.store(kA, 0);
    for (uint64_t t = 100; t < 110; ++t) EXPECT_EQ(rig.caches.store(kA + (t & 15), t).stall, 0u);
    EXPECT_EQ(rig.l2().accesses, 1u);
    EXPECT_EQ(rig.caches.store_buffer_full_stalls(), 0u);
}

TEST(CpuCachesWriteBackStore, DirtyVictimIsWrittenToTheL2WithoutStalling) {
    Rig rig(WritePolicy::WriteBack);
    rig.caches.store(kA, 0);                       // L1 D$: kA dirty
    rig.caches.load(kA + kL1SetStride, 100);       // the set is full
    const iss::MemoryTimingResult r = rig.caches.load(kA + 2 * kL1SetStride, 200);  // evicts kA
    EXPECT_EQ(r.stall, kL1dHit + kL2Hit + kFillCycles);  // the writeback is posted
    EXPECT_FALSE(rig.caches.l1d()->contains(kA));
    EXPECT_EQ(rig.l1d().writebacks, 1u);
    EXPECT_TRUE(rig.caches.l2()->dirty(kA));       // absorbed by the L2 ...
    EXPECT_EQ(rig.mem.count('W'), 0u);             // ... which writes nothing back yet
    // L2: read for ownership, two load misses, the victim's write (a hit).
    EXPECT_EQ(rig.l2().accesses, 4u);
    EXPECT_EQ(rig.l2().hits, 1u);
}

// ---- the L2's dirty victims ---------------------------------------------------------------------

TEST(CpuCachesL2, DirtyVictimIsWrittenBackThroughTheBacksideBeforeTheFill) {
    Rig rig;
    rig.caches.store(kA, 0);  // L2: kA dirty
    for (uint64_t i = 1; i <= 3; ++i) rig.caches.load(kA + i * kL2SetStride, 1000 * i);  // the L2 set is full
    rig.mem.calls.clear();
    const iss::MemoryTimingResult r = rig.caches.load(kA + 4 * kL2SetStride, 5000);  // evicts kA (LRU)
    EXPECT_EQ(r.stall, kL1dHit + kL2Hit + kFillCycles);  // posted: no wait for the ack
    const uint64_t t = 5000 + kL1dHit + kL2Hit;
    EXPECT_EQ(rig.mem.calls, (std::vector<Call>{{'W', kA, 16, t}, {'F', kA + 4 * kL2SetStride, 16, t}}));
    EXPECT_EQ(rig.l2().writebacks, 1u);
    EXPECT_FALSE(rig.caches.l2()->contains(kA));
}

// ---- flush ----------------------------------------------------------------------------------

TEST(CpuCachesFlush, WalksEveryValidLineAndWritesBackTheDirtyOnes) {
    Rig rig;
    rig.caches.load(0x1000, 0);    // L1 D$ and L2 (set 0), clean
    rig.caches.store(0x1010, 10);  // L2 set 1, dirty
    rig.caches.store(0x1020, 11);  // L2 set 2, dirty
    rig.mem.calls.clear();
    const CpuCaches::FlushResult f = rig.caches.flush(1000);
    EXPECT_EQ(f.valid_lines, 4u);  // L1 D$: 1, L2: 3
    EXPECT_EQ(f.dirty_lines, 2u);
    // Walk: the L1 D$'s line (1003), then the L2's dirty lines in set order,
    // each written back as the walk reaches it (1006, 1009), then its clean
    // line (1012). The last ack comes at 1009 + 30.
    EXPECT_EQ(rig.mem.calls, (std::vector<Call>{{'W', 0x1010, 16, 1006}, {'W', 0x1020, 16, 1009}}));
    EXPECT_EQ(f.cycles, 1009u + kWritebackCycles - 1000u);
    EXPECT_FALSE(rig.caches.holds(0, uint64_t{1} << 32));
}

TEST(CpuCachesFlush, CleanCachesCostTheWalkAlone) {
    Rig rig;
    rig.caches.load(0x1000, 0);
    rig.caches.load(0x1010, 0);
    const CpuCaches::FlushResult f = rig.caches.flush(500);
    EXPECT_EQ(f.valid_lines, 4u);
    EXPECT_EQ(f.dirty_lines, 0u);
    EXPECT_EQ(f.cycles, 4u * kFlushPerLine);
    EXPECT_EQ(rig.mem.count('W'), 0u);
}

TEST(CpuCachesFlush, WriteBackL1dLinesPassThroughTheL2OnTheirWayOut) {
    Rig rig(WritePolicy::WriteBack);
    rig.caches.store(kA, 0);  // L1 D$ dirty, L2 clean
    rig.mem.calls.clear();
    const CpuCaches::FlushResult f = rig.caches.flush(1000);
    // The L1 D$ line reaches the L2 at 1003 (an L2 hit, 8 cycles: acked at
    // 1011) and makes it dirty; the L2's walk then writes it back at 1006.
    EXPECT_EQ(f.valid_lines, 2u);
    EXPECT_EQ(f.dirty_lines, 2u);
    EXPECT_EQ(rig.mem.calls, (std::vector<Call>{{'W', kA, 16, 1006}}));
    EXPECT_EQ(f.cycles, 1006u + kWritebackCycles - 1000u);
    EXPECT_FALSE(rig.caches.holds(kA, 16));
}

TEST(CpuCachesFlush, EmptiedCachesBehaveLikeNewOnes) {
    Rig rig;
    rig.caches.load(kA, 0);
    rig.caches.flush(100);
    EXPECT_EQ(rig.load_mru_entry(kA), kNone);  // the next load of kA must not be filtered
    EXPECT_EQ(rig.caches.load(kA, 1000).stall, kL1dHit + kL2Hit + kFillCycles);
}

// ---- recall, holds ---------------------------------------------------------------------------

TEST(CpuCachesRecall, ForReadCleansDirtyLinesAndKeepsEveryCopy) {
    Rig rig;
    rig.caches.load(0x1000, 0);    // L1 D$ + L2
    rig.caches.store(0x1010, 10);  // L2, dirty
    const CpuCaches::RecallResult r = rig.caches.recall(0x1000, 0x40, false);
    EXPECT_EQ(r.lines, 2u);  // distinct L2 lines 0x1000 (L1 D$ and L2 copies), 0x1010
    EXPECT_EQ(r.dirty_lines, 1u);
    EXPECT_TRUE(rig.caches.holds(0x1000, 16));
    EXPECT_TRUE(rig.caches.holds(0x1010, 16));
    EXPECT_FALSE(rig.caches.holds_dirty(0x1000, 0x40));
    EXPECT_EQ(rig.load_mru_entry(0x1000), kNone);   // filters restart after a recall
    EXPECT_EQ(rig.caches.load(0x1000, 100).stall, 0u);  // still an L1 hit
    EXPECT_EQ(rig.mem.count('W'), 0u);  // the data leaves with the recall's answer, not as a writeback
}

TEST(CpuCachesRecall, ForWriteInvalidatesEveryCopyIncludingTheL1i) {
    Rig rig;
    rig.caches.load(0x1000, 0);    // L1 D$ + L2
    rig.caches.store(0x1010, 10);  // L2, dirty
    rig.caches.fetch(0x1030, 20);  // L1 I$ + L2
    const CpuCaches::RecallResult r = rig.caches.recall(0x1000, 0x40, true);
    EXPECT_EQ(r.lines, 3u);  // distinct L2 lines 0x1000, 0x1010, 0x1030, whatever the copies
    EXPECT_EQ(r.dirty_lines, 1u);
    EXPECT_FALSE(rig.caches.holds(0x1000, 0x40));
    EXPECT_FALSE(rig.caches.l1i()->contains(0x1030));
    const iss::MemoryTiming::MruTable ti = rig.caches.mru_table(0);
    EXPECT_EQ(ti.lines[(0x1030 >> ti.shift) & ti.set_mask], kNone);
    EXPECT_EQ(rig.caches.fetch(0x1030, 100).stall, kL1iHit + kL2Hit + kFillCycles);
}

TEST(CpuCachesRecall, RangeNoCacheHoldsFindsNothingAndKeepsTheFilters) {
    Rig rig;
    rig.caches.load(0x1000, 0);
    const CpuCaches::RecallResult r = rig.caches.recall(0x8000, 0x1000, true);
    EXPECT_EQ(r.lines, 0u);
    EXPECT_EQ(r.dirty_lines, 0u);
    EXPECT_EQ(rig.load_mru_entry(0x1000), 0x1000u >> 4);
}

TEST(CpuCachesHolds, LooksAtTheDataSideAndTheL2ByByteRange) {
    Rig rig;
    rig.caches.load(0x1000, 0);    // clean in L1 D$ + L2
    rig.caches.store(0x2000, 10);  // dirty in L2 only
    EXPECT_TRUE(rig.caches.holds(0x100f, 1));
    EXPECT_FALSE(rig.caches.holds(0x1010, 16));
    EXPECT_TRUE(rig.caches.holds(0x0ff0, 17));  // the range's last byte is in the line
    EXPECT_FALSE(rig.caches.holds_dirty(0x1000, 16));
    EXPECT_TRUE(rig.caches.holds_dirty(0x2000, 16));
    EXPECT_TRUE(rig.caches.holds_dirty(0x1000, 0x1001));
    EXPECT_FALSE(rig.caches.holds_dirty(0x1000, 0x1000));  // ends just before 0x2000
}

// ---- stale copies ---------------------------------------------------------------------------

struct StaleRig : Rig {
    std::vector<uint64_t> reported;
    explicit StaleRig(WritePolicy p = WritePolicy::WriteThrough) : Rig(p) {
        caches.set_stale_read_observer([this](uint64_t line) { reported.push_back(line); });
    }
};

TEST(CpuCachesStale, LoadHittingAStaleCopyIsReportedExactlyOnce) {
    StaleRig rig;
    rig.caches.load(kA, 0);
    rig.caches.mark_stale(kA, 16);
    rig.caches.load(kA + 8, 100);
    EXPECT_EQ(rig.reported, (std::vector<uint64_t>{kA}));
    rig.caches.load(kA + 8, 200);
    rig.caches.load(kA, 300);
    EXPECT_EQ(rig.reported.size(), 1u);
    EXPECT_EQ(rig.caches.stale_reads(), 1u);
}

TEST(CpuCachesStale, MarkStaleClearsTheLoadMruTableSoTheLoadIsNotFiltered) {
    StaleRig rig;
    rig.caches.load(kA, 0);
    ASSERT_EQ(rig.load_mru_entry(kA), kA >> 4);
    rig.caches.mark_stale(kA, 16);
    EXPECT_EQ(rig.load_mru_entry(kA), kNone);
}

TEST(CpuCachesStale, CopyEvictedBeforeTheLoadIsNotReported) {
    StaleRig rig;
    rig.caches.load(kA, 0);
    rig.caches.mark_stale(kA, 16);
    // Four more lines of kA's L2 set (4 ways) push it out of the L2; the L1 D$ (2 ways) lost it earlier.
    for (uint64_t i = 1; i <= 4; ++i) rig.caches.load(kA + i * kL2SetStride, 100 * i);
    ASSERT_FALSE(rig.caches.holds(kA, 16));
    rig.caches.load(kA, 1000);  // a fresh copy from memory
    rig.caches.load(kA, 1100);
    EXPECT_TRUE(rig.reported.empty());
    EXPECT_EQ(rig.caches.stale_reads(), 0u);
}

TEST(CpuCachesStale, RangeNoCacheHoldsMarksNothing) {
    StaleRig rig;
    rig.caches.load(kA, 0);
    rig.caches.mark_stale(0x9000, 0x100);
    EXPECT_EQ(rig.load_mru_entry(kA), kA >> 4);  // nothing stale: the filters stay
    rig.caches.load(0x9000, 100);
    EXPECT_TRUE(rig.reported.empty());
}

// The ISS skips a load whose line is the most recently used of its L1 D$ set.
// A store that hits a stale copy makes its line MRU; the next load of that
// copy must still reach the model (the model alone reports it), so the store
// must not point the table at a line with stale parts.
TEST(CpuCachesStale, StoreHittingAStaleCopyDoesNotHideTheNextLoadFromTheModel) {
    for (WritePolicy p : {WritePolicy::WriteThrough, WritePolicy::WriteBack}) {
        SCOPED_TRACE(to_string(p));
        StaleRig rig(p);
        rig.caches.load(kA, 0);
        rig.caches.mark_stale(kA, 16);
        rig.caches.store(kA + 8, 100);
        EXPECT_NE(rig.load_mru_entry(kA), kA >> 4) << "a load of the stale copy would be filtered";
        rig.caches.load(kA, 200);
        EXPECT_EQ(rig.reported, (std::vector<uint64_t>{kA}));
    }
}

// Stale parts are tracked at the smallest line of any level: with 16 B L1 I$
// lines and 32 B L1 D$ lines, a DMA may overwrite half of an L1 D$ line. A
// load of the other half must not make the line MRU while its stale half has
// not been read.
TEST(CpuCachesStale, LoadOfTheFreshHalfOfALineKeepsTheStaleHalfVisible) {
    CacheHierarchyConfig c = small_hierarchy();
    c.l1d = level(512, 2, 32, kL1dHit, WritePolicy::WriteThrough);
    c.l2 = level(1024, 4, 32, kL2Hit);
    c.llc = level(4096, 4, 32, 10);
    c.acc_l2 = level(1024, 4, 32, 8);
    c.validate("test");
    CpuCaches caches(c, c.store_buffer_entries);
    std::vector<uint64_t> reported;
    caches.set_stale_read_observer([&](uint64_t line) { reported.push_back(line); });
    ASSERT_EQ(caches.filter_line_shift(), 4u);
    caches.load(kA, 0);
    caches.mark_stale(kA + 16, 16);  // the upper half only
    caches.load(kA, 100);            // the lower half: not stale
    EXPECT_TRUE(reported.empty());
    const iss::MemoryTiming::MruTable t = caches.mru_table(1);
    EXPECT_NE(t.lines[(kA >> t.shift) & t.set_mask], kA >> t.shift) << "a load of the stale half would be filtered";
    caches.load(kA + 16, 200);
    EXPECT_EQ(reported, (std::vector<uint64_t>{kA + 16}));
}

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
    for (FilterCase& f : v) f.cfg.validate(f.name);
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
    CpuCaches a(cfg, cfg.store_buffer_entries), b(cfg, cfg.store_buffer_entries);
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
    CpuCaches model(cfg, cfg.store_buffer_entries);
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
