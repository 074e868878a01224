// A single-ported SRAM macro: rows x row_bytes, with access counters for the
// energy model and an occupancy high-water mark for waveforms and reports.
// Bounds are checked by the control unit before any access is issued, so an
// out-of-range access here is a simulator bug and throws std::logic_error.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace edgebert::hw {

class Sram {
public:
    Sram(std::string name, int rows, int row_bytes);

    const std::string& name() const { return name_; }
    int rows() const { return rows_; }
    int row_bytes() const { return row_bytes_; }

    // Bulk accesses of `count` consecutive rows (counted as `count` row accesses).
    void write_rows(int first, const uint8_t* data, int count);
    void read_rows(int first, uint8_t* out, int count) const;
    // Direct view for blocks that stream through the array (decoder banks).
    const uint8_t* row(int r) const { return &data_[static_cast<size_t>(r) * row_bytes_]; }
    void count_reads(uint64_t rows) const { reads_ += rows; }

    uint64_t row_reads() const { return reads_; }
    uint64_t row_writes() const { return writes_; }
    int high_water() const { return high_water_; }  // highest row written + 1
    uint64_t bits() const { return static_cast<uint64_t>(rows_) * row_bytes_ * 8; }

private:
    void check(int first, int count) const;

    std::string name_;
    int rows_;
    int row_bytes_;
    std::vector<uint8_t> data_;
    mutable uint64_t reads_ = 0;
    uint64_t writes_ = 0;
    int high_water_ = 0;
};

}  // namespace edgebert::hw
