// MeshNoc timing: single-packet latency (hops x router latency + serialisation)
// through b_transport, each term checked; the link reservation model under
// contention; independence of disjoint links and of planes.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <utility>
#include <vector>

#include <systemc>
#include <tlm>

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

class NocTimingTest : public edgebert::test::ScTest {};
class NocContentionTest : public edgebert::test::ScTest {};

sc_time cycles(const NocConfig& cfg, uint64_t n) { return sc_time::from_value(cfg.cycle().value() * n); }

// Every (initiator tile, memory tile, size, read/write) combination, one at a
// time on a quiet network: the target sees the request latency in its delay,
// adds its own, and the response latency follows.
void check_single_packets(const NocConfig& cfg, const std::vector<std::pair<int, int>>& ini_tiles,
                          const std::vector<std::pair<int, int>>& mem_tiles, const std::vector<unsigned>& sizes) {
    NocBench b(cfg);
    for (auto [x, y] : ini_tiles) b.add_initiator(x, y, NocPlane::Dma);
    for (size_t m = 0; m < mem_tiles.size(); ++m)
        b.add_memory(mem_tiles[m].first, mem_tiles[m].second, 0x1000'0000ull * (m + 1), 1 << 20, sc_time(7, SC_NS),
                     4.0);
    const uint64_t R = static_cast<uint64_t>(cfg.router_latency_cycles);
    const uint64_t H = static_cast<uint64_t>(cfg.header_flits);
    const uint64_t lb = static_cast<uint64_t>(cfg.link_width_bits / 8);
    int cases = 0;
    b.inits[0]->script = [&](TestInitiator&) {
        for (size_t i = 0; i < ini_tiles.size(); ++i)
            for (size_t m = 0; m < mem_tiles.size(); ++m)
                for (unsigned len : sizes) {
                    TestInitiator& ini = *b.inits[i];
                    const auto [x0, y0] = ini_tiles[i];
                    const auto [x1, y1] = mem_tiles[m];
                    const uint64_t h = static_cast<uint64_t>(std::abs(x1 - x0) + std::abs(y1 - y0));
                    const uint64_t addr = 0x1000'0000ull * (m + 1) + 64 * i;
                    std::vector<uint8_t> data(len);
                    for (unsigned k = 0; k < len; ++k) data[k] = static_cast<uint8_t>(k * 7 + i + m);
                    for (const auto cmd : {tlm::TLM_WRITE_COMMAND, tlm::TLM_READ_COMMAND}) {
                        const bool write = cmd == tlm::TLM_WRITE_COMMAND;
                        std::vector<uint8_t> buf = write ? data : std::vector<uint8_t>(len, 0xEE);
                        // Start some transactions with an annotated offset.
                        const sc_time offset = cycles(cfg, (cases % 3) * 5);
                        sc_time delay = offset;
                        ASSERT_EQ(ini.transport(cmd, addr, buf.data(), len, delay), tlm::TLM_OK_RESPONSE);
                        const uint64_t req_flits = H + (write ? ceil_div(len, lb) : 0);
                        const uint64_t rsp_flits = H + (write ? 0 : ceil_div(len, lb));
                        const auto& probe = *b.probes[m];
                        const std::string what = std::string(write ? "write " : "read ") + std::to_string(len) +
                                                 " B from (" + std::to_string(x0) + "," + std::to_string(y0) +
                                                 ") to (" + std::to_string(x1) + "," + std::to_string(y1) + ")";
                        EXPECT_EQ(probe.entry_delay - offset, cycles(cfg, h * R + req_flits)) << what;
                        EXPECT_EQ(probe.exit_delay - probe.entry_delay, b.mems[m]->access_delay(len)) << what;
                        EXPECT_EQ(delay - probe.exit_delay, cycles(cfg, h * R + rsp_flits)) << what;
                        EXPECT_EQ(b.noc.uncontended_latency(x0, y0, x1, y1, req_flits),
                                  cycles(cfg, h * R + req_flits));
                        if (!write) {
                            EXPECT_EQ(buf, data) << what;
                        }
                        // Every reservation ends by the response's tail: the
                        // next transaction finds the network idle.
                        sc_core::wait(delay);
                        EXPECT_LE(b.noc.horizon(), sc_core::sc_time_stamp());
                        ++cases;
                    }
                }
    };
    b.run();
    EXPECT_EQ(cases, static_cast<int>(2 * ini_tiles.size() * mem_tiles.size() * sizes.size()));
    const auto& s = b.noc.plane_stats(NocPlane::Dma);
    EXPECT_EQ(s.transactions, static_cast<uint64_t>(cases));
    EXPECT_EQ(s.packets, static_cast<uint64_t>(2 * cases));
    EXPECT_EQ(s.wait_cycles, 0.0);  // nothing ever waited
}

