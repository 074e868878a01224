#include "hw/formats/fixed_point.hpp"

#include <cmath>

#include "common/error.hpp"

namespace edgebert::num {

// fx_shift_right relies on >> of a negative int64 being an arithmetic shift
// (guaranteed from C++20, and what every supported compiler does in C++17).
static_assert((int64_t{-3} >> 1) == -2, "arithmetic right shift of signed integers required");

namespace {

uint64_t low_mask(int bits) { return bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1u; }

// Low total_bits of a two's-complement bit pattern, sign-extended if signed.
int64_t wrap_bits(uint64_t pattern, const FixedFormat& fmt) {
    const uint64_t u = pattern & low_mask(fmt.total_bits);
    if (fmt.is_signed && (u >> (fmt.total_bits - 1)) != 0) {
        return static_cast<int64_t>(u) - static_cast<int64_t>(uint64_t{1} << (fmt.total_bits - 1)) -
               static_cast<int64_t>(uint64_t{1} << (fmt.total_bits - 1));
    }
    return static_cast<int64_t>(u);
}

void check_raw(int64_t raw, const FixedFormat& fmt, const char* what) {
    if (raw < fmt.min_raw() || raw > fmt.max_raw()) {
        throw Error(std::string(what) + " = " + std::to_string(raw) + " is outside the " +
                    fmt.name() + " raw range [" + std::to_string(fmt.min_raw()) + ", " +
                    std::to_string(fmt.max_raw()) + "]");
    }
}

// Rounds a double to an integer-valued double; exact for every input.
double round_to_integer(double s, Rounding rounding) {
    switch (rounding) {
        case Rounding::NearestHalfAway: return std::round(s);
        case Rounding::Floor: return std::floor(s);
        case Rounding::TowardZero: return std::trunc(s);
        case Rounding::NearestEven: {
            // Not nearbyint: that would depend on the global FP rounding mode.
            const double f = std::floor(s);
            const double d = s - f;  // exact: the fraction of a double is a double
            if (d > 0.5) return f + 1.0;
            if (d < 0.5) return f;
            return std::fmod(f, 2.0) == 0.0 ? f : f + 1.0;
        }
    }
    throw ConfigError("Rounding value " + std::to_string(static_cast<int>(rounding)) +
                      " is not valid");
}

// A 128-bit unsigned magnitude: fx_mul's exact product of two 63-bit values.
struct U128 {
    uint64_t hi = 0;
    uint64_t lo = 0;
};

U128 mul_u64(uint64_t a, uint64_t b) {
    const uint64_t a0 = a & 0xFFFFFFFFu, a1 = a >> 32;
    const uint64_t b0 = b & 0xFFFFFFFFu, b1 = b >> 32;
    const uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    const uint64_t mid = (p00 >> 32) + (p01 & 0xFFFFFFFFu) + (p10 & 0xFFFFFFFFu);
    return {p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32), (p00 & 0xFFFFFFFFu) | (mid << 32)};
}

bool bit_at(const U128& v, int i) {
    return i < 64 ? ((v.lo >> i) & 1u) != 0 : ((v.hi >> (i - 64)) & 1u) != 0;
}

// Any of bits [0, n) set?
bool any_below(const U128& v, int n) {
    if (n <= 0) return false;
    if (n <= 64) return (v.lo & low_mask(n)) != 0;
    return v.lo != 0 || (v.hi & low_mask(n - 64)) != 0;
}

U128 shift_right(const U128& v, int d) {  // d in [0, 127]
    if (d == 0) return v;
    if (d < 64) return {v.hi >> d, (v.lo >> d) | (v.hi << (64 - d))};
    return {0, v.hi >> (d - 64)};
}

}  // namespace

int64_t FixedFormat::min_raw() const {
    validate();
    return is_signed ? -static_cast<int64_t>(uint64_t{1} << (total_bits - 1)) : 0;
}

int64_t FixedFormat::max_raw() const {
    validate();
    return static_cast<int64_t>(low_mask(is_signed ? total_bits - 1 : total_bits));
}

