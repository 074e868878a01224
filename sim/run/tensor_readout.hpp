// A program tensor's values as the report and the accuracy checks see them:
// F32 as stored, I8 / I32 times their scale, AdaptivFloat codes (dense, thesis
// mode, or bitmask blocks) decoded with their bias. The raw bytes serve bit-exact comparisons.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "eb_program.h"

namespace edgebert::sim {

using DramReader = std::function<void(uint64_t addr, void* dst, size_t len)>;

// rows x cols elements, row by row (the row stride `ld` skipped). AF block
// tensors (the EdgeBERT tile's bitmask streams, `lanes` wide) are decoded to
// their codes.
std::vector<uint8_t> tensor_bytes(const eb_tensor& t, const DramReader& read, int lanes = 16);
std::vector<float> tensor_values(const eb_tensor& t, const DramReader& read, int lanes = 16);

}  // namespace edgebert::sim
