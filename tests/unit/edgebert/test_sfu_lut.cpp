// The SFU lookup-table extension (command 13, edgebert.sfu_lut) without
// SystemC: the functional model, the configuration field, the command plan
// (checks, footprint, flag off = unknown command), the register-map table of
// the extension commands against plan_command, the generated C header, and the
// energy event. The tile-level tests are in test_sfu_lut_tile.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/json_reader.hpp"
#include "common/rng.hpp"
#include "hw/edgebert/command_check.hpp"
#include "hw/edgebert/functional/sfu_ops.hpp"
#include "hw/edgebert/register_map.hpp"
#include "hw/energy/energy_model.hpp"
#include "tests/unit/edgebert/register_file_support.hpp"

using namespace edgebert;
using namespace edgebert::hw;
using namespace edgebert::hw::regs;
using edgebert::test::put;

namespace {

EdgebertTileConfig lut_config(int lanes = 16) {
    EdgebertTileConfig c;
    c.lanes = lanes;
    c.sfu_lut = true;
    if (lanes == 32) c.max_n = 992, c.max_m = 4064;  // multiples of the lanes
    c.validate("test");
    return c;
}

std::vector<uint8_t> random_bytes(Rng& rng, size_t n) {
    std::vector<uint8_t> b(n);
    for (auto& x : b) x = static_cast<uint8_t>(rng.uniform_int(0, 255));
    return b;
}

// A valid LUT register file: x in decoder 0 at rows 100 / 300, table at aux row 40,
// result into decoder flip_mem at 3000 / 3100.
RegisterFile lut_regs(uint32_t flip_mem = 1, uint32_t nv = 4, uint32_t nt = 3) {
    RegisterFile r{};
    put(r, "flip_mem", flip_mem);
    put(r, "use_axi", 0);
    put(r, "use_gb", 1);
    put(r, "gb_mode", kGbLut);
    put(r, "num_vector", nv);
    put(r, "num_timestep", nt);
    put(r, "base_input0", 100);
    put(r, "base_mask0", 300);
    put(r, "base_gamma", 40);
    put(r, "base_output", 3000);
    put(r, "base_output_mask", 3100);
    return r;
}

}  // namespace

// ------------------------------------------------------------ functional model

TEST(SfuLutFunctional, MapsEveryCodeThroughTheTable) {
    for (int lanes : {8, 16, 32}) {
        const auto cfg = lut_config(lanes);
        Rng rng(static_cast<uint64_t>(lanes));
        const auto table = random_bytes(rng, 256);
        const int rows = 5, row_len = 3 * lanes;
        const auto x = random_bytes(rng, size_t(rows) * row_len);
        const auto y = fn::sfu_lut(cfg, x.data(), rows, row_len, table.data());
        ASSERT_EQ(y.size(), x.size());
        for (size_t k = 0; k < x.size(); ++k) {
            const uint8_t t = table[x[k]];
            EXPECT_EQ(y[k], (t & 0x7F) ? t : 0) << k;
        }
        EXPECT_EQ(fn::lut_table_rows(cfg), 256 / lanes);
    }
}

// Narrower formats: one entry per code (2^bits), in whole rows; a code with bits
// above the format is refused rather than read past the table.
TEST(SfuLutFunctional, NarrowFormatsHaveOneEntryPerCode) {
    for (auto [bits, exp, lanes, rows] : {std::tuple{6, 3, 16, 4}, {6, 2, 8, 8}, {4, 2, 16, 1}, {4, 2, 32, 1},
                                          {5, 2, 32, 1}, {8, 3, 32, 8}}) {
        auto cfg = lut_config(lanes);
        cfg.act_format = num::AdaptivFloatFormat{bits, exp};
        EXPECT_EQ(fn::lut_entries(cfg), 1 << bits);
        EXPECT_EQ(fn::lut_table_rows(cfg), rows) << bits << " bits, " << lanes << " lanes";
        EXPECT_EQ(fn::lut_table_bytes(cfg), rows * lanes);
        Rng rng(static_cast<uint64_t>(bits * 100 + lanes));
        const auto table = random_bytes(rng, size_t(fn::lut_table_bytes(cfg)));
        std::vector<uint8_t> x(size_t(2 * lanes));
        for (auto& c : x) c = static_cast<uint8_t>(rng.uniform_int(0, (1 << bits) - 1));
        const auto y = fn::sfu_lut(cfg, x.data(), 2, lanes, table.data());
        const uint8_t magnitude = cfg.act_format.magnitude_mask();
        for (size_t k = 0; k < x.size(); ++k) EXPECT_EQ(y[k], (table[x[k]] & magnitude) ? table[x[k]] : 0) << k;
        x[3] = static_cast<uint8_t>(1 << bits);
        if (bits < 8) EXPECT_THROW(fn::sfu_lut(cfg, x.data(), 2, lanes, table.data()), Error);
    }
}

