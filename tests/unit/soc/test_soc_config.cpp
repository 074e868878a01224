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
