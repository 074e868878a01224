// Energy model: parts sum to the total, dynamic energy scales with V^2,
// every figure has a source, bad configs are refused.
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "hw/energy/energy_model.hpp"

using namespace edgebert;
using namespace edgebert::hw;

namespace {
EnergyConfig shipped() { return load_energy_config(std::string(EDGEBERT_SOURCE_DIR) + "/configs/energy/edgebert-12nm.json"); }
}  // namespace

TEST(Energy, PartsSumToTotal) {
    const auto c = shipped();
    EnergyEvents e;
    e.tile_macs = 1e9, e.tile_gated_macs = 2e8, e.tile_sram_read_bits = 3e9, e.tile_sram_write_bits = 1e9;
    e.tile_sfu_vectors = 1e6, e.dram_bits = 5e8, e.noc_flit_hops = 1e7, e.cpu_cycles = 1e8, e.seconds = 0.1;
    const auto b = compute_energy(c, e, 0.7);
    double blocks = 0, classes = 0;
    for (const auto& [k, v] : b.by_block) blocks += v;
    for (const auto& [k, v] : b.by_class) classes += v;
    EXPECT_NEAR(blocks, b.total_j, 1e-12 * b.total_j);
    EXPECT_NEAR(classes, b.total_j, 1e-12 * b.total_j);
    EXPECT_NEAR(b.dynamic_j + b.leakage_j, b.total_j, 1e-15);
    EXPECT_EQ(c.sources.size(), c.events.size() + c.leakage.size());
}

TEST(Energy, HalvingTheSupplyQuartersDynamicTileEnergy) {
    const auto c = shipped();
    EnergyEvents e;
    e.tile_macs = 1e9, e.tile_sram_read_bits = 1e9, e.tile_sfu_vectors = 1e5;
    const auto hi = compute_energy(c, e, 0.8), lo = compute_energy(c, e, 0.4);
    EXPECT_NEAR(lo.dynamic_j, hi.dynamic_j / 4, 1e-15);
    EXPECT_DOUBLE_EQ(lo.by_class.at("mac") * 4, hi.by_class.at("mac"));
    // Leakage power scales with V.
    e = {};
    e.seconds = 1.0;
    EXPECT_NEAR(compute_energy(c, e, 0.4).by_block.at("tile") * 2, compute_energy(c, e, 0.8).by_block.at("tile"), 1e-15);
}

TEST(Energy, VfCurveAndBadConfigs) {
    const auto c = shipped();
    EXPECT_EQ(c.levels(), 16);
    EXPECT_DOUBLE_EQ(c.vf_v.front(), 0.5);
    EXPECT_DOUBLE_EQ(c.vf_v.back(), 0.8);
    auto refused = [](const std::string& text, const std::string& fragment) {
        try {
            parse_energy_config(text, "e.json");
            FAIL() << text;
        } catch (const ConfigError& e) {
            EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
        }
    };
    refused(R"({"technology": "12nm", "v_nominal": 0.8})", "'events' is missing");
    const std::string ev = R"("events": {"mac_pj": {"value": 1, "source": "x"}, "gated_mac_pj": {"value": 1, "source": "x"},
      "sram_read_pj_per_bit": {"value": 1, "source": "x"}, "sram_write_pj_per_bit": {"value": 1, "source": "x"},
      "sfu_vector_pj": {"value": 1, "source": "x"}, "dram_pj_per_bit": {"value": 1, "source": "x"},
      "noc_pj_per_flit_hop": {"value": 1, "source": "x"}, "cpu_pj_per_cycle": {"value": 1}},)";
    refused("{\"technology\": \"12nm\", \"v_nominal\": 0.8, " + ev + "\"leakage_mw\": {}, \"vf_curve\": {}}",
            "'events.cpu_pj_per_cycle.source' is missing");
    EXPECT_THROW(compute_energy(c, EnergyEvents{}, 0.0), Error);
}
