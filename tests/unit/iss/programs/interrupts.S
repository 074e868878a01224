// Interrupts, driven together with the C++ test through the test device:
//   phase 1: machine timer (the test advances mtime while the core sleeps)
//   phase 2: machine external (the test raises the line at the wfi)
//   phase 3: mstatus.MIE = 0: wfi wakes without a trap; setting MIE takes it
//   phase 4: software interrupt through a vectored mtvec
//   phase 5: priority MEI > MSI > MTI
#include "test_macros.h"

#define DEV 0x10000000
#define DEV_EXT 0x00
#define DEV_MTIMECMP 0x08
#define DEV_MSIP 0x18
#define DEV_PHASE 0x20

RVTEST_BEGIN
    la t0, irq_handler
    csrw mtvec, t0
    li s0, DEV
    la s7, order

    // phase 1: timer
    li TESTNUM, 1
    li s5, 0
    li t0, 100
    sd t0, DEV_MTIMECMP(s0)
    li t0, 0x80
    csrw mie, t0
    li t0, 1
    sd t0, DEV_PHASE(s0)
    csrsi mstatus, 8
1:  wfi
    beqz s5, 1b
    CHECK_EQ(s2, 0x8000000000000007)
    CHECK_EQ(s5, 1)
    csrci mstatus, 8

    // phase 2: external
    li TESTNUM, 2
    li s5, 0
    li t0, 0x800
    csrw mie, t0
    li t0, 2
    sd t0, DEV_PHASE(s0)
    csrsi mstatus, 8
1:  wfi
    beqz s5, 1b
    CHECK_EQ(s2, 0x800000000000000b)
    csrci mstatus, 8

    // phase 3: gated by mstatus.MIE
    li TESTNUM, 3
    li s5, 0
    li t0, 3
    sd t0, DEV_PHASE(s0)
    wfi                                   // the line rises while the core sleeps
    csrr a4, mip
    srli a4, a4, 11
    andi a4, a4, 1
    CHECK_EQ(a4, 1)                       // MEIP pending
    bnez s5, fail                         // but not taken
    csrsi mstatus, 8                      // taken before the next instruction
    mv a5, s5
    CHECK_EQ(a5, 1)
    CHECK_EQ(s2, 0x800000000000000b)
    csrci mstatus, 8

    // phase 4: software interrupt, vectored
    li TESTNUM, 4
    la t0, vtable
    ori t0, t0, 1
    csrw mtvec, t0
    li s5, 0
    li s6, 0
    li t0, 8
    csrw mie, t0
    csrsi mstatus, 8
    li t0, 1
    sd t0, DEV_MSIP(s0)                   // raises the software interrupt at once
    nop
    CHECK_EQ(s6, 3)
    CHECK_EQ(s2, 0x8000000000000003)
    csrci mstatus, 8
    la t0, irq_handler
    csrw mtvec, t0

    // phase 5: priorities
    li TESTNUM, 5
    li s5, 0
    la s7, order
    li t0, 0x888
    csrw mie, t0
    sd zero, DEV_MTIMECMP(s0)             // mtime >= 0: timer pending
    li t0, 1
    sd t0, DEV_MSIP(s0)
    sd t0, DEV_EXT(s0)
    csrsi mstatus, 8                      // three interrupts, highest first
    nop
    csrci mstatus, 8
    CHECK_EQ(s5, 3)
    la s7, order
    ld a4, 0(s7)
    CHECK_EQ(a4, 11)
    ld a4, 8(s7)
    CHECK_EQ(a4, 3)
    ld a4, 16(s7)
    CHECK_EQ(a4, 7)

    j pass

    .balign 4
irq_handler:
    csrr s2, mcause
    addi s5, s5, 1
    slli s8, s2, 1
    srli s8, s8, 1                        // interrupt code
    sd s8, 0(s7)
    addi s7, s7, 8
    li s9, 11
    bne s8, s9, 1f
    sd zero, DEV_EXT(s0)                  // lower the external line
    mret
1:  li s9, 3
    bne s8, s9, 2f
    sd zero, DEV_MSIP(s0)
    mret
2:  li s9, -1
    sd s9, DEV_MTIMECMP(s0)               // timer: mtimecmp = max
    mret

    .balign 64
    .option push
    .option norvc
vtable:
    j fail                                // exceptions
    j fail
    j fail
    j vmsi                                // 3: machine software
    j fail
    j fail
    j fail
    j fail                                // 7: machine timer
    .option pop
vmsi:
    li s6, 3
    j irq_handler

RVTEST_END

    .data
    .balign 8
order: .zero 64
