// The systolic-array baseline tile: an AXI-lite register window, a DMA master
// and the verilated RTL array (rtl/systolic_array.sv), in the style of the
// EdgeBERT tile (hw/edgebert/control.hpp): same ctrl/cause layout, soft reset,
// error latching and interrupt pulses.
//
// One call (command 1), loosely timed:
//   1. DMA in: one setup, then A's M rows, B's K rows and, when accumulating,
//      C's M rows, each row its own burst sequence (bursts of at most
//      max_burst_beats beats that never cross a 4 KiB boundary); the memory
//      annotates its latency and beats, the tile adds axi_burst_overhead_cycles
//      per burst; one wait() for the whole phase.
//   2. Compute: the RTL is clocked in a tight C++ loop (one eval per edge, no
//      SystemC activity), then one wait() of cycles x period.
//   3. DMA out: C's M rows, timed like phase 1.
//   4. done, cycles register, interrupt pulse.
// An error response from the memory ends the call with cause kDmaError. The
// array's clock runs only in phase 2 (it is gated while idle).
//
// Registers and causes: hw/systolic/systolic_regs.hpp and README.md.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hw/edgebert/trace_signal.hpp"
#include "hw/systolic/systolic_config.hpp"
#include "hw/systolic/systolic_regs.hpp"
#include "hw/systolic/systolic_rtl.hpp"

namespace edgebert::hw {

struct SystolicTileStats {
    uint64_t calls = 0;             // completed calls
    uint64_t macs = 0;              // M * N * K summed over completed calls
    uint64_t busy_cycles = 0;       // command accepted -> completion or error, every call
    uint64_t dma_in_cycles = 0;     // phase 1 (setup + bursts)
    uint64_t compute_cycles = 0;    // phase 2: the array's own cycles
    uint64_t dma_out_cycles = 0;    // phase 3
    uint64_t bytes_read = 0;        // DMA traffic that completed without error
    uint64_t bytes_written = 0;
    uint64_t bursts = 0;            // issued, including one answered with an error
    uint64_t errors = 0;            // refused commands and failed calls
    uint64_t irq_pulses = 0;
    uint64_t bytes_moved() const { return bytes_read + bytes_written; }
};

// The last command (completed, failed or refused).
struct SystolicCallRecord {
    uint32_t command = 0;
    int m = 0, n = 0, k = 0;
    bool accumulate = false;
    systolic_regs::ErrorCause error = systolic_regs::ErrorCause::kNone;
    uint64_t error_addr = 0;        // the burst the memory refused (kDmaError)
    sc_core::sc_time issued, finished;
    uint64_t cycles = 0, dma_in_cycles = 0, compute_cycles = 0, dma_out_cycles = 0;
    uint64_t bytes_read = 0, bytes_written = 0;
};

class SystolicTile : public sc_core::sc_module {
public:
    SystolicTile(sc_core::sc_module_name name, const SystolicTileConfig& cfg = {});
    ~SystolicTile() override;

    tlm_utils::simple_target_socket<SystolicTile> cfg_socket;     // AXI-lite, 32-bit registers
    tlm_utils::simple_initiator_socket<SystolicTile> axi_master;  // DMA
    TraceSignal<bool> irq;                // pulse per completion or error
    TraceSignal<bool> busy;
    TraceSignal<uint32_t> error_cause;
    TraceSignal<uint32_t> command;        // the running command (kCmdRun), 0 when idle
    TraceSignal<uint32_t> phase;          // of the running call: 0 idle, 1 DMA in, 2 compute, 3 DMA out

    // FST of the RTL for the tile cycles in [from_cycle, to_cycle) (cycle c
    // spans [c, c + 1) x period of simulated time; the array only toggles
    // while it computes). Off by default. The file is complete after
    // close_fst() or the tile's destruction.
    void open_fst(const std::string& path, uint64_t from_cycle = 0, uint64_t to_cycle = UINT64_MAX);
    void close_fst();
    // The RTL trace's gate and size limit (SystolicRtl::set_fst_gate / set_fst_limit).
    SystolicRtl& rtl() { return rtl_; }
    // SystemC-side signals (irq, busy, error_cause) into a VCD.
    void trace(sc_core::sc_trace_file* tf) const;

    // Register access without bus timing (debuggers, loaders, tests).
    uint32_t peek(uint32_t offset) const;
    void poke(uint32_t offset, uint32_t value);

    const SystolicTileConfig& config() const { return cfg_; }
    sc_core::sc_time period() const { return period_; }
    // The tile's own cycle count: simulated time / period.
    uint64_t cycle() const;
    bool idle() const { return !job_; }
    const SystolicTileStats& stats() const { return stats_; }
    const SystolicCallRecord& last_call() const { return last_; }

private:
    struct Job {
        int m = 0, n = 0, k = 0;
        bool accumulate = false;
        uint64_t a = 0, b = 0, c = 0;
        uint64_t lda = 0, ldb = 0, ldc = 0;
        sc_core::sc_time issued;
    };

    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    uint32_t read_register(uint32_t offset) const;
    void write_register(uint32_t offset, uint32_t value);
    void issue(uint32_t command);
    void refuse(uint32_t command, systolic_regs::ErrorCause cause);
    void latch_error(systolic_regs::ErrorCause cause);
    // One row as bursts; false (and error_addr) on an error response.
    bool dma_row(bool write, uint64_t addr, uint8_t* data, uint64_t len, sc_core::sc_time& delay,
                 SystolicCallRecord& rec);
    uint64_t to_cycles(const sc_core::sc_time& t) const;

    void run_thread();
    void irq_thread();
    void request_irq();

    const SystolicTileConfig cfg_;
    const sc_core::sc_time period_;
    SystolicRtl rtl_;
    std::array<uint32_t, systolic_regs::kNumRegisters> regs_{};
    systolic_regs::ErrorCause cause_ = systolic_regs::ErrorCause::kNone;
    bool error_ = false;
    bool done_ = false;
    uint32_t last_cycles_ = 0;
    std::optional<Job> job_;
    sc_core::sc_event start_, irq_request_;
    int irq_pending_ = 0;
    SystolicTileStats stats_;
    SystolicCallRecord last_;
    // Staging buffers of one call (packed A, B, C as DMA moved them).
    std::vector<int8_t> a_buf_, b_buf_;
    std::vector<int32_t> c_buf_;
    std::vector<uint8_t> row_bytes_;
};

}  // namespace edgebert::hw
