#include "hw/edgebert/sram.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace edgebert::hw {

Sram::Sram(std::string name, int rows, int row_bytes)
    : name_(std::move(name)), rows_(rows), row_bytes_(row_bytes),
      data_(static_cast<size_t>(rows) * row_bytes, 0) {}

void Sram::check(int first, int count) const {
    if (first < 0 || count < 0 || first + count > rows_)
        throw std::logic_error(fmt::format("{}: access to rows [{}, {}) outside [0, {}) (unchecked programming)",
                                           name_, first, first + count, rows_));
}

void Sram::write_rows(int first, const uint8_t* data, int count) {
    check(first, count);
    std::memcpy(&data_[static_cast<size_t>(first) * row_bytes_], data, static_cast<size_t>(count) * row_bytes_);
    writes_ += count;
    high_water_ = std::max(high_water_, first + count);
}

void Sram::read_rows(int first, uint8_t* out, int count) const {
    check(first, count);
    std::memcpy(out, &data_[static_cast<size_t>(first) * row_bytes_], static_cast<size_t>(count) * row_bytes_);
    reads_ += count;
}

}  // namespace edgebert::hw
