// MemoryTile: the LLC slice in front of DRAM and the DMA coherence modes.
//
// A 2 x 1 mesh: the memory tile at (0, 0), the CPU tile and the DMA master at
// (1, 0). A probe between the NoC and the memory tile measures the tile's own
// cost (its exit delay minus its entry delay). The expected figures come from
// the documented formula, written here independently: an LLC access of N lines
// costs hit_latency + (N - 1) cycles of pipelined lookups, then the DRAM
// reads of the missing lines in contiguous runs, one after the other. The DRAM
// part is evaluated on a second Dram with the same config to which the test
// replays the accesses the formula implies (and, where the state is simple,
// checked against the DRAM formula itself: controller + tRCD + tCAS + bytes/16
// for a closed bank).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "common/rng.hpp"
#include "hw/mem/cache_config.hpp"
#include "hw/mem/cpu_caches.hpp"
#include "hw/mem/dram.hpp"
#include "hw/mem/memory_request.hpp"
#include "hw/mem/memory_tile.hpp"
#include "hw/noc/mesh_noc.hpp"
#include "tests/support/memory_bench.hpp"
#include "tests/support/sc_test.hpp"

namespace edgebert::hw {
namespace {

using sc_core::sc_time;
using sc_core::SC_NS;
using sc_core::SC_ZERO_TIME;

using namespace edgebert::test;  // kBase, kLine, cycles_of, Outcome, Unused, transport (memory_bench.hpp)

constexpr int kDmaTile = 2;

// Records the delay a transaction brings into the memory tile and takes out.
struct Probe : sc_core::sc_module {
    tlm_utils::simple_target_socket<Probe> in;
    tlm_utils::simple_initiator_socket<Probe> out;
    sc_time entry, exit;
    explicit Probe(sc_core::sc_module_name n) : sc_core::sc_module(n), in("in"), out("out") {
        in.register_b_transport(this, &Probe::b_transport);
    }
    void b_transport(tlm::tlm_generic_payload& t, sc_time& delay) {
        entry = delay;
        out->b_transport(t, delay);
        exit = delay;
    }
};

// The DMA master (DMA plane) and the CPU tile's L2 (coherence plane), both at
// (1, 0), driven by one script thread. After every transaction the thread
// waits until it is over plus a microsecond, so the next starts on an idle
// NoC and DRAM bus.
struct Host : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<Host> dma, coh;
    std::function<void(Host&)> script;
    bool finished = false;
    Probe* probe = nullptr;

    explicit Host(sc_core::sc_module_name n) : sc_core::sc_module(n), dma("dma"), coh("coh") {
        SC_HAS_PROCESS(Host);
        SC_THREAD(run);
    }
    void run() {
        if (script) script(*this);
        finished = true;
    }

    Outcome dma_read(DmaCoherence mode, uint64_t addr, std::vector<uint8_t>& data) {
        return dma_transport(tlm::TLM_READ_COMMAND, mode, addr, data);
    }
    Outcome dma_write(DmaCoherence mode, uint64_t addr, std::vector<uint8_t> data) {
        return dma_transport(tlm::TLM_WRITE_COMMAND, mode, addr, data);
    }
    Outcome cpu_fill(uint64_t line) {
        std::vector<uint8_t> buf(kLine, 0xAA);
        MemoryRequest req;
        req.kind = MemoryRequest::Kind::CpuFill;
        return send(coh, tlm::TLM_READ_COMMAND, &req, line, buf);
    }

private:
    Outcome dma_transport(tlm::tlm_command cmd, DmaCoherence mode, uint64_t addr, std::vector<uint8_t>& data) {
        MemoryRequest req;
        req.kind = MemoryRequest::Kind::Dma;
        req.mode = mode;
        req.tile = kDmaTile;
        return send(dma, cmd, &req, addr, data);
    }
    Outcome send(tlm_utils::simple_initiator_socket<Host>& s, tlm::tlm_command cmd, MemoryRequest* req,
                 uint64_t addr, std::vector<uint8_t>& data) {
        sc_time delay = SC_ZERO_TIME;
        Outcome o;
        o.status = transport(s, cmd, req, addr, data, delay);
        o.cycles = cycles_of(probe->exit - probe->entry);
        o.start = sc_core::sc_time_stamp() + probe->entry;
        wait(delay + sc_time(1, sc_core::SC_US));
        return o;
    }
};

NocConfig two_tiles() {
    NocConfig c;
    c.cols = 2;
    c.rows = 1;
    return c;
}

struct Bench {
    MeshNoc noc;
    Dram dram;
    MemoryTile tile;
    Probe probe;
    Host host;
    Dram ref;  // the same config, for the expected DRAM times
    Unused ref_port;

