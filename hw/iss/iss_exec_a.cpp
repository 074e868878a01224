// The A extension (single hart): LR/SC with one reservation and the AMOs,
// called from the switch in Iss::execute() (iss_exec.cpp). Returns false when
// a trap was taken (the instruction does not retire).
#include "hw/iss/iss.hpp"
#include "hw/iss/iss_impl.hpp"

namespace edgebert::iss {

using detail::sext32;

bool Iss::exec_amo(const DecodedOp& d) {
    const bool dw = d.kind >= Op::LrD;
    const Op op = dw ? static_cast<Op>(static_cast<int>(d.kind) - (static_cast<int>(Op::LrD) - static_cast<int>(Op::LrW)))
                     : d.kind;
    const uint64_t addr = x_[d.rs1];
    const uint64_t align = dw ? 7 : 3;
    if ((addr & align) != 0) {
        take_trap(op == Op::LrW ? cause::kLoadMisaligned : cause::kStoreMisaligned, addr);
        return false;
    }
    auto read = [&](uint64_t& v, uint64_t access_cause) {
        if (dw) return load<uint64_t>(addr, v, access_cause);
        uint32_t w = 0;
        if (!load<uint32_t>(addr, w, access_cause)) return false;
        v = w;
        return true;
    };
    auto write = [&](uint64_t v) {
        return dw ? store<uint64_t>(addr, v) : store<uint32_t>(addr, static_cast<uint32_t>(v));
    };
    if (op == Op::LrW) {
        uint64_t v = 0;
        if (!read(v, cause::kLoadAccess)) return false;
        reservation_valid_ = true;
        reservation_addr_ = addr;
        x_[d.rd] = dw ? v : sext32(v);
        return true;
    }
    if (op == Op::ScW) {
        if (reservation_valid_ && reservation_addr_ == addr) {
            if (!write(x_[d.rs2])) return false;
            x_[d.rd] = 0;
        } else {
            x_[d.rd] = 1;
        }
        reservation_valid_ = false;
        return true;
    }
    uint64_t old = 0;
    if (!read(old, cause::kStoreAccess)) return false;
    const uint64_t src = x_[d.rs2];
    const int64_t so = dw ? static_cast<int64_t>(old) : static_cast<int64_t>(sext32(old));
    const int64_t ss = dw ? static_cast<int64_t>(src) : static_cast<int64_t>(sext32(src));
    const uint64_t uo = dw ? old : (old & 0xffffffffull);
    const uint64_t us = dw ? src : (src & 0xffffffffull);
    uint64_t res = 0;
    switch (op) {
    case Op::AmoswapW: res = src; break;
    case Op::AmoaddW: res = old + src; break;
    case Op::AmoxorW: res = old ^ src; break;
    case Op::AmoandW: res = old & src; break;
    case Op::AmoorW: res = old | src; break;
    case Op::AmominW: res = so < ss ? old : src; break;
    case Op::AmomaxW: res = so > ss ? old : src; break;
    case Op::AmominuW: res = uo < us ? old : src; break;
    default: res = uo > us ? old : src; break;  // AmomaxuW
    }
    if (!write(res)) return false;
    x_[d.rd] = dw ? old : sext32(old);
    return true;
}

}  // namespace edgebert::iss
