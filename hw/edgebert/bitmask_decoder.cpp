#include "hw/edgebert/bitmask_decoder.hpp"

#include <algorithm>

namespace edgebert::hw {

BitmaskDecoder::BitmaskDecoder(sc_core::sc_module_name name, const EdgebertTileConfig& cfg)
    : sc_module(name),
      input_sram(std::string(this->name()) + ".input_sram", cfg.input_sram_depth, cfg.lanes,
                 cfg.checks == CheckMode::Silicon),
      mask_sram(std::string(this->name()) + ".mask_sram", cfg.mask_sram_depth, cfg.mask_word_bytes(),
                cfg.checks == CheckMode::Silicon),
      vectors_decoded("vectors_decoded", 0),
      input_rows_used("input_rows_used", 0),
      mask_rows_used("mask_rows_used", 0),
      cfg_(cfg) {}

DecodedOperand decode_bitmask(const Sram& input_sram, const Sram& mask_sram, int lanes, int mask_base, int input_base,
                              int num_vectors) {
    const int wbytes = lanes / 8;
    DecodedOperand out;
    out.codes.assign(static_cast<size_t>(num_vectors) * lanes, 0);
    out.zero_vector.assign(static_cast<size_t>(num_vectors), 0);
    std::vector<int> ptr(static_cast<size_t>(lanes), input_base);
    const int depth = input_sram.rows();
    for (int v = 0; v < num_vectors; ++v) {
        const uint8_t* w = mask_sram.row(mask_base + v);
        uint64_t mask = 0;  // up to 64 lanes: an 8-byte word
        for (int b = 0; b < wbytes; ++b) mask |= static_cast<uint64_t>(w[b]) << (8 * b);
        if (mask == 0) {
            out.zero_vector[v] = 1;
            continue;
        }
        uint8_t* dst = &out.codes[static_cast<size_t>(v) * lanes];
        for (int lane = 0; lane < lanes; ++lane) {
            if (!(mask >> lane & 1u)) continue;
            if (ptr[lane] >= depth && !out.wrapped) {
                if (!input_sram.wraps()) {
                    out.overrun = true;
                    return out;
                }
                out.wrapped = true;  // Sram::row() continues at row 0
            }
            dst[lane] = input_sram.row(ptr[lane]++)[lane];
        }
    }
    int used = 0;
    for (int p : ptr) used = std::max(used, p - input_base);
    out.input_rows_used = used;
    mask_sram.count_reads(static_cast<uint64_t>(num_vectors));
    input_sram.count_reads(static_cast<uint64_t>(used));
    return out;
}

DecodedOperand BitmaskDecoder::decode(int mask_base, int input_base, int num_vectors) {
    DecodedOperand out = decode_bitmask(input_sram, mask_sram, cfg_.lanes, mask_base, input_base, num_vectors);
    if (out.overrun) return out;  // the caller reports it
    uint64_t zero = 0;
    for (uint8_t z : out.zero_vector) zero += z;
    total_vectors_ += static_cast<uint64_t>(num_vectors);
    total_zero_vectors_ += zero;
    vectors_decoded.write(static_cast<uint32_t>(total_vectors_));
    return out;
}

}  // namespace edgebert::hw
