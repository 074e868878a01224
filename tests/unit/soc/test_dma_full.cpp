// Fully coherent DMA (ACC_COH_FULL): the accelerator tile's DMA port serves the
// DMA from its own private cache (caches.acc_l2) and fills it from the memory
// tile on the coherence plane (hw/soc/dma_port.hpp, hw/mem/memory_tile.hpp).
//
// A 3 x 1 mesh at 1 GHz: the memory tile at (0, 0), the CPU tile at (1, 0),
// the accelerator at (2, 0). The script drives the DMA port directly and the
// CPU's fills on the coherence plane. The expected figures come from the
// documented formula, written here independently: the cache's hit latency
// for the first line, one line per cycle after it, and per missing line a
// fill one after the other: the request packet (a header flit) to the memory
// tile, the LLC lookup and, on an LLC miss, the DRAM read of the line (replayed
// on a second Dram with the same config), the answer (header + 16 B / 8 B).
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "hw/mem/cache_config.hpp"
#include "hw/mem/dram.hpp"
#include "hw/mem/memory_request.hpp"
#include "hw/mem/memory_tile.hpp"
#include "hw/noc/mesh_noc.hpp"
#include "hw/soc/dma_port.hpp"
#include "tests/support/memory_bench.hpp"
#include "tests/support/sc_test.hpp"

namespace edgebert::hw {
namespace {

using sc_core::sc_time;
using sc_core::SC_NS;
using sc_core::SC_ZERO_TIME;

using namespace edgebert::test;  // kBase, kLine, cycles_of, Outcome, Unused, transport (memory_bench.hpp)

constexpr unsigned kAccHit = 8;  // default acc_l2 hit latency (tile cycles)

// The accelerator's DMA master (into the port) and the CPU's L2 (coherence
// plane). After every transaction the thread waits until it is over plus a
// microsecond, so the next starts on an idle NoC and DRAM bus.
struct Host : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<Host> acc, coh;
    std::function<void(Host&)> script;
    bool finished = false;

    explicit Host(sc_core::sc_module_name n) : sc_core::sc_module(n), acc("acc"), coh("coh") {
        SC_HAS_PROCESS(Host);
        SC_THREAD(run);
    }
    void run() {
        if (script) script(*this);
        finished = true;
    }
    Outcome dma(tlm::tlm_command cmd, uint64_t addr, std::vector<uint8_t>& data) {
        return send(acc, cmd, nullptr, addr, data);
    }
    Outcome cpu(MemoryRequest::Kind kind, uint64_t line) {
        std::vector<uint8_t> buf(kLine);
        MemoryRequest req;
        req.kind = kind;
        const bool fill = kind == MemoryRequest::Kind::CpuFill;
        return send(coh, fill ? tlm::TLM_READ_COMMAND : tlm::TLM_WRITE_COMMAND, &req, line, buf);
    }

private:
    Outcome send(tlm_utils::simple_initiator_socket<Host>& s, tlm::tlm_command cmd, MemoryRequest* req,
                 uint64_t addr, std::vector<uint8_t>& data) {
        sc_time delay = SC_ZERO_TIME;
        Outcome o;
        o.start = sc_core::sc_time_stamp();
        o.status = transport(s, cmd, req, addr, data, delay);
        o.cycles = cycles_of(delay);
        wait(delay + sc_time(1, sc_core::SC_US));
        return o;
    }
};

NocConfig three_tiles() {
    NocConfig c;
    c.cols = 3;
    c.rows = 1;
    return c;
}

MemoryTile::Geometry where() {
    MemoryTile::Geometry g;
    g.cpu_x = 1;
    return g;
}

struct Bench {
    MeshNoc noc;
    Dram dram;
    MemoryTile tile;
    DmaPort port;
    Host host;
    Dram ref;  // the same config, for the expected DRAM times
    Unused ref_port;
    std::unique_ptr<DmaPort> other;  // a second accelerator at (0, 0), tile 3, if asked for
    std::unique_ptr<Host> other_host;

