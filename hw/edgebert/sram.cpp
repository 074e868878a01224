#include "hw/edgebert/sram.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace edgebert::hw {

Sram::Sram(std::string name, int rows, int row_bytes, bool wrap)
    : name_(std::move(name)), rows_(rows), row_bytes_(row_bytes), wrap_(wrap),
      data_(static_cast<size_t>(rows) * row_bytes, 0) {}

void Sram::check(int first, int count) const {
    if (count < 0 || (!wrap_ && (first < 0 || first + count > rows_)))
        throw std::logic_error(fmt::format("{}: access to rows [{}, {}) outside [0, {}) (unchecked programming)",
                                           name_, first, first + count, rows_));
}

void Sram::write_rows(int first, const uint8_t* data, int count) {
    check(first, count);
    writes_ += count;
    // In wrapping mode the access splits at the last row (as often as it needs).
    for (int done = 0; done < count;) {
        const int r = index(first + done);
        const int n = std::min(count - done, rows_ - r);
        std::memcpy(&data_[static_cast<size_t>(r) * row_bytes_], data + static_cast<size_t>(done) * row_bytes_,
                    static_cast<size_t>(n) * row_bytes_);
        high_water_ = std::max(high_water_, r + n);
        done += n;
    }
}

void Sram::read_rows(int first, uint8_t* out, int count) const {
    check(first, count);
    reads_ += count;
    for (int done = 0; done < count;) {
        const int r = index(first + done);
        const int n = std::min(count - done, rows_ - r);
        std::memcpy(out + static_cast<size_t>(done) * row_bytes_, &data_[static_cast<size_t>(r) * row_bytes_],
                    static_cast<size_t>(n) * row_bytes_);
        done += n;
    }
}

}  // namespace edgebert::hw
