// RV64F: results, fflags, rounding modes (static and dynamic), NaN boxing,
// canonical NaNs, min/max, compare, classify, conversions with saturation,
// fused multiply-add, FS gating.
#include "test_macros.h"

#define NX 1
#define UF 2
#define OF 4
#define DZ 8
#define NV 16
#define QNAN 0x7fc00000
#define SNAN 0x7f800001

RVTEST_BEGIN
    la t0, handler
    csrw mtvec, t0

    // ---- arithmetic and flags ----
    TEST_FP_S2(1, fadd.s, 0, 0x40400000, 0x3f800000, 0x40000000)
    TEST_FP_S2(2, fsub.s, 0, 0xbf800000, 0x3f800000, 0x40000000)
    TEST_FP_S2(3, fmul.s, 0, 0x40c00000, 0x40000000, 0x40400000)
    TEST_FP_S2(4, fdiv.s, NX, 0x3eaaaaab, 0x3f800000, 0x40400000)
    TEST_FP_S2(5, fdiv.s, DZ, 0x7f800000, 0x3f800000, 0x00000000)
    TEST_FP_S1(6, fsqrt.s, NV, QNAN, 0xbf800000)
    TEST_FP_S1(7, fsqrt.s, NX, 0x3fb504f3, 0x40000000)
    TEST_FP_S2(8, fmul.s, OF|NX, 0x7f800000, 0x7f7fffff, 0x40000000)
    TEST_FP_S2(9, fmul.s, UF|NX, 0x00000000, 0x0d800000, 0x0d800000)
    TEST_FP_S2(10, fsub.s, NV, QNAN, 0x7f800000, 0x7f800000)
    TEST_FP_S2(11, fadd.s, NV, QNAN, SNAN, 0x3f800000)          // sNaN in, canonical out
    TEST_FP_S2(12, fadd.s, 0, QNAN, 0x7fc12345, 0x3f800000)    // qNaN payload not propagated
    TEST_FP_S2(13, fmul.s, NV, QNAN, 0x7f800000, 0x00000000)
    // tininess is detected after rounding: (1 - 2^-26) * 2^-126 rounds to
    // 2^-126, which is not tiny -> NX without UF
    TEST_FP_S2(14, fmul.s, NX, 0x00800000, 0x1ffff800, 0x20000400)
    TEST_FP_S2(15, fmul.s, OF|NX, 0x7f7fffff, 0x7f7fffff, 0x40000000, RM(rtz))
    TEST_FP_S2(16, fmul.s, OF|NX, 0xff7fffff, 0xff7fffff, 0x40000000, RM(rup))
    TEST_FP_S2(17, fmul.s, OF|NX, 0xff800000, 0xff7fffff, 0x40000000, RM(rmm))

    // ---- rounding modes: tie 1 + 2^-24 ----
    TEST_FP_S2(20, fadd.s, NX, 0x3f800000, 0x3f800000, 0x33800000, RM(rne))
    TEST_FP_S2(21, fadd.s, NX, 0x3f800000, 0x3f800000, 0x33800000, RM(rtz))
    TEST_FP_S2(22, fadd.s, NX, 0x3f800000, 0x3f800000, 0x33800000, RM(rdn))
    TEST_FP_S2(23, fadd.s, NX, 0x3f800001, 0x3f800000, 0x33800000, RM(rup))
    TEST_FP_S2(24, fadd.s, NX, 0x3f800001, 0x3f800000, 0x33800000, RM(rmm))
    TEST_FP_S2(25, fadd.s, NX, 0xbf800000, 0xbf800000, 0xb3800000, RM(rne))
    TEST_FP_S2(26, fadd.s, NX, 0xbf800000, 0xbf800000, 0xb3800000, RM(rtz))
    TEST_FP_S2(27, fadd.s, NX, 0xbf800001, 0xbf800000, 0xb3800000, RM(rdn))
    TEST_FP_S2(28, fadd.s, NX, 0xbf800000, 0xbf800000, 0xb3800000, RM(rup))
    TEST_FP_S2(29, fadd.s, NX, 0xbf800001, 0xbf800000, 0xb3800000, RM(rmm))
    // not a tie: 1 + 0.75 ulp
    TEST_FP_S2(30, fadd.s, NX, 0x3f800001, 0x3f800000, 0x33c00000, RM(rne))
    TEST_FP_S2(31, fadd.s, NX, 0x3f800000, 0x3f800000, 0x33c00000, RM(rtz))
    TEST_FP_S2(32, fadd.s, NX, 0x3f800001, 0x3f800000, 0x33c00000, RM(rmm))
    // product tie with an even lower neighbour: RNE keeps it, RMM goes away
    TEST_FP_S2(33, fmul.s, NX, 0x3fc00004, 0x3f800003, 0x3fc00000, RM(rne))
    TEST_FP_S2(34, fmul.s, NX, 0x3fc00005, 0x3f800003, 0x3fc00000, RM(rmm))
    TEST_FP_S2(35, fmul.s, NX, 0x3fc00004, 0x3f800003, 0x3fc00000, RM(rtz))
    TEST_FP_S2(36, fdiv.s, NX, 0x3eaaaaaa, 0x3f800000, 0x40400000, RM(rtz))
    TEST_FP_S2(37, fdiv.s, NX, 0x3eaaaaab, 0x3f800000, 0x40400000, RM(rmm))
    TEST_FP_S1(38, fsqrt.s, NX, 0x3fb504f4, 0x40000000, RM(rup))
    TEST_FP_S1(39, fsqrt.s, NX, 0x3fb504f3, 0x40000000, RM(rmm))
    // x + (-x) is +0 except in RDN
    TEST_FP_S2(40, fadd.s, 0, 0x00000000, 0x3f800000, 0xbf800000, RM(rmm))
    TEST_FP_S2(41, fadd.s, 0, 0x80000000, 0x3f800000, 0xbf800000, RM(rdn))

    // ---- dynamic rounding mode ----
    li TESTNUM, 45
    csrwi frm, 3                                   // RUP
    TEST_FP_S2(45, fadd.s, NX, 0x3f800001, 0x3f800000, 0x33800000)
    csrwi frm, 4                                   // RMM
    TEST_FP_S2(46, fmul.s, NX, 0x3fc00005, 0x3f800003, 0x3fc00000)
    csrwi frm, 0
    li TESTNUM, 47
    csrwi frm, 5                                   // invalid frm: dynamic ops are illegal
    la t4, 1f
