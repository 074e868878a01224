// Area model: each block scales as docs/energy-area.md says with lanes,
// num_vmacs, SRAM depths and the systolic array's size, checked against the
// formulas written out here independently; bad area configs are refused.
#include <gtest/gtest.h>

#include <cmath>

#include "common/error.hpp"
#include "hw/energy/area_model.hpp"

using namespace edgebert;
using namespace edgebert::hw;

namespace {

AreaConfig shipped() { return load_area_config(std::string(EDGEBERT_SOURCE_DIR) + "/configs/energy/area-12nm.json"); }
SocConfig soc(const char* name) { return load_soc_config(std::string(EDGEBERT_SOURCE_DIR) + "/configs/soc/" + name); }

double sum(const std::map<std::string, double>& m) {
    double s = 0;
    for (const auto& [k, v] : m) s += v;
    return s;
}

// The shipped figures, written out: um^2 per SRAM bit and per gate equivalent.
constexpr double kBitUm2 = 0.07 / 0.6, kGeUm2 = 0.15;

}  // namespace

TEST(AreaModel, EveryFigureHasASourceAndIsMarked) {
    const auto a = shipped();
    EXPECT_EQ(a.technology, "12nm");
    EXPECT_EQ(a.sources.size(), a.figures.size());
    for (const auto& [k, src] : a.sources)
        EXPECT_TRUE(src.find("estimate") != std::string::npos || src.find("source") != std::string::npos)
            << k << " is marked neither estimate nor source: " << src;
}

TEST(AreaModel, EdgebertTileAgainstTheFormulas) {
    const auto a = shipped();
    EdgebertTileConfig c;  // published: 16 lanes, 16 VMACs, AF8, 40-bit accumulators, 4096 / 4096 / 256 rows
    const auto b = edgebert_tile_blocks(a, c);
    EXPECT_NEAR(b.at("input_sram"), 2 * 4096 * 16 * 8 * kBitUm2 * 1e-6, 1e-12);
    EXPECT_NEAR(b.at("mask_sram"), 2 * 4096 * 16 * kBitUm2 * 1e-6, 1e-12);
    EXPECT_NEAR(b.at("aux_sram"), 256 * 16 * 8 * kBitUm2 * 1e-6, 1e-12);
    // 256 lanes of an 8 x 8 multiplier (7 GE / bit^2) and a 16-bit adder (8 GE / bit).
    EXPECT_NEAR(b.at("mac_array"), 16 * 16 * (64 * 7.0 + 16 * 8.0) * kGeUm2 * 1e-6, 1e-12);
    EXPECT_NEAR(b.at("accumulators"), 16 * 40 * (8.0 + 5.5) * kGeUm2 * 1e-6, 1e-12);
    EXPECT_NEAR(b.at("sfu"), 16 * 8000 * kGeUm2 * 1e-6, 1e-12);
    EXPECT_NEAR(b.at("dma"), 3 * 20000 * kGeUm2 * 1e-6, 1e-12);
}

TEST(AreaModel, EdgebertBlocksScaleWithLanesVmacsAndDepths) {
    const auto a = shipped();
    EdgebertTileConfig base;
    const auto b0 = edgebert_tile_blocks(a, base);
    EdgebertTileConfig wide = base;
    wide.lanes = 32;
    const auto bw = edgebert_tile_blocks(a, wide);
    for (const char* k : {"input_sram", "mask_sram", "aux_sram", "mac_array", "sfu"})
        EXPECT_NEAR(bw.at(k), 2 * b0.at(k), 1e-12) << k;
    for (const char* k : {"accumulators", "dma", "control", "dvfs"}) EXPECT_DOUBLE_EQ(bw.at(k), b0.at(k)) << k;
    EdgebertTileConfig vm = base;
    vm.num_vmacs = 4;
    const auto bv = edgebert_tile_blocks(a, vm);
    EXPECT_NEAR(bv.at("mac_array"), b0.at("mac_array") / 4, 1e-12);
    EXPECT_NEAR(bv.at("accumulators"), b0.at("accumulators") / 4, 1e-12);
    EXPECT_DOUBLE_EQ(bv.at("input_sram"), b0.at("input_sram"));
    EdgebertTileConfig deep = base;
    deep.input_sram_depth = 1024, deep.mask_sram_depth = 2048, deep.aux_sram_depth = 64;
    const auto bd = edgebert_tile_blocks(a, deep);
    EXPECT_NEAR(bd.at("input_sram"), b0.at("input_sram") / 4, 1e-12);
    EXPECT_NEAR(bd.at("mask_sram"), b0.at("mask_sram") / 2, 1e-12);
    EXPECT_NEAR(bd.at("aux_sram"), b0.at("aux_sram") / 4, 1e-12);
    // The multiplier grows with the square of the activation width, the accumulators with accum_bits.
    EdgebertTileConfig narrow = base;
    narrow.act_format = {6, 3};
    narrow.accum_bits = 20;
    const auto bn = edgebert_tile_blocks(a, narrow);
    EXPECT_NEAR(bn.at("mac_array"), 16 * 16 * (36 * 7.0 + 12 * 8.0) * kGeUm2 * 1e-6, 1e-12);
    EXPECT_NEAR(bn.at("accumulators"), b0.at("accumulators") / 2, 1e-12);
}

