// The native host's cost table: entries as numbers or curves over the working
// set, their validation, the interpolation, and the traffic model that turns
// eb_hal_charge_mem's access pattern into cache lines and a working set.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <functional>

#include "common/error.hpp"
#include "common/json_reader.hpp"
#include "hw/soc/native_host.hpp"
#include "hw/soc/soc_config.hpp"

using namespace edgebert;
using namespace edgebert::hw;

namespace {

boost::json::value default_json() {
    return parse_json_file(std::string(EDGEBERT_SOURCE_DIR) + "/configs/soc/default.json");
}

SocConfig with_host_costs(const boost::json::object& hc) {
    boost::json::value v = default_json();
    v.as_object()["host_costs"] = hc;
    return parse_soc_config(boost::json::serialize(v), "soc.json");
}

void expect_refused(const boost::json::object& hc, const std::string& fragment) {
    try {
        with_host_costs(hc);
        FAIL() << "accepted: " << boost::json::serialize(hc);
    } catch (const ConfigError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find(fragment), std::string::npos) << what;
        EXPECT_NE(what.find("soc.json"), std::string::npos) << what;
    }
}

}  // namespace

TEST(HostCosts, ShippedConfigsCarryMeasuredCurves) {
    for (const char* name : {"default.json", "epochs.json"}) {
        const auto c = load_soc_config(std::string(EDGEBERT_SOURCE_DIR) + "/configs/soc/" + name);
        for (const char* curve : {"load_line", "store_line"}) {
            ASSERT_TRUE(c.host_costs.is_curve(curve)) << name << " " << curve;
            // Nothing extra while the data fits the L1 D$ (32 KiB), more beyond the LLC (256 KiB) than within it.
            EXPECT_LT(c.host_costs.get(curve, 4096), 1.0) << name << " " << curve;
            EXPECT_GT(c.host_costs.get(curve, 4 << 20), c.host_costs.get(curve, 128 << 10)) << name << " " << curve;
        }
        EXPECT_FALSE(c.host_costs.is_curve("fp32_mac"));
        EXPECT_GT(c.host_costs.get("fp32_mac"), 1.0);
    }
}

TEST(HostCosts, OldConfigsWithNumbersOnlyKeepWorking) {
    // A table as written before the curves: every entry a number, no traffic entries.
    boost::json::object hc{{"_comment", "old"}, {"copy_per_byte", 0.375}, {"fp32_mac", 6.722}, {"mmio_access", 2.0}};
    const auto c = with_host_costs(hc);
    EXPECT_DOUBLE_EQ(c.host_costs.get("copy_per_byte"), 0.375);
    EXPECT_DOUBLE_EQ(c.host_costs.get("fp32_mac"), 6.722);
    EXPECT_DOUBLE_EQ(c.host_costs.get("fp32_mac", 1 << 20), 6.722);  // a number: the same at any working set
    // Absent entries keep the defaults, the traffic curves among them.
    const auto d = default_host_costs();
    EXPECT_DOUBLE_EQ(c.host_costs.get("fp32_exp"), d.get("fp32_exp"));
    EXPECT_TRUE(c.host_costs.is_curve("load_line"));
    EXPECT_DOUBLE_EQ(c.host_costs.get("load_line", 1 << 20), d.get("load_line", 1 << 20));
}

TEST(HostCosts, CurvesInterpolateInLogWorkingSetAndClamp) {
    boost::json::object hc{{"load_line", boost::json::object{{"1024", 0.0}, {"4096", 10.0}, {"65536", 30.0}}},
                           {"fp32_tanh", boost::json::object{{"8192", 200.0}}}};
    const auto c = with_host_costs(hc);
    const auto& t = c.host_costs;
    EXPECT_TRUE(t.is_curve("load_line"));
    EXPECT_DOUBLE_EQ(t.get("load_line", 100), 0.0);     // clamped below
    EXPECT_DOUBLE_EQ(t.get("load_line", 1024), 0.0);
    EXPECT_NEAR(t.get("load_line", 2048), 5.0, 1e-9);   // halfway in log2 between 1 KiB and 4 KiB
    EXPECT_NEAR(t.get("load_line", 16384), 20.0, 1e-9); // halfway between 4 KiB and 64 KiB
    EXPECT_DOUBLE_EQ(t.get("load_line", 1 << 30), 30.0); // clamped above
    EXPECT_DOUBLE_EQ(t.get("load_line"), 0.0);          // no working set: the first point
    // A one-point curve is a constant at every working set.
    EXPECT_DOUBLE_EQ(t.get("fp32_tanh", 10), 200.0);
    EXPECT_DOUBLE_EQ(t.get("fp32_tanh", 1e9), 200.0);
}

