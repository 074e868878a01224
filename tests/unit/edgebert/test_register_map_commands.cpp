// The "Commands" table of the register map (kCommandRegisters) against the code:
// for every command and every register field, starting from valid register
// files, the field is set to other values and the plan_command() result is
// compared with the unmodified one. A field the table does not list for the
// command must never change the plan (job, footprint or violations); a field
// it lists as decoded must change the job for some value; a field it lists as
// checked must never change the job but change the violations for some value.
// So a new field read in plan_command fails here until the table lists it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "hw/edgebert/command_check.hpp"
#include "tests/unit/edgebert/register_file_support.hpp"

using namespace edgebert::hw;
using namespace edgebert::hw::regs;
using edgebert::test::put;

namespace {

// A plan as text: the decoded job(s), and what the checks found. The
// structured bindings name every member, so a member added to one of these
// structs stops this from compiling until it is serialized here too.
struct PlanText {
    std::string job, checks;
};

template <typename T>
void items(std::ostringstream& o, const T& values) {
    o << "[";
    for (const auto& v : values) o << v << " ";
    o << "]";
}

PlanText text(const CommandPlan& plan) {
    const auto& [command, known, dma, dma_job, matmul, sfu, footprint, violations] = plan;
    std::ostringstream j, c;
    j << "command " << command << " known " << known << " dma " << dma;
    {
        const auto& [to_sram, sram, first_row, rows, dram_addr] = dma_job;
        j << " | dma " << to_sram << " " << static_cast<int>(sram) << " " << first_row << " " << rows << " "
          << dram_addr;
    }
    {
        const auto& [params, a_mask_base, a_input_base, b_mask_base, b_input_base, out_decoder, out_mask_base,
                     out_input_base, dense_out] = matmul;
        const auto& [n0, n1, m, a_bias, b_bias, out_bias, relu, add_bias, weight_bias, shift] = params;
        j << " | matmul " << n0 << " " << n1 << " " << m << " " << a_bias << " " << b_bias << " " << out_bias << " "
          << relu << " " << add_bias << " " << weight_bias << " " << shift << " " << a_mask_base << " "
          << a_input_base << " " << b_mask_base << " " << b_input_base << " " << out_decoder << " " << out_mask_base
          << " " << out_input_base << " " << dense_out;
    }
    {
        const auto& [op, num_vector, num_timestep, x_bias, y_bias, out_bias, x_mask_base, x_input_base, y_mask_base,
                     y_input_base, out_decoder, out_mask_base, out_input_base, out_dense, gamma_row, beta_row,
                     span_row, gamma_bias, beta_bias, span_bias, threshold_q10, entropy_scale, direct_level, dco_codes,
                     ldo_codes] = sfu;
        j << " | sfu " << static_cast<int>(op) << " " << num_vector << " " << num_timestep << " " << x_bias << " "
          << y_bias << " " << out_bias << " " << x_mask_base << " " << x_input_base << " " << y_mask_base << " "
          << y_input_base << " " << out_decoder << " " << out_mask_base << " " << out_input_base << " " << out_dense
          << " " << gamma_row
          << " " << beta_row << " " << span_row << " " << gamma_bias << " " << beta_bias << " " << span_bias << " "
          << threshold_q10 << " " << entropy_scale << " " << direct_level << " ";
        items(j, dco_codes);
        items(j, ldo_codes);
    }
    for (const auto& [sram, first, count, written] : footprint)
        c << "range " << static_cast<int>(sram) << " " << first << " " << count << " " << written << "; ";
    for (const auto& [cause, effect, check, hardware, registers] : violations) {
        c << "violation " << static_cast<int>(cause) << " " << static_cast<int>(effect) << " " << check << " "
          << hardware;
        for (const auto& [name, value] : registers) c << " " << name << "=" << value;
        c << "; ";
    }
    return {j.str(), c.str()};
}

uint32_t get(const RegisterFile& r, const Field& f) {
    return static_cast<uint32_t>(field_value(r[f.offset / 4], f.lsb, f.width));
}

// Valid register files for `cmd`: variant 0 with flip_mem = 0, variant 1 with
// flip_mem = 1; every field differs between the two, and no field is 0 where
// the plan could hide a read behind it (e.g. DVFS direct_level and entropy_scale).
RegisterFile legal_regs(uint32_t cmd, uint32_t v) {
    RegisterFile r{};
    put(r, "command", cmd);
    put(r, "flip_mem", v);
    put(r, "is_relu", v);
    put(r, "is_bias", 1 - v);
    put(r, "weight_bias", 0x85 + v);
    put(r, "accum_bias", 3 + v);
    put(r, "accum_shift", 5 + v);
    put(r, "n0", v ? 64 : 32);
    put(r, "n1", v ? 16 : 48);
    put(r, "m", v ? 128 : 64);
    put(r, "base_input0", 100 + v);
    put(r, "base_input1", 200 + v);
    put(r, "base_mask0", 300 + v);
    put(r, "base_mask1", 400 + v);
    put(r, "base_attn_span", 50 + v);
    put(r, "base_gamma", 10 + v);
    put(r, "base_beta", 30 + v);
    put(r, "bias_attn_span", 3 + v);
    put(r, "bias_gamma", 1 + v);
    put(r, "bias_beta", 2 + v);
    put(r, "num_vector", 4 + v);
    put(r, "num_timestep", 3 + v);
    put(r, "bias_act1", 2 + v);
    put(r, "bias_act2", 3 + v);
    put(r, "bias_act3", 4 + v);
    put(r, "entropy_threshold", 0x1234 + v);
    put(r, "entropy_scale", v ? 0 : 40);
    put(r, "direct_level", 7 + v);
    put(r, "mask_rd_addr", 0x80001000u + v * 0x100);
    put(r, "mask_wr_addr", 0x80002000u + v * 0x100);
    put(r, "input_rd_addr", 0x80003000u + v * 0x100);
    put(r, "input_wr_addr", 0x80004000u + v * 0x100);
    put(r, "aux_rd_addr", 0x80005000u + v * 0x100);
    put(r, "aux_wr_addr", 0x80006000u + v * 0x100);
    put(r, "dma_length", 63 + v);
    put(r, "aux_dma_length", 15 + v);
    put(r, "aux_dma_base", 20 + v);
    put(r, "base_output", 3000 + v);
    put(r, "base_output_mask", 3100 + v);
    put(r, "use_axi", cmd == kCmdMaskWrite || cmd == kCmdInputWrite || cmd == kCmdAuxWrite ? 1 : 0);
    put(r, "use_gb", cmd >= kCmdLayerNorm ? 1 : 0);
    const uint32_t gb[] = {kGbLayerNorm, kGbSoftmax, kGbElementAdd, kGbEntropy, kGbEntropy};
    put(r, "gb_mode", cmd >= kCmdLayerNorm ? gb[cmd - kCmdLayerNorm] : 0);
    put(r, "reset_mode", 0x81 + v);
    put(r, "mac_mode", 0x5A5A0000u + v);
    const char* codes[] = {"dco_codes_0_4",  "dco_codes_5_9",  "dco_codes_10_14", "ldo_codes_0_3",
                           "ldo_codes_4_7", "ldo_codes_8_11", "ldo_codes_12_15"};
    for (uint32_t i = 0; i < 7; ++i) put(r, codes[i], 0x12345678u * (i + 1) + v);
    return r;
}

// Values other than `base` within `width` bits: the extremes and seeded random ones.
std::vector<uint32_t> other_values(std::mt19937& rng, uint32_t base, int width) {
    const uint32_t max = width >= 32 ? 0xFFFFFFFFu : (1u << width) - 1u;
    std::vector<uint32_t> out;
    auto add = [&](uint32_t x) {
        if (x != base && std::find(out.begin(), out.end(), x) == out.end()) out.push_back(x);
    };
    add(0);
    add(max);
    add(base ^ 1u);
    std::uniform_int_distribution<uint32_t> dist(0, max);
    for (int i = 0; i < 6; ++i) add(dist(rng));
    return out;
}

bool listed(const std::vector<const char*>& names, const char* name) {
    return std::any_of(names.begin(), names.end(), [&](const char* n) { return std::strcmp(n, name) == 0; });
}

}  // namespace

