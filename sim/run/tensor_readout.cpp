#include "sim/run/tensor_readout.hpp"

#include <cstring>

#include "common/error.hpp"
#include "hw/formats/adaptivfloat.hpp"
#include "hw/formats/bitmask.hpp"

namespace edgebert::sim {

namespace {
size_t element_bytes(uint32_t format) {
    switch (format) {
        case EB_FMT_F32:
        case EB_FMT_I32: return 4;
        case EB_FMT_I8:
        case EB_FMT_AF_DENSE: return 1;
        default: throw Error("internal: AF block tensors have no dense readout");
    }
}
}  // namespace

// The codes of an AF block tensor: every block's mask words and lane banks. A
// block may be a dense stream (the tile's dense_results extension: every mask bit
// set, zero codes stored), so stored zeros are accepted.
std::vector<uint8_t> af_block_codes(const eb_tensor& t, const DramReader& read, int lanes) {
    if (lanes <= 0 || t.block_rows == 0 || t.ld == 0 || t.rows % t.block_rows || t.cols % t.ld || t.ld % lanes)
        throw Error("internal: malformed AF block tensor");
    const size_t vectors = size_t(t.block_rows) * t.ld / lanes, mbytes = vectors * size_t(lanes / 8);
    const uint64_t rows_off = (mbytes + 63) & ~uint64_t{63};
    std::vector<uint8_t> out(size_t(t.rows) * t.cols), mask(mbytes), rows(vectors * size_t(lanes));
    const uint32_t per_row = t.cols / t.ld;
    for (uint32_t br = 0; br < t.rows / t.block_rows; ++br)
        for (uint32_t bc = 0; bc < per_row; ++bc) {
            const uint64_t base = t.addr + (uint64_t(br) * per_row + bc) * t.block_stride;
            read(base, mask.data(), mask.size());
            read(base + rows_off, rows.data(), rows.size());
            const auto codes = num::bitmask_decode(
                num::bitmask_from_dram(mask.data(), mask.size(), rows.data(), rows.size(), vectors, lanes,
                                       /*allow_stored_zeros=*/true));
            for (uint32_t r = 0; r < t.block_rows; ++r)
                std::memcpy(&out[(size_t(br) * t.block_rows + r) * t.cols + size_t(bc) * t.ld], &codes[size_t(r) * t.ld],
                            t.ld);
        }
    return out;
}

std::vector<uint8_t> tensor_bytes(const eb_tensor& t, const DramReader& read, int lanes) {
    if (t.format == EB_FMT_AF_BLOCKS) return af_block_codes(t, read, lanes);
    const size_t es = element_bytes(t.format), row = size_t(t.cols) * es;
    std::vector<uint8_t> out(size_t(t.rows) * row);
    for (uint32_t r = 0; r < t.rows; ++r) read(t.addr + uint64_t(r) * t.ld * es, &out[r * row], row);
    return out;
}

std::vector<float> tensor_values(const eb_tensor& t, const DramReader& read, int lanes) {
    const auto bytes = tensor_bytes(t, read, lanes);
    const size_t n = size_t(t.rows) * t.cols;
    std::vector<float> v(n);
    switch (t.format) {
        case EB_FMT_F32: std::memcpy(v.data(), bytes.data(), n * 4); break;
        case EB_FMT_I32:
            for (size_t i = 0; i < n; ++i) {
                int32_t q;
                std::memcpy(&q, &bytes[i * 4], 4);
                v[i] = static_cast<float>(q) * t.scale;
            }
            break;
        case EB_FMT_I8:
            for (size_t i = 0; i < n; ++i) v[i] = static_cast<float>(static_cast<int8_t>(bytes[i])) * t.scale;
            break;
        default: {
            const num::AdaptivFloatFormat f{static_cast<int>(t.af_total_bits), static_cast<int>(t.af_exp_bits)};
            for (size_t i = 0; i < n; ++i) v[i] = static_cast<float>(num::af_decode(bytes[i], f, t.exp_bias));
        }
    }
    return v;
}

}  // namespace edgebert::sim
