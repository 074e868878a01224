// Iss: configuration, construction and reset, the run loop, interrupts,
// traps and the cache-model hooks. The rest of the class, by concern:
//   iss_exec.cpp        the interpreter: execute(), one switch in one loop,
//                       whose case groups are included from
//     iss_exec_rv64i.inc  RV64I, Zifencei, system, Zicsr
//     iss_exec_m.inc      M
//     iss_exec_fd.inc     F and D
//   iss_exec_a.cpp      the A extension (LR/SC, AMOs): exec_amo()
//   iss_memory.cpp      fetch/decode slow path, decoded-instruction cache, DMI
//                       regions, load/store slow paths, tohost
//   iss_csr.cpp         the CSRs
//   iss_impl.hpp        private helpers shared by these (inline load/store)
#include "hw/iss/iss.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "hw/iss/fp.hpp"

namespace edgebert::iss {
namespace {

constexpr uint64_t kTrapLoopLimit = 4;

void check_nonzero(const std::string& origin, const char* field, uint32_t v) {
    if (v == 0) throw ConfigError(origin + ": timing." + field + " must be >= 1 (got 0)");
}

}  // namespace

// ---- configuration --------------------------------------------------------------

void IssTiming::validate(const std::string& origin) const {
    check_nonzero(origin, "alu", alu);
    check_nonzero(origin, "mul", mul);
    check_nonzero(origin, "load", load);
    check_nonzero(origin, "store", store);
    check_nonzero(origin, "amo", amo);
    check_nonzero(origin, "csr", csr);
    check_nonzero(origin, "fp_add_s", fp_add_s);
    check_nonzero(origin, "fp_add_d", fp_add_d);
    check_nonzero(origin, "fp_noncomp", fp_noncomp);
    check_nonzero(origin, "fp_conv", fp_conv);
    check_nonzero(origin, "fp_div_s", fp_div_s);
    check_nonzero(origin, "fp_div_d", fp_div_d);
    check_nonzero(origin, "fp_sqrt_s", fp_sqrt_s);
    check_nonzero(origin, "fp_sqrt_d", fp_sqrt_d);
    if (div_base + div_per_bit == 0) throw ConfigError(origin + ": timing.div_base + div_per_bit must be >= 1");
}

void IssConfig::validate(const std::string& origin) const {
    if (interrupt_check_interval == 0) {
        throw ConfigError(origin + ": interrupt_check_interval must be >= 1 (got 0)");
    }
    if ((reset_pc & 1) != 0 || (!rvc && (reset_pc & 3) != 0)) {
        throw ConfigError(origin + ": reset_pc must be " + (rvc ? "2" : "4") + "-byte aligned");
    }
    timing.validate(origin);
}

const char* to_string(StopReason reason) {
    switch (reason) {
    case StopReason::None: return "none";
    case StopReason::InstructionLimit: return "instruction-limit";
    case StopReason::Wfi: return "wfi";
    case StopReason::Exit: return "exit";
    case StopReason::TrapLoop: return "trap-loop";
    }
    return "?";
}

// ---- construction / reset ----------------------------------------------------------

Iss::Iss(IssBus& bus, const IssConfig& config) : bus_(bus), config_(config) {
    config_.validate("IssConfig");
    decode_options_.rvc = config_.rvc;
    decode_options_.rva = config_.rva;
    const IssTiming& t = config_.timing;
    timing_on_ = t.enabled;
    auto set = [this](TimingClass c, uint32_t v) { latency_[static_cast<int>(c)] = v; };
    set(TimingClass::Alu, t.alu);
    set(TimingClass::Mul, t.mul);
    set(TimingClass::Div, t.div_base + t.div_per_bit);
    set(TimingClass::Load, t.load);
    set(TimingClass::Store, t.store);
    set(TimingClass::Branch, t.alu);
    set(TimingClass::Jal, t.alu);
    set(TimingClass::Jalr, t.alu);
    set(TimingClass::Csr, t.csr);
    set(TimingClass::Fence, 1);
    set(TimingClass::FenceI, 1);
    set(TimingClass::System, 1);
    set(TimingClass::Amo, t.amo);
    set(TimingClass::FpAddS, t.fp_add_s);
    set(TimingClass::FpAddD, t.fp_add_d);
    set(TimingClass::FpDivS, t.fp_div_s);
    set(TimingClass::FpDivD, t.fp_div_d);
    set(TimingClass::FpSqrtS, t.fp_sqrt_s);
    set(TimingClass::FpSqrtD, t.fp_sqrt_d);
    set(TimingClass::FpNonComp, t.fp_noncomp);
    set(TimingClass::FpConv, t.fp_conv);
    set(TimingClass::FpLoad, t.load);
    set(TimingClass::FpStore, t.store);
    reset(config_.reset_pc);
}

Iss::~Iss() = default;

void Iss::reset(uint64_t pc) {
    std::fill(std::begin(x_), std::end(x_), 0);
    std::fill(std::begin(f_), std::end(f_), 0);
    pc_ = pc;
    mstatus_ = 0;
    mie_ = 0;
    mtvec_ = 0;
    mscratch_ = 0;
    mepc_ = 0;
    mcause_ = 0;
    mtval_ = 0;
    fflags_ = 0;
    frm_ = 0;
    mcycle_offset_ = 0;
    minstret_offset_ = 0;
    timer_pending_ = false;
    cycle_ = 0;
    instret_ = 0;
    stop_ = StopReason::None;
    wfi_ = false;
    break_ = false;
    exited_ = false;
    exit_code_ = 0;
    trap_streak_ = 0;
    last_trap_instret_ = ~0ull;
    reservation_valid_ = false;
    std::fill(std::begin(ready_), std::end(ready_), 0);
    div_free_ = 0;
    fdiv_free_ = 0;
    stats_ = IssStats{};
    console_.clear();
    flush_code_cache();
}

// ---- run loop -------------------------------------------------------------------------

uint64_t Iss::run(uint64_t max_instructions) {
    const uint64_t start = instret_;
    if (exited_) {
        stop_ = StopReason::Exit;
        return 0;
    }
    fp::FpEnv::Scope fp_scope;
    stop_ = StopReason::None;
    poll_timer();
    if (wfi_) {
        if ((mip_value() & mie_) == 0) {
            stop_ = StopReason::Wfi;
            return 0;
        }
        wfi_ = false;
    }
    while (stop_ == StopReason::None) {
        const uint64_t done = instret_ - start;
        if (done >= max_instructions) {
            stop_ = StopReason::InstructionLimit;
            break;
        }
        check_interrupts();
        if (stop_ != StopReason::None) break;
        execute(std::min<uint64_t>(max_instructions - done, config_.interrupt_check_interval));
        if (stop_ == StopReason::None) poll_timer();
    }
    fold_fp_flags();
    return instret_ - start;
}

uint64_t Iss::mip_value() const {
    uint64_t v = 0;
    if (irq_ext_) v |= irq::kMeip;
    if (irq_soft_) v |= irq::kMsip;
    if (irq_timer_line_ || timer_pending_) v |= irq::kMtip;
    return v;
}

void Iss::poll_timer() {
    fp::FpEnv::ForeignCall guard;
    timer_pending_ = bus_.mtime() >= bus_.mtimecmp();
}

bool Iss::check_interrupts() {
    const uint64_t pending = mip_value() & mie_;
    if (pending == 0 || (mstatus_ & mstatus::kMie) == 0) return false;
    uint64_t code = cause::kMachineTimer;
    if (pending & irq::kMeip) {
        code = cause::kMachineExternal;
    } else if (pending & irq::kMsip) {
        code = cause::kMachineSoftware;
    }
    take_trap(cause::kInterrupt | code, 0);
    return true;
}

void Iss::take_trap(uint64_t cause_value, uint64_t tval) {
    const bool interrupt = (cause_value & cause::kInterrupt) != 0;
    trap_streak_ = instret_ == last_trap_instret_ ? trap_streak_ + 1 : 1;
    last_trap_instret_ = instret_;
    if (trap_streak_ > kTrapLoopLimit) {
        stop_ = StopReason::TrapLoop;
        break_ = true;
    }
    if (interrupt) {
        ++stats_.interrupts;
    } else {
        ++stats_.traps;
    }
    mepc_ = pc_;
    mcause_ = cause_value;
    mtval_ = tval;
    const bool mie = (mstatus_ & mstatus::kMie) != 0;
    mstatus_ = (mstatus_ & ~(mstatus::kMie | mstatus::kMpie)) | (mie ? mstatus::kMpie : 0);
    reservation_valid_ = false;
    wfi_ = false;
    const uint64_t base = mtvec_ & ~3ull;
    pc_ = (interrupt && (mtvec_ & 1) != 0) ? base + 4 * (cause_value & 63) : base;
    if (timing_on_) penalty(config_.timing.trap, stats_.system_cycles);
}

// ---- cache model hooks (memory_access() is inline in iss.hpp) ------------------------------

void Iss::set_memory_timing(MemoryTiming* m) {
    mem_timing_ = m;
    filter_shift_ = m ? m->filter_line_shift() : 4;
    for (int k = 0; k < 2; ++k) mru_[k] = m ? m->mru_table(k) : MemoryTiming::MruTable{};
    reset_memory_filters();
}

void Iss::memory_access_slow(int kind, uint64_t addr) {
    // The model is integer-only; the platform guards the host FP flags where
    // a miss leaves for SystemC (see IssHost).
    const MemoryTimingResult r = kind == 0   ? mem_timing_->fetch(addr, cycle_)
                                 : kind == 1 ? mem_timing_->load(addr, cycle_)
                                             : mem_timing_->store(addr, cycle_);
    if (r.stall) penalty(r.stall, stats_.memory_stall_cycles);
    const uint64_t line = addr >> filter_shift_;
    for (int k = 0; k < 3; ++k) {
        if (r.clear & (1u << k)) filter_[k] = ~0ull;
        if (r.set & (1u << k)) filter_[k] = line;
    }
}

}  // namespace edgebert::iss
