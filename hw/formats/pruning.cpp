#include "hw/formats/pruning.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace edgebert::num {

namespace {

void check_data(const float* data, size_t n, const char* what) {
    if (data == nullptr && n != 0) {
        throw ShapeError(std::string(what) + ": data is null for " + std::to_string(n) +
                         " elements");
    }
    for (size_t i = 0; i < n; ++i) {
        if (std::isnan(data[i])) {
            throw Error(std::string(what) + ": element " + std::to_string(i) +
                        " is NaN; magnitudes cannot be ranked");
        }
    }
}

size_t count_zeros(const float* data, size_t n) {
    return static_cast<size_t>(std::count(data, data + n, 0.0f));  // -0.0f == 0.0f
}

}  // namespace

size_t prune_magnitude(float* data, size_t n, double sparsity) {
    if (!(sparsity >= 0.0 && sparsity <= 1.0)) {
        throw ConfigError("prune_magnitude: sparsity = " + std::to_string(sparsity) +
                          " is outside the allowed range [0, 1]");
    }
    check_data(data, n, "prune_magnitude");
    const size_t target = static_cast<size_t>(std::round(sparsity * static_cast<double>(n)));
    if (target == 0) return count_zeros(data, n);

    // Total order (|x|, index): smaller magnitude first, lower index first on ties.
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), size_t{0});
    auto before = [data](size_t a, size_t b) {
        const float ma = std::fabs(data[a]), mb = std::fabs(data[b]);
        return ma < mb || (ma == mb && a < b);
    };
    std::nth_element(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(target - 1),
                     order.end(), before);
    for (size_t k = 0; k < target; ++k) data[order[k]] = 0.0f;
    return count_zeros(data, n);
}

size_t prune_threshold(float* data, size_t n, float threshold) {
    if (!(threshold >= 0.0f)) {
        throw ConfigError("prune_threshold: threshold = " + std::to_string(threshold) +
                          " must be >= 0");
    }
    check_data(data, n, "prune_threshold");
    for (size_t i = 0; i < n; ++i) {
        if (std::fabs(data[i]) < threshold) data[i] = 0.0f;
    }
    return count_zeros(data, n);
}

void prune_n_m(float* data, size_t rows, size_t cols, int n, int m) {
    if (m < 1 || n < 0 || n > m) {
        throw ShapeError("prune_n_m: n = " + std::to_string(n) + ", m = " + std::to_string(m) +
                         " must satisfy m >= 1 and 0 <= n <= m");
    }
    const size_t group = static_cast<size_t>(m);
    if (cols % group != 0) {
        throw ShapeError("prune_n_m: cols = " + std::to_string(cols) +
                         " is not a multiple of m = " + std::to_string(m));
    }
    check_data(data, rows * cols, "prune_n_m");

    const size_t keep = static_cast<size_t>(n);
    std::vector<size_t> order(group);
    for (size_t start = 0; start < rows * cols; start += group) {
        float* g = data + start;
        std::iota(order.begin(), order.end(), size_t{0});
        // Largest magnitude first, lower index first on ties; zero everything
        // after the first n.
        std::sort(order.begin(), order.end(), [g](size_t a, size_t b) {
            const float ma = std::fabs(g[a]), mb = std::fabs(g[b]);
            return ma > mb || (ma == mb && a < b);
        });
        for (size_t k = keep; k < group; ++k) g[order[k]] = 0.0f;
    }
}

double measured_sparsity(const float* data, size_t n) {
    if (n == 0) return 0.0;
    if (data == nullptr) {
        throw ShapeError("measured_sparsity: data is null for " + std::to_string(n) + " elements");
    }
    return static_cast<double>(count_zeros(data, n)) / static_cast<double>(n);
}

}  // namespace edgebert::num