TEST_F(NocTimingTest, SinglePacketLatencyDefaultMesh) {
    NocConfig cfg;  // 3 x 2, R = 2, 64-bit links, 1 header flit, 1 GHz
    // Local (0 hops), one hop in x, one in y, and the far corner (3 hops) both ways.
    check_single_packets(cfg, {{0, 0}, {2, 1}, {1, 0}}, {{0, 0}, {2, 1}, {1, 1}}, {1, 8, 13, 64, 256});
}

TEST_F(NocTimingTest, SinglePacketLatencyOtherParameters) {
    NocConfig cfg;
    cfg.cols = 4;
    cfg.rows = 3;
    cfg.router_latency_cycles = 3;
    cfg.link_width_bits = 32;
    cfg.clock_mhz = 500;
    cfg.header_flits = 2;
    // (0,0) -> (3,2) is the far corner: 5 hops.
    check_single_packets(cfg, {{0, 0}, {3, 2}}, {{3, 2}, {0, 0}, {2, 1}}, {4, 5, 100});
}

TEST_F(NocTimingTest, RouteFollowsXThenY) {
    NocConfig cfg;
    cfg.cols = 4;
    cfg.rows = 3;
    NocBench b(cfg);
    using P = NocPort;
    const std::vector<MeshNoc::Hop> expect{{3, 0, P::Inject}, {3, 0, P::West}, {2, 0, P::West}, {1, 0, P::West},
                                           {0, 0, P::South}, {0, 1, P::South}, {0, 2, P::Eject}};
    EXPECT_EQ(b.noc.path(3, 0, 0, 2), expect);
    EXPECT_EQ(b.noc.path(3, 0, 0, 2), noc_test::xy_route(3, 0, 0, 2));
    EXPECT_EQ(b.noc.path(1, 1, 1, 1), (std::vector<MeshNoc::Hop>{{1, 1, P::Inject}, {1, 1, P::Eject}}));
    EXPECT_EQ(MeshNoc::hops(3, 0, 0, 2), 5);
    EXPECT_EQ(b.noc.links_per_plane(), 2 * 12 + 2 * (3 * 3 + 4 * 2));
    EXPECT_FALSE(b.noc.has_link(3, 0, P::East));
    EXPECT_FALSE(b.noc.has_link(0, 0, P::North));
    EXPECT_TRUE(b.noc.has_link(0, 2, P::North));
}

