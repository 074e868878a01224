// SoC config fields that used to be accepted and ignored are refused, naming
// the field (docs/memory-hierarchy.md, "Every field of the SoC config"): the
// accelerator-only keys of a tile on a cpu, mem or io tile, a second memory or
// io tile, a systolic size with no verilated array, and cache settings the
// timing model has no path for.
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

boost::json::value default_json() {
    std::ifstream f(std::string(EDGEBERT_SOURCE_DIR) + "/configs/soc/default.json");
    std::stringstream ss;
    ss << f.rdbuf();
    return boost::json::parse(ss.str(), {}, {256, false, true, true});
}

SocConfig parse_edited(const std::function<void(boost::json::object&)>& edit) {
    boost::json::value v = default_json();
    edit(v.as_object());
    return parse_soc_config(boost::json::serialize(v), "soc.json");
}

std::string error_of(const std::function<void(boost::json::object&)>& edit) {
    try {
        parse_edited(edit);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "(accepted)";
}

boost::json::array& tiles(boost::json::object& root) { return root["tiles"].as_array(); }

size_t index_of(boost::json::object& root, const char* kind) {
    auto& t = tiles(root);
    for (size_t i = 0; i < t.size(); ++i)
        if (t[i].as_object()["kind"].as_string() == kind) return i;
    throw std::logic_error(kind);
}

}  // namespace

TEST(SocConfigFields, AcceleratorKeysOnOtherTilesAreRefused) {
    for (const char* kind : {"cpu", "mem", "io"}) {
        for (const auto& [key, value] : std::initializer_list<std::pair<const char*, boost::json::value>>{
                 {"reg_base", "0x60400000"}, {"reg_size", 4096}, {"irq", 9}, {"esp_irq", 8}}) {
            const std::string e = error_of([&, kind = kind, key = key](boost::json::object& r) {
                tiles(r)[index_of(r, kind)].as_object()[key] = value;
            });
            EXPECT_NE(e.find(std::string(".") + key + "' applies"), std::string::npos) << kind << ": " << e;
            EXPECT_NE(e.find("applies to edgebert and systolic tiles only"), std::string::npos) << e;
            EXPECT_NE(e.find(std::string("'") + kind + "'"), std::string::npos) << e;
        }
    }
    // A cpu, mem or io tile's coherence is the power-on value of its ESP CSR:
    // refused without an "esp" section, read with one.
    for (const char* kind : {"cpu", "mem", "io"}) {
        const std::string e = error_of([kind = kind](boost::json::object& r) {
            tiles(r)[index_of(r, kind)].as_object()["coherence"] = "none";
        });
        EXPECT_NE(e.find(".coherence' has no effect on a '" + std::string(kind) + "' tile without an \"esp\" section"),
                  std::string::npos)
            << e;
        const SocConfig with_esp = parse_edited([kind = kind](boost::json::object& r) {
            r["esp"] = boost::json::object{};
            tiles(r)[index_of(r, kind)].as_object()["coherence"] = "none";
        });
        size_t i = 0;
        while (tile_kind_name(with_esp.tiles[i].kind) != std::string(kind)) ++i;
        EXPECT_EQ(with_esp.tiles[i].coherence, DmaCoherence::None) << kind;
    }
    // On an accelerator tile they are read.
    const SocConfig c = parse_edited([](boost::json::object& r) {
        tiles(r)[index_of(r, "systolic")].as_object()["coherence"] = "none";
    });
    EXPECT_EQ(c.tiles_of(TileKind::Systolic)[0]->coherence, DmaCoherence::None);
}

TEST(SocConfigFields, OneMemoryTileAndAtMostOneIoTile) {
    auto add = [](const char* kind, const char* name, int x, int y) {
        return [=](boost::json::object& r) {
            r["noc"].as_object()["cols"] = 4;
            tiles(r).push_back(boost::json::object{{"name", name}, {"kind", kind}, {"x", x}, {"y", y}});
        };
    };
    EXPECT_NE(error_of(add("mem", "mem1", 3, 0)).find("has 2 mem tiles: exactly 1 is modelled"), std::string::npos)
        << error_of(add("mem", "mem1", 3, 0));
    EXPECT_NE(error_of(add("io", "io1", 3, 1)).find("has 2 io tiles: at most 1 is modelled"), std::string::npos)
        << error_of(add("io", "io1", 3, 1));
    // A second accelerator of a kind is a real tile (registers, DMA, interrupt): accepted.
    EXPECT_EQ(error_of([](boost::json::object& r) {
                  r["noc"].as_object()["cols"] = 4;
                  tiles(r).push_back(boost::json::object{{"name", "systolic1"}, {"kind", "systolic"}, {"x", 3},
                                                         {"y", 0}, {"reg_base", "0x60600000"}, {"irq", 9}});
              }),
              "(accepted)");
}

TEST(SocConfigFields, SystolicSizeMustBeAVerilatedArray) {
    for (int size : {4, 24, 48, 128}) {
        const std::string e = error_of([=](boost::json::object& r) { r["systolic"].as_object()["size"] = size; });
        EXPECT_NE(e.find("field 'systolic.size' = " + std::to_string(size) + " must be one of 8, 16, 32, 64"),
                  std::string::npos)
            << e;
    }
    for (int size : kSystolicRtlSizes)
        EXPECT_EQ(parse_edited([=](boost::json::object& r) { r["systolic"].as_object()["size"] = size; }).systolic.size,
                  size);
}

TEST(SocConfigFields, CacheSettingsWithoutAPathAreRefused) {
    const std::string e = error_of([](boost::json::object& r) {
        r["caches"].as_object()["l1d"].as_object()["write_policy"] = "write_back";
        r["caches"].as_object()["store_buffer_entries"] = 16;
    });
    EXPECT_NE(e.find("'caches.store_buffer_entries' = 16 has no effect with a write-back L1 D$"), std::string::npos)
        << e;
    const std::string l1i = error_of([](boost::json::object& r) {
        r["caches"].as_object()["l1i"] = boost::json::object{{"write_policy", "write_through"}};
    });
    EXPECT_NE(l1i.find("'caches.l1i.write_policy' = write_through is not supported"), std::string::npos) << l1i;
}

// caches.acc_l2 serves fully coherent DMA only: changed without a tile in mode
// "full" (and no ESP CSR to select it) it is refused; with one it is read.
TEST(SocConfigFields, AcceleratorL2NeedsAFullyCoherentTile) {
    const std::string e = error_of([](boost::json::object& r) {
        r["caches"].as_object()["acc_l2"] = boost::json::object{{"ways", 8}};
    });
    EXPECT_NE(e.find("field 'caches.acc_l2' has no effect: no accelerator tile has coherence \"full\""),
              std::string::npos)
        << e;
    const SocConfig full = parse_edited([](boost::json::object& r) {
        r["caches"].as_object()["acc_l2"] = boost::json::object{{"ways", 8}};
        tiles(r)[index_of(r, "systolic")].as_object()["coherence"] = "full";
    });
    EXPECT_EQ(full.caches.acc_l2.ways, 8u);
    const SocConfig esp = parse_edited([](boost::json::object& r) {
        r["caches"].as_object()["acc_l2"] = boost::json::object{{"hit_latency_cycles", 3}};
        r["esp"] = boost::json::object{};
    });
    EXPECT_EQ(esp.caches.acc_l2.hit_latency_cycles, 3u);
}
