#include "hw/edgebert/command_check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "common/error.hpp"
#include "hw/edgebert/functional/sfu_ops.hpp"

namespace edgebert::hw {

using regs::ErrorCause;

const char* const kHangsText = "the original hardware hangs here (no interrupt)";

namespace {

using Named = std::vector<std::pair<std::string, uint32_t>>;

// Field access on a register file, in the tile's register layout.
class Regs {
public:
    Regs(const RegisterFile& r, regs::RegisterLayout l) : r_(r), l_(l) {}
    uint32_t operator()(const char* name) const { return regs::decode_field(l_, r_.data(), name); }
    std::pair<std::string, uint32_t> named(const char* name) const { return {name, (*this)(name)}; }
    uint32_t word(uint32_t offset) const { return r_[offset / 4]; }
    int i(const char* name) const { return static_cast<int>((*this)(name)); }

private:
    const RegisterFile& r_;
    regs::RegisterLayout l_;
};

int mod(int v, int n) { return ((v % n) + n) % n; }

// Rows [a0, a0 + an) and [b0, b0 + bn) of an SRAM of `depth` rows, either of
// which may wrap past the last row, share a row.
bool overlap_mod(int a0, int an, int b0, int bn, int depth) {
    if (an <= 0 || bn <= 0) return false;
    if (an >= depth || bn >= depth) return true;
    const int rel = mod(b0 - a0, depth);  // b starts rel rows after a
    return rel < an || rel + bn > depth;
}

void add(CommandPlan& p, ErrorCause c, HwEffect e, std::string check, std::string hardware, Named regs) {
    p.violations.push_back({c, e, std::move(check), std::move(hardware), std::move(regs)});
}

bool stops(const CommandPlan& p) {
    for (const auto& v : p.violations)
        if (v.effect == HwEffect::Hangs || v.effect == HwEffect::Refused) return true;
    return false;
}

// dense_results (ext, base_output bit 31) of a command that encodes a result: with
// cfg.dense_results it selects dense encoding; without it strict mode refuses the
// command and silicon mode ignores the bit, as the original (which has no such bit) does.
bool dense_out(const EdgebertTileConfig& cfg, const Regs& f, CommandPlan& p) {
    if (f("dense_results") == 0) return false;
    if (cfg.dense_results) return true;
    add(p, ErrorCause::kBadMode, HwEffect::Runs,
        fmt::format("{} with dense_results = 1 (base_output bit 31) needs the dense-results extension, which this "
                    "tile does not have (edgebert.dense_results = false)",
                    regs::command_name(p.command)),
        "ignored: the original has no such bit and writes the result bitmask-compressed", {f.named("dense_results")});
    return false;
}

// Collects every region that runs past its SRAM into one kSramOverflow violation,
// and the footprint of the command (wrapped ranges capped at the depth).
class Regions {
public:
    Regions(const EdgebertTileConfig& cfg, const Regs& f, CommandPlan& p) : cfg_(cfg), f_(f), p_(p) {}
    // `count` rows from `first`; `field` names the register that holds `first`.
    void use(const char* what, SramId s, int first, int count, bool written, const char* field,
             int footprint_count = -1) {
        const int depth = sram_depth(cfg_, s);
        if (first + count > depth) {
            regions_.push_back(fmt::format("{} rows [{}, {}) of the {} SRAM ({} rows)", what, first, first + count,
                                           sram_name(s), depth));
            regs_.push_back(f_.named(field));
        }
        int n = footprint_count < 0 ? count : footprint_count;
        // A checked SRAM never wraps; a wrapping one holds at most `depth` distinct rows.
        n = cfg_.checks == CheckMode::Silicon ? std::min(n, depth) : std::min(n, std::max(0, depth - first));
        p_.footprint.push_back({s, first, n, written});
    }
    void finish() {
        if (regions_.empty()) return;
        std::string list;
        for (const auto& r : regions_) list += (list.empty() ? "" : "; ") + r;
        add(p_, ErrorCause::kSramOverflow, HwEffect::Runs, "every region must fit its SRAM: " + list + " does not",
            "addresses wrap modulo the SRAM depth (row first + i is row (first + i) mod depth)", regs_);
    }

private:
    const EdgebertTileConfig& cfg_;
    const Regs& f_;
    CommandPlan& p_;
    std::vector<std::string> regions_;
    Named regs_;
};

void plan_dma(const EdgebertTileConfig& cfg, const Regs& f, CommandPlan& p) {
    const uint32_t c = p.command;
    const int dec = f.i("flip_mem");
    DmaPlan& j = p.dma_job;
    j.to_sram = c == regs::kCmdMaskRead || c == regs::kCmdInputRead || c == regs::kCmdAuxRead;
    // use_axi routes the SRAMs' read responses: a DMA read into the SRAMs writes
    // without a response and works either way; a write-out needs the responses.
    if (!j.to_sram && f("use_axi") != 1)
        add(p, ErrorCause::kBadMode, HwEffect::Hangs, "a write-out (commands 2, 4, 6) needs use_axi = 1", kHangsText,
            {f.named("use_axi")});
    const char* base = nullptr;
    const char* length = "dma_length";
    const char* what = nullptr;
    switch (c) {
        case regs::kCmdMaskRead:
        case regs::kCmdMaskWrite:
            j.sram = mask_sram_of(dec);
            // Reads land at the decoder's base (ext); write-outs read from the output base, as the original.
            base = j.to_sram ? (dec ? "base_mask1" : "base_mask0") : "base_output_mask";
            j.dram_addr = f.word(c == regs::kCmdMaskRead ? regs::kMaskRdAddr : regs::kMaskWrAddr);
            what = "mask DMA";
            break;
        case regs::kCmdInputRead:
        case regs::kCmdInputWrite:
            j.sram = input_sram_of(dec);
            base = j.to_sram ? (dec ? "base_input1" : "base_input0") : "base_output";
            j.dram_addr = f.word(c == regs::kCmdInputRead ? regs::kInputRdAddr : regs::kInputWrAddr);
            what = "input DMA";
            break;
        default:
            j.sram = SramId::Aux;
            base = "aux_dma_base";
            length = "aux_dma_length";
            j.dram_addr = f.word(c == regs::kCmdAuxRead ? regs::kAuxRdAddr : regs::kAuxWrAddr);
            what = "aux DMA";
    }
    j.first_row = f.i(base);
    j.rows = f.i(length) + 1;
    Regions r(cfg, f, p);
    r.use(what, j.sram, j.first_row, j.rows, j.to_sram, base);
    r.finish();
    if (!p.violations.empty() && p.violations.back().cause == ErrorCause::kSramOverflow)
        p.violations.back().registers.push_back(f.named(length));
}

void plan_matmul(const EdgebertTileConfig& cfg, const Regs& f, CommandPlan& p) {
    const int L = cfg.lanes, bmin = cfg.bias_range.min;
    MatmulJob& j = p.matmul;
    auto& mp = j.params;
    const int n0 = f.i("n0"), n1 = f.i("n1"), m = f.i("m");
    mp.n0 = n0, mp.n1 = n1, mp.m = m;
    mp.a_bias = bmin + f.i("bias_act1");
    mp.b_bias = bmin + f.i("bias_act2");
    mp.out_bias = bmin + f.i("accum_bias");
    mp.relu = f("is_relu");
    mp.add_bias = f("is_bias");
    mp.weight_bias = regs::field_value(f.word(regs::kMatmulConfig), 8, 8, true);
    mp.shift = f.i("accum_shift");
    j.a_mask_base = f.i("base_mask0");
    j.a_input_base = f.i("base_input0");
    j.b_mask_base = f.i("base_mask1");
    j.b_input_base = f.i("base_input1");
    j.out_decoder = f.i("flip_mem");
    j.out_input_base = f.i("base_output");
    j.out_mask_base = f.i("base_output_mask");
    j.dense_out = dense_out(cfg, f, p);

    auto ok = [&](int v, int max) { return v > 0 && v % L == 0 && v <= max; };
    if (!ok(n0, cfg.max_n) || !ok(n1, cfg.max_n) || !ok(m, cfg.max_m)) {
        // What the original's counters make of it (notes §4.4): N0 is floored to
        // whole 16-row blocks; no expected output completes at once; an N1 or M
        // that is not whole blocks (or M = 0) starves the datapath.
        const std::string rule =
            fmt::format("N0 = {}, N1 = {} and M = {} must be positive multiples of {} (lanes), N0 and N1 <= {}, "
                        "M <= {}", n0, n1, m, L, cfg.max_n, cfg.max_m);
        const Named dims = {f.named("n0"), f.named("n1"), f.named("m")};
        const int n0f = n0 / L * L;
        mp.n0 = n0f;
        if (n0f == 0 || n1 == 0) {
            mp.n0 = 0;
            add(p, ErrorCause::kBadDims, HwEffect::Runs, rule,
                fmt::format("N0 is floored to {} and N1 = {}: no output vector is expected, so the command completes "
                            "at once without output", n0f, n1), dims);
            return;
        }
        if (n1 % L || m == 0 || m % L) {
            add(p, ErrorCause::kBadDims, HwEffect::Hangs, rule + (m % L || m == 0 ? " (M)" : " (N1)"), kHangsText,
                dims);
            return;
        }
        if (n0f > cfg.max_n || n1 > cfg.max_n || m > cfg.max_m) {
            add(p, ErrorCause::kBadDims, HwEffect::Refused, rule,
                "beyond this configuration's limits (edgebert.max_n / max_m): refused in both modes", dims);
            return;
        }
        add(p, ErrorCause::kBadDims, HwEffect::Runs, rule,
            fmt::format("N0 = {} is floored to {} (the remaining rows are ignored)", n0, n0f), dims);
    }
    try {
        fn::validate_matmul(cfg, mp);
    } catch (const ShapeError& e) {  // bias fields beyond a configured bias range
        add(p, ErrorCause::kBadDims, HwEffect::Refused, e.what(),
            "beyond this configuration's limits: refused in both modes",
            {f.named("bias_act1"), f.named("bias_act2"), f.named("accum_bias")});
        return;
    }
    const int a_vec = mp.n0 * m / L, b_vec = n1 * m / L, c_vec = mp.n0 * n1 / L;
    const int d = j.out_decoder;
    Regions r(cfg, f, p);
    r.use("A mask", SramId::Mask0, j.a_mask_base, a_vec, false, "base_mask0");
    r.use("A input", SramId::Input0, j.a_input_base, 1, false, "base_input0", a_vec);
    r.use("B mask", SramId::Mask1, j.b_mask_base, b_vec, false, "base_mask1");
    r.use("B input", SramId::Input1, j.b_input_base, 1, false, "base_input1", b_vec);
    r.use("result mask", mask_sram_of(d), j.out_mask_base, c_vec, true, "base_output_mask");
    r.use("result input", input_sram_of(d), j.out_input_base, c_vec, true, "base_output");
    r.finish();
}

void plan_sfu(const EdgebertTileConfig& cfg, const Regs& f, CommandPlan& p) {
    const int bmin = cfg.bias_range.min;
    SfuJob& j = p.sfu;
    uint32_t want = regs::kGbEntropy;
    switch (p.command) {
        case regs::kCmdLayerNorm: j.op = SfuOp::LayerNorm; want = regs::kGbLayerNorm; break;
        case regs::kCmdSoftmax: j.op = SfuOp::Softmax; want = regs::kGbSoftmax; break;
        case regs::kCmdElementAdd: j.op = SfuOp::ElementAdd; want = regs::kGbElementAdd; break;
        case regs::kCmdEntropy: j.op = SfuOp::Entropy; break;
        case regs::kCmdLut: j.op = SfuOp::Lut; want = regs::kGbLut; break;
        default: j.op = SfuOp::Dvfs;
    }
    const bool lut = j.op == SfuOp::Lut;
    // gb_mode bit 4 is the LUT extension's; without it the field is the original's 4 bits.
    const uint32_t gb_mode = cfg.sfu_lut ? f("gb_mode") : f("gb_mode") & regs::kGbModeOriginalMask;
    if (gb_mode != want)
        add(p, ErrorCause::kBadMode, HwEffect::Hangs,
            fmt::format("{} needs gb_mode = {}", regs::command_name(p.command), want), kHangsText,
            {f.named("gb_mode")});
    j.num_vector = f.i("num_vector");
    j.num_timestep = f.i("num_timestep");
    const Named shape = {f.named("num_vector"), f.named("num_timestep")};
    if (j.num_vector < 1 || j.num_timestep < 1) {
        add(p, ErrorCause::kBadDims, HwEffect::Hangs, "num_vector and num_timestep must be at least 1", kHangsText,
            shape);
    } else if (j.num_vector > cfg.max_num_vector || j.num_timestep > cfg.max_num_timestep) {
        add(p, ErrorCause::kBadDims, HwEffect::Refused,
            fmt::format("num_vector <= {} and num_timestep <= {}", cfg.max_num_vector, cfg.max_num_timestep),
            "beyond this configuration's limits: refused in both modes", shape);
    } else if (j.num_vector * cfg.lanes > fn::kSfuMaxRowLen) {  // lanes 64: max_num_vector's default stays below
        add(p, ErrorCause::kBadDims, HwEffect::Refused,
            fmt::format("num_vector x lanes = {} x {} must not exceed the {}-element rows the SFU's accumulators "
                        "hold", j.num_vector, cfg.lanes, fn::kSfuMaxRowLen),
            "beyond this configuration's limits: refused in both modes", shape);
    }
    // The fields the operation uses (the list per command in docs/register-map.md
    // is checked against this by tests/unit/edgebert/test_register_map_commands.cpp).
    if (!lut) j.x_bias = bmin + f.i("bias_act1");  // the LUT maps codes to codes: no bias field
    j.x_mask_base = f.i("base_mask0");
    j.x_input_base = f.i("base_input0");
    if (j.op == SfuOp::ElementAdd) {
        j.y_bias = bmin + f.i("bias_act2");
        j.y_mask_base = f.i("base_mask1");
        j.y_input_base = f.i("base_input1");
    }
    if (sfu_writes_output(j.op)) {
        if (!lut) j.out_bias = bmin + f.i("bias_act3");
        j.out_decoder = f.i("flip_mem");
        j.out_input_base = f.i("base_output");
        j.out_mask_base = f.i("base_output_mask");
        j.dense_out = dense_out(cfg, f, p);
    }
    if (j.op == SfuOp::LayerNorm) {
        j.gamma_row = f.i("base_gamma");
        j.beta_row = f.i("base_beta");
        j.gamma_bias = bmin + f.i("bias_gamma");
        j.beta_bias = bmin + f.i("bias_beta");
    }
    if (j.op == SfuOp::Softmax) {
        j.span_row = f.i("base_attn_span");
        j.span_bias = bmin + f.i("bias_attn_span");
    }
    if (lut) j.gamma_row = f.i("base_gamma");  // the table's first aux row
    if (j.op == SfuOp::Entropy || j.op == SfuOp::Dvfs) j.threshold_q10 = static_cast<uint16_t>(f("entropy_threshold"));
    if (j.op == SfuOp::Dvfs) {
        j.entropy_scale = f.i("entropy_scale");
        j.direct_level = f.i("direct_level");
        static const char* const dco[] = {"dco_codes_0_4", "dco_codes_5_9", "dco_codes_10_14"};
        static const char* const ldo[] = {"ldo_codes_0_3", "ldo_codes_4_7", "ldo_codes_8_11", "ldo_codes_12_15"};
        for (int l = 0; l < 15; ++l) j.dco_codes[l] = regs::field_value(f(dco[l / 5]), (l % 5) * 6, 6);
        for (int l = 0; l < 16; ++l) j.ldo_codes[l] = regs::field_value(f(ldo[l / 4]), (l % 4) * 8, 8);
    }
    if (stops(p)) return;
    const int vec = j.num_vector * j.num_timestep, d = j.out_decoder;
    Regions r(cfg, f, p);
    r.use("X mask", SramId::Mask0, j.x_mask_base, vec, false, "base_mask0");
    r.use("X input", SramId::Input0, j.x_input_base, 1, false, "base_input0", vec);
    if (j.op == SfuOp::ElementAdd) {
        r.use("Y mask", SramId::Mask1, j.y_mask_base, vec, false, "base_mask1");
        r.use("Y input", SramId::Input1, j.y_input_base, 1, false, "base_input1", vec);
    }
    if (j.op == SfuOp::LayerNorm) {
        r.use("gamma", SramId::Aux, j.gamma_row, j.num_vector, false, "base_gamma");
        r.use("beta", SramId::Aux, j.beta_row, j.num_vector, false, "base_beta");
    }
    if (j.op == SfuOp::Softmax) r.use("span mask", SramId::Aux, j.span_row, j.num_vector, false, "base_attn_span");
    if (lut) r.use("LUT table", SramId::Aux, j.gamma_row, fn::lut_table_rows(cfg), false, "base_gamma");
    if (sfu_writes_output(j.op)) {
        r.use("result mask", mask_sram_of(d), j.out_mask_base, vec, true, "base_output_mask");
        r.use("result input", input_sram_of(d), j.out_input_base, vec, true, "base_output");
    }
    r.finish();
}

void plan_compute(const EdgebertTileConfig& cfg, const Regs& f, CommandPlan& p) {
    const bool sfu = p.command != regs::kCmdMatmul, lut = p.command == regs::kCmdLut;
    if (f("use_axi") != 0)
        add(p, ErrorCause::kBadMode, HwEffect::Hangs,
            lut ? "the LUT command (13, ext) needs use_axi = 0" : "compute commands (7-12) need use_axi = 0",
            kHangsText, {f.named("use_axi")});
    if (f("use_gb") != (sfu ? 1u : 0u))
        add(p, ErrorCause::kBadMode, HwEffect::Hangs,
            lut   ? "the LUT command (13, ext) needs use_gb = 1"
            : sfu ? "special-function commands (8-12) need use_gb = 1"
                  : "a matmul needs use_gb = 0",
            kHangsText, {f.named("use_gb")});
    if (sfu) plan_sfu(cfg, f, p);
    else plan_matmul(cfg, f, p);
}

// The result of an operation over the operand of its output decoder.
void result_overlap(const EdgebertTileConfig& cfg, std::vector<CheckViolation>& v, int d, int out_mask, int out_input,
                    int out_vec, int mask_base, int mask_rows, int input_base, int input_rows) {
    if (!overlap_mod(out_input, out_vec, input_base, input_rows, cfg.input_sram_depth) &&
        !overlap_mod(out_mask, out_vec, mask_base, mask_rows, cfg.mask_sram_depth))
        return;
    v.push_back({ErrorCause::kOverlap, HwEffect::Runs,
                 fmt::format("the result must not overlap the operand it reads in decoder {}", d),
                 "no check: the result is encoded over the operand's rows (this model reads the whole operand first)",
                 {{"base_output", out_input}, {"base_output_mask", out_mask},
                  {d ? "base_input1" : "base_input0", input_base}, {d ? "base_mask1" : "base_mask0", mask_base}}});
}

CheckViolation past_end(int base0, int base1) {
    return {ErrorCause::kSramOverflow, HwEffect::Runs, "an operand's packed rows must end within the input SRAM",
            "the decoder's bank pointers wrap modulo the input SRAM depth",
            {{"base_input0", base0}, {"base_input1", base1}}};
}

}  // namespace

const char* sram_name(SramId s) {
    switch (s) {
        case SramId::Input0: return "decoder 0 input";
        case SramId::Mask0: return "decoder 0 mask";
        case SramId::Input1: return "decoder 1 input";
        case SramId::Mask1: return "decoder 1 mask";
        case SramId::Aux: return "aux";
    }
    return "?";
}

int sram_depth(const EdgebertTileConfig& cfg, SramId s) {
    switch (s) {
        case SramId::Input0:
        case SramId::Input1: return cfg.input_sram_depth;
        case SramId::Mask0:
        case SramId::Mask1: return cfg.mask_sram_depth;
        case SramId::Aux: return cfg.aux_sram_depth;
    }
    return 0;
}

bool ranges_conflict(const EdgebertTileConfig& cfg, const std::vector<SramRange>& a, const std::vector<SramRange>& b) {
    for (const auto& x : a)
        for (const auto& y : b)
            if (x.sram == y.sram && (x.written || y.written) &&
                overlap_mod(x.first, x.count, y.first, y.count, sram_depth(cfg, x.sram)))
                return true;
    return false;
}

CommandPlan plan_command(const EdgebertTileConfig& cfg, const RegisterFile& regs, uint32_t command) {
    CommandPlan p;
    p.command = command;
    const Regs f(regs, cfg.register_layout());
    const bool ext = command == regs::kCmdLut && cfg.sfu_lut;  // the extension, when configured
    if (command == regs::kCmdNone || (command > regs::kMaxCommand && !ext)) {
        const std::string check =
            command == regs::kCmdLut
                ? "the command code must be 1..12: 13 (lut) is the SFU lookup-table extension, which this tile "
                  "does not have (edgebert.sfu_lut = false)"
                : cfg.sfu_lut ? "the command code must be 1..13" : "the command code must be 1..12";
        add(p, ErrorCause::kUnknownCommand, HwEffect::Ignored, check,
            "ignored: no unit starts and no interrupt is raised", {{"command", command}});
        return p;
    }
    p.known = true;
    p.dma = regs::is_dma_command(command);
    if (p.dma) plan_dma(cfg, f, p);
    else plan_compute(cfg, f, p);
    return p;
}

CheckViolation busy_violation(uint32_t command, uint32_t running, bool dma) {
    return {ErrorCause::kBusy, HwEffect::Runs,
            fmt::format("one {} command at a time ({} is running)", dma ? "DMA" : "compute", regs::command_name(running)),
            "back-pressure: the command waits until the running one finishes, then runs with the registers as they "
            "were when it was written",
            {{"command", command}, {"running", running}}};
}

CheckViolation overlap_violation(uint32_t command, uint32_t running) {
    return {ErrorCause::kOverlap, HwEffect::Runs,
            fmt::format("{} must not touch SRAM rows that the running {} writes (or write rows it reads)",
                        regs::command_name(command), regs::command_name(running)),
            "no check: both run and the outcome depends on their timing (the functional model applies them in issue "
            "order)",
            {{"command", command}, {"running", running}}};
}

CheckViolation error_pending_violation(uint32_t ctrl_word, ErrorCause latched) {
    return {ErrorCause::kErrorPending, HwEffect::Runs,
            fmt::format("no command until a soft reset clears the latched error ({})", regs::error_cause_name(latched)),
            "the original has no error latch: the command runs", {{"ctrl", ctrl_word}}};
}

std::vector<CheckViolation> operand_checks(const EdgebertTileConfig& cfg, const MatmulJob& job, OperandUse a,
                                           OperandUse b) {
    std::vector<CheckViolation> v;
    if (a.past_end || b.past_end) v.push_back(past_end(job.a_input_base, job.b_input_base));
    const auto& p = job.params;
    const int L = cfg.lanes, d = job.out_decoder;
    result_overlap(cfg, v, d, job.out_mask_base, job.out_input_base, p.n0 * p.n1 / L,
                   d ? job.b_mask_base : job.a_mask_base, (d ? p.n1 : p.n0) * p.m / L,
                   d ? job.b_input_base : job.a_input_base, d ? b.input_rows_used : a.input_rows_used);
    return v;
}

std::vector<CheckViolation> operand_checks(const EdgebertTileConfig& cfg, const SfuJob& job, OperandUse x,
                                           OperandUse y) {
    std::vector<CheckViolation> v;
    if (x.past_end || y.past_end) v.push_back(past_end(job.x_input_base, job.y_input_base));
    const int d = job.out_decoder, vec = job.num_vector * job.num_timestep;
    // Decoder 1 is read only by element add.
    if (sfu_writes_output(job.op) && (d == 0 || job.op == SfuOp::ElementAdd))
        result_overlap(cfg, v, d, job.out_mask_base, job.out_input_base, vec, d ? job.y_mask_base : job.x_mask_base,
                       vec, d ? job.y_input_base : job.x_input_base, d ? y.input_rows_used : x.input_rows_used);
    return v;
}

CheckDecision decide(CheckMode mode, const std::vector<CheckViolation>& violations) {
    CheckDecision d;
    if (violations.empty()) {
        d.run = true;
        return d;
    }
    if (mode == CheckMode::Strict) {
        d.refuse = violations.front().cause;
        return d;
    }
    auto warn_all = [&](auto pred) {
        for (const auto& v : violations) {
            if (!pred(v)) continue;
            const bool seen = std::any_of(d.warnings.begin(), d.warnings.end(),
                                          [&](const CheckViolation& w) { return w.cause == v.cause; });
            if (!seen) d.warnings.push_back(v);
        }
    };
    auto halts = [](const CheckViolation& v) { return v.effect == HwEffect::Hangs || v.effect == HwEffect::Refused; };
    for (const auto& v : violations)
        if (halts(v)) {
            d.refuse = v.cause;
            warn_all(halts);
            return d;
        }
    for (const auto& v : violations)
        if (v.effect == HwEffect::Ignored) {
            warn_all([](const CheckViolation& w) { return w.effect == HwEffect::Ignored; });
            return d;
        }
    d.run = true;
    warn_all([](const CheckViolation&) { return true; });
    return d;
}

CheckWarning make_warning(const CheckViolation& v, uint32_t command, uint64_t cycle, uint64_t time_ps) {
    CheckWarning w;
    w.cycle = cycle;
    w.time_ps = time_ps;
    w.command = command;
    w.cause = v.cause;
    w.check = v.check;
    w.hardware = v.hardware;
    w.registers = v.registers;
    return w;
}

}  // namespace edgebert::hw