TEST(SfuLutFunctional, IdentityZeroLanesAndNegativeZero) {
    const auto cfg = lut_config();
    std::vector<uint8_t> identity(256), x(256);
    for (int c = 0; c < 256; ++c) identity[size_t(c)] = x[size_t(c)] = static_cast<uint8_t>(c);
    auto y = fn::sfu_lut(cfg, x.data(), 1, 256, identity.data());
    for (int c = 0; c < 256; ++c) EXPECT_EQ(y[size_t(c)], c == 0x80 ? 0 : c) << c;  // no negative zero
    // A zero (masked-out) code reads table[0]: a non-zero table[0] makes the result dense.
    std::vector<uint8_t> t(256, 0x11);
    t[0] = 0x3C;
    const std::vector<uint8_t> zeros(16, 0);
    y = fn::sfu_lut(cfg, zeros.data(), 1, 16, t.data());
    EXPECT_EQ(y, std::vector<uint8_t>(16, 0x3C));
}

TEST(SfuLutFunctional, BadArgumentsAreNamed) {
    const auto cfg = lut_config();
    const std::vector<uint8_t> x(64, 1), t(256, 1);
    EXPECT_THROW(fn::sfu_lut(cfg, x.data(), 0, 16, t.data()), ShapeError);
    EXPECT_THROW(fn::sfu_lut(cfg, x.data(), 1, 24, t.data()), ShapeError);
    EXPECT_THROW(fn::sfu_lut(cfg, nullptr, 1, 16, t.data()), ShapeError);
    EXPECT_THROW(fn::sfu_lut(cfg, x.data(), 1, 16, nullptr), ShapeError);
    EdgebertTileConfig narrow;
    narrow.act_format = {6, 3};
    std::vector<uint8_t> wide = x;
    wide[5] = 64;  // above the 6-bit format's codes
    try {
        fn::sfu_lut(narrow, wide.data(), 1, 16, t.data());
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("code 64 at element 5 has bits above the 6-bit format"),
                  std::string::npos) << e.what();
    }
}

// ------------------------------------------------------------ configuration

TEST(SfuLutConfig, OffByDefaultAndInThePublishedConfigs) {
    EXPECT_FALSE(EdgebertTileConfig{}.sfu_lut);
    for (const char* f : {"default.json", "epochs.json"})
        EXPECT_FALSE(load_edgebert_tile_config(std::string(EDGEBERT_SOURCE_DIR) + "/configs/soc/" + f).sfu_lut) << f;
}

