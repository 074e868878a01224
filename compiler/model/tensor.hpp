// A dense FP32 tensor: the in-memory form of every weight and activation the
// model and compiler handle. Row-major, shape outermost first.
#pragma once

#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

namespace edgebert::model {

struct Tensor {
    std::vector<int64_t> shape;
    std::vector<float> data;

    Tensor() = default;
    explicit Tensor(std::vector<int64_t> s) : shape(std::move(s)), data(numel(shape), 0.0f) {}
    Tensor(std::vector<int64_t> s, std::vector<float> d) : shape(std::move(s)), data(std::move(d)) {}

    static size_t numel(const std::vector<int64_t>& s) {
        return static_cast<size_t>(
            std::accumulate(s.begin(), s.end(), int64_t{1}, std::multiplies<int64_t>()));
    }
    size_t size() const { return data.size(); }
    int64_t dim(size_t i) const { return shape.at(i); }
    int64_t rows() const { return shape.empty() ? 1 : shape.front(); }
    int64_t cols() const { return shape.size() < 2 ? (shape.empty() ? 1 : shape[0]) : shape.back(); }
};

// "[768, 128]" for error messages.
inline std::string shape_str(const std::vector<int64_t>& s) {
    std::string out = "[";
    for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
    return out + "]";
}

}  // namespace edgebert::model
