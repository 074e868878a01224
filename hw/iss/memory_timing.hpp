// The core's view of its caches: what the platform plugs into the ISS so
// that fetches, loads and stores to cacheable memory (DMI regions) cost what
// a cache hierarchy says. Plain C++; the SoC's implementation is
// hw/mem/cpu_caches.hpp.
//
// Speed: the ISS calls the model only when an access could change the
// model's state or cost something. It keeps one "filter" line per access
// kind; an access to the filtered line is known to be a free hit that changes
// nothing (e.g. the most recently used line of the L1 again) and skips the
// call. Each call tells the ISS which filters stay valid: `clear` filters are
// dropped first, then `set` filters are pointed at this access's line. The
// platform calls Iss::reset_memory_filters() whenever something outside the
// core changed the caches (a DMA recall, a flush).
//
// Fetches and loads can use a finer filter instead: a table, per set of the
// L1, of the line that set used last. An access to the most recently used
// line of its set is a hit that changes no replacement state (true LRU and
// tree pseudo-LRU both), so any number of hot lines in different sets stay
// free. The model keeps the table exact (it updates it on every L1 access
// and clears it when lines leave by recall or flush).
#pragma once

#include <cstdint>

namespace edgebert::iss {

inline constexpr uint8_t kFilterFetch = 1;
inline constexpr uint8_t kFilterLoad = 2;
inline constexpr uint8_t kFilterStore = 4;
inline constexpr uint8_t kFilterAll = 7;

struct MemoryTimingResult {
    uint64_t stall = 0;  // cycles the core waits beyond a pipelined L1 hit
    uint8_t clear = 0;   // filters that are no longer exact
    uint8_t set = 0;     // filters that may now point at this access's line
};

class MemoryTiming {
public:
    virtual ~MemoryTiming() = default;
    // log2 of the filter granularity: at most the smallest line of any level.
    virtual unsigned filter_line_shift() const = 0;
    // `now` is the core's cycle count when the access issues.
    virtual MemoryTimingResult fetch(uint64_t addr, uint64_t now) = 0;
    virtual MemoryTimingResult load(uint64_t addr, uint64_t now) = 0;
    virtual MemoryTimingResult store(uint64_t addr, uint64_t now) = 0;

    struct MruTable {
        const uint64_t* lines = nullptr;  // [set] = line number (addr >> shift) last used, ~0: none
        uint64_t set_mask = 0;
        unsigned shift = 0;
    };
    // kind 0: fetch (L1 I$), 1: load (L1 D$); lines == nullptr: use the single-line filter.
    virtual MruTable mru_table(int kind) const {
        (void)kind;
        return {};
    }
};

}  // namespace edgebert::iss
