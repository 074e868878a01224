// Control unit: the 32 configuration registers behind the AXI-lite slave, the
// command decoder, error checking and the interrupt line.
//
// Commands run on two engines: DMA commands (1-6) on the DMA engines, compute
// commands (7-12) on the PU or SFU. One of each may run at once, which is how
// the HLS design overlaps loading the next operand with computing. The
// registers are decoded when the command register is written
// (plan_command, command_check.hpp). In strict mode (EdgebertTileConfig::checks)
// illegal programming is refused with a cause: a second command for a busy
// engine (kBusy), a DMA that touches SRAM rows the running computation uses
// (kOverlap), and everything plan_command finds. In silicon mode the tile does
// what the original does instead (a command for a busy engine waits in a queue
// and runs when the engine is free; wrap; no overlap check; ...) and records a
// CheckWarning; only the cases where the original hangs are refused. Every
// completed command and every error pulses the interrupt for irq_pulse_cycles;
// kCtrl tells which.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hw/edgebert/trace_signal.hpp"
#include "hw/edgebert/command_check.hpp"
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
    std::array<uint64_t, regs::kMaxExtCommand + 1> count{};   // by command code (extensions included)
    std::array<uint64_t, regs::kMaxExtCommand + 1> cycles{};
    uint64_t errors = 0;       // refused commands and unit errors (DMA error responses)
    uint64_t refused = 0;      // commands refused at issue or by their unit's checks
    uint64_t irq_pulses = 0;
    uint64_t warnings = 0;     // silicon mode: programming the original runs differently
    std::array<uint64_t, regs::kNumErrorCauses> warnings_by_cause{};
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
    // Silicon mode's warnings, the first kMaxWarningRecords of them (stats() counts all).
    const std::vector<CheckWarning>& warnings() const { return warnings_; }
    static constexpr size_t kMaxWarningRecords = 10000;
    CheckMode checks() const { return cfg_.checks; }
    void set_command_observer(std::function<void(const CommandRecord&)> fn) { observer_ = std::move(fn); }
    bool idle() const { return !dma_job_ && !compute_job_ && dma_queue_.empty() && compute_queue_.empty(); }

private:
    struct PendingCommand {
        uint32_t command = 0;
        sc_core::sc_time issued;
        std::vector<SramRange> footprint;
        DmaJob dma;
        DmaEngine* engine = nullptr;
        MatmulJob matmul;
        SfuJob sfu;
        std::vector<regs::ErrorCause> warned;  // causes already warned for this command
    };

    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    void write_register(uint32_t offset, uint32_t value);
    uint32_t read_register(uint32_t offset) const;
    void issue(uint32_t command);
    void refuse(uint32_t command, regs::ErrorCause cause);
    PendingCommand pending(const CommandPlan& plan);
    void dispatch(PendingCommand pc);
    void start_next(bool dma);
    void warn(PendingCommand* pc, uint32_t command, const std::vector<CheckViolation>& warnings);
    void finish(PendingCommand& pc, const UnitOutcome& outcome, sc_core::sc_time started,
                uint64_t dma_bytes);
    void apply_dvfs_level(const SfuJob& job, int level);

    void dma_thread();
    void compute_thread();
    void irq_thread();
    void request_irq();


    const EdgebertTileConfig& cfg_;
    const uint32_t window_bytes_;  // registers the layout decodes (regs::window_bytes)
    TileBlocks b_;
    RegisterFile regs_{};
    uint32_t status_ = 0;         // hardware-written kStatus
    regs::ErrorCause cause_ = regs::ErrorCause::kNone;
    bool error_ = false;
    bool dma_done_ = false, compute_done_ = false;
    uint32_t last_command_ = 0;
    std::optional<PendingCommand> dma_job_, compute_job_;
    std::deque<PendingCommand> dma_queue_, compute_queue_;  // silicon mode: back-pressured commands
    sc_core::sc_event dma_start_, compute_start_, irq_request_;
    int irq_pending_ = 0;
    TileStats stats_;
    std::vector<CommandRecord> log_;
    std::vector<CheckWarning> warnings_;
    std::function<void(const CommandRecord&)> observer_;
};

}  // namespace edgebert::hw
