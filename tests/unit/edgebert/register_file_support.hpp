// Register-file helpers shared by the EdgeBERT command tests.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "hw/edgebert/command_check.hpp"

namespace edgebert::test {

// Sets the field `name` of kRegisterFields in `r` to `v` (truncated to its width).
inline void put(hw::RegisterFile& r, const char* name, uint32_t v) {
    for (int i = 0; i < hw::regs::kNumRegisterFields; ++i) {
        const auto& f = hw::regs::kRegisterFields[i];
        if (std::string(f.name) != name) continue;
        auto& w = r[f.offset / 4];
        const uint32_t mask = (f.width >= 32 ? 0xFFFFFFFFu : ((1u << f.width) - 1u)) << f.lsb;
        w = (w & ~mask) | ((v << f.lsb) & mask);
        return;
    }
    FAIL() << name;
}

}  // namespace edgebert::test
