#include "hw/formats/adaptivfloat.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "common/error.hpp"

namespace edgebert::num {

namespace {

std::string format_name(const AdaptivFloatFormat& fmt) {
    return "AdaptivFloat<" + std::to_string(fmt.total_bits) + "," + std::to_string(fmt.exp_bits) +
           ">";
}

void check_exp_bias(int exp_bias, const char* what) {
    if (exp_bias < kAfMinExpBias || exp_bias > kAfMaxExpBias) {
        throw ConfigError(std::string(what) + ": exp_bias = " + std::to_string(exp_bias) +
                          " is outside the allowed range [" + std::to_string(kAfMinExpBias) + ", " +
                          std::to_string(kAfMaxExpBias) + "]");
    }
}

void check_code(uint8_t code, const AdaptivFloatFormat& fmt, const char* what) {
    if ((code >> fmt.total_bits) != 0) {
        throw Error(std::string(what) + ": code " + std::to_string(code) + " has bits above the " +
                    std::to_string(fmt.total_bits) + "-bit " + format_name(fmt) + " code");
    }
}

// The fields of a non-zero code: significand 1.m as an (m+1)-bit integer and
// the exponent code E.
struct Fields {
    bool negative;
    uint32_t significand;
    int exp_code;
};

Fields split(uint8_t code, const AdaptivFloatFormat& fmt) {
    const int m = fmt.mant_bits();
    const uint32_t mant = code & ((1u << m) - 1u);
    return {(code & fmt.sign_bit()) != 0, (1u << m) | mant,
            static_cast<int>((code & fmt.magnitude_mask()) >> m)};
}

bool is_zero_code(uint8_t code, const AdaptivFloatFormat& fmt) {
    return (code & fmt.magnitude_mask()) == 0;
}

uint8_t max_magnitude_code(const AdaptivFloatFormat& fmt) { return fmt.magnitude_mask(); }

}  // namespace

double AdaptivFloatFormat::max_value(int exp_bias) const {
    validate();
    check_exp_bias(exp_bias, "AdaptivFloatFormat::max_value");
    const int m = mant_bits();
    return std::ldexp(static_cast<double>((2 << m) - 1), max_exp_code() + exp_bias - m);
}

double AdaptivFloatFormat::min_positive(int exp_bias) const {
    validate();
    check_exp_bias(exp_bias, "AdaptivFloatFormat::min_positive");
    const int m = mant_bits();
    return std::ldexp(static_cast<double>((1 << m) + 1), exp_bias - m);
}

void AdaptivFloatFormat::validate() const {
    if (total_bits < 3 || total_bits > 8) {
        throw ConfigError("AdaptivFloat total_bits = " + std::to_string(total_bits) +
                          " is outside the allowed range [3, 8]");
    }
    if (exp_bits < 1 || exp_bits > total_bits - 2) {
        throw ConfigError("AdaptivFloat exp_bits = " + std::to_string(exp_bits) +
                          " is outside the allowed range [1, " + std::to_string(total_bits - 2) +
                          "] for total_bits = " + std::to_string(total_bits));
    }
}

int BiasRange::clamp(int exp_bias) const { return std::clamp(exp_bias, min, max); }

void BiasRange::validate() const {
    if (min > max || min < kAfMinExpBias || max > kAfMaxExpBias) {
        throw ConfigError("BiasRange [" + std::to_string(min) + ", " + std::to_string(max) +
                          "] must satisfy min <= max within [" + std::to_string(kAfMinExpBias) +
                          ", " + std::to_string(kAfMaxExpBias) + "]");
    }
}

int hw_bias_field(int exp_bias, BiasRange range) {
    range.validate();
    if (!range.contains(exp_bias)) {
        throw ConfigError("exp_bias = " + std::to_string(exp_bias) +
                          " does not fit the hardware bias field: allowed range [" +
                          std::to_string(range.min) + ", " + std::to_string(range.max) + "]");
    }
    return exp_bias - range.min;
}

int exp_bias_from_hw_field(int field, BiasRange range) {
    range.validate();
    const int top = range.max - range.min;
    if (field < 0 || field > top) {
        throw ConfigError("hardware bias field = " + std::to_string(field) +
                          " is outside the allowed range [0, " + std::to_string(top) + "]");
    }
    return field + range.min;
}

double af_decode(uint8_t code, const AdaptivFloatFormat& fmt, int exp_bias) {
    fmt.validate();
    check_exp_bias(exp_bias, "af_decode");
    check_code(code, fmt, "af_decode");
    if (is_zero_code(code, fmt)) return 0.0;
    const Fields f = split(code, fmt);
    const double mag =
        std::ldexp(static_cast<double>(f.significand), f.exp_code + exp_bias - fmt.mant_bits());
    return f.negative ? -mag : mag;
}

int af_choose_exp_bias(double max_abs, const AdaptivFloatFormat& fmt,
                       std::optional<BiasRange> range) {
    fmt.validate();
    if (range) range->validate();
    if (!(max_abs >= 0.0) || std::isinf(max_abs)) {
        throw Error("af_choose_exp_bias: max_abs = " + std::to_string(max_abs) +
                    " must be finite and >= 0");
    }
    int top = 0;  // e' with 2^e' <= max_abs < 2^(e'+1); 0 for an all-zero group
    if (max_abs > 0.0) {
        int k = 0;
        std::frexp(max_abs, &k);  // max_abs = f * 2^k, f in [0.5, 1)
        top = k - 1;
    }
    int bias = std::clamp(top - fmt.max_exp_code(), kAfMinExpBias, kAfMaxExpBias);
    if (range) bias = range->clamp(bias);
    return bias;
}

uint8_t af_encode(double x, const AdaptivFloatFormat& fmt, int exp_bias) {
    fmt.validate();
    check_exp_bias(exp_bias, "af_encode");
    if (std::isnan(x)) throw Error("af_encode: NaN has no " + format_name(fmt) + " code");

    const int m = fmt.mant_bits();
    const int max_e = fmt.max_exp_code();
    const uint8_t sign = std::signbit(x) ? fmt.sign_bit() : uint8_t{0};
    const double a = std::fabs(x);
    if (a == 0.0) return 0;
    if (std::isinf(a)) return sign | max_magnitude_code(fmt);

    // a = sig53 * 2^(k - 53) exactly, with bit 52 of sig53 set (also for
    // subnormal doubles, whose frexp fraction still has <= 53 significant bits).
    int k = 0;
    const double frac = std::frexp(a, &k);
    const uint64_t sig53 = static_cast<uint64_t>(std::ldexp(frac, 53));
    int e = k - 1 - exp_bias;  // exponent code a would need: a in [2^(e+bias), 2^(e+bias+1))

    if (e > max_e) return sign | max_magnitude_code(fmt);
    if (e < 0) {
        // Below 2^bias the only candidates are 0 and min_positive = (2^m+1) * 2^(bias-m);
        // their midpoint lies in [2^(bias-1), 2^bias), so only e == -1 can round up.
        if (e < -1) return 0;
        const uint64_t midpoint = ((uint64_t{1} << m) | 1u) << (52 - m);
        return sig53 >= midpoint ? static_cast<uint8_t>(sign | 1u) : uint8_t{0};
    }

    // Keep m fraction bits; round half away from zero (on the magnitude: half up).
    const int drop = 52 - m;
    uint64_t sig = sig53 >> drop;
    const uint64_t rem = sig53 & ((uint64_t{1} << drop) - 1u);
    if (rem >= (uint64_t{1} << (drop - 1))) ++sig;
    if (sig >> (m + 1)) {  // rounded up into the next binade
        sig >>= 1;
        ++e;
        if (e > max_e) return sign | max_magnitude_code(fmt);
    }
    uint32_t mant = static_cast<uint32_t>(sig) - (1u << m);
    // 2^bias itself is the zero code; the nearest non-zero value is min_positive.
    if (e == 0 && mant == 0) mant = 1;
    return static_cast<uint8_t>(sign | (static_cast<uint32_t>(e) << m) | mant);
}

size_t af_bias_count(BiasGranularity granularity, size_t rows, size_t cols) {
    switch (granularity) {
        case BiasGranularity::PerTensor: return 1;
        case BiasGranularity::PerRow: return rows;
        case BiasGranularity::PerVector16:
            return rows * ((cols + kAfVectorLength - 1) / kAfVectorLength);
    }
    throw ConfigError("BiasGranularity value " + std::to_string(static_cast<int>(granularity)) +
                      " is not one of PerTensor, PerRow, PerVector16");
}

size_t AfTensor::bias_index(size_t r, size_t c) const {
    if (r >= rows || c >= cols) {
        throw ShapeError("AfTensor: element (" + std::to_string(r) + ", " + std::to_string(c) +
                         ") is outside the " + std::to_string(rows) + " x " + std::to_string(cols) +
                         " tensor");
    }
    switch (granularity) {
        case BiasGranularity::PerTensor: return 0;
        case BiasGranularity::PerRow: return r;
        case BiasGranularity::PerVector16:
            return r * ((cols + kAfVectorLength - 1) / kAfVectorLength) + c / kAfVectorLength;
    }
    throw ConfigError("AfTensor: granularity value " +
                      std::to_string(static_cast<int>(granularity)) + " is not valid");
}

int AfTensor::bias_for(size_t r, size_t c) const {
    const size_t i = bias_index(r, c);
    if (i >= exp_bias.size()) {
        throw ShapeError("AfTensor: exp_bias holds " + std::to_string(exp_bias.size()) +
                         " entries but element (" + std::to_string(r) + ", " + std::to_string(c) +
                         ") needs entry " + std::to_string(i));
    }
    return exp_bias[i];
}

double AfTensor::value(size_t r, size_t c) const {
    const int bias = bias_for(r, c);
    const size_t i = r * cols + c;
    if (i >= codes.size()) {
        throw ShapeError("AfTensor: codes holds " + std::to_string(codes.size()) +
                         " entries, fewer than rows x cols = " + std::to_string(rows * cols));
    }
    return af_decode(codes[i], fmt, bias);
}

std::vector<float> AfTensor::dequantize() const {
    std::vector<float> out(rows * cols);
    for (size_t r = 0; r < rows; ++r) {
        for (size_t c = 0; c < cols; ++c) out[r * cols + c] = static_cast<float>(value(r, c));
    }
    return out;
}

AfTensor af_quantize(const float* data, size_t rows, size_t cols, const AdaptivFloatFormat& fmt,
                     BiasGranularity granularity, std::optional<BiasRange> range) {
    fmt.validate();
    if (range) range->validate();
    if (data == nullptr && rows * cols != 0) {
        throw ShapeError("af_quantize: data is null for a " + std::to_string(rows) + " x " +
                         std::to_string(cols) + " tensor");
    }
    AfTensor t;
    t.fmt = fmt;
    t.rows = rows;
    t.cols = cols;
    t.granularity = granularity;
    t.codes.assign(rows * cols, 0);

    // Pass 1: per-group max |x| (groups indexed as exp_bias entries).
    std::vector<double> group_max(af_bias_count(granularity, rows, cols), 0.0);
    for (size_t r = 0; r < rows; ++r) {
        for (size_t c = 0; c < cols; ++c) {
            const float x = data[r * cols + c];
            if (!std::isfinite(x)) {
                throw Error("af_quantize: element (" + std::to_string(r) + ", " +
                            std::to_string(c) + ") is " + std::to_string(x) +
                            "; only finite values can be quantized");
            }
            double& g = group_max[t.bias_index(r, c)];
            g = std::max(g, std::fabs(static_cast<double>(x)));
        }
    }
    t.exp_bias.resize(group_max.size());
    for (size_t g = 0; g < group_max.size(); ++g) {
        t.exp_bias[g] = af_choose_exp_bias(group_max[g], fmt, range);
    }
    // Pass 2: encode against each element's group bias.
    for (size_t r = 0; r < rows; ++r) {
        for (size_t c = 0; c < cols; ++c) {
            t.codes[r * cols + c] =
                af_encode(data[r * cols + c], fmt, t.exp_bias[t.bias_index(r, c)]);
        }
    }
    return t;
}

double AfProduct::value() const {
    const double mag = std::ldexp(static_cast<double>(significand), exponent);
    return negative ? -mag : mag;
}

AfProduct af_multiply(uint8_t a, int bias_a, uint8_t b, int bias_b, const AdaptivFloatFormat& fmt) {
    fmt.validate();
    check_exp_bias(bias_a, "af_multiply (bias_a)");
    check_exp_bias(bias_b, "af_multiply (bias_b)");
    check_code(a, fmt, "af_multiply (a)");
    check_code(b, fmt, "af_multiply (b)");
    if (is_zero_code(a, fmt) || is_zero_code(b, fmt)) return AfProduct{};
    const Fields fa = split(a, fmt);
    const Fields fb = split(b, fmt);
    AfProduct p;
    p.negative = fa.negative != fb.negative;
    p.significand = fa.significand * fb.significand;
    p.exponent = fa.exp_code + bias_a + fb.exp_code + bias_b - 2 * fmt.mant_bits();
    return p;
}

}  // namespace edgebert::num
