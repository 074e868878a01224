// SoC config: the shipped default loads; bad configs are refused naming the field.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <fstream>
#include <functional>
#include <sstream>

#include "common/error.hpp"
#include "hw/soc/soc_config.hpp"

using namespace edgebert;
using namespace edgebert::hw;

namespace {

std::string default_text() {
    std::ifstream f(std::string(EDGEBERT_SOURCE_DIR) + "/configs/soc/default.json");
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

// Edits the default config with `edit` and expects a ConfigError containing `fragment`.
void expect_refused(const std::function<void(boost::json::object&)>& edit, const std::string& fragment) {
    boost::json::value v = boost::json::parse(default_text(), {}, {256, false, true, true});
    edit(v.as_object());
    try {
        parse_soc_config(boost::json::serialize(v), "soc.json");
        FAIL() << "accepted: " << boost::json::serialize(v);
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("soc.json"), std::string::npos) << e.what();
    }
}

boost::json::object& tile(boost::json::object& root, size_t i) { return root["tiles"].as_array()[i].as_object(); }

}  // namespace

TEST(SocConfig, DefaultLoads) {
    const auto c = load_soc_config(std::string(EDGEBERT_SOURCE_DIR) + "/configs/soc/default.json");
    EXPECT_EQ(c.tiles.size(), 5u);
    EXPECT_EQ(c.dram.base, 0x80000000ull);
    EXPECT_EQ(c.map.plic_base, 0x6C000000ull);
    EXPECT_EQ(c.tiles_of(TileKind::Edgebert).size(), 1u);
    EXPECT_EQ(c.tiles_of(TileKind::Edgebert)[0]->irq, 5);
    EXPECT_EQ(c.cpu().name, "cpu0");
}

TEST(SocConfig, BadConfigsNameTheField) {
    using O = boost::json::object;
    expect_refused([](O& r) { tile(r, 3)["kind"] = "gpu"; }, "'tiles[3].kind'");
    expect_refused([](O& r) { tile(r, 2)["x"] = 7; }, "off the 3 x 2 grid");
    expect_refused([](O& r) { tile(r, 4)["x"] = 0, tile(r, 4)["y"] = 0; }, "already taken");
    expect_refused([](O& r) { tile(r, 3)["reg_base"] = "0x60010800"; }, "overlap");
    expect_refused([](O& r) { tile(r, 3)["reg_base"] = "0x80001000"; }, "'dram'");
    expect_refused([](O& r) { tile(r, 3)["irq"] = 5; }, "interrupt 5 is used");
    expect_refused([](O& r) { tile(r, 3)["irq"] = 40; }, "'irq' = 40 is out of range");
    expect_refused([](O& r) { tile(r, 0)["kind"] = "io"; }, "cpu tiles");
    expect_refused([](O& r) { r["noc"].as_object()["colz"] = 3; }, "unknown field 'noc.colz'");
    expect_refused([](O& r) { r["dram"].as_object()["t_rcd"] = -1; }, "dram.t_rcd");
    expect_refused([](O& r) { tile(r, 3)["reg_base"] = "banana"; }, "not an address");
    expect_refused([](O& r) { r["tiles_extra"] = 1; }, "unknown field 'tiles_extra'");
    expect_refused([](O& r) { r.erase("tiles"); }, "'tiles' is missing");
}

namespace {

SocConfig edited(const std::function<void(boost::json::object&)>& edit) {
    boost::json::value v = boost::json::parse(default_text(), {}, {256, false, true, true});
    edit(v.as_object());
    return parse_soc_config(boost::json::serialize(v), "soc.json");
}

boost::json::object esp_section() { return boost::json::object{{"csr_base", "0x60090180"}, {"csr_tile_stride", "0x200"}}; }

}  // namespace

TEST(SocConfig, DefaultHasNoEspBlockAndRecallCoherence) {
    const auto c = load_soc_config(std::string(EDGEBERT_SOURCE_DIR) + "/configs/soc/default.json");
    EXPECT_FALSE(c.esp.has_value());
    for (const auto& t : c.tiles) {
        EXPECT_EQ(t.esp_irq, -1) << t.name;
        EXPECT_EQ(t.coherence, DmaCoherence::Recall) << t.name;
    }
}

