// Geometry and policies of the cache levels, in validated objects.
//
// Read from the "caches" section of a SoC config. The defaults describe the
// caches of an ESP SoC with an Ariane/CVA6 core (sources in
// docs/memory-hierarchy.md): CVA6 L1 I$ 16 KiB 4-way and write-through L1 D$
// 32 KiB 8-way, ESP private L2 32 KiB 4-way and one LLC slice of 256 KiB
// 16-way per memory tile, all with 16-byte (128-bit) lines.
#pragma once

#include <cstdint>
#include <string>

namespace boost::json {
class value;
}

namespace edgebert {
class JsonReader;
}

namespace edgebert::hw {

// Victim choice when every way of the set is valid (an invalid way, the
// lowest-numbered one, is always filled first).
//   Lru      : true LRU (JSON "lru").
//   PseudoLru: tree pseudo-LRU, ways a power of two (JSON "plru").
enum class Replacement { Lru, PseudoLru };
const char* to_string(Replacement r);  // "lru", "plru"

//   WriteBack   : write-allocate; a write marks the line dirty; dirty victims
//                 are written back (JSON "write_back").
//   WriteThrough: no-write-allocate; every write goes on to the next level and
//                 lines stay clean, like CVA6's WT D$ (JSON "write_through").
enum class WritePolicy { WriteBack, WriteThrough };
const char* to_string(WritePolicy p);  // "write_back", "write_through"

struct CacheGeometry {
    bool enabled = true;
    uint64_t size_bytes = 0;           // power of two in [line_bytes * ways, 2^30]
    unsigned ways = 0;                 // power of two, at most size_bytes / line_bytes
    unsigned line_bytes = 0;           // power of two in [8, 4096] (at most a page)
    Replacement replacement = Replacement::Lru;
    WritePolicy write_policy = WritePolicy::WriteBack;
    unsigned hit_latency_cycles = 1;   // cycles of the clock of the level's tile, [0, 1000]

    uint64_t sets() const;

    // Throws ConfigError "<origin>: field '<field>.<name>' = v ..." naming the
    // allowed values for the first bad field; `field` is e.g. "caches.l1d". A
    // disabled level is not checked (its geometry is never used).
    void validate(const std::string& origin, const std::string& field) const;
};

struct CacheHierarchyConfig {
    // false: no cache model at all; the core sees ideal memory (every access
    // costs an L1 hit) and DMA goes straight to DRAM. For comparisons only.
    bool enabled = true;
    // Write buffer between a write-through L1 D$ and the L2 (CVA6's WT cache:
    // WtDcacheWbufDepth = 8 in cv64a6_imafdc_sv39_config_pkg.sv), [1, 64].
    // With a write-back L1 D$ there is none: any other value is refused.
    static constexpr unsigned kDefaultStoreBufferEntries = 8;
    unsigned store_buffer_entries = kDefaultStoreBufferEntries;
    CacheGeometry l1i, l1d, l2;   // in the cpu tile (CPU clock)
    CacheGeometry llc;            // one slice in every memory tile (NoC clock)
    CacheGeometry acc_l2;         // private cache of an accelerator tile (ESP's fully-coherent mode only)
    unsigned flush_cycles_per_line = 1;  // walk cost per valid line of a flush, [0, 1000]
                                         // (plus a writeback per dirty line through the hierarchy)

    // Validates every level ("caches.<level>.<name>") and that line sizes do
    // not shrink going outward: l1i, l1d <= l2 <= llc and acc_l2 <= llc, each
    // checked against the next enabled level out. Refuses settings the model
    // would not honour: a write-through L1 I$ (never written) or accelerator L2
    // (ESP's is write-back; the DMA port models no write-through path), and a
    // store buffer other than the default behind a write-back L1 D$.
    void validate(const std::string& origin) const;
};

// The first level a CPU data access meets (L1 D$, else L2, else LLC); nullptr
// with the cache model off or every data level disabled.
const CacheGeometry* first_data_level(const CacheHierarchyConfig& c);

// The defaults above (docs/memory-hierarchy.md gives the source of each figure).
CacheHierarchyConfig default_cache_hierarchy();

// Reads the "caches" section: { "l1i": {...}, "l1d": {...}, "l2": {...},
// "llc": {...}, "acc_l2": {...}, "flush_cycles_per_line": n }. Each level:
// enabled, size_bytes, ways, line_bytes, replacement ("lru" | "plru"),
// write_policy ("write_back" | "write_through"), hit_latency_cycles. Absent
// sections and fields keep the defaults; unknown keys are rejected; the result
// is validated.
//   `section` is the reader of that object, e.g. root.child("caches").
CacheHierarchyConfig parse_cache_hierarchy(const edgebert::JsonReader& section);
//   `v` is the "caches" object itself; error messages name `origin` and "caches.<...>".
CacheHierarchyConfig parse_cache_hierarchy(const boost::json::value& v, const std::string& origin);

}  // namespace edgebert::hw
