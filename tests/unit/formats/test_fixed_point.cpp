// Fixed point: format limits, every rounding mode at ties, saturation and
// wrap-around at the range boundaries, and exact multiplies up to 63 bits.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "hw/formats/fixed_point.hpp"

namespace edgebert::num {
namespace {

const FixedFormat kQ3_4{8, 4};  // raw [-128, 127], lsb 1/16
const std::vector<Rounding> kRoundings = {Rounding::NearestHalfAway, Rounding::NearestEven,
                                          Rounding::Floor, Rounding::TowardZero};

double uniform01(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1p-53; }

TEST(FixedPoint, FormatLimitsAndNames) {
    const FixedFormat q{16, 10};
    EXPECT_EQ(q.min_raw(), -32768);
    EXPECT_EQ(q.max_raw(), 32767);
    EXPECT_EQ(q.lsb(), 0x1p-10);
    EXPECT_EQ(q.name(), "Q5.10");
    const FixedFormat uq{16, 10, false};
    EXPECT_EQ(uq.min_raw(), 0);
    EXPECT_EQ(uq.max_raw(), 65535);
    EXPECT_EQ(uq.name(), "UQ6.10");
    EXPECT_EQ((FixedFormat{16, 15}.name()), "Q0.15");
    EXPECT_EQ((FixedFormat{8, 8, false}.name()), "UQ0.8");
    EXPECT_EQ((FixedFormat{63, 0}.min_raw()), std::numeric_limits<int64_t>::min() / 2);
    EXPECT_EQ((FixedFormat{63, 0}.max_raw()), std::numeric_limits<int64_t>::max() / 2);
    EXPECT_EQ((FixedFormat{63, 0, false}.max_raw()), std::numeric_limits<int64_t>::max());
    EXPECT_EQ((FixedFormat{2, 0}.min_raw()), -2);
    EXPECT_EQ((FixedFormat{2, 0}.max_raw()), 1);
}

TEST(FixedPoint, ValidateRejectsBadFormats) {
    for (int bits : {1, 64, 0}) {
        try {
            FixedFormat{bits, 0}.validate();
            FAIL() << "accepted total_bits " << bits;
        } catch (const ConfigError& e) {
            EXPECT_NE(std::string(e.what()).find("[2, 63]"), std::string::npos) << e.what();
        }
    }
    try {
        FixedFormat{16, 16}.validate();
        FAIL() << "accepted 16 fraction bits in a signed 16-bit format";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("[0, 15]"), std::string::npos) << e.what();
    }
    EXPECT_NO_THROW((FixedFormat{16, 16, false}.validate()));
    EXPECT_THROW((FixedFormat{16, -1}.validate()), ConfigError);
    EXPECT_THROW(fx_from_double(1.0, FixedFormat{70, 4}, Rounding::Floor, Overflow::Saturate),
                 ConfigError);
}

// Value in LSB units -> expected raw for each rounding mode.
struct TieCase {
    double units;
    int64_t half_away, even, floor, toward_zero;
};
const std::vector<TieCase> kTies = {
    {2.5, 3, 2, 2, 2},  {3.5, 4, 4, 3, 3},       {-2.5, -3, -2, -3, -2}, {-3.5, -4, -4, -4, -3},
    {2.25, 2, 2, 2, 2}, {-2.75, -3, -3, -3, -2}, {0.5, 1, 0, 0, 0},      {-0.5, -1, 0, -1, 0},
    {2.75, 3, 3, 2, 2}, {-0.25, 0, 0, -1, 0},    {7.0, 7, 7, 7, 7},      {-7.0, -7, -7, -7, -7},
};

int64_t expected(const TieCase& t, Rounding r) {
    switch (r) {
        case Rounding::NearestHalfAway: return t.half_away;
        case Rounding::NearestEven: return t.even;
        case Rounding::Floor: return t.floor;
        case Rounding::TowardZero: return t.toward_zero;
    }
    return 0;
}

TEST(FixedPoint, RoundingModesAtTies) {
    for (const auto& t : kTies) {
        for (Rounding r : kRoundings) {
            bool sat = true;
            EXPECT_EQ(fx_from_double(t.units * kQ3_4.lsb(), kQ3_4, r, Overflow::Saturate, &sat),
                      expected(t, r))
                << t.units << " lsb, mode " << static_cast<int>(r);
            EXPECT_FALSE(sat);
            // The same rounding as an integer shift: units * 4 is an integer, >> 2.
            EXPECT_EQ(fx_shift_right(static_cast<int64_t>(t.units * 4), 2, r), expected(t, r))
                << t.units << " lsb, mode " << static_cast<int>(r);
        }
    }
    EXPECT_EQ(fx_from_double(-0.0, kQ3_4, Rounding::Floor, Overflow::Saturate), 0);
}

TEST(FixedPoint, SaturationAtTheBoundaries) {
    const double lsb = kQ3_4.lsb();
    bool sat = false;
    // max_raw = 127 is representable; 127.5 lsb rounds past it in the nearest modes.
    EXPECT_EQ(fx_from_double(127 * lsb, kQ3_4, Rounding::NearestHalfAway, Overflow::Saturate, &sat),
              127);
    EXPECT_FALSE(sat);
    EXPECT_EQ(
        fx_from_double(127.5 * lsb, kQ3_4, Rounding::NearestHalfAway, Overflow::Saturate, &sat),
        127);
    EXPECT_TRUE(sat);
    EXPECT_EQ(fx_from_double(127.5 * lsb, kQ3_4, Rounding::NearestEven, Overflow::Saturate, &sat),
              127);
    EXPECT_TRUE(sat);
    EXPECT_EQ(fx_from_double(127.5 * lsb, kQ3_4, Rounding::Floor, Overflow::Saturate, &sat), 127);
    EXPECT_FALSE(sat);
    EXPECT_EQ(fx_from_double(127.5 * lsb, kQ3_4, Rounding::TowardZero, Overflow::Saturate, &sat),
              127);
    EXPECT_FALSE(sat);
    // min_raw = -128; -128.5 lsb leaves the range unless the mode rounds toward zero / even.
    EXPECT_EQ(fx_from_double(-128 * lsb, kQ3_4, Rounding::Floor, Overflow::Saturate, &sat), -128);
    EXPECT_FALSE(sat);
    EXPECT_EQ(
        fx_from_double(-128.5 * lsb, kQ3_4, Rounding::NearestHalfAway, Overflow::Saturate, &sat),
        -128);
    EXPECT_TRUE(sat);
    EXPECT_EQ(fx_from_double(-128.5 * lsb, kQ3_4, Rounding::NearestEven, Overflow::Saturate, &sat),
              -128);
    EXPECT_FALSE(sat);
    EXPECT_EQ(fx_from_double(-128.5 * lsb, kQ3_4, Rounding::Floor, Overflow::Saturate, &sat), -128);
    EXPECT_TRUE(sat);
    EXPECT_EQ(fx_from_double(-128.5 * lsb, kQ3_4, Rounding::TowardZero, Overflow::Saturate, &sat),
              -128);
    EXPECT_FALSE(sat);
    // Far out of range and infinities saturate.
    EXPECT_EQ(fx_from_double(1e300, kQ3_4, Rounding::Floor, Overflow::Saturate, &sat), 127);
    EXPECT_TRUE(sat);
    EXPECT_EQ(fx_from_double(-std::numeric_limits<double>::infinity(), kQ3_4, Rounding::Floor,
                             Overflow::Saturate, &sat),
              -128);
    EXPECT_TRUE(sat);
    // Unsigned: negative values clamp to 0, including tiny ones rounding away.
    const FixedFormat u8{8, 4, false};
    EXPECT_EQ(fx_from_double(-0.5 * lsb, u8, Rounding::NearestHalfAway, Overflow::Saturate, &sat),
              0);
    EXPECT_TRUE(sat);
    EXPECT_EQ(fx_from_double(-0.5 * lsb, u8, Rounding::NearestEven, Overflow::Saturate, &sat), 0);
    EXPECT_FALSE(sat);
    EXPECT_EQ(fx_from_double(255 * lsb, u8, Rounding::Floor, Overflow::Saturate, &sat), 255);
    EXPECT_FALSE(sat);
    // 63-bit extremes: 2^62 is one past max_raw.
    const FixedFormat w{63, 0};
    EXPECT_EQ(fx_from_double(0x1p62, w, Rounding::Floor, Overflow::Saturate, &sat), w.max_raw());
    EXPECT_TRUE(sat);
    EXPECT_EQ(fx_from_double(-0x1p62, w, Rounding::Floor, Overflow::Saturate, &sat), w.min_raw());
    EXPECT_FALSE(sat);
}

TEST(FixedPoint, WrapAtTheBoundaries) {
    const double lsb = kQ3_4.lsb();
    EXPECT_EQ(fx_from_double(127.5 * lsb, kQ3_4, Rounding::NearestHalfAway, Overflow::Wrap), -128);
    EXPECT_EQ(fx_from_double(127.5 * lsb, kQ3_4, Rounding::Floor, Overflow::Wrap), 127);
    EXPECT_EQ(fx_from_double(-128.5 * lsb, kQ3_4, Rounding::NearestHalfAway, Overflow::Wrap), 127);
    EXPECT_EQ(fx_from_double(-128.5 * lsb, kQ3_4, Rounding::NearestEven, Overflow::Wrap), -128);
    EXPECT_EQ(fx_from_double(16.0, kQ3_4, Rounding::Floor, Overflow::Wrap), 0);  // 256 lsb
    EXPECT_EQ(fx_from_double(16.0 + 3 * lsb, kQ3_4, Rounding::Floor, Overflow::Wrap), 3);
    EXPECT_EQ(fx_from_double(-16.0 - 3 * lsb, kQ3_4, Rounding::Floor, Overflow::Wrap), -3);
    EXPECT_EQ(fx_from_double(0x1p200 + 0x1p150, kQ3_4, Rounding::Floor, Overflow::Wrap), 0);
    EXPECT_EQ(fx_from_double(1000.0 + 2.5 * lsb, kQ3_4, Rounding::NearestEven, Overflow::Wrap),
              fx_wrap(16000 + 2, kQ3_4));
    EXPECT_THROW(fx_from_double(std::numeric_limits<double>::infinity(), kQ3_4, Rounding::Floor,
                                Overflow::Wrap),
                 Error);
    EXPECT_THROW(fx_from_double(std::numeric_limits<double>::quiet_NaN(), kQ3_4, Rounding::Floor,
                                Overflow::Saturate),
                 Error);

    EXPECT_EQ(fx_wrap(127, kQ3_4), 127);
    EXPECT_EQ(fx_wrap(128, kQ3_4), -128);
    EXPECT_EQ(fx_wrap(256, kQ3_4), 0);
    EXPECT_EQ(fx_wrap(-129, kQ3_4), 127);
    EXPECT_EQ(fx_wrap(-1, FixedFormat{8, 0, false}), 255);
    EXPECT_EQ(fx_wrap(std::numeric_limits<int64_t>::min(), FixedFormat{63, 0}), 0);
    EXPECT_EQ(fx_wrap(std::numeric_limits<int64_t>::max(), FixedFormat{63, 0}), -1);

    bool sat = false;
    EXPECT_EQ(fx_saturate(200, kQ3_4, &sat), 127);
    EXPECT_TRUE(sat);
    EXPECT_EQ(fx_saturate(-200, kQ3_4, &sat), -128);
    EXPECT_TRUE(sat);
    EXPECT_EQ(fx_saturate(-128, kQ3_4, &sat), -128);
    EXPECT_FALSE(sat);
}

TEST(FixedPoint, ShiftRightMatchesDoubleRounding) {
    EXPECT_EQ(fx_shift_right(-77, 0, Rounding::Floor), -77);
    const int64_t min = std::numeric_limits<int64_t>::min(),
                  max = std::numeric_limits<int64_t>::max();
    EXPECT_EQ(fx_shift_right(min, 63, Rounding::Floor), -1);
    EXPECT_EQ(fx_shift_right(min, 63, Rounding::NearestHalfAway), -1);  // exactly -1
    EXPECT_EQ(fx_shift_right(max, 63, Rounding::NearestHalfAway), 1);   // just under 1
    EXPECT_EQ(fx_shift_right(max, 63, Rounding::TowardZero), 0);
    EXPECT_EQ(fx_shift_right(min + 1, 63, Rounding::TowardZero), 0);
    EXPECT_THROW(fx_shift_right(1, 64, Rounding::Floor), ConfigError);
    EXPECT_THROW(fx_shift_right(1, -1, Rounding::Floor), ConfigError);

    // Integer path vs the double path (exact for |raw| < 2^53).
    std::mt19937_64 rng(11);
    const FixedFormat integer{63, 0};
    for (int i = 0; i < 20000; ++i) {
        const int64_t raw = static_cast<int64_t>(rng() >> 11) - (int64_t{1} << 52);
        const int shift = static_cast<int>(rng() % 41);
        for (Rounding r : kRoundings) {
            ASSERT_EQ(fx_shift_right(raw, shift, r),
                      fx_from_double(std::ldexp(static_cast<double>(raw), -shift), integer, r,
                                     Overflow::Saturate))
                << raw << " >> " << shift;
        }
    }
}

TEST(FixedPoint, RandomConversionErrorWithinHalfLsb) {
    std::mt19937_64 rng(5);
    for (const FixedFormat& f :
         {FixedFormat{16, 10}, FixedFormat{16, 15}, FixedFormat{16, 8, false}, FixedFormat{51, 40},
          FixedFormat{4, 1}}) {
        const double lo = fx_to_double(f.min_raw(), f), hi = fx_to_double(f.max_raw(), f);
        for (int i = 0; i < 5000; ++i) {
            const double x = lo + (hi - lo) * uniform01(rng);
            bool sat = true;
            const int64_t raw =
                fx_from_double(x, f, Rounding::NearestHalfAway, Overflow::Saturate, &sat);
            ASSERT_FALSE(sat);
            ASSERT_LE(std::fabs(x - fx_to_double(raw, f)), f.lsb() / 2) << f.name() << " x " << x;
            // Floor never rounds up, TowardZero never grows the magnitude.
            ASSERT_LE(fx_to_double(fx_from_double(x, f, Rounding::Floor, Overflow::Saturate), f),
                      x);
            ASSERT_LE(std::fabs(fx_to_double(
                          fx_from_double(x, f, Rounding::TowardZero, Overflow::Saturate), f)),
                      std::fabs(x));
        }
    }
}

TEST(FixedPoint, AddSaturatesOrWraps) {
    EXPECT_EQ(fx_add(100, 27, kQ3_4, Overflow::Saturate), 127);
    EXPECT_EQ(fx_add(100, 28, kQ3_4, Overflow::Saturate), 127);
    EXPECT_EQ(fx_add(100, 28, kQ3_4, Overflow::Wrap), -128);
    EXPECT_EQ(fx_add(-100, -29, kQ3_4, Overflow::Saturate), -128);
    EXPECT_EQ(fx_add(-100, -29, kQ3_4, Overflow::Wrap), 127);
    EXPECT_EQ(fx_add(-128, -128, kQ3_4, Overflow::Wrap), 0);
    const FixedFormat s63{63, 0}, u63{63, 0, false};
    EXPECT_EQ(fx_add(s63.min_raw(), s63.min_raw(), s63, Overflow::Saturate), s63.min_raw());
    EXPECT_EQ(fx_add(s63.max_raw(), s63.max_raw(), s63, Overflow::Wrap), -2);
    EXPECT_EQ(fx_add(u63.max_raw(), u63.max_raw(), u63, Overflow::Saturate), u63.max_raw());
    EXPECT_EQ(fx_add(u63.max_raw(), u63.max_raw(), u63, Overflow::Wrap), u63.max_raw() - 1);
    EXPECT_THROW(fx_add(128, 0, kQ3_4, Overflow::Saturate), Error);
    EXPECT_THROW(fx_add(0, -1, FixedFormat{8, 0, false}, Overflow::Wrap), Error);
}

TEST(FixedPoint, MultiplyRoundsAndSaturates) {
    EXPECT_EQ(fx_mul(24, kQ3_4, 36, kQ3_4, kQ3_4, Rounding::Floor, Overflow::Saturate),
              54);  // 1.5*2.25
    // 1/16 * 1/2 = half an output lsb.
    const int64_t want_pos[] = {1, 0, 0, 0}, want_neg[] = {-1, 0, -1, 0};
    for (size_t i = 0; i < kRoundings.size(); ++i) {
        EXPECT_EQ(fx_mul(1, kQ3_4, 8, kQ3_4, kQ3_4, kRoundings[i], Overflow::Saturate),
                  want_pos[i]);
        EXPECT_EQ(fx_mul(-1, kQ3_4, 8, kQ3_4, kQ3_4, kRoundings[i], Overflow::Saturate),
                  want_neg[i]);
    }
    EXPECT_EQ(fx_mul(127, kQ3_4, 127, kQ3_4, kQ3_4, Rounding::Floor, Overflow::Saturate), 127);
    EXPECT_EQ(fx_mul(-128, kQ3_4, 127, kQ3_4, kQ3_4, Rounding::Floor, Overflow::Saturate), -128);
    EXPECT_EQ(fx_mul(-128, kQ3_4, -128, kQ3_4, kQ3_4, Rounding::Floor, Overflow::Saturate), 127);
    EXPECT_EQ(fx_mul(127, kQ3_4, 127, kQ3_4, kQ3_4, Rounding::Floor, Overflow::Wrap),
              -16);  // 1008 mod 256
    EXPECT_EQ(
        fx_mul(-3, kQ3_4, 5, kQ3_4, FixedFormat{8, 4, false}, Rounding::Floor, Overflow::Saturate),
        0);
    // Widening: fewer product fraction bits than the output's (a left shift).
    EXPECT_EQ(fx_mul(300, FixedFormat{16, 0}, -7, FixedFormat{16, 0}, FixedFormat{40, 10},
                     Rounding::Floor, Overflow::Saturate),
              -2100 * 1024);
    EXPECT_THROW(fx_mul(200, kQ3_4, 1, kQ3_4, kQ3_4, Rounding::Floor, Overflow::Saturate), Error);
}

TEST(FixedPoint, MultiplyIsExactAt63Bits) {
    // Q2.60 x Q2.60 -> Q2.60: a 124-bit product, 60 bits dropped.
    const FixedFormat q{63, 60};
    const int64_t one = int64_t{1} << 60, a = 3 * (one / 2) + 1;  // 1.5 + 2^-60
    const int64_t base = 3 * (one / 4);                           // 0.75
    // a * 0.5 = 0.75 + 2^-61: exactly half an lsb above base.
    const int64_t tie_pos[] = {base + 1, base, base, base};
    const int64_t tie_neg[] = {-base - 1, -base, -base - 1, -base};
    // a * (0.5 + 2^-60) = 0.75 + 2 lsb + 2^-120: just above base + 2.
    const int64_t st_pos[] = {base + 2, base + 2, base + 2, base + 2};
    const int64_t st_neg[] = {-base - 2, -base - 2, -base - 3, -base - 2};
    for (size_t i = 0; i < kRoundings.size(); ++i) {
        const Rounding r = kRoundings[i];
        EXPECT_EQ(fx_mul(a, q, one / 2, q, q, r, Overflow::Saturate), tie_pos[i]) << i;
        EXPECT_EQ(fx_mul(-a, q, one / 2, q, q, r, Overflow::Saturate), tie_neg[i]) << i;
        EXPECT_EQ(fx_mul(a, q, one / 2 + 1, q, q, r, Overflow::Saturate), st_pos[i]) << i;
        EXPECT_EQ(fx_mul(a, q, -(one / 2 + 1), q, q, r, Overflow::Wrap), st_neg[i]) << i;
    }
    EXPECT_EQ(fx_mul(q.min_raw(), q, q.min_raw(), q, q, Rounding::Floor, Overflow::Saturate),
              q.max_raw());
    // A left shift that overflows even 128 bits still saturates; wrap keeps the low bits.
    const FixedFormat w{63, 0}, fine{63, 62};
    EXPECT_EQ(fx_mul(w.max_raw(), w, w.max_raw(), w, fine, Rounding::Floor, Overflow::Saturate),
              fine.max_raw());
    EXPECT_EQ(fx_mul(w.max_raw(), w, -w.max_raw(), w, fine, Rounding::Floor, Overflow::Saturate),
              fine.min_raw());
    // (2^62 - 1)^2 * 2^62 mod 2^63 = 2^62, which is -2^62 in 63-bit two's complement.
    EXPECT_EQ(fx_mul(w.max_raw(), w, w.max_raw(), w, fine, Rounding::Floor, Overflow::Wrap),
              -(int64_t{1} << 62));
}

TEST(FixedPoint, MultiplyMatchesExactDoubleProduct) {
    // Operands up to 26 bits: the product is exact in double, so fx_from_double of
    // it is an independent reference for every format, rounding and overflow mode.
    std::mt19937_64 rng(123);
    for (int i = 0; i < 20000; ++i) {
        const bool sa = rng() & 1, sb = rng() & 1, so = rng() & 1;
        const int ta = 2 + static_cast<int>(rng() % 25), tb = 2 + static_cast<int>(rng() % 25);
        const int to = 2 + static_cast<int>(rng() % 62);
        const FixedFormat fa{
            ta, static_cast<int>(rng() % static_cast<uint64_t>(ta - (sa ? 1 : 0) + 1)), sa};
        const FixedFormat fb{
            tb, static_cast<int>(rng() % static_cast<uint64_t>(tb - (sb ? 1 : 0) + 1)), sb};
        const FixedFormat fo{
            to, static_cast<int>(rng() % static_cast<uint64_t>(to - (so ? 1 : 0) + 1)), so};
        const auto pick = [&](const FixedFormat& f) {
            const uint64_t span = static_cast<uint64_t>(f.max_raw() - f.min_raw()) + 1;
            return f.min_raw() + static_cast<int64_t>(rng() % span);
        };
        const int64_t a = pick(fa), b = pick(fb);
        const double exact = fx_to_double(a, fa) * fx_to_double(b, fb);
        for (Rounding r : kRoundings) {
            for (Overflow o : {Overflow::Saturate, Overflow::Wrap}) {
                ASSERT_EQ(fx_mul(a, fa, b, fb, fo, r, o), fx_from_double(exact, fo, r, o))
                    << a << " " << fa.name() << " * " << b << " " << fb.name() << " -> "
                    << fo.name();
            }
        }
    }
}

}  // namespace
}  // namespace edgebert::num
