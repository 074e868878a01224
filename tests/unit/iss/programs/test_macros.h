// Self-checking test framework of the ISS test programs (our own macros).
//
// Exit codes through tohost: 0 = pass; N = check N failed; 1024 + N = an
// unexpected trap during check N (the C++ side prints mcause/mepc/mtval).
// Registers: gp holds the current check number, t6 is scratch for expected
// values, t4 is the resume address used by the expected-trap handler
// (TRAP_HANDLER_RESUME), s2/s3/s4 receive mcause/mepc/mtval, s5 counts traps.
#define TESTNUM gp

#define RVTEST_BEGIN                                   \
    .section .text.init;                               \
    .globl _start;                                     \
_start:                                                \
    la t0, unexpected_trap;                            \
    csrw mtvec, t0;                                    \
    li t0, 0x2000; /* mstatus.FS = Initial */          \
    csrs mstatus, t0;                                  \
    csrwi fcsr, 0;                                     \
    la sp, __stack_top;                                \
    li TESTNUM, 0;                                     \
    li s5, 0;

#define RVTEST_END                                     \
pass:                                                  \
    li a0, 1;                                          \
    j write_tohost;                                    \
fail:                                                  \
    slli a0, TESTNUM, 1;                               \
    ori a0, a0, 1;                                     \
write_tohost:                                          \
    la t5, tohost;                                     \
    sd a0, 0(t5);                                      \
1:  j 1b;                                              \
    .balign 4;                                         \
unexpected_trap:                                       \
    ori TESTNUM, TESTNUM, 0x400;                       \
    j fail;                                            \
    .section .tohost, "aw", @progbits;                 \
    .balign 8;                                         \
    .globl tohost;                                     \
tohost: .dword 0;                                      \
    .globl fromhost;                                   \
fromhost: .dword 0;                                    \
    .text

// A trap handler that records the trap and resumes at t4.
#define TRAP_HANDLER_RESUME(label)                     \
    .balign 4;                                         \
label:                                                 \
    csrr s2, mcause;                                   \
    csrr s3, mepc;                                     \
    csrr s4, mtval;                                    \
    addi s5, s5, 1;                                    \
    csrw mepc, t4;                                     \
    mret;

#define CHECK_EQ(reg, val)                             \
    li t6, val;                                        \
    bne reg, t6, fail;

// check n: run `code`, then compare `reg` with `val`
#define TEST_CASE(n, reg, val, code...)                \
    li TESTNUM, n;                                     \
    code;                                              \
    CHECK_EQ(reg, val)

#define TEST_RR(n, inst, result, v1, v2)               \
    TEST_CASE(n, a4, result, li a1, v1; li a2, v2; inst a4, a1, a2)

#define TEST_IMM(n, inst, result, v1, imm)             \
    TEST_CASE(n, a4, result, li a1, v1; inst a4, a1, imm)

// Rounding-mode operand: TEST_FP_S2(..., RM(rtz)) appends ", rtz".
#define RM(m) , m

// ---- floating point ----
// Operands and results are bit patterns. Single-precision results are
// compared zero-extended and their NaN boxing is checked. Flags: fflags after
// the operation (cleared before).

#define FP_LOAD_S(freg, bits) li t0, bits; fmv.w.x freg, t0;
#define FP_LOAD_D(freg, bits) li t0, bits; fmv.d.x freg, t0;

#define FP_CHECK_S(n, result, flags)                   \
    fmv.x.w a4, fa3;                                   \
    slli a4, a4, 32;                                   \
    srli a4, a4, 32;                                   \
    CHECK_EQ(a4, result)                               \
    fmv.x.d a4, fa3;                                   \
    srli a4, a4, 32;                                   \
    CHECK_EQ(a4, 0xffffffff)                           \
    csrr a5, fflags;                                   \
    CHECK_EQ(a5, flags)

#define FP_CHECK_D(n, result, flags)                   \
    fmv.x.d a4, fa3;                                   \
    CHECK_EQ(a4, result)                               \
    csrr a5, fflags;                                   \
    CHECK_EQ(a5, flags)

