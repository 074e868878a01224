// Sizes, widths and latencies of the systolic-array tile, in one validated
// object read from the "systolic" section of a SoC config. No SystemC, so the
// compiler and the runtime can read it too.
#pragma once

#include <string>

namespace edgebert {
class JsonReader;
}

namespace edgebert::hw {

struct SystolicTileConfig {
    int size = 32;                     // PEs per side; one call is at most size x size by size x size
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

// The largest array the verilated RTL provides (its parameter N); `size` may
// be smaller (the call limits shrink, the timing is that of a size x size array).
constexpr int kSystolicRtlSize = 32;

// Reads a "systolic" section; absent fields keep the defaults, unknown ones are rejected.
SystolicTileConfig parse_systolic_tile_config(const JsonReader& section);

}  // namespace edgebert::hw
