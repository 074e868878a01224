/* AdaptivFloat codec and bitmask DRAM image (eb_kernels.h).
 *
 * The encoder follows the format definition of hw/formats/adaptivfloat.hpp and
 * works on the integer significand of the float input, so every rounding
 * decision is exact: a float is sig24 * 2^(E2 - 23) with bit 23 of sig24 set
 * (subnormals are normalised first), and AF codes keep at most 6 fraction
 * bits, so at least 17 bits are dropped. */
#include "eb_kernels.h"

#include <string.h>

#include "eb_hal.h"

static void charge(eb_cost_t kind, uint64_t units) {
    if (units) eb_hal_charge(kind, units);
}

/* The fields of a format, derived once per kernel call. */
typedef struct {
    int m;          /* mantissa bits */
    int max_e;      /* top exponent code */
    uint8_t sign;   /* sign bit */
    uint8_t mag;    /* exponent + mantissa fields; also the largest magnitude code */
} af_fields;

static af_fields af_fields_of(eb_af_format f) {
    af_fields r;
    r.m = f.total_bits - 1 - f.exp_bits;
    r.max_e = (1 << f.exp_bits) - 1;
    r.sign = (uint8_t)(1u << (f.total_bits - 1));
    r.mag = (uint8_t)(r.sign - 1u);
    return r;
}

