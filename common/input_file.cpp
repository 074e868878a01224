#include "common/input_file.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <system_error>

#include "common/error.hpp"

namespace edgebert {

uint64_t checked_input_file(const std::string& path, const char* what, uint64_t max_bytes) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st)) throw Error(fmt::format("{}: cannot open the {} (no such file)", path, what));
    if (!fs::is_regular_file(st))
        throw Error(fmt::format("{}: the {} must be a regular file (this is a {})", path, what,
                                fs::is_directory(st) ? "directory" : "device, pipe or socket"));
    const uint64_t size = fs::file_size(path, ec);
    if (ec) throw Error(fmt::format("{}: cannot read the size of the {}", path, what));
    if (size > max_bytes)
        throw Error(fmt::format("{}: the {} is {} bytes, more than the limit of {} bytes", path, what, size, max_bytes));
    return size;
}

}  // namespace edgebert
