// Iss CSRs: reads and writes as the csrr* instructions see them (the
// instructions themselves are in iss_exec_rv64i.inc), and csr() for the
// platform.
#include "hw/iss/fp.hpp"
#include "hw/iss/iss.hpp"

namespace edgebert::iss {

void Iss::fold_fp_flags() { fflags_ |= fp::FpEnv::take_host_flags(); }

uint64_t Iss::mstatus_value() const {
    uint64_t v = mstatus_ | mstatus::kMpp;
    if ((mstatus_ & mstatus::kFs) == mstatus::kFsDirty) v |= mstatus::kSd;
    return v;
}

std::optional<uint64_t> Iss::csr(uint32_t number) {
    uint64_t v = 0;
    const uint64_t saved_mstatus = mstatus_;
    if (number <= csr::kFcsr) mstatus_ |= mstatus::kFsInitial;  // FP CSRs are readable whatever FS is
    const bool ok = csr_read(number, v);
    mstatus_ = saved_mstatus;
    if (!ok) return std::nullopt;
    return v;
}

bool Iss::csr_read(uint32_t n, uint64_t& v) {
    switch (n) {
    case csr::kFflags:
        if (!fp_enabled()) return false;
        v = fflags_;
        return true;
    case csr::kFrm:
        if (!fp_enabled()) return false;
        v = frm_;
        return true;
    case csr::kFcsr:
        if (!fp_enabled()) return false;
        v = (frm_ << 5) | fflags_;
        return true;
    case csr::kCycle:
    case csr::kMcycle: v = cycle_ + mcycle_offset_; return true;
    case csr::kInstret:
    case csr::kMinstret: v = instret_ + minstret_offset_; return true;
    case csr::kTime: {
        fp::FpEnv::ForeignCall guard;
        v = bus_.mtime();
        return true;
    }
    case csr::kMstatus: v = mstatus_value(); return true;
    case csr::kMisa:
        v = (2ull << 62) | (1ull << 8) /*I*/ | (1ull << 12) /*M*/ | (1ull << 5) /*F*/ | (1ull << 3) /*D*/ |
            (config_.rva ? 1ull : 0) /*A*/ | (config_.rvc ? 1ull << 2 : 0) /*C*/;
        return true;
    case csr::kMie: v = mie_; return true;
    case csr::kMtvec: v = mtvec_; return true;
    case csr::kMscratch: v = mscratch_; return true;
    case csr::kMepc: v = mepc_ & (config_.rvc ? ~1ull : ~3ull); return true;
    case csr::kMcause: v = mcause_; return true;
    case csr::kMtval: v = mtval_; return true;
    case csr::kMip:
        poll_timer();
        v = mip_value();
        return true;
    case csr::kMcountinhibit:
    case csr::kMvendorid:
    case csr::kMarchid:
    case csr::kMimpid:
    case csr::kMconfigptr: v = 0; return true;
    case csr::kMhartid: v = config_.hart_id; return true;
    default:
        // mhpmcounter3..31, hpmcounter3..31, mhpmevent3..31: present, read zero
        if ((n >= 0xB03 && n <= 0xB1F) || (n >= 0xC03 && n <= 0xC1F) || (n >= 0x323 && n <= 0x33F)) {
            v = 0;
            return true;
        }
        return false;
    }
}

bool Iss::csr_write(uint32_t n, uint64_t v) {
    switch (n) {
    case csr::kFflags:
        if (!fp_enabled()) return false;
        fflags_ = static_cast<uint32_t>(v & 31);
        fp_dirty();
        return true;
    case csr::kFrm:
        if (!fp_enabled()) return false;
        frm_ = static_cast<uint32_t>(v & 7);
        fp_dirty();
        return true;
    case csr::kFcsr:
        if (!fp_enabled()) return false;
        fflags_ = static_cast<uint32_t>(v & 31);
        frm_ = static_cast<uint32_t>((v >> 5) & 7);
        fp_dirty();
        return true;
    case csr::kMcycle: mcycle_offset_ = v - cycle_; return true;
    case csr::kMinstret: minstret_offset_ = v - instret_ - 1; return true;  // this instruction still retires
    case csr::kMstatus:
        mstatus_ = v & (mstatus::kMie | mstatus::kMpie | mstatus::kFs);
        break_ = true;  // MIE may have enabled a pending interrupt
        return true;
    case csr::kMisa: return true;  // WARL, not writable
    case csr::kMie:
        mie_ = v & (irq::kMsip | irq::kMtip | irq::kMeip);
        break_ = true;
        return true;
    case csr::kMtvec:
        // WARL: modes 2 and 3 are reserved -> direct
        mtvec_ = (v & ~3ull) | ((v & 3) == 1 ? 1 : 0);
        return true;
    case csr::kMscratch: mscratch_ = v; return true;
    case csr::kMepc: mepc_ = v & ~1ull; return true;
    case csr::kMcause: mcause_ = v; return true;
    case csr::kMtval: mtval_ = v; return true;
    case csr::kMip: return true;            // MEIP/MTIP/MSIP are driven by the platform
    case csr::kMcountinhibit: return true;  // WARL zero
    default:
        if ((n >= 0xB03 && n <= 0xB1F) || (n >= 0x323 && n <= 0x33F)) return true;
        return false;
    }
}

}  // namespace edgebert::iss
