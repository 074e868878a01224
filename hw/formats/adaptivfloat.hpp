// AdaptivFloat<n,e>: the EdgeBERT datapath's number format.
//
// A code is n <= 8 bits: 1 sign bit, e exponent bits, m = n-1-e mantissa bits.
//   value = (-1)^s * (1 + mant/2^m) * 2^(E + exp_bias),  E in [0, 2^e - 1]
// exp_bias is an integer shared by a tensor, a row or a 16-element vector; it
// slides the whole exponent window to where the data lives. There are no
// denormals: the two codes with E = 0 and mant = 0 (either sign) mean zero, and
// the encoder always emits +0 as code 0.
//
// Everything here is exact: encoding works on the integer significand of the
// input double, decoding and products are powers of two times small integers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace edgebert::num {

// exp_bias values this library accepts. Wide enough for any real tensor, narrow
// enough that every AF value and every rounding midpoint is an exact double.
constexpr int kAfMinExpBias = -1000;
constexpr int kAfMaxExpBias = 900;

struct AdaptivFloatFormat {
    int total_bits = 8;  // n, 3..8
    int exp_bits = 3;    // e, 1..n-2 (at least one mantissa bit)

    int mant_bits() const { return total_bits - 1 - exp_bits; }
    int max_exp_code() const { return (1 << exp_bits) - 1; }
    uint8_t sign_bit() const { return static_cast<uint8_t>(1u << (total_bits - 1)); }
    // Exponent and mantissa fields: a code is zero iff (code & magnitude_mask) == 0.
    uint8_t magnitude_mask() const { return static_cast<uint8_t>(sign_bit() - 1u); }
    // Largest magnitude: top exponent code, all-ones mantissa.
    double max_value(int exp_bias) const;
    // Smallest non-zero magnitude: E = 0, mant = 1 (mant = 0 there is zero).
    double min_positive(int exp_bias) const;
    // Throws ConfigError naming the field and its allowed range.
    void validate() const;
};

// Inclusive range of exp_bias a bias register can hold.
struct BiasRange {
    int min = 0;
    int max = 0;

    bool contains(int exp_bias) const { return exp_bias >= min && exp_bias <= max; }
    int clamp(int exp_bias) const;
    // min <= max, both within [kAfMinExpBias, kAfMaxExpBias].
    void validate() const;
};

// The published AdaptivFloat<8,3> design stores a 3-bit bias field b with
// exp_bias = b - 10, i.e. exp_bias in [-10, -3].
constexpr BiasRange kEdgeBertBiasRange{-10, -3};

// exp_bias -> hardware bias field (exp_bias - range.min). Throws ConfigError
// naming the allowed exp_bias range when exp_bias is outside it.
int hw_bias_field(int exp_bias, BiasRange range = kEdgeBertBiasRange);
// Hardware bias field -> exp_bias. Throws ConfigError if the field is out of range.
int exp_bias_from_hw_field(int field, BiasRange range = kEdgeBertBiasRange);

// Code (low n bits) -> value. Throws if the code has bits above bit n-1.
double af_decode(uint8_t code, const AdaptivFloatFormat& fmt, int exp_bias);

// The exp_bias that puts max_abs in the TOP exponent code: with
// 2^e' <= max_abs < 2^(e'+1), exp_bias = e' - max_exp_code, then clamped to
// `range` (if given) and to [kAfMinExpBias, kAfMaxExpBias].
// max_abs == 0 (an all-zero group) behaves as max_abs == 1, i.e. -max_exp_code
// before clamping: the bias is irrelevant to the codes but must be legal.
// Throws if max_abs is negative, NaN or infinite.
int af_choose_exp_bias(double max_abs, const AdaptivFloatFormat& fmt,
                       std::optional<BiasRange> range = {});

// Value -> nearest code. Ties (exact midpoints between adjacent representable
// magnitudes, including the one between 0 and min_positive) round half away
// from zero. Magnitudes above max_value, and +-infinity, saturate to +-max.
// Zero and anything rounding to zero give code 0. NaN throws edgebert::Error:
// the format has no NaN and a silent zero would hide the upstream bug.
uint8_t af_encode(double x, const AdaptivFloatFormat& fmt, int exp_bias);

// Which elements share one exp_bias.
enum class BiasGranularity { PerTensor, PerRow, PerVector16 };

// Elements per bias group for PerVector16: one datapath vector.
constexpr size_t kAfVectorLength = 16;

// Number of exp_bias entries a rows x cols tensor needs at this granularity
// (PerTensor: 1, PerRow: rows, PerVector16: rows * ceil(cols / 16)).
size_t af_bias_count(BiasGranularity granularity, size_t rows, size_t cols);

// A row-major AF-quantized matrix with its shared biases.
struct AfTensor {
    AdaptivFloatFormat fmt;
    size_t rows = 0;
    size_t cols = 0;
    BiasGranularity granularity = BiasGranularity::PerTensor;
    std::vector<uint8_t> codes;  // rows * cols, row-major
    std::vector<int> exp_bias;   // af_bias_count(granularity, rows, cols)

    // Index into exp_bias for element (r, c).
    size_t bias_index(size_t r, size_t c) const;
    int bias_for(size_t r, size_t c) const;
    // Exact value of element (r, c). Throws ShapeError when out of bounds.
    double value(size_t r, size_t c) const;
    // Values as float; exact whenever the values are within float range
    // (always true for exp_bias in [-120, 100]).
    std::vector<float> dequantize() const;
};

// Quantizes a row-major rows x cols matrix: per bias group, exp_bias =
// af_choose_exp_bias(group max |x|), then af_encode per element. With
// PerVector16 the last group of a row is shorter when cols % 16 != 0.
// Throws on NaN / infinite input, naming the element.
AfTensor af_quantize(const float* data, size_t rows, size_t cols, const AdaptivFloatFormat& fmt,
                     BiasGranularity granularity, std::optional<BiasRange> range = {});

// A product as the multiplier forms it: value = (negative ? -1 : 1) *
// significand * 2^exponent, where significand is the integer product of the two
// (m+1)-bit significands 1.m and exponent = E_a + bias_a + E_b + bias_b - 2m.
struct AfProduct {
    bool negative = false;
    uint32_t significand = 0;
    int exponent = 0;

    double value() const;
    bool is_zero() const { return significand == 0; }
};

// Exact product of two codes (equals af_decode(a) * af_decode(b) bit for bit).
// A zero operand gives the canonical zero product {false, 0, 0}.
AfProduct af_multiply(uint8_t a, int bias_a, uint8_t b, int bias_b, const AdaptivFloatFormat& fmt);

}  // namespace edgebert::num
