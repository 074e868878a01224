#include "hw/iss/decode.hpp"

#include <cstddef>

namespace edgebert::iss {
namespace {

// ---- helpers filling operand fields ---------------------------------------

void set_xd(DecodedOp& d, uint32_t r) {
    d.rd = static_cast<uint8_t>(r);
    d.dst = r == 0 ? kSinkReg : static_cast<uint8_t>(r);
}
void set_fd(DecodedOp& d, uint32_t r) {
    d.rd = static_cast<uint8_t>(r);
    d.dst = static_cast<uint8_t>(kFpRegBase + r);
}
void set_xs(DecodedOp& d, int slot, uint32_t r) {
    d.src[slot] = r == 0 ? kNoReg : static_cast<uint8_t>(r);
}
void set_fs(DecodedOp& d, int slot, uint32_t r) { d.src[slot] = static_cast<uint8_t>(kFpRegBase + r); }

DecodedOp illegal(uint32_t raw) {
    DecodedOp d;
    d.kind = Op::Illegal;
    d.raw = raw;
    d.tclass = TimingClass::System;
    return d;
}

bool valid_rm(uint32_t rm) { return rm != 5 && rm != 6; }

// ---- 32-bit encodings -------------------------------------------------------

DecodedOp decode32(uint32_t w, const DecodeOptions& opt) {
    DecodedOp d;
    d.raw = w;
    d.len = 4;
    const uint32_t opcode = w & 0x7f;
    const uint32_t rd = (w >> 7) & 31;
    const uint32_t f3 = (w >> 12) & 7;
    const uint32_t rs1 = (w >> 15) & 31;
    const uint32_t rs2 = (w >> 20) & 31;
    const uint32_t f7 = w >> 25;
    const int32_t sw = static_cast<int32_t>(w);
    const int32_t imm_i = sw >> 20;
    const int32_t imm_s = ((sw >> 25) * 32) | static_cast<int32_t>((w >> 7) & 31);
    const int32_t imm_b = ((sw >> 31) * 4096) | static_cast<int32_t>(((w >> 7) & 1) << 11) |
                          static_cast<int32_t>(((w >> 25) & 0x3f) << 5) |
                          static_cast<int32_t>(((w >> 8) & 0xf) << 1);
    const int32_t imm_u = static_cast<int32_t>(w & 0xfffff000u);
    const int32_t imm_j = ((sw >> 31) * (1 << 20)) | static_cast<int32_t>(w & 0xff000u) |
                          static_cast<int32_t>(((w >> 20) & 1) << 11) |
                          static_cast<int32_t>(((w >> 21) & 0x3ff) << 1);

    auto itype = [&](Op op, TimingClass tc = TimingClass::Alu) {
        d.kind = op;
        d.tclass = tc;
        set_xd(d, rd);
        d.rs1 = static_cast<uint8_t>(rs1);
        set_xs(d, 0, rs1);
        d.imm = imm_i;
        return d;
    };
    auto rtype = [&](Op op, TimingClass tc = TimingClass::Alu) {
        d.kind = op;
        d.tclass = tc;
        set_xd(d, rd);
        d.rs1 = static_cast<uint8_t>(rs1);
        d.rs2 = static_cast<uint8_t>(rs2);
        set_xs(d, 0, rs1);
        set_xs(d, 1, rs2);
        return d;
    };

    switch (opcode) {
    case 0x37:  // LUI
        d.kind = Op::Lui;
        set_xd(d, rd);
        d.imm = imm_u;
        return d;
    case 0x17:  // AUIPC
        d.kind = Op::Auipc;
        set_xd(d, rd);
        d.imm = imm_u;
        return d;
    case 0x6f:  // JAL
        d.kind = Op::Jal;
        d.tclass = TimingClass::Jal;
        set_xd(d, rd);
        d.imm = imm_j;
        return d;
    case 0x67:  // JALR
        if (f3 != 0) break;
        return itype(Op::Jalr, TimingClass::Jalr);
    case 0x63: {  // BRANCH
        static constexpr Op kOps[8] = {Op::Beq, Op::Bne, Op::Illegal, Op::Illegal,
                                       Op::Blt, Op::Bge, Op::Bltu,    Op::Bgeu};
        if (kOps[f3] == Op::Illegal) break;
        rtype(kOps[f3], TimingClass::Branch);
        d.dst = kSinkReg;
        d.rd = 0;
        d.imm = imm_b;
        return d;
    }
    case 0x03: {  // LOAD
        static constexpr Op kOps[8] = {Op::Lb, Op::Lh, Op::Lw, Op::Ld, Op::Lbu, Op::Lhu, Op::Lwu, Op::Illegal};
        if (kOps[f3] == Op::Illegal) break;
        return itype(kOps[f3], TimingClass::Load);
    }
    case 0x23: {  // STORE
        static constexpr Op kOps[4] = {Op::Sb, Op::Sh, Op::Sw, Op::Sd};
        if (f3 > 3) break;
        rtype(kOps[f3], TimingClass::Store);
        d.dst = kSinkReg;
        d.rd = 0;
        d.imm = imm_s;
        return d;
    }
    case 0x13:  // OP-IMM
        switch (f3) {
        case 0: return itype(Op::Addi);
        case 2: return itype(Op::Slti);
        case 3: return itype(Op::Sltiu);
        case 4: return itype(Op::Xori);
        case 6: return itype(Op::Ori);
        case 7: return itype(Op::Andi);
        case 1:
            if ((w >> 26) != 0) break;
            itype(Op::Slli);
            d.imm = static_cast<int32_t>((w >> 20) & 63);
            return d;
        case 5:
            if ((w >> 26) == 0) {
                itype(Op::Srli);
            } else if ((w >> 26) == 0x10) {
                itype(Op::Srai);
            } else {
                break;
            }
            d.imm = static_cast<int32_t>((w >> 20) & 63);
            return d;
        }
        break;
    case 0x1b:  // OP-IMM-32
        switch (f3) {
        case 0: return itype(Op::Addiw);
        case 1:
            if (f7 != 0) break;
            itype(Op::Slliw);
            d.imm = static_cast<int32_t>(rs2);
            return d;
        case 5:
            if (f7 == 0) {
                itype(Op::Srliw);
            } else if (f7 == 0x20) {
                itype(Op::Sraiw);
            } else {
                break;
            }
            d.imm = static_cast<int32_t>(rs2);
            return d;
        }
        break;
    case 0x33:  // OP
        if (f7 == 0) {
            static constexpr Op kOps[8] = {Op::Add, Op::Sll, Op::Slt, Op::Sltu, Op::Xor, Op::Srl, Op::Or, Op::And};
            return rtype(kOps[f3]);
        }
        if (f7 == 0x20) {
            if (f3 == 0) return rtype(Op::Sub);
            if (f3 == 5) return rtype(Op::Sra);
            break;
        }
        if (f7 == 1) {
            static constexpr Op kOps[8] = {Op::Mul, Op::Mulh, Op::Mulhsu, Op::Mulhu,
                                           Op::Div, Op::Divu, Op::Rem,    Op::Remu};
            return rtype(kOps[f3], f3 < 4 ? TimingClass::Mul : TimingClass::Div);
        }
        break;
    case 0x3b:  // OP-32
        if (f7 == 0) {
            if (f3 == 0) return rtype(Op::Addw);
            if (f3 == 1) return rtype(Op::Sllw);
            if (f3 == 5) return rtype(Op::Srlw);
            break;
        }
        if (f7 == 0x20) {
            if (f3 == 0) return rtype(Op::Subw);
            if (f3 == 5) return rtype(Op::Sraw);
            break;
        }
        if (f7 == 1) {
            switch (f3) {
            case 0: return rtype(Op::Mulw, TimingClass::Mul);
            case 4: return rtype(Op::Divw, TimingClass::Div);
            case 5: return rtype(Op::Divuw, TimingClass::Div);
            case 6: return rtype(Op::Remw, TimingClass::Div);
            case 7: return rtype(Op::Remuw, TimingClass::Div);
            default: break;
            }
        }
        break;
    case 0x0f:  // MISC-MEM
        if (f3 == 0) {
            d.kind = Op::Fence;
            d.tclass = TimingClass::Fence;
            return d;
        }
        if (f3 == 1) {
            d.kind = Op::FenceI;
            d.tclass = TimingClass::FenceI;
            return d;
        }
        break;
    case 0x73:  // SYSTEM
        if (f3 == 0) {
            d.tclass = TimingClass::System;
            switch (w) {
            case 0x00000073: d.kind = Op::Ecall; return d;
            case 0x00100073: d.kind = Op::Ebreak; return d;
            case 0x30200073: d.kind = Op::Mret; return d;
            case 0x10500073: d.kind = Op::Wfi; return d;
            default: break;
            }
            break;
        }
        if (f3 == 4) break;
        {
            static constexpr Op kOps[8] = {Op::Illegal, Op::Csrrw,  Op::Csrrs,  Op::Csrrc,
                                           Op::Illegal, Op::Csrrwi, Op::Csrrsi, Op::Csrrci};
            d.kind = kOps[f3];
            d.tclass = TimingClass::Csr;
            set_xd(d, rd);
            d.rs1 = static_cast<uint8_t>(rs1);
            if (f3 < 4) set_xs(d, 0, rs1);
            d.imm = static_cast<int32_t>(w >> 20);
            return d;
        }
    case 0x2f: {  // AMO
        if (!opt.rva || (f3 != 2 && f3 != 3)) break;
        const bool dw = f3 == 3;
        const uint32_t f5 = w >> 27;
        Op op;
        switch (f5) {
        case 0x02:
            if (rs2 != 0) return illegal(w);
            op = dw ? Op::LrD : Op::LrW;
            break;
        case 0x03: op = dw ? Op::ScD : Op::ScW; break;
        case 0x01: op = dw ? Op::AmoswapD : Op::AmoswapW; break;
        case 0x00: op = dw ? Op::AmoaddD : Op::AmoaddW; break;
        case 0x04: op = dw ? Op::AmoxorD : Op::AmoxorW; break;
        case 0x0c: op = dw ? Op::AmoandD : Op::AmoandW; break;
        case 0x08: op = dw ? Op::AmoorD : Op::AmoorW; break;
        case 0x10: op = dw ? Op::AmominD : Op::AmominW; break;
        case 0x14: op = dw ? Op::AmomaxD : Op::AmomaxW; break;
        case 0x18: op = dw ? Op::AmominuD : Op::AmominuW; break;
        case 0x1c: op = dw ? Op::AmomaxuD : Op::AmomaxuW; break;
        default: return illegal(w);
        }
        rtype(op, TimingClass::Amo);
        return d;
    }
    case 0x07:  // LOAD-FP
        if (f3 != 2 && f3 != 3) break;
        d.kind = f3 == 2 ? Op::Flw : Op::Fld;
        d.tclass = TimingClass::FpLoad;
        set_fd(d, rd);
        d.rs1 = static_cast<uint8_t>(rs1);
        set_xs(d, 0, rs1);
        d.imm = imm_i;
        return d;
    case 0x27:  // STORE-FP
        if (f3 != 2 && f3 != 3) break;
        d.kind = f3 == 2 ? Op::Fsw : Op::Fsd;
        d.tclass = TimingClass::FpStore;
        d.rs1 = static_cast<uint8_t>(rs1);
        d.rs2 = static_cast<uint8_t>(rs2);
        set_xs(d, 0, rs1);
        set_fs(d, 1, rs2);
        d.imm = imm_s;
        return d;
    case 0x43: case 0x47: case 0x4b: case 0x4f: {  // FMADD/FMSUB/FNMSUB/FNMADD
        const uint32_t fmt = (w >> 25) & 3;
        if (fmt > 1 || !valid_rm(f3)) break;
        static constexpr Op kS[4] = {Op::FmaddS, Op::FmsubS, Op::FnmsubS, Op::FnmaddS};
        static constexpr Op kD[4] = {Op::FmaddD, Op::FmsubD, Op::FnmsubD, Op::FnmaddD};
        const int idx = static_cast<int>((opcode >> 2) & 3);
        d.kind = fmt == 0 ? kS[idx] : kD[idx];
        d.tclass = fmt == 0 ? TimingClass::FpAddS : TimingClass::FpAddD;
        set_fd(d, rd);
        d.rs1 = static_cast<uint8_t>(rs1);
        d.rs2 = static_cast<uint8_t>(rs2);
        d.rs3 = static_cast<uint8_t>(w >> 27);
        set_fs(d, 0, rs1);
        set_fs(d, 1, rs2);
        set_fs(d, 2, w >> 27);
        d.rm = static_cast<uint8_t>(f3);
        return d;
    }
    case 0x53: {  // OP-FP
        d.rm = static_cast<uint8_t>(f3);
        d.rs1 = static_cast<uint8_t>(rs1);
        d.rs2 = static_cast<uint8_t>(rs2);
        // f = f op f with rounding
        auto fff = [&](Op op, TimingClass tc) {
            if (!valid_rm(f3)) return illegal(w);
            d.kind = op;
            d.tclass = tc;
            set_fd(d, rd);
            set_fs(d, 0, rs1);
            set_fs(d, 1, rs2);
            return d;
        };
        // f = f op f, funct3 selects the operation (no rounding)
        auto fff_nr = [&](Op op) {
            d.kind = op;
            d.tclass = TimingClass::FpNonComp;
            set_fd(d, rd);
            set_fs(d, 0, rs1);
            set_fs(d, 1, rs2);
            return d;
        };
        // one FP source
        auto f_unary = [&](Op op, TimingClass tc, bool int_dst, bool needs_rm) {
            if (needs_rm && !valid_rm(f3)) return illegal(w);
            d.kind = op;
            d.tclass = tc;
            if (int_dst) {
                set_xd(d, rd);
            } else {
                set_fd(d, rd);
            }
            set_fs(d, 0, rs1);
            return d;
        };
        // one integer source, FP destination
        auto f_from_x = [&](Op op, TimingClass tc, bool needs_rm) {
            if (needs_rm && !valid_rm(f3)) return illegal(w);
            d.kind = op;
            d.tclass = tc;
            set_fd(d, rd);
            set_xs(d, 0, rs1);
            return d;
        };
        switch (f7) {
        case 0x00: return fff(Op::FaddS, TimingClass::FpAddS);
        case 0x01: return fff(Op::FaddD, TimingClass::FpAddD);
        case 0x04: return fff(Op::FsubS, TimingClass::FpAddS);
        case 0x05: return fff(Op::FsubD, TimingClass::FpAddD);
        case 0x08: return fff(Op::FmulS, TimingClass::FpAddS);
        case 0x09: return fff(Op::FmulD, TimingClass::FpAddD);
        case 0x0c: return fff(Op::FdivS, TimingClass::FpDivS);
        case 0x0d: return fff(Op::FdivD, TimingClass::FpDivD);
        case 0x2c:
            if (rs2 != 0) break;
            return f_unary(Op::FsqrtS, TimingClass::FpSqrtS, false, true);
        case 0x2d:
            if (rs2 != 0) break;
            return f_unary(Op::FsqrtD, TimingClass::FpSqrtD, false, true);
        case 0x10:
        case 0x11: {
            if (f3 > 2) break;
            const bool dbl = f7 == 0x11;
            static constexpr Op kS[3] = {Op::FsgnjS, Op::FsgnjnS, Op::FsgnjxS};
            static constexpr Op kD[3] = {Op::FsgnjD, Op::FsgnjnD, Op::FsgnjxD};
            return fff_nr(dbl ? kD[f3] : kS[f3]);
        }
        case 0x14:
        case 0x15: {
            if (f3 > 1) break;
            const bool dbl = f7 == 0x15;
            return fff_nr(dbl ? (f3 == 0 ? Op::FminD : Op::FmaxD) : (f3 == 0 ? Op::FminS : Op::FmaxS));
        }
        case 0x20:
            if (rs2 != 1) break;
            return f_unary(Op::FcvtSD, TimingClass::FpConv, false, true);
        case 0x21:
            if (rs2 != 0) break;
            return f_unary(Op::FcvtDS, TimingClass::FpConv, false, true);
        case 0x50:
        case 0x51: {
            if (f3 > 2) break;
            const bool dbl = f7 == 0x51;
            static constexpr Op kS[3] = {Op::FleS, Op::FltS, Op::FeqS};
            static constexpr Op kD[3] = {Op::FleD, Op::FltD, Op::FeqD};
            d.kind = dbl ? kD[f3] : kS[f3];
            d.tclass = TimingClass::FpNonComp;
            set_xd(d, rd);
            set_fs(d, 0, rs1);
            set_fs(d, 1, rs2);
            return d;
        }
        case 0x60:
        case 0x61: {
            if (rs2 > 3) break;
            const bool dbl = f7 == 0x61;
            static constexpr Op kS[4] = {Op::FcvtWS, Op::FcvtWuS, Op::FcvtLS, Op::FcvtLuS};
            static constexpr Op kD[4] = {Op::FcvtWD, Op::FcvtWuD, Op::FcvtLD, Op::FcvtLuD};
            return f_unary(dbl ? kD[rs2] : kS[rs2], TimingClass::FpConv, true, true);
        }
        case 0x68:
        case 0x69: {
            if (rs2 > 3) break;
            const bool dbl = f7 == 0x69;
            static constexpr Op kS[4] = {Op::FcvtSW, Op::FcvtSWu, Op::FcvtSL, Op::FcvtSLu};
            static constexpr Op kD[4] = {Op::FcvtDW, Op::FcvtDWu, Op::FcvtDL, Op::FcvtDLu};
            return f_from_x(dbl ? kD[rs2] : kS[rs2], TimingClass::FpConv, true);
        }
        case 0x70:
        case 0x71: {
            if (rs2 != 0) break;
            const bool dbl = f7 == 0x71;
            if (f3 == 0) return f_unary(dbl ? Op::FmvXD : Op::FmvXW, TimingClass::FpNonComp, true, false);
            if (f3 == 1) return f_unary(dbl ? Op::FclassD : Op::FclassS, TimingClass::FpNonComp, true, false);
            break;
        }
        case 0x78:
        case 0x79:
            if (rs2 != 0 || f3 != 0) break;
            return f_from_x(f7 == 0x79 ? Op::FmvDX : Op::FmvWX, TimingClass::FpNonComp, false);
        default: break;
        }
        break;
    }
    default: break;
    }
    return illegal(w);
}

// ---- RVC: expansion to the equivalent 32-bit encoding ----------------------

uint32_t enc_i(uint32_t opcode, uint32_t rd, uint32_t f3, uint32_t rs1, int32_t imm) {
    return (static_cast<uint32_t>(imm) & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opcode;
}
uint32_t enc_s(uint32_t opcode, uint32_t f3, uint32_t rs1, uint32_t rs2, int32_t imm) {
    const uint32_t u = static_cast<uint32_t>(imm);
    return ((u >> 5) & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (u & 31) << 7 | opcode;
}
uint32_t enc_r(uint32_t opcode, uint32_t rd, uint32_t f3, uint32_t rs1, uint32_t rs2, uint32_t f7) {
    return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opcode;
}
uint32_t enc_b(uint32_t f3, uint32_t rs1, uint32_t rs2, int32_t imm) {
    const uint32_t u = static_cast<uint32_t>(imm);
    return ((u >> 12) & 1) << 31 | ((u >> 5) & 0x3f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
           ((u >> 1) & 0xf) << 8 | ((u >> 11) & 1) << 7 | 0x63;
}
uint32_t enc_j(uint32_t rd, int32_t imm) {
    const uint32_t u = static_cast<uint32_t>(imm);
    return ((u >> 20) & 1) << 31 | ((u >> 1) & 0x3ff) << 21 | ((u >> 11) & 1) << 20 | ((u >> 12) & 0xff) << 12 |
           rd << 7 | 0x6f;
}

uint32_t bit(uint32_t v, int i) { return (v >> i) & 1; }
int32_t sext(uint32_t v, int bits) {
    const uint32_t m = 1u << (bits - 1);
    return static_cast<int32_t>((v ^ m) - m);
}

// Returns the 32-bit equivalent, or 0 for an illegal/reserved encoding.
uint32_t expand_rvc(uint32_t c) {
    const uint32_t q = c & 3;
    const uint32_t f3 = (c >> 13) & 7;
    const uint32_t rd = (c >> 7) & 31;       // also rs1 in full-register forms
    const uint32_t rs2 = (c >> 2) & 31;
    const uint32_t rdp = 8 + ((c >> 2) & 7);   // rd'/rs2' in [4:2]
    const uint32_t rs1p = 8 + ((c >> 7) & 7);  // rs1'/rd' in [9:7]
    const int32_t imm6 = sext(bit(c, 12) << 5 | ((c >> 2) & 31), 6);

    // offsets of the load/store forms
    const uint32_t uimm_w = ((c >> 10) & 7) << 3 | bit(c, 6) << 2 | bit(c, 5) << 6;    // c.lw/c.sw
    const uint32_t uimm_d = ((c >> 10) & 7) << 3 | ((c >> 5) & 3) << 6;                // c.ld/c.sd/c.fld/c.fsd
    const uint32_t uimm_lwsp = bit(c, 12) << 5 | ((c >> 4) & 7) << 2 | ((c >> 2) & 3) << 6;
    const uint32_t uimm_ldsp = bit(c, 12) << 5 | ((c >> 5) & 3) << 3 | ((c >> 2) & 7) << 6;
    const uint32_t uimm_swsp = ((c >> 9) & 15) << 2 | ((c >> 7) & 3) << 6;
    const uint32_t uimm_sdsp = ((c >> 10) & 7) << 3 | ((c >> 7) & 7) << 6;

    if (q == 0) {
        switch (f3) {
        case 0: {  // c.addi4spn
            const uint32_t nzuimm = ((c >> 11) & 3) << 4 | ((c >> 7) & 15) << 6 | bit(c, 6) << 2 | bit(c, 5) << 3;
            if (nzuimm == 0) return 0;
            return enc_i(0x13, rdp, 0, 2, static_cast<int32_t>(nzuimm));
        }
        case 1: return enc_i(0x07, rdp, 3, rs1p, static_cast<int32_t>(uimm_d));  // c.fld
        case 2: return enc_i(0x03, rdp, 2, rs1p, static_cast<int32_t>(uimm_w));  // c.lw
        case 3: return enc_i(0x03, rdp, 3, rs1p, static_cast<int32_t>(uimm_d));  // c.ld
        case 5: return enc_s(0x27, 3, rs1p, rdp, static_cast<int32_t>(uimm_d));  // c.fsd
        case 6: return enc_s(0x23, 2, rs1p, rdp, static_cast<int32_t>(uimm_w));  // c.sw
        case 7: return enc_s(0x23, 3, rs1p, rdp, static_cast<int32_t>(uimm_d));  // c.sd
        default: return 0;
        }
    }
    if (q == 1) {
        switch (f3) {
        case 0: return enc_i(0x13, rd, 0, rd, imm6);  // c.addi / c.nop
        case 1:                                       // c.addiw
            if (rd == 0) return 0;
            return enc_i(0x1b, rd, 0, rd, imm6);
        case 2: return enc_i(0x13, rd, 0, 0, imm6);  // c.li
        case 3:
            if (rd == 2) {  // c.addi16sp
                const int32_t nz = sext(bit(c, 12) << 9 | bit(c, 6) << 4 | bit(c, 5) << 6 | ((c >> 3) & 3) << 7 |
                                            bit(c, 2) << 5,
                                        10);
                if (nz == 0) return 0;
                return enc_i(0x13, 2, 0, 2, nz);
            } else {  // c.lui
                if (imm6 == 0) return 0;
                return (static_cast<uint32_t>(imm6) << 12) | rd << 7 | 0x37;
            }
        case 4: {
            const uint32_t f2 = (c >> 10) & 3;
            const uint32_t shamt = bit(c, 12) << 5 | ((c >> 2) & 31);
            switch (f2) {
            case 0: return enc_i(0x13, rs1p, 5, rs1p, static_cast<int32_t>(shamt));          // c.srli
            case 1: return enc_i(0x13, rs1p, 5, rs1p, static_cast<int32_t>(shamt | 0x400));  // c.srai
            case 2: return enc_i(0x13, rs1p, 7, rs1p, imm6);                                 // c.andi
            default: {
                const uint32_t f2b = (c >> 5) & 3;
                if (bit(c, 12) == 0) {
                    switch (f2b) {
                    case 0: return enc_r(0x33, rs1p, 0, rs1p, rdp, 0x20);  // c.sub
                    case 1: return enc_r(0x33, rs1p, 4, rs1p, rdp, 0);     // c.xor
                    case 2: return enc_r(0x33, rs1p, 6, rs1p, rdp, 0);     // c.or
                    default: return enc_r(0x33, rs1p, 7, rs1p, rdp, 0);    // c.and
                    }
                }
                if (f2b == 0) return enc_r(0x3b, rs1p, 0, rs1p, rdp, 0x20);  // c.subw
                if (f2b == 1) return enc_r(0x3b, rs1p, 0, rs1p, rdp, 0);     // c.addw
                return 0;
            }
            }
        }
        case 5: {  // c.j
            const int32_t off = sext(bit(c, 12) << 11 | bit(c, 11) << 4 | ((c >> 9) & 3) << 8 | bit(c, 8) << 10 |
                                         bit(c, 7) << 6 | bit(c, 6) << 7 | ((c >> 3) & 7) << 1 | bit(c, 2) << 5,
                                     12);
            return enc_j(0, off);
        }
        default: {  // 6: c.beqz, 7: c.bnez
            const int32_t off = sext(bit(c, 12) << 8 | ((c >> 10) & 3) << 3 | ((c >> 5) & 3) << 6 |
                                         ((c >> 3) & 3) << 1 | bit(c, 2) << 5,
                                     9);
            return enc_b(f3 == 6 ? 0 : 1, rs1p, 0, off);
        }
        }
    }
    // q == 2
    switch (f3) {
    case 0: return enc_i(0x13, rd, 1, rd, static_cast<int32_t>(bit(c, 12) << 5 | rs2));  // c.slli
    case 1: return enc_i(0x07, rd, 3, 2, static_cast<int32_t>(uimm_ldsp));              // c.fldsp
    case 2:                                                                              // c.lwsp
        if (rd == 0) return 0;
        return enc_i(0x03, rd, 2, 2, static_cast<int32_t>(uimm_lwsp));
    case 3:  // c.ldsp
        if (rd == 0) return 0;
        return enc_i(0x03, rd, 3, 2, static_cast<int32_t>(uimm_ldsp));
    case 4:
        if (bit(c, 12) == 0) {
            if (rs2 == 0) {  // c.jr
                if (rd == 0) return 0;
                return enc_i(0x67, 0, 0, rd, 0);
            }
            return enc_r(0x33, rd, 0, 0, rs2, 0);  // c.mv
        }
        if (rs2 == 0) {
            if (rd == 0) return 0x00100073;  // c.ebreak
            return enc_i(0x67, 1, 0, rd, 0);  // c.jalr
        }
        return enc_r(0x33, rd, 0, rd, rs2, 0);  // c.add
    case 5: return enc_s(0x27, 3, 2, rs2, static_cast<int32_t>(uimm_sdsp));  // c.fsdsp
    case 6: return enc_s(0x23, 2, 2, rs2, static_cast<int32_t>(uimm_swsp));  // c.swsp
    default: return enc_s(0x23, 3, 2, rs2, static_cast<int32_t>(uimm_sdsp));  // c.sdsp
    }
}

}  // namespace

DecodedOp decode(uint32_t bits, const DecodeOptions& options) {
    if ((bits & 3) == 3) return decode32(bits, options);
    const uint32_t parcel = bits & 0xffff;
    if (!options.rvc) return illegal(parcel);
    const uint32_t expanded = expand_rvc(parcel);
    if (expanded == 0) return illegal(parcel);
    DecodedOp d = decode32(expanded, options);
    d.len = 2;
    d.raw = parcel;
    return d;
}

const char* op_name(Op op) {
    static constexpr const char* kNames[] = {
        "not-decoded", "illegal",
        "lui", "auipc", "jal", "jalr",
        "beq", "bne", "blt", "bge", "bltu", "bgeu",
        "lb", "lh", "lw", "ld", "lbu", "lhu", "lwu",
        "sb", "sh", "sw", "sd",
        "addi", "slti", "sltiu", "xori", "ori", "andi", "slli", "srli", "srai",
        "add", "sub", "sll", "slt", "sltu", "xor", "srl", "sra", "or", "and",
        "addiw", "slliw", "srliw", "sraiw",
        "addw", "subw", "sllw", "srlw", "sraw",
        "fence", "fence.i", "ecall", "ebreak", "mret", "wfi",
        "csrrw", "csrrs", "csrrc", "csrrwi", "csrrsi", "csrrci",
        "mul", "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu",
        "mulw", "divw", "divuw", "remw", "remuw",
        "lr.w", "sc.w", "amoswap.w", "amoadd.w", "amoxor.w", "amoand.w", "amoor.w",
        "amomin.w", "amomax.w", "amominu.w", "amomaxu.w",
        "lr.d", "sc.d", "amoswap.d", "amoadd.d", "amoxor.d", "amoand.d", "amoor.d",
        "amomin.d", "amomax.d", "amominu.d", "amomaxu.d",
        "flw", "fsw",
        "fmadd.s", "fmsub.s", "fnmsub.s", "fnmadd.s",
        "fadd.s", "fsub.s", "fmul.s", "fdiv.s", "fsqrt.s",
        "fsgnj.s", "fsgnjn.s", "fsgnjx.s", "fmin.s", "fmax.s",
        "fcvt.w.s", "fcvt.wu.s", "fcvt.l.s", "fcvt.lu.s",
        "fmv.x.w", "feq.s", "flt.s", "fle.s", "fclass.s",
        "fcvt.s.w", "fcvt.s.wu", "fcvt.s.l", "fcvt.s.lu", "fmv.w.x",
        "fld", "fsd",
        "fmadd.d", "fmsub.d", "fnmsub.d", "fnmadd.d",
        "fadd.d", "fsub.d", "fmul.d", "fdiv.d", "fsqrt.d",
        "fsgnj.d", "fsgnjn.d", "fsgnjx.d", "fmin.d", "fmax.d",
        "fcvt.s.d", "fcvt.d.s",
        "fcvt.w.d", "fcvt.wu.d", "fcvt.l.d", "fcvt.lu.d",
        "fmv.x.d", "feq.d", "flt.d", "fle.d", "fclass.d",
        "fcvt.d.w", "fcvt.d.wu", "fcvt.d.l", "fcvt.d.lu", "fmv.d.x",
    };
    static_assert(sizeof(kNames) / sizeof(kNames[0]) == static_cast<size_t>(Op::Count), "op name table");
    const auto i = static_cast<size_t>(op);
    return i < static_cast<size_t>(Op::Count) ? kNames[i] : "?";
}

}  // namespace edgebert::iss
