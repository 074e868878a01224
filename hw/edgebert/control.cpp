#include "hw/edgebert/control.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "common/error.hpp"
#include "hw/edgebert/adpll.hpp"
#include "hw/edgebert/bitmask_decoder.hpp"
#include "hw/edgebert/ldo.hpp"

namespace edgebert::hw {

using regs::ErrorCause;

Control::Control(sc_core::sc_module_name name, const EdgebertTileConfig& cfg, const TileBlocks& blocks)
    : sc_module(name), cfg_socket("cfg_socket"), irq("irq", false), dma_command("dma_command", 0),
      compute_command("compute_command", 0), error_cause("error_cause", 0), cfg_(cfg),
      window_bytes_(regs::window_bytes(cfg.register_layout())), b_(blocks) {
    cfg_socket.register_b_transport(this, &Control::b_transport);
    SC_HAS_PROCESS(Control);
    SC_THREAD(dma_thread);
    SC_THREAD(compute_thread);
    SC_THREAD(irq_thread);
}

// ---------------------------------------------------------------- registers

uint32_t Control::read_register(uint32_t offset) const {
    if (offset == regs::kCtrl) {
        uint32_t v = static_cast<uint32_t>(cause_) & regs::ctrl::kCauseMask;
        if (error_) v |= regs::ctrl::kErrorBit;
        if (dma_job_) v |= regs::ctrl::kDmaBusyBit;
        if (compute_job_) v |= regs::ctrl::kComputeBusyBit;
        v |= (last_command_ & 0xFF) << regs::ctrl::kLastCmdShift;
        if (dma_done_) v |= regs::ctrl::kDmaDoneBit;
        if (compute_done_) v |= regs::ctrl::kComputeDoneBit;
        return v;
    }
    if (offset == regs::kStatus) return status_;
    return regs_[offset / 4];
}

void Control::write_register(uint32_t offset, uint32_t value) {
    switch (offset) {
        case regs::kCtrl:
            if (value & regs::ctrl::kSoftResetBit) {
                error_ = false;
                cause_ = ErrorCause::kNone;
                dma_done_ = compute_done_ = false;
                error_cause.write(0);
                clear_extension_registers(regs_);
            }
            if (value & regs::ctrl::kDmaDoneBit) dma_done_ = false;
            if (value & regs::ctrl::kComputeDoneBit) compute_done_ = false;
            return;
        case regs::kStatus: return;  // hardware-written
        case regs::kCommand:
            regs_[offset / 4] = value;
            issue(value);
            clear_extension_registers(regs_);  // decoded by issue(): they served this command
            return;
        default: regs_[offset / 4] = value;
    }
}

namespace {
uint32_t checked_offset(const EdgebertTileConfig& cfg, uint32_t offset) {
    const auto layout = cfg.register_layout();
    if (offset >= regs::window_bytes(layout))
        throw Error(fmt::format("EdgeBERT tile: register offset 0x{:x} is beyond the {} register layout's window "
                                "(0x{:x} bytes)", offset, regs::register_layout_name(layout),
                                regs::window_bytes(layout)));
    return offset & ~3u;
}
}  // namespace

uint32_t Control::peek(uint32_t offset) const { return read_register(checked_offset(cfg_, offset)); }
void Control::poke(uint32_t offset, uint32_t value) { write_register(checked_offset(cfg_, offset), value); }

void Control::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    const uint64_t addr = trans.get_address();
    // The published layout decodes 0x00-0x7C, the extended one also its extension registers.
    const uint64_t window = window_bytes_;
    if (trans.get_data_length() != 4 || (addr & 3) || addr >= window) {
        trans.set_response_status(addr >= window ? tlm::TLM_ADDRESS_ERROR_RESPONSE
                                                             : tlm::TLM_BURST_ERROR_RESPONSE);
        return;
    }
    if (trans.get_byte_enable_ptr()) {
        trans.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        return;
    }
    // One AXI-lite transfer costs a tile cycle at the slave.
    delay += b_.adpll->period();
    uint32_t v = 0;
    if (trans.is_write()) {
        std::memcpy(&v, trans.get_data_ptr(), 4);
        // Commands must start at the annotated time, so synchronise first.
        if (addr == regs::kCommand && delay > sc_core::SC_ZERO_TIME) {
            sc_core::wait(delay);
            delay = sc_core::SC_ZERO_TIME;
        }
        write_register(static_cast<uint32_t>(addr), v);
    } else if (trans.is_read()) {
        if (delay > sc_core::SC_ZERO_TIME) {  // status must be current at the read's time
            sc_core::wait(delay);
            delay = sc_core::SC_ZERO_TIME;
        }
        v = read_register(static_cast<uint32_t>(addr));
        std::memcpy(trans.get_data_ptr(), &v, 4);
    }
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

// ---------------------------------------------------------------- commands

void Control::refuse(uint32_t command, ErrorCause cause) {
    if (!error_) {  // the first error's cause is kept until a soft reset
        error_ = true;
        cause_ = cause;
        error_cause.write(static_cast<uint32_t>(cause));
    }
    ++stats_.errors;
    ++stats_.refused;
    CommandRecord r;
    r.command = command;
    r.error = cause;
    r.issued = r.started = r.finished = sc_core::sc_time_stamp();
    log_.push_back(r);
    if (observer_) observer_(r);
    request_irq();
}

void Control::warn(PendingCommand* pc, uint32_t command, const std::vector<CheckViolation>& warnings) {
    const auto now = sc_core::sc_time_stamp();
    const auto cycle = static_cast<uint64_t>(now / b_.adpll->period() + 0.5);
    for (const auto& v : warnings) {
        if (pc) {  // one warning per cause and command, wherever it is found
            if (std::find(pc->warned.begin(), pc->warned.end(), v.cause) != pc->warned.end()) continue;
            pc->warned.push_back(v.cause);
        }
        ++stats_.warnings;
        ++stats_.warnings_by_cause[static_cast<size_t>(v.cause)];
        if (warnings_.size() < kMaxWarningRecords)
            warnings_.push_back(make_warning(v, command, cycle, now.value()));
    }
}

Control::PendingCommand Control::pending(const CommandPlan& plan) {
    PendingCommand pc;
    pc.command = plan.command;
    pc.issued = sc_core::sc_time_stamp();
    pc.footprint = plan.footprint;
    pc.matmul = plan.matmul;
    pc.sfu = plan.sfu;
    if (plan.dma) {
        const DmaPlan& d = plan.dma_job;
        pc.dma.to_sram = d.to_sram;
        pc.dma.dram_addr = d.dram_addr;
        pc.dma.first_row = d.first_row;
        pc.dma.rows = d.rows;
        switch (d.sram) {
            case SramId::Mask0:
            case SramId::Mask1:
                pc.dma.sram = &b_.dec[d.sram == SramId::Mask1]->mask_sram;
                pc.engine = b_.dma_mask;
                break;
            case SramId::Input0:
            case SramId::Input1:
                pc.dma.sram = &b_.dec[d.sram == SramId::Input1]->input_sram;
                pc.engine = b_.dma_input;
                break;
            case SramId::Aux:
                pc.dma.sram = &b_.sfu->aux_sram;
                pc.engine = b_.dma_aux;
        }
    }
    return pc;
}

void Control::issue(uint32_t command) {
    // Checks in strict mode's order: latched error, command code, busy unit, registers.
    const CommandPlan plan = plan_command(cfg_, regs_, command);
    const bool dma = plan.dma;
    const auto& running = dma ? dma_job_ : compute_job_;
    std::vector<CheckViolation> v;
    if (error_) v.push_back(error_pending_violation(read_register(regs::kCtrl), cause_));
    if (plan.known && running) v.push_back(busy_violation(command, running->command, dma));
    v.insert(v.end(), plan.violations.begin(), plan.violations.end());
    const CheckDecision d = decide(cfg_.checks, v);
    PendingCommand pc;
    if (d.run) pc = pending(plan);
    warn(d.run ? &pc : nullptr, command, d.warnings);
    if (d.refuse != ErrorCause::kNone) return refuse(command, d.refuse);
    if (!d.run) return;  // silicon mode: an unknown command is ignored, as the original does
    if (running) {       // silicon mode: back-pressure, the command runs when the unit is free
        (dma ? dma_queue_ : compute_queue_).push_back(std::move(pc));
        return;
    }
    dispatch(std::move(pc));
}

void Control::dispatch(PendingCommand pc) {
    const bool dma = regs::is_dma_command(pc.command);
    const auto& other = dma ? compute_job_ : dma_job_;
    if (other && ranges_conflict(cfg_, pc.footprint, other->footprint)) {
        const CheckDecision d = decide(cfg_.checks, {overlap_violation(pc.command, other->command)});
        warn(&pc, pc.command, d.warnings);
        if (!d.run) return refuse(pc.command, d.refuse);
    }
    const auto decode = b_.adpll->period() * static_cast<double>(cfg_.timing.command_decode_cycles);
    if (dma) {
        dma_job_ = std::move(pc);
        dma_command.write(dma_job_->command);
        dma_start_.notify(decode);
    } else {
        compute_job_ = std::move(pc);
        compute_command.write(compute_job_->command);
        compute_start_.notify(decode);
    }
}

void Control::start_next(bool dma) {
    auto& q = dma ? dma_queue_ : compute_queue_;
    if (q.empty()) return;
    PendingCommand pc = std::move(q.front());
    q.pop_front();
    dispatch(std::move(pc));
}

void Control::finish(PendingCommand& pc, const UnitOutcome& outcome, sc_core::sc_time started,
                     uint64_t dma_bytes) {
    CommandRecord r;
    r.command = pc.command;
    r.error = outcome.error;
    r.issued = pc.issued;
    r.started = started;
    r.finished = sc_core::sc_time_stamp();
    r.cycles = outcome.cycles;
    r.dma_bytes = dma_bytes;
    warn(&pc, pc.command, outcome.warnings);
    if (outcome.error != ErrorCause::kNone) {
        if (outcome.error != ErrorCause::kDmaError) ++stats_.refused;
        if (!error_) {
            error_ = true;
            cause_ = outcome.error;
            error_cause.write(static_cast<uint32_t>(cause_));
        }
        ++stats_.errors;
    } else {
        ++stats_.count[pc.command];
        stats_.cycles[pc.command] += outcome.cycles;
        last_command_ = pc.command;
        (regs::is_dma_command(pc.command) ? dma_done_ : compute_done_) = true;
    }
    log_.push_back(r);
    if (observer_) observer_(r);
    for (auto* d : b_.dec) d->update_occupancy();
    b_.sfu->aux_rows_used.write(static_cast<uint32_t>(b_.sfu->aux_sram.high_water()));
    request_irq();
}

void Control::dma_thread() {
    for (;;) {
        sc_core::wait(dma_start_);
        const auto started = sc_core::sc_time_stamp();
        const DmaResult res = dma_job_->engine->run(dma_job_->dma);
        UnitOutcome o;
        o.error = res.error ? ErrorCause::kDmaError : ErrorCause::kNone;
        o.cycles = static_cast<uint64_t>(res.duration / b_.adpll->period() + 0.5);
        PendingCommand pc = std::move(*dma_job_);
        dma_job_.reset();
        dma_command.write(0);
        finish(pc, o, started, res.bytes);
        start_next(true);
    }
}

void Control::apply_dvfs_level(const SfuJob& job, int level) {
    // The codes as they were at the command write (plan_command), like every field.
    const int dco = level < 15 ? job.dco_codes.at(static_cast<size_t>(level)) : b_.adpll->max_code();
    const int ldo = job.ldo_codes.at(static_cast<size_t>(level));
    const int dco_c = std::min(dco, b_.adpll->max_code());
    const int ldo_c = std::min(ldo, b_.ldo->max_code());
    // Raise the supply before the clock, lower the clock before the supply, so
    // the logic never runs faster than its voltage allows.
    const bool faster = b_.adpll->code_to_mhz(dco_c) > b_.adpll->frequency_mhz();
    if (faster) {
        sc_core::wait(b_.ldo->set_code(ldo_c));
        sc_core::wait(b_.adpll->set_code(dco_c));
    } else {
        sc_core::wait(b_.adpll->set_code(dco_c));
        sc_core::wait(b_.ldo->set_code(ldo_c));
    }
    status_ = (status_ & ~(0x3Fu << 2) & ~(0xFFu << 10)) | (static_cast<uint32_t>(dco_c) << 2) |
              (static_cast<uint32_t>(ldo_c) << 10);
}

void Control::compute_thread() {
    for (;;) {
        sc_core::wait(compute_start_);
        const auto started = sc_core::sc_time_stamp();
        PendingCommand& pc = *compute_job_;
        UnitOutcome o;
        if (pc.command == regs::kCmdMatmul) {
            o = b_.pu->run(pc.matmul);
        } else {
            const SfuOutcome s = b_.sfu->run(pc.sfu);
            o = s;
            if (s.error == ErrorCause::kNone && s.entropy_valid) {
                const uint32_t h14 = std::min<uint32_t>(s.entropy_q10, 0x3FFF);
                status_ = (status_ & ~0x3u & ~(0x3FFFu << 18)) | (s.exit ? 3u : 2u) | (h14 << 18);
            }
            if (s.error == ErrorCause::kNone && pc.command == regs::kCmdDvfs) {
                const int level = pc.sfu.entropy_scale > 0 ? s.dvfs_level : pc.sfu.direct_level;
                const auto t0 = sc_core::sc_time_stamp();
                apply_dvfs_level(pc.sfu, level);
                // Switching time is part of the command (in cycles of the new clock).
                o.cycles += static_cast<uint64_t>((sc_core::sc_time_stamp() - t0) / b_.adpll->period() + 0.5);
            }
        }
        PendingCommand done = std::move(pc);
        compute_job_.reset();
        compute_command.write(0);
        finish(done, o, started, 0);
        start_next(false);
    }
}

void Control::request_irq() {
    ++irq_pending_;
    irq_request_.notify(sc_core::SC_ZERO_TIME);
}

void Control::irq_thread() {
    for (;;) {
        // Events that arrive during a pulse get a pulse of their own after a
        // one-cycle low, so every completion is a rising edge for the PLIC.
        while (irq_pending_ == 0) sc_core::wait(irq_request_);
        irq_pending_ = 0;
        ++stats_.irq_pulses;
        irq.write(true);
        sc_core::wait(b_.adpll->period() * static_cast<double>(cfg_.timing.irq_pulse_cycles));
        irq.write(false);
        sc_core::wait(b_.adpll->period());
    }
}

}  // namespace edgebert::hw