TEST(HostCosts, BadEntriesNameTheEntryAndTheAllowedForms) {
    using O = boost::json::object;
    const std::string forms = "a number of cycles in [0, 1000000] or a curve over the working set";
    expect_refused(O{{"fp32_mac", "fast"}}, "field 'host_costs.fp32_mac' = \"fast\" must be " + forms);
    expect_refused(O{{"fp32_mac", boost::json::array{1, 2}}}, "'host_costs.fp32_mac'");
    expect_refused(O{{"fp32_mac", -1}}, "'host_costs.fp32_mac' = -1 is out of range [0, 1000000]");
    expect_refused(O{{"load_line", O{}}}, "'host_costs.load_line' has 0 points: it must be " + forms);
    expect_refused(O{{"load_line", O{{"4 KiB", 1.0}}}}, "'host_costs.load_line' has the working set \"4 KiB\"");
    expect_refused(O{{"load_line", O{{"0", 1.0}}}}, "has the working set \"0\"");
    expect_refused(O{{"load_line", O{{"4096", 1.0}, {"04096", 2.0}}}}, "gives the working set 4096 twice");
    expect_refused(O{{"load_line", O{{"4096", "x"}}}}, "'host_costs.load_line.4096' = \"x\" is not a number");
    expect_refused(O{{"load_line", O{{"4096", 2e6}}}}, "'host_costs.load_line.4096' = 2000000 is out of range");
    expect_refused(O{{"fp32_macc", 1.0}}, "fp32_macc");
}

TEST(HostCosts, TrafficCountsLinesAndCrowdedSets) {
    const CacheHierarchyConfig caches = default_cache_hierarchy();  // 16-byte lines, L1 D$ 256 sets x 8 ways
    // Contiguous: whole lines, the working set as given.
    auto t = memory_traffic(caches, 4096, 65536, 4096, 4096);
    EXPECT_DOUBLE_EQ(t.lines, 256);
    EXPECT_DOUBLE_EQ(t.working_set, 65536);
    EXPECT_DOUBLE_EQ(memory_traffic(caches, 100, 100, 0, 0).lines, 7);  // 100 bytes: 7 lines
    // A column walk: 4-byte runs a row of 1 KiB apart, each run a whole line.
    t = memory_traffic(caches, 4 * 64, 4 * 64, 4, 1024);
    EXPECT_DOUBLE_EQ(t.lines, 64);
    // 128 runs of 256 bytes (16 lines) 3 KiB apart (192 lines): gcd(192, 256) = 64, so
    // only 4 distinct first sets, 64 of the 256 sets touched: the cache sees 4x the data.
    t = memory_traffic(caches, 128 * 256, 128 * 256, 256, 3072);
    EXPECT_DOUBLE_EQ(t.lines, 128 * 16);
    EXPECT_DOUBLE_EQ(t.working_set, 4.0 * 128 * 256);
    // Runs 4 KiB + 16 bytes apart spread over all sets: no crowding.
    t = memory_traffic(caches, 128 * 256, 128 * 256, 256, 4096 + 16);
    EXPECT_DOUBLE_EQ(t.working_set, 128.0 * 256);
    // No cache model: ideal memory, nothing to charge.
    CacheHierarchyConfig off = caches;
    off.enabled = false;
    EXPECT_DOUBLE_EQ(memory_traffic(off, 1 << 20, 1 << 20, 0, 0).lines, 0);
}
