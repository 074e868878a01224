// Exceptions and machine-mode CSRs: illegal instructions (mtval = encoding),
// ecall, ebreak, misaligned and faulting loads/stores, fetch faults, mret,
// vectored mtvec (exceptions still go to the base), CSR access rules.
#include "test_macros.h"

#define UNMAPPED 0x40000000

RVTEST_BEGIN
    la t0, handler
    csrw mtvec, t0

    // illegal instruction: mcause 2, mtval = the encoding, mepc = its address
    li TESTNUM, 1
    la t4, 1f
2:  .word 0xffffffff
1:  CHECK_EQ(s2, 2)
    CHECK_EQ(s4, 0xffffffff)
    la t6, 2b
    bne s3, t6, fail
    li TESTNUM, 2
    la t4, 1f
    .word 0x00000000                      // all zeros: illegal (16-bit parcel 0)
1:  CHECK_EQ(s2, 2)
    CHECK_EQ(s4, 0)
    li TESTNUM, 3
    la t4, 1f
    .balign 4
2:  csrr a0, 0x7c0                        // no such CSR
1:  CHECK_EQ(s2, 2)
    lw t6, 2b
    bne s4, t6, fail
    li TESTNUM, 4
    la t4, 1f
    csrw mhartid, a0                      // read-only CSR
1:  CHECK_EQ(s2, 2)
    li TESTNUM, 5
    la t4, 1f
    csrw cycle, a0                        // read-only shadow
1:  CHECK_EQ(s2, 2)
    li TESTNUM, 6
    la t4, 1f
    .word 0x10200073                      // sret: no S mode
1:  CHECK_EQ(s2, 2)
    li TESTNUM, 7
    li s5, 0
    csrr a0, mhartid                      // reading a read-only CSR is fine
    csrs cycle, zero                      // csrrs with x0 does not write: legal
    bnez s5, fail
    CHECK_EQ(a0, 0)

    // ecall / ebreak
    li TESTNUM, 10
    la t4, 1f
2:  ecall
1:  CHECK_EQ(s2, 11)
    CHECK_EQ(s4, 0)
    la t6, 2b
    bne s3, t6, fail
    li TESTNUM, 11
    la t4, 1f
2:  ebreak
1:  CHECK_EQ(s2, 3)
    la t6, 2b
    bne s3, t6, fail
    bne s4, t6, fail                      // mtval = pc of the breakpoint

    // misaligned accesses trap (mcause 4 / 6, mtval = address)
    li TESTNUM, 20
    la s0, buf
    addi a1, s0, 1
    la t4, 1f
2:  lw a4, 0(a1)
1:  CHECK_EQ(s2, 4)
    bne s4, a1, fail
    la t6, 2b
    bne s3, t6, fail
    li TESTNUM, 21
    addi a1, s0, 4
    la t4, 1f
    sd a4, 0(a1)
1:  CHECK_EQ(s2, 6)
    bne s4, a1, fail
    li TESTNUM, 22
    addi a1, s0, 2
    la t4, 1f
    fld fa0, 0(a1)
1:  CHECK_EQ(s2, 4)
    li TESTNUM, 23
    addi a1, s0, 1
    la t4, 1f
    sh a4, 0(a1)
1:  CHECK_EQ(s2, 6)
    li TESTNUM, 24
    addi a1, s0, 1                        // bytes are never misaligned
    li s5, 0
    lb a4, 0(a1)
    sb a4, 0(a1)
    bnez s5, fail

    // access faults (nothing mapped)
    li TESTNUM, 30
    li a1, UNMAPPED
    la t4, 1f
    ld a4, 8(a1)
1:  CHECK_EQ(s2, 5)
    CHECK_EQ(s4, UNMAPPED + 8)
    li TESTNUM, 31
    la t4, 1f
    sw a4, 0(a1)
1:  CHECK_EQ(s2, 7)
    CHECK_EQ(s4, UNMAPPED)
    li TESTNUM, 32
    la t4, 1f
    jalr ra, 0(a1)                        // fetch fault at the target
