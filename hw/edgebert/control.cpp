#include "hw/edgebert/control.hpp"

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
      compute_command("compute_command", 0), error_cause("error_cause", 0), cfg_(cfg), b_(blocks) {
    cfg_socket.register_b_transport(this, &Control::b_transport);
    SC_HAS_PROCESS(Control);
    SC_THREAD(dma_thread);
    SC_THREAD(compute_thread);
    SC_THREAD(irq_thread);
}

// ---------------------------------------------------------------- registers

uint32_t Control::field(const char* name) const {
    for (int i = 0; i < regs::kNumRegisterFields; ++i) {
        const auto& f = regs::kRegisterFields[i];
        if (std::strcmp(f.name, name) == 0)
            return static_cast<uint32_t>(regs::field_value(regs_[f.offset / 4], f.lsb, f.width, false));
    }
    throw std::logic_error(std::string("unknown register field ") + name);
}

int Control::bias_field(uint32_t v) const { return cfg_.bias_range.min + static_cast<int>(v); }

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
            }
            if (value & regs::ctrl::kDmaDoneBit) dma_done_ = false;
            if (value & regs::ctrl::kComputeDoneBit) compute_done_ = false;
            return;
        case regs::kStatus: return;  // hardware-written
        case regs::kCommand:
            regs_[offset / 4] = value;
            issue(value);
            return;
        default: regs_[offset / 4] = value;
    }
}

uint32_t Control::peek(uint32_t offset) const { return read_register(offset & ~3u); }
void Control::poke(uint32_t offset, uint32_t value) { write_register(offset & ~3u, value); }