2:  fadd.s fa3, fa0, fa1
1:  CHECK_EQ(s2, 2)
    la t6, 2b
    bne s3, t6, fail
    csrwi frm, 0
    li TESTNUM, 48
    la t4, 1f
    .word 0x00b556d3                               // fadd.s fa3, fa0, fa1 with rm = 5
1:  CHECK_EQ(s2, 2)
    CHECK_EQ(s4, 0x00b556d3)                       // mtval = the instruction

    // ---- fcsr / frm / fflags ----
    li TESTNUM, 50
    li a1, 0xff
    csrw fcsr, a1
    csrr a4, frm
    CHECK_EQ(a4, 7)
    csrr a4, fflags
    CHECK_EQ(a4, 31)
    csrwi fflags, 0
    csrr a4, fcsr
    CHECK_EQ(a4, 0xe0)
    csrwi fcsr, 0
    li TESTNUM, 51                                 // flags accumulate
    FP_LOAD_S(fa0, 0x3f800000)
    FP_LOAD_S(fa1, 0x00000000)
    FP_LOAD_S(fa2, 0xbf800000)
    fdiv.s fa3, fa0, fa1
    fsqrt.s fa3, fa2
    csrr a4, fflags
    CHECK_EQ(a4, DZ|NV)
    csrrw a4, fflags, zero                         // swap returns the old flags
    CHECK_EQ(a4, DZ|NV)
    csrr a4, fflags
    CHECK_EQ(a4, 0)

    // ---- NaN boxing ----
    li TESTNUM, 60
    li t0, 0x000000003f800000                      // 1.0f, not boxed
    fmv.d.x fa0, t0
    FP_LOAD_S(fa1, 0x3f800000)
    csrwi fflags, 0
    fadd.s fa3, fa0, fa1
    FP_CHECK_S(60, QNAN, 0)
    li TESTNUM, 61
    fsgnjn.s fa3, fa0, fa0                         // canonical NaN, sign injected
    FP_CHECK_S(61, 0xffc00000, 0)
    li TESTNUM, 62
    fmv.x.w a4, fa0                                // moves do not check boxing
    CHECK_EQ(a4, 0x3f800000)
    fclass.s a4, fa0
    CHECK_EQ(a4, 0x200)
    li TESTNUM, 63
    la s0, buf
    fsw fa0, 0(s0)                                 // stores the low bits as they are
    lwu a4, 0(s0)
    CHECK_EQ(a4, 0x3f800000)
    flw fa4, 0(s0)
    fmv.x.d a4, fa4
    CHECK_EQ(a4, 0xffffffff3f800000)               // loads box
    li TESTNUM, 64
    li t0, 0xfffffffe3f800000                      // one upper bit clear: not boxed
    fmv.d.x fa0, t0
    fmv.s fa3, fa0
    FP_CHECK_S(64, QNAN, 0)
    li TESTNUM, 65
    fmv.w.x fa3, zero
    fmv.x.d a4, fa3
    CHECK_EQ(a4, 0xffffffff00000000)

    // ---- sign injection (no canonicalisation of NaN payloads) ----
    TEST_FP_S2(70, fsgnj.s, 0, 0xbf800000, 0x3f800000, 0xc0000000)
    TEST_FP_S2(71, fsgnjn.s, 0, 0x3f800000, 0x3f800000, 0xc0000000)
    TEST_FP_S2(72, fsgnjx.s, 0, 0x3f800000, 0xbf800000, 0xc0000000)
    TEST_FP_S2(73, fsgnjx.s, 0, 0xbf800000, 0xbf800000, 0x40000000)
    TEST_FP_S2(74, fsgnj.s, 0, 0xff800001, SNAN, 0xbf800000)

    // ---- min / max ----
    TEST_FP_S2(80, fmin.s, 0, 0x80000000, 0x80000000, 0x00000000)
    TEST_FP_S2(81, fmin.s, 0, 0x80000000, 0x00000000, 0x80000000)
    TEST_FP_S2(82, fmax.s, 0, 0x00000000, 0x80000000, 0x00000000)
    TEST_FP_S2(83, fmin.s, 0, 0x3f800000, QNAN, 0x3f800000)
    TEST_FP_S2(84, fmax.s, NV, 0x3f800000, 0x3f800000, SNAN)
    TEST_FP_S2(85, fmin.s, 0, QNAN, QNAN, 0x7fc00001)
    TEST_FP_S2(86, fmin.s, NV, QNAN, SNAN, QNAN)
    TEST_FP_S2(87, fmax.s, 0, 0x40000000, 0x3f800000, 0x40000000)
    TEST_FP_S2(88, fmin.s, 0, 0xff800000, 0xff800000, 0x3f800000)

    // ---- compare ----
    TEST_FP_CMP_S(90, feq.s, 0, 0, QNAN, 0x3f800000)
    TEST_FP_CMP_S(91, flt.s, NV, 0, QNAN, 0x3f800000)
    TEST_FP_CMP_S(92, fle.s, NV, 0, 0x3f800000, QNAN)
    TEST_FP_CMP_S(93, feq.s, NV, 0, SNAN, 0x3f800000)
    TEST_FP_CMP_S(94, fle.s, 0, 1, 0x80000000, 0x00000000)
    TEST_FP_CMP_S(95, flt.s, 0, 0, 0x80000000, 0x00000000)
    TEST_FP_CMP_S(96, feq.s, 0, 1, 0x80000000, 0x00000000)
    TEST_FP_CMP_S(97, flt.s, 0, 1, 0xbf800000, 0x3f800000)
    TEST_FP_CMP_S(98, flt.s, 0, 1, 0xc0000000, 0xbf800000)
    TEST_FP_CMP_S(99, fle.s, 0, 0, 0x40000000, 0x3f800000)

    // ---- classify ----
    TEST_FP_S_TO_X(100, fclass.s, 0, 0x001, 0xff800000)
    TEST_FP_S_TO_X(101, fclass.s, 0, 0x002, 0xbf800000)
    TEST_FP_S_TO_X(102, fclass.s, 0, 0x004, 0x80000001)
    TEST_FP_S_TO_X(103, fclass.s, 0, 0x008, 0x80000000)
    TEST_FP_S_TO_X(104, fclass.s, 0, 0x010, 0x00000000)
    TEST_FP_S_TO_X(105, fclass.s, 0, 0x020, 0x00000001)
    TEST_FP_S_TO_X(106, fclass.s, 0, 0x040, 0x3f800000)
    TEST_FP_S_TO_X(107, fclass.s, 0, 0x080, 0x7f800000)
    TEST_FP_S_TO_X(108, fclass.s, 0, 0x100, SNAN)
    TEST_FP_S_TO_X(109, fclass.s, 0, 0x200, QNAN)

    // ---- float -> integer: rounding modes, saturation ----
    TEST_FP_S_TO_X(110, fcvt.w.s, NX, 2, 0x40200000, RM(rne))
    TEST_FP_S_TO_X(111, fcvt.w.s, NX, 2, 0x40200000, RM(rtz))
    TEST_FP_S_TO_X(112, fcvt.w.s, NX, 2, 0x40200000, RM(rdn))
    TEST_FP_S_TO_X(113, fcvt.w.s, NX, 3, 0x40200000, RM(rup))
    TEST_FP_S_TO_X(114, fcvt.w.s, NX, 3, 0x40200000, RM(rmm))
    TEST_FP_S_TO_X(115, fcvt.w.s, NX, -2, 0xc0200000, RM(rne))
    TEST_FP_S_TO_X(116, fcvt.w.s, NX, -2, 0xc0200000, RM(rtz))
    TEST_FP_S_TO_X(117, fcvt.w.s, NX, -3, 0xc0200000, RM(rdn))
    TEST_FP_S_TO_X(118, fcvt.w.s, NX, -2, 0xc0200000, RM(rup))
    TEST_FP_S_TO_X(119, fcvt.w.s, NX, -3, 0xc0200000, RM(rmm))
    TEST_FP_S_TO_X(120, fcvt.w.s, NX, 0, 0x3f000000, RM(rne))
    TEST_FP_S_TO_X(121, fcvt.w.s, NX, 1, 0x3f000000, RM(rmm))
    TEST_FP_S_TO_X(122, fcvt.w.s, NX, 2, 0x3fc00000, RM(rne))
    TEST_FP_S_TO_X(123, fcvt.w.s, 0, 0, 0x80000000, RM(rtz))
    TEST_FP_S_TO_X(124, fcvt.w.s, 0, 0x7fffff80, 0x4effffff, RM(rtz))
    TEST_FP_S_TO_X(125, fcvt.w.s, NV, 0x7fffffff, 0x4f32d05e, RM(rtz))
    TEST_FP_S_TO_X(126, fcvt.w.s, NV, 0xffffffff80000000, 0xcf32d05e, RM(rtz))
    TEST_FP_S_TO_X(127, fcvt.w.s, NV, 0x7fffffff, QNAN, RM(rtz))
    TEST_FP_S_TO_X(128, fcvt.w.s, NV, 0x7fffffff, 0xffc00000, RM(rtz))
    TEST_FP_S_TO_X(129, fcvt.w.s, NV, 0xffffffff80000000, 0xff800000, RM(rtz))
    TEST_FP_S_TO_X(130, fcvt.wu.s, NV, 0, 0xbf800000, RM(rtz))
    TEST_FP_S_TO_X(131, fcvt.wu.s, NX, 0, 0xbf000000, RM(rtz))
    TEST_FP_S_TO_X(132, fcvt.wu.s, NV, 0, 0xbf000000, RM(rdn))
    TEST_FP_S_TO_X(133, fcvt.wu.s, 0, 0xffffffffee6b2800, 0x4f6e6b28, RM(rtz))
    TEST_FP_S_TO_X(134, fcvt.wu.s, NV, 0xffffffffffffffff, 0x7f800000, RM(rtz))
    TEST_FP_S_TO_X(135, fcvt.wu.s, NV, 0xffffffffffffffff, QNAN, RM(rtz))
    TEST_FP_S_TO_X(140, fcvt.l.s, NV, 0x7fffffffffffffff, QNAN, RM(rtz))
    TEST_FP_S_TO_X(141, fcvt.lu.s, NV, 0xffffffffffffffff, QNAN, RM(rtz))
    TEST_FP_S_TO_X(142, fcvt.l.s, NV, 0x8000000000000000, 0xff800000, RM(rtz))
    TEST_FP_S_TO_X(143, fcvt.l.s, NV, 0x7fffffffffffffff, 0x5f000000, RM(rtz))
    TEST_FP_S_TO_X(144, fcvt.l.s, 0, 0x8000000000000000, 0xdf000000, RM(rtz))
    TEST_FP_S_TO_X(145, fcvt.lu.s, 0, 0x8000000000000000, 0x5f000000, RM(rtz))
    TEST_FP_S_TO_X(146, fcvt.lu.s, NV, 0xffffffffffffffff, 0x5f800000, RM(rtz))
    TEST_FP_S_TO_X(147, fcvt.l.s, NX, -3, 0xc0200000, RM(rmm))
    csrwi frm, 2                                   // dynamic: RDN
    TEST_FP_S_TO_X(148, fcvt.w.s, NX, -3, 0xc0200000)
    csrwi frm, 0

    // ---- integer -> float ----
    TEST_X_TO_FP_S(150, fcvt.s.w, 0, 0xbf800000, -1)
    TEST_X_TO_FP_S(151, fcvt.s.w, 0, 0x3f800000, 0x100000001)       // upper half ignored
    TEST_X_TO_FP_S(152, fcvt.s.wu, NX, 0x4f800000, 0xffffffff)
    TEST_X_TO_FP_S(153, fcvt.s.l, NX, 0x4b800000, 16777217, RM(rne))
    TEST_X_TO_FP_S(154, fcvt.s.l, NX, 0x4b800001, 16777217, RM(rmm))
    TEST_X_TO_FP_S(155, fcvt.s.l, NX, 0x4b800001, 16777217, RM(rup))
    TEST_X_TO_FP_S(156, fcvt.s.l, NX, 0x4b800000, 16777217, RM(rdn))
    TEST_X_TO_FP_S(157, fcvt.s.lu, NX, 0x5f800000, -1)
    TEST_X_TO_FP_S(158, fcvt.s.l, 0, 0xdf000000, 0x8000000000000000)
    TEST_X_TO_FP_S(159, fcvt.s.l, NX, 0xcb800001, -16777217, RM(rdn))
    TEST_X_TO_FP_S(160, fcvt.s.w, 0, 0x00000000, 0)

    // ---- fused multiply-add ----
    TEST_FP_S3(170, fmadd.s, 0, 0x40e00000, 0x40000000, 0x40400000, 0x3f800000)
    TEST_FP_S3(171, fmsub.s, 0, 0x40a00000, 0x40000000, 0x40400000, 0x3f800000)
    TEST_FP_S3(172, fnmsub.s, 0, 0xc0a00000, 0x40000000, 0x40400000, 0x3f800000)
    TEST_FP_S3(173, fnmadd.s, 0, 0xc0e00000, 0x40000000, 0x40400000, 0x3f800000)
    TEST_FP_S3(174, fmadd.s, NV, QNAN, 0x7f800000, 0x00000000, QNAN)     // 0*inf + qNaN raises NV
    TEST_FP_S3(175, fmadd.s, NV, QNAN, 0x00000000, 0x7f800000, 0x3f800000)
    TEST_FP_S3(176, fmsub.s, 0, 0x33800000, 0x3f800800, 0x3f800800, 0x3f801000) // one rounding
    TEST_FP_S3(177, fmadd.s, NX, 0x3f800001, 0x3f800000, 0x3f800000, 0x33800000, RM(rmm))
    TEST_FP_S3(178, fmadd.s, NX, 0x3f800000, 0x3f800000, 0x3f800000, 0x33800000, RM(rne))
    TEST_FP_S3(179, fmadd.s, 0, QNAN, QNAN, 0x3f800000, 0x3f800000)

    // ---- mstatus.FS ----
    li TESTNUM, 190
    csrr a4, mstatus
    srli a5, a4, 13
    andi a5, a5, 3
    CHECK_EQ(a5, 3)                                // dirty after FP writes
    bgez a4, fail                                  // SD (bit 63) set
    li TESTNUM, 191
    li t0, 0x6000
    csrc mstatus, t0                               // FS = Off
    la t4, 1f
    fadd.s fa3, fa0, fa1
1:  CHECK_EQ(s2, 2)
    li TESTNUM, 192
    la t4, 1f
    csrr a4, fflags
1:  CHECK_EQ(s2, 2)
    li TESTNUM, 193
    la t4, 1f
    flw fa0, 0(s0)
1:  CHECK_EQ(s2, 2)
    li t0, 0x2000
    csrs mstatus, t0
    csrr a4, mstatus
    bltz a4, fail                                  // Initial: SD clear

    j pass
    TRAP_HANDLER_RESUME(handler)
RVTEST_END

    .data
    .balign 8
buf: .zero 16