static uint32_t float_bits(float x) {
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static float bits_float(uint32_t u) {
    float x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* |x| = sig * 2^(e2 - 23), 2^23 <= sig < 2^24. Returns 0 for zero, 1 for a
 * finite non-zero value, 2 for infinity, 3 for NaN. */
static int float_split(uint32_t bits, uint32_t* sig, int* e2) {
    const uint32_t ef = (bits >> 23) & 0xFFu;
    uint32_t s = bits & 0x7FFFFFu;
    if (ef == 0xFFu) return s ? 3 : 2;
    if (ef == 0u) {
        int e = -126;
        if (s == 0u) return 0;
        while (!(s & 0x800000u)) {
            s <<= 1;
            --e;
        }
        *sig = s;
        *e2 = e;
        return 1;
    }
    *sig = s | 0x800000u;
    *e2 = (int)ef - 127;
    return 1;
}

static uint8_t af_encode_fields(float x, const af_fields* f, int exp_bias) {
    const uint32_t bits = float_bits(x);
    const uint8_t sign = (bits >> 31) ? f->sign : (uint8_t)0;
    const int m = f->m;
    uint32_t sig = 0, s, rem, mant;
    int e2 = 0, e, drop;
    switch (float_split(bits, &sig, &e2)) {
        case 0: return 0;                          /* +-0 */
        case 2: return (uint8_t)(sign | f->mag);   /* +-inf saturates */
        case 3: return 0;                          /* NaN: no code; see the header */
        default: break;
    }
    e = e2 - exp_bias; /* exponent code |x| needs: |x| in [2^(e+bias), 2^(e+bias+1)) */
    if (e > f->max_e) return (uint8_t)(sign | f->mag);
    if (e < 0) {
        /* Below 2^bias the candidates are 0 and min_positive = (2^m + 1) 2^(bias-m);
         * their midpoint is in [2^(bias-1), 2^bias): only e == -1 can round up. */
        if (e < -1) return 0;
        return sig >= (((1u << m) | 1u) << (23 - m)) ? (uint8_t)(sign | 1u) : (uint8_t)0;
    }
    /* Keep m fraction bits, rounding the magnitude half up. */
    drop = 23 - m;
    s = sig >> drop;
    rem = sig & ((1u << drop) - 1u);
    if (rem >= (1u << (drop - 1))) ++s;
    if (s >> (m + 1)) { /* rounded up into the next binade */
        s >>= 1;
        ++e;
        if (e > f->max_e) return (uint8_t)(sign | f->mag);
    }
    mant = s - (1u << m);
    /* 2^bias itself is the zero code; the nearest non-zero magnitude is min_positive. */
    if (e == 0 && mant == 0u) mant = 1u;
    return (uint8_t)(sign | ((uint32_t)e << m) | mant);
}

static float af_decode_fields(uint8_t code, const af_fields* f, int exp_bias) {
    const int m = f->m;
    const uint32_t mag = code & f->mag;
    const uint32_t mant = mag & ((1u << m) - 1u);
    const int x = (int)(mag >> m) + exp_bias; /* value = 1.mant * 2^x */
    const uint32_t sign = (code & f->sign) ? 0x80000000u : 0u;
    if (mag == 0u) return 0.0f;
    if (x >= -126 && x <= 127) return bits_float(sign | ((uint32_t)(x + 127) << 23) | (mant << (23 - m)));
    {
        /* Outside the float normal range: exact in double (x is within
         * [-1000, 963]), then one rounding to float (subnormal, zero or inf). */
        const uint64_t dbits = ((uint64_t)sign << 32) | ((uint64_t)(x + 1023) << 52) | ((uint64_t)mant << (52 - m));
        double d;
        memcpy(&d, &dbits, sizeof d);
        return (float)d;
    }
}

uint8_t eb_k_af_encode(float x, eb_af_format f, int exp_bias) {
    const af_fields ff = af_fields_of(f);
    return af_encode_fields(x, &ff, exp_bias);
}

float eb_k_af_decode(uint8_t code, eb_af_format f, int exp_bias) {
    const af_fields ff = af_fields_of(f);
    return af_decode_fields(code, &ff, exp_bias);
}

enum { AF_MIN_EXP_BIAS = -1000, AF_MAX_EXP_BIAS = 900 };

int eb_k_af_choose_bias(float max_abs, eb_af_format f, int bias_min, int bias_max) {
    const af_fields ff = af_fields_of(f);
    const uint32_t bits = float_bits(max_abs);
    uint32_t sig = 0;
    int top = 0, bias; /* e' with 2^e' <= max_abs < 2^(e'+1); 0 for an all-zero group */
    if (!(bits >> 31)) {
        switch (float_split(bits, &sig, &top)) {
            case 1: break;
            case 2: top = AF_MAX_EXP_BIAS + ff.max_e; break; /* +inf: clamps to the top */
            default: top = 0; break;                          /* zero, NaN */
        }
    }
    bias = top - ff.max_e;
    if (bias < AF_MIN_EXP_BIAS) bias = AF_MIN_EXP_BIAS;
    if (bias > AF_MAX_EXP_BIAS) bias = AF_MAX_EXP_BIAS;
    if (bias < bias_min) bias = bias_min;
    if (bias > bias_max) bias = bias_max;
    return bias;
}

void eb_k_af_quantize(const float* x, size_t n, eb_af_format f, int exp_bias, uint8_t* codes) {
    const af_fields ff = af_fields_of(f);
    size_t i;
    for (i = 0; i < n; ++i) codes[i] = af_encode_fields(x[i], &ff, exp_bias);
    charge(EB_COST_QUANTIZE_ELEM, n);
}

void eb_k_af_dequantize(const uint8_t* codes, size_t n, eb_af_format f, int exp_bias, float* x) {
    const af_fields ff = af_fields_of(f);
    float lut[256];
    size_t i;
    if (n >= 1024) {
        /* Large tensors: decode every code once. */
        int c;
        for (c = 0; c < 256; ++c) lut[c] = af_decode_fields((uint8_t)c, &ff, exp_bias);
        for (i = 0; i < n; ++i) x[i] = lut[codes[i]];
    } else {
        for (i = 0; i < n; ++i) x[i] = af_decode_fields(codes[i], &ff, exp_bias);
    }
    charge(EB_COST_QUANTIZE_ELEM, n);
}

/* ------------------------------------------------- Bitmask DRAM image --- */

enum { BM_MAX_LANES = 64 }; /* mask words of up to 8 bytes */

size_t eb_k_bitmask_mask_bytes(size_t vectors, int lanes) { return vectors * (size_t)(lanes / 8); }

static void charge_bitmask(size_t vectors, int lanes, size_t depth) {
    const uint64_t w = (uint64_t)lanes;
    charge(EB_COST_COPY_BYTE, (uint64_t)vectors * w + (uint64_t)vectors * (w / 8u) + (uint64_t)depth * w);
}

size_t eb_k_bitmask_encode(const uint8_t* codes, size_t vectors, int lanes, uint8_t magnitude_mask,
                           uint8_t* mask_out, uint8_t* rows_out) {
    const size_t w = (size_t)lanes;
    const size_t mask_width = w / 8;
    size_t count[BM_MAX_LANES];
    size_t v, i, k, depth = 0;
    if (lanes <= 0 || lanes > BM_MAX_LANES) return 0;
    for (i = 0; i < w; ++i) count[i] = 0;
    for (v = 0; v < vectors; ++v) {
        const uint8_t* vec = codes + v * w;
        uint64_t word = 0;
        for (i = 0; i < w; ++i) {
            if ((vec[i] & magnitude_mask) == 0) continue;
            word |= (uint64_t)1u << i;
            rows_out[count[i] * w + i] = vec[i];
            ++count[i];
        }
        for (k = 0; k < mask_width; ++k) mask_out[v * mask_width + k] = (uint8_t)(word >> (8 * k));
    }
    for (i = 0; i < w; ++i) {
        if (count[i] > depth) depth = count[i];
    }
    /* Pad the shorter lanes with 0x00 up to the depth. */
    for (i = 0; i < w; ++i) {
        for (k = count[i]; k < depth; ++k) rows_out[k * w + i] = 0;
    }
    charge_bitmask(vectors, lanes, depth);
    return depth;
}

int eb_k_bitmask_decode(const uint8_t* mask, const uint8_t* rows, size_t rows_len, size_t vectors, int lanes,
                        uint8_t* codes_out) {
    const size_t w = (size_t)lanes;
    const size_t mask_width = w / 8;
    size_t count[BM_MAX_LANES];
    size_t v, i, k, depth = 0;
    if (lanes <= 0 || lanes > BM_MAX_LANES) return -1;
    for (i = 0; i < w; ++i) count[i] = 0;
    for (v = 0; v < vectors; ++v) {
        uint8_t* out = codes_out + v * w;
        uint64_t word = 0;
        for (k = 0; k < mask_width; ++k) word |= (uint64_t)mask[v * mask_width + k] << (8 * k);
        for (i = 0; i < w; ++i) {
            uint8_t code = 0;
            if ((word >> i) & 1u) {
                if (count[i] >= rows_len) return -1;
                code = rows[count[i] * w + i];
                if (code == 0) return -2;
                ++count[i];
            }
            out[i] = code;
        }
    }
    for (i = 0; i < w; ++i) {
        if (count[i] > depth) depth = count[i];
    }
    charge_bitmask(vectors, lanes, depth);
    return 0;
}

size_t eb_k_bitmask_splice(const uint8_t* const* smask, const uint8_t* (*scur)[EB_K_MAX_LANES], size_t chunks, size_t rows,
                           size_t row_vectors, int lanes, const uint8_t* table, uint8_t magnitude_mask, uint8_t* dmask,
                           uint8_t** dcur) {
    /* Vector by vector, in the destination's order, so each source mask word
     * is read once: per vector its mask word, per set bit a load, a store and
     * two cursor steps. */
    const size_t w = (size_t)lanes, mw = w / 8, seg = row_vectors * mw;
    size_t r, c, v, k, moved = 0;
    uint8_t* dm = dmask;
    for (r = 0; r < rows; ++r)
        for (c = 0; c < chunks; ++c) {
            const uint8_t* m = smask[c] + r * seg;
            const uint8_t** sc = scur[c];
            for (v = 0; v < row_vectors; ++v, m += mw, dm += mw) {
                uint64_t in = 0, out = 0;
                for (k = 0; k < mw; ++k) in |= (uint64_t)m[k] << (8 * k);
                for (size_t i = 0; in; ++i, in >>= 1) {
                    if (!(in & 1u)) continue;
                    uint8_t code = *sc[i];
                    sc[i] += w;
                    if (table) {
                        code = table[code];
                        if (!(code & magnitude_mask)) continue; /* mapped to zero: no longer stored */
                    }
                    *dcur[i] = code;
                    dcur[i] += w;
                    out |= (uint64_t)1u << i;
                    ++moved;
                }
                for (k = 0; k < mw; ++k) dm[k] = (uint8_t)(out >> (8 * k));
            }
        }
    charge(EB_COST_SPLICE_LANE, (uint64_t)rows * chunks * row_vectors * w + moved * (table ? 2u : 1u));
    return moved;
}

void eb_k_code_map(const uint8_t* table, const uint8_t* src, uint8_t* dst, size_t n) {
    size_t i;
    for (i = 0; i < n; ++i) dst[i] = table[src[i]];
    charge(EB_COST_CODE_MAP_BYTE, n);
}
