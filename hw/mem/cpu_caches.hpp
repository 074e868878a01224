// The caches of the CPU tile: CVA6's L1 I$ and D$ and ESP's private L2, as a
// timing model (tags and state, no data) that the ISS consults for every
// fetch, load and store to cacheable memory (iss::MemoryTiming).
//
// Paths (all latencies in CPU cycles):
//   fetch / load  L1 hit: free (the pipeline's load latency covers it).
//                 L1 miss: L1 lookup + L2 hit latency, + on an L2 miss the
//                 memory tile's answer over the coherence plane (Backside).
//   store, write-through L1 D$ (CVA6's WT cache): the L1 is updated on a hit
//                 and never allocates; the store enters a store buffer of
//                 `store_buffer_entries` that drains in order into the L2
//                 (one write per cycle on an L2 hit, the miss path's latency
//                 on a miss). A store to the line of the youngest entry with
//                 no other L2 access in between merges into it. The core
//                 stalls only when the buffer is full.
//   store, write-back L1 D$: write-allocate; a miss stalls like a load miss.
// Dirty victims leave as posted writebacks: they occupy the NoC and the
// memory tile but do not stall the core. The levels are non-inclusive.
// A disabled level is skipped (its accesses go to the next level out).
//
// Coherence (the memory tile calls these for DMA): recall() cleans or
// invalidates the lines of a range, flush() empties the L1 D$ and the L2 as
// ESP's L2 flush command does, mark_stale() remembers lines a non-coherent
// DMA overwrote in memory while a copy stayed here; the next load that hits
// such a copy is reported through the stale-read callback.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <unordered_set>
#include <vector>

#include "hw/iss/memory_timing.hpp"
#include "hw/mem/cache.hpp"
#include "hw/mem/cache_config.hpp"

namespace edgebert::hw {

class CpuCaches : public iss::MemoryTiming {
public:
    // The memory tile as the L2 sees it. Latencies are CPU cycles from `now`.
    class Backside {
    public:
        virtual ~Backside() = default;
        virtual uint64_t fill(uint64_t line_addr, unsigned bytes, uint64_t now) = 0;
        // Returns when the writeback is acknowledged (posted: callers may ignore it).
        virtual uint64_t writeback(uint64_t line_addr, unsigned bytes, uint64_t now) = 0;
    };

    explicit CpuCaches(const CacheHierarchyConfig& cfg);  // the store buffer: cfg.store_buffer_entries
    void set_backside(Backside* b) { backside_ = b; }
    void set_stale_read_observer(std::function<void(uint64_t line_addr)> fn) { on_stale_read_ = std::move(fn); }

    // iss::MemoryTiming
    unsigned filter_line_shift() const override { return filter_shift_; }
    iss::MemoryTimingResult fetch(uint64_t addr, uint64_t now) override;
    iss::MemoryTimingResult load(uint64_t addr, uint64_t now) override;
    iss::MemoryTimingResult store(uint64_t addr, uint64_t now) override;
    MruTable mru_table(int kind) const override;

    // ---- coherence ----
    // Counted in lines of the outermost private level (the L2's), once however
    // many levels hold a copy.
    struct RecallResult {
        uint64_t lines = 0;        // lines found in a private cache
        uint64_t dirty_lines = 0;  // of which dirty (their data goes back with the answer)
    };
    // DMA read: dirty copies are written back and stay valid (clean).
    // DMA write: every copy is invalidated.
    RecallResult recall(uint64_t base, uint64_t len, bool for_write);
    // Would a DMA that bypasses these caches read stale data / leave stale copies?
    bool holds_dirty(uint64_t base, uint64_t len) const;
    struct DirtyRange {
        uint64_t lines = 0;  // distinct (L2) lines of the range dirty in a private cache
        uint64_t first = 0;  // the lowest of them
    };
    DirtyRange dirty_in(uint64_t base, uint64_t len) const;
    bool holds(uint64_t base, uint64_t len) const;
    void mark_stale(uint64_t base, uint64_t len);

    // ESP's L2 flush command: writes back every dirty line of the L1 D$ and
    // the L2 and invalidates both. Returns the CPU cycles until done.
    struct FlushResult {
        uint64_t valid_lines = 0;
        uint64_t dirty_lines = 0;
        uint64_t cycles = 0;
    };
    FlushResult flush(uint64_t now);

    const Cache* l1i() const { return l1i_.get(); }
    const Cache* l1d() const { return l1d_.get(); }
    const Cache* l2() const { return l2_.get(); }
    uint64_t store_buffer_full_stalls() const { return sb_full_cycles_; }
    uint64_t stale_reads() const { return stale_reads_; }

private:
    struct Level {
        uint64_t stall = 0;
        bool touched_l2 = false;
    };
    // The L1's miss: from the L2 (or the memory tile when the L2 is off).
    Level from_l2(uint64_t addr, bool write, unsigned l1_line, uint64_t now);
    uint64_t writeback_to_l2(uint64_t line_addr, unsigned bytes, uint64_t now);
    void check_stale(uint64_t addr);
    uint64_t directory_line(uint64_t addr) const;
    // The unit an access moves when its L1 is off: the L2's line, else the filters' granule.
    unsigned bypass_line() const { return l2_ ? l2_->geometry().line_bytes : 1u << filter_shift_; }
    // Per-set most recently used line of an L1 (see iss/memory_timing.hpp).
    struct Mru {
        std::vector<uint64_t> lines;
        uint64_t mask = 0;
        unsigned shift = 0;
        void init(const Cache* c);
        void touch(uint64_t addr) {
            if (!lines.empty()) lines[(addr >> shift) & mask] = addr >> shift;
        }
        void clear() { std::fill(lines.begin(), lines.end(), ~uint64_t{0}); }
    };
    // mru_d_.touch(addr), except that a line with a stale part is never made
    // MRU (its entry is cleared): its loads must reach check_stale().
    void touch_load_mru(uint64_t addr);
    uint64_t store_buffer_slot(uint64_t now);

    const CacheHierarchyConfig cfg_;
    std::unique_ptr<Cache> l1i_, l1d_, l2_;
    Mru mru_i_, mru_d_;
    Backside* backside_ = nullptr;
    unsigned filter_shift_ = 4;
    unsigned stale_shift_ = 4;

    // store buffer (write-through L1 D$): completion times, oldest first
    unsigned sb_entries_;
    std::deque<uint64_t> sb_done_;
    uint64_t sb_line_ = ~0ull;  // line of the youngest entry while merging is possible
    uint64_t sb_full_cycles_ = 0;

    std::unordered_set<uint64_t> stale_;  // line numbers (stale_shift_) a DMA overwrote in memory
    std::function<void(uint64_t)> on_stale_read_;
    uint64_t stale_reads_ = 0;
};

}  // namespace edgebert::hw