TEST(RegisterMapCommands, TableNamesEveryCommandAndOnlyKnownFields) {
    std::set<std::string> fields;
    for (int i = 0; i < kNumRegisterFields; ++i) fields.insert(kRegisterFields[i].name);
    ASSERT_EQ(kNumCommandRegisters, static_cast<int>(kMaxCommand));
    for (int i = 0; i < kNumCommandRegisters; ++i) {
        const auto& c = kCommandRegisters[i];
        EXPECT_EQ(c.command, static_cast<uint32_t>(i + 1));
        std::set<std::string> seen;
        for (const auto* list : {&c.reads, &c.checks})
            for (const char* n : *list) {
                EXPECT_TRUE(fields.count(n)) << "command " << c.command << ": no register field " << n;
                EXPECT_TRUE(seen.insert(n).second) << "command " << c.command << ": " << n << " listed twice";
            }
        for (const char* s : {c.original_reads, c.original_depends, c.original_irq, c.model_irq}) {
            ASSERT_NE(s, nullptr);
            EXPECT_GT(std::strlen(s), 0u);
            EXPECT_EQ(std::strchr(s, '|'), nullptr) << "breaks the markdown table: " << s;
        }
    }
}

TEST(RegisterMapCommands, TheListedFieldsAreExactlyTheOnesThePlanReads) {
    // Strict: every violation is listed. The published tile and one with the dense_results
    // extension, which decodes that field (without it, setting the field is a violation).
    EdgebertTileConfig published, dense;
    dense.dense_results = true;
    std::mt19937 rng(20240611u);
    for (int ci = 0; ci < kNumCommandRegisters; ++ci) {
        const auto& c = kCommandRegisters[ci];
        std::map<std::string, bool> job_changed, checks_changed;
        for (const EdgebertTileConfig* tile : {&published, &dense})
        for (uint32_t variant = 0; variant < 2; ++variant) {
            const EdgebertTileConfig& cfg = *tile;
            RegisterFile base = legal_regs(c.command, variant);
            if (cfg.dense_results) put(base, "dense_results", variant);
            const CommandPlan plan = plan_command(cfg, base, c.command);
            ASSERT_TRUE(plan.known);
            ASSERT_TRUE(plan.violations.empty())
                << "command " << c.command << " variant " << variant << ": not a valid register file: "
                << text(plan).checks;
            const PlanText want = text(plan);
            for (int fi = 0; fi < kNumRegisterFields; ++fi) {
                const Field& f = kRegisterFields[fi];
                const bool reads = listed(c.reads, f.name), checks = listed(c.checks, f.name);
                for (uint32_t value : other_values(rng, get(base, f), f.width)) {
                    RegisterFile r = base;
                    put(r, f.name, value);
                    const PlanText got = text(plan_command(cfg, r, c.command));
                    const bool job = got.job != want.job, chk = got.checks != want.checks;
                    job_changed[f.name] = job_changed[f.name] || job;
                    checks_changed[f.name] = checks_changed[f.name] || chk;
                    const std::string where = "command " + std::to_string(c.command) + " (" +
                                              command_name(c.command) + "), field " + f.name + " = " +
                                              std::to_string(value) + ", variant " + std::to_string(variant);
                    if (!reads && !checks) {
                        EXPECT_FALSE(job || chk) << where << " changes the plan, but kCommandRegisters does not "
                                                 << "list the field for the command:\n  job  " << want.job
                                                 << "\n    -> " << got.job << "\n  checks " << want.checks
                                                 << "\n    -> " << got.checks;
                    }
                    if (checks) {
                        EXPECT_FALSE(job) << where << " changes the job: list it as decoded, not checked";
                    }
                }
            }
        }
        for (const char* n : c.reads)
            EXPECT_TRUE(job_changed[n]) << "command " << c.command << " (" << command_name(c.command)
                                        << ") lists " << n << " as decoded, but no value of it changes the job";
        for (const char* n : c.checks)
            EXPECT_TRUE(checks_changed[n]) << "command " << c.command << " (" << command_name(c.command)
                                           << ") lists " << n << " as checked, but no value of it changes the "
                                           << "violations";
    }
}