TEST(SocConfig, EpochsPresetHasTheEspMemoryMap) {
    const auto c = load_soc_config(std::string(EDGEBERT_SOURCE_DIR) + "/configs/soc/epochs.json");
    ASSERT_TRUE(c.esp.has_value());
    EXPECT_EQ(c.esp->csr_base, 0x60090180ull);
    EXPECT_EQ(c.esp->csr_tile_stride, 0x200ull);
    EXPECT_EQ(c.map.plic_base, 0x6c000000ull);
    EXPECT_EQ(c.dram.base, 0x80000000ull);
    EXPECT_GE(c.dram.size, 0x40000000ull);
    const TileSpec& eb = *c.tiles_of(TileKind::Edgebert).at(0);
    EXPECT_EQ(eb.reg_base, 0x60400000ull);  // accelerator 0
    EXPECT_EQ(eb.reg_size, 0x100000ull);
    EXPECT_EQ(eb.esp_irq, 5);
    EXPECT_EQ(eb.irq, 6);                   // ESP line 5 = PLIC source 6
    const TileSpec& sys = *c.tiles_of(TileKind::Systolic).at(0);
    EXPECT_EQ(sys.reg_base, 0x60500000ull);  // accelerator 1
    EXPECT_EQ(sys.irq, sys.esp_irq + 1);
    // Same tiles as the default preset, in the same (row-major) order.
    const auto d = load_soc_config(std::string(EDGEBERT_SOURCE_DIR) + "/configs/soc/default.json");
    ASSERT_EQ(c.tiles.size(), d.tiles.size());
    for (size_t i = 0; i < c.tiles.size(); ++i) {
        EXPECT_EQ(c.tiles[i].name, d.tiles[i].name);
        EXPECT_EQ(c.tiles[i].kind, d.tiles[i].kind);
        EXPECT_EQ(c.tiles[i].x, d.tiles[i].x);
        EXPECT_EQ(c.tiles[i].y, d.tiles[i].y);
    }
}

TEST(SocConfig, EspFieldsAreRead) {
    using O = boost::json::object;
    const auto c = edited([](O& r) {
        r["esp"] = O{{"csr_base", "0x70000000"}, {"csr_tile_stride", "0x100"}};
        tile(r, 2).erase("irq");
        tile(r, 2)["esp_irq"] = 9;
        tile(r, 2)["coherence"] = "none";
        tile(r, 3)["esp_irq"] = 5;  // irq 6 given too: consistent
        tile(r, 3)["coherence"] = "full";
        tile(r, 4)["coherence"] = "llc";  // a tile without DMA may have a power-on value too
    });
    ASSERT_TRUE(c.esp.has_value());
    EXPECT_EQ(c.esp->csr_base, 0x70000000ull);
    EXPECT_EQ(c.esp->csr_tile_stride, 0x100ull);
    EXPECT_EQ(c.tiles[2].esp_irq, 9);
    EXPECT_EQ(c.tiles[2].irq, 10);
    EXPECT_EQ(c.tiles[2].coherence, DmaCoherence::None);
    EXPECT_EQ(c.tiles[3].esp_irq, 5);
    EXPECT_EQ(c.tiles[3].irq, 6);
    EXPECT_EQ(c.tiles[3].coherence, DmaCoherence::Full);
    EXPECT_EQ(c.tiles[4].coherence, DmaCoherence::Llc);
    // Defaults of the section's fields.
    const auto d = edited([](O& r) { r["esp"] = O{}; });
    ASSERT_TRUE(d.esp.has_value());
    EXPECT_EQ(d.esp->csr_base, 0x60090180ull);
    EXPECT_EQ(d.esp->csr_tile_stride, 0x200ull);
}

TEST(SocConfig, BadEspFieldsNameTheField) {
    using O = boost::json::object;
    // esp_irq: range [0, plic_sources - 2], consistent with irq when both are given.
    expect_refused([](O& r) { tile(r, 2)["esp_irq"] = 5; },
                   "tiles[2] ('edgebert0'): field 'irq' = 5 contradicts field 'esp_irq' = 5: "
                   "ESP line 5 is PLIC source 6");
    expect_refused([](O& r) { tile(r, 2).erase("irq"), tile(r, 2)["esp_irq"] = 31; },
                   "field 'esp_irq' = 31 is out of range [0, 30]");
    expect_refused([](O& r) { tile(r, 2)["esp_irq"] = -1; }, "'tiles[2].esp_irq' = -1 is out of range [0, 1022]");
    expect_refused([](O& r) { tile(r, 2).erase("irq"), tile(r, 2)["esp_irq"] = 5; }, "interrupt 6 is used");
    expect_refused([](O& r) { tile(r, 2).erase("irq"); }, "'tiles[2].irq' is missing");
    // coherence: one of ESP's four modes (ACC_COH_AUTO is software-only).
    expect_refused([](O& r) { tile(r, 3)["coherence"] = "auto"; },
                   "'tiles[3].coherence' = \"auto\" is not one of: none, llc, recall, full");
    // The CSR block: aligned, room for the coherence register, no overlap, known fields.
    expect_refused([](O& r) { r["esp"] = O{{"csr_base", "0x60090182"}}; },
                   "'esp.csr_base' = 0x60090182 must be 4-byte aligned");
    expect_refused([](O& r) { r["esp"] = O{{"csr_tile_stride", "0x10"}}; },
                   "'esp.csr_tile_stride' = 0x10 is out of range [0x14, 0x100000]");
    expect_refused([](O& r) { r["esp"] = O{{"csr_tile_stride", "0x202"}}; }, "not a multiple of 4");
    // Runs into edgebert0's window.
    expect_refused([](O& r) { r["esp"] = O{{"csr_base", "0x6000ff00"}}; }, "'esp.csr'");
    expect_refused([](O& r) { r["esp"] = esp_section(), r["esp"].as_object()["csr_stride"] = 1; },
                   "unknown field 'esp.csr_stride'");
    expect_refused([](O& r) { r["esp"] = "0x60090180"; }, "'esp' must be an object");
}
