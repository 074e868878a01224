// Bit-accurate functional model of the processing unit's matmul:
//   C (N0 x N1) = A (N0 x M) . B^T (B stored N1 x M, both row-major AF codes)
//
// Numerics (docs/tile-numerics.md): every AF x AF product is an exact integer
// in units of the smallest product step 2^(bias_a + bias_b - 2*mant_bits);
// products are summed in k order in a signed accum_bits-wide accumulator that
// saturates at each addition (with the default 40 bits no sum of M <= 4080
// products can reach the limit, so the result is the exact dot product).
// The sum is then scaled by 2^-shift, weight_bias is added, ReLU applied, and
// the exact value rounded once to AF with the output bias (half away from
// zero, saturating to the largest magnitude).
#pragma once

#include <cstdint>
#include <vector>

#include "hw/edgebert/tile_config.hpp"

namespace edgebert::hw::fn {

struct MatmulParams {
    int n0 = 0, n1 = 0, m = 0;
    int a_bias = -10;       // exp_bias of A (operand 0)
    int b_bias = -10;       // exp_bias of B (operand 1)
    int out_bias = -10;     // exp_bias of C
    bool relu = false;
    bool add_bias = false;
    int weight_bias = 0;    // signed 8-bit, in units of 2^(out_bias - mant_bits)
    int shift = 0;          // 0..31
};

// Throws ShapeError naming the dimension and its allowed range / multiple.
void validate_matmul(const EdgebertTileConfig& cfg, const MatmulParams& p);

// The raw accumulator of one dot product (for tests and the PU's statistics).
int64_t matmul_accumulate(const EdgebertTileConfig& cfg, const uint8_t* a_row, const uint8_t* b_row,
                          int m, bool* saturated = nullptr);

// Accumulator -> output code (scale, bias, ReLU, convert).
uint8_t matmul_output_code(const EdgebertTileConfig& cfg, const MatmulParams& p, int64_t acc);

// The whole product; result N0 x N1 row-major codes.
std::vector<uint8_t> matmul(const EdgebertTileConfig& cfg, const uint8_t* a, const uint8_t* b,
                            const MatmulParams& p);

// Value of an AF code in units of 2^(exp_bias - mant_bits): +-(2^m + mant) << E.
// The multiplier's view of an operand; products of two are exact integers.
int32_t af_integer_value(const num::AdaptivFloatFormat& fmt, uint8_t code);

}  // namespace edgebert::hw::fn