    explicit Bench(const CacheHierarchyConfig& caches = default_cache_hierarchy())
        : noc("noc", two_tiles()), dram("dram", DramConfig{}), tile("mem_tile", caches, dram, noc, where()),
          probe("probe"), host("host"), ref("ref_dram", DramConfig{}), ref_port("ref_port") {
        noc.add_initiator(1, 0, NocPlane::Dma, "dma");
        host.dma.bind(noc.in);
        noc.add_initiator(1, 0, NocPlane::Coh, "coh");
        host.coh.bind(noc.in);
        noc.add_target(0, 0, dram.base(), dram.size(), "dram");
        noc.out.bind(probe.in);
        probe.out.bind(tile.in);
        tile.to_dram.bind(dram.socket);
        ref_port.socket.bind(ref.socket);
        host.probe = &probe;
    }
    static MemoryTile::Geometry where() {
        MemoryTile::Geometry g;
        g.x = 0;
        g.y = 0;
        g.cpu_x = 1;
        g.cpu_y = 0;
        return g;
    }
    void run(std::function<void(Host&)> script) {
        host.script = std::move(script);
        sc_core::sc_start();
        ASSERT_TRUE(host.finished);
    }

    // The formula: `lines` pipelined LLC lookups from `start`, then the DRAM
    // runs (address, bytes) one after the other on the reference DRAM.
    uint64_t expected_llc(sc_time start, uint64_t lines, const std::vector<std::pair<uint64_t, uint64_t>>& runs) {
        uint64_t t = kLlcHit + lines - 1;
        for (auto [addr, bytes] : runs) t += cycles_of(ref.access_delay(addr, bytes, start + cyc(t)));
        return t;
    }
    bool llc_holds(uint64_t addr) const { return tile.llc()->contains(addr); }
    size_t llc_lines() const {
        size_t n = 0;
        tile.llc()->for_each_present(0, ~uint64_t{0}, [&](uint64_t, bool) { ++n; });
        return n;
    }
};

std::vector<uint8_t> random_bytes(uint64_t seed, size_t n) {
    Rng rng(seed);
    std::vector<uint8_t> v(n);
    for (auto& b : v) b = static_cast<uint8_t>(rng.next_u64());
    return v;
}

class MemoryTileTest : public edgebert::test::ScTest {};

// ---- LLC timing ---------------------------------------------------------------------------

TEST_F(MemoryTileTest, ColdLlcBurstCostsHitLatencyPlusALinePerCyclePlusTheDramRun) {
    Bench b;
    constexpr uint64_t N = 8;
    b.run([&](Host& h) {
        std::vector<uint8_t> data(N * kLine);
        const Outcome o = h.dma_read(DmaCoherence::Llc, kBase + 0x1000, data);
        ASSERT_EQ(o.status, tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(o.cycles, b.expected_llc(o.start, N, {{kBase + 0x1000, N * kLine}}));
        // The DRAM run alone, by the DRAM formula (closed bank): 10 + 14 + 14 + 128 / 16.
        EXPECT_EQ(o.cycles, kLlcHit + (N - 1) + (10 + 14 + 14 + N));
    });
    for (uint64_t i = 0; i < N; ++i) EXPECT_TRUE(b.llc_holds(kBase + 0x1000 + i * kLine));
    EXPECT_EQ(b.tile.stats().dram_bytes_read, N * kLine);
    EXPECT_EQ(b.tile.stats().dma_bytes_by_mode[static_cast<int>(DmaCoherence::Llc)], N * kLine);
}

TEST_F(MemoryTileTest, WarmLlcBurstCostsHitLatencyPlusALinePerCycle) {
    Bench b;
    constexpr uint64_t N = 8;
    b.run([&](Host& h) {
        std::vector<uint8_t> data(N * kLine);
        h.dma_read(DmaCoherence::Llc, kBase + 0x1000, data);
        const Outcome o = h.dma_read(DmaCoherence::Llc, kBase + 0x1000, data);
        EXPECT_EQ(o.cycles, kLlcHit + N - 1);
    });
    EXPECT_EQ(b.tile.stats().dram_bytes_read, N * kLine);  // the first burst's only
}

TEST_F(MemoryTileTest, PartlyCachedBurstReadsTheMissingLinesInContiguousRuns) {
    Bench b;
    const uint64_t a = kBase + 0x4000;
    b.run([&](Host& h) {
        std::vector<uint8_t> two(2 * kLine), one(kLine), eight(8 * kLine);
        const Outcome o1 = h.dma_read(DmaCoherence::Llc, a + 2 * kLine, two);  // lines 2, 3
        EXPECT_EQ(o1.cycles, b.expected_llc(o1.start, 2, {{a + 2 * kLine, 2 * kLine}}));
        const Outcome o2 = h.dma_read(DmaCoherence::Llc, a + 6 * kLine, one);  // line 6
        EXPECT_EQ(o2.cycles, b.expected_llc(o2.start, 1, {{a + 6 * kLine, kLine}}));
        // Lines 0..7: misses 0-1, 4-5 and 7, read as three runs one after the other.
        const Outcome o = h.dma_read(DmaCoherence::Llc, a, eight);
        EXPECT_EQ(o.cycles, b.expected_llc(o.start, 8, {{a, 2 * kLine}, {a + 4 * kLine, 2 * kLine}, {a + 7 * kLine, kLine}}));
    });
    EXPECT_EQ(b.tile.stats().dram_bytes_read, 8 * kLine);
}

TEST_F(MemoryTileTest, FullLineDmaWriteAllocatesWithoutReadingDram) {
    Bench b;
    constexpr uint64_t N = 4;
    b.run([&](Host& h) {
        const Outcome o = h.dma_write(DmaCoherence::Llc, kBase + 0x1000, random_bytes(1, N * kLine));
        EXPECT_EQ(o.cycles, kLlcHit + N - 1);
    });
    EXPECT_EQ(b.tile.stats().dram_bytes_read, 0u);
    EXPECT_TRUE(b.tile.llc()->dirty(kBase + 0x1000));
}

// caches.llc.write_policy: a write-through LLC does not allocate on a DMA
// write and sends every written line on to DRAM; the write-back one keeps it dirty.
TEST_F(MemoryTileTest, WriteThroughLlcForwardsDmaWritesToDram) {
    CacheHierarchyConfig wt = default_cache_hierarchy();
    wt.llc.write_policy = WritePolicy::WriteThrough;
    Bench b(wt);
    constexpr uint64_t N = 4;
    b.run([&](Host& h) {
        const Outcome o = h.dma_write(DmaCoherence::Llc, kBase + 0x1000, random_bytes(1, N * kLine));
        ASSERT_EQ(o.status, tlm::TLM_OK_RESPONSE);
    });
    EXPECT_EQ(b.tile.stats().dram_bytes_written, N * kLine);
    EXPECT_EQ(b.tile.stats().dram_bytes_read, 0u);
    EXPECT_FALSE(b.llc_holds(kBase + 0x1000));
}

TEST_F(MemoryTileTest, ModeNoneGoesStraightToDramAndLeavesTheLlcUntouched) {
    Bench b;
    constexpr uint64_t kLen = 200;
    b.run([&](Host& h) {
        std::vector<uint8_t> data(kLen);
        const Outcome o = h.dma_read(DmaCoherence::None, kBase + 0x1008, data);
        ASSERT_EQ(o.status, tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(o.cycles, cycles_of(b.ref.access_delay(kBase + 0x1008, kLen, o.start)));
        const Outcome w = h.dma_write(DmaCoherence::None, kBase + 0x3000, random_bytes(2, kLen));
        EXPECT_EQ(w.cycles, cycles_of(b.ref.access_delay(kBase + 0x3000, kLen, w.start)));
    });
    EXPECT_EQ(b.tile.llc()->stats().accesses, 0u);
    EXPECT_EQ(b.llc_lines(), 0u);
    EXPECT_EQ(b.dram.stats().reads, 1u);  // through the DRAM's socket
    EXPECT_EQ(b.dram.stats().writes, 1u);
    EXPECT_EQ(b.tile.stats().dma_bytes_by_mode[static_cast<int>(DmaCoherence::None)], 2 * kLen);
}

TEST_F(MemoryTileTest, CpuFillOfALineTheLlcHoldsCostsTheHitLatency) {
    Bench b;
    b.run([&](Host& h) {
        std::vector<uint8_t> line(kLine);
        h.dma_read(DmaCoherence::Llc, kBase + 0x1000, line);
        EXPECT_EQ(h.cpu_fill(kBase + 0x1000).cycles, kLlcHit);
        const Outcome cold = h.cpu_fill(kBase + 0x1000 + kBankStride);  // another bank, never touched
        EXPECT_EQ(cold.cycles, kLlcHit + (10 + 14 + 14 + 1));
    });
}

// ---- data ---------------------------------------------------------------------------------

TEST_F(MemoryTileTest, DmaDataRoundTripsInEveryMode) {
    Bench b;
    const DmaCoherence modes[] = {DmaCoherence::None, DmaCoherence::Llc, DmaCoherence::Recall};
    b.run([&](Host& h) {
        for (DmaCoherence m : modes) {
            SCOPED_TRACE(to_string(m));
            const uint64_t addr = kBase + 0x10000 + static_cast<uint64_t>(m) * 0x1000 + 5;  // unaligned
            const std::vector<uint8_t> bytes = random_bytes(10 + static_cast<uint64_t>(m), 100);
            ASSERT_EQ(h.dma_write(m, addr, bytes).status, tlm::TLM_OK_RESPONSE);
            std::vector<uint8_t> back(bytes.size());
            ASSERT_EQ(h.dma_read(m, addr, back).status, tlm::TLM_OK_RESPONSE);
            EXPECT_EQ(back, bytes);
            std::vector<uint8_t> in_dram(bytes.size());
            b.dram.read(addr, in_dram.data(), in_dram.size());
            EXPECT_EQ(in_dram, bytes);
            // Another mode sees the same data (the caches hold no data).
            std::vector<uint8_t> other(bytes.size());
            h.dma_read(m == DmaCoherence::None ? DmaCoherence::Llc : DmaCoherence::None, addr, other);
            EXPECT_EQ(other, bytes);
        }
    });
}

// ---- flush --------------------------------------------------------------------------------

TEST_F(MemoryTileTest, FlushCostsTheWalkAndTheWritebacksAndEmptiesTheLlc) {
    CacheHierarchyConfig caches = default_cache_hierarchy();
    caches.flush_cycles_per_line = 3;
    Bench b(caches);
    constexpr uint64_t kDirty = 4, kClean = 2;
    const uint64_t dirty_at = kBase, clean_at = kBase + 0x1000;  // LLC sets 0..3 and 256..257
    b.run([&](Host& h) {
        h.dma_write(DmaCoherence::Llc, dirty_at, random_bytes(3, kDirty * kLine));  // full lines: no DRAM
        std::vector<uint8_t> data(kClean * kLine);
        const Outcome r = h.dma_read(DmaCoherence::Llc, clean_at, data);
        b.expected_llc(r.start, kClean, {{clean_at, kClean * kLine}});  // replays the read on the reference
        ASSERT_EQ(b.llc_lines(), kDirty + kClean);

        const sc_time start = sc_core::sc_time_stamp();
        const sc_time took = b.tile.flush(start);
        // The walk visits the dirty lines first (set order), each written back
        // to DRAM as the walk reaches it, then the clean lines.
        sc_time walk = start, done = start;
        for (uint64_t i = 0; i < kDirty; ++i) {
            walk += cyc(3);
            done = std::max(done, walk + b.ref.access_delay(dirty_at + i * kLine, kLine, walk));
        }
        walk += cyc(3 * kClean);
        EXPECT_EQ(cycles_of(took), cycles_of(std::max(done, walk) - start));
        // By the DRAM formula: the first writeback leaves after 3 cycles of
        // walk and opens its bank's row (10 + 14 + 14 + 1); the other three
        // hit the row and queue on the data bus, one cycle each.
        EXPECT_EQ(cycles_of(took), 3 + 39 + (kDirty - 1));
    });
    EXPECT_EQ(b.llc_lines(), 0u);
    EXPECT_EQ(b.tile.stats().flushes, 1u);
    EXPECT_EQ(b.tile.stats().flushed_dirty_lines, kDirty);
    EXPECT_EQ(b.tile.stats().dram_bytes_written, kDirty * kLine);
}

// ---- coherence warnings -------------------------------------------------------------------

TEST_F(MemoryTileTest, ModeNoneReadOfALineDirtyInTheLlcWarns) {
    Bench b;
    const uint64_t line = kBase + 0x2000;
    b.run([&](Host& h) {
        h.dma_write(DmaCoherence::Llc, line, random_bytes(4, kLine));  // dirty in the LLC
        std::vector<uint8_t> data(3 * kLine);
        h.dma_read(DmaCoherence::None, line - kLine, data);
    });
    ASSERT_EQ(b.tile.warnings().size(), 1u);
    const CoherenceWarning& w = b.tile.warnings()[0];
    EXPECT_EQ(w.kind, "dma_read_dirty_llc");
    EXPECT_EQ(w.addr, line);
    EXPECT_EQ(w.lines, 1u);
    EXPECT_EQ(w.tile, kDmaTile);
    EXPECT_EQ(w.mode, "none");
    EXPECT_EQ(b.tile.stats().warnings, 1u);
}

TEST_F(MemoryTileTest, ModeNoneReadOfCleanLlcLinesDoesNotWarn) {
    Bench b;
    b.run([&](Host& h) {
        std::vector<uint8_t> data(4 * kLine);
        h.dma_read(DmaCoherence::Llc, kBase + 0x2000, data);
        h.dma_read(DmaCoherence::None, kBase + 0x2000, data);
    });
    EXPECT_TRUE(b.tile.warnings().empty());
}

TEST_F(MemoryTileTest, ModeNoneWriteOverAnLlcLineMakesTheNextCpuFillOfItStale) {
    Bench b;
    const uint64_t line = kBase + 0x2000;
    b.run([&](Host& h) {
        std::vector<uint8_t> data(kLine);
        h.dma_read(DmaCoherence::Llc, line, data);                      // the LLC holds the line
        h.dma_write(DmaCoherence::None, line, random_bytes(5, kLine));  // memory changes behind it
        EXPECT_TRUE(b.tile.warnings().empty());
        h.cpu_fill(line + kLine);  // another line: nothing to report
        EXPECT_TRUE(b.tile.warnings().empty());
        h.cpu_fill(line);
        h.cpu_fill(line);  // reported once
    });
    ASSERT_EQ(b.tile.warnings().size(), 1u);
    EXPECT_EQ(b.tile.warnings()[0].kind, "cpu_read_stale");
    EXPECT_EQ(b.tile.warnings()[0].addr, line);
    EXPECT_EQ(b.tile.warnings()[0].lines, 1u);
}

TEST_F(MemoryTileTest, LlcModeDmaWriteMakesTheLlcCopyCurrentAgain) {
    Bench b;
    const uint64_t line = kBase + 0x2000;
    b.run([&](Host& h) {
        std::vector<uint8_t> data(kLine);
        h.dma_read(DmaCoherence::Llc, line, data);
        h.dma_write(DmaCoherence::None, line, random_bytes(6, kLine));
        h.dma_write(DmaCoherence::Llc, line, random_bytes(7, kLine));  // the LLC has the new data now
        h.cpu_fill(line);
    });
    EXPECT_TRUE(b.tile.warnings().empty());
}

// ---- the CPU's private caches ----------------------------------------------------------

// A CpuCaches with the default hierarchy whose L2 holds `line` dirty (a
// write-through L1 D$ store: the L2 allocates, the L1 D$ does not).
struct CpuWithDirtyLine {
    CpuCaches cpu;
    explicit CpuWithDirtyLine(uint64_t line) : cpu(default_cache_hierarchy()) {
        cpu.store(line, 0);
        EXPECT_TRUE(cpu.l2()->dirty(line));
    }
};

TEST_F(MemoryTileTest, LlcModeDmaReadOfALineDirtyInTheCpuCachesWarns) {
    Bench b;
    const uint64_t line = kBase + 0x2000;
    CpuWithDirtyLine c(line);
    b.tile.set_cpu_caches(&c.cpu);
    b.run([&](Host& h) {
        std::vector<uint8_t> data(2 * kLine);
        h.dma_read(DmaCoherence::Llc, line, data);
    });
    ASSERT_EQ(b.tile.warnings().size(), 1u);
    EXPECT_EQ(b.tile.warnings()[0].kind, "dma_read_dirty_cpu");
    EXPECT_EQ(b.tile.warnings()[0].mode, "llc");
    EXPECT_EQ(b.tile.stats().recalled_lines, 0u);
    EXPECT_TRUE(c.cpu.holds_dirty(line, kLine));  // nobody recalled it
}

TEST_F(MemoryTileTest, RecallModeDmaReadRecallsTheDirtyLineWithoutWarningAndPaysTheRoundTrip) {
    Bench b;
    const uint64_t held = kBase + 0x2000;
    const uint64_t not_held = held + kBankStride;  // another bank: the same DRAM cost
    CpuWithDirtyLine c(held);
    b.tile.set_cpu_caches(&c.cpu);
    b.run([&](Host& h) {
        std::vector<uint8_t> data(kLine);
        const Outcome plain = h.dma_read(DmaCoherence::Recall, not_held, data);
        EXPECT_EQ(plain.cycles, b.expected_llc(plain.start, 1, {{not_held, kLine}}));
        const Outcome recalled = h.dma_read(DmaCoherence::Recall, held, data);
        EXPECT_GT(recalled.cycles, plain.cycles);
        // One forward message (a header flit) to the CPU tile and an answer
        // carrying the dirty line (header + 16 B / 8 B flits), on an idle plane.
        const uint64_t round_trip = cycles_of(b.noc.uncontended_latency(0, 0, 1, 0, 1)) +
                                    cycles_of(b.noc.uncontended_latency(1, 0, 0, 0, 1 + kLine / 8));
        EXPECT_EQ(recalled.cycles, round_trip + b.expected_llc(recalled.start + cyc(round_trip), 1, {{held, kLine}}));
    });
    EXPECT_TRUE(b.tile.warnings().empty());
    EXPECT_EQ(b.tile.stats().recalled_lines, 1u);
    EXPECT_EQ(b.tile.stats().recalled_dirty_lines, 1u);
    EXPECT_TRUE(c.cpu.holds(held, kLine));  // a read recall cleans, the copy stays
    EXPECT_FALSE(c.cpu.holds_dirty(held, kLine));
}

TEST_F(MemoryTileTest, RecallModeDmaWriteInvalidatesTheCpuCopies) {
    Bench b;
    const uint64_t held = kBase + 0x2000;
    CpuWithDirtyLine c(held);
    b.tile.set_cpu_caches(&c.cpu);
    b.run([&](Host& h) { h.dma_write(DmaCoherence::Recall, held, random_bytes(8, kLine)); });
    EXPECT_TRUE(b.tile.warnings().empty());
    EXPECT_FALSE(c.cpu.holds(held, kLine));
    EXPECT_EQ(b.tile.stats().recalled_dirty_lines, 1u);
}

TEST_F(MemoryTileTest, LlcModeDmaWriteOverACpuCopyIsReportedWhenTheCpuReadsIt) {
    Bench b;
    const uint64_t line = kBase + 0x2000;
    CpuCaches cpu(default_cache_hierarchy());
    std::vector<uint64_t> stale;
    cpu.set_stale_read_observer([&](uint64_t l) { stale.push_back(l); });
    cpu.load(line, 0);  // L1 D$ and L2 hold the line
    b.tile.set_cpu_caches(&cpu);
    b.run([&](Host& h) { h.dma_write(DmaCoherence::Llc, line, random_bytes(9, kLine)); });
    EXPECT_TRUE(cpu.holds(line, kLine));  // the DMA bypassed the CPU's caches
    cpu.load(line, 100);
    EXPECT_EQ(stale, (std::vector<uint64_t>{line}));
}

}  // namespace
}  // namespace edgebert::hw