// The reservation model, with route() alone: every expectation is derived
// from R and the flit counts. Packets arrive in time order here, so both
// reservation policies give the same times.
void check_in_order_reservations(NocReservation policy) {
    NocConfig cfg;
    cfg.router_latency_cycles = 3;
    cfg.reservation = policy;
    NocBench b(cfg);
    MeshNoc& noc = b.noc;
    const uint64_t R = 3;
    const sc_time t0 = cycles(cfg, 100);
    auto at = [&](uint64_t c) { return t0 + cycles(cfg, c); };

    // P1: (0,0) -> (2,0), 4 flits. Claims E(1,0) during [R, R + 4).
    EXPECT_EQ(noc.route(NocPlane::Dma, 0, 0, 2, 0, 4, t0), at(2 * R + 4));
    // P2: (1,0) -> (2,0), 3 flits, ready at E(1,0) when P1 claims it: waits
    // 4 cycles, one hop, and ejects right after P1 (whose ejection ended at 2R + 4).
    EXPECT_EQ(noc.route(NocPlane::Dma, 1, 0, 2, 0, 3, at(R)), at(R + 4 + R + 3));
    EXPECT_DOUBLE_EQ(noc.link_stats(NocPlane::Dma, 1, 0, NocPort::East).wait_cycles, 4.0);
    // The same packet on another plane, and a packet on disjoint links of the
    // same plane, are not delayed.
    EXPECT_EQ(noc.route(NocPlane::Irq, 1, 0, 2, 0, 3, at(R)), at(R + R + 3));
    EXPECT_EQ(noc.route(NocPlane::Mmio, 0, 0, 2, 0, 4, t0), at(2 * R + 4));
    EXPECT_EQ(noc.route(NocPlane::Dma, 0, 1, 1, 1, 5, t0), at(R + 5));
    // The reverse direction of a busy link is a different link.
    EXPECT_EQ(noc.route(NocPlane::Dma, 2, 0, 0, 0, 2, at(1)), at(1 + 2 * R + 2));
    // P3 = P1 one cycle later: waits 3 cycles at the injection port (E(0,0)
    // is free again when it gets there), then at E(1,0) until P2 releases it
    // at R + 7, then ejects at once (P1 and P2 are done at 2R + 7).
    EXPECT_EQ(noc.route(NocPlane::Dma, 0, 0, 2, 0, 4, at(1)), at(R + 7 + R + 4));
    EXPECT_DOUBLE_EQ(noc.link_stats(NocPlane::Dma, 0, 0, NocPort::Inject).wait_cycles, 3.0);
    EXPECT_DOUBLE_EQ(noc.link_stats(NocPlane::Dma, 0, 0, NocPort::East).wait_cycles, 0.0);
    EXPECT_DOUBLE_EQ(noc.link_stats(NocPlane::Dma, 1, 0, NocPort::East).wait_cycles, 4.0 + 3.0);
    // A packet starting after everything is released is uncontended again.
    EXPECT_EQ(noc.route(NocPlane::Dma, 0, 0, 2, 0, 4, at(1000)), at(1000 + 2 * R + 4));
    // Statistics of the shared link: P1, P2, P3, the late one.
    const auto& e10 = noc.link_stats(NocPlane::Dma, 1, 0, NocPort::East);
    EXPECT_EQ(e10.packets, 4u);
    EXPECT_EQ(e10.flits, 4u + 3u + 4u + 4u);
    EXPECT_EQ(e10.busy_cycles, e10.flits);
    EXPECT_EQ(noc.plane_stats(NocPlane::Dma).packets, 6u);
    EXPECT_EQ(noc.plane_stats(NocPlane::Irq).packets, 1u);
    EXPECT_DOUBLE_EQ(noc.plane_stats(NocPlane::Dma).wait_cycles, 3.0 + 4.0 + 3.0);
    EXPECT_EQ(noc.horizon(), at(1000 + 2 * R + 4));
}

TEST_F(NocContentionTest, InOrderReservationsFirstFit) { check_in_order_reservations(NocReservation::FirstFit); }
TEST_F(NocContentionTest, InOrderReservationsBusyUntil) { check_in_order_reservations(NocReservation::BusyUntil); }