void Control::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    const uint64_t addr = trans.get_address();
    if (trans.get_data_length() != 4 || (addr & 3) || addr >= regs::kWindowBytes) {
        trans.set_response_status(addr >= regs::kWindowBytes ? tlm::TLM_ADDRESS_ERROR_RESPONSE
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
    CommandRecord r;
    r.command = command;
    r.error = cause;
    r.issued = r.started = r.finished = sc_core::sc_time_stamp();
    log_.push_back(r);
    if (observer_) observer_(r);
    request_irq();
}

bool Control::conflicts(const std::vector<Range>& a, const std::vector<Range>& b) {
    for (const auto& x : a)
        for (const auto& y : b)
            if (x.sram == y.sram && (x.written || y.written) && x.first < y.first + y.count &&
                y.first < x.first + x.count)
                return true;
    return false;
}

ErrorCause Control::prepare_dma(uint32_t command, PendingCommand& pc) {
    if (field("use_axi") != 1) return ErrorCause::kBadMode;
    const int dec = static_cast<int>(field("flip_mem"));
    DmaJob& j = pc.dma;
    j.to_sram = command == regs::kCmdMaskRead || command == regs::kCmdInputRead || command == regs::kCmdAuxRead;
    switch (command) {
        case regs::kCmdMaskRead:
        case regs::kCmdMaskWrite:
            j.sram = &b_.dec[dec]->mask_sram;
            j.first_row = static_cast<int>(field(dec ? "base_mask1" : "base_mask0"));
            j.rows = static_cast<int>(field("dma_length")) + 1;
            j.dram_addr = regs_[(command == regs::kCmdMaskRead ? regs::kMaskRdAddr : regs::kMaskWrAddr) / 4];
            pc.engine = b_.dma_mask;
            break;
        case regs::kCmdInputRead:
        case regs::kCmdInputWrite:
            j.sram = &b_.dec[dec]->input_sram;
            j.first_row = static_cast<int>(field(dec ? "base_input1" : "base_input0"));
            j.rows = static_cast<int>(field("dma_length")) + 1;
            j.dram_addr = regs_[(command == regs::kCmdInputRead ? regs::kInputRdAddr : regs::kInputWrAddr) / 4];
            pc.engine = b_.dma_input;
            break;
        default:
            j.sram = &b_.sfu->aux_sram;
            j.first_row = static_cast<int>(field("aux_dma_base"));
            j.rows = static_cast<int>(field("aux_dma_length")) + 1;
            j.dram_addr = regs_[(command == regs::kCmdAuxRead ? regs::kAuxRdAddr : regs::kAuxWrAddr) / 4];
            pc.engine = b_.dma_aux;
    }
    if (j.first_row + j.rows > j.sram->rows()) return ErrorCause::kSramOverflow;
    pc.footprint = {{j.sram, j.first_row, j.rows, j.to_sram}};
    return ErrorCause::kNone;
}

ErrorCause Control::prepare_compute(uint32_t command, PendingCommand& pc) {
    if (field("use_axi") != 0) return ErrorCause::kBadMode;
    const bool sfu = command != regs::kCmdMatmul;
    if (field("use_gb") != (sfu ? 1u : 0u)) return ErrorCause::kBadMode;
    const int L = lanes();
    const int out_dec = static_cast<int>(field("flip_mem"));
    auto& d0 = *b_.dec[0];
    auto& d1 = *b_.dec[1];
    auto& dout = *b_.dec[out_dec];
    auto fits = [](int first, int count, const Sram& s) { return first + count <= s.rows(); };

    if (!sfu) {
        MatmulJob& j = pc.matmul;
        auto& p = j.params;
        p.n0 = static_cast<int>(field("n0"));
        p.n1 = static_cast<int>(field("n1"));
        p.m = static_cast<int>(field("m"));
        p.a_bias = bias_field(field("bias_act1"));
        p.b_bias = bias_field(field("bias_act2"));
        p.out_bias = bias_field(field("accum_bias"));
        p.relu = field("is_relu");
        p.add_bias = field("is_bias");
        p.weight_bias = regs::field_value(regs_[regs::kMatmulConfig / 4], 8, 8, true);
        p.shift = static_cast<int>(field("accum_shift"));
        try {
            fn::validate_matmul(cfg_, p);
        } catch (const ShapeError&) {
            return ErrorCause::kBadDims;
        }
        j.a_mask_base = static_cast<int>(field("base_mask0"));
        j.a_input_base = static_cast<int>(field("base_input0"));
        j.b_mask_base = static_cast<int>(field("base_mask1"));
        j.b_input_base = static_cast<int>(field("base_input1"));
        j.out_decoder = out_dec;
        j.out_input_base = static_cast<int>(field("base_output"));
        j.out_mask_base = static_cast<int>(field("base_output_mask"));
        const int a_vec = p.n0 * p.m / L, b_vec = p.n1 * p.m / L, c_vec = p.n0 * p.n1 / L;
        if (!fits(j.a_mask_base, a_vec, d0.mask_sram) || !fits(j.b_mask_base, b_vec, d1.mask_sram) ||
            !fits(j.a_input_base, 1, d0.input_sram) || !fits(j.b_input_base, 1, d1.input_sram) ||
            !fits(j.out_input_base, c_vec, dout.input_sram) || !fits(j.out_mask_base, c_vec, dout.mask_sram))
            return ErrorCause::kSramOverflow;
        pc.footprint = {{&d0.mask_sram, j.a_mask_base, a_vec, false},
                        {&d0.input_sram, j.a_input_base, std::min(a_vec, d0.input_sram.rows() - j.a_input_base), false},
                        {&d1.mask_sram, j.b_mask_base, b_vec, false},
                        {&d1.input_sram, j.b_input_base, std::min(b_vec, d1.input_sram.rows() - j.b_input_base), false},
                        {&dout.mask_sram, j.out_mask_base, c_vec, true},
                        {&dout.input_sram, j.out_input_base, c_vec, true}};
        return ErrorCause::kNone;
    }

    SfuJob& j = pc.sfu;
    uint32_t want_mode = regs::kGbEntropy;
    switch (command) {
        case regs::kCmdLayerNorm: j.op = SfuOp::LayerNorm; want_mode = regs::kGbLayerNorm; break;
        case regs::kCmdSoftmax: j.op = SfuOp::Softmax; want_mode = regs::kGbSoftmax; break;
        case regs::kCmdElementAdd: j.op = SfuOp::ElementAdd; want_mode = regs::kGbElementAdd; break;
        case regs::kCmdEntropy: j.op = SfuOp::Entropy; break;
        default: j.op = SfuOp::Dvfs;
    }
    if (field("gb_mode") != want_mode) return ErrorCause::kBadMode;
    j.num_vector = static_cast<int>(field("num_vector"));
    j.num_timestep = static_cast<int>(field("num_timestep"));
    if (j.num_vector < 1 || j.num_timestep < 1 || j.num_vector > cfg_.max_num_vector ||
        j.num_timestep > cfg_.max_num_timestep)
        return ErrorCause::kBadDims;
    j.x_bias = bias_field(field("bias_act1"));
    j.y_bias = bias_field(field("bias_act2"));
    j.out_bias = bias_field(field("bias_act3"));
    j.x_mask_base = static_cast<int>(field("base_mask0"));
    j.x_input_base = static_cast<int>(field("base_input0"));
    j.y_mask_base = static_cast<int>(field("base_mask1"));
    j.y_input_base = static_cast<int>(field("base_input1"));
    j.out_decoder = out_dec;
    j.out_input_base = static_cast<int>(field("base_output"));
    j.out_mask_base = static_cast<int>(field("base_output_mask"));
    j.gamma_row = static_cast<int>(field("base_gamma"));
    j.beta_row = static_cast<int>(field("base_beta"));
    j.span_row = static_cast<int>(field("base_attn_span"));
    j.gamma_bias = bias_field(field("bias_gamma"));
    j.beta_bias = bias_field(field("bias_beta"));
    j.span_bias = bias_field(field("bias_attn_span"));
    j.threshold_q10 = static_cast<uint16_t>(field("entropy_threshold"));
    j.entropy_scale = static_cast<int>(field("entropy_scale"));
    const int vec = j.num_vector * j.num_timestep;
    const auto& aux = b_.sfu->aux_sram;
    if (!fits(j.x_mask_base, vec, d0.mask_sram) || !fits(j.x_input_base, 1, d0.input_sram))
        return ErrorCause::kSramOverflow;
    pc.footprint = {{&d0.mask_sram, j.x_mask_base, vec, false},
                    {&d0.input_sram, j.x_input_base, std::min(vec, d0.input_sram.rows() - j.x_input_base), false}};
    if (j.op == SfuOp::ElementAdd) {
        if (!fits(j.y_mask_base, vec, d1.mask_sram) || !fits(j.y_input_base, 1, d1.input_sram))
            return ErrorCause::kSramOverflow;
        pc.footprint.push_back({&d1.mask_sram, j.y_mask_base, vec, false});
        pc.footprint.push_back({&d1.input_sram, j.y_input_base, std::min(vec, d1.input_sram.rows() - j.y_input_base), false});
    }
    if (j.op == SfuOp::LayerNorm) {
        if (!fits(j.gamma_row, j.num_vector, aux) || !fits(j.beta_row, j.num_vector, aux))
            return ErrorCause::kSramOverflow;
        pc.footprint.push_back({&aux, j.gamma_row, j.num_vector, false});
        pc.footprint.push_back({&aux, j.beta_row, j.num_vector, false});
    }
    if (j.op == SfuOp::Softmax) {
        if (!fits(j.span_row, j.num_vector, aux)) return ErrorCause::kSramOverflow;
        pc.footprint.push_back({&aux, j.span_row, j.num_vector, false});
    }
    if (j.op == SfuOp::LayerNorm || j.op == SfuOp::Softmax || j.op == SfuOp::ElementAdd) {
        if (!fits(j.out_input_base, vec, dout.input_sram) || !fits(j.out_mask_base, vec, dout.mask_sram))
            return ErrorCause::kSramOverflow;
        pc.footprint.push_back({&dout.mask_sram, j.out_mask_base, vec, true});
        pc.footprint.push_back({&dout.input_sram, j.out_input_base, vec, true});
    }
    return ErrorCause::kNone;
}

void Control::issue(uint32_t command) {
    if (error_) return refuse(command, ErrorCause::kErrorPending);
    if (command == regs::kCmdNone || command > regs::kMaxCommand) return refuse(command, ErrorCause::kUnknownCommand);
    const bool dma = regs::is_dma_command(command);
    if ((dma && dma_job_) || (!dma && compute_job_)) return refuse(command, ErrorCause::kBusy);
    PendingCommand pc;
    pc.command = command;
    pc.issued = sc_core::sc_time_stamp();
    const ErrorCause e = dma ? prepare_dma(command, pc) : prepare_compute(command, pc);
    if (e != ErrorCause::kNone) return refuse(command, e);
    const auto& other = dma ? compute_job_ : dma_job_;
    if (other && conflicts(pc.footprint, other->footprint)) return refuse(command, ErrorCause::kOverlap);
    const auto decode = b_.adpll->period() * static_cast<double>(cfg_.timing.command_decode_cycles);
    if (dma) {
        dma_job_ = std::move(pc);
        dma_command.write(command);
        dma_start_.notify(decode);
    } else {
        compute_job_ = std::move(pc);
        compute_command.write(command);
        compute_start_.notify(decode);
    }
}

void Control::finish(const PendingCommand& pc, const UnitOutcome& outcome, sc_core::sc_time started,
                     uint64_t dma_bytes) {
    CommandRecord r;
    r.command = pc.command;
    r.error = outcome.error;
    r.issued = pc.issued;
    r.started = started;
    r.finished = sc_core::sc_time_stamp();
    r.cycles = outcome.cycles;
    r.dma_bytes = dma_bytes;
    if (outcome.error != ErrorCause::kNone) {
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
        const PendingCommand pc = std::move(*dma_job_);
        dma_job_.reset();
        dma_command.write(0);
        finish(pc, o, started, res.bytes);
    }
}

void Control::apply_dvfs_level(int level) {
    const int dco = level < 15 ? regs::field_value(regs_[(regs::kDcoCodes0 / 4) + level / 5], (level % 5) * 6, 6)
                               : b_.adpll->max_code();
    const int ldo = regs::field_value(regs_[(regs::kLdoCodes0 / 4) + level / 4], (level % 4) * 8, 8);
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
                const int level = pc.sfu.entropy_scale > 0 ? s.dvfs_level : static_cast<int>(field("direct_level"));
                const auto t0 = sc_core::sc_time_stamp();
                apply_dvfs_level(level);
                // Switching time is part of the command (in cycles of the new clock).
                o.cycles += static_cast<uint64_t>((sc_core::sc_time_stamp() - t0) / b_.adpll->period() + 0.5);
            }
        }
        const PendingCommand done = std::move(pc);
        compute_job_.reset();
        compute_command.write(0);
        finish(done, o, started, 0);
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
