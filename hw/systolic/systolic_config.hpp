// Sizes, widths and latencies of the systolic-array tile, in one validated
// object read from the "systolic" section of a SoC config. No SystemC, so the
// compiler and the runtime can read it too.
#pragma once

#include <array>
#include <string>

namespace edgebert {
class JsonReader;
}

namespace edgebert::hw {

struct SystolicTileConfig {
    int size = 32;                     // PEs per side (one of kSystolicRtlSizes); one call is at most
                                       // size x size by size x size
    double clock_mhz = 1000;           // tile clock
    int axi_data_bits = 64;            // AXI master data width (one beat)
    int max_burst_beats = 256;         // longest DMA burst (AXI4: 256)
    int irq_pulse_cycles = 10;         // width of the interrupt pulse
    int dma_setup_cycles = 8;          // per DMA phase (in, out): descriptor to first request
    int axi_burst_overhead_cycles = 2; // per burst: address phase + response

    int axi_beat_bytes() const { return axi_data_bits / 8; }
    // Throws ConfigError naming `origin`, the field and its allowed range.
    void validate(const std::string& origin) const;
};

// The array sizes verilated into the build: rtl/systolic_array.sv once per
// size with its parameter N = size (hw/systolic/CMakeLists.txt keeps the same
// list), and `size` selects one of them at run time. Other sizes are refused.
inline constexpr std::array<int, 4> kSystolicRtlSizes = {8, 16, 32, 64};
bool is_systolic_rtl_size(int size);
// "8, 16, 32, 64", for error messages.
std::string systolic_rtl_sizes_text();

// Reads a "systolic" section; absent fields keep the defaults, unknown ones are rejected.
SystolicTileConfig parse_systolic_tile_config(const JsonReader& section);

}  // namespace edgebert::hw
