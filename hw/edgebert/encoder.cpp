#include "hw/edgebert/encoder.hpp"

#include <algorithm>
#include <vector>

#include "hw/formats/bitmask.hpp"

namespace edgebert::hw {

EncodeResult encode_vectors(const EdgebertTileConfig& cfg, Sram& input_sram, Sram& mask_sram,
                            int mask_base, int input_base, const uint8_t* codes, int num_vectors) {
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
