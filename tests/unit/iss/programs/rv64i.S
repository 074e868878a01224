// RV64I: arithmetic, shifts (amounts masked to 6/5 bits), W-op sign
// extension, loads/stores, branches, jumps, x0.
#include "test_macros.h"

RVTEST_BEGIN

    // add/sub wrap around
    TEST_RR(1, add, 0x8000000000000000, 0x7fffffffffffffff, 1)
    TEST_RR(2, sub, 0x7fffffffffffffff, 0x8000000000000000, 1)
    TEST_RR(3, add, 0, -1, 1)
    TEST_IMM(4, addi, 0x7ffffffffffff800, 0x7fffffffffffffff, -2047)
    TEST_IMM(5, addi, -1, 0, -1)

    // W ops: 32-bit result, sign-extended
    TEST_RR(10, addw, 0xffffffff80000000, 0x7fffffff, 1)
    TEST_RR(11, subw, -1, 0, 1)
    TEST_RR(12, addw, 0, 0xffffffff00000000, 0x0000000100000000)
    TEST_IMM(13, addiw, 0xffffffff80000000, 0x7fffffff, 1)
    TEST_IMM(14, addiw, 0x000000007fffffff, 0xffffffff80000000, -1)

    // shifts: register amounts masked to 6 bits (64-bit) / 5 bits (W)
    TEST_RR(20, sll, 2, 1, 65)
    TEST_RR(21, sll, 0x8000000000000000, 1, 63)
    TEST_RR(22, srl, 1, 0x8000000000000000, 127)
    TEST_RR(23, sra, -1, 0x8000000000000000, 63)
    TEST_RR(24, sra, 0xc000000000000000, 0x8000000000000000, 65)
    TEST_RR(25, sllw, 0xffffffff80000000, 0x40000000, 33)
    TEST_RR(26, srlw, 0x40000000, 0xffffffff80000000, 33)
    TEST_RR(27, sraw, 0xffffffffc0000000, 0x80000000, 33)
    TEST_RR(28, srlw, 0xffffffff80000000, 0x0000000180000000, 32)
    TEST_IMM(29, slli, 0x8000000000000000, 1, 63)
    TEST_IMM(30, srli, 1, 0x8000000000000000, 63)
    TEST_IMM(31, srai, -1, 0x8000000000000000, 63)
    TEST_IMM(32, slliw, 0xffffffff80000000, 1, 31)
    TEST_IMM(33, srliw, 1, 0x80000000, 31)
    TEST_IMM(34, sraiw, -1, 0x80000000, 31)
    TEST_IMM(35, srliw, 0x7fffffff, 0xfffffffffffffffe, 1)

    // compare
    TEST_RR(40, slt, 1, -1, 1)
    TEST_RR(41, sltu, 0, -1, 1)
    TEST_IMM(42, slti, 1, -5, -4)
    TEST_IMM(43, sltiu, 1, 5, -1)        // immediate sign-extended, compared unsigned
    TEST_IMM(44, sltiu, 0, -1, -1)

    // logic with sign-extended immediates
    TEST_IMM(50, andi, 0x0f0f0f0f0f0f0f0f, 0x0f0f0f0f0f0f0f0f, -1)
    TEST_IMM(51, ori, 0xfffffffffffff800, 0, -2048)
    TEST_IMM(52, xori, 0xf0f0f0f0f0f0f0f0, 0x0f0f0f0f0f0f0f0f, -1)
    TEST_RR(53, and, 0x0000ffff00000000, 0x0000ffffffff0000, 0xffffffff00000000)
    TEST_RR(54, or, 0xffffffffffff0000, 0x0000ffffffff0000, 0xffffffff00000000)
    TEST_RR(55, xor, 0xffff00000000ffff, 0xffffffff0000ffff, 0x0000ffff00000000)

    // lui sign-extends, auipc
    TEST_CASE(60, a4, 0xffffffff80000000, lui a4, 0x80000)
    TEST_CASE(61, a4, 0x0000000012345000, lui a4, 0x12345)
    li TESTNUM, 62