TEST(SfuLutConfig, ParsedAndValidated) {
    auto parse = [](const std::string& json) {
        const auto v = parse_json_text(json, "soc.json");
        return parse_edgebert_tile_config(JsonReader(v, "soc.json", "edgebert"));
    };
    EXPECT_TRUE(parse(R"({"sfu_lut": true})").sfu_lut);
    EXPECT_FALSE(parse(R"({"sfu_lut": false})").sfu_lut);
    auto refused = [&](const std::string& json, const std::string& fragment) {
        try {
            parse(json);
            FAIL() << json;
        } catch (const ConfigError& e) {
            EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find("soc.json"), std::string::npos) << e.what();
        }
    };
    refused(R"({"sfu_lut": 1})", "'edgebert.sfu_lut' = 1 must be true or false");
    refused(R"({"sfu_lut": true, "lanes": 8, "aux_sram_depth": 16})", "aux_sram_depth >= 2^act_total_bits / lanes = 32");
    EXPECT_NO_THROW(parse(R"({"sfu_lut": true, "act_total_bits": 6, "act_exp_bits": 3})"));  // a 64-entry table
    EXPECT_NO_THROW(parse(R"({"sfu_lut": true, "lanes": 8, "aux_sram_depth": 16, "act_total_bits": 7})"));
    EXPECT_NO_THROW(parse(R"({"sfu_lut": true, "lanes": 16, "aux_sram_depth": 16})"));
}

// ------------------------------------------------------------ the command plan

TEST(SfuLutPlan, WithTheExtensionTheCommandIsPlannedLikeAnSfuOp) {
    for (int lanes : {8, 16, 32}) {
        const auto cfg = lut_config(lanes);
        const CommandPlan p = plan_command(cfg, lut_regs(), kCmdLut);
        ASSERT_TRUE(p.known);
        EXPECT_FALSE(p.dma);
        EXPECT_TRUE(p.violations.empty());
        const SfuJob& j = p.sfu;
        EXPECT_EQ(j.op, SfuOp::Lut);
        EXPECT_EQ(j.num_vector, 4);
        EXPECT_EQ(j.num_timestep, 3);
        EXPECT_EQ(j.x_mask_base, 300);
        EXPECT_EQ(j.x_input_base, 100);
        EXPECT_EQ(j.gamma_row, 40);
        EXPECT_EQ(j.out_decoder, 1);
        EXPECT_EQ(j.out_input_base, 3000);
        EXPECT_EQ(j.out_mask_base, 3100);
        // Operand, table and result rows.
        const int vec = 12;
        auto has = [&](SramId s, int first, int count, bool written) {
            return std::any_of(p.footprint.begin(), p.footprint.end(), [&](const SramRange& r) {
                return r.sram == s && r.first == first && r.count == count && r.written == written;
            });
        };
        EXPECT_TRUE(has(SramId::Mask0, 300, vec, false));
        EXPECT_TRUE(has(SramId::Input0, 100, vec, false));
        EXPECT_TRUE(has(SramId::Aux, 40, 256 / lanes, false)) << lanes;
        EXPECT_TRUE(has(SramId::Mask1, 3100, vec, true));
        EXPECT_TRUE(has(SramId::Input1, 3000, vec, true));
        EXPECT_EQ(p.footprint.size(), 5u);
    }
}

TEST(SfuLutPlan, ChecksAsTheOtherSfuCommands) {
    const auto cfg = lut_config();
    struct Bad {
        const char* field;
        uint32_t value;
        ErrorCause cause;
        HwEffect effect;
    };
    for (const Bad b : {Bad{"use_axi", 1, ErrorCause::kBadMode, HwEffect::Hangs},
                        Bad{"use_gb", 0, ErrorCause::kBadMode, HwEffect::Hangs},
                        Bad{"gb_mode", kGbElementAdd, ErrorCause::kBadMode, HwEffect::Hangs},
                        Bad{"gb_mode", kGbLut | kGbElementAdd, ErrorCause::kBadMode, HwEffect::Hangs},
                        Bad{"num_vector", 0, ErrorCause::kBadDims, HwEffect::Hangs},
                        Bad{"num_timestep", 0, ErrorCause::kBadDims, HwEffect::Hangs},
                        Bad{"base_gamma", 250, ErrorCause::kSramOverflow, HwEffect::Runs},  // 250 + 16 > 256
                        Bad{"base_output", 4090, ErrorCause::kSramOverflow, HwEffect::Runs}}) {
        RegisterFile r = lut_regs();
        put(r, b.field, b.value);
        const CommandPlan p = plan_command(cfg, r, kCmdLut);
        ASSERT_EQ(p.violations.size(), 1u) << b.field;
        EXPECT_EQ(p.violations[0].cause, b.cause) << b.field;
        EXPECT_EQ(p.violations[0].effect, b.effect) << b.field;
        if (b.cause == ErrorCause::kSramOverflow) {
            EXPECT_EQ(p.violations[0].registers.at(0).first, b.field);
        }
        if (std::string(b.field) == "base_gamma") {
            EXPECT_NE(p.violations[0].check.find("LUT table rows [250, 266) of the aux SRAM"), std::string::npos)
                << p.violations[0].check;
        }
    }
    // The table's last row may be the aux SRAM's last row.
    RegisterFile r = lut_regs();
    put(r, "base_gamma", 240);
    EXPECT_TRUE(plan_command(cfg, r, kCmdLut).violations.empty());
    // The result over its own operand (decoder 0): found once the operand's depth is known.
    SfuJob j = plan_command(cfg, lut_regs(0), kCmdLut).sfu;
    j.out_input_base = j.x_input_base + 2;
    const auto v = operand_checks(cfg, j, {12, false}, {});
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].cause, ErrorCause::kOverlap);
}

