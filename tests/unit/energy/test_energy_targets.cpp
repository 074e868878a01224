// Energy per target: a target's program counts its own accelerator tile only
// (the systolic tile at the nominal supply), and the parts still sum to the total.
#include <gtest/gtest.h>

#include "hw/energy/energy_model.hpp"

using namespace edgebert::hw;

namespace {
EnergyConfig shipped() { return load_energy_config(std::string(EDGEBERT_SOURCE_DIR) + "/configs/energy/edgebert-12nm.json"); }
}  // namespace

TEST(EnergyTargets, SystolicTileCountsItsMacsIdlePesBuffersAndLeakage) {
    const auto c = shipped();
    EnergyEvents e;
    e.edgebert_tile = false, e.systolic_tile = true;
    e.systolic_macs = 1e9, e.systolic_idle_pe_cycles = 2e9, e.systolic_buffer_read_bits = 3e8,
    e.systolic_buffer_write_bits = 4e8, e.seconds = 0.01;
    const auto b = compute_energy(c, e, 0.5);  // the tile supply does not apply to the systolic tile
    const double want = (1e9 * c.event("systolic_mac_pj") + 2e9 * c.event("systolic_idle_pe_pj") +
                         3e8 * c.event("sram_read_pj_per_bit") + 4e8 * c.event("sram_write_pj_per_bit")) * 1e-12 +
                        c.leak("systolic") * 1e-3 * 0.01;
    EXPECT_NEAR(b.by_block.at("systolic"), want, 1e-15);
    EXPECT_FALSE(b.by_block.count("tile"));
    EXPECT_NEAR(b.by_class.at("mac"), (1e9 * 0.075 + 2e9 * 0.01) * 1e-12, 1e-15);
    double blocks = 0, classes = 0;
    for (const auto& [k, v] : b.by_block) blocks += v;
    for (const auto& [k, v] : b.by_class) classes += v;
    EXPECT_NEAR(blocks, b.total_j, 1e-12 * b.total_j);
    EXPECT_NEAR(classes, b.total_j, 1e-12 * b.total_j);
}

TEST(EnergyTargets, CpuTargetCountsNoAcceleratorTile) {
    const auto c = shipped();
    EnergyEvents e;
    e.edgebert_tile = false;
    e.tile_macs = 1e9;  // ignored: the tile is not this target's
    e.cpu_cycles = 1e6, e.seconds = 1e-3;
    const auto b = compute_energy(c, e, 0.8);
    EXPECT_FALSE(b.by_block.count("tile"));
    EXPECT_FALSE(b.by_block.count("systolic"));
    EXPECT_EQ(b.by_class.at("mac"), 0.0);
    EXPECT_NEAR(b.total_j, 1e6 * 25e-12 + (2.0 + 0.5) * 1e-3 * 1e-3, 1e-15);
}