    explicit Bench(bool two_accelerators = false)
        : noc("noc", three_tiles()), dram("dram", DramConfig{}),
          tile("mem_tile", default_cache_hierarchy(), dram, noc, where()),
          port("acc_port", 2, DmaCoherence::Full, default_cache_hierarchy(), dram, noc.config().clock_mhz),
          host("host"), ref("ref_dram", DramConfig{}), ref_port("ref_port") {
        noc.add_initiator(1, 0, NocPlane::Coh, "cpu.coh");
        host.coh.bind(noc.in);
        noc.add_initiator(2, 0, NocPlane::Dma, "acc.dma");
        port.out.bind(noc.in);
        noc.add_initiator(2, 0, NocPlane::Coh, "acc.coh");
        port.coh->bind(noc.in);
        host.acc.bind(port.in);
        if (two_accelerators) {
            other = std::make_unique<DmaPort>("other_port", 3, DmaCoherence::Full, default_cache_hierarchy(), dram,
                                              noc.config().clock_mhz);
            noc.add_initiator(0, 0, NocPlane::Dma, "other.dma");
            other->out.bind(noc.in);
            noc.add_initiator(0, 0, NocPlane::Coh, "other.coh");
            other->coh->bind(noc.in);
            other_host = std::make_unique<Host>("other_host");
            other_host->acc.bind(other->in);
            noc.add_initiator(1, 0, NocPlane::Coh, "other_host.coh");  // unused
            other_host->coh.bind(noc.in);
        }
        noc.add_target(0, 0, dram.base(), dram.size(), "dram");
        noc.out.bind(tile.in);
        tile.to_dram.bind(dram.socket);
        ref_port.socket.bind(ref.socket);
        tile.add_accelerator_cache(port.cache(), 2, 0, 2);
        if (other) tile.add_accelerator_cache(other->cache(), 0, 0, 3);
    }
    void run(std::function<void(Host&)> script) {
        host.script = std::move(script);
        sc_core::sc_start();
        ASSERT_TRUE(host.finished);
    }
    // One packet of `flits` between the tiles at x0 and x1, on an idle plane.
    uint64_t trip(int x0, int x1, uint64_t flits) const {
        return cycles_of(noc.uncontended_latency(x0, 0, x1, 0, flits));
    }
    // The formula for a read of `lines` lines from `addr`, all missing in the
    // accelerator's cache and the LLC, issued at `start`.
    uint64_t expected_cold_read(sc_time start, uint64_t addr, uint64_t lines) {
        uint64_t fills = 0;
        for (uint64_t i = 0; i < lines; ++i) {
            const uint64_t issue = kAccHit + i + fills;
            const uint64_t req = trip(2, 0, 1);
            const sc_time at_dram = start + cyc(issue + req + kLlcHit);
            const uint64_t dram_t = cycles_of(ref.access_delay(addr + i * kLine, kLine, at_dram));
            fills += req + kLlcHit + dram_t + trip(0, 2, 1 + kLine / 8);
        }
        return kAccHit + lines - 1 + fills;
    }
};

std::vector<uint8_t> pattern(uint8_t seed, size_t n) {
    std::vector<uint8_t> v(n);
    for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(seed + 7 * i);
    return v;
}

class DmaFullTest : public edgebert::test::ScTest {};

TEST_F(DmaFullTest, ColdReadCostsHitLatencyLinesAndOneFillPerLine) {
    Bench b;
    constexpr uint64_t N = 8;
    const uint64_t a = kBase + 0x1000;
    b.run([&](Host& h) {
        std::vector<uint8_t> data(N * kLine);
        const Outcome o = h.dma(tlm::TLM_READ_COMMAND, a, data);
        ASSERT_EQ(o.status, tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(o.cycles, b.expected_cold_read(o.start, a, N));
        // Each fill: 2 hops of a header flit out, the LLC lookup, the DRAM
        // line, 2 hops of 3 flits back; more than a recall DMA's pipelined run.
        EXPECT_GT(o.cycles, kAccHit + N - 1 + N * (kLlcHit + 14));
    });
    for (uint64_t i = 0; i < N; ++i) EXPECT_TRUE(b.port.cache()->contains(a + i * kLine));
    EXPECT_EQ(b.port.cache()->stats().misses, N);
    EXPECT_EQ(b.noc.plane_stats(NocPlane::Coh).transactions, N);  // the fills
    EXPECT_EQ(b.noc.plane_stats(NocPlane::Dma).packets, 0u);       // nothing on the DMA plane
    EXPECT_EQ(b.tile.llc()->stats().misses, N);
    EXPECT_EQ(b.port.full_bytes(), N * kLine);
}

TEST_F(DmaFullTest, WarmReadHitsInTheAcceleratorCacheWithoutNocTraffic) {
    Bench b;
    constexpr uint64_t N = 8;
    b.run([&](Host& h) {
        std::vector<uint8_t> data(N * kLine);
        h.dma(tlm::TLM_READ_COMMAND, kBase + 0x1000, data);
        const NocPlaneStats dma = b.noc.plane_stats(NocPlane::Dma), coh = b.noc.plane_stats(NocPlane::Coh);
        const Outcome o = h.dma(tlm::TLM_READ_COMMAND, kBase + 0x1000, data);
        EXPECT_EQ(o.cycles, kAccHit + N - 1);
        EXPECT_EQ(b.noc.plane_stats(NocPlane::Dma).packets, dma.packets);
        EXPECT_EQ(b.noc.plane_stats(NocPlane::Coh).packets, coh.packets);
    });
    EXPECT_EQ(b.port.cache()->stats().hits, N);
}

TEST_F(DmaFullTest, DataRoundTripsThroughDramHonouringByteEnables) {
    Bench b;
    const uint64_t a = kBase + 0x3008;  // not line-aligned
    const std::vector<uint8_t> w = pattern(3, 40);
    std::vector<uint8_t> r(40), in_dram(40);
    b.run([&](Host& h) {
        std::vector<uint8_t> data = w;
        ASSERT_EQ(h.dma(tlm::TLM_WRITE_COMMAND, a, data).status, tlm::TLM_OK_RESPONSE);
        ASSERT_EQ(h.dma(tlm::TLM_READ_COMMAND, a, r).status, tlm::TLM_OK_RESPONSE);
    });
    EXPECT_EQ(r, w);
    b.dram.read(a, in_dram.data(), in_dram.size());
    EXPECT_EQ(in_dram, w);  // the port writes DRAM itself
    EXPECT_TRUE(b.port.cache()->dirty(a));
    EXPECT_EQ(b.tile.stats().dma_bytes_by_mode[static_cast<int>(DmaCoherence::Full)], 0u);

    // Byte enables: only the enabled bytes change.
    edgebert::test::ScTest::fresh_context();
    Bench c;
    std::vector<uint8_t> old = pattern(9, 8), got(8);
    c.dram.write(kBase, old.data(), old.size());
    c.run([&](Host&) {
        std::vector<uint8_t> data(8, 0xEE);
        const unsigned char be[2] = {TLM_BYTE_ENABLED, TLM_BYTE_DISABLED};
        tlm::tlm_generic_payload t;
        t.set_command(tlm::TLM_WRITE_COMMAND);
        t.set_address(kBase);
        t.set_data_ptr(data.data());
        t.set_data_length(8);
        t.set_streaming_width(8);
        t.set_byte_enable_ptr(const_cast<unsigned char*>(be));
        t.set_byte_enable_length(2);
        sc_time d = SC_ZERO_TIME;
        c.host.acc->b_transport(t, d);
        EXPECT_EQ(t.get_response_status(), tlm::TLM_OK_RESPONSE);
    });
    c.dram.read(kBase, got.data(), got.size());
    for (size_t i = 0; i < 8; ++i) EXPECT_EQ(got[i], i % 2 == 0 ? 0xEE : old[i]) << i;
}

TEST_F(DmaFullTest, OutsideDramIsAnAddressError) {
    Bench b;
    b.run([&](Host& h) {
        std::vector<uint8_t> data(16);
        EXPECT_EQ(h.dma(tlm::TLM_READ_COMMAND, kBase - 16, data).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
        EXPECT_EQ(h.dma(tlm::TLM_WRITE_COMMAND, b.dram.base() + b.dram.size() - 8, data).status,
                  tlm::TLM_ADDRESS_ERROR_RESPONSE);
    });
    EXPECT_EQ(b.port.cache()->stats().accesses, 0u);
}

// The CPU reads a line the accelerator's cache holds dirty: the memory tile
// gets the data from the accelerator tile (a coherence-plane round trip with
// the line back) and leaves the line clean there.
TEST_F(DmaFullTest, CpuFillOfALineDirtyInTheAcceleratorCacheCostsARoundTripAndCleansIt) {
    Bench b;
    const uint64_t held = kBase + 0x2000;
    const uint64_t not_held = held + kBankStride;  // another bank: the same DRAM cost
    b.run([&](Host& h) {
        std::vector<uint8_t> line = pattern(1, kLine);
        h.dma(tlm::TLM_WRITE_COMMAND, held, line);  // a whole line: ownership only, no fill
        const Outcome plain = h.cpu(MemoryRequest::Kind::CpuFill, not_held);
        const Outcome snooped = h.cpu(MemoryRequest::Kind::CpuFill, held);
        EXPECT_GT(snooped.cycles, plain.cycles);
        EXPECT_EQ(snooped.cycles - plain.cycles, b.trip(0, 2, 1) + b.trip(2, 0, 1 + kLine / 8));
    });
    EXPECT_TRUE(b.port.cache()->contains(held));
    EXPECT_FALSE(b.port.cache()->dirty(held));
    EXPECT_EQ(b.tile.stats().acc_cleaned_lines, 1u);
}

TEST_F(DmaFullTest, CpuWritebackInvalidatesTheAcceleratorCopy) {
    Bench b;
    b.run([&](Host& h) {
        std::vector<uint8_t> data(kLine);
        h.dma(tlm::TLM_READ_COMMAND, kBase + 0x1000, data);
        h.cpu(MemoryRequest::Kind::CpuWriteback, kBase + 0x1000);
    });
    EXPECT_FALSE(b.port.cache()->contains(kBase + 0x1000));
    EXPECT_EQ(b.tile.stats().acc_invalidated_lines, 1u);
}

// Another mode's DMA reading what the accelerator's cache holds dirty would
// read stale memory on silicon: reported.
TEST_F(DmaFullTest, NonFullDmaReadOfALineDirtyInTheAcceleratorCacheWarns) {
    Bench b;
    b.run([&](Host& h) {
        std::vector<uint8_t> data = pattern(2, 2 * kLine);
        h.dma(tlm::TLM_WRITE_COMMAND, kBase + 0x1000, data);
        b.port.set_mode(DmaCoherence::Recall);
        h.dma(tlm::TLM_READ_COMMAND, kBase + 0x1000, data);
    });
    ASSERT_EQ(b.tile.warnings().size(), 1u);
    EXPECT_EQ(b.tile.warnings()[0].kind, "dma_read_dirty_acc");
    EXPECT_EQ(b.tile.warnings()[0].lines, 2u);
    EXPECT_EQ(b.tile.warnings()[0].mode, "recall");
}

TEST_F(DmaFullTest, DirtyVictimsLeaveAsPostedWritebacks) {
    Bench b;
    const CacheGeometry& g = default_cache_hierarchy().acc_l2;
    const uint64_t set_stride = static_cast<uint64_t>(g.sets()) * g.line_bytes;
    b.run([&](Host& h) {
        std::vector<uint8_t> line = pattern(4, kLine);
        for (unsigned w = 0; w <= g.ways; ++w) h.dma(tlm::TLM_WRITE_COMMAND, kBase + w * set_stride, line);
    });
    EXPECT_EQ(b.port.cache()->stats().writebacks, 1u);
    EXPECT_FALSE(b.port.cache()->contains(kBase));
    EXPECT_TRUE(b.tile.llc()->dirty(kBase));  // the writeback reached the LLC
}

// Two fully coherent accelerators: one's read of a line the other holds dirty
// cleans it there; one's write invalidates the other's copy.
TEST_F(DmaFullTest, AcceleratorCachesAreCoherentWithEachOther) {
    Bench b(true);
    const uint64_t a = kBase + 0x5000;
    b.run([&](Host& h) {
        std::vector<uint8_t> line = pattern(5, kLine), back(kLine);
        h.dma(tlm::TLM_WRITE_COMMAND, a, line);  // dirty in tile 2's cache
        const Outcome first = b.other_host->dma(tlm::TLM_READ_COMMAND, a, back);
        EXPECT_EQ(back, line);
        EXPECT_FALSE(b.port.cache()->dirty(a));
        EXPECT_TRUE(b.port.cache()->contains(a));
        b.other_host->dma(tlm::TLM_WRITE_COMMAND, a, line);  // a hit in its own cache: no request
        h.dma(tlm::TLM_WRITE_COMMAND, a + kLine, line);
        b.other_host->dma(tlm::TLM_WRITE_COMMAND, a + kLine, line);  // a miss for ownership: invalidates
        EXPECT_GT(first.cycles, 0u);
    });
    EXPECT_FALSE(b.port.cache()->contains(a + kLine));
    EXPECT_TRUE(b.other->cache()->dirty(a + kLine));
    EXPECT_EQ(b.tile.stats().acc_cleaned_lines, 1u);
    EXPECT_EQ(b.tile.stats().acc_invalidated_lines, 1u);
}

}  // namespace
}  // namespace edgebert::hw
