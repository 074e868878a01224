// Timing model: cycle deltas measured with mcycle around short sequences.
// The C++ test compares them with the IssTiming defaults:
//   s3 independent pair, s4 load-use, s6 mul-use, s7 forward taken branch,
//   s8 not-taken branch, s9 dependent fdiv.d, s10 dependent div,
//   s11 two independent fdiv.d, a6 slow bus load (scratch register, 10 stall cycles)
#include "test_macros.h"

RVTEST_BEGIN
    la s0, buf
    li a2, 3
    li a3, 7
    li a5, 100
    FP_LOAD_D(fa1, 0x3ff0000000000000)
    FP_LOAD_D(fa2, 0x4008000000000000)
    nop
    nop

    csrr s1, mcycle
    ld a1, 0(s0)
    add t3, a4, a4
    csrr s2, mcycle
    sub s3, s2, s1

    csrr s1, mcycle
    ld a1, 0(s0)
    add t3, a1, a1
    csrr s2, mcycle
    sub s4, s2, s1

    csrr s1, mcycle
    mul a1, a2, a2
    add t3, a1, a1
    csrr s2, mcycle
    sub s6, s2, s1

    .option push
    .option norvc
    csrr s1, mcycle
    beq zero, zero, 1f
1:  csrr s2, mcycle
    sub s7, s2, s1

    csrr s1, mcycle
    bne zero, zero, 1f
1:  csrr s2, mcycle
    sub s8, s2, s1
    .option pop

    csrr s1, mcycle
    fdiv.d fa0, fa1, fa2
    fmv.x.d a1, fa0
    csrr s2, mcycle
    sub s9, s2, s1

    csrr s1, mcycle
    div a1, a5, a3
    add t3, a1, a1
    csrr s2, mcycle
    sub s10, s2, s1

    nop
    nop
    csrr s1, mcycle
    fdiv.d fa0, fa1, fa2
    fdiv.d fa3, fa1, fa2
    csrr s2, mcycle
    sub s11, s2, s1

    li t0, 0x10000028
    nop
    nop
    csrr s1, mcycle
    ld a1, 0(t0)
    csrr s2, mcycle
    sub a6, s2, s1

    j pass
RVTEST_END

    .data
    .balign 8
buf: .dword 5
