// Bitmask decoder: an input SRAM of `lanes` byte-wide banks, a mask SRAM of one
// mask word per vector, and the logic that turns them back into dense vectors.
//
// Vector v's mask word sits at mask row (mask_base + v). Lane i's non-zero
// values are packed in bank i; each bank has its own read pointer that starts
// at input_base and advances by one for every set bit of lane i (modulo the
// depth when the SRAMs wrap, EdgebertTileConfig::checks = silicon). Masked lanes
// are zero-filled. One vector per cycle; an all-zero vector (mask word 0) is
// flagged so the VMACs it would feed are gated.
#pragma once

#include <systemc>

#include <cstdint>
#include <vector>

#include "hw/edgebert/trace_signal.hpp"
#include "hw/edgebert/sram.hpp"
#include "hw/edgebert/tile_config.hpp"

namespace edgebert::hw {

struct DecodedOperand {
    std::vector<uint8_t> codes;        // num_vectors * lanes, dense
    std::vector<uint8_t> zero_vector;  // per vector: 1 if the mask word is 0
    int input_rows_used = 0;           // furthest bank pointer advance
    bool overrun = false;              // a bank pointer ran past the SRAM's last row (checked SRAM: decode stops)
    bool wrapped = false;              // ... and continued at row 0 (wrapping SRAM, silicon mode)
};

// The decode itself, on a pair of SRAMs (shared with the functional platform).
DecodedOperand decode_bitmask(const Sram& input_sram, const Sram& mask_sram, int lanes, int mask_base, int input_base,
                              int num_vectors);

class BitmaskDecoder : public sc_core::sc_module {
public:
    BitmaskDecoder(sc_core::sc_module_name name, const EdgebertTileConfig& cfg);

    Sram input_sram;
    Sram mask_sram;

    // Decodes num_vectors vectors in bulk (the caller charges the cycles).
    DecodedOperand decode(int mask_base, int input_base, int num_vectors);

    // Trace: vectors decoded so far, and whether a decode is under way.
    TraceSignal<uint32_t> vectors_decoded;
    // SRAM occupancy (high-water rows), refreshed when a command completes.
    TraceSignal<uint32_t> input_rows_used;
    TraceSignal<uint32_t> mask_rows_used;
    void update_occupancy() {
        input_rows_used.write(static_cast<uint32_t>(input_sram.high_water()));
        mask_rows_used.write(static_cast<uint32_t>(mask_sram.high_water()));
    }
    uint64_t total_vectors() const { return total_vectors_; }
    uint64_t total_zero_vectors() const { return total_zero_vectors_; }

private:
    const EdgebertTileConfig& cfg_;
    uint64_t total_vectors_ = 0;
    uint64_t total_zero_vectors_ = 0;
};

}  // namespace edgebert::hw
