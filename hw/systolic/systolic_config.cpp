#include "hw/systolic/systolic_config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <cmath>

#include "common/error.hpp"
#include "common/json_reader.hpp"

namespace edgebert::hw {

bool is_systolic_rtl_size(int size) {
    return std::find(kSystolicRtlSizes.begin(), kSystolicRtlSizes.end(), size) != kSystolicRtlSizes.end();
}

std::string systolic_rtl_sizes_text() {
    std::string s;
    for (int n : kSystolicRtlSizes) s += (s.empty() ? "" : ", ") + std::to_string(n);
    return s;
}

void SystolicTileConfig::validate(const std::string& origin) const {
    auto bad = [&](const char* field, const std::string& what) {
        throw ConfigError(fmt::format("{}: field 'systolic.{}' {}", origin, field, what));
    };
    auto range = [&](const char* field, int v, int lo, int hi) {
        if (v < lo || v > hi) bad(field, fmt::format("= {} is out of range [{}, {}]", v, lo, hi));
    };
    if (!is_systolic_rtl_size(size))
        bad("size", fmt::format("= {} must be one of {} (the array sizes whose RTL is verilated into the build)",
                                size, systolic_rtl_sizes_text()));
    if (!std::isfinite(clock_mhz) || clock_mhz < 1 || clock_mhz > 10000)
        bad("clock_mhz", fmt::format("= {} is out of range [1, 10000]", clock_mhz));
    if (axi_data_bits != 32 && axi_data_bits != 64 && axi_data_bits != 128)
        bad("axi_data_bits", fmt::format("= {} must be 32, 64 or 128", axi_data_bits));
    range("max_burst_beats", max_burst_beats, 1, 256);
    range("irq_pulse_cycles", irq_pulse_cycles, 1, 1000);
    range("dma_setup_cycles", dma_setup_cycles, 0, 1000);
    range("axi_burst_overhead_cycles", axi_burst_overhead_cycles, 0, 1000);
}

SystolicTileConfig parse_systolic_tile_config(const JsonReader& r) {
    SystolicTileConfig c;
    r.reject_unknown({"size", "clock_mhz", "axi_data_bits", "max_burst_beats", "irq_pulse_cycles",
                      "dma_setup_cycles", "axi_burst_overhead_cycles"});
    auto geti = [&](const char* key, int lo, int hi, int dflt) {
        return static_cast<int>(r.get_int(key, lo, hi, dflt));
    };
    c.size = geti("size", INT_MIN, INT_MAX, c.size);  // validate() names the allowed sizes
    c.clock_mhz = r.get_double("clock_mhz", 1, 10000, c.clock_mhz);
    c.axi_data_bits = geti("axi_data_bits", 32, 128, c.axi_data_bits);
    c.max_burst_beats = geti("max_burst_beats", 1, 256, c.max_burst_beats);
    c.irq_pulse_cycles = geti("irq_pulse_cycles", 1, 1000, c.irq_pulse_cycles);
    c.dma_setup_cycles = geti("dma_setup_cycles", 0, 1000, c.dma_setup_cycles);
    c.axi_burst_overhead_cycles = geti("axi_burst_overhead_cycles", 0, 1000, c.axi_burst_overhead_cycles);
    c.validate(r.origin());
    return c;
}

}  // namespace edgebert::hw
