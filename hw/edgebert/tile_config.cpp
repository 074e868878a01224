#include "hw/edgebert/tile_config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <tuple>

#include "common/error.hpp"
#include "common/json_reader.hpp"
#include "hw/edgebert/functional/sfu_ops.hpp"

namespace edgebert::hw {

int EdgebertTileConfig::accum_bits_never_saturate() const {
    // Accumulator LSB = the smallest product step, so one product is at most
    // (2^(m+1) - 1)^2 * 2^(2 * max_exp_code) LSBs; max_m of them, plus a sign bit.
    const int m = act_format.mant_bits();
    const double sig = std::pow(2.0, m + 1) - 1.0;
    const double max_sum = sig * sig * std::pow(2.0, 2 * act_format.max_exp_code()) * max_m;
    return static_cast<int>(std::ceil(std::log2(max_sum + 1.0))) + 1;
}

namespace {
// Sets the limits not given explicitly (n, m, nv, nt: given) to the defaults of
// the layout the sizes and the given limits need.
void derive_limits(EdgebertTileConfig& c, bool n, bool m, bool nv, bool nt) {
    using regs::RegisterLayout;
    const int lanes = c.lanes > 0 ? c.lanes : 16;  // a bad lane count: validate names it
    auto set = [&](RegisterLayout l) {
        if (!n) c.max_n = static_cast<int>(regs::field_max(l, "n0")) / lanes * lanes;
        if (!m) c.max_m = static_cast<int>(regs::field_max(l, "m")) / lanes * lanes;
        if (!nv) c.max_num_vector = std::min(static_cast<int>(regs::field_max(l, "num_vector")),
                                             fn::kSfuMaxRowLen / lanes);
        if (!nt) c.max_num_timestep = static_cast<int>(regs::field_max(l, "num_timestep"));
    };
    set(RegisterLayout::Published);  // published defaults never select the extended layout
    set(c.register_layout());
}
}  // namespace

regs::RegisterLayout EdgebertTileConfig::register_layout() const {
    using regs::RegisterLayout;
    const auto pub = RegisterLayout::Published;
    const bool wide = input_sram_depth > 4096 || mask_sram_depth > 4096 || aux_sram_depth > 256 ||
                      max_n > static_cast<int>(regs::field_max(pub, "n0")) ||
                      max_m > static_cast<int>(regs::field_max(pub, "m")) ||
                      max_num_vector > static_cast<int>(regs::field_max(pub, "num_vector")) ||
                      max_num_timestep > static_cast<int>(regs::field_max(pub, "num_timestep"));
    return wide ? RegisterLayout::Extended : pub;
}

void EdgebertTileConfig::default_limits() { derive_limits(*this, false, false, false, false); }

num::BiasRange default_bias_range(const num::AdaptivFloatFormat& format) {
    // The published window where it fits the SFU's operands, else the highest
    // window of up to 8 biases that does (AF<8,4>: [-13, -10]).
    EdgebertTileConfig c;
    c.act_format = format;
    auto fits = [&](num::BiasRange r) {
        c.bias_range = r;
        try {
            fn::check_sfu_operand_format(c);
            return true;
        } catch (const Error&) {
            return false;
        }
    };
    if (fits(num::kEdgeBertBiasRange)) return num::kEdgeBertBiasRange;
    for (int hi = num::kEdgeBertBiasRange.max; hi > num::kEdgeBertBiasRange.min - 16; --hi)
        for (int lo = hi - 7; lo <= hi; ++lo)
            if (fits({lo, hi})) return {lo, hi};
    return num::kEdgeBertBiasRange;  // none fits: validate() names the fields
}

const char* check_mode_name(CheckMode m) { return m == CheckMode::Silicon ? "silicon" : "strict"; }

void EdgebertTileConfig::validate(const std::string& origin) const {
    auto bad = [&](const std::string& field, const std::string& what) {
        throw ConfigError(fmt::format("{}: field 'edgebert.{}' {}", origin, field, what));
    };
    if (lanes != 8 && lanes != 16 && lanes != 32 && lanes != 64)
        bad("lanes", fmt::format("= {} must be 8, 16, 32 or 64", lanes));
    if (num_vmacs < 1 || num_vmacs > 64) bad("num_vmacs", fmt::format("= {} is out of range [1, 64]", num_vmacs));
    try {
        act_format.validate();
        bias_range.validate();
    } catch (const Error& e) {
        bad("act_format", e.what());
    }
    if (act_format.total_bits < 4)
        bad("act_total_bits", fmt::format("= {} is out of range [4, 8]", act_format.total_bits));
    if (act_format.exp_bits < 2 || act_format.exp_bits > std::min(4, act_format.total_bits - 2))
        bad("act_exp_bits", fmt::format("= {} is out of range [2, {}] for {}-bit codes (at least one mantissa bit)",
                                        act_format.exp_bits, std::min(4, act_format.total_bits - 2),
                                        act_format.total_bits));
    if (bias_range.max - bias_range.min > 7)
        bad("bias_max", fmt::format("bias range [{}, {}] has more than the 8 values of the 3-bit bias fields",
                                    bias_range.min, bias_range.max));
    try {
        fn::check_sfu_operand_format(*this);
    } catch (const Error& e) {
        bad("bias_min", fmt::format("/ bias_max: [{}, {}] does not fit the format: {}", bias_range.min, bias_range.max,
                                    e.what()));
    }
    if (accum_bits < 16 || accum_bits > 62) bad("accum_bits", fmt::format("= {} is out of range [16, 62]", accum_bits));
    // Input / mask rows: 16-bit row fields of the extended layout (65536 rows);
    // below 256 rows no encoder layer's band fits. Aux: 12-bit extended aux rows.
    if (input_sram_depth < 256 || input_sram_depth > 65536)
        bad("input_sram_depth", fmt::format("= {} is out of range [256, 65536] rows", input_sram_depth));
    if (mask_sram_depth < 256 || mask_sram_depth > 65536)
        bad("mask_sram_depth", fmt::format("= {} is out of range [256, 65536] rows", mask_sram_depth));
    if (aux_sram_depth < 16 || aux_sram_depth > 4096)
        bad("aux_sram_depth", fmt::format("= {} is out of range [16, 4096] rows", aux_sram_depth));
    if (axi_data_bits != 32 && axi_data_bits != 64 && axi_data_bits != 128)
        bad("axi_data_bits", fmt::format("= {} must be 32, 64 or 128", axi_data_bits));
    if (max_burst_beats < 1 || max_burst_beats > 256)
        bad("max_burst_beats", fmt::format("= {} is out of range [1, 256] (AXI4)", max_burst_beats));
    // Limits beyond the published widths select the extended layout; its widths bound them.
    const auto ext = regs::RegisterLayout::Extended;
    const int n_top = static_cast<int>(regs::field_max(ext, "n0")), m_top = static_cast<int>(regs::field_max(ext, "m"));
    if (lanes > 0 && (max_n % lanes || max_n < lanes || max_n > n_top))
        bad("max_n", fmt::format("= {} must be a multiple of lanes ({}) in [{}, {}] (N0 / N1: 10 bits, {} in the "
                                 "extended register layout)", max_n, lanes, lanes, n_top, regs::field_width(ext, "n0")));
    if (lanes > 0 && (max_m % lanes || max_m < lanes || max_m > m_top))
        bad("max_m", fmt::format("= {} must be a multiple of lanes ({}) in [{}, {}] (M: 12 bits, {} in the extended "
                                 "register layout)", max_m, lanes, lanes, m_top, regs::field_width(ext, "m")));
    for (auto [name, v, field] : {std::tuple{"max_num_vector", max_num_vector, "num_vector"},
                                  {"max_num_timestep", max_num_timestep, "num_timestep"}}) {
        const int top = static_cast<int>(regs::field_max(ext, field));
        if (v < 1 || v > top)
            bad(name, fmt::format("= {} is out of range [1, {}] ({}: 8 bits, {} in the extended register layout)", v,
                                  top, field, regs::field_width(ext, field)));
    }

    const auto& t = timing;
    for (auto [name, v] : {std::pair{"ii_layer_norm", t.ii_layer_norm}, {"ii_softmax", t.ii_softmax},
                           {"ii_element_add", t.ii_element_add}, {"ii_entropy", t.ii_entropy},
                           {"ii_dvfs", t.ii_dvfs}, {"encoder_cycles_per_vector", t.encoder_cycles_per_vector}}) {
        if (v < 1 || v > 64) bad(std::string("timing.") + name, fmt::format("= {} is out of range [1, 64]", v));
    }
    for (auto [name, v] : {std::pair{"sfu_pipeline_depth", t.sfu_pipeline_depth},
                           {"matmul_pipeline_depth", t.matmul_pipeline_depth},
                           {"command_decode_cycles", t.command_decode_cycles},
                           {"irq_pulse_cycles", t.irq_pulse_cycles},
                           {"dma_setup_cycles", t.dma_setup_cycles},
                           {"axi_burst_overhead_cycles", t.axi_burst_overhead_cycles}}) {
        if (v < 0 || v > 1000) bad(std::string("timing.") + name, fmt::format("= {} is out of range [0, 1000]", v));
    }
    if (t.irq_pulse_cycles < 1) bad("timing.irq_pulse_cycles", "must be at least 1");
    if (!(ldo.v_min > 0 && ldo.v_min < ldo.v_max && ldo.v_max <= 1.5))
        bad("ldo", fmt::format("v_min = {} and v_max = {} must satisfy 0 < v_min < v_max <= 1.5", ldo.v_min, ldo.v_max));
    if (ldo.code_bits < 1 || ldo.code_bits > 8) bad("ldo.code_bits", "is out of range [1, 8]");
    if (!(ldo.slew_v_per_ns > 0)) bad("ldo.slew_v_per_ns", "must be > 0");
    if (!(ldo.settle_fixed_ns >= 0)) bad("ldo.settle_fixed_ns", "must be >= 0");
    if (!(ldo.initial_v >= ldo.v_min && ldo.initial_v <= ldo.v_max))
        bad("ldo.initial_v", fmt::format("= {} is out of range [{}, {}]", ldo.initial_v, ldo.v_min, ldo.v_max));
    if (!(adpll.f_min_mhz > 0 && adpll.f_min_mhz < adpll.f_max_mhz && adpll.f_max_mhz <= 10000))
        bad("adpll", "f_min_mhz and f_max_mhz must satisfy 0 < f_min_mhz < f_max_mhz <= 10000");
    if (adpll.code_bits < 1 || adpll.code_bits > 6) bad("adpll.code_bits", "is out of range [1, 6]");
    if (!(adpll.lock_ns >= 0)) bad("adpll.lock_ns", "must be >= 0");
    if (!(adpll.initial_mhz >= adpll.f_min_mhz && adpll.initial_mhz <= adpll.f_max_mhz))
        bad("adpll.initial_mhz", fmt::format("= {} is out of range [{}, {}]", adpll.initial_mhz,
                                             adpll.f_min_mhz, adpll.f_max_mhz));
    // The LUT maps every code of the format through a 2^act_total_bits-byte table
    // held in ceil(2^act_total_bits / lanes) aux rows.
    const int lut_rows = ((1 << act_format.total_bits) + lanes - 1) / lanes;
    if (sfu_lut && aux_sram_depth < lut_rows)
        bad("sfu_lut", fmt::format("needs aux_sram_depth >= 2^act_total_bits / lanes = {} rows for its table "
                                   "(aux_sram_depth = {})", lut_rows, aux_sram_depth));
    if (dvfs_thresholds.size() != 15)
        bad("dvfs_thresholds", fmt::format("has {} entries, expected 15 (16 levels: 15 DCO fields in 0x64-0x6C)",
                                           dvfs_thresholds.size()));
    for (size_t i = 1; i < dvfs_thresholds.size(); ++i)
        if (dvfs_thresholds[i] <= dvfs_thresholds[i - 1]) bad("dvfs_thresholds", "must be strictly ascending");
}

EdgebertTileConfig parse_edgebert_tile_config(const JsonReader& r) {
    EdgebertTileConfig c;
    r.reject_unknown({"lanes", "num_vmacs", "act_total_bits", "act_exp_bits", "bias_min", "bias_max",
                      "accum_bits", "input_sram_depth", "mask_sram_depth", "aux_sram_depth",
                      "axi_data_bits", "max_burst_beats", "max_n", "max_m", "checks", "sfu_lut", "dense_results", "timing", "ldo",
                      "adpll", "dvfs_thresholds"});
    auto geti = [&](const JsonReader& j, const char* k, int dflt) {
        return static_cast<int>(j.get_int(k, INT32_MIN, INT32_MAX, dflt));
    };
    c.lanes = geti(r, "lanes", c.lanes);
    c.num_vmacs = geti(r, "num_vmacs", c.num_vmacs);
    c.act_format.total_bits = geti(r, "act_total_bits", c.act_format.total_bits);
    c.act_format.exp_bits = geti(r, "act_exp_bits", c.act_format.exp_bits);
    if (!r.has("bias_min") && !r.has("bias_max")) c.bias_range = default_bias_range(c.act_format);
    c.bias_range.min = geti(r, "bias_min", c.bias_range.min);
    c.bias_range.max = geti(r, "bias_max", c.bias_range.max);
    c.accum_bits = geti(r, "accum_bits", c.accum_bits);
    c.input_sram_depth = geti(r, "input_sram_depth", c.input_sram_depth);
    c.mask_sram_depth = geti(r, "mask_sram_depth", c.mask_sram_depth);
    c.aux_sram_depth = geti(r, "aux_sram_depth", c.aux_sram_depth);
    c.axi_data_bits = geti(r, "axi_data_bits", c.axi_data_bits);
    c.max_burst_beats = geti(r, "max_burst_beats", c.max_burst_beats);
    c.max_n = geti(r, "max_n", c.max_n);
    c.max_m = geti(r, "max_m", c.max_m);
    // max_num_vector / max_num_timestep are the fields' maxima in the configuration's layout.
    derive_limits(c, r.has("max_n"), r.has("max_m"), false, false);
    c.checks = r.get_enum("checks", {"strict", "silicon"}, check_mode_name(c.checks)) == "silicon" ? CheckMode::Silicon
                                                                                           : CheckMode::Strict;
    c.sfu_lut = r.get_bool("sfu_lut", c.sfu_lut);
    c.dense_results = r.get_bool("dense_results", c.dense_results);
    if (r.has("timing")) {
        const auto t = r.child("timing");
        auto& o = c.timing;
        t.reject_unknown({"ii_layer_norm", "ii_softmax", "ii_element_add", "ii_entropy", "ii_dvfs",
                          "sfu_pipeline_depth", "matmul_pipeline_depth", "encoder_cycles_per_vector",
                          "overlap_load_compute", "command_decode_cycles", "irq_pulse_cycles",
                          "dma_setup_cycles", "axi_burst_overhead_cycles"});
        o.ii_layer_norm = geti(t, "ii_layer_norm", o.ii_layer_norm);
        o.ii_softmax = geti(t, "ii_softmax", o.ii_softmax);
        o.ii_element_add = geti(t, "ii_element_add", o.ii_element_add);
        o.ii_entropy = geti(t, "ii_entropy", o.ii_entropy);
        o.ii_dvfs = geti(t, "ii_dvfs", o.ii_dvfs);
        o.sfu_pipeline_depth = geti(t, "sfu_pipeline_depth", o.sfu_pipeline_depth);
        o.matmul_pipeline_depth = geti(t, "matmul_pipeline_depth", o.matmul_pipeline_depth);
        o.encoder_cycles_per_vector = geti(t, "encoder_cycles_per_vector", o.encoder_cycles_per_vector);
        o.overlap_load_compute = t.get_bool("overlap_load_compute", o.overlap_load_compute);
        o.command_decode_cycles = geti(t, "command_decode_cycles", o.command_decode_cycles);
        o.irq_pulse_cycles = geti(t, "irq_pulse_cycles", o.irq_pulse_cycles);
        o.dma_setup_cycles = geti(t, "dma_setup_cycles", o.dma_setup_cycles);
        o.axi_burst_overhead_cycles = geti(t, "axi_burst_overhead_cycles", o.axi_burst_overhead_cycles);
    }
    if (r.has("ldo")) {
        const auto l = r.child("ldo");
        l.reject_unknown({"v_min", "v_max", "code_bits", "slew_v_per_ns", "settle_fixed_ns", "initial_v"});
        c.ldo.v_min = l.get_double("v_min", 0, 10, c.ldo.v_min);
        c.ldo.v_max = l.get_double("v_max", 0, 10, c.ldo.v_max);
        c.ldo.code_bits = geti(l, "code_bits", c.ldo.code_bits);
        c.ldo.slew_v_per_ns = l.get_double("slew_v_per_ns", 0, 1e3, c.ldo.slew_v_per_ns);
        c.ldo.settle_fixed_ns = l.get_double("settle_fixed_ns", 0, 1e6, c.ldo.settle_fixed_ns);
        c.ldo.initial_v = l.get_double("initial_v", 0, 10, c.ldo.initial_v);
    }
    if (r.has("adpll")) {
        const auto a = r.child("adpll");
        a.reject_unknown({"f_min_mhz", "f_max_mhz", "code_bits", "lock_ns", "initial_mhz"});
        c.adpll.f_min_mhz = a.get_double("f_min_mhz", 0, 1e5, c.adpll.f_min_mhz);
        c.adpll.f_max_mhz = a.get_double("f_max_mhz", 0, 1e5, c.adpll.f_max_mhz);
        c.adpll.code_bits = geti(a, "code_bits", c.adpll.code_bits);
        c.adpll.lock_ns = a.get_double("lock_ns", 0, 1e6, c.adpll.lock_ns);
        c.adpll.initial_mhz = a.get_double("initial_mhz", 0, 1e5, c.adpll.initial_mhz);
    }
    if (r.has("dvfs_thresholds")) {
        c.dvfs_thresholds.clear();
        for (double v : r.get_double_array("dvfs_thresholds")) {
            if (v < 0 || v > 65535 || v != std::floor(v))
                r.fail("dvfs_thresholds", fmt::format("entry {} is not an integer in [0, 65535]", v));
            c.dvfs_thresholds.push_back(static_cast<uint32_t>(v));
        }
    }
    c.validate(r.origin());
    return c;
}

EdgebertTileConfig load_edgebert_tile_config(const std::string& path) {
    const auto root = parse_json_file(path);
    const JsonReader r(root, path);
    if (!r.has("edgebert")) {
        EdgebertTileConfig c;
        c.validate(path);
        return c;
    }
    return parse_edgebert_tile_config(r.child("edgebert"));
}

}  // namespace edgebert::hw
