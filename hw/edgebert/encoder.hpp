// Encoder: writes dense result vectors back into a decoder's SRAMs in bitmask
// form (the inverse of BitmaskDecoder::decode), one vector per
// encoder_cycles_per_vector cycles. The PU and the SFU both write through it.
//
// `dense` (the dense_results extension, docs/register-map.md "Extension fields"):
// zeros are kept instead of dropped: every mask word has all lanes set and input
// row k is vector k's codes verbatim (0x00 and 0x80 included), num_vectors rows.
// A decoder loads those zero bytes as the value zero, so the stream decodes to
// the same values; it is one input row per vector, so it splices at any vector.
#pragma once

#include <cstdint>

#include "hw/edgebert/sram.hpp"
#include "hw/edgebert/tile_config.hpp"

namespace edgebert::hw {

struct EncodeResult {
    int vectors = 0;
    int input_rows_used = 0;  // deepest bank written (dense: num_vectors)
    uint64_t nonzeros = 0;    // codes stored (dense: every code, zeros included)
};

// The caller has checked that num_vectors rows fit from both bases (the
// worst case: a dense result uses num_vectors input rows), or the SRAMs wrap
// (silicon mode: rows past the last one continue at row 0).
EncodeResult encode_vectors(const EdgebertTileConfig& cfg, Sram& input_sram, Sram& mask_sram,
                            int mask_base, int input_base, const uint8_t* codes, int num_vectors,
                            bool dense = false);

}  // namespace edgebert::hw