TEST(SfuLutPlan, WithoutTheExtensionItIsAnUnknownCommandNamedInTheCheck) {
    EdgebertTileConfig cfg;  // the published tile: sfu_lut = false
    const CommandPlan p = plan_command(cfg, lut_regs(), kCmdLut);
    EXPECT_FALSE(p.known);
    EXPECT_TRUE(p.footprint.empty());
    ASSERT_EQ(p.violations.size(), 1u);
    const auto& v = p.violations[0];
    EXPECT_EQ(v.cause, ErrorCause::kUnknownCommand);
    EXPECT_EQ(v.effect, HwEffect::Ignored);
    EXPECT_NE(v.check.find("13 (lut)"), std::string::npos) << v.check;
    EXPECT_NE(v.check.find("edgebert.sfu_lut = false"), std::string::npos) << v.check;
    EXPECT_STREQ(error_cause_name(v.cause), "unknown_command");
    EXPECT_STREQ(command_name(kCmdLut), "lut");
    // Strict: refused with the unknown-command cause; silicon: ignored, one warning.
    auto d = decide(CheckMode::Strict, p.violations);
    EXPECT_FALSE(d.run);
    EXPECT_EQ(d.refuse, ErrorCause::kUnknownCommand);
    d = decide(CheckMode::Silicon, p.violations);
    EXPECT_FALSE(d.run);
    EXPECT_EQ(d.refuse, ErrorCause::kNone);
    ASSERT_EQ(d.warnings.size(), 1u);
    EXPECT_EQ(d.warnings[0].cause, ErrorCause::kUnknownCommand);
    // With the extension the next code is the unknown one.
    const CommandPlan q = plan_command(lut_config(), lut_regs(), 14);
    EXPECT_FALSE(q.known);
    EXPECT_EQ(q.violations.at(0).check, "the command code must be 1..13");
}

TEST(SfuLutPlan, GbModeBit4IsIgnoredWithoutTheExtensionAndCheckedWithIt) {
    RegisterFile r = lut_regs();
    put(r, "gb_mode", kGbLayerNorm | kGbLut);
    put(r, "num_vector", 4);
    EdgebertTileConfig published;
    EXPECT_TRUE(plan_command(published, r, kCmdLayerNorm).violations.empty());  // the original's 4-bit field
    const auto p = plan_command(lut_config(), r, kCmdLayerNorm);
    ASSERT_EQ(p.violations.size(), 1u);
    EXPECT_EQ(p.violations[0].cause, ErrorCause::kBadMode);
}

// ------------------------------------------------------------ the register map

