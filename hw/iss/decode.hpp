// Instruction decoding for the RV64 ISS: one 32-bit or 16-bit (RVC) encoding
// in, one DecodedOp out. Compressed instructions are expanded to the base
// operation they stand for (c.addi -> addi, c.lw -> lw, ...) with len = 2, so
// the executor has a single semantic per operation.
//
// The executor caches DecodedOps per 4 KiB page of code (see iss.hpp); the
// decoder itself is stateless and has no knowledge of CSR state (FS, frm):
// those checks happen at execution.
#pragma once

#include <cstdint>

namespace edgebert::iss {

enum class Op : uint16_t {
    NotDecoded = 0,  // empty slot of the decoded-instruction cache
    Illegal,
    // RV64I
    Lui, Auipc, Jal, Jalr,
    Beq, Bne, Blt, Bge, Bltu, Bgeu,
    Lb, Lh, Lw, Ld, Lbu, Lhu, Lwu,
    Sb, Sh, Sw, Sd,
    Addi, Slti, Sltiu, Xori, Ori, Andi, Slli, Srli, Srai,
    Add, Sub, Sll, Slt, Sltu, Xor, Srl, Sra, Or, And,
    Addiw, Slliw, Srliw, Sraiw,
    Addw, Subw, Sllw, Srlw, Sraw,
    Fence, FenceI, Ecall, Ebreak, Mret, Wfi,
    Csrrw, Csrrs, Csrrc, Csrrwi, Csrrsi, Csrrci,
    // M
    Mul, Mulh, Mulhsu, Mulhu, Div, Divu, Rem, Remu,
    Mulw, Divw, Divuw, Remw, Remuw,
    // A (single hart)
    LrW, ScW, AmoswapW, AmoaddW, AmoxorW, AmoandW, AmoorW, AmominW, AmomaxW, AmominuW, AmomaxuW,
    LrD, ScD, AmoswapD, AmoaddD, AmoxorD, AmoandD, AmoorD, AmominD, AmomaxD, AmominuD, AmomaxuD,
    // F
    Flw, Fsw,
    FmaddS, FmsubS, FnmsubS, FnmaddS,
    FaddS, FsubS, FmulS, FdivS, FsqrtS,
    FsgnjS, FsgnjnS, FsgnjxS, FminS, FmaxS,
    FcvtWS, FcvtWuS, FcvtLS, FcvtLuS,
    FmvXW, FeqS, FltS, FleS, FclassS,
    FcvtSW, FcvtSWu, FcvtSL, FcvtSLu, FmvWX,
    // D
    Fld, Fsd,
    FmaddD, FmsubD, FnmsubD, FnmaddD,
    FaddD, FsubD, FmulD, FdivD, FsqrtD,
    FsgnjD, FsgnjnD, FsgnjxD, FminD, FmaxD,
    FcvtSD, FcvtDS,
    FcvtWD, FcvtWuD, FcvtLD, FcvtLuD,
    FmvXD, FeqD, FltD, FleD, FclassD,
    FcvtDW, FcvtDWu, FcvtDL, FcvtDLu, FmvDX,
    Count
};

// Timing classes: each op belongs to one; IssTiming gives its latency.
enum class TimingClass : uint8_t {
    Alu, Mul, Div, Load, Store, Branch, Jal, Jalr, Csr, Fence, FenceI, System, Amo,
    FpAddS, FpAddD,    // add/sub/mul/fma (FPnew ADDMUL group)
    FpDivS, FpDivD, FpSqrtS, FpSqrtD,
    FpNonComp,         // sign injection, min/max, compare, classify, moves
    FpConv,            // conversions
    FpLoad, FpStore,
    Count
};

// Register indices in one space for the scoreboard: x0..x31 -> 0..31,
// f0..f31 -> 32..63, "no operand" -> kNoReg (always ready), "no result"
// (or x0) -> kSinkReg (written, never read).
constexpr uint8_t kFpRegBase = 32;
constexpr uint8_t kNoReg = 64;
constexpr uint8_t kSinkReg = 65;
constexpr int kScoreboardRegs = 66;

struct DecodedOp {
    Op kind = Op::NotDecoded;
    uint8_t rd = 0, rs1 = 0, rs2 = 0, rs3 = 0;
    uint8_t len = 4;  // bytes: 2 (RVC) or 4
    uint8_t rm = 0;   // rounding-mode field of FP ops (7 = dynamic)
    int32_t imm = 0;  // immediate; CSR number for CSR ops; uimm for CSR*I in rs1
    uint8_t src[3] = {kNoReg, kNoReg, kNoReg};  // scoreboard sources
    uint8_t dst = kSinkReg;                     // scoreboard destination
    TimingClass tclass = TimingClass::Alu;
    uint32_t raw = 0;  // the encoding (16 bits for RVC): mtval of an illegal instruction
};

struct DecodeOptions {
    bool rvc = true;  // accept compressed encodings
    bool rva = true;  // accept the A extension
};

// Decodes one instruction. `bits` holds the 32-bit encoding, or for an RVC
// instruction (bits[1:0] != 11) the 16-bit parcel in the low half (the upper
// half is ignored). Unknown/reserved encodings give Op::Illegal.
DecodedOp decode(uint32_t bits, const DecodeOptions& options);

// Length in bytes of the instruction starting with this 16-bit parcel.
inline int instruction_length(uint32_t low_parcel) { return (low_parcel & 3) == 3 ? 4 : 2; }

const char* op_name(Op op);

}  // namespace edgebert::iss