TEST(RegisterMapCommands, DvfsCodesAreTakenAtTheCommandWrite) {
    // Control applies the codes decoded by plan_command, not the registers at completion.
    const RegisterFile r = legal_regs(kCmdDvfs, 0);
    const SfuJob j = plan_command(EdgebertTileConfig{}, r, kCmdDvfs).sfu;
    for (int l = 0; l < 15; ++l)
        EXPECT_EQ(j.dco_codes[l], field_value(r[kDcoCodes0 / 4 + l / 5], (l % 5) * 6, 6)) << l;
    for (int l = 0; l < 16; ++l)
        EXPECT_EQ(j.ldo_codes[l], field_value(r[kLdoCodes0 / 4 + l / 4], (l % 4) * 8, 8)) << l;
}

TEST(RegisterMapCommands, ExtendedLayoutHighBitsReachExactlyTheCommandsThatListTheirField) {
    // The extended layout (docs/register-map.md, "Extended layout"): a bit above a field's published
    // width (in place, or in its extension register) changes the plan of exactly the commands that
    // list the field; the published layout ignores those bits.
    EdgebertTileConfig published, extended;
    extended.input_sram_depth = extended.mask_sram_depth = 65536;
    extended.aux_sram_depth = 4096;
    extended.default_limits();
    ASSERT_EQ(extended.register_layout(), RegisterLayout::Extended);
    for (int ci = 0; ci < kNumCommandRegisters; ++ci) {
        const auto& c = kCommandRegisters[ci];
        std::map<std::string, bool> changed;
        for (uint32_t variant = 0; variant < 2; ++variant) {
            const RegisterFile base = legal_regs(c.command, variant);
            const PlanText want_ext = text(plan_command(extended, base, c.command));
            const PlanText want_pub = text(plan_command(published, base, c.command));
            ASSERT_TRUE(plan_command(extended, base, c.command).violations.empty()) << want_ext.checks;
            for (int xi = 0; xi < kNumExtendedFields; ++xi) {
                const ExtendedField& x = kExtendedFields[xi];
                const int pw = field_width(RegisterLayout::Published, x.name);
                RegisterFile r = base;
                const uint32_t low = decode_field(RegisterLayout::Published, base.data(), x.name);
                encode_field(RegisterLayout::Extended, r.data(), x.name, low | (1u << pw));  // the lowest high bit
                const PlanText got = text(plan_command(extended, r, c.command));
                changed[x.name] = changed[x.name] || got.job != want_ext.job || got.checks != want_ext.checks;
                const PlanText pub = text(plan_command(published, r, c.command));
                EXPECT_TRUE(pub.job == want_pub.job && pub.checks == want_pub.checks)
                    << "the published layout decodes the high bit of " << x.name << " (command " << c.command << ")";
            }
        }
        for (int xi = 0; xi < kNumExtendedFields; ++xi) {
            const char* n = kExtendedFields[xi].name;
            EXPECT_EQ(changed[n], listed(c.reads, n) || listed(c.checks, n))
                << "command " << c.command << " (" << command_name(c.command) << "), high bit of " << n;
        }
    }
}