TEST(AreaModel, SystolicScalesWithTheSquareOfItsSize) {
    const auto a = shipped();
    SystolicTileConfig c;
    c.size = 32;
    const auto b32 = systolic_tile_blocks(a, c);
    // A PE: 8 x 8 multiplier, 32-bit accumulator (adder + flip-flops), 17 forwarding flip-flops.
    const double pe_ge = 64 * 7.0 + 32 * (8.0 + 5.5) + 17 * 5.5;
    EXPECT_NEAR(b32.at("pe_array"), 1024 * pe_ge * kGeUm2 * 1e-6, 1e-12);
    EXPECT_NEAR(b32.at("operand_buffer"), 1024 * 16 * kBitUm2 * 1e-6, 1e-12);
    EXPECT_NEAR(b32.at("c_buffers"), 2 * 1024 * 32 * kBitUm2 * 1e-6, 1e-12);
    c.size = 16;
    const auto b16 = systolic_tile_blocks(a, c);
    for (const char* k : {"pe_array", "operand_buffer", "c_buffers"}) EXPECT_NEAR(b16.at(k) * 4, b32.at(k), 1e-12) << k;
    EXPECT_DOUBLE_EQ(b16.at("dma"), b32.at("dma"));
}

TEST(AreaModel, SramPortsCachesAndTheWholeSoc) {
    const auto a = shipped();
    EXPECT_NEAR(sram_mm2(a, 1e6, 1), 1e6 * kBitUm2 * 1e-6, 1e-12);
    EXPECT_NEAR(sram_mm2(a, 1e6, 2), 1.5 * sram_mm2(a, 1e6, 1), 1e-12);
    EXPECT_THROW(sram_mm2(a, 1, 0), Error);
    CacheGeometry g;
    g.size_bytes = 32768, g.ways = 8, g.line_bytes = 16;
    EXPECT_NEAR(cache_mm2(a, g), (32768 * 8 + 2048 * 32) * kBitUm2 * 1e-6 + 15000 * kGeUm2 * 1e-6, 1e-12);
    g.enabled = false;
    EXPECT_EQ(cache_mm2(a, g), 0.0);
    const SocConfig s = soc("default.json");
    const auto tiles = soc_area(a, s);
    ASSERT_EQ(tiles.size(), s.tiles.size());
    double total = 0;
    for (const auto& t : tiles) {
        EXPECT_NEAR(t.by_block.at("router"), 4 * 10000 * kGeUm2 * 1e-6, 1e-12) << t.name;
        total += t.total_mm2();
    }
    EXPECT_GT(total, 0.0);
    // A wider NoC link widens every router.
    SocConfig wide = s;
    wide.noc.link_width_bits = 128;
    EXPECT_NEAR(router_mm2(a, wide.noc), 2 * router_mm2(a, s.noc), 1e-12);
    // A cpu tile without the cache model has only its core and router.
    SocConfig nocache = s;
    nocache.caches.enabled = false;
    EXPECT_EQ(tile_area(a, nocache, nocache.cpu()).by_block.size(), 2u);
}

TEST(AreaModel, BadConfigsAreRefused) {
    auto refused = [](const std::string& text, const std::string& fragment) {
        try {
            parse_area_config(text, "a.json");
            FAIL() << text;
        } catch (const ConfigError& e) {
            EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
        }
    };
    refused(R"({"technology": "12nm"})", "'figures' is missing");
    refused(R"({"technology": "12nm", "figures": {"sram_bitcell_um2": {"value": 0.07}}})",
            "'figures.sram_bitcell_um2.source' is missing");
    refused(R"({"technology": "12nm", "figures": {"bogus": {"value": 1, "source": "x"}}})", "unknown field 'figures.bogus'");
}
