// A set-associative cache TIMING model: tags and state only, no data.
//
// The data of every access flows through the direct memory path; this model
// only says whether an access hits, which line it evicts and whether that
// victim must be written back, so the caller can charge the latencies of the
// levels involved (docs/memory-hierarchy.md). It is bit-exact and deterministic:
// the same sequence of calls gives the same answers on every platform.
//
// Layout: the line number (addr >> log2(line_bytes)) of every way is kept in
// one flat array indexed set * ways + way, with an all-ones sentinel for an
// invalid way (a line number has at most 61 bits, so it never collides), next
// to flat dirty and replacement arrays. The set is the low bits of the line
// number. With 8 or more ways, access() first compares an 8-bit fingerprint of
// the line against eight ways at a time in one 64-bit word, and only the
// candidates against the full line number.
//
// Replacement: a miss fills the lowest-numbered invalid way of the set; when
// every way is valid it evicts
//   Lru      : the way with the oldest stamp. A hit or fill stamps the way with
//              (access counter << log2(ways)) | way, an invalid way holds its
//              way number alone, so the smallest stamp of the set is the
//              lowest invalid way, else the least recently used one. The
//              counter has at least 37 bits (ways <= 2^27): it cannot wrap.
//   PseudoLru: the way the tree points at. Set s has ways - 1 node bits,
//              node 0 the root, node n's children 2n + 1 (lower half of its
//              ways) and 2n + 2 (upper half); bit 0 sends the victim search to
//              the lower half, 1 to the upper. A hit or fill of way w sets
//              every node on w's path to point away from w.
// Writes: WriteBack allocates on a miss and marks the line dirty; WriteThrough
// updates a hit line (it stays clean), does not allocate on a miss and always
// reports forward_write. A write-through miss leaves the replacement state
// unchanged.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "hw/mem/cache_config.hpp"

namespace edgebert::hw {

struct CacheStats {
    uint64_t accesses = 0;       // calls of access()
    uint64_t hits = 0;
    uint64_t misses = 0;
    uint64_t writebacks = 0;     // dirty victims evicted by access()
    uint64_t flushes = 0;        // dirty lines written back by invalidate(), clean() and flush_all()
    uint64_t invalidations = 0;  // present lines dropped by invalidate() and flush_all()
};

struct CacheAccess {
    bool hit = false;
    bool filled = false;          // a line was allocated (miss with allocate)
    bool evicted_dirty = false;   // the victim was dirty: a writeback of victim_line to the next level
    uint64_t victim_line = 0;     // byte address of the evicted line (line-aligned); set for clean
                                  // victims too (an inclusive outer level may need it), 0 when the
                                  // fill took an invalid way or nothing was filled
    bool forward_write = false;   // write-through: the write goes on to the next level (always, hit or miss)
};

class Cache {
public:
    // `g` is validated by the caller; throws Error if it is disabled and
    // ConfigError if it is invalid (origin "cache").
    explicit Cache(const CacheGeometry& g);

    const CacheGeometry& geometry() const { return geo_; }
    uint64_t line_address(uint64_t addr) const { return addr & ~line_mask_; }

    // One access of at most one line (the caller splits accesses that straddle
    // lines; only the line of `addr` is looked up).
    CacheAccess access(uint64_t addr, bool write);

    bool contains(uint64_t addr) const { return find(addr >> line_shift_) != kNone; }  // no state change, no stats
    bool dirty(uint64_t addr) const;                                                  // no state change

    // Coherence operations; no statistics other than flushes / invalidations,
    // and the replacement state is left alone.
    struct LineOp {
        bool present = false;
        bool was_dirty = false;
    };
    LineOp invalidate(uint64_t addr);  // recall: drop the line (caller writes back if was_dirty)
    LineOp clean(uint64_t addr);       // write back if dirty, keep valid and clean
    struct FlushResult {
        uint64_t valid_lines = 0;
        uint64_t dirty_lines = 0;
    };
    // Writes back the dirty lines (their addresses appended in set, way order
    // when `dirty_line_addrs` is given) and invalidates everything. The
    // replacement state returns to that of a new cache, so a flushed cache
    // behaves exactly like a new one (statistics aside).
    FlushResult flush_all(std::vector<uint64_t>* dirty_line_addrs = nullptr);