double FixedFormat::lsb() const {
    validate();
    return std::ldexp(1.0, -frac_bits);
}

void FixedFormat::validate() const {
    if (total_bits < 2 || total_bits > 63) {
        throw ConfigError("FixedFormat total_bits = " + std::to_string(total_bits) +
                          " is outside the allowed range [2, 63]");
    }
    const int max_frac = is_signed ? total_bits - 1 : total_bits;
    if (frac_bits < 0 || frac_bits > max_frac) {
        throw ConfigError("FixedFormat frac_bits = " + std::to_string(frac_bits) +
                          " is outside the allowed range [0, " + std::to_string(max_frac) +
                          "] for a " + (is_signed ? "signed " : "unsigned ") +
                          std::to_string(total_bits) + "-bit format");
    }
}

std::string FixedFormat::name() const {
    validate();
    const int int_bits = total_bits - frac_bits - (is_signed ? 1 : 0);
    return std::string(is_signed ? "Q" : "UQ") + std::to_string(int_bits) + "." +
           std::to_string(frac_bits);
}

int64_t fx_from_double(double x, const FixedFormat& fmt, Rounding rounding, Overflow overflow,
                       bool* saturated) {
    fmt.validate();
    if (saturated) *saturated = false;
    if (std::isnan(x)) throw Error("fx_from_double: NaN has no " + fmt.name() + " value");
    if (std::isinf(x) && overflow == Overflow::Wrap) {
        throw Error("fx_from_double: infinity cannot be wrapped into " + fmt.name());
    }
    const double span = std::ldexp(1.0, fmt.total_bits);  // 2^total_bits: the wrap modulus
    if (overflow == Overflow::Wrap) {
        // Drop whole multiples of the modulus before scaling so nothing overflows;
        // fmod is exact and an integer multiple of 2^total changes no rounding.
        x = std::fmod(x, std::ldexp(1.0, fmt.total_bits - fmt.frac_bits));
        const double r = std::fmod(round_to_integer(std::ldexp(x, fmt.frac_bits), rounding), span);
        return fx_wrap(static_cast<int64_t>(r), fmt);
    }
    const double r = round_to_integer(std::ldexp(x, fmt.frac_bits), rounding);
    // r is an integer (or +-inf): compare against exact powers of two.
    const double above_max = fmt.is_signed ? span / 2 : span;  // max_raw + 1
    const double min = fmt.is_signed ? -span / 2 : 0.0;        // min_raw
    if (r >= above_max || r < min) {
        if (saturated) *saturated = true;
        return r < min ? fmt.min_raw() : fmt.max_raw();
    }
    return static_cast<int64_t>(r);
}

double fx_to_double(int64_t raw, const FixedFormat& fmt) {
    fmt.validate();
    return std::ldexp(static_cast<double>(raw), -fmt.frac_bits);
}

int64_t fx_shift_right(int64_t raw, int shift, Rounding rounding) {
    if (shift < 0 || shift > 63) {
        throw ConfigError("fx_shift_right: shift = " + std::to_string(shift) +
                          " is outside the allowed range [0, 63]");
    }
    if (shift == 0) return raw;
    const int64_t q = raw >> shift;                                     // floor(raw / 2^shift)
    const uint64_t rem = static_cast<uint64_t>(raw) & low_mask(shift);  // raw - q * 2^shift
    const uint64_t half = uint64_t{1} << (shift - 1);
    // q + 1 cannot overflow: |q| <= 2^62 for shift >= 1.
    switch (rounding) {
        case Rounding::Floor: return q;
        case Rounding::TowardZero: return (raw < 0 && rem != 0) ? q + 1 : q;
        case Rounding::NearestHalfAway:
            if (rem > half || (rem == half && raw >= 0)) return q + 1;
            return q;
        case Rounding::NearestEven:
            if (rem > half || (rem == half && (q & 1) != 0)) return q + 1;
            return q;
    }
    throw ConfigError("fx_shift_right: Rounding value " +
                      std::to_string(static_cast<int>(rounding)) + " is not valid");
}

