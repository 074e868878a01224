// Bit-accurate functional model of the special-function unit (SFU):
// layer norm, softmax with the attention-span mask, element add, entropy and
// DVFS level selection, and the lookup-table extension. The SystemC SFU calls these on the rows its decoders
// stream, so the two agree bit for bit; tests check both against FP32.
//
// Operands are AdaptivFloat codes (cfg.act_format) with one exp_bias per
// operand (the tile's 3-bit bias fields). A "row" (timestep) is row_len =
// num_vector * lanes elements. Arithmetic inside is fixed point (see
// sfu_math.hpp and docs/sfu-numerics.md); outputs are re-quantized to AF with
// the programmed output bias (round half away from zero, saturating).
#pragma once

#include <cstdint>
#include <vector>

#include "hw/edgebert/tile_config.hpp"

namespace edgebert::hw::fn {

// Longest row (num_vector x lanes elements) the SFU's row accumulators are sized
// for; it bounds EdgebertTileConfig::max_num_vector (255 vectors x 32 lanes fits).
constexpr int kSfuMaxRowLen = 8192;

// Throws ConfigError unless every code of act_format at every bias of bias_range is
// exact in the SFU's Q6.16 operands (steps >= 2^-16, magnitudes < 64).
void check_sfu_operand_format(const EdgebertTileConfig& cfg);

// y = (x - mean) / sqrt(var + eps) * gamma + beta per row; gamma/beta have row_len entries.
std::vector<uint8_t> sfu_layer_norm(const EdgebertTileConfig& cfg, const uint8_t* x, int x_bias,
                                    int rows, int row_len, const uint8_t* gamma, int gamma_bias,
                                    const uint8_t* beta, int beta_bias, int out_bias);

// Row i (0-based timestep, plus row_offset) of attention scores x:
//   p_ij = softmax_j(x_ij) computed stably as exp(x - max - ln sum exp(x - max)),
//   y_ij = M(|i-j|) * p_ij / sum_j M(|i-j|) * p_ij        (row renormalisation)
// where M(d) = span_mask[d] (row_len codes, one per distance). An all-zero mask
// skips the unit and outputs zeros; a row whose masked sum is zero outputs zeros.
std::vector<uint8_t> sfu_softmax(const EdgebertTileConfig& cfg, const uint8_t* x, int x_bias,
                                 int rows, int row_len, const uint8_t* span_mask, int mask_bias,
                                 int out_bias, int row_offset = 0);
bool span_mask_all_zero(const EdgebertTileConfig& cfg, const uint8_t* span_mask, int row_len);

// y = a + b element-wise (exact sum, one rounding to the output format).
std::vector<uint8_t> sfu_element_add(const EdgebertTileConfig& cfg, const uint8_t* a, int a_bias,
                                     const uint8_t* b, int b_bias, int n, int out_bias);

// Entropy (natural log) of softmax(x) for each row, in unsigned Q6.10, saturated to 16 bits:
//   H = ln S - (sum z e^z) / S,  z = x - max,  S = sum e^z.
struct EntropyResult {
    std::vector<uint16_t> h_q10;  // per row
    bool exit = false;            // every row's H <= threshold (status 3), else continue (2)
};
EntropyResult sfu_entropy(const EdgebertTileConfig& cfg, const uint8_t* x, int x_bias, int rows,
                          int row_len, uint16_t threshold_q10);

// Lookup table (co-design extension, command 13, EdgebertTileConfig::sfu_lut):
// y_k = table[x_k] for the rows x row_len codes of x. The table has one entry
// per code of the activation format (2^act_total_bits bytes), byte c the output
// code of input code c; it spans lut_table_rows(cfg) aux rows (the last one
// partly used when a row holds more lanes than there are codes). No bias is
// involved: codes map to codes. A table entry whose magnitude bits are zero is a
// zero of the result, returned as 0x00 (the bitmask format stores no negative zero).
inline int lut_entries(const EdgebertTileConfig& cfg) { return 1 << cfg.act_format.total_bits; }
inline int lut_table_rows(const EdgebertTileConfig& cfg) { return (lut_entries(cfg) + cfg.lanes - 1) / cfg.lanes; }
// Bytes of the aux rows the table spans (>= lut_entries).
inline int lut_table_bytes(const EdgebertTileConfig& cfg) { return lut_table_rows(cfg) * cfg.lanes; }
std::vector<uint8_t> sfu_lut(const EdgebertTileConfig& cfg, const uint8_t* x, int rows, int row_len,
                             const uint8_t* table);

// DVFS: key = (H_q10 << 8) / scale (scale in 1..255) is compared with the 15
// ascending thresholds of cfg.dvfs_thresholds; level = number of thresholds <= key.
int dvfs_level(const EdgebertTileConfig& cfg, uint16_t h_q10, int scale);

}  // namespace edgebert::hw::fn
