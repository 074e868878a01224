#include "hw/edgebert/functional/sfu_ops.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <string>

#include "common/error.hpp"
#include "hw/edgebert/functional/sfu_math.hpp"
#include "hw/formats/adaptivfloat.hpp"
#include "hw/formats/fixed_point.hpp"

namespace edgebert::hw::fn {

namespace {

// Operand format of the SFU: every decoded AdaptivFloat value as Q6.16. The
// published AF<8,3> with exp_bias in [-10, -3] is exact in it (multiples of
// 2^-14, |x| <= 31); check_sfu_config rejects formats that are not.
constexpr int kXFrac = 16;
constexpr int kXIntBits = 6;
constexpr int kMaxRowLen = kSfuMaxRowLen;

// Intermediate formats (fraction bits); see docs/sfu-numerics.md.
constexpr int kMeanFrac = 32;   // layer-norm mean and x - mean
constexpr int kVarFrac = 40;    // variance; eps = 1 LSB = 2^-40 (~0.91e-12, BERT uses 1e-12)
constexpr int kNormFrac = 24;   // (x - mean) / sqrt(var + eps)
constexpr int kLnOutFrac = 40;  // layer-norm result: Q.24 x Q.16 products + beta, exact
constexpr int kWFrac = 40;      // masked exp sum and the renormalisation factor
constexpr int kSmOutFrac = 40;  // softmax result
constexpr int kQFrac = 48;      // entropy sum of z e^z (Q.16 x Q.32, exact)

using num::FixedFormat;
using num::Overflow;
using num::Rounding;

using DecodeTable = std::array<int64_t, 256>;

std::string range_text(int lo, int hi) {
    return "[" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
}

void check_sfu_config(const EdgebertTileConfig& cfg, const char* op) {
    cfg.act_format.validate();
    cfg.bias_range.validate();
    if (cfg.lanes < 1) {
        throw ConfigError(std::string(op) + ": cfg.lanes = " + std::to_string(cfg.lanes) +
                          " must be positive");
    }
    const auto& f = cfg.act_format;
    const std::string name = "AdaptivFloat<" + std::to_string(f.total_bits) + "," +
                             std::to_string(f.exp_bits) + ">";
    // Smallest AF step 2^(bias_min - m) must be a multiple of the Q.16 LSB ...
    if (cfg.bias_range.min - f.mant_bits() < -kXFrac) {
        throw ConfigError(std::string(op) + ": act_format " + name + " with bias_range.min = " +
                          std::to_string(cfg.bias_range.min) +
                          " has steps below the SFU's 2^-16 operand LSB; bias_range.min must be >= " +
                          std::to_string(f.mant_bits() - kXFrac));
    }
    // ... and the largest magnitude must fit the 6 integer bits.
    if (!(f.max_value(cfg.bias_range.max) < std::ldexp(1.0, kXIntBits))) {
        throw ConfigError(std::string(op) + ": act_format " + name + " with bias_range.max = " +
                          std::to_string(cfg.bias_range.max) + " reaches " +
                          std::to_string(f.max_value(cfg.bias_range.max)) +
                          ", beyond the SFU's Q6.16 operand range (|x| < 64)");
    }
}

void check_rows(const char* op, int rows, int row_len, const EdgebertTileConfig& cfg) {
    if (rows < 1) {
        throw ShapeError(std::string(op) + ": rows = " + std::to_string(rows) + " must be >= 1");
    }
    if (row_len < cfg.lanes || row_len > kMaxRowLen || row_len % cfg.lanes != 0) {
        throw ShapeError(std::string(op) + ": row_len = " + std::to_string(row_len) +
                         " must be a multiple of lanes (" + std::to_string(cfg.lanes) +
                         ") in " + range_text(cfg.lanes, kMaxRowLen));
    }
}

void check_ptr(const void* p, const char* op, const char* what) {
    if (p == nullptr) throw ShapeError(std::string(op) + ": " + what + " is null");
}

// The operand decoder: code -> exact Q.16 raw, one table per operand bias.
DecodeTable decode_table(const EdgebertTileConfig& cfg, int exp_bias, const char* op,
                         const char* what) {
    if (!cfg.bias_range.contains(exp_bias)) {
        throw ConfigError(std::string(op) + ": " + what + " = " + std::to_string(exp_bias) +
                          " is outside the bias range " +
                          range_text(cfg.bias_range.min, cfg.bias_range.max));
    }
    DecodeTable t{};
    const int codes = 1 << cfg.act_format.total_bits;
    for (int c = 0; c < codes; ++c) {
        const double v = num::af_decode(static_cast<uint8_t>(c), cfg.act_format, exp_bias);
        t[c] = static_cast<int64_t>(std::ldexp(v, kXFrac));  // exact by check_sfu_config
    }
    return t;
}

int64_t operand(const DecodeTable& t, const EdgebertTileConfig& cfg, uint8_t code, const char* op,
                const char* what, size_t index) {
    if ((code >> cfg.act_format.total_bits) != 0) {
        throw Error(std::string(op) + ": " + what + "[" + std::to_string(index) + "] = code " +
                    std::to_string(code) + " has bits above the " +
                    std::to_string(cfg.act_format.total_bits) + "-bit activation format");
    }
    return t[code];
}

// Fixed-point result -> AF code: the raw value times 2^-frac is an exact double
// (|raw| < 2^53), so af_encode performs the one and only rounding.
uint8_t encode(int64_t raw, int frac, const EdgebertTileConfig& cfg, int out_bias) {
    if (raw <= -(int64_t{1} << 53) || raw >= (int64_t{1} << 53)) {
        throw Error("SFU internal: result raw " + std::to_string(raw) + " exceeds 53 bits");
    }
    return num::af_encode(std::ldexp(static_cast<double>(raw), -frac), cfg.act_format, out_bias);
}

void check_out_bias(const EdgebertTileConfig& cfg, int out_bias, const char* op) {
    if (!cfg.bias_range.contains(out_bias)) {
        throw ConfigError(std::string(op) + ": out_bias = " + std::to_string(out_bias) +
                          " is outside the bias range " +
                          range_text(cfg.bias_range.min, cfg.bias_range.max));
    }
}

// floor(a / b), b > 0.
int64_t floor_div(int64_t a, int64_t b) {
    const int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

// a / b rounded half up, b > 0.
int64_t div_round(int64_t a, int64_t b) { return floor_div(2 * a + b, 2 * b); }

// Population variance of a row in Q.40, correctly rounded (half up), from the
// exact sums s1 = sum x (Q.16) and s2 = sum x^2 (Q.32). With s1 = q n + r
// (0 <= r < n): n^2 var = n (s2 - q (s1 + r)) - r^2, and with
// m2 = s2 - q (s1 + r) = a n + b: var = a + (b n - r^2) / n^2 (in Q.32 units).
// Every term stays in 64 bits; in hardware it is the row divider plus a small
// correction, once per row.
int64_t variance_q40(int64_t s1, int64_t s2, int64_t n) {
    const int64_t q = floor_div(s1, n);
    const int64_t r = s1 - q * n;
    const int64_t m2 = s2 - q * (s1 + r);  // = n var + r^2 / n >= 0
    const int64_t a = m2 / n;
    const int64_t b = m2 % n;
    constexpr int up = kVarFrac - 2 * kXFrac;
    return a * (int64_t{1} << up) + div_round((b * n - r * r) * (int64_t{1} << up), n * n);
}

// a * 2^frac / n rounded half away from zero (the row divider on |a|).
int64_t signed_div(int64_t a, int64_t n, int frac) {
    const uint64_t q = sfu_div(static_cast<uint64_t>(std::llabs(a)), static_cast<uint64_t>(n), frac);
    return a < 0 ? -static_cast<int64_t>(q) : static_cast<int64_t>(q);
}

}  // namespace

void check_sfu_operand_format(const EdgebertTileConfig& cfg) { check_sfu_config(cfg, "the SFU"); }

std::vector<uint8_t> sfu_layer_norm(const EdgebertTileConfig& cfg, const uint8_t* x, int x_bias,
                                    int rows, int row_len, const uint8_t* gamma, int gamma_bias,
                                    const uint8_t* beta, int beta_bias, int out_bias) {
    const char* op = "sfu_layer_norm";
    check_sfu_config(cfg, op);
    check_rows(op, rows, row_len, cfg);
    check_ptr(x, op, "x");
    check_ptr(gamma, op, "gamma");
    check_ptr(beta, op, "beta");
    check_out_bias(cfg, out_bias, op);
    const DecodeTable tx = decode_table(cfg, x_bias, op, "x_bias");
    const DecodeTable tg = decode_table(cfg, gamma_bias, op, "gamma_bias");
    const DecodeTable tb = decode_table(cfg, beta_bias, op, "beta_bias");

    std::vector<int64_t> g(row_len), b(row_len);  // aux-SRAM operands, shared by all rows
    for (int j = 0; j < row_len; ++j) {
        g[j] = operand(tg, cfg, gamma[j], op, "gamma", j);
        b[j] = operand(tb, cfg, beta[j], op, "beta", j);
    }
    const int64_t n = row_len;
    const FixedFormat fd{63, kMeanFrac}, fn{63, kNormFrac};
    std::vector<uint8_t> out(static_cast<size_t>(rows) * row_len);
    std::vector<int64_t> xr(row_len);
    for (int r = 0; r < rows; ++r) {
        const size_t base = static_cast<size_t>(r) * row_len;
        // Pass 1: exact sums (|x| < 2^22 raw, n <= 2^13: s1 < 2^35, s2 < 2^57).
        int64_t s1 = 0, s2 = 0;
        for (int j = 0; j < row_len; ++j) {
            xr[j] = operand(tx, cfg, x[base + j], op, "x", base + j);
            s1 += xr[j];
            s2 += xr[j] * xr[j];
        }
        const int64_t mean = signed_div(s1, n, kMeanFrac - kXFrac);            // Q.32
        const int64_t var = variance_q40(s1, s2, n);                           // Q.40
        const SfuNorm rs = sfu_rsqrt(static_cast<uint64_t>(var) + 1u, kVarFrac);  // + eps
        const FixedFormat fr{63, rs.frac};  // frac in [11, 37] for var in [0, 2^12]
        // Pass 2: normalise, scale, shift.
        for (int j = 0; j < row_len; ++j) {
            const int64_t d = xr[j] * (int64_t{1} << (kMeanFrac - kXFrac)) - mean;  // Q.32
            const int64_t yn = num::fx_mul(d, fd, static_cast<int64_t>(rs.mant), fr, fn,
                                           Rounding::NearestHalfAway, Overflow::Saturate);
            // |yn| <= sqrt(n - 1) < 91: Q.24 x Q.16 + beta stays below 2^53.
            const int64_t y = yn * g[j] + b[j] * (int64_t{1} << (kLnOutFrac - kXFrac));
            out[base + j] = encode(y, kLnOutFrac, cfg, out_bias);
        }
    }
    return out;
}

bool span_mask_all_zero(const EdgebertTileConfig& cfg, const uint8_t* span_mask, int row_len) {
    const char* op = "span_mask_all_zero";
    check_sfu_config(cfg, op);
    check_rows(op, 1, row_len, cfg);
    check_ptr(span_mask, op, "span_mask");
    const uint8_t sign = cfg.act_format.sign_bit();
    const uint8_t mag = cfg.act_format.magnitude_mask();
    for (int d = 0; d < row_len; ++d) {
        const uint8_t c = span_mask[d];
        if ((c >> cfg.act_format.total_bits) != 0) {
            throw Error(std::string(op) + ": span_mask[" + std::to_string(d) + "] = code " +
                        std::to_string(c) + " has bits above the activation format");
        }
        if ((c & mag) != 0 && (c & sign) == 0) return false;  // a positive weight
    }
    return true;
}

std::vector<uint8_t> sfu_softmax(const EdgebertTileConfig& cfg, const uint8_t* x, int x_bias,
                                 int rows, int row_len, const uint8_t* span_mask, int mask_bias,
                                 int out_bias, int row_offset) {
    const char* op = "sfu_softmax";
    check_sfu_config(cfg, op);
    check_rows(op, rows, row_len, cfg);
    check_ptr(x, op, "x");
    check_ptr(span_mask, op, "span_mask");
    check_out_bias(cfg, out_bias, op);
    if (row_offset < 0) {
        throw ShapeError(std::string(op) + ": row_offset = " + std::to_string(row_offset) +
                         " must be >= 0");
    }
    const DecodeTable tx = decode_table(cfg, x_bias, op, "x_bias");
    const DecodeTable tm = decode_table(cfg, mask_bias, op, "mask_bias");

    // M(d), one weight per distance. A negative weight is clamped to 0 (the span
    // mask is clamp(., 0, 1) by definition); distances beyond the table take the
    // last entry (the mask is monotone in d, so it stands for every larger d).
    std::vector<int64_t> mask(row_len);
    for (int d = 0; d < row_len; ++d) {
        mask[d] = std::max<int64_t>(0, operand(tm, cfg, span_mask[d], op, "span_mask", d));
    }
    std::vector<uint8_t> out(static_cast<size_t>(rows) * row_len, 0);
    if (span_mask_all_zero(cfg, span_mask, row_len)) return out;  // unit skipped

    const FixedFormat fmp{63, kXFrac + kSfuExpOutFrac}, fw{63, kWFrac}, fo{63, kSmOutFrac};
    std::vector<int64_t> xr(row_len), mr(row_len);
    for (int r = 0; r < rows; ++r) {
        const size_t base = static_cast<size_t>(r) * row_len;
        const int64_t i = static_cast<int64_t>(r) + row_offset;
        // Pass 1: max over the span's support. The renormalisation cancels the
        // softmax denominator, so shift and log-sum may be taken over M > 0: the
        // same result in exact arithmetic, but the sums stay >= 1 even when the
        // mask removes the row maximum.
        bool any = false;
        int64_t mx = 0;
        for (int j = 0; j < row_len; ++j) {
            xr[j] = operand(tx, cfg, x[base + j], op, "x", base + j);
            const int64_t dist = std::min<int64_t>(std::llabs(i - j), row_len - 1);
            mr[j] = mask[dist];
            if (mr[j] > 0 && (!any || xr[j] > mx)) {
                mx = xr[j];
                any = true;
            }
        }
        if (!any) continue;  // masked sum is zero: zeros
        // Pass 2: S = sum e^z (Q.32, >= 1), W = sum M e^z (Q.40) over the support.
        uint64_t s = 0, w = 0;
        for (int j = 0; j < row_len; ++j) {
            if (mr[j] == 0) continue;
            const uint64_t e = sfu_exp_neg((xr[j] - mx) * (int64_t{1} << (kSfuExpInFrac - kXFrac)));
            s += e;
            const uint64_t me = static_cast<uint64_t>(mr[j]) * e;  // Q.48, < 2^54
            constexpr int down = kXFrac + kSfuExpOutFrac - kWFrac;  // Q.48 -> Q.40
            w += (me + (uint64_t{1} << (down - 1))) >> down;
        }
        if (w == 0) continue;  // cannot happen (W >= M at the max), kept as the spec's guard
        const int64_t ln_s = sfu_ln(s, kSfuExpOutFrac);  // Q.32, >= 0
        // Renormalisation F = 1 / sum_j M p_j = S / W (Q.40); exactly 1 for an all-ones mask.
        const int64_t f = static_cast<int64_t>(sfu_div(s, w, kWFrac + kWFrac - kSfuExpOutFrac));
        // Pass 3: y = M exp(z - ln S) F.
        for (int j = 0; j < row_len; ++j) {
            if (mr[j] == 0) continue;
            const int64_t z = (xr[j] - mx) * (int64_t{1} << (kSfuExpInFrac - kXFrac)) - ln_s;
            const int64_t p = static_cast<int64_t>(sfu_exp_neg(z));  // UQ1.32
            const int64_t y = num::fx_mul(mr[j] * p, fmp, f, fw, fo, Rounding::NearestHalfAway,
                                          Overflow::Saturate);
            out[base + j] = encode(y, kSmOutFrac, cfg, out_bias);
        }
    }
    return out;
}

std::vector<uint8_t> sfu_element_add(const EdgebertTileConfig& cfg, const uint8_t* a, int a_bias,
                                     const uint8_t* b, int b_bias, int n, int out_bias) {
    const char* op = "sfu_element_add";
    check_sfu_config(cfg, op);
    if (n < cfg.lanes || n % cfg.lanes != 0) {
        throw ShapeError(std::string(op) + ": n = " + std::to_string(n) +
                         " must be a positive multiple of lanes (" + std::to_string(cfg.lanes) + ")");
    }
    check_ptr(a, op, "a");
    check_ptr(b, op, "b");
    check_out_bias(cfg, out_bias, op);
    const DecodeTable ta = decode_table(cfg, a_bias, op, "a_bias");
    const DecodeTable tb = decode_table(cfg, b_bias, op, "b_bias");
    std::vector<uint8_t> out(n);
    for (int k = 0; k < n; ++k) {
        const int64_t sum = operand(ta, cfg, a[k], op, "a", k) + operand(tb, cfg, b[k], op, "b", k);
        out[k] = encode(sum, kXFrac, cfg, out_bias);
    }
    return out;
}

std::vector<uint8_t> sfu_lut(const EdgebertTileConfig& cfg, const uint8_t* x, int rows, int row_len,
                             const uint8_t* table) {
    const char* op = "sfu_lut";
    cfg.act_format.validate();
    check_rows(op, rows, row_len, cfg);
    check_ptr(x, op, "x");
    check_ptr(table, op, "table");
    const uint8_t magnitude = cfg.act_format.magnitude_mask();
    const int entries = lut_entries(cfg);
    const size_t n = static_cast<size_t>(rows) * static_cast<size_t>(row_len);
    std::vector<uint8_t> out(n);
    for (size_t k = 0; k < n; ++k) {
        if (x[k] >= entries)  // the decoder hands the unit codes of the format only
            throw Error(std::string(op) + ": code " + std::to_string(x[k]) + " at element " + std::to_string(k) +
                        " has bits above the " + std::to_string(cfg.act_format.total_bits) + "-bit format");
        const uint8_t y = table[x[k]];
        out[k] = (y & magnitude) ? y : 0;
    }
    return out;
}

EntropyResult sfu_entropy(const EdgebertTileConfig& cfg, const uint8_t* x, int x_bias, int rows,
                          int row_len, uint16_t threshold_q10) {
    const char* op = "sfu_entropy";
    check_sfu_config(cfg, op);
    check_rows(op, rows, row_len, cfg);
    check_ptr(x, op, "x");
    const DecodeTable tx = decode_table(cfg, x_bias, op, "x_bias");
    EntropyResult res;
    res.h_q10.resize(rows);
    res.exit = true;
    std::vector<int64_t> xr(row_len);
    for (int r = 0; r < rows; ++r) {
        const size_t base = static_cast<size_t>(r) * row_len;
        // Pass 1: max.
        int64_t mx = 0;
        for (int j = 0; j < row_len; ++j) {
            xr[j] = operand(tx, cfg, x[base + j], op, "x", base + j);
            if (j == 0 || xr[j] > mx) mx = xr[j];
        }
        // Pass 2: S = sum e^z (Q.32) and Q = sum z e^z (Q.48, exact; |z e^z| <= 1/e).
        uint64_t s = 0;
        int64_t q = 0;
        for (int j = 0; j < row_len; ++j) {
            const int64_t z = xr[j] - mx;  // Q.16, <= 0
            const uint64_t e = sfu_exp_neg(z * (int64_t{1} << (kSfuExpInFrac - kXFrac)));
            s += e;
            q += z * static_cast<int64_t>(e);
        }
        // H = ln S - Q / S (Q.32): one ln and one divide per row.
        const int64_t ln_s = sfu_ln(s, kSfuExpOutFrac);
        const int64_t q_over_s = static_cast<int64_t>(
            sfu_div(static_cast<uint64_t>(-q), s, kSfuLnOutFrac - (kQFrac - kSfuExpOutFrac)));
        const int64_t h = ln_s + q_over_s;  // Q.32
        // Unsigned Q6.10, rounded half up; negative (rounding noise) clamps to 0.
        const int64_t h10 = (h + (int64_t{1} << 21)) >> 22;
        res.h_q10[r] = static_cast<uint16_t>(std::clamp<int64_t>(h10, 0, 65535));
        if (res.h_q10[r] > threshold_q10) res.exit = false;
    }
    return res;
}

int dvfs_level(const EdgebertTileConfig& cfg, uint16_t h_q10, int scale) {
    if (scale == 0) {
        throw Error("dvfs_level: entropy scale is 0 (the control unit handles scale 0 itself; "
                    "allowed range [1, 255])");
    }
    if (scale < 1 || scale > 255) {
        throw Error("dvfs_level: entropy scale = " + std::to_string(scale) +
                    " is outside the 8-bit field range [1, 255]");
    }
    const uint32_t key = (static_cast<uint32_t>(h_q10) << 8) / static_cast<uint32_t>(scale);
    int level = 0;
    for (uint32_t t : cfg.dvfs_thresholds) level += (t <= key) ? 1 : 0;
    return level;
}

}  // namespace edgebert::hw::fn
