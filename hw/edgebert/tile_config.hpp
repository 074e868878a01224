// Every size, width and latency of the EdgeBERT tile, in one validated object.
//
// Read from the "edgebert" section of a SoC config (configs/soc/*.json); the
// defaults are the published design (MICRO 2021 / harvard-acc/EdgeBERT). The
// SystemC blocks, the functional model, the compiler's tiling limits and the
// runtime's constants all read this object, so no size is restated by hand.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "hw/edgebert/register_layout.hpp"
#include "hw/formats/adaptivfloat.hpp"

namespace edgebert {
class JsonReader;
}

namespace edgebert::hw {

// Low-dropout regulator feeding the tile (fast-switching LDO of the paper).
struct LdoConfig {
    double v_min = 0.50;              // V at code 0
    double v_max = 0.80;              // V at the top code
    int code_bits = 8;                // LDO code field width (status register [17:10])
    double slew_v_per_ns = 0.005;     // settling speed: 5 mV/ns
    double settle_fixed_ns = 2.0;     // fixed part of every change (comparator + loop)
    double initial_v = 0.80;
};

// All-digital PLL clocking the tile; its output period is the tile's clock.
struct AdpllConfig {
    double f_min_mhz = 250.0;         // DCO code 0
    double f_max_mhz = 1000.0;        // top DCO code
    int code_bits = 6;                // DCO code field width (status register [7:2])
    double lock_ns = 50.0;            // time to re-lock after a code change
    double initial_mhz = 1000.0;
};

// How the tile treats programming the published hardware would not run as
// intended (docs/register-map.md, "Checks"): `strict` refuses it (error cause +
// interrupt, commands refused until a soft reset); `silicon` does what the
// original silicon does (wrap, back-pressure, ignore, floor) and counts a
// warning, refusing only the cases where the original hangs.
enum class CheckMode { Strict, Silicon };
const char* check_mode_name(CheckMode m);

// Initiation intervals (cycles per 16-element vector) and fixed latencies.
struct TileTiming {
    int ii_layer_norm = 3;
    int ii_softmax = 3;
    int ii_element_add = 1;
    int ii_entropy = 4;
    int ii_dvfs = 4;
    int sfu_pipeline_depth = 8;       // fill + drain of the special-function pipeline
    int matmul_pipeline_depth = 4;    // decoder -> VMAC -> accumulator latency per output tile
    int encoder_cycles_per_vector = 1;
    bool overlap_load_compute = true; // HLS design double-buffers operand loading
    int command_decode_cycles = 2;    // register write to unit start
    int irq_pulse_cycles = 10;        // width of the interrupt pulse
    int dma_setup_cycles = 8;         // descriptor to first AXI request
    int axi_burst_overhead_cycles = 2;// address phase + response per burst
};

struct EdgebertTileConfig {
    // Datapath
    int lanes = 16;                   // elements per vector = mask word width
    int num_vmacs = 16;               // dot products per cycle (lanes MACs each)
    num::AdaptivFloatFormat act_format{8, 3};
    num::BiasRange bias_range{-10, -3};  // 3-bit bias fields: exp_bias = field - 10
    int accum_bits = 40;              // signed, saturating; >= 37 never saturates at M <= 4080
    // Memories (rows; each input/aux row is `lanes` bytes, each mask row one mask word).
    // Input / mask: [256, 65536] rows, aux: [16, 4096]; beyond 4096 (aux: 256) rows
    // the tile has the extended register layout (register_layout()).
    int input_sram_depth = 4096;
    int mask_sram_depth = 4096;
    int aux_sram_depth = 256;
    // AXI master
    int axi_data_bits = 64;
    int max_burst_beats = 256;
    // Register-field limits. Defaults (parse_edgebert_tile_config, default_limits()):
    // the largest multiple of the lanes the N0 / N1 (published 10 bits) and M (12
    // bits) fields hold, and the num_vector / num_timestep fields' maxima (8 bits),
    // in the layout the configuration has; limits beyond the published widths
    // select the extended layout.
    int max_n = 1008;                 // N0, N1: multiples of lanes
    int max_m = 4080;                 // M: multiple of lanes
    int max_num_vector = 255;
    int max_num_timestep = 255;
    CheckMode checks = CheckMode::Strict;
    // Co-design extension (not in the published design, off by default): the
    // SFU's lookup-table command 13 (docs/register-map.md, "Extension commands").
    // Off, command 13 is an unknown command and gb_mode bit 4 is ignored.
    bool sfu_lut = false;
    // Co-design extension (off by default): results may be written as dense
    // streams, every mask bit set and input row k = vector k, zero codes
    // included, when a command sets base_output bit 31 (dense_results). Off, strict
    // mode refuses a command with that bit and silicon mode ignores it (a warning).
    bool dense_results = false;
    TileTiming timing;
    LdoConfig ldo;
    AdpllConfig adpll;
    // DVFS: entropy key thresholds (ascending) that split 16 levels.
    std::vector<uint32_t> dvfs_thresholds = {256,  512,  1024,  2048,  3072,  4096,  5120, 6144,
                                             8192, 10240, 12288, 16384, 20480, 24576, 28672};

    int dvfs_levels() const { return static_cast<int>(dvfs_thresholds.size()) + 1; }
    int input_row_bytes() const { return lanes; }
    int mask_word_bytes() const { return lanes / 8; }
    int axi_beat_bytes() const { return axi_data_bits / 8; }
    // Bits the accumulator needs so that no M <= max_m sum of products can saturate.
    int accum_bits_never_saturate() const;

    // Published unless a size or limit needs wider fields (docs/register-map.md,
    // "Extended layout"): input / mask SRAMs over 4096 rows, aux over 256, or
    // max_n / max_m / max_num_vector / max_num_timestep over the published widths.
    regs::RegisterLayout register_layout() const;
    // Sets max_n, max_m, max_num_vector and max_num_timestep to the defaults of the
    // layout the SRAM depths need (the largest multiples of the lanes the fields hold).
    void default_limits();

    // Throws ConfigError naming `origin` and the field with its allowed range.
    void validate(const std::string& origin) const;
};

// The bias window a format gets when the config gives no bias_min / bias_max: the
// published [-10, -3] where the SFU's Q6.16 operands hold the format exactly, else
// the highest window (at most 8 biases, the 3-bit fields) that they do.
num::BiasRange default_bias_range(const num::AdaptivFloatFormat& format);

// Reads the "edgebert" section; absent fields keep the published defaults.
EdgebertTileConfig parse_edgebert_tile_config(const JsonReader& section);
// The "edgebert" section of a SoC config file (defaults if the section is absent).
EdgebertTileConfig load_edgebert_tile_config(const std::string& soc_config_path);

}  // namespace edgebert::hw
