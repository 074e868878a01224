// Encoder: writes dense result vectors back into a decoder's SRAMs in bitmask
// form (the inverse of BitmaskDecoder::decode), one vector per
// encoder_cycles_per_vector cycles. The PU and the SFU both write through it.
#pragma once

#include <cstdint>

#include "hw/edgebert/sram.hpp"
#include "hw/edgebert/tile_config.hpp"

namespace edgebert::hw {

struct EncodeResult {
    int vectors = 0;
    int input_rows_used = 0;  // deepest bank written
    uint64_t nonzeros = 0;
};

// The caller has checked that num_vectors rows fit from both bases (the
// worst case: a dense result uses num_vectors input rows), or the SRAMs wrap
// (silicon mode: rows past the last one continue at row 0).
EncodeResult encode_vectors(const EdgebertTileConfig& cfg, Sram& input_sram, Sram& mask_sram,
                            int mask_base, int input_base, const uint8_t* codes, int num_vectors);

}  // namespace edgebert::hw
