// Tile configuration: published defaults, JSON overrides, named errors.
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "common/json_reader.hpp"
#include "hw/edgebert/register_map.hpp"
#include "hw/edgebert/tile_config.hpp"

#include <fstream>
#include <sstream>

using namespace edgebert;
using namespace edgebert::hw;

namespace {
EdgebertTileConfig parse(const std::string& json) {
    const auto v = parse_json_text(json, "soc.json");
    return parse_edgebert_tile_config(JsonReader(v, "soc.json", "edgebert"));
}
void expect_error(const std::string& json, const std::string& fragment) {
    try {
        parse(json);
        FAIL() << json;
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("soc.json"), std::string::npos) << e.what();
    }
}
}  // namespace

TEST(TileConfig, PublishedDefaults) {
    const auto c = parse("{}");
    EXPECT_EQ(c.lanes, 16);
    EXPECT_EQ(c.num_vmacs, 16);
    EXPECT_EQ(c.input_sram_depth, 4096);
    EXPECT_EQ(c.aux_sram_depth, 256);
    EXPECT_EQ(c.max_burst_beats, 256);
    EXPECT_EQ(c.timing.ii_softmax, 3);
    EXPECT_EQ(c.dvfs_levels(), 16);
    EXPECT_EQ(c.act_format.mant_bits(), 4);
}

TEST(TileConfig, OverridesAndErrors) {
    const auto c = parse(R"({"act_total_bits": 4, "act_exp_bits": 2, "timing": {"ii_softmax": 5},
                            "adpll": {"f_max_mhz": 1200, "initial_mhz": 1200}})");
    EXPECT_EQ(c.act_format.total_bits, 4);
    EXPECT_EQ(c.timing.ii_softmax, 5);
    EXPECT_DOUBLE_EQ(c.adpll.f_max_mhz, 1200);
    expect_error(R"({"lanes": 12})", "'edgebert.lanes' = 12 must be 8, 16, 32 or 64");
    expect_error(R"({"lane": 16})", "unknown field 'edgebert.lane'");
    expect_error(R"({"max_burst_beats": 512})", "max_burst_beats");
    expect_error(R"({"timing": {"ii_layer_norm": 0}})", "timing.ii_layer_norm");
    expect_error(R"({"input_sram_depth": 131072})", "'edgebert.input_sram_depth' = 131072 is out of range [256, 65536]");
    expect_error(R"({"ldo": {"v_min": 0.9}})", "ldo");
    expect_error(R"({"dvfs_thresholds": [1, 2, 3]})", "expected 15");
    expect_error(R"({"act_total_bits": 9})", "act_format");
    EXPECT_EQ(parse("{}").checks, CheckMode::Strict);
    EXPECT_EQ(parse(R"({"checks": "silicon"})").checks, CheckMode::Silicon);
    expect_error(R"({"checks": "lenient"})", "edgebert.checks");
    expect_error(R"({"checks": "lenient"})", "strict, silicon");
}

TEST(RegisterMap, DocumentIsCurrent) {
    // docs/register-map.md must be exactly what the code generates.
    std::ifstream f(std::string(EDGEBERT_SOURCE_DIR) + "/docs/register-map.md");
    ASSERT_TRUE(f) << "docs/register-map.md missing: run edgebert-sim regmap > docs/register-map.md";
    std::stringstream ss;
    ss << f.rdbuf();
    EXPECT_EQ(ss.str(), regs::register_map_markdown())
        << "docs/register-map.md is stale: run build/bin/edgebert-sim regmap > docs/register-map.md";
}

TEST(RegisterMap, FieldsDoNotOverlapWithinARegister) {
    // Read-side fields of kCtrl overlap the write-side soft_reset bit by design; skip it.
    for (int i = 0; i < regs::kNumRegisterFields; ++i)
        for (int j = i + 1; j < regs::kNumRegisterFields; ++j) {
            const auto& a = regs::kRegisterFields[i];
            const auto& b = regs::kRegisterFields[j];
            if (a.offset != b.offset || std::string(a.name) == "soft_reset") continue;
            const bool overlap = a.lsb < b.lsb + b.width && b.lsb < a.lsb + a.width;
            EXPECT_FALSE(overlap) << a.name << " overlaps " << b.name;
        }
    EXPECT_EQ(regs::field_value(0x0000FF00u, 8, 8, true), -1);
    EXPECT_EQ(regs::field_value(0x00007F00u, 8, 8, true), 127);
}
