// Shared by the CpuCaches tests: a fake memory tile (fills answer in 50
// cycles, writebacks are acknowledged in 30) that records every call, a small
// hierarchy and a Rig holding both.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "hw/iss/memory_timing.hpp"
#include "hw/mem/cache.hpp"
#include "hw/mem/cache_config.hpp"
#include "hw/mem/cpu_caches.hpp"

namespace edgebert::hw::test_cpu_caches {

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

inline void PrintTo(const FakeBackside::Call& c, std::ostream* os) {
    *os << c.kind << "(0x" << std::hex << c.line << std::dec << ", " << c.bytes << " B, @" << c.now << ")";
}

inline CacheGeometry level(uint64_t size, unsigned ways, unsigned line, unsigned hit,
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
//   store buffer of 2 entries (write-through L1 D$), flush walk 3 cycles per line.
constexpr unsigned kL1iHit = 1, kL1dHit = 2, kL2Hit = 8;
constexpr unsigned kFlushPerLine = 3;

inline CacheHierarchyConfig small_hierarchy(WritePolicy l1d_policy = WritePolicy::WriteThrough) {
    CacheHierarchyConfig c;
    c.l1i = level(256, 2, 16, kL1iHit);
    c.l1d = level(256, 2, 16, kL1dHit, l1d_policy);
    c.l2 = level(1024, 4, 16, kL2Hit);
    c.llc = level(4096, 4, 16, 10);
    c.acc_l2 = level(1024, 4, 16, 8);
    // The store buffer exists behind a write-through L1 D$ only (validate() refuses
    // another size with a write-back one).
    c.store_buffer_entries =
        l1d_policy == WritePolicy::WriteThrough ? 2 : CacheHierarchyConfig::kDefaultStoreBufferEntries;
    c.flush_cycles_per_line = kFlushPerLine;
    c.validate("test");
    return c;
}

// A CpuCaches on the small hierarchy with the fake backside attached.
struct Rig {
    FakeBackside mem;
    CpuCaches caches;
    explicit Rig(WritePolicy l1d_policy = WritePolicy::WriteThrough)
        : caches(small_hierarchy(l1d_policy)) {
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


}  // namespace edgebert::hw::test_cpu_caches
