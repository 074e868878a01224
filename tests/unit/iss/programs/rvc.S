// RV64C: every compressed instruction (explicit c.* mnemonics), 32-bit
// instructions at 2-byte alignment, one crossing a 4 KiB page boundary.
#include "test_macros.h"

RVTEST_BEGIN
    la t0, handler
    csrw mtvec, t0
    .option push
    .option rvc

    TEST_CASE(1, a4, -17, c.li a4, -17)
    TEST_CASE(2, a4, 31, c.li a4, 15; c.addi a4, 16)
    TEST_CASE(3, a4, 0xffffffff80000000, li a4, 0x7fffffff; c.addiw a4, 1)
    TEST_CASE(4, a4, 0xfffffffffffe0000, c.lui a4, 0xfffe0)
    TEST_CASE(5, a4, 0x1f000, c.lui a4, 0x1f)
    li TESTNUM, 6
    mv s1, sp
    c.addi16sp sp, -64
    sub a4, s1, sp
    CHECK_EQ(a4, 64)
    c.addi4spn a0, sp, 1020
    sub a4, a0, sp
    CHECK_EQ(a4, 1020)
    c.addi16sp sp, 496
    sub a4, sp, s1
    CHECK_EQ(a4, 432)
    mv sp, s1
    TEST_CASE(7, a4, 0x0fffffffffffffff, li a4, -1; c.srli a4, 4)
    TEST_CASE(8, a4, 0xffffffffffffffff, li a4, 0x8000000000000000; c.srai a4, 63)
    TEST_CASE(9, a4, 0x10, li a4, 0xff; c.andi a4, 0x10)
    TEST_CASE(10, a4, 0xfffffffffffffff0, li a4, -1; c.andi a4, -16)
    TEST_CASE(11, a4, 3, li a4, 10; li a5, 7; c.sub a4, a5)
    TEST_CASE(12, a4, 0x0f, li a4, 0x3c; li a5, 0x33; c.xor a4, a5)
    TEST_CASE(13, a4, 0x3f, li a4, 0x3c; li a5, 0x33; c.or a4, a5)
    TEST_CASE(14, a4, 0x30, li a4, 0x3c; li a5, 0x33; c.and a4, a5)
    TEST_CASE(15, a4, 0xffffffff80000000, li a4, 0x7fffffff; li a5, 1; c.addw a4, a5)
    TEST_CASE(16, a4, 0x7fffffff, li a4, 0x80000000; li a5, 1; c.subw a4, a5)
    TEST_CASE(17, a4, 0x8000000000000000, li a4, 1; c.slli a4, 63)
    TEST_CASE(18, a4, 42, li a5, 42; c.mv a4, a5)
    TEST_CASE(19, a4, 50, li a4, 8; li a5, 42; c.add a4, a5)

    // loads / stores, register-based and sp-based
    li TESTNUM, 20
    la s0, buf
    li a5, 0x1122334455667788
    c.sd a5, 8(s0)
    c.ld a4, 8(s0)
    bne a4, a5, fail
    c.sw a5, 16(s0)
    c.lw a4, 16(s0)
    CHECK_EQ(a4, 0x55667788)
    li a5, 0xfedcba98
    c.sw a5, 20(s0)
    c.lw a4, 20(s0)
    CHECK_EQ(a4, 0xfffffffffedcba98)      // sign-extended
    li TESTNUM, 21
    mv s1, sp
    mv sp, s0
    li a5, 0x0102030405060708
    c.sdsp a5, 24(sp)
    c.ldsp a4, 24(sp)
    bne a4, a5, fail
    c.swsp a5, 32(sp)
    c.lwsp a4, 32(sp)
    CHECK_EQ(a4, 0x05060708)
    li TESTNUM, 22
    li t0, 0x400921fb54442d18
    fmv.d.x fa0, t0
    c.fsdsp fa0, 40(sp)
    c.fldsp fa1, 40(sp)
    fmv.x.d a4, fa1
    bne a4, t0, fail
    mv sp, s1
    li TESTNUM, 23
    c.fsd fa0, 48(s0)
    c.fld fa2, 48(s0)
    fmv.x.d a4, fa2
    bne a4, t0, fail

    // control flow
    li TESTNUM, 30
    c.j 1f
    j fail
1:  li a4, 0
    c.beqz a4, 1f
    j fail
1:  c.bnez a4, fail
    li a4, 5
    c.bnez a4, 1f
    j fail
1:  c.beqz a4, fail
    li TESTNUM, 31
    la a5, 1f
    c.jr a5
    j fail
1:  la a5, 2f
    c.jalr a5
3:  j 4f
2:  la t6, 3b                             // link = address of c.jalr + 2
    bne ra, t6, fail
    ret
4:
    // c.ebreak: cause 3, mepc = its address
    li TESTNUM, 32
    la t4, 1f
2:  c.ebreak
1:  CHECK_EQ(s2, 3)
    la t6, 2b
    bne s3, t6, fail
    // a 32-bit instruction at a 2-byte aligned address
    li TESTNUM, 33
    .balign 4
    c.nop
    .option push
    .option norvc
    addi a4, zero, 123
    .option pop
    CHECK_EQ(a4, 123)
    // 16-bit illegal encoding: mtval = the 16-bit parcel
    li TESTNUM, 34
    la t4, 1f
    .hword 0x0000
1:  CHECK_EQ(s2, 2)
    CHECK_EQ(s4, 0)
    li TESTNUM, 35
    la t4, 1f
    .hword 0x6101                          // c.addi16sp with nzimm = 0: reserved
1:  CHECK_EQ(s2, 2)
    CHECK_EQ(s4, 0x6101)
    li TESTNUM, 36
    la t4, 1f
    .hword 0x6001                          // c.lui x0 with nzimm = 0: reserved
1:  CHECK_EQ(s2, 2)
    CHECK_EQ(s4, 0x6001)

    // a 32-bit instruction crossing a page boundary
    li TESTNUM, 40
    la s6, back
    la a5, cross
    jr a5
back:
    CHECK_EQ(a4, 77)
    li TESTNUM, 41
    la s6, back2
    la a5, cross                           // again: not cached, decoded again
    jr a5
back2:
    CHECK_EQ(a4, 77)

    j pass
    TRAP_HANDLER_RESUME(handler)

    .balign 4096
    .skip 4092
cross:
    c.li a4, 0
    .option push
    .option norvc
    addi a4, zero, 77                      // bytes 4094..4097 of the page
    .option pop
    jr s6
    .option pop
RVTEST_END

    .data
    .balign 8
buf: .zero 64