int64_t fx_saturate(int64_t raw, const FixedFormat& fmt, bool* saturated) {
    const int64_t lo = fmt.min_raw(), hi = fmt.max_raw();
    const bool clip = raw < lo || raw > hi;
    if (saturated) *saturated = clip;
    return raw < lo ? lo : (raw > hi ? hi : raw);
}

int64_t fx_wrap(int64_t raw, const FixedFormat& fmt) {
    fmt.validate();
    return wrap_bits(static_cast<uint64_t>(raw), fmt);
}

int64_t fx_add(int64_t a, int64_t b, const FixedFormat& fmt, Overflow overflow) {
    fmt.validate();
    check_raw(a, fmt, "fx_add: a");
    check_raw(b, fmt, "fx_add: b");
    const uint64_t pattern = static_cast<uint64_t>(a) + static_cast<uint64_t>(b);  // mod 2^64
    if (overflow == Overflow::Wrap) return wrap_bits(pattern, fmt);
    // Signed: |a|, |b| <= 2^62 so a + b fits. Unsigned: the uint64 sum cannot carry out.
    if (fmt.is_signed) return fx_saturate(a + b, fmt);
    return pattern > static_cast<uint64_t>(fmt.max_raw()) ? fmt.max_raw()
                                                          : static_cast<int64_t>(pattern);
}

int64_t fx_mul(int64_t a, const FixedFormat& fa, int64_t b, const FixedFormat& fb,
               const FixedFormat& out, Rounding rounding, Overflow overflow) {
    fa.validate();
    fb.validate();
    out.validate();
    check_raw(a, fa, "fx_mul: a");
    check_raw(b, fb, "fx_mul: b");

    // Sign-magnitude: |a|, |b| <= 2^63 - 1 (2^62 for signed minima), product < 2^126.
    const bool negative = (a < 0) != (b < 0);
    const uint64_t ma = a < 0 ? uint64_t{0} - static_cast<uint64_t>(a) : static_cast<uint64_t>(a);
    const uint64_t mb = b < 0 ? uint64_t{0} - static_cast<uint64_t>(b) : static_cast<uint64_t>(b);
    U128 p = mul_u64(ma, mb);

    bool too_big = false;  // magnitude no longer fits 128 bits after a left shift
    const int drop = fa.frac_bits + fb.frac_bits - out.frac_bits;
    if (drop > 0) {
        const bool half = bit_at(p, drop - 1);
        const bool sticky = any_below(p, drop - 1);
        U128 q = shift_right(p, drop);
        bool up = false;  // round the magnitude up?
        switch (rounding) {
            case Rounding::Floor: up = negative && (half || sticky); break;
            case Rounding::TowardZero: up = false; break;
            case Rounding::NearestHalfAway: up = half; break;
            case Rounding::NearestEven: up = half && (sticky || (q.lo & 1u) != 0); break;
        }
        if (up && ++q.lo == 0) ++q.hi;
        p = q;
    } else if (drop < 0) {
        const int s = -drop;  // 1..63
        too_big = (p.hi >> (64 - s)) != 0;
        p = {(p.hi << s) | (p.lo >> (64 - s)), p.lo << s};
    }

    if (overflow == Overflow::Wrap) {
        // Only the low total_bits (<= 63) bits survive, so the low word suffices.
        return wrap_bits(negative ? uint64_t{0} - p.lo : p.lo, out);
    }
    const uint64_t limit = negative
                               ? static_cast<uint64_t>(0) - static_cast<uint64_t>(out.min_raw())
                               : static_cast<uint64_t>(out.max_raw());
    if (too_big || p.hi != 0 || p.lo > limit) return negative ? out.min_raw() : out.max_raw();
    if (!negative) return static_cast<int64_t>(p.lo);
    return p.lo == 0 ? 0 : -static_cast<int64_t>(p.lo - 1u) - 1;
}

}  // namespace edgebert::num