namespace {

// A plan as text (job, checks). The structured bindings name every member, so a
// member added to these structs stops this from compiling until it is listed.
std::pair<std::string, std::string> text(const CommandPlan& plan) {
    const auto& [command, known, dma, dma_job, matmul, sfu, footprint, violations] = plan;
    std::ostringstream j, c;
    j << command << " " << known << " " << dma;
    {
        const auto& [to_sram, sram, first_row, rows, dram_addr] = dma_job;
        j << " | " << to_sram << " " << static_cast<int>(sram) << " " << first_row << " " << rows << " " << dram_addr;
    }
    {
        const auto& [params, a_mask_base, a_input_base, b_mask_base, b_input_base, out_decoder, out_mask_base,
                     out_input_base, dense_out] = matmul;
        const auto& [n0, n1, m, a_bias, b_bias, out_bias, relu, add_bias, weight_bias, shift] = params;
        j << " | " << n0 << " " << n1 << " " << m << " " << a_bias << " " << b_bias << " " << out_bias << " " << relu
          << " " << add_bias << " " << weight_bias << " " << shift << " " << a_mask_base << " " << a_input_base << " "
          << b_mask_base << " " << b_input_base << " " << out_decoder << " " << out_mask_base << " "
          << out_input_base << " " << dense_out;
    }
    {
        const auto& [op, num_vector, num_timestep, x_bias, y_bias, out_bias, x_mask_base, x_input_base, y_mask_base,
                     y_input_base, out_decoder, out_mask_base, out_input_base, out_dense, gamma_row, beta_row,
                     span_row, gamma_bias, beta_bias, span_bias, threshold_q10, entropy_scale, direct_level, dco_codes,
                     ldo_codes] = sfu;
        j << " | " << static_cast<int>(op) << " " << num_vector << " " << num_timestep << " " << x_bias << " "
          << y_bias << " " << out_bias << " " << x_mask_base << " " << x_input_base << " " << y_mask_base << " "
          << y_input_base << " " << out_decoder << " " << out_mask_base << " " << out_input_base << " " << out_dense
          << " " << gamma_row
          << " " << beta_row << " " << span_row << " " << gamma_bias << " " << beta_bias << " " << span_bias << " "
          << threshold_q10 << " " << entropy_scale << " " << direct_level;
        for (int v : dco_codes) j << " " << v;
        for (int v : ldo_codes) j << " " << v;
    }
    for (const auto& [sram, first, count, written] : footprint)
        c << static_cast<int>(sram) << " " << first << " " << count << " " << written << "; ";
    for (const auto& [cause, effect, check, hardware, registers] : violations) {
        c << static_cast<int>(cause) << " " << static_cast<int>(effect) << " " << check << " " << hardware;
        for (const auto& [name, value] : registers) c << " " << name << "=" << value;
        c << "; ";
    }
    return {j.str(), c.str()};
}

bool listed(const std::vector<const char*>& names, const char* name) {
    return std::any_of(names.begin(), names.end(), [&](const char* n) { return std::strcmp(n, name) == 0; });
}

}  // namespace

