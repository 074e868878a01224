// Symmetric max-scaled INT8: the baseline format EdgeBERT's AdaptivFloat is
// compared against. scale = max|x| / 127, q = round(x / scale) in [-127, 127]
// (-128 is never used, so the range is symmetric about zero).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace edgebert::num {

constexpr int kInt8MaxCode = 127;

struct Int8Tensor {
    std::vector<int8_t> q;
    float scale = 1.0f;

    // q[i] * scale, computed in double and rounded once to float.
    std::vector<float> dequantize() const;
};

// scale = float(max|x| / 127), or 1 when every element is zero (or n == 0);
// should max|x| be so tiny that the float scale underflows to zero, the scale is
// the smallest positive float instead. q = round-half-away(x / scale), clamped
// to [-127, 127]. The quotient is formed in double, which decides every tie
// exactly for float inputs. NaN / infinite input throws, naming the index.
Int8Tensor int8_quantize_symmetric(const float* data, size_t n);

// One scale per row of a row-major rows x cols matrix.
struct Int8RowTensor {
    size_t rows = 0;
    size_t cols = 0;
    std::vector<int8_t> q;      // rows * cols
    std::vector<float> scales;  // rows

    std::vector<float> dequantize() const;
};

Int8RowTensor int8_quantize_per_row(const float* data, size_t rows, size_t cols);

}  // namespace edgebert::num
