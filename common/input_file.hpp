// Opening an input file a user names: it must be a regular file no larger than
// a limit fitting its kind, so a directory, a device such as /dev/zero or a
// runaway file gives a clear error instead of a hang or an unbounded read.
#pragma once

#include <cstdint>
#include <string>

namespace edgebert {

inline constexpr uint64_t kMaxConfigBytes = 64ull << 20;  // JSON configs
inline constexpr uint64_t kMaxElfBytes = 1ull << 30;      // firmware images
inline constexpr uint64_t kMaxTableBytes = 256ull << 20;  // CSV traces and tables

// Returns the file's size; throws `Error` naming the path, what it was meant to
// be and the limit when it is missing, not a regular file, or too large.
uint64_t checked_input_file(const std::string& path, const char* what, uint64_t max_bytes);

}  // namespace edgebert
