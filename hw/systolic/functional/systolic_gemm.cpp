#include "hw/systolic/functional/systolic_gemm.hpp"

#include <fmt/format.h>

#include "common/error.hpp"

namespace edgebert::hw::fn {

void validate_systolic_call(int m, int n, int k, int size) {
    auto check = [&](const char* name, int v) {
        if (v < 1 || v > size)
            throw ShapeError(fmt::format("systolic call: {} = {} is out of range [1, {}]", name, v, size));
    };
    check("M", m);
    check("N", n);
    check("K", k);
}

uint64_t systolic_gemm(int m, int n, int k, const int8_t* a, size_t lda, const int8_t* b, size_t ldb,
                       int32_t* c, size_t ldc, bool accumulate) {
    uint64_t saturated = 0;
    for (int i = 0; i < m; ++i) {
        for (int j = 0; j < n; ++j) {
            int32_t acc = accumulate ? c[i * ldc + j] : 0;
            for (int kk = 0; kk < k; ++kk) {
                const int8_t x = a[i * lda + kk], y = b[kk * ldb + j];
                const int32_t next = systolic_mac(acc, x, y);
                if (static_cast<int64_t>(next) != static_cast<int64_t>(acc) + int32_t{x} * int32_t{y}) ++saturated;
                acc = next;
            }
            c[i * ldc + j] = acc;
        }
    }
    return saturated;
}

std::vector<int32_t> systolic_gemm(int m, int n, int k, const std::vector<int8_t>& a, const std::vector<int8_t>& b,
                                   const std::vector<int32_t>* c_in) {
    const size_t mn = static_cast<size_t>(m) * static_cast<size_t>(n);
    if (a.size() != static_cast<size_t>(m) * static_cast<size_t>(k) || b.size() != static_cast<size_t>(k) * static_cast<size_t>(n) ||
        (c_in && c_in->size() != mn))
        throw ShapeError(fmt::format("systolic_gemm: operand sizes A {} B {} C {} do not match M={} N={} K={}", a.size(),
                                     b.size(), c_in ? c_in->size() : mn, m, n, k));
    std::vector<int32_t> c = c_in ? *c_in : std::vector<int32_t>(mn, 0);
    systolic_gemm(m, n, k, a.data(), static_cast<size_t>(k), b.data(), static_cast<size_t>(n), c.data(),
                  static_cast<size_t>(n), c_in != nullptr);
    return c;
}

SystolicCycles systolic_call_cycles(int m, int n, int k, bool accumulate, int size) {
    validate_systolic_call(m, n, k, size);
    SystolicCycles c;
    c.load = accumulate ? static_cast<uint64_t>(m) : 0;
    c.feed = static_cast<uint64_t>(k);
    c.skew = static_cast<uint64_t>(m) + static_cast<uint64_t>(n) - 1;
    c.store = static_cast<uint64_t>(m);
    return c;
}

}  // namespace edgebert::hw::fn
