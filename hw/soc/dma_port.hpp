// The DMA port of an accelerator tile: tags every DMA transaction with the
// coherence mode of the tile's current invocation (ESP's per-tile coherence
// CSR), so the memory tile routes it around or through the LLC.
//
// Fully coherent mode (ACC_COH_FULL): with the cache model on, the port owns
// the tile's private cache (ESP's accelerator L2, geometry caches.acc_l2, the
// same controller as the CPU's L2) and a second initiator, `coh`, on the NoC's
// coherence plane. A DMA in that mode does not travel to the memory tile: the
// port moves the data itself through the DRAM backdoor (the caches are timing
// models and hold no data) and charges, in tile (NoC) cycles, the cache's hit
// latency for the first line and one line per cycle after it, plus for each
// line that misses a request on `coh`, one after the other: a line fill
// (MemoryRequest AccFill, a read, or a write for ownership; the memory tile
// recalls the line from the CPU's caches and looks it up in the LLC), or for a
// line a write overwrites whole only the ownership (AccOwn: the CPU's copies
// invalidated, no data). Dirty victims leave as posted AccWriteback
// transactions. Without the cache model a Full
// DMA goes to the memory tile like a recall one.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <memory>
#include <vector>

#include "hw/mem/cache.hpp"
#include "hw/mem/cache_config.hpp"
#include "hw/mem/memory_request.hpp"

namespace edgebert::hw {

class Dram;

class DmaPort : public sc_core::sc_module {
public:
    // `caches` enabled with an enabled acc_l2: the port gets the cache and `coh`
    // (which the SoC must then bind); `clock_mhz` is the tile's (NoC) clock.
    DmaPort(sc_core::sc_module_name name, int tile, DmaCoherence mode, const CacheHierarchyConfig& caches,
            Dram& dram, double clock_mhz);

    tlm_utils::simple_target_socket<DmaPort> in;
    tlm_utils::simple_initiator_socket<DmaPort> out;
    std::unique_ptr<tlm_utils::simple_initiator_socket<DmaPort>> coh;  // only with a cache

    DmaCoherence mode() const { return mode_; }
    void set_mode(DmaCoherence m) { mode_ = m; }

    Cache* cache() { return cache_.get(); }
    const Cache* cache() const { return cache_.get(); }
    uint64_t full_bytes() const { return full_bytes_; }  // DMA bytes served through the cache

private:
    void b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay);
    unsigned int transport_dbg(tlm::tlm_generic_payload& t) { return out->transport_dbg(t); }
    void full_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay);
    // One line transaction on `coh` issued `delay` ahead of now; returns its delay.
    sc_core::sc_time line_transaction(MemoryRequest::Kind kind, bool write, uint64_t line, sc_core::sc_time delay);

    int tile_;
    DmaCoherence mode_;
    Dram& dram_;
    sc_core::sc_time cycle_;
    std::unique_ptr<Cache> cache_;
    std::vector<unsigned char> scratch_;  // data pointer of the timing-only line transactions
    uint64_t full_bytes_ = 0;
};

}  // namespace edgebert::hw