    // Lines of [base, base + len) present in the cache: calls fn(line_addr,
    // dirty) for each, without changing state. A range of more lines than the
    // cache holds walks the cache instead (set, way order); otherwise the
    // lines come in ascending address order. The range is clipped at 2^64 - 1.
    template <class F>
    void for_each_present(uint64_t base, uint64_t len, F&& fn) const;

    const CacheStats& stats() const { return stats_; }
    void reset_stats() { stats_ = CacheStats{}; }

private:
    static constexpr uint64_t kInvalid = ~uint64_t{0};  // tag of an invalid way
    static constexpr size_t kNone = ~size_t{0};

    // Index set * ways + way of line number `line`, or kNone. Up to 64 ways
    // every tag is compared and the hit way taken from a bit mask: which way
    // hits is random, and a mispredicted early exit costs more than the compares.
    size_t find(uint64_t line) const {
        const size_t base = static_cast<size_t>(line & set_mask_) * ways_;
        const uint64_t* t = tags_.data() + base;
        if (ways_ <= 64) {
            uint64_t hits = 0;
            for (unsigned w = 0; w < ways_; ++w) hits |= static_cast<uint64_t>(t[w] == line) << w;
            return hits ? base + static_cast<size_t>(__builtin_ctzll(hits)) : kNone;
        }
        for (unsigned w = 0; w < ways_; ++w)
            if (t[w] == line) return base + w;
        return kNone;
    }
    // access() for a way count known at compile time (W = 0: ways_ at run time),
    // so the tag compares, the LRU scan and the tree walk unroll.
    template <unsigned W>
    CacheAccess access_ways(uint64_t addr, bool write);
    void reset_replacement();
    static uint8_t fingerprint(uint64_t line) { return static_cast<uint8_t>((line * 0x9E3779B97F4A7C15ull) >> 56); }

    CacheGeometry geo_;
    unsigned line_shift_ = 0;
    uint64_t line_mask_ = 0;  // line_bytes - 1
    uint64_t set_mask_ = 0;   // sets - 1
    unsigned ways_ = 0;
    unsigned way_bits_ = 0;   // log2(ways)
    bool plru_ = false;
    size_t lines_ = 0;        // sets * ways

    std::vector<uint64_t> tags_;   // [set * ways + way]: line number, kInvalid when invalid
    std::vector<uint8_t> fp_;      // [set * ways + way]: fingerprint(line) of a valid way
    std::vector<uint8_t> dirty_;   // [set * ways + way]
    std::vector<uint64_t> stamp_;  // Lru: [set * ways + way], (last use << log2(ways)) | way
    uint64_t clock_ = 0;           // Lru: stamp of the latest use
    std::vector<uint8_t> tree_;    // PseudoLru: [set * (ways - 1) + node]
    std::vector<uint32_t> valid_;  // PseudoLru: [set], valid ways (skips the search for a free way)
    CacheStats stats_;
};

template <class F>
void Cache::for_each_present(uint64_t base, uint64_t len, F&& fn) const {
    if (len == 0) return;
    const uint64_t last_byte = len - 1 > ~uint64_t{0} - base ? ~uint64_t{0} : base + (len - 1);
    const uint64_t first = base >> line_shift_;
    const uint64_t last = last_byte >> line_shift_;
    if (last - first >= lines_) {
        // More lines than the cache holds: the cache is the shorter walk.
        for (size_t i = 0; i < lines_; ++i) {
            const uint64_t t = tags_[i];
            if (t != kInvalid && t >= first && t <= last) fn(t << line_shift_, dirty_[i] != 0);
        }
        return;
    }
    for (uint64_t line = first;; ++line) {
        const size_t i = find(line);
        if (i != kNone) fn(line << line_shift_, dirty_[i] != 0);
        if (line == last) break;
    }
}

}  // namespace edgebert::hw