#define FP_CHECK_X(n, result, flags)                   \
    CHECK_EQ(a4, result)                               \
    csrr a5, fflags;                                   \
    CHECK_EQ(a5, flags)

// fa3 = inst(fa0, fa1[, fa2]) [, rm]
#define TEST_FP_S2(n, inst, flags, result, a, b, rm...) \
    li TESTNUM, n; FP_LOAD_S(fa0, a) FP_LOAD_S(fa1, b) \
    csrwi fflags, 0; inst fa3, fa0, fa1 rm;            \
    FP_CHECK_S(n, result, flags)
#define TEST_FP_S1(n, inst, flags, result, a, rm...)   \
    li TESTNUM, n; FP_LOAD_S(fa0, a)                   \
    csrwi fflags, 0; inst fa3, fa0 rm;                 \
    FP_CHECK_S(n, result, flags)
#define TEST_FP_S3(n, inst, flags, result, a, b, c, rm...) \
    li TESTNUM, n; FP_LOAD_S(fa0, a) FP_LOAD_S(fa1, b) FP_LOAD_S(fa2, c) \
    csrwi fflags, 0; inst fa3, fa0, fa1, fa2 rm;       \
    FP_CHECK_S(n, result, flags)
#define TEST_FP_D2(n, inst, flags, result, a, b, rm...) \
    li TESTNUM, n; FP_LOAD_D(fa0, a) FP_LOAD_D(fa1, b) \
    csrwi fflags, 0; inst fa3, fa0, fa1 rm;            \
    FP_CHECK_D(n, result, flags)
#define TEST_FP_D1(n, inst, flags, result, a, rm...)   \
    li TESTNUM, n; FP_LOAD_D(fa0, a)                   \
    csrwi fflags, 0; inst fa3, fa0 rm;                 \
    FP_CHECK_D(n, result, flags)
#define TEST_FP_D3(n, inst, flags, result, a, b, c, rm...) \
    li TESTNUM, n; FP_LOAD_D(fa0, a) FP_LOAD_D(fa1, b) FP_LOAD_D(fa2, c) \
    csrwi fflags, 0; inst fa3, fa0, fa1, fa2 rm;       \
    FP_CHECK_D(n, result, flags)
// integer result: a4 = inst(fa0[, fa1]) [, rm]
#define TEST_FP_S_TO_X(n, inst, flags, result, a, rm...) \
    li TESTNUM, n; FP_LOAD_S(fa0, a)                   \
    csrwi fflags, 0; inst a4, fa0 rm;                  \
    FP_CHECK_X(n, result, flags)
#define TEST_FP_D_TO_X(n, inst, flags, result, a, rm...) \
    li TESTNUM, n; FP_LOAD_D(fa0, a)                   \
    csrwi fflags, 0; inst a4, fa0 rm;                  \
    FP_CHECK_X(n, result, flags)
#define TEST_FP_CMP_S(n, inst, flags, result, a, b)    \
    li TESTNUM, n; FP_LOAD_S(fa0, a) FP_LOAD_S(fa1, b) \
    csrwi fflags, 0; inst a4, fa0, fa1;                \
    FP_CHECK_X(n, result, flags)
#define TEST_FP_CMP_D(n, inst, flags, result, a, b)    \
    li TESTNUM, n; FP_LOAD_D(fa0, a) FP_LOAD_D(fa1, b) \
    csrwi fflags, 0; inst a4, fa0, fa1;                \
    FP_CHECK_X(n, result, flags)
// FP result from an integer: fa3 = inst(a1) [, rm]
#define TEST_X_TO_FP_S(n, inst, flags, result, v, rm...) \
    li TESTNUM, n; li a1, v;                           \
    csrwi fflags, 0; inst fa3, a1 rm;                  \
    FP_CHECK_S(n, result, flags)
#define TEST_X_TO_FP_D(n, inst, flags, result, v, rm...) \
    li TESTNUM, n; li a1, v;                           \
    csrwi fflags, 0; inst fa3, a1 rm;                  \
    FP_CHECK_D(n, result, flags)
