// Bitmask sparse codec: how the EdgeBERT decoder stores sparse AF tensors.
//
// Data moves as vectors of `lanes` 8-bit codes (8, 16, 32 or 64 lanes). Each vector
// gets one mask word, bit i set when lane i holds a non-zero code. Lane i's
// non-zero codes are packed, in vector order, into SRAM bank i: bank i address
// k holds the k-th non-zero of lane i. Zero lanes cost one mask bit and no bank
// space; decoding refills them with 0x00.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace edgebert::num {

constexpr int kDefaultBitmaskLanes = 16;

struct BitmaskEncoded {
    int lanes = kDefaultBitmaskLanes;
    size_t num_vectors = 0;
    std::vector<uint64_t> masks;              // one per vector, bit i = lane i
    std::vector<std::vector<uint8_t>> banks;  // lanes banks of packed non-zeros

    // SRAM rows used: the longest bank.
    size_t depth() const;
    // Total non-zero codes stored.
    size_t nonzeros() const;
    // Throws ShapeError unless lanes is legal, masks/banks have the right count,
    // no mask has bits at or above `lanes`, and bank i holds exactly as many codes
    // as lane i's mask bits.
    void validate() const;
};

// Throws ConfigError unless lanes is 8, 16, 32 or 64.
void check_bitmask_lanes(int lanes);

// codes: num_vectors * lanes bytes, vector-major. A code is zero iff
// (code & magnitude_mask) == 0: 0x7F for AF<8,3> (so -0 = 0x80 is zero),
// 0x07 for AF<4,*>, 0xFF for plain bytes. magnitude_mask must be non-zero.
BitmaskEncoded bitmask_encode(const uint8_t* codes, size_t num_vectors, int lanes,
                              uint8_t magnitude_mask);

// Back to num_vectors * lanes codes; masked-out lanes become 0x00.
std::vector<uint8_t> bitmask_decode(const BitmaskEncoded& enc);

// The flat DRAM image the DMA reads.
struct BitmaskDramImage {
    // One little-endian mask word of lanes/8 bytes per vector.
    std::vector<uint8_t> mask_bytes;
    // depth() rows of `lanes` bytes: row k byte i = banks[i][k], 0x00 where bank
    // i is shorter.
    std::vector<uint8_t> input_bytes;
};

BitmaskDramImage bitmask_to_dram(const BitmaskEncoded& enc);

// Rebuilds the banks from a DRAM image. The input image may hold more rows than
// the longest bank needs (extra rows are ignored). Throws FileFormatError when
// mask_len != num_vectors * lanes / 8, input_len is not a whole number of rows,
// a lane has more non-zeros than the image has rows, or a byte whose mask bit is
// set is 0x00 (never a non-zero code in any format) unless allow_stored_zeros;
// ShapeError for a null pointer with a non-zero length; ConfigError for an
// illegal lane count.
//
// allow_stored_zeros: accept a set mask bit over a 0x00 byte as a stored zero, as
// the tile's decoder does. The EdgeBERT tile's dense streams (the dense_results
// extension: every mask bit set, row k = vector k) store their zeros so; the
// result keeps them in its banks (bitmask_decode returns them as 0x00).
BitmaskEncoded bitmask_from_dram(const uint8_t* mask_bytes, size_t mask_len,
                                 const uint8_t* input_bytes, size_t input_len, size_t num_vectors,
                                 int lanes, bool allow_stored_zeros = false);

}  // namespace edgebert::num
