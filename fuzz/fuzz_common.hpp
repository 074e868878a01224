// Shared by the libFuzzer targets: the project's documented error exceptions
// (edgebert::Error and its subclasses, common/error.hpp) are the expected outcome
// of a malformed input; anything else escaping LLVMFuzzerTestOneInput (another
// exception, a crash, a sanitizer report, a timeout, running out of memory) is a
// finding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace edgebert::fuzz {

template <class F>
int expect_error_or_success(F&& body) {
    try {
        body();
    } catch (const edgebert::Error&) {
        // A documented rejection of the input.
    }
    return 0;
}

inline std::string as_text(const uint8_t* data, size_t size) {
    return std::string(reinterpret_cast<const char*>(data), size);
}

inline std::vector<uint8_t> as_bytes(const uint8_t* data, size_t size) {
    return std::vector<uint8_t>(data, data + size);
}

}  // namespace edgebert::fuzz
