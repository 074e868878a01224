#include "hw/formats/block_float.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "common/error.hpp"

namespace edgebert::num {

void BfpFormat::validate() const {
    if (block_size < 1 || block_size > 65536) {
        throw ConfigError("BfpFormat block_size = " + std::to_string(block_size) +
                          " is outside the allowed range [1, 65536]");
    }
    if (mant_bits < 2 || mant_bits > 32) {
        throw ConfigError("BfpFormat mant_bits = " + std::to_string(mant_bits) +
                          " is outside the allowed range [2, 32]");
    }
    if (exp_bits < 2 || exp_bits > 16) {
        throw ConfigError("BfpFormat exp_bits = " + std::to_string(exp_bits) +
                          " is outside the allowed range [2, 16]");
    }
}

double BfpTensor::step(size_t block) const {
    if (block >= shared_exp.size()) {
        throw ShapeError("BfpTensor: block " + std::to_string(block) + " is outside the " +
                         std::to_string(shared_exp.size()) + " blocks");
    }
    return std::ldexp(1.0, shared_exp[block] - (fmt.mant_bits - 1));
}

std::vector<float> BfpTensor::dequantize() const {
    fmt.validate();
    const size_t bs = static_cast<size_t>(fmt.block_size);
    if (shared_exp.size() != (mant.size() + bs - 1) / bs) {
        throw ShapeError("BfpTensor: " + std::to_string(shared_exp.size()) +
                         " shared exponents for " + std::to_string(mant.size()) +
                         " elements in blocks of " + std::to_string(bs));
    }
    std::vector<float> out(mant.size());
    for (size_t i = 0; i < mant.size(); ++i) {
        out[i] = static_cast<float>(static_cast<double>(mant[i]) * step(i / bs));
    }
    return out;
}

BfpTensor bfp_quantize(const float* data, size_t n, const BfpFormat& fmt) {
    fmt.validate();
    if (data == nullptr && n != 0) {
        throw ShapeError("bfp_quantize: data is null for " + std::to_string(n) + " elements");
    }
    const size_t bs = static_cast<size_t>(fmt.block_size);
    // Mantissa range in double; 2^31 is exact, and int32 holds [-2^31, 2^31 - 1].
    const double mant_max = std::ldexp(1.0, fmt.mant_bits - 1) - 1.0;
    const double mant_min = -std::ldexp(1.0, fmt.mant_bits - 1);

    BfpTensor t;
    t.fmt = fmt;
    t.mant.resize(n);
    t.shared_exp.resize((n + bs - 1) / bs);
    for (size_t b = 0; b < t.shared_exp.size(); ++b) {
        const size_t begin = b * bs, end = std::min(n, begin + bs);
        float max_abs = 0.0f;
        for (size_t i = begin; i < end; ++i) {
            if (!std::isfinite(data[i])) {
                throw Error("bfp_quantize: element " + std::to_string(i) + " is " +
                            std::to_string(data[i]) + "; only finite values can be quantized");
            }
            max_abs = std::max(max_abs, std::fabs(data[i]));
        }
        int se = fmt.min_exp();
        if (max_abs > 0.0f) {
            int k = 0;
            std::frexp(max_abs, &k);  // max_abs in [2^(k-1), 2^k): floor(log2) + 1 = k
            se = std::clamp(k, fmt.min_exp(), fmt.max_exp());
        }
        t.shared_exp[b] = se;
        // Dividing a float by a power of two in double is exact, so is std::round.
        const int shift = se - (fmt.mant_bits - 1);
        for (size_t i = begin; i < end; ++i) {
            const double q = std::round(std::ldexp(static_cast<double>(data[i]), -shift));
            t.mant[i] = static_cast<int32_t>(std::clamp(q, mant_min, mant_max));
        }
    }
    return t;
}

}  // namespace edgebert::num