TEST(SfuLutRegisterMap, TheExtensionTableListsExactlyTheFieldsThePlanReads) {
    // As test_register_map_commands.cpp does for commands 1-12, with the extension configured.
    ASSERT_EQ(kNumExtCommandRegisters, static_cast<int>(kMaxExtCommand - kMaxCommand));
    // Also with the dense_results extension, which decodes that field (without it, a violation).
    auto dense = lut_config();
    dense.dense_results = true;
    std::mt19937 rng(20240612u);
    for (int ci = 0; ci < kNumExtCommandRegisters; ++ci) {
        const auto& c = kExtCommandRegisters[ci];
        ASSERT_EQ(c.command, kMaxCommand + 1 + static_cast<uint32_t>(ci));
        std::map<std::string, bool> job_changed, checks_changed;
        for (const auto& cfg : {lut_config(), dense})
        for (uint32_t variant = 0; variant < 2; ++variant) {
            RegisterFile base = lut_regs(variant, 4 + variant, 3 + variant);
            if (cfg.dense_results) put(base, "dense_results", variant);
            // Every other field non-zero and different between the variants.
            put(base, "bias_act1", 2 + variant);
            put(base, "bias_act2", 3 + variant);
            put(base, "bias_act3", 4 + variant);
            put(base, "base_input1", 200 + variant);
            put(base, "base_mask1", 400 + variant);
            put(base, "base_beta", 30 + variant);
            put(base, "base_attn_span", 50 + variant);
            put(base, "bias_gamma", 1 + variant);
            put(base, "entropy_threshold", 0x1234 + variant);
            put(base, "mac_mode", 0x5A5A0000u + variant);
            const CommandPlan plan = plan_command(cfg, base, c.command);
            ASSERT_TRUE(plan.known);
            ASSERT_TRUE(plan.violations.empty()) << text(plan).second;
            const auto want = text(plan);
            for (int fi = 0; fi < kNumRegisterFields; ++fi) {
                const Field& f = kRegisterFields[fi];
                const uint32_t cur = static_cast<uint32_t>(field_value(base[f.offset / 4], f.lsb, f.width));
                const uint32_t max = f.width >= 32 ? 0xFFFFFFFFu : (1u << f.width) - 1u;
                std::vector<uint32_t> values = {0, max, cur ^ 1u};
                std::uniform_int_distribution<uint32_t> dist(0, max);
                for (int i = 0; i < 6; ++i) values.push_back(dist(rng));
                for (uint32_t value : values) {
                    if (value == cur) continue;
                    RegisterFile r = base;
                    put(r, f.name, value);
                    const auto got = text(plan_command(cfg, r, c.command));
                    const bool job = got.first != want.first, chk = got.second != want.second;
                    job_changed[f.name] = job_changed[f.name] || job;
                    checks_changed[f.name] = checks_changed[f.name] || chk;
                    const bool reads = listed(c.reads, f.name), checks = listed(c.checks, f.name);
                    if (!reads && !checks) {
                        EXPECT_FALSE(job || chk) << command_name(c.command) << ": " << f.name << " = " << value
                                                 << " changes the plan but is not listed";
                    }
                    if (checks) {
                        EXPECT_FALSE(job) << f.name << " changes the job: list it as decoded";
                    }
                }
            }
        }
        for (const char* n : c.reads) EXPECT_TRUE(job_changed[n]) << n << " is listed as decoded but never read";
        for (const char* n : c.checks) EXPECT_TRUE(checks_changed[n]) << n << " is listed as checked but never checked";
    }
}

TEST(SfuLutRegisterMap, HeaderAndDocumentCarryTheExtension) {
    const std::string h = register_map_c_header();
    EXPECT_NE(h.find("#define EB_CMD_LUT 13u"), std::string::npos);
    EXPECT_NE(h.find("#define EB_GB_LUT 16u"), std::string::npos);
    EXPECT_NE(h.find("#define EB_F_GB_MODE_WIDTH 5u"), std::string::npos);
    const std::string md = register_map_markdown();
    EXPECT_NE(md.find("| 13 lut *ext* |"), std::string::npos);
    EXPECT_NE(md.find("## Extension commands"), std::string::npos);
    EXPECT_NE(md.find("| 0x54 | gb_mode | [4:0] |"), std::string::npos);
    EXPECT_TRUE(is_compute_command(kCmdLut));
    EXPECT_FALSE(is_dma_command(kCmdLut));
}

// ------------------------------------------------------------ energy

TEST(SfuLutEnergy, LookupsAreChargedPerElementInTheSfuClass) {
    const auto c = load_energy_config(std::string(EDGEBERT_SOURCE_DIR) + "/configs/energy/edgebert-12nm.json");
    EXPECT_DOUBLE_EQ(c.event("sfu_lut_access_pj"), 0.06);
    EXPECT_NE(c.sources.at("sfu_lut_access_pj").find("estimate"), std::string::npos);
    EnergyEvents e;
    e.tile_sfu_lut_accesses = 1e6;
    const auto at = [&](double v) { return compute_energy(c, e, v); };
    EXPECT_NEAR(at(0.8).by_class.at("sfu"), 1e6 * 0.06e-12, 1e-18);
    EXPECT_NEAR(at(0.8).by_block.at("tile"), 1e6 * 0.06e-12, 1e-18);
    EXPECT_NEAR(at(0.4).dynamic_j * 4, at(0.8).dynamic_j, 1e-18);
}
