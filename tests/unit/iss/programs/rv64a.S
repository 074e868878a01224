// RV64A on a single hart: LR/SC, AMOs (W results sign-extended, signed vs
// unsigned min/max), misaligned AMO -> store/AMO address-misaligned trap.
#include "test_macros.h"

RVTEST_BEGIN
    la s0, word

    li TESTNUM, 1
    li a1, 0x80000000
    sw a1, 0(s0)
    li a2, 1
    amoadd.w a4, a2, (s0)
    CHECK_EQ(a4, 0xffffffff80000000)          // old value, sign-extended
    lwu a4, 0(s0)
    CHECK_EQ(a4, 0x80000001)

    li TESTNUM, 2
    li a2, 5
    amomin.w a4, a2, (s0)                      // signed: 0x80000001 < 5
    lwu a4, 0(s0)
    CHECK_EQ(a4, 0x80000001)
    amominu.w a4, a2, (s0)                     // unsigned: 5 < 0x80000001
    lwu a4, 0(s0)
    CHECK_EQ(a4, 5)
    li a2, -1
    amomax.w a4, a2, (s0)                      // signed max(5, -1) = 5
    lwu a4, 0(s0)
    CHECK_EQ(a4, 5)
    amomaxu.w a4, a2, (s0)                     // unsigned max = 0xffffffff
    lwu a4, 0(s0)
    CHECK_EQ(a4, 0xffffffff)

    li TESTNUM, 3
    la s1, dword
    li a1, 0x0ff00ff00ff00ff0
    sd a1, 0(s1)
    li a2, 0x00ff00ff00ff00ff
    amoxor.d a4, a2, (s1)
    CHECK_EQ(a4, 0x0ff00ff00ff00ff0)
    ld a4, 0(s1)
    CHECK_EQ(a4, 0x0f0f0f0f0f0f0f0f)
    li a2, 0xffff0000ffff0000
    amoand.d a4, a2, (s1)
    ld a4, 0(s1)
    CHECK_EQ(a4, 0x0f0f00000f0f0000)
    li a2, 0x1
    amoor.d a4, a2, (s1)
    ld a4, 0(s1)
    CHECK_EQ(a4, 0x0f0f00000f0f0001)
    li a2, 1234
    amoswap.d a4, a2, (s1)
    CHECK_EQ(a4, 0x0f0f00000f0f0001)
    ld a4, 0(s1)
    CHECK_EQ(a4, 1234)
    li a2, -2
    amomin.d a4, a2, (s1)
    ld a4, 0(s1)
    CHECK_EQ(a4, -2)
    amomaxu.d a4, zero, (s1)
    ld a4, 0(s1)
    CHECK_EQ(a4, -2)

    // LR/SC
    li TESTNUM, 4
    lr.d a4, (s1)
    CHECK_EQ(a4, -2)
    li a2, 77
    sc.d a5, a2, (s1)
    CHECK_EQ(a5, 0)                            // success
    ld a4, 0(s1)
    CHECK_EQ(a4, 77)
    li TESTNUM, 5
    li a2, 88
    sc.d a5, a2, (s1)                          // no reservation any more
    CHECK_EQ(a5, 1)
    ld a4, 0(s1)
    CHECK_EQ(a4, 77)
    li TESTNUM, 6
    lr.w a4, (s0)
    CHECK_EQ(a4, -1)                           // 0xffffffff sign-extended
    addi a1, s0, 4
    sc.w a5, zero, (a1)                        // other address: fails
    bnez a5, 1f
    j fail
1:  lr.w a4, (s0)
    sc.w a5, zero, (s0)
    CHECK_EQ(a5, 0)
    lw a4, 0(s0)
    CHECK_EQ(a4, 0)

    // misaligned AMO -> cause 6, mtval = address
    li TESTNUM, 7
    la t0, handler
    csrw mtvec, t0
    la t4, 1f
    addi a1, s1, 4
2:  amoadd.d a4, a2, (a1)
1:  CHECK_EQ(s2, 6)
    bne s4, a1, fail
    la t6, 2b
    bne s3, t6, fail
    li TESTNUM, 8
    la t4, 1f
    addi a1, s0, 2
    lr.w a4, (a1)                              // LR: load address misaligned (4)
1:  CHECK_EQ(s2, 4)

    j pass
    TRAP_HANDLER_RESUME(handler)
RVTEST_END

    .data
    .balign 8
word: .word 0, 0
dword: .dword 0
