// Self-modifying code: the decoded-instruction cache sees stores to code.
#include "test_macros.h"

RVTEST_BEGIN
    la s0, func
    li TESTNUM, 1
    call func
    CHECK_EQ(a0, 1)
    li TESTNUM, 2
    li t0, 0x00200513                     // addi a0, zero, 2
    sw t0, 0(s0)
    fence.i
    call func
    CHECK_EQ(a0, 2)
    li TESTNUM, 3
    li t0, 0x00300513                     // addi a0, zero, 3: no fence.i (the ISS
    sw t0, 0(s0)                          // invalidates on stores to cached code)
    call func
    CHECK_EQ(a0, 3)
    li TESTNUM, 4                         // patch the next instruction in line
    la s1, 2f
    li t0, 0x00400513                     // addi a0, zero, 4
    sw t0, 0(s1)
    .option push
    .option norvc
2:  addi a0, zero, 9
    .option pop
    CHECK_EQ(a0, 4)
    j pass

    .option push
    .option norvc
func:
    addi a0, zero, 1
    ret
    .option pop
RVTEST_END
