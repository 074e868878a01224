// ESP's memory tile: one LLC slice in front of the DRAM controller, and the
// point where the accelerators' DMA meets the cache hierarchy.
//
// Every transaction for DRAM arrives here over the NoC. What it costs depends
// on its MemoryRequest extension (hw/mem/memory_request.hpp):
//   none                 uncached: straight to the DRAM model (as before the
//                        caches existed; the native host's block copies).
//   CpuFill/CpuWriteback the CPU tile's L2 misses and writebacks on the
//                        coherence plane: LLC lookup, DRAM on an LLC miss.
//                        Timing only: the data is already in DRAM.
//   Dma, mode none       non-coherent DMA: straight to DRAM, bypassing the LLC.
//   Dma, mode llc        through the LLC (lookup per line, misses from DRAM).
//   Dma, mode recall     as llc, after recalling the range from the CPU's
//                        private caches: a coherence-plane round trip per line
//                        they hold (with the data when dirty).
//   AccFill              a line fill of an accelerator's private cache (fully
//                        coherent DMA, hw/soc/dma_port.hpp): the line recalled
//                        from the CPU's private caches (as a recall DMA: dirty
//                        copies written back, invalidated for a write; a
//                        coherence-plane round trip), then the LLC lookup.
//   AccOwn               the same recall for a line the accelerator overwrites
//                        whole, without the LLC lookup. Timing only.
//   AccWriteback         a dirty victim of an accelerator cache: LLC write.
//   (a Dma in mode full arrives only without an accelerator cache: as recall)
// The accelerator caches are kept coherent with the CPU's and each other's: a
// CpuFill or a read AccFill of a line one holds dirty cleans it there, a
// CpuWriteback or a write AccFill / AccOwn of a line one holds invalidates it
// there, each with a coherence-plane round trip to that tile.
// LLC timing, in memory-tile cycles: hit latency for the first line, one line
// per cycle after it (pipelined lookups), then the DRAM reads of the missing
// lines in contiguous runs; dirty victims go to DRAM as posted writes. The
// DMA's data moves through the DRAM backdoor on the cached paths (the caches
// hold no data), so results never depend on the coherence mode.
//
// Coherence checks (the warnings of the run report): a DMA that bypasses a
// cache holding a dirty copy of what it reads (mode none: CPU caches or LLC;
// mode llc: CPU caches; any mode but full: an accelerator cache) would read
// stale memory on silicon; a DMA write that
// leaves a copy in a cache it bypasses marks those lines stale, and the next
// CPU read that hits one is reported.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <functional>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "hw/mem/cache.hpp"
#include "hw/mem/cache_config.hpp"
#include "hw/mem/memory_request.hpp"

namespace edgebert::hw {

class CpuCaches;
class Dram;
class MeshNoc;

struct CoherenceWarning {
    std::string kind;    // "dma_read_dirty_cpu", "dma_read_dirty_llc", "dma_read_dirty_acc", "cpu_read_stale"
    uint64_t addr = 0;   // first line concerned
    uint64_t lines = 0;  // lines concerned in this transaction
    int tile = -1;       // the DMA's tile (-1: the CPU)
    std::string mode;    // the DMA's coherence mode
    // The program region the CPU was in (the host's accounting markers); -1: unknown.
    int layer = -1, module = -1;
    std::string op;
    double time_ns = 0;
};

class MemoryTile : public sc_core::sc_module {
public:
    struct Geometry {
        int x = 0, y = 0;          // this tile
        int cpu_x = 0, cpu_y = 0;  // the CPU tile, for recalls
    };
    MemoryTile(sc_core::sc_module_name name, const CacheHierarchyConfig& caches, Dram& dram, MeshNoc& noc,
               const Geometry& where);

    tlm_utils::simple_target_socket<MemoryTile> in;          // from the NoC
    tlm_utils::simple_initiator_socket<MemoryTile> to_dram;  // the memory controller

    void set_cpu_caches(CpuCaches* c) { cpu_ = c; }
    // The private cache of the accelerator tile at (x, y) (fully coherent DMA);
    // `tile` is its index in the SoC config (MemoryRequest::tile), if known.
    void add_accelerator_cache(Cache* c, int x, int y, int tile = -1) { acc_.push_back({c, x, y, tile}); }

    // ESP's LLC flush command: writes back every dirty line, invalidates all.
    // Returns the time the flush takes from `start` (absolute).
    sc_core::sc_time flush(sc_core::sc_time start);

    const Cache* llc() const { return llc_.get(); }
    struct Stats {
        uint64_t dma_bytes_by_mode[4] = {0, 0, 0, 0};
        uint64_t recalled_lines = 0, recalled_dirty_lines = 0;
        uint64_t acc_cleaned_lines = 0, acc_invalidated_lines = 0;  // by the CPU and other accelerators
        uint64_t dram_bytes_read = 0, dram_bytes_written = 0;  // LLC <-> DRAM (timing path)
        uint64_t flushes = 0, flushed_dirty_lines = 0;
        uint64_t warnings = 0;
    };
    const Stats& stats() const { return stats_; }
    // The first warnings (up to kMaxWarnings kept; stats().warnings counts all).
    static constexpr size_t kMaxWarnings = 200;
    const std::vector<CoherenceWarning>& warnings() const { return warnings_; }
    void warn(CoherenceWarning w);
    // Fills a warning's region (layer, module, operator) from the running program.
    void set_region_annotator(std::function<void(CoherenceWarning&)> fn) { annotate_ = std::move(fn); }

private:
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    // LLC lookups for [addr, addr + len); returns memory-tile cycles from `start`.
    uint64_t through_llc(uint64_t addr, uint64_t len, bool write, bool full_line_write, sc_core::sc_time start);
    uint64_t recall(uint64_t addr, uint64_t len, bool write, sc_core::sc_time start);
    // A read (cleans dirty copies) or a write (invalidates copies) of the line
    // at `addr` in the accelerator caches but tile `except`'s; returns
    // memory-tile cycles.
    uint64_t snoop_accelerators(uint64_t addr, bool write, sc_core::sc_time start, int except = -1);
    // A coherence-plane request from here to tile (x, y) at `start` and its answer
    // (a line of `data_bytes` when non-zero); returns the answer's arrival.
    sc_core::sc_time round_trip(int x, int y, unsigned data_bytes, sc_core::sc_time start);
    void check_bypass(const tlm::tlm_generic_payload& trans, const MemoryRequest& req, bool bypass_llc);
    void check_accelerators(const tlm::tlm_generic_payload& trans, const MemoryRequest& req);
    // A warning about a DMA (`req`) that read `lines` dirty lines from `first` on.
    void warn_dma(const char* kind, uint64_t lines, uint64_t first, const MemoryRequest& req);
    sc_core::sc_time cycles(uint64_t n) const { return cycle_ * static_cast<double>(n); }

    CacheHierarchyConfig cfg_;
    Dram& dram_;
    MeshNoc& noc_;
    Geometry where_;
    sc_core::sc_time cycle_;
    std::unique_ptr<Cache> llc_;
    CpuCaches* cpu_ = nullptr;
    struct AccCache {
        Cache* cache;
        int x, y, tile;
    };
    std::vector<AccCache> acc_;
    std::unordered_set<uint64_t> llc_stale_;  // LLC line addresses a non-coherent DMA overwrote
    Stats stats_;
    std::vector<CoherenceWarning> warnings_;
    std::function<void(CoherenceWarning&)> annotate_;
};

}  // namespace edgebert::hw
