#include "hw/edgebert/encoder.hpp"

#include <algorithm>
#include <vector>

#include "hw/formats/bitmask.hpp"

namespace edgebert::hw {

EncodeResult encode_vectors(const EdgebertTileConfig& cfg, Sram& input_sram, Sram& mask_sram,
                            int mask_base, int input_base, const uint8_t* codes, int num_vectors, bool dense) {
    if (dense) {
        // Every mask bit set (little-endian mask words of lanes / 8 bytes), rows = the codes as they are.
        const std::vector<uint8_t> masks(static_cast<size_t>(num_vectors) * cfg.mask_word_bytes(), 0xFF);
        EncodeResult r;
        r.vectors = num_vectors;
        r.input_rows_used = num_vectors;
        r.nonzeros = static_cast<uint64_t>(num_vectors) * static_cast<uint64_t>(cfg.lanes);
        mask_sram.write_rows(mask_base, masks.data(), num_vectors);
        if (num_vectors > 0) input_sram.write_rows(input_base, codes, num_vectors);
        return r;
    }
    const auto enc = num::bitmask_encode(codes, static_cast<size_t>(num_vectors), cfg.lanes,
                                         cfg.act_format.magnitude_mask());
    const auto image = num::bitmask_to_dram(enc);
    EncodeResult r;
    r.vectors = num_vectors;
    r.input_rows_used = static_cast<int>(enc.depth());
    r.nonzeros = enc.nonzeros();
    mask_sram.write_rows(mask_base, image.mask_bytes.data(), num_vectors);
    if (r.input_rows_used > 0) input_sram.write_rows(input_base, image.input_bytes.data(), r.input_rows_used);
    return r;
}

}  // namespace edgebert::hw
