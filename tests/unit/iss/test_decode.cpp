// Decoder: 32-bit encodings and RVC expansion, field by field.
#include <gtest/gtest.h>

#include "hw/iss/decode.hpp"

namespace edgebert::iss {
namespace {

const DecodeOptions kAll{};

TEST(IssDecode, BaseEncodings) {
    // addi a0, a1, -1
    DecodedOp d = decode(0xfff58513, kAll);
    EXPECT_EQ(d.kind, Op::Addi);
    EXPECT_EQ(d.rd, 10);
    EXPECT_EQ(d.rs1, 11);
    EXPECT_EQ(d.imm, -1);
    EXPECT_EQ(d.len, 4);
    // sd a1, -8(sp)
    d = decode(0xfeb13c23, kAll);
    EXPECT_EQ(d.kind, Op::Sd);
    EXPECT_EQ(d.rs1, 2);
    EXPECT_EQ(d.rs2, 11);
    EXPECT_EQ(d.imm, -8);
    EXPECT_EQ(d.dst, kSinkReg);
    // beq a0, a1, -4
    d = decode(0xfeb50ee3, kAll);
    EXPECT_EQ(d.kind, Op::Beq);
    EXPECT_EQ(d.imm, -4);
    // jal ra, 2048
    d = decode(0x001000ef, kAll);
    EXPECT_EQ(d.kind, Op::Jal);
    EXPECT_EQ(d.rd, 1);
    EXPECT_EQ(d.imm, 2048);
    // srai a0, a0, 63
    d = decode(0x43f55513, kAll);
    EXPECT_EQ(d.kind, Op::Srai);
    EXPECT_EQ(d.imm, 63);
    // fmadd.d fa0, fa1, fa2, fa3, rne
    d = decode(0x6ac58543, kAll);
    EXPECT_EQ(d.kind, Op::FmaddD);
    EXPECT_EQ(d.rs3, 13);
    EXPECT_EQ(d.rm, 0);
    EXPECT_EQ(d.src[2], kFpRegBase + 13);
    EXPECT_EQ(d.dst, kFpRegBase + 10);
    // csrrs a0, mstatus, zero
    d = decode(0x30002573, kAll);
    EXPECT_EQ(d.kind, Op::Csrrs);
    EXPECT_EQ(d.imm, 0x300);
    EXPECT_EQ(d.rs1, 0);
    // x0 as a source never stalls, as a destination is a sink
    d = decode(0x00000013, kAll);  // nop
    EXPECT_EQ(d.src[0], kNoReg);
    EXPECT_EQ(d.dst, kSinkReg);
}

TEST(IssDecode, IllegalAndReserved) {
    EXPECT_EQ(decode(0xffffffff, kAll).kind, Op::Illegal);
    EXPECT_EQ(decode(0x0000007f, kAll).kind, Op::Illegal);
    EXPECT_EQ(decode(0x02000033 | (7u << 12) | (1u << 30), kAll).kind, Op::Illegal);  // OP with funct7 0x21
    EXPECT_EQ(decode(0x0200101b, kAll).kind, Op::Illegal);  // slliw with shamt[5] set
    EXPECT_EQ(decode(0x00b556d3, kAll).kind, Op::Illegal);  // fadd.s with rm = 5
    EXPECT_EQ(decode(0x10200073, kAll).kind, Op::Illegal);  // sret
    EXPECT_EQ(decode(0x0000, kAll).kind, Op::Illegal);      // all-zero parcel
    EXPECT_EQ(decode(0x0000, kAll).raw, 0u);
    DecodeOptions no_a;
    no_a.rva = false;
    EXPECT_EQ(decode(0x00b5352f, no_a).kind, Op::Illegal);  // amoadd.d
    EXPECT_EQ(decode(0x00b5352f, kAll).kind, Op::AmoaddD);
}

TEST(IssDecode, CompressedExpansion) {
    struct Case {
        uint16_t bits;
        Op op;
        int rd, rs1, rs2;
        int32_t imm;
    };
    const Case cases[] = {
        {0x4505, Op::Addi, 10, 0, -1, 1},          // c.li a0, 1
        {0x1141, Op::Addi, 2, 2, -1, -16},         // c.addi sp, -16
        {0x0028, Op::Addi, 10, 2, -1, 8},          // c.addi4spn a0, sp, 8
        {0x7139, Op::Addi, 2, 2, -1, -64},         // c.addi16sp sp, -64
        {0x2505, Op::Addiw, 10, 10, -1, 1},        // c.addiw a0, 1
        {0x757d, Op::Lui, 10, -1, -1, -4096},      // c.lui a0, 0xfffff
        {0x8105, Op::Srli, 10, 10, -1, 1},         // c.srli a0, 1
        {0x9501, Op::Srai, 10, 10, -1, 32},        // c.srai a0, 32
        {0x8909, Op::Andi, 10, 10, -1, 2},         // c.andi a0, 2
        {0x8d0d, Op::Sub, 10, 10, 11, 0},          // c.sub a0, a1
        {0x9d2d, Op::Addw, 10, 10, 11, 0},         // c.addw a0, a1
        {0x852e, Op::Add, 10, 0, 11, 0},           // c.mv a0, a1
        {0x952e, Op::Add, 10, 10, 11, 0},          // c.add a0, a1
        {0x050e, Op::Slli, 10, 10, -1, 3},         // c.slli a0, 3
        {0x4188, Op::Lw, 10, 11, -1, 0},           // c.lw a0, 0(a1)
        {0x6588, Op::Ld, 10, 11, -1, 8},           // c.ld a0, 8(a1)
        {0xe188, Op::Sd, 0, 11, 10, 0},            // c.sd a0, 0(a1)
        {0x6522, Op::Ld, 10, 2, -1, 8},            // c.ldsp a0, 8(sp)
        {0xe42a, Op::Sd, 0, 2, 10, 8},             // c.sdsp a0, 8(sp)
        {0x2522, Op::Fld, 10, 2, -1, 8},           // c.fldsp fa0, 8(sp)
        {0x8082, Op::Jalr, 0, 1, -1, 0},           // c.jr ra (ret)
        {0x9582, Op::Jalr, 1, 11, -1, 0},          // c.jalr a1
        {0xbffd, Op::Jal, 0, -1, -1, -2},          // c.j -2
        {0xc111, Op::Beq, 0, 10, 0, 4},            // c.beqz a0, 4
        {0xfd6d, Op::Bne, 0, 10, 0, -6},           // c.bnez a0, -6
        {0x9002, Op::Ebreak, 0, -1, -1, 0},        // c.ebreak
    };
    for (const Case& c : cases) {
        const DecodedOp d = decode(c.bits, kAll);
        EXPECT_EQ(d.kind, c.op) << std::hex << c.bits << " " << op_name(d.kind);
        EXPECT_EQ(d.len, 2) << std::hex << c.bits;
        EXPECT_EQ(d.raw, c.bits);
        if (c.rd >= 0) {
            EXPECT_EQ(d.rd, c.rd) << std::hex << c.bits;
        }
        if (c.rs1 >= 0) {
            EXPECT_EQ(d.rs1, c.rs1) << std::hex << c.bits;
        }
        if (c.rs2 >= 0) {
            EXPECT_EQ(d.rs2, c.rs2) << std::hex << c.bits;
        }
        EXPECT_EQ(d.imm, c.imm) << std::hex << c.bits;
    }
    // reserved: c.addi16sp 0, c.lui 0, c.lwsp x0, c.jr x0, c.addiw x0
    for (const uint16_t bits : {0x6101, 0x6501, 0x4002, 0x8002, 0x2001}) {
        EXPECT_EQ(decode(bits, kAll).kind, Op::Illegal) << std::hex << bits;
    }
}

TEST(IssDecode, OpNames) {
    EXPECT_STREQ(op_name(Op::FnmaddD), "fnmadd.d");
    EXPECT_STREQ(op_name(Op::Addi), "addi");
    EXPECT_STREQ(op_name(Op::AmomaxuD), "amomaxu.d");
}

}  // namespace
}  // namespace edgebert::iss
