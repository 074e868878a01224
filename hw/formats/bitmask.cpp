#include "hw/formats/bitmask.hpp"

#include <algorithm>
#include <string>

#include "common/error.hpp"

namespace edgebert::num {

namespace {

uint64_t lane_mask(int lanes) { return lanes >= 64 ? ~uint64_t{0} : (uint64_t{1} << lanes) - 1u; }

bool legal_lanes(int lanes) { return lanes == 8 || lanes == 16 || lanes == 32 || lanes == 64; }

}  // namespace

void check_bitmask_lanes(int lanes) {
    if (!legal_lanes(lanes)) {
        throw ConfigError("bitmask lanes = " + std::to_string(lanes) +
                          " is not one of the allowed values 8, 16, 32, 64");
    }
}

size_t BitmaskEncoded::depth() const {
    size_t d = 0;
    for (const auto& bank : banks) d = std::max(d, bank.size());
    return d;
}

size_t BitmaskEncoded::nonzeros() const {
    size_t n = 0;
    for (const auto& bank : banks) n += bank.size();
    return n;
}

void BitmaskEncoded::validate() const {
    if (!legal_lanes(lanes)) {
        throw ShapeError("BitmaskEncoded: lanes = " + std::to_string(lanes) +
                         " is not one of 8, 16, 32, 64");
    }
    if (masks.size() != num_vectors || banks.size() != static_cast<size_t>(lanes)) {
        throw ShapeError("BitmaskEncoded: " + std::to_string(masks.size()) + " masks and " +
                         std::to_string(banks.size()) + " banks, expected " +
                         std::to_string(num_vectors) + " masks and " + std::to_string(lanes) +
                         " banks");
    }
    std::vector<size_t> count(static_cast<size_t>(lanes), 0);
    for (size_t v = 0; v < num_vectors; ++v) {
        if ((masks[v] & ~lane_mask(lanes)) != 0) {
            throw ShapeError("BitmaskEncoded: mask of vector " + std::to_string(v) +
                             " has bits above lane " + std::to_string(lanes - 1));
        }
        for (int i = 0; i < lanes; ++i) count[static_cast<size_t>(i)] += (masks[v] >> i) & 1u;
    }
    for (size_t i = 0; i < count.size(); ++i) {
        if (banks[i].size() != count[i]) {
            throw ShapeError("BitmaskEncoded: bank " + std::to_string(i) + " holds " +
                             std::to_string(banks[i].size()) + " codes but the masks mark " +
                             std::to_string(count[i]) + " non-zeros in lane " + std::to_string(i));
        }
    }
}

BitmaskEncoded bitmask_encode(const uint8_t* codes, size_t num_vectors, int lanes,
                              uint8_t magnitude_mask) {
    check_bitmask_lanes(lanes);
    if (magnitude_mask == 0) {
        throw ConfigError(
            "bitmask_encode: magnitude_mask = 0 would make every code zero; "
            "allowed range [0x01, 0xFF]");
    }
    if (codes == nullptr && num_vectors != 0) {
        throw ShapeError("bitmask_encode: codes is null for " + std::to_string(num_vectors) +
                         " vectors");
    }
    BitmaskEncoded enc;
    enc.lanes = lanes;
    enc.num_vectors = num_vectors;
    enc.masks.assign(num_vectors, 0);
    enc.banks.assign(static_cast<size_t>(lanes), {});
    for (size_t v = 0; v < num_vectors; ++v) {
        const uint8_t* vec = codes + v * static_cast<size_t>(lanes);
        for (int i = 0; i < lanes; ++i) {
            if ((vec[i] & magnitude_mask) == 0) continue;
            enc.masks[v] |= uint64_t{1} << i;
            enc.banks[static_cast<size_t>(i)].push_back(vec[i]);
        }
    }
    return enc;
}

std::vector<uint8_t> bitmask_decode(const BitmaskEncoded& enc) {
    enc.validate();
    const size_t lanes = static_cast<size_t>(enc.lanes);
    std::vector<uint8_t> out(enc.num_vectors * lanes, 0);
    std::vector<size_t> next(lanes, 0);  // read address per bank
    for (size_t v = 0; v < enc.num_vectors; ++v) {
        for (size_t i = 0; i < lanes; ++i) {
            if ((enc.masks[v] >> i) & 1u) out[v * lanes + i] = enc.banks[i][next[i]++];
        }
    }
    return out;
}

BitmaskDramImage bitmask_to_dram(const BitmaskEncoded& enc) {
    enc.validate();
    const size_t lanes = static_cast<size_t>(enc.lanes);
    const size_t mask_width = lanes / 8;
    BitmaskDramImage img;
    img.mask_bytes.resize(enc.num_vectors * mask_width);
    for (size_t v = 0; v < enc.num_vectors; ++v) {
        for (size_t b = 0; b < mask_width; ++b) {
            img.mask_bytes[v * mask_width + b] = static_cast<uint8_t>(enc.masks[v] >> (8 * b));
        }
    }
    const size_t depth = enc.depth();
    img.input_bytes.assign(depth * lanes, 0);
    for (size_t i = 0; i < lanes; ++i) {
        for (size_t k = 0; k < enc.banks[i].size(); ++k)
            img.input_bytes[k * lanes + i] = enc.banks[i][k];
    }
    return img;
}

BitmaskEncoded bitmask_from_dram(const uint8_t* mask_bytes, size_t mask_len,
                                 const uint8_t* input_bytes, size_t input_len, size_t num_vectors,
                                 int lanes, bool allow_stored_zeros) {
    check_bitmask_lanes(lanes);
    const size_t width = static_cast<size_t>(lanes);
    const size_t mask_width = width / 8;
    if ((mask_bytes == nullptr && mask_len != 0) || (input_bytes == nullptr && input_len != 0)) {
        throw ShapeError("bitmask_from_dram: null image pointer with a non-zero length");
    }
    if (mask_len != num_vectors * mask_width) {
        throw FileFormatError("bitmask_from_dram: mask image is " + std::to_string(mask_len) +
                              " bytes, expected " + std::to_string(num_vectors) + " vectors x " +
                              std::to_string(mask_width) +
                              " bytes = " + std::to_string(num_vectors * mask_width));
    }
    if (input_len % width != 0) {
        throw FileFormatError("bitmask_from_dram: input image is " + std::to_string(input_len) +
                              " bytes, not a whole number of " + std::to_string(width) +
                              "-byte rows");
    }
    const size_t rows = input_len / width;

    BitmaskEncoded enc;
    enc.lanes = lanes;
    enc.num_vectors = num_vectors;
    enc.masks.resize(num_vectors);
    enc.banks.assign(width, {});
    for (size_t v = 0; v < num_vectors; ++v) {
        uint64_t word = 0;
        for (size_t b = 0; b < mask_width; ++b) {
            word |= static_cast<uint64_t>(mask_bytes[v * mask_width + b]) << (8 * b);
        }
        enc.masks[v] = word;
        for (size_t i = 0; i < width; ++i) {
            if (((word >> i) & 1u) == 0) continue;
            const size_t k = enc.banks[i].size();
            if (k >= rows) {
                throw FileFormatError("bitmask_from_dram: lane " + std::to_string(i) +
                                      " has more non-zeros than the " + std::to_string(rows) +
                                      " rows of the input image (vector " + std::to_string(v) +
                                      " needs row " + std::to_string(k) + ")");
            }
            const uint8_t code = input_bytes[k * width + i];
            if (code == 0 && !allow_stored_zeros) {
                throw FileFormatError("bitmask_from_dram: lane " + std::to_string(i) + " row " +
                                      std::to_string(k) + " is 0x00 but vector " +
                                      std::to_string(v) +
                                      " marks it non-zero (a stored zero, as in a dense stream; allowed only "
                                      "with allow_stored_zeros)");
            }
            enc.banks[i].push_back(code);
        }
    }
    return enc;
}

}  // namespace edgebert::num