1:  auipc a4, 0
    la a5, 1b
    bne a4, a5, fail
    li TESTNUM, 63
1:  auipc a4, 0x1
    la a5, 1b
    sub a4, a4, a5
    CHECK_EQ(a4, 0x1000)

    // loads: sign/zero extension
    la s0, data
    TEST_CASE(70, a4, 0xffffffffffffff80, lb a4, 0(s0))
    TEST_CASE(71, a4, 0x80, lbu a4, 0(s0))
    TEST_CASE(72, a4, 0xffffffffffff8180, lh a4, 0(s0))
    TEST_CASE(73, a4, 0x8180, lhu a4, 0(s0))
    TEST_CASE(74, a4, 0xffffffff83828180, lw a4, 0(s0))
    TEST_CASE(75, a4, 0x83828180, lwu a4, 0(s0))
    TEST_CASE(76, a4, 0x8786858483828180, ld a4, 0(s0))
    TEST_CASE(77, a4, 0x7f, lb a4, 8(s0))
    TEST_CASE(78, a4, 0xffffffffffffff81, lb a4, 1(s0))
    // stores: partial writes
    li TESTNUM, 80
    la s1, scratch
    li a1, 0x1122334455667788
    sd a1, 0(s1)
    li a2, 0xaa
    sb a2, 1(s1)
    li a2, 0xbbcc
    sh a2, 4(s1)
    li a2, 0xddeeff00
    sw a2, 8(s1)
    ld a4, 0(s1)
    CHECK_EQ(a4, 0x1122bbcc5566aa88)
    lwu a4, 8(s1)
    CHECK_EQ(a4, 0xddeeff00)
    // negative offsets
    TEST_CASE(81, a4, 0xddeeff00, addi s1, s1, 16; lwu a4, -8(s1))

    // branches
    li TESTNUM, 90
    li a1, -1
    li a2, 1
    blt a2, a1, fail          // 1 < -1 false
    bltu a1, a2, fail         // unsigned: max < 1 false
    bge a1, a2, fail
    bgeu a2, a1, fail
    beq a1, a2, fail
    li TESTNUM, 91
    blt a1, a2, 1f
    j fail
1:  bltu a2, a1, 1f
    j fail
1:  bge a2, a1, 1f
    j fail
1:  bgeu a1, a2, 1f
    j fail
1:  bne a1, a2, 1f
    j fail
1:  bge a1, a1, 1f            // equal -> taken
    j fail
1:
    // backward branch loop
    li TESTNUM, 92
    li a4, 0
    li a1, 10
1:  addi a4, a4, 3
    addi a1, a1, -1
    bnez a1, 1b
    CHECK_EQ(a4, 30)

    // jal / jalr: link value, bit 0 of the jalr target cleared, rd == rs1
    li TESTNUM, 100
    jal ra, 1f
2:  j fail
1:  la a5, 2b
    bne ra, a5, fail
    li TESTNUM, 101
    la a1, 3f
    addi a1, a1, 1            // odd address: jalr clears bit 0
    jalr a2, 0(a1)
4:  j fail
3:  la a5, 4b
    bne a2, a5, fail
    li TESTNUM, 102
    la a1, 5f
    jalr a1, 0(a1)            // rd == rs1: target read before the link is written
6:  j fail
5:  la a5, 6b
    bne a1, a5, fail
    li TESTNUM, 103
    la a1, 8f
    addi a1, a1, -8
    jalr zero, 8(a1)          // offset
    j fail
8:

    // x0 stays zero
    li TESTNUM, 110
    addi zero, zero, 5
    li a1, 7
    add zero, a1, a1
    lui zero, 0x12345
    bnez zero, fail
    la s0, data
    ld zero, 0(s0)
    bnez zero, fail

    j pass

RVTEST_END

    .data
    .balign 8
data:
    .byte 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x7f
    .balign 8
scratch:
    .zero 64
