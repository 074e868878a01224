// DMA engine: moves rows between DRAM (through the AXI arbiter) and one SRAM.
// The tile has three: mask (mask words), input (input rows) and aux (aux rows).
//
// A transfer of `rows` rows of row_bytes is split into bursts of at most
// max_burst_beats beats of axi_data_bits that never cross a 4 KiB boundary
// (AXI rule). Cycles: dma_setup_cycles + per burst (axi_burst_overhead_cycles
// + memory latency + beats), the last two annotated by the memory.
// Data lands in the SRAM (or DRAM) when the transfer completes.
#pragma once

#include <systemc>
#include <tlm>

#include <cstdint>
#include <string>

#include "hw/edgebert/trace_signal.hpp"
#include "hw/edgebert/sram.hpp"
#include "hw/edgebert/tile_config.hpp"

namespace edgebert::hw {

class AxiArbiter;
class Adpll;

struct DmaJob {
    bool to_sram = true;   // read DRAM -> SRAM (commands 1, 3, 5) or write SRAM -> DRAM (2, 4, 6)
    uint64_t dram_addr = 0;
    Sram* sram = nullptr;
    int first_row = 0;
    int rows = 0;
};

struct DmaResult {
    bool error = false;         // the memory answered a burst with an error
    uint64_t error_addr = 0;
    uint64_t bytes = 0;
    uint64_t bursts = 0;
    sc_core::sc_time duration;
};

class DmaEngine : public sc_core::sc_module {
public:
    DmaEngine(sc_core::sc_module_name name, const EdgebertTileConfig& cfg, int requester_id,
              AxiArbiter& arbiter, const Adpll& clock);

    // Runs the transfer from the calling SC_THREAD and returns when it is done.
    DmaResult run(const DmaJob& job);

    // Bursts a transfer of `bytes` from `addr` needs (exposed for tests and the compiler).
    static uint64_t burst_count(const EdgebertTileConfig& cfg, uint64_t addr, uint64_t bytes);

    TraceSignal<bool> busy;
    TraceSignal<uint32_t> bytes_moved;  // running total, for waveforms
    uint64_t total_bytes() const { return total_bytes_; }

private:
    const EdgebertTileConfig& cfg_;
    int id_;
    AxiArbiter& arbiter_;
    const Adpll& clock_;
    uint64_t total_bytes_ = 0;
};

}  // namespace edgebert::hw
