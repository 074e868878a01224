// Block floating point: each block of consecutive elements shares one exponent
// and keeps a signed integer mantissa per element. A baseline format for
// comparison with AdaptivFloat.
//
//   shared exponent se = floor(log2(max|x| of the block)) + 1  (so max|x| < 2^se)
//   mantissa           = round(x / 2^(se - (mant_bits - 1)))   (half away from zero)
//   value              = mantissa * 2^(se - (mant_bits - 1))
// The mantissa saturates to [-2^(mant_bits-1), 2^(mant_bits-1) - 1]: a value
// within half a step of 2^se rounds to 2^(mant_bits-1) and is clipped, so its
// error can reach one step instead of half. se is clamped to the signed
// exp_bits range; an all-zero block uses the minimum exponent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace edgebert::num {

struct BfpFormat {
    int block_size = 16;  // elements per shared exponent, 1..65536
    int mant_bits = 8;    // signed, sign included, 2..32
    int exp_bits = 8;     // signed shared exponent, 2..16

    int min_exp() const { return -(1 << (exp_bits - 1)); }
    int max_exp() const { return (1 << (exp_bits - 1)) - 1; }
    // Throws ConfigError naming the field and its allowed range.
    void validate() const;
};

struct BfpTensor {
    BfpFormat fmt;
    std::vector<int32_t> mant;    // one per element
    std::vector<int> shared_exp;  // one per block: ceil(mant.size() / block_size)

    // Weight of one mantissa step in block b: 2^(shared_exp[b] - (mant_bits - 1)).
    double step(size_t block) const;
    // mant * step in double (exact), rounded once to float (exact for
    // mant_bits <= 24 unless the value leaves float range).
    std::vector<float> dequantize() const;
};

// Quantizes n elements; the last block is shorter when n % block_size != 0.
// NaN / infinite input throws, naming the index.
BfpTensor bfp_quantize(const float* data, size_t n, const BfpFormat& fmt);

}  // namespace edgebert::num
