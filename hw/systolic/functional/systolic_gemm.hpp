// Bit-accurate functional model of one call of the systolic-array baseline
// (hw/systolic/rtl/systolic_array.sv) and its cycle-exact closed form.
//
//   C_out[i][j] = sat32(... sat32(sat32(C0[i][j] + A[i][0] * B[0][j]) + A[i][1] * B[1][j]) ...)
//
// A is M x K INT8, B is K x N INT8, C is M x N INT32 (all row-major with row
// strides lda / ldb / ldc in elements); C0 is C_in (accumulate) or 0. Each
// INT8 x INT8 product is exact (16 bits); the running sum saturates to
// [INT32_MIN, INT32_MAX] after EVERY addition, in increasing k, exactly as the
// PE's accumulator does. (Per-step saturation is not associative: with C_in
// near the limit, a large positive product followed by a negative one leaves
// the sum below the limit, where one final saturation would not.) Without a
// preloaded C_in no call can saturate: |sum| <= K * 2^14 <= 2^20 for K <= 64.
//
// No scales: operands and results are raw integers; the CPU dequantises.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace edgebert::hw::fn {

// One MAC step of a PE: sat32(acc + a * b).
inline int32_t systolic_mac(int32_t acc, int8_t a, int8_t b) {
    const int64_t s = static_cast<int64_t>(acc) + static_cast<int32_t>(a) * static_cast<int32_t>(b);
    if (s > INT32_MAX) return INT32_MAX;
    if (s < INT32_MIN) return INT32_MIN;
    return static_cast<int32_t>(s);
}

// Throws ShapeError naming the dimension and its range: 1 <= m, n <= size,
// 1 <= k <= size (one call is at most a size x size by size x size product).
void validate_systolic_call(int m, int n, int k, int size);

// In place: reads C_in from c when accumulate, writes C_out to c. Returns the
// number of MAC steps that saturated (0 unless C_in is near a limit).
uint64_t systolic_gemm(int m, int n, int k, const int8_t* a, size_t lda, const int8_t* b, size_t ldb,
                       int32_t* c, size_t ldc, bool accumulate);

// Packed convenience form: a is m x k, b is k x n, c_in (m x n) or nullptr.
std::vector<int32_t> systolic_gemm(int m, int n, int k, const std::vector<int8_t>& a, const std::vector<int8_t>& b,
                                   const std::vector<int32_t>* c_in = nullptr);

// Cycles of one call of the array, from the clock edge that samples `start`
// to the edge that raises `done`, both included (hw/systolic/README.md):
struct SystolicCycles {
    uint64_t start = 1;   // command accepted; accumulators cleared unless accumulating
    uint64_t load = 0;    // accumulate: C_in rows M-1 .. 0 shifted in (M)
    uint64_t feed = 0;    // operand slices 0 .. K-1 read (K)
    uint64_t skew = 0;    // last slice travels to PE(M-1, N-1): M + N - 1
    uint64_t store = 0;   // result rows 0 .. M-1 shifted out (M)
    uint64_t total() const { return start + load + feed + skew + store; }
};
// = K + N + 2M (+ M when accumulating). `size` only bounds the dimensions
// (validate_systolic_call): the controller stops at the programmed shape, so
// the cost does not depend on the array size.
SystolicCycles systolic_call_cycles(int m, int n, int k, bool accumulate, int size);

}  // namespace edgebert::hw::fn