1:  CHECK_EQ(s2, 1)
    CHECK_EQ(s3, UNMAPPED)                // mepc = the address that could not be fetched
    CHECK_EQ(s4, UNMAPPED)
    la t6, 1b
    bne ra, t6, fail                      // the jump itself retired

    // mret: MIE <- MPIE, MPIE <- 1, pc <- mepc
    li TESTNUM, 40
    li t0, 0x88
    csrc mstatus, t0
    li t0, 0x80
    csrs mstatus, t0                      // MPIE = 1, MIE = 0
    la t0, 1f
    csrw mepc, t0
    mret
    j fail
1:  csrr a4, mstatus
    andi a5, a4, 0x88
    CHECK_EQ(a5, 0x88)
    li t0, 0x1800
    and a5, a4, t0
    CHECK_EQ(a5, 0x1800)                  // MPP reads M
    csrci mstatus, 8
    // trap entry: MPIE <- MIE, MIE <- 0
    li TESTNUM, 41
    csrsi mstatus, 8                      // MIE = 1 (nothing enabled in mie)
    la t4, 1f
    ecall
1:  csrr a4, mstatus
    andi a5, a4, 0x88
    CHECK_EQ(a5, 0x88)                    // mret restored MIE from MPIE
    csrci mstatus, 8

    // vectored mtvec: exceptions still go to the base
    li TESTNUM, 50
    la t0, vtable
    ori t0, t0, 1
    csrw mtvec, t0
    csrr a4, mtvec
    bne a4, t0, fail
    li s6, 0
    la t4, 1f
    ecall
1:  CHECK_EQ(s6, 1)
    CHECK_EQ(s2, 11)
    li TESTNUM, 51
    li t0, 3                              // reserved mode -> direct (WARL)
    la t1, handler
    or t0, t0, t1
    csrw mtvec, t0
    csrr a4, mtvec
    bne a4, t1, fail

    // CSRs
    li TESTNUM, 60
    csrr a4, misa
    srli a5, a4, 62
    CHECK_EQ(a5, 2)                       // MXL = 64
    li t0, (1 << 8) | (1 << 12) | (1 << 5) | (1 << 3)
    and a5, a4, t0
    bne a5, t0, fail                      // I, M, F, D
    li TESTNUM, 61
    li a1, 0x123456789
    csrw mscratch, a1
    csrrw a4, mscratch, zero
    bne a4, a1, fail
    csrr a4, mscratch
    bnez a4, fail
    li TESTNUM, 62
    csrr a1, minstret
    csrr a2, minstret
    sub a4, a2, a1
    CHECK_EQ(a4, 1)
    csrr a1, mcycle
    csrr a2, cycle
    bltu a2, a1, fail
    csrr a1, instret
    csrr a2, minstret
    sub a4, a2, a1
    CHECK_EQ(a4, 1)
    li TESTNUM, 63
    li a1, 1000
    csrw minstret, a1
    csrr a2, minstret
    CHECK_EQ(a2, 1000)
    li TESTNUM, 631
    li a1, 5000
    csrw mcycle, a1
    csrr a2, mcycle
    sub a4, a2, a1
    sltiu a4, a4, 10
    CHECK_EQ(a4, 1)                       // mcycle continues from the written value
    li TESTNUM, 64
    li a1, 0xffffffffffffffff
    csrw mie, a1
    csrr a4, mie
    CHECK_EQ(a4, 0x888)                   // MSIE, MTIE, MEIE only
    csrw mie, zero
    csrw mip, a1                          // pending bits are driven by the platform
    csrr a4, mip
    CHECK_EQ(a4, 0)
    li TESTNUM, 65
    li a1, 0xffffffffffffffff
    csrw mepc, a1
    csrr a4, mepc
    li t6, -2
#if !defined(__riscv_compressed)
    li t6, -4
#endif
    bne a4, t6, fail
    li TESTNUM, 66
    csrr a4, mvendorid
    csrr a4, marchid
    csrr a4, mimpid
    csrr a4, mhpmcounter3
    bnez a4, fail
    csrw mhpmevent3, a1

    j pass

    TRAP_HANDLER_RESUME(handler)

    .balign 64
    .option push
    .option norvc
vtable:
    j vexc
    j fail
    j fail
    j fail
    .option pop
vexc:
    li s6, 1
    j handler

RVTEST_END

    .data
    .balign 8
buf: .zero 16
