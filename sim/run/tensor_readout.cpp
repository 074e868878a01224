#include "sim/run/tensor_readout.hpp"

#include <cstring>

#include "common/error.hpp"
#include "hw/formats/adaptivfloat.hpp"

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

std::vector<uint8_t> tensor_bytes(const eb_tensor& t, const DramReader& read) {
    const size_t es = element_bytes(t.format), row = size_t(t.cols) * es;
    std::vector<uint8_t> out(size_t(t.rows) * row);
    for (uint32_t r = 0; r < t.rows; ++r) read(t.addr + uint64_t(r) * t.ld * es, &out[r * row], row);
    return out;
}

std::vector<float> tensor_values(const eb_tensor& t, const DramReader& read) {
    const auto bytes = tensor_bytes(t, read);
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
