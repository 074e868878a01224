// Early exit over the SST-2 trace: the tile's entropy unit against the
// software policy, exit prediction against the table, DVFS choices, errors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>

#include "common/error.hpp"
#include "sim/early_exit/early_exit.hpp"

using namespace edgebert;
using namespace edgebert::sim;

namespace {

const std::string kData = std::string(EDGEBERT_SOURCE_DIR) + "/configs/early_exit/";

std::string write_tmp(const std::string& name, const std::string& text) {
    const std::string p = ::testing::TempDir() + name;
    std::ofstream(p) << text;
    return p;
}

std::vector<LayerCost> toy_costs() {
    // Latency falls and energy rises with the level, as on the V-f curve.
    std::vector<LayerCost> c(4);
    for (int i = 0; i < 4; ++i) {
        c[i].latency_s = 1e-3 * (4 - i);  // 4, 3, 2, 1 ms
        c[i].energy_j = 1e-3 * (1 + i);   // 1, 2, 3, 4 mJ
    }
    return c;
}

}  // namespace

TEST(EarlyExit, EntropyUnitAgreesWithTheSoftwarePolicyOnTheTrace) {
    const auto trace = load_entropy_trace(kData + "sst2_dev_entropies.csv");
    ASSERT_EQ(trace.rows.size(), 872u);
    hw::EdgebertTileConfig tile;
    for (double et : {0.09, 0.16, 0.23, 0.28, 0.46}) {
        const uint16_t thr = static_cast<uint16_t>(std::lround(et * 1024));
        int float_disagree = 0;
        double worst = 0;
        for (const auto& row : trace.rows)
            for (double h : row) {
                const auto d = entropy_unit_decision(tile, h, thr);
                // The policy reads the unit's entropy from the status register and
                // compares it with E_T: it must agree with the unit's exit status.
                ASSERT_EQ(d.exit, d.h_q10 <= thr) << "h " << h;
                worst = std::max(worst, std::fabs(d.h_q10 / 1024.0 - h));
                if (d.exit != (h <= et)) {
                    ++float_disagree;
                    // The unit sees 8-bit AdaptivFloat logits: it can only differ from
                    // a float comparison right at the threshold.
                    EXPECT_LT(std::fabs(h - et), 0.015) << "h " << h << " E_T " << et;
                }
            }
        std::printf("E_T %.2f: %zu entropies; the unit's exit differs from a float comparison on %d (all within "
                    "0.015 of E_T); max |H_unit - H| = %.4f\n", et, trace.rows.size() * 11, float_disagree, worst);
        EXPECT_LT(worst, 0.015);
    }
}

TEST(EarlyExit, PredictedExitLayerIsTheTablesFirstLayerBelowThreshold) {
    const auto lut = load_exit_lut(kData + "sst2_entropy_lut.csv");
    ASSERT_EQ(lut.h1.size(), 100u);
    const auto trace = load_entropy_trace(kData + "sst2_dev_entropies.csv");
    for (double et : {0.09, 0.16, 0.28}) {
        for (const auto& row : trace.rows) {
            // Direct reading: row index = round(h1 / 0.01), clamped.
            const int idx = std::min(99, std::max(0, static_cast<int>(std::lround(row[0] / 0.01))));
            int expect = 12;
            for (int j = 0; j < 10; ++j)
                if (lut.predicted[idx][j] < et) {
                    expect = j + 2;
                    break;
                }
            EXPECT_EQ(predict_exit_layer(lut, row[0], et, 12), expect) << "h1 " << row[0];
        }
    }
}

TEST(EarlyExit, DvfsMeetsFeasibleTargetsAndCountsInfeasibleOnesAsMisses) {
    EntropyTrace t;
    t.layers = 3;
    t.rows = {{0.6, 0.6, 0.6}};  // never exits early
    ExitLut lut;
    lut.h1 = {0.6};
    lut.predicted = {{0.5, 0.5}};  // predicts the last layer (4)
    hw::EdgebertTileConfig tile;
    ReplayConfig rc;
    rc.num_layers = 4;
    rc.threshold = 0.1;
    // Layer 1 at the top level (1 ms), then 3 layers: at level 1 (3 ms each) = 10 ms total.
    rc.target_latency_s = 10e-3;
    auto out = replay(t, lut, toy_costs(), tile, rc, Policy::Edgebert);
    EXPECT_EQ(out[0].exit_layer, 4);
    EXPECT_EQ(out[0].level, 1);  // the cheapest level that still meets T
    EXPECT_FALSE(out[0].miss);
    EXPECT_LE(out[0].latency_s, rc.target_latency_s * (1 + 1e-12));
    // A switch time that makes level 1 too slow moves up to level 2.
    rc.switch_time_s = 0.5e-3;
    out = replay(t, lut, toy_costs(), tile, rc, Policy::Edgebert);
    EXPECT_EQ(out[0].level, 2);
    // Infeasible: even the top level takes 4 ms > 3 ms: top level, counted as a miss.
    rc.target_latency_s = 3e-3;
    out = replay(t, lut, toy_costs(), tile, rc, Policy::Edgebert);
    EXPECT_EQ(out[0].level, 3);
    EXPECT_TRUE(out[0].miss);
    rc.target_latency_s = 0;
    EXPECT_THROW(replay(t, lut, toy_costs(), tile, rc, Policy::None), Error);
}

TEST(EarlyExit, BadTracesAndTablesAreNamed) {
    auto expect_error = [](const std::string& path, const std::string& fragment, bool lut) {
        try {
            if (lut) load_exit_lut(path);
            else load_entropy_trace(path);
            FAIL() << path;
        } catch (const FileFormatError& e) {
            EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
        }
    };
    expect_error(write_tmp("few.csv", "0.1,0.2,0.3\n"), ":1: 3 columns, at least 11", false);
    expect_error(write_tmp("nan.csv", std::string("0.1,0.2,x,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1\n")),
                 ":1: column 3 'x' is not a number", false);
    expect_error(write_tmp("empty.csv", "\n\n"), "no data rows", true);
    expect_error(write_tmp("ragged.csv", "0.1,0.2\n0.1,0.2,0.3\n"), "row 2 has 3 columns", true);
    expect_error(kData + "missing.csv", "cannot open", false);
}
