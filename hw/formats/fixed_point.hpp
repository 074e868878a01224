// Two's-complement (or unsigned) fixed point: the format of accumulators,
// LayerNorm / softmax intermediates and the entropy unit.
//
// A value is raw * 2^-frac_bits, raw an integer held in an int64_t. All
// arithmetic is integer; only fx_from_double / fx_to_double touch doubles.
#pragma once

#include <cstdint>
#include <string>

namespace edgebert::num {

struct FixedFormat {
    int total_bits = 16;  // 2..63, sign bit included when is_signed
    int frac_bits = 8;    // 0..total_bits-1 (signed) or 0..total_bits (unsigned)
    bool is_signed = true;

    int64_t min_raw() const;  // -2^(total-1) or 0
    int64_t max_raw() const;  // 2^(total-1) - 1 or 2^total - 1
    double lsb() const;       // 2^-frac_bits
    // Throws ConfigError naming the field and its allowed range.
    void validate() const;
    // "Q5.10" (signed: integer bits exclude the sign) or "UQ6.10".
    std::string name() const;
};

// How bits below the LSB are dropped.
enum class Rounding {
    NearestHalfAway,  // ties away from zero
    NearestEven,      // ties to the even raw value
    Floor,            // toward -infinity (plain arithmetic shift)
    TowardZero,       // truncate the magnitude
};

// What happens to a result outside [min_raw, max_raw].
enum class Overflow {
    Saturate,  // clamp to min_raw / max_raw
    Wrap,      // keep the low total_bits bits (two's complement wrap-around)
};

// x -> raw, rounded then saturated or wrapped. Exact for every finite double.
// NaN throws; +-infinity saturates under Saturate and throws under Wrap.
// *saturated (if given) is set to whether the result was clamped.
int64_t fx_from_double(double x, const FixedFormat& fmt, Rounding rounding, Overflow overflow,
                       bool* saturated = nullptr);

// raw -> value. Exact when |raw| < 2^53 (always for total_bits <= 53),
// otherwise rounded to the nearest double.
double fx_to_double(int64_t raw, const FixedFormat& fmt);

// raw / 2^shift with rounding, shift in [0, 63].
int64_t fx_shift_right(int64_t raw, int shift, Rounding rounding);

// Clamp any int64 to the format's raw range.
int64_t fx_saturate(int64_t raw, const FixedFormat& fmt, bool* saturated = nullptr);

// Keep the low total_bits bits of any int64 (sign-extended when signed).
int64_t fx_wrap(int64_t raw, const FixedFormat& fmt);

// a + b, both raw values of fmt (throws if either is outside fmt's range).
int64_t fx_add(int64_t a, int64_t b, const FixedFormat& fmt, Overflow overflow);

// a * b into `out`: the exact product (fa.frac_bits + fb.frac_bits fraction
// bits, up to 126 bits wide) is re-aligned to out.frac_bits with `rounding`,
// then saturated or wrapped. a and b must lie in their formats' ranges.
int64_t fx_mul(int64_t a, const FixedFormat& fa, int64_t b, const FixedFormat& fb,
               const FixedFormat& out, Rounding rounding, Overflow overflow);

}  // namespace edgebert::num
