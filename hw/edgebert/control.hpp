// Control unit: the 32 configuration registers behind the AXI-lite slave, the
// command decoder, error checking and the interrupt line.
//
// Commands run on two engines: DMA commands (1-6) on the DMA engines, compute
// commands (7-12) on the PU or SFU. One of each may run at once, which is how
// the HLS design overlaps loading the next operand with computing; a second
// command for a busy engine is an error (kBusy), as is a DMA that touches SRAM
// rows the running computation uses (kOverlap). Every completed command and
// every error pulses the interrupt for irq_pulse_cycles; kCtrl tells which.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hw/edgebert/trace_signal.hpp"
#include "hw/edgebert/dma_engine.hpp"
#include "hw/edgebert/processing_unit.hpp"
#include "hw/edgebert/register_map.hpp"
#include "hw/edgebert/special_function_unit.hpp"
#include "hw/edgebert/tile_config.hpp"

namespace edgebert::hw {

class Adpll;
class Ldo;
class BitmaskDecoder;

// The blocks the control unit drives.
struct TileBlocks {
    BitmaskDecoder* dec[2];
    ProcessingUnit* pu;
    SpecialFunctionUnit* sfu;
    DmaEngine* dma_mask;
    DmaEngine* dma_input;
    DmaEngine* dma_aux;
    Ldo* ldo;
    Adpll* adpll;
};

// One completed (or refused) command, for reports and the SoC's event log.
struct CommandRecord {
    uint32_t command = 0;
    regs::ErrorCause error = regs::ErrorCause::kNone;
    sc_core::sc_time issued, started, finished;
    uint64_t cycles = 0;       // tile cycles the unit was busy
    uint64_t dma_bytes = 0;
};

struct TileStats {
    std::array<uint64_t, regs::kMaxCommand + 1> count{};
    std::array<uint64_t, regs::kMaxCommand + 1> cycles{};
    uint64_t errors = 0;
    uint64_t irq_pulses = 0;
};

class Control : public sc_core::sc_module {
public:
    Control(sc_core::sc_module_name name, const EdgebertTileConfig& cfg, const TileBlocks& blocks);

    tlm_utils::simple_target_socket<Control> cfg_socket;  // AXI-lite, 32-bit registers

    TraceSignal<bool> irq;
    TraceSignal<uint32_t> dma_command;      // running DMA command, 0 when idle
    TraceSignal<uint32_t> compute_command;  // running compute command, 0 when idle
    TraceSignal<uint32_t> error_cause;

    // Register access without bus timing (debuggers, loaders, tests).
    uint32_t peek(uint32_t offset) const;
    void poke(uint32_t offset, uint32_t value);

    const TileStats& stats() const { return stats_; }
    const std::vector<CommandRecord>& log() const { return log_; }
    void set_command_observer(std::function<void(const CommandRecord&)> fn) { observer_ = std::move(fn); }
    bool idle() const { return !dma_job_ && !compute_job_; }

private:
    struct Range {
        const Sram* sram;
        int first, count;
        bool written;
    };
    struct PendingCommand {
        uint32_t command = 0;
        sc_core::sc_time issued;
        std::vector<Range> footprint;
        DmaJob dma;
        DmaEngine* engine = nullptr;
        MatmulJob matmul;
        SfuJob sfu;
    };

    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    void write_register(uint32_t offset, uint32_t value);
    uint32_t read_register(uint32_t offset) const;
    void issue(uint32_t command);
    void refuse(uint32_t command, regs::ErrorCause cause);
    regs::ErrorCause prepare_dma(uint32_t command, PendingCommand& pc);
    regs::ErrorCause prepare_compute(uint32_t command, PendingCommand& pc);
    static bool conflicts(const std::vector<Range>& a, const std::vector<Range>& b);
    void finish(const PendingCommand& pc, const UnitOutcome& outcome, sc_core::sc_time started,
                uint64_t dma_bytes);
    void apply_dvfs_level(int level);

    void dma_thread();
    void compute_thread();
    void irq_thread();
    void request_irq();

    uint32_t field(const char* name) const;
    int bias_field(uint32_t field_value) const;
    int lanes() const { return cfg_.lanes; }

    const EdgebertTileConfig& cfg_;
    TileBlocks b_;
    std::array<uint32_t, regs::kNumRegisters> regs_{};
    uint32_t status_ = 0;         // hardware-written kStatus
    regs::ErrorCause cause_ = regs::ErrorCause::kNone;
    bool error_ = false;
    bool dma_done_ = false, compute_done_ = false;
    uint32_t last_command_ = 0;
    std::optional<PendingCommand> dma_job_, compute_job_;
    sc_core::sc_event dma_start_, compute_start_, irq_request_;
    int irq_pending_ = 0;
    TileStats stats_;
    std::vector<CommandRecord> log_;
    std::function<void(const CommandRecord&)> observer_;
};

}  // namespace edgebert::hw
