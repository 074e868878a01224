// RV64D: results, flags, rounding modes (RMM through the wide path),
// conversions between formats and to/from integers, min/max, classify,
// fused multiply-add, loads/stores.
#include "test_macros.h"

#define NX 1
#define UF 2
#define OF 4
#define DZ 8
#define NV 16
#define QNAN 0x7ff8000000000000
#define SNAN 0x7ff0000000000001
#define ONE 0x3ff0000000000000
#define MONE 0xbff0000000000000

RVTEST_BEGIN

    TEST_FP_D2(1, fadd.d, 0, 0x4008000000000000, ONE, 0x4000000000000000)
    TEST_FP_D2(2, fdiv.d, NX, 0x3fd5555555555555, ONE, 0x4008000000000000)
    TEST_FP_D2(3, fdiv.d, DZ, 0xfff0000000000000, MONE, 0)
    TEST_FP_D1(4, fsqrt.d, NX, 0x3ff6a09e667f3bcd, 0x4000000000000000)
    TEST_FP_D1(5, fsqrt.d, NV, QNAN, MONE)
    TEST_FP_D2(6, fmul.d, OF|NX, 0x7ff0000000000000, 0x7fefffffffffffff, 0x4000000000000000)
    TEST_FP_D2(7, fmul.d, OF|NX, 0x7fefffffffffffff, 0x7fefffffffffffff, 0x4000000000000000, RM(rtz))
    TEST_FP_D2(8, fmul.d, UF|NX, 0, 0x1a70000000000000, 0x1a70000000000000)
    TEST_FP_D2(9, fadd.d, NV, QNAN, SNAN, ONE)
    TEST_FP_D2(10, fadd.d, 0, QNAN, 0x7ff8000000000123, ONE)
    TEST_FP_D2(11, fmul.d, NV, QNAN, 0x7ff0000000000000, 0)
    // tininess after rounding: (1 - 2^-54) * 2^-1022 rounds to 2^-1022
    TEST_FP_D2(12, fmul.d, NX, 0x0010000000000000, 0x1ffffffffc000000, 0x2000000002000000)

    // rounding: tie 1 + 2^-53
    TEST_FP_D2(20, fadd.d, NX, ONE, ONE, 0x3ca0000000000000, RM(rne))
    TEST_FP_D2(21, fadd.d, NX, ONE, ONE, 0x3ca0000000000000, RM(rtz))
    TEST_FP_D2(22, fadd.d, NX, ONE, ONE, 0x3ca0000000000000, RM(rdn))
    TEST_FP_D2(23, fadd.d, NX, 0x3ff0000000000001, ONE, 0x3ca0000000000000, RM(rup))
    TEST_FP_D2(24, fadd.d, NX, 0x3ff0000000000001, ONE, 0x3ca0000000000000, RM(rmm))
    TEST_FP_D2(25, fadd.d, NX, 0xbff0000000000001, MONE, 0xbca0000000000000, RM(rmm))
    TEST_FP_D2(26, fadd.d, NX, 0xbff0000000000001, MONE, 0xbca0000000000000, RM(rdn))
    TEST_FP_D2(27, fadd.d, NX, MONE, MONE, 0xbca0000000000000, RM(rup))
    TEST_FP_D2(28, fmul.d, NX, 0x3ff8000000000004, 0x3ff0000000000003, 0x3ff8000000000000, RM(rne))
    TEST_FP_D2(29, fmul.d, NX, 0x3ff8000000000005, 0x3ff0000000000003, 0x3ff8000000000000, RM(rmm))
    TEST_FP_D2(30, fdiv.d, NX, 0x3fd5555555555556, ONE, 0x4008000000000000, RM(rup))
    TEST_FP_D2(31, fdiv.d, NX, 0x3fd5555555555555, ONE, 0x4008000000000000, RM(rmm))
    TEST_FP_D1(32, fsqrt.d, NX, 0x3ff6a09e667f3bcc, 0x4000000000000000, RM(rdn))
    TEST_FP_D1(33, fsqrt.d, NX, 0x3ff6a09e667f3bcd, 0x4000000000000000, RM(rmm))
    TEST_FP_D2(34, fmul.d, OF|NX, 0x7ff0000000000000, 0x7fefffffffffffff, 0x4000000000000000, RM(rmm))
    TEST_FP_D2(35, fmul.d, UF|NX, 0x0000000000000001, 0x1a70000000000000, 0x1a70000000000000, RM(rup))
    TEST_FP_D2(36, fsub.d, 0, 0, ONE, ONE, RM(rmm))
    TEST_FP_D2(37, fsub.d, 0, 0x8000000000000000, ONE, ONE, RM(rdn))
    TEST_FP_D2(38, fdiv.d, NV, QNAN, 0, 0, RM(rmm))
    TEST_FP_D2(39, fdiv.d, DZ, 0x7ff0000000000000, ONE, 0, RM(rmm))

    // fused multiply-add
    TEST_FP_D3(40, fmadd.d, 0, 0x401c000000000000, 0x4000000000000000, 0x4008000000000000, ONE)
    TEST_FP_D3(41, fmsub.d, 0, 0x4014000000000000, 0x4000000000000000, 0x4008000000000000, ONE)
    TEST_FP_D3(42, fnmsub.d, 0, 0xc014000000000000, 0x4000000000000000, 0x4008000000000000, ONE)
    TEST_FP_D3(43, fnmadd.d, 0, 0xc01c000000000000, 0x4000000000000000, 0x4008000000000000, ONE)
    TEST_FP_D3(44, fmsub.d, 0, 0x3c90000000000000, 0x3ff0000002000000, 0x3ff0000002000000, 0x3ff0000004000000)
    TEST_FP_D3(45, fmadd.d, NX, 0x3ff0000000000001, ONE, ONE, 0x3ca0000000000000, RM(rmm))
    TEST_FP_D3(46, fmadd.d, NX, ONE, ONE, ONE, 0x3ca0000000000000, RM(rne))
    TEST_FP_D3(47, fmadd.d, NV, QNAN, 0x7ff0000000000000, 0, QNAN)

    // double <-> single
    TEST_FP_D_TO_X(50, fmv.x.d, 0, 0x3ff0000010000000, 0x3ff0000010000000)
    li TESTNUM, 51
    FP_LOAD_D(fa0, 0x3ff0000010000000)               // 1 + 2^-24: a tie in single
    csrwi fflags, 0
    fcvt.s.d fa3, fa0, rne
    FP_CHECK_S(51, 0x3f800000, NX)
    li TESTNUM, 52
    csrwi fflags, 0
    fcvt.s.d fa3, fa0, rmm
    FP_CHECK_S(52, 0x3f800001, NX)
    li TESTNUM, 53
    FP_LOAD_D(fa0, 0x7e37e43c8800759c)               // 1e300
    csrwi fflags, 0
    fcvt.s.d fa3, fa0
    FP_CHECK_S(53, 0x7f800000, OF|NX)
    li TESTNUM, 54
    csrwi fflags, 0
    fcvt.s.d fa3, fa0, rtz
    FP_CHECK_S(54, 0x7f7fffff, OF|NX)
    li TESTNUM, 55
    FP_LOAD_D(fa0, 0x3690000000000000)               // 2^-150: half the smallest subnormal
    csrwi fflags, 0
    fcvt.s.d fa3, fa0, rne
    FP_CHECK_S(55, 0x00000000, UF|NX)
    li TESTNUM, 56
    csrwi fflags, 0
    fcvt.s.d fa3, fa0, rmm
    FP_CHECK_S(56, 0x00000001, UF|NX)
    li TESTNUM, 57
    FP_LOAD_D(fa0, SNAN)
    csrwi fflags, 0
    fcvt.s.d fa3, fa0
    FP_CHECK_S(57, 0x7fc00000, NV)
    li TESTNUM, 58
    FP_LOAD_D(fa0, 0x7ff8000000000123)
    csrwi fflags, 0
    fcvt.s.d fa3, fa0
    FP_CHECK_S(58, 0x7fc00000, 0)
    li TESTNUM, 59
    FP_LOAD_S(fa0, 0x3fc00000)
    csrwi fflags, 0
    fcvt.d.s fa3, fa0
    FP_CHECK_D(59, 0x3ff8000000000000, 0)
    li TESTNUM, 60
    FP_LOAD_S(fa0, 0x7f800001)
    csrwi fflags, 0
    fcvt.d.s fa3, fa0
    FP_CHECK_D(60, QNAN, NV)
    li TESTNUM, 61
    FP_LOAD_S(fa0, 0x00000001)
    csrwi fflags, 0
    fcvt.d.s fa3, fa0
    FP_CHECK_D(61, 0x36a0000000000000, 0)
    li TESTNUM, 62
    FP_LOAD_D(fa0, 0x000000003f800000)               // not NaN-boxed
    csrwi fflags, 0
    fcvt.d.s fa3, fa0
    FP_CHECK_D(62, QNAN, 0)

    // double -> integer
    TEST_FP_D_TO_X(70, fcvt.w.d, NV, 0x7fffffff, 0x41e0000000000000, RM(rtz))
    TEST_FP_D_TO_X(71, fcvt.w.d, NX, 0xffffffff80000000, 0xc1e0000000100000, RM(rtz))
    TEST_FP_D_TO_X(72, fcvt.w.d, NX, 0xffffffff80000000, 0xc1e0000000100000, RM(rne))
    TEST_FP_D_TO_X(73, fcvt.w.d, NV, 0xffffffff80000000, 0xc1e0000000100000, RM(rdn))
    TEST_FP_D_TO_X(74, fcvt.w.d, NV, 0xffffffff80000000, 0xc1e0000000100000, RM(rmm))
    TEST_FP_D_TO_X(75, fcvt.l.d, NV, 0x7fffffffffffffff, 0x43e0000000000000, RM(rtz))
    TEST_FP_D_TO_X(76, fcvt.lu.d, NV, 0, MONE, RM(rtz))
    TEST_FP_D_TO_X(77, fcvt.lu.d, 0, 0xfffffffffffff800, 0x43efffffffffffff, RM(rtz))
    TEST_FP_D_TO_X(78, fcvt.wu.d, 0, 0xffffffffffffffff, 0x41efffffffe00000, RM(rtz))
    TEST_FP_D_TO_X(79, fcvt.wu.d, NV, 0xffffffffffffffff, 0x41f0000000000000, RM(rtz))
    TEST_FP_D_TO_X(80, fcvt.l.d, NV, 0x7fffffffffffffff, QNAN, RM(rtz))
    TEST_FP_D_TO_X(81, fcvt.l.d, NX, -3, 0xc004000000000000, RM(rmm))
    TEST_FP_D_TO_X(82, fcvt.l.d, NX, -2, 0xc004000000000000, RM(rne))
    TEST_FP_D_TO_X(83, fcvt.l.d, 0, 0x8000000000000000, 0xc3e0000000000000, RM(rtz))

    // integer -> double
    TEST_X_TO_FP_D(90, fcvt.d.l, NX, 0x4340000000000000, 9007199254740993, RM(rne))
    TEST_X_TO_FP_D(91, fcvt.d.l, NX, 0x4340000000000001, 9007199254740993, RM(rmm))
    TEST_X_TO_FP_D(92, fcvt.d.lu, NX, 0x43f0000000000000, -1)
    TEST_X_TO_FP_D(93, fcvt.d.w, 0, MONE, -1)
    TEST_X_TO_FP_D(94, fcvt.d.wu, 0, 0x41efffffffe00000, 0xffffffff)
    TEST_X_TO_FP_D(95, fcvt.d.l, 0, 0xc3e0000000000000, 0x8000000000000000)

    // min/max, compare, classify, sign injection
    TEST_FP_D2(100, fmin.d, 0, 0x8000000000000000, 0, 0x8000000000000000)
    TEST_FP_D2(101, fmax.d, 0, MONE, QNAN, MONE)
    TEST_FP_D2(102, fmin.d, NV, QNAN, SNAN, SNAN)
    TEST_FP_D2(103, fmax.d, 0, 0, 0x8000000000000000, 0)
    TEST_FP_CMP_D(104, flt.d, 0, 1, MONE, ONE)
    TEST_FP_CMP_D(105, fle.d, NV, 0, QNAN, ONE)
    TEST_FP_CMP_D(106, feq.d, 0, 0, QNAN, QNAN)
    TEST_FP_CMP_D(107, feq.d, NV, 0, SNAN, ONE)
    TEST_FP_CMP_D(108, feq.d, 0, 1, 0x8000000000000000, 0)
    TEST_FP_D_TO_X(110, fclass.d, 0, 0x001, 0xfff0000000000000)
    TEST_FP_D_TO_X(111, fclass.d, 0, 0x004, 0x8000000000000001)
    TEST_FP_D_TO_X(112, fclass.d, 0, 0x040, ONE)
    TEST_FP_D_TO_X(113, fclass.d, 0, 0x100, SNAN)
    TEST_FP_D_TO_X(114, fclass.d, 0, 0x200, QNAN)
    TEST_FP_D_TO_X(115, fclass.d, 0, 0x010, 0)
    TEST_FP_D2(120, fsgnj.d, 0, MONE, ONE, 0xc000000000000000)
    TEST_FP_D2(121, fsgnjn.d, 0, ONE, ONE, 0xc000000000000000)
    TEST_FP_D2(122, fsgnjx.d, 0, ONE, MONE, 0xc000000000000000)
    TEST_FP_D2(123, fsgnj.d, 0, 0x7ff0000000000001, SNAN, ONE)

    // loads / stores keep the bits
    li TESTNUM, 130
    la s0, buf
    li t0, 0x7ff0000000000abc
    sd t0, 0(s0)
    fld fa0, 0(s0)
    fsd fa0, 8(s0)
    ld a4, 8(s0)
    CHECK_EQ(a4, 0x7ff0000000000abc)
    fmv.x.d a4, fa0
    CHECK_EQ(a4, 0x7ff0000000000abc)

    j pass
RVTEST_END

    .data
    .balign 8
buf: .zero 16