// A packet reaching the interconnect after one reserved for a later time
// (temporal decoupling): first_fit uses the gap before it, busy_until queues.
TEST_F(NocContentionTest, OutOfOrderArrivalPolicies) {
    for (const auto policy : {NocReservation::FirstFit, NocReservation::BusyUntil}) {
        fresh_context();
        NocConfig cfg;
        cfg.reservation = policy;
        NocBench b(cfg);
        const uint64_t R = static_cast<uint64_t>(cfg.router_latency_cycles);
        auto at = [&](uint64_t c) { return cycles(cfg, c); };
        // Q1 is reserved first but for later: E(1,0) during [50 + R, 54 + R).
        EXPECT_EQ(b.noc.route(NocPlane::Dma, 0, 0, 2, 0, 4, at(50)), at(50 + 2 * R + 4));
        // Q2 needs E(1,0) at 0.
        const sc_time q2 = b.noc.route(NocPlane::Dma, 1, 0, 2, 0, 3, at(0));
        if (policy == NocReservation::FirstFit) {
            EXPECT_EQ(q2, at(R + 3));
        } else {
            // Behind Q1 on E(1,0), then behind Q1's ejection (ends 54 + 2R).
            EXPECT_EQ(q2, at(54 + 2 * R + 3));
        }
        // Gaps on one tile's local ports (h = 0 packets cost F cycles):
        // busy [10, 14) and [20, 24).
        EXPECT_EQ(b.noc.route(NocPlane::Irq, 1, 1, 1, 1, 4, at(10)), at(14));
        EXPECT_EQ(b.noc.route(NocPlane::Irq, 1, 1, 1, 1, 4, at(20)), at(24));
        // 6 free cycles at 14: a 5-flit packet from 12 fits at 14 under
        // first_fit, a 7-flit one goes after 24. busy_until queues both at 24.
        const sc_time five = b.noc.route(NocPlane::Irq, 1, 1, 1, 1, 5, at(12));
        const sc_time seven = b.noc.route(NocPlane::Irq, 1, 1, 1, 1, 7, at(12));
        if (policy == NocReservation::FirstFit) {
            EXPECT_EQ(five, at(19));
            EXPECT_EQ(seven, at(31));
            // Busy [10, 19) and [20, 31): a 1-flit packet at 10 takes the
            // one free cycle at 19, the next one goes at 31.
            EXPECT_EQ(b.noc.route(NocPlane::Irq, 1, 1, 1, 1, 1, at(10)), at(20));
            EXPECT_EQ(b.noc.route(NocPlane::Irq, 1, 1, 1, 1, 1, at(10)), at(32));
        } else {
            EXPECT_EQ(five, at(29));
            EXPECT_EQ(seven, at(36));
        }
    }
}

