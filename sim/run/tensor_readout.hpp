// A program tensor's values as the report and the accuracy checks see them:
// F32 as stored, I8 / I32 times their scale, AdaptivFloat codes (dense, thesis
// mode) decoded with their bias. The raw bytes serve bit-exact comparisons.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "eb_program.h"

namespace edgebert::sim {

using DramReader = std::function<void(uint64_t addr, void* dst, size_t len)>;

// rows x cols elements, row by row (the row stride `ld` skipped).
std::vector<uint8_t> tensor_bytes(const eb_tensor& t, const DramReader& read);
std::vector<float> tensor_values(const eb_tensor& t, const DramReader& read);

}  // namespace edgebert::sim
