// RV64M: products, division by zero and overflow per the spec, W variants.
#include "test_macros.h"

RVTEST_BEGIN

    TEST_RR(1, mul, 42, 6, 7)
    TEST_RR(2, mul, 0xfffffffffffffffe, -1, 2)
    TEST_RR(3, mul, 0x0000000000000001, 0xffffffffffffffff, 0xffffffffffffffff)
    TEST_RR(4, mulh, 0, -1, -1)                       // (-1)*(-1) = 1, high 0
    TEST_RR(5, mulh, -1, -1, 1)                       // -1 -> high all ones
    TEST_RR(6, mulh, 0x4000000000000000, 0x8000000000000000, 0x8000000000000000)
    TEST_RR(7, mulhu, 0xfffffffffffffffe, -1, -1)
    TEST_RR(8, mulhsu, -1, -1, -1)                    // -1 * (2^64-1) = -(2^64-1)
    TEST_RR(9, mulhsu, 0, 1, -1)
    TEST_RR(10, mulhsu, 0xc000000000000000, 0x8000000000000000, 0x8000000000000000)

    TEST_RR(20, div, -3, -7, 2)                       // truncation toward zero
    TEST_RR(21, rem, -1, -7, 2)                       // sign of the dividend
    TEST_RR(22, divu, 0x7ffffffffffffffc, -7, 2)
    TEST_RR(23, remu, 1, -7, 2)
    TEST_RR(24, div, -1, 5, 0)                        // division by zero
    TEST_RR(25, divu, 0xffffffffffffffff, 5, 0)
    TEST_RR(26, rem, 5, 5, 0)
    TEST_RR(27, remu, 5, 5, 0)
    TEST_RR(28, div, 0x8000000000000000, 0x8000000000000000, -1)   // overflow
    TEST_RR(29, rem, 0, 0x8000000000000000, -1)

    TEST_RR(40, mulw, 0, 0x10000, 0x10000)
    TEST_RR(41, mulw, 0xffffffff80000000, 0x8000, 0x10000)
    TEST_RR(42, mulw, 6, 0x100000002, 0x300000003 - 0x300000000)
    TEST_RR(43, divw, -3, 0xffffffff00000000 - 7, 2)   // upper bits ignored
    TEST_RR(44, divw, -1, 5, 0)
    TEST_RR(45, divw, 0xffffffff80000000, 0x80000000, -1)
    TEST_RR(46, remw, 0, 0x80000000, -1)
    TEST_RR(47, remw, 0xffffffff80000000, 0x80000000, 0)
    TEST_RR(48, divuw, 0xffffffffffffffff, 5, 0)
    TEST_RR(49, divuw, 0x7ffffffc, 0xfffffff9, 2)
    TEST_RR(50, remuw, 0xffffffff80000000, 0x80000000, 0)   // dividend, sign-extended
    TEST_RR(51, remuw, 1, 0xfffffff9, 2)
    TEST_RR(52, divuw, 0xffffffff80000000, 0x80000000, 1)
    TEST_RR(53, remw, -1, -7, 2)

    j pass
RVTEST_END
