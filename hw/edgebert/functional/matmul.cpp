#include "hw/edgebert/functional/matmul.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>

#include "common/error.hpp"

namespace edgebert::hw::fn {

namespace {

// GCC/Clang 128-bit integers: exact sums of a 62-bit accumulator and a shifted bias.
__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

// Integer values of all 2^n codes, computed once per format.
std::array<int32_t, 256> value_table(const num::AdaptivFloatFormat& fmt) {
    std::array<int32_t, 256> t{};
    for (int c = 0; c < (1 << fmt.total_bits); ++c) t[c] = af_integer_value(fmt, static_cast<uint8_t>(c));
    return t;
}

// Rounds v * 2^exp2 to AF exactly. Values wider than a double's 53 bits are
// first narrowed with a sticky bit, which preserves every rounding decision
// because AF keeps at most 5 significant bits.
uint8_t encode_exact(i128 v, int exp2, const num::AdaptivFloatFormat& fmt, int out_bias) {
    const bool neg = v < 0;
    u128 mag = neg ? static_cast<u128>(-v) : static_cast<u128>(v);
    int bits = 0;
    for (u128 t = mag; t; t >>= 1) ++bits;
    if (bits > 52) {
        const int k = bits - 52;
        const bool sticky = (mag & ((static_cast<u128>(1) << k) - 1)) != 0;
        mag = ((mag >> k) << 1) | (sticky ? 1 : 0);
        exp2 += k - 1;
    }
    const double d = std::ldexp(static_cast<double>(static_cast<uint64_t>(mag)), exp2);
    return num::af_encode(neg ? -d : d, fmt, out_bias);
}

}  // namespace

int32_t af_integer_value(const num::AdaptivFloatFormat& fmt, uint8_t code) {
    if ((code & fmt.magnitude_mask()) == 0) return 0;
    const int m = fmt.mant_bits();
    const int mant = code & ((1 << m) - 1);
    const int e = (code >> m) & fmt.max_exp_code();
    const int32_t mag = ((1 << m) + mant) << e;
    return (code & fmt.sign_bit()) ? -mag : mag;
}

void validate_matmul(const EdgebertTileConfig& cfg, const MatmulParams& p) {
    auto check = [&](const char* name, int v, int max) {
        if (v <= 0 || v % cfg.lanes != 0 || v > max)
            throw ShapeError(fmt::format("matmul {} = {} must be a positive multiple of {} (lanes) and <= {}",
                                         name, v, cfg.lanes, max));
    };
    check("N0", p.n0, cfg.max_n);
    check("N1", p.n1, cfg.max_n);
    check("M", p.m, cfg.max_m);
    for (auto [name, b] : {std::pair{"A bias", p.a_bias}, {"B bias", p.b_bias}, {"output bias", p.out_bias}})
        if (!cfg.bias_range.contains(b))
            throw ShapeError(fmt::format("matmul {} = {} is out of range [{}, {}]", name, b,
                                         cfg.bias_range.min, cfg.bias_range.max));
    if (p.shift < 0 || p.shift > 31) throw ShapeError(fmt::format("matmul shift = {} is out of range [0, 31]", p.shift));
    if (p.weight_bias < -128 || p.weight_bias > 127)
        throw ShapeError(fmt::format("matmul weight_bias = {} is out of range [-128, 127]", p.weight_bias));
}

int64_t matmul_accumulate(const EdgebertTileConfig& cfg, const uint8_t* a_row, const uint8_t* b_row,
                          int m, bool* saturated) {
    const auto& fmt = cfg.act_format;
    const int64_t hi = (int64_t{1} << (cfg.accum_bits - 1)) - 1, lo = -hi - 1;
    int64_t acc = 0;
    bool sat = false;
    for (int k = 0; k < m; ++k) {
        acc += int64_t{af_integer_value(fmt, a_row[k])} * af_integer_value(fmt, b_row[k]);
        if (acc > hi) { acc = hi; sat = true; }
        if (acc < lo) { acc = lo; sat = true; }
    }
    if (saturated) *saturated = sat;
    return acc;
}

uint8_t matmul_output_code(const EdgebertTileConfig& cfg, const MatmulParams& p, int64_t acc) {
    const auto& fmt = cfg.act_format;
    const int mb = fmt.mant_bits();
    // acc's LSB is 2^(a_bias + b_bias - 2 mb); after the shift 2^(that - shift).
    const int acc_exp = p.a_bias + p.b_bias - 2 * mb - p.shift;
    const int bias_exp = p.out_bias - mb;
    // Sum acc and the bias at the finer of the two LSBs, in 128 bits (exact).
    const int common = std::min(acc_exp, bias_exp);
    // Scaling by multiplication: a left shift of a negative value is undefined in C++17.
    i128 v = static_cast<i128>(acc) * (static_cast<i128>(1) << (acc_exp - common));
    if (p.add_bias) v += static_cast<i128>(p.weight_bias) * (static_cast<i128>(1) << (bias_exp - common));
    if (p.relu && v < 0) v = 0;
    return encode_exact(v, common, fmt, p.out_bias);
}

std::vector<uint8_t> matmul(const EdgebertTileConfig& cfg, const uint8_t* a, const uint8_t* b,
                            const MatmulParams& p) {
    validate_matmul(cfg, p);
    const auto tv = value_table(cfg.act_format);
    const size_t n0 = p.n0, n1 = p.n1, m = p.m;
    std::vector<uint8_t> c(n0 * n1);
    // Wide enough accumulators cannot saturate: sum exactly in int64, any order.
    const bool exact = cfg.accum_bits >= cfg.accum_bits_never_saturate();
    std::vector<int32_t> av(m), bv(n1 * m);
    for (size_t j = 0; j < n1 * m; ++j) bv[j] = tv[b[j]];
    for (size_t i = 0; i < n0; ++i) {
        for (size_t k = 0; k < m; ++k) av[k] = tv[a[i * m + k]];
        for (size_t j = 0; j < n1; ++j) {
            int64_t acc;
            if (exact) {
                const int32_t* bj = &bv[j * m];
                acc = 0;
                for (size_t k = 0; k < m; ++k) acc += int64_t{av[k]} * bj[k];
            } else {
                acc = matmul_accumulate(cfg, &a[i * m], &b[j * m], p.m);
            }
            c[i * n1 + j] = matmul_output_code(cfg, p, acc);
        }
    }
    return c;
}

}  // namespace edgebert::hw::fn