// Two DMA flows through b_transport share E(1,0): A (0,0) -> memory at (2,0)
// and B (1,0) -> memory at (2,1). A third flow with B's route on the MMIO
// plane and a fourth on disjoint DMA links are not slowed.
void check_shared_link(NocReservation policy) {
    NocConfig cfg;  // R = 2, 8-byte flits, 1 header flit
    cfg.reservation = policy;
    NocBench b(cfg);
    const int A = b.add_initiator(0, 0, NocPlane::Dma);
    const int B = b.add_initiator(1, 0, NocPlane::Dma);
    const int C = b.add_initiator(1, 0, NocPlane::Mmio);
    const int D = b.add_initiator(0, 1, NocPlane::Dma);
    const sc_time mem_lat(10, SC_NS);
    b.add_memory(2, 0, 0x1000'0000, 1 << 20, mem_lat, 8.0);  // M0
    b.add_memory(2, 1, 0x2000'0000, 1 << 20, mem_lat, 8.0);  // M1
    b.add_memory(1, 1, 0x3000'0000, 1 << 20, mem_lat, 8.0);  // M2
    const uint64_t R = static_cast<uint64_t>(cfg.router_latency_cycles);
    const uint64_t H = static_cast<uint64_t>(cfg.header_flits);
    const unsigned len = 64;
    const uint64_t F = H + ceil_div(len, static_cast<uint64_t>(cfg.link_width_bits / 8));  // write request
    const sc_time mem = b.mems[0]->access_delay(len);

    sc_time dA, dB, dC, dD;
    sc_time probe_B, probe_C;
    std::vector<uint8_t> payload(len, 0x5A);
    // A goes first (delta 0); B, C and D in the next delta, same simulated time.
    b.inits[A]->script = [&](TestInitiator& i) {
        ASSERT_EQ(i.write(0x1000'0000, payload, dA), tlm::TLM_OK_RESPONSE);
    };
    b.inits[B]->script = [&](TestInitiator& i) {
        sc_core::wait(SC_ZERO_TIME);
        ASSERT_EQ(i.write(0x2000'0000, payload, dB), tlm::TLM_OK_RESPONSE);
        probe_B = b.probes[1]->entry_delay;
    };
    b.inits[C]->script = [&](TestInitiator& i) {
        sc_core::wait(SC_ZERO_TIME);
        sc_core::wait(SC_ZERO_TIME);  // after B: B's probe reading is taken first
        ASSERT_EQ(i.write(0x2000'0100, payload, dC), tlm::TLM_OK_RESPONSE);
        probe_C = b.probes[1]->entry_delay;
    };
    b.inits[D]->script = [&](TestInitiator& i) {
        sc_core::wait(SC_ZERO_TIME);
        ASSERT_EQ(i.write(0x3000'0000, payload, dD), tlm::TLM_OK_RESPONSE);
    };
    b.run();

    // Uncontended: request h R + F, memory, header-only response h R + H.
    auto alone = [&](uint64_t h) { return cycles(cfg, h * R + F) + mem + cycles(cfg, h * R + H); };
    EXPECT_EQ(dA, alone(2));
    // B's head reaches E(1,0) at 0; A claimed it at R and holds it F cycles.
    const uint64_t wait_B = R + F;
    EXPECT_EQ(probe_B, cycles(cfg, wait_B + 2 * R + F));
    EXPECT_EQ(dB, alone(2) + cycles(cfg, wait_B));
    // B's response (2,1) -> (1,1) -> (1,0) shares no link with A's.
    EXPECT_EQ(dB - probe_B - mem, cycles(cfg, 2 * R + H));
    // Other plane, disjoint links: as if alone.
    EXPECT_EQ(probe_C, cycles(cfg, 2 * R + F));
    EXPECT_EQ(dC, alone(2));
    EXPECT_EQ(dD, alone(1));
    EXPECT_DOUBLE_EQ(b.noc.plane_stats(NocPlane::Dma).wait_cycles, static_cast<double>(wait_B));
    EXPECT_DOUBLE_EQ(b.noc.plane_stats(NocPlane::Mmio).wait_cycles, 0.0);
}

TEST_F(NocContentionTest, SharedLinkSlowsTransactionsFirstFit) { check_shared_link(NocReservation::FirstFit); }
TEST_F(NocContentionTest, SharedLinkSlowsTransactionsBusyUntil) { check_shared_link(NocReservation::BusyUntil); }

// Interrupts cross the IRQ plane with send_message(); DMA traffic does not
// delay them, but two messages on the same path queue.
TEST_F(NocContentionTest, InterruptMessagesOnTheirOwnPlane) {
    NocConfig cfg;
    NocBench b(cfg);
    b.add_initiator(0, 0, NocPlane::Dma);
    b.add_memory(0, 0, 0, 0x1000, sc_time(1, SC_NS), 8.0);  // SystemC needs 'out' bound
    const uint64_t R = static_cast<uint64_t>(cfg.router_latency_cycles);
    sc_time first, second, dma_arrival;
    b.inits[0]->script = [&](TestInitiator&) {
        sc_core::wait(sc_time(100, SC_NS));
        // Heavy DMA packet on the same route first.
        dma_arrival = b.noc.route(NocPlane::Dma, 2, 1, 0, 0, 64, sc_core::sc_time_stamp());
        first = b.noc.send_message(NocPlane::Irq, 2, 1, 0, 0, 1);
        second = b.noc.send_message(NocPlane::Irq, 2, 1, 0, 0, 1);
    };
    b.run();
    EXPECT_EQ(dma_arrival, sc_time(100, SC_NS) + cycles(cfg, 3 * R + 64));
    EXPECT_EQ(first, cycles(cfg, 3 * R + 1));
    // The second message waits one cycle at the injection port, then follows
    // one cycle behind the first.
    EXPECT_EQ(second, cycles(cfg, 1 + 3 * R + 1));
    EXPECT_EQ(b.noc.plane_stats(NocPlane::Irq).packets, 2u);
}

}  // namespace
}  // namespace edgebert::hw
