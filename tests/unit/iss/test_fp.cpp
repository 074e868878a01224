// FP helpers: the software rounder against the host FPU in the four modes the
// host has, RMM against an independent tie check, conversion edge cases, and
// the isolation between the host's and the guest's floating-point state.
#include <cfenv>
#include <cmath>
#include <random>

#include "hw/iss/fp.hpp"
#include "iss_test_support.hpp"

namespace edgebert::iss::test {
namespace {

using fp::bits32;
using fp::bits64;
using fp::f32;
using fp::f64;

int host_mode(uint32_t rm) {
    switch (rm) {
    case fp::kRtz: return FE_TOWARDZERO;
    case fp::kRdn: return FE_DOWNWARD;
    case fp::kRup: return FE_UPWARD;
    default: return FE_TONEAREST;
    }
}

uint32_t host_flags() {
    const int e = std::fetestexcept(FE_ALL_EXCEPT);
    uint32_t f = 0;
    if (e & FE_INEXACT) f |= fp::kNX;
    if (e & FE_UNDERFLOW) f |= fp::kUF;
    if (e & FE_OVERFLOW) f |= fp::kOF;
    if (e & FE_DIVBYZERO) f |= fp::kDZ;
    if (e & FE_INVALID) f |= fp::kNV;
    return f;
}

// Host double -> float in a mode, with flags; volatile keeps the conversion
// after fesetround.
uint32_t host_narrow(double d, uint32_t rm, uint32_t& flags) {
    std::feclearexcept(FE_ALL_EXCEPT);
    std::fesetround(host_mode(rm));
    volatile double in = d;
    volatile float out = static_cast<float>(in);
    flags = host_flags();
    std::fesetround(FE_TONEAREST);
    std::feclearexcept(FE_ALL_EXCEPT);
    return bits32(out);
}

TEST(IssFp, SoftwareRoundingMatchesTheHostInItsFourModes) {
    std::mt19937_64 rng(42);
    int checked = 0;
    for (int i = 0; i < 40000; ++i) {
        // doubles whose exponents straddle the single-precision range,
        // including subnormal results and overflow
        const uint64_t exp = 1023 - 160 + rng() % 300;
        const uint64_t frac = rng() & ((1ull << 52) - 1);
        const uint64_t keep = (i % 3 == 0) ? (rng() % 30) : 0;  // sometimes few significant bits: ties
        const uint64_t frac_bits = keep != 0 ? frac & ~((1ull << (52 - keep)) - 1) : frac;
        const uint64_t sign = (rng() & 1) << 63;
        const uint64_t d = sign | (exp << 52) | frac_bits;
        for (uint32_t rm = 0; rm < 4; ++rm) {
            uint32_t want_flags = 0, got_flags = 0;
            const uint32_t want = host_narrow(f64(d), rm, want_flags);
            const uint32_t got = fp::d_to_s(d, rm, got_flags);
            ASSERT_EQ(got, want) << std::hex << "d=0x" << d << " rm=" << rm;
            ASSERT_EQ(got_flags, want_flags) << std::hex << "d=0x" << d << " rm=" << rm;
            ++checked;
        }
    }
    EXPECT_EQ(checked, 160000);
}

TEST(IssFp, IntegerToFloatMatchesTheHost) {
    std::mt19937_64 rng(7);
    for (int i = 0; i < 20000; ++i) {
        int64_t v = static_cast<int64_t>(rng());
        v >>= rng() % 64;
        for (uint32_t rm = 0; rm < 4; ++rm) {
            std::feclearexcept(FE_ALL_EXCEPT);
            std::fesetround(host_mode(rm));
            volatile int64_t in = v;
            volatile double want_d = static_cast<double>(in);
            volatile float want_f = static_cast<float>(in);
            const uint32_t host = host_flags();
            std::fesetround(FE_TONEAREST);
            std::feclearexcept(FE_ALL_EXCEPT);
            uint32_t fd = 0, ff = 0;
            ASSERT_EQ(fp::from_int<fp::D>(static_cast<uint64_t>(v), true, 64, rm, fd), bits64(want_d)) << v;
            ASSERT_EQ(fp::from_int<fp::S>(static_cast<uint64_t>(v), true, 64, rm, ff), bits32(want_f)) << v;
            ASSERT_EQ(fd | ff, host) << v << " rm=" << rm;
        }
    }
}

// RMM reference for a sum of two floats that is exact in double: the nearest
// float, ties away from zero (tie iff the two neighbours average to x).
uint32_t reference_rmm(double x) {
    const float ne = static_cast<float>(x);
    if (static_cast<double>(ne) == x) return bits32(ne);
    const float other = static_cast<double>(ne) < x ? std::nextafter(ne, INFINITY) : std::nextafter(ne, -INFINITY);
    if (static_cast<double>(ne) + static_cast<double>(other) == 2 * x) {
        return std::fabs(ne) > std::fabs(other) ? bits32(ne) : bits32(other);
    }
    return bits32(ne);
}

TEST(IssFp, RmmAdditionAgainstAnIndependentTieCheck) {
    fp::FpEnv::Scope scope;
    std::mt19937 rng(3);
    int ties = 0;
    for (int i = 0; i < 20000; ++i) {
        const uint32_t ea = 100 + rng() % 50;
        const uint32_t eb = ea - rng() % 26;  // exponents close enough for an exact double sum
        const uint32_t a = (rng() & 0x80000000u) | (ea << 23) | (rng() & 0x7fffffu);
        const uint32_t b = (rng() & 0x80000000u) | (eb << 23) | (rng() & 0x7fffffu);
        const double exact = static_cast<double>(f32(a)) + static_cast<double>(f32(b));
        uint32_t flags = 0;
        std::feclearexcept(FE_ALL_EXCEPT);  // as the ISS folds pending host flags first
        const uint32_t got = fp::arith_s(fp::Arith::Add, a, b, fp::kRmm, flags);
        ASSERT_EQ(got, reference_rmm(exact)) << std::hex << a << " + " << b;
        const bool inexact = static_cast<double>(f32(got)) != exact;
        ASSERT_EQ((flags & fp::kNX) != 0, inexact) << std::hex << a << " + " << b;
        const float ne = static_cast<float>(exact);
        if (inexact && bits32(ne) != got) ++ties;
    }
    EXPECT_GT(ties, 10);  // the sample contains ties where RMM differs from RNE
}

TEST(IssFp, ConversionEdgeCases) {
    struct Case {
        uint64_t bits;
        bool is_double, is_signed;
        int width;
        uint32_t rm;
        uint64_t result;
        uint32_t flags;
    };
    const Case cases[] = {
        {0x7fc00000, false, true, 32, fp::kRtz, 0x7fffffff, fp::kNV},
        {0xff800000, false, false, 64, fp::kRtz, 0, fp::kNV},
        {0x4f800000, false, false, 32, fp::kRtz, ~0ull, fp::kNV},              // 2^32
        {0x4f7fffff, false, false, 32, fp::kRtz, 0xffffffffffffff00ull, 0},     // 2^32 - 256, sign-extended
        {0xbf7fffff, false, false, 32, fp::kRup, 0, fp::kNX},                   // -0.99.. -> -0 -> 0
        {0xbf7fffff, false, false, 32, fp::kRne, 0, fp::kNV},                   // -> -1
        {0x43e0000000000000, true, false, 64, fp::kRtz, 0x8000000000000000ull, 0},
        {0x43f0000000000000, true, false, 64, fp::kRtz, ~0ull, fp::kNV},
        {0xc3e0000000000001, true, true, 64, fp::kRtz, 0x8000000000000000ull, fp::kNV},
        {0x3fe0000000000001, true, true, 64, fp::kRne, 1, fp::kNX},             // 0.5 + ulp
        {0x0000000000000001, true, true, 64, fp::kRup, 1, fp::kNX},             // tiny positive
        {0x8000000000000001, true, true, 64, fp::kRdn, ~0ull, fp::kNX},         // tiny negative
        {0x8000000000000000, true, false, 64, fp::kRne, 0, 0},                  // -0 unsigned: fine
    };
    for (const Case& c : cases) {
        uint32_t flags = 0;
        const uint64_t r = c.is_double ? fp::to_int<fp::D>(c.bits, c.is_signed, c.width, c.rm, flags)
                                       : fp::to_int<fp::S>(static_cast<uint32_t>(c.bits), c.is_signed, c.width,
                                                           c.rm, flags);
        EXPECT_EQ(r, c.result) << std::hex << c.bits;
        EXPECT_EQ(flags, c.flags) << std::hex << c.bits;
    }
}

// A guest program whose FP operations are all exact reads fflags = 0 even when
// the host had flags raised before run() and a device raises some while the
// guest reads it; the host's rounding mode and flags survive run().
class FlagRaisingBus : public TestBus {
public:
    bool load(uint64_t addr, int size, uint64_t& v) override {
        if (addr == kDevBase + 0x28) {
            volatile double x = 1.0, y = 3.0;
            volatile double z = x / y;  // raises inexact on the host
            (void)z;
        }
        return TestBus::load(addr, size, v);
    }
};

TEST(IssFp, HostAndGuestFlagsAreIsolated) {
    FlagRaisingBus bus;
    Iss iss(bus);
    const uint64_t base = TestBus::kRamBase;
    const uint32_t prog[] = {
        0x000022b7,  // lui t0, 2            (0x2000: FS = Initial)
        0x3002a073,  // csrs mstatus, t0
        0x100002b7,  // lui t0, 0x10000      (test device)
        0x0282b303,  // ld t1, 40(t0)        (the device raises host inexact)
        0x00007053,  // fadd.s f0, f0, f0    (0 + 0: exact)
        0x00102573,  // csrr a0, fflags
        0x0000006f,  // j .
    };
    for (size_t i = 0; i < std::size(prog); ++i) bus.write32(base + 4 * i, prog[i]);
    iss.reset(base);

    std::feclearexcept(FE_ALL_EXCEPT);
    std::feraiseexcept(FE_DIVBYZERO);
    std::fesetround(FE_UPWARD);
    iss.run(20);
    const int round_after = std::fegetround();
    const int flags_after = std::fetestexcept(FE_ALL_EXCEPT);
    std::fesetround(FE_TONEAREST);
    std::feclearexcept(FE_ALL_EXCEPT);

    EXPECT_EQ(iss.x(10), 0u) << "guest fflags polluted by the host";
    EXPECT_EQ(iss.csr(csr::kFflags).value(), 0u);
    EXPECT_EQ(round_after, FE_UPWARD);
    EXPECT_EQ(flags_after, FE_DIVBYZERO);
}

TEST(IssFp, GuestFlagsSurviveAcrossRunCalls) {
    TestBus bus;
    Iss iss(bus);
    const uint64_t base = TestBus::kRamBase;
    // f1 = 1.0, f2 = 3.0 via integer moves, f0 = f1 / f2 (inexact), j .
    const uint32_t prog[] = {
        0x000022b7,  // lui t0, 2
        0x3002a073,  // csrs mstatus, t0
        0x3f8002b7,  // lui t0, 0x3f800  (1.0f)
        0xf00280d3,  // fmv.w.x f1, t0
        0x404002b7,  // lui t0, 0x40400  (3.0f)
        0xf0028153,  // fmv.w.x f2, t0
        0x1820f053,  // fdiv.s f0, f1, f2
        0x0000006f,  // j .
    };
    for (size_t i = 0; i < std::size(prog); ++i) bus.write32(base + 4 * i, prog[i]);
    iss.reset(base);
    iss.run(7);
    EXPECT_EQ(fp::unbox_s(iss.f(0)), 0x3eaaaaabu);
    EXPECT_EQ(iss.csr(csr::kFflags).value(), fp::kNX);
    EXPECT_EQ(std::fetestexcept(FE_ALL_EXCEPT), 0) << "guest flags leaked into the host";
}

}  // namespace
}  // namespace edgebert::iss::test
