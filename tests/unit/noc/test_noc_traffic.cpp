// Saturating random traffic: initiators on every tile and both data planes
// write and read back random bursts in all memories, loosely timed with a
// quantum. Every transaction completes exactly once with the right data, and
// the per-link counters equal the sum of the packets' X-Y routes.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <map>
#include <tuple>
#include <vector>

#include <systemc>
#include <tlm>

#include "common/rng.hpp"
#include "hw/noc/mesh_noc.hpp"
#include "tests/support/sc_test.hpp"
#include "tests/unit/noc/noc_test_support.hpp"

namespace edgebert::hw {
namespace {

using noc_test::ceil_div;
using noc_test::NocBench;
using noc_test::TestInitiator;
using sc_core::SC_NS;
using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

class NocTrafficTest : public edgebert::test::ScTest {};

struct LinkCount {
    uint64_t packets = 0;
    uint64_t flits = 0;
};
using LinkKey = std::tuple<int, int, int, int>;  // plane, x, y, port

struct TrafficResult {
    double wait_cycles = 0;  // DMA + MMIO planes
    uint64_t packets = 0;
    double max_link_utilization = 0;  // DMA plane
};

// `quantum`: each initiator synchronises once its local offset reaches it
// (zero: after every transaction).
TrafficResult run_traffic(NocReservation policy, sc_time quantum) {
    NocConfig cfg;  // 3 x 2
    cfg.reservation = policy;
    NocBench b(cfg);
    for (int y = 0; y < cfg.rows; ++y)
        for (int x = 0; x < cfg.cols; ++x) {
            b.add_initiator(x, y, NocPlane::Dma);
            b.add_initiator(x, y, NocPlane::Mmio);
        }
    const int n_init = static_cast<int>(b.inits.size());
    const uint64_t slice = 16 * 1024;  // private slice of every memory per initiator
    const std::array<std::pair<int, int>, 3> mem_tiles{{{0, 0}, {2, 0}, {1, 1}}};
    std::vector<uint64_t> bases;
    for (size_t m = 0; m < mem_tiles.size(); ++m) {
        bases.push_back(0x8000'0000ull + 0x1000'0000ull * m);
        b.add_memory(mem_tiles[m].first, mem_tiles[m].second, bases.back(), slice * static_cast<uint64_t>(n_init),
                     sc_time(2, SC_NS), 8.0);
    }
    const int kPairs = 60;  // write + read-back pairs per initiator
    const uint64_t H = static_cast<uint64_t>(cfg.header_flits);
    const uint64_t lb = static_cast<uint64_t>(cfg.link_bytes());

    std::map<LinkKey, LinkCount> expected;
    auto account = [&](NocPlane plane, std::pair<int, int> from, std::pair<int, int> to, uint64_t flits) {
        for (const auto& hop : noc_test::xy_route(from.first, from.second, to.first, to.second)) {
            auto& c = expected[{static_cast<int>(plane), hop.x, hop.y, static_cast<int>(hop.port)}];
            c.packets += 1;
            c.flits += flits;
        }
    };
    std::vector<int> completed(static_cast<size_t>(n_init), 0);
    std::vector<int> mismatches(static_cast<size_t>(n_init), 0);
    std::vector<uint64_t> to_target(mem_tiles.size(), 0);

    for (int i = 0; i < n_init; ++i) {
        b.inits[static_cast<size_t>(i)]->script = [&, i](TestInitiator& ini) {
            const auto plane = i % 2 == 0 ? NocPlane::Dma : NocPlane::Mmio;
            const auto tile = b.init_tiles[static_cast<size_t>(i)];
            Rng rng(hash_name(ini.name(), 2024));
            sc_time delay;
            for (int n = 0; n < kPairs; ++n) {
                const auto m = static_cast<size_t>(rng.uniform_int(0, static_cast<int64_t>(mem_tiles.size()) - 1));
                const auto len = static_cast<unsigned>(rng.uniform_int(1, 160));
                const auto off = static_cast<uint64_t>(rng.uniform_int(0, static_cast<int64_t>(slice - len)));
                const uint64_t addr = bases[m] + slice * static_cast<uint64_t>(i) + off;
                std::vector<uint8_t> data(len);
                for (auto& v : data) v = static_cast<uint8_t>(rng.next_u64());

                ASSERT_EQ(ini.write(addr, data, delay), tlm::TLM_OK_RESPONSE);
                ++completed[static_cast<size_t>(i)];
                ++to_target[m];
                account(plane, tile, mem_tiles[m], H + ceil_div(len, lb));
                account(plane, mem_tiles[m], tile, H);

                if (delay >= quantum) {
                    sc_core::wait(delay);
                    delay = SC_ZERO_TIME;
                }
                std::vector<uint8_t> back(len, 0);
                ASSERT_EQ(ini.read(addr, back, delay), tlm::TLM_OK_RESPONSE);
                ++completed[static_cast<size_t>(i)];
                ++to_target[m];
                account(plane, tile, mem_tiles[m], H);
                account(plane, mem_tiles[m], tile, H + ceil_div(len, lb));
                if (back != data) ++mismatches[static_cast<size_t>(i)];

                // Temporal decoupling with a quantum, and a little think time.
                delay += sc_time::from_value(cfg.cycle().value() * static_cast<uint64_t>(rng.uniform_int(0, 3)));
                if (delay >= quantum) {
                    sc_core::wait(delay);
                    delay = SC_ZERO_TIME;
                }
            }
            sc_core::wait(delay);
        };
    }
    b.run();

    // Exactly once, with the right data.
    uint64_t total = 0;
    for (int i = 0; i < n_init; ++i) {
        EXPECT_EQ(completed[static_cast<size_t>(i)], 2 * kPairs) << i;
        EXPECT_EQ(mismatches[static_cast<size_t>(i)], 0) << i;
        total += static_cast<uint64_t>(completed[static_cast<size_t>(i)]);
    }
    uint64_t mem_total = 0;
    for (size_t m = 0; m < mem_tiles.size(); ++m) {
        EXPECT_EQ(b.probes[m]->calls, to_target[m]) << m;
        const auto& s = b.mems[m]->stats();
        EXPECT_EQ(s.reads + s.writes, to_target[m]) << m;
        mem_total += s.reads + s.writes;
    }
    EXPECT_EQ(mem_total, total);
    const auto& dma = b.noc.plane_stats(NocPlane::Dma);
    const auto& mmio = b.noc.plane_stats(NocPlane::Mmio);
    EXPECT_EQ(dma.transactions + mmio.transactions, total);
    EXPECT_EQ(dma.packets + mmio.packets, 2 * total);
    EXPECT_EQ(b.noc.plane_stats(NocPlane::Irq).packets, 0u);

    // Per-link counters = the sum of the routes; no link outside the model.
    const sc_time elapsed = b.noc.elapsed();
    for (const auto& [key, c] : expected) {
        const auto [p, x, y, port] = key;
        EXPECT_TRUE(b.noc.has_link(x, y, static_cast<NocPort>(port)));
    }
    uint64_t checked = 0;
    for (int p = 0; p < kNocPlanes; ++p) {
        uint64_t plane_flits = 0;
        for (int y = 0; y < cfg.rows; ++y)
            for (int x = 0; x < cfg.cols; ++x)
                for (int port = 0; port < kNocPorts; ++port) {
                    const auto np = static_cast<NocPort>(port);
                    if (!b.noc.has_link(x, y, np)) continue;
                    const auto it = expected.find({p, x, y, port});
                    const LinkCount want = it == expected.end() ? LinkCount{} : it->second;
                    const auto& got = b.noc.link_stats(static_cast<NocPlane>(p), x, y, np);
                    EXPECT_EQ(got.packets, want.packets) << p << " " << x << "," << y << " " << to_string(np);
                    EXPECT_EQ(got.flits, want.flits) << p << " " << x << "," << y << " " << to_string(np);
                    EXPECT_EQ(got.busy_cycles, got.flits);
                    // Reservations of one link never overlap.
                    EXPECT_LE(b.noc.link_utilization(static_cast<NocPlane>(p), x, y, np, elapsed), 1.0 + 1e-12);
                    plane_flits += got.flits;
                    ++checked;
                }
        EXPECT_EQ(b.noc.plane_stats(static_cast<NocPlane>(p)).link_flits, plane_flits);
    }
    EXPECT_EQ(checked, static_cast<uint64_t>(kNocPlanes * b.noc.links_per_plane()));

    // It was contended (the memory tiles' ports are hot spots).
    EXPECT_GT(dma.wait_cycles, 0.0);
    EXPECT_GT(mmio.wait_cycles, 0.0);

    // The JSON report agrees with the counters.
    const auto j = b.noc.stats_json();
    const auto& jd = j.at("planes").at("dma").as_object();
    EXPECT_EQ(jd.at("packets").to_number<uint64_t>(), dma.packets);
    EXPECT_EQ(jd.at("link_flits").to_number<uint64_t>(), dma.link_flits);
    EXPECT_EQ(jd.at("links_total").to_number<int>(), b.noc.links_per_plane());
    const double util = jd.at("utilization").as_double();
    EXPECT_GT(util, 0.0);
    EXPECT_LE(util, jd.at("max_link_utilization").as_double());
    EXPECT_LE(jd.at("max_link_utilization").as_double(), 1.0 + 1e-12);
    EXPECT_TRUE(j.at("planes").at("irq").at("links").as_array().empty());
    uint64_t json_flits = 0;
    for (const auto& l : jd.at("links").as_array()) json_flits += l.at("flits").to_number<uint64_t>();
    EXPECT_EQ(json_flits, dma.link_flits);
    EXPECT_NEAR(j.at("elapsed_cycles").as_double(), elapsed.to_seconds() / cfg.cycle().to_seconds(), 1e-6);
    return {dma.wait_cycles + mmio.wait_cycles, dma.packets + mmio.packets,
            jd.at("max_link_utilization").as_double()};
}

TEST_F(NocTrafficTest, RandomTrafficWithQuantumFirstFit) {
    run_traffic(NocReservation::FirstFit, sc_time(50, SC_NS));
}

TEST_F(NocTrafficTest, RandomTrafficWithQuantumBusyUntil) {
    run_traffic(NocReservation::BusyUntil, sc_time(50, SC_NS));
}

// Syncing after every transaction, first_fit still sees responses reserved
// ahead of other initiators' requests but uses the gaps before them, so it
// waits far less than busy_until on the same traffic.
TEST_F(NocTrafficTest, FirstFitWaitsLessThanBusyUntil) {
    const TrafficResult ff = run_traffic(NocReservation::FirstFit, sc_core::SC_ZERO_TIME);
    fresh_context();
    const TrafficResult bu = run_traffic(NocReservation::BusyUntil, sc_core::SC_ZERO_TIME);
    EXPECT_LT(ff.wait_cycles * 2, bu.wait_cycles);
    RecordProperty("first_fit_wait_per_packet", std::to_string(ff.wait_cycles / static_cast<double>(ff.packets)));
    RecordProperty("busy_until_wait_per_packet", std::to_string(bu.wait_cycles / static_cast<double>(bu.packets)));
    RecordProperty("first_fit_max_link_utilization", std::to_string(ff.max_link_utilization));
    RecordProperty("busy_until_max_link_utilization", std::to_string(bu.max_link_utilization));
}

}  // namespace
}  // namespace edgebert::hw
