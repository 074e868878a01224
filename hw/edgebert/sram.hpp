// A single-ported SRAM macro: rows x row_bytes, with access counters for the
// energy model and an occupancy high-water mark for waveforms and reports.
//
// Two address modes (EdgebertTileConfig::checks):
//  - checked (strict): the control unit checks every region before issuing an
//    access, so an access outside [0, rows) is a simulator bug and throws
//    std::logic_error;
//  - wrapping (silicon): row r means row r mod rows(), as the original's
//    fixed-width address counters wrap; a multi-row access that crosses the
//    last row continues at row 0 (and one longer than the SRAM wraps again).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace edgebert::hw {

class Sram {
public:
    Sram(std::string name, int rows, int row_bytes, bool wrap = false);

    const std::string& name() const { return name_; }
    int rows() const { return rows_; }
    int row_bytes() const { return row_bytes_; }
    bool wraps() const { return wrap_; }
    void set_wrap(bool wrap) { wrap_ = wrap; }

    // Bulk accesses of `count` consecutive rows (counted as `count` row accesses).
    void write_rows(int first, const uint8_t* data, int count);
    void read_rows(int first, uint8_t* out, int count) const;
    // Direct view for blocks that stream through the array (decoder banks).
    const uint8_t* row(int r) const { return &data_[static_cast<size_t>(index(r)) * row_bytes_]; }
    void count_reads(uint64_t rows) const { reads_ += rows; }
    // The physical row of address r (r mod rows() when wrapping).
    int index(int r) const { return wrap_ ? ((r % rows_) + rows_) % rows_ : r; }

    uint64_t row_reads() const { return reads_; }
    uint64_t row_writes() const { return writes_; }
    int high_water() const { return high_water_; }  // highest row written + 1
    uint64_t bits() const { return static_cast<uint64_t>(rows_) * row_bytes_ * 8; }

private:
    void check(int first, int count) const;

    std::string name_;
    int rows_;
    int row_bytes_;
    bool wrap_;
    std::vector<uint8_t> data_;
    mutable uint64_t reads_ = 0;
    uint64_t writes_ = 0;
    int high_water_ = 0;
};

}  // namespace edgebert::hw
