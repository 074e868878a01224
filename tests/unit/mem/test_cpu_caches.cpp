// CpuCaches: the CPU tile's L1 I$ / L1 D$ / L2 timing model, on hand-computed
// traces against a fake memory tile (cpu_caches_rig.hpp): exact stalls and
// filter bits of load, fetch and store misses, the write-through store buffer
// (merging, the stall of a full buffer), the write-back L1 D$ (write-allocate,
// read for ownership, dirty victims into the L2), L2 victims to the backside,
// flush, recall, holds / holds_dirty and the stale-read observer.
// test_cpu_caches_random.cpp holds the randomized checks.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "tests/unit/mem/cpu_caches_rig.hpp"

namespace edgebert::hw {
namespace {

using namespace test_cpu_caches;

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
    CpuCaches caches(c);
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

}  // namespace
}  // namespace edgebert::hw
