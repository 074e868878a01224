#include "hw/formats/int8.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "common/error.hpp"

namespace edgebert::num {

namespace {

void check_finite(const float* data, size_t n, const char* what) {
    if (data == nullptr && n != 0) {
        throw ShapeError(std::string(what) + ": data is null for " + std::to_string(n) +
                         " elements");
    }
    for (size_t i = 0; i < n; ++i) {
        if (!std::isfinite(data[i])) {
            throw Error(std::string(what) + ": element " + std::to_string(i) + " is " +
                        std::to_string(data[i]) + "; only finite values can be quantized");
        }
    }
}

float symmetric_scale(const float* data, size_t n) {
    float max_abs = 0.0f;
    for (size_t i = 0; i < n; ++i) max_abs = std::max(max_abs, std::fabs(data[i]));
    if (max_abs == 0.0f) return 1.0f;
    const float scale = max_abs / static_cast<float>(kInt8MaxCode);
    return scale > 0.0f ? scale : std::numeric_limits<float>::denorm_min();
}

// x / scale to the nearest integer, ties away from zero. For float x and scale a
// non-tie quotient is at least 2^-25 away from k + 0.5, far above the double
// division's error, so the rounding decision is exact.
int8_t quantize_one(float x, float scale) {
    const double q = std::round(static_cast<double>(x) / static_cast<double>(scale));
    const double limit = kInt8MaxCode;
    return static_cast<int8_t>(std::clamp(q, -limit, limit));
}

}  // namespace

std::vector<float> Int8Tensor::dequantize() const {
    std::vector<float> out(q.size());
    for (size_t i = 0; i < q.size(); ++i) {
        out[i] = static_cast<float>(q[i] * static_cast<double>(scale));
    }
    return out;
}

Int8Tensor int8_quantize_symmetric(const float* data, size_t n) {
    check_finite(data, n, "int8_quantize_symmetric");
    Int8Tensor t;
    t.scale = symmetric_scale(data, n);
    t.q.resize(n);
    for (size_t i = 0; i < n; ++i) t.q[i] = quantize_one(data[i], t.scale);
    return t;
}

std::vector<float> Int8RowTensor::dequantize() const {
    if (q.size() != rows * cols || scales.size() != rows) {
        throw ShapeError("Int8RowTensor: holds " + std::to_string(q.size()) + " codes and " +
                         std::to_string(scales.size()) + " scales for a " + std::to_string(rows) +
                         " x " + std::to_string(cols) + " matrix");
    }
    std::vector<float> out(q.size());
    for (size_t i = 0; i < q.size(); ++i) {
        out[i] = static_cast<float>(q[i] * static_cast<double>(scales[i / cols]));
    }
    return out;
}

Int8RowTensor int8_quantize_per_row(const float* data, size_t rows, size_t cols) {
    check_finite(data, rows * cols, "int8_quantize_per_row");
    Int8RowTensor t;
    t.rows = rows;
    t.cols = cols;
    t.q.resize(rows * cols);
    t.scales.resize(rows);
    for (size_t r = 0; r < rows; ++r) {
        const float* row = data + r * cols;
        t.scales[r] = symmetric_scale(row, cols);
        for (size_t c = 0; c < cols; ++c) t.q[r * cols + c] = quantize_one(row[c], t.scales[r]);
    }
    return t;
}

}  // namespace edgebert::num
