// The CPU tile's caches seen from firmware on the SoC's RISC-V core:
//  - fw_stride walks a matrix row-major (streaming) and column-major (a row of
//    stride between accesses); with the caches the strided walk is several
//    times slower, with "caches": {"enabled": false} (ideal memory) both take
//    the same time, so the difference is the caches';
//  - fw_first_touch times loads of fresh lines; (caches on) - (caches off) is
//    checked against the miss latency computed by hand from the parameters.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <string>

#include "hw/soc/soc.hpp"
#include "tests/support/sc_test.hpp"

using namespace edgebert;
using namespace edgebert::hw;

namespace {

const std::string kFirmwareDir = EDGEBERT_FIRMWARE_DIR;

SocConfig default_config(bool caches) {
    SocConfig cfg = load_soc_config(std::string(EDGEBERT_SOURCE_DIR) + "/configs/soc/default.json");
    cfg.caches.enabled = caches;
    return cfg;
}

struct LevelCounts {
    uint64_t accesses = 0, misses = 0;
};

// What a run leaves behind, copied out of the SoC (which the simulation
// context owns and the next test's fresh context abandons).
struct FirmwareRun {
    IssRunResult result;
    std::string uart;
    bool has_caches = false;
    LevelCounts l1i, l1d, l2, llc;
    uint64_t memory_stall_cycles = 0;
};

LevelCounts counts(const Cache* c) {
    LevelCounts n;
    if (c) n = {c->stats().accesses, c->stats().misses};
    return n;
}

FirmwareRun run_firmware(const std::string& elf_name, const SocConfig& cfg) {
    edgebert::test::ScTest::fresh_context();
    auto* soc = new Soc("soc", cfg, true);  // owned by the simulation context
    FirmwareRun r;
    r.result = soc->run_firmware(kFirmwareDir + "/" + elf_name, 500'000'000);
    r.uart = soc->uart.output();
    if (const CpuCaches* c = soc->iss().caches()) {
        r.has_caches = true;
        r.l1i = counts(c->l1i());
        r.l1d = counts(c->l1d());
        r.l2 = counts(c->l2());
    }
    r.llc = counts(soc->memory_tile().llc());
    r.memory_stall_cycles = soc->iss().core().stats().memory_stall_cycles;
    return r;
}

bool built(const std::string& elf_name) { return static_cast<bool>(std::ifstream(kFirmwareDir + "/" + elf_name)); }

struct Walk {
    uint64_t streaming = 0, strided = 0;
};

// "stride n=<n> streaming=<c> strided=<c> sum=<s>,<s>" per matrix size.
std::map<unsigned, Walk> parse_stride(const std::string& out) {
    std::map<unsigned, Walk> w;
    const std::regex line(R"(stride n=(\d+) streaming=(\d+) strided=(\d+) sum=0,0)");
    for (auto it = std::sregex_iterator(out.begin(), out.end(), line); it != std::sregex_iterator(); ++it)
        w[std::stoul((*it)[1])] = {std::stoull((*it)[2]), std::stoull((*it)[3])};
    return w;
}

class SocCacheTiming : public edgebert::test::ScTest {};

}  // namespace

// Caches on (default.json). 512 x 512 int32 (1 MiB, beyond the LLC): a
// streaming walk misses once per 16-byte line (4 elements) and mostly hits an
// open DRAM row; the strided walk (2 KiB between accesses) misses at every
// level on every access (the column's 512 lines fall into 2 sets of the L1 D$,
// 4 of the L2 and 8 of the LLC) and opens a new DRAM row each time.
// 128 x 128 (64 KiB, inside the LLC, warmed into it first): the strided walk's
// L2 misses all hit the LLC.
TEST_F(SocCacheTiming, StridedWalkIsSeveralTimesSlowerThanStreaming) {
    if (!built("fw_stride.elf")) GTEST_SKIP() << "fw_stride.elf not built (no riscv64-unknown-elf-gcc?)";
    const FirmwareRun r = run_firmware("fw_stride.elf", default_config(true));
    ASSERT_TRUE(r.result.exited) << r.result.stop << "\n" << r.uart;
    ASSERT_EQ(r.result.exit_code, 0) << r.uart;
    const auto w = parse_stride(r.uart);
    ASSERT_EQ(w.size(), 2u) << r.uart;
    const Walk big = w.at(512), small = w.at(128);
    std::cout << "caches on:  512x512 streaming " << big.streaming << " strided " << big.strided << " ("
              << static_cast<double>(big.strided) / static_cast<double>(big.streaming) << "x); 128x128 streaming "
              << small.streaming << " strided " << small.strided << " ("
              << static_cast<double>(small.strided) / static_cast<double>(small.streaming) << "x)\n"
              << "  misses: L1I " << r.l1i.misses << ", L1D " << r.l1d.misses << " of " << r.l1d.accesses
              << " modelled accesses, L2 " << r.l2.misses << " of " << r.l2.accesses << ", LLC " << r.llc.misses
              << " of " << r.llc.accesses << "; memory stall cycles " << r.memory_stall_cycles << "\n";
    EXPECT_GE(big.strided, 3 * big.streaming) << r.uart;
    EXPECT_GE(small.strided, 2 * small.streaming) << r.uart;

    // Misses. Each size is walked three times (warm-up and streaming: one miss
    // per line, N^2 / 4; strided: one per element, N^2), all loads: the
    // program writes nothing else than its stack. Every walk misses the L1 D$
    // and the L2 (both 32 KiB, smaller than either matrix); only the 512 x 512
    // walks and the 128 x 128 warm-up (cold) miss the LLC.
    ASSERT_TRUE(r.has_caches);
    const uint64_t n_big = 512 * 512, n_small = 128 * 128;
    const uint64_t walked = (n_big / 4 + n_big / 4 + n_big) + (n_small / 4 + n_small / 4 + n_small);
    const uint64_t slack = 2000;  // code, stack, the UART strings
    EXPECT_GE(r.l1d.misses, walked);
    EXPECT_LE(r.l1d.misses, walked + slack);
    // The strided walks alone: at least one L1 D$ and one L2 miss per element.
    EXPECT_GE(r.l1d.misses, n_big + n_small);
    // L2: every L1 D$ miss (and L1 I$ miss) looks it up.
    EXPECT_GE(r.l2.misses, walked);
    EXPECT_LE(r.l2.misses, walked + r.l1i.misses + slack);
    const uint64_t llc_walked = (n_big / 4 + n_big / 4 + n_big) + n_small / 4;
    EXPECT_GE(r.llc.misses, llc_walked);
    EXPECT_LE(r.llc.misses, llc_walked + slack);
}

// Caches off: every access costs an L1 hit (ideal memory). The two walks run
// the same instructions (one function, strides as arguments), so they take
// the same time: the 3x above is the caches'.
TEST_F(SocCacheTiming, WalksTakeTheSameTimeWithIdealMemory) {
    if (!built("fw_stride.elf")) GTEST_SKIP() << "fw_stride.elf not built (no riscv64-unknown-elf-gcc?)";
    const FirmwareRun r = run_firmware("fw_stride.elf", default_config(false));
    ASSERT_TRUE(r.result.exited) << r.result.stop << "\n" << r.uart;
    ASSERT_EQ(r.result.exit_code, 0) << r.uart;
    EXPECT_FALSE(r.has_caches);
    EXPECT_EQ(r.memory_stall_cycles, 0u);
    const auto w = parse_stride(r.uart);
    ASSERT_EQ(w.size(), 2u) << r.uart;
    for (const auto& [n, walk] : w) {
        std::cout << "caches off: " << n << "x" << n << " streaming " << walk.streaming << " strided " << walk.strided
                  << "\n";
        const double s = static_cast<double>(walk.streaming), c = static_cast<double>(walk.strided);
        EXPECT_NEAR(c / s, 1.0, 0.10) << n << " x " << n << ": streaming " << walk.streaming << ", strided "
                                       << walk.strided;
    }
}

// Exact: the firmware's timed loop loads FT_LINES fresh 16-byte lines; without
// caches each iteration costs the same fixed number of cycles, with caches it
// costs that plus the miss's stall (the loop uses a load's result two
// instructions later, so no load-use stall overlaps the miss and hides part of
// it; the core waits for a miss in full). So (on - off) = lines x stall, where
// the stall is, all clocks being 1 GHz (checked):
//   L1 D$ lookup (l1d hit latency) + L2 lookup (l2 hit latency)
//   + request over the NoC's coherence plane: hops x router latency + header flits
//   + in the memory tile: LLC lookup (llc hit latency), and on an LLC miss the
//     DRAM: controller latency + tCAS (the lines share a DRAM row the warm-up
//     load has just opened: row hits) + ceil(16 bytes / bytes per cycle)
//   + response: hops x router latency + header flits + 16 bytes in link-width flits.
// "dram": first touch, misses at every level. "llc": the same lines again
// after the L2 flush (L1 D$ and L2 emptied, the LLC keeps them): LLC hits.
TEST_F(SocCacheTiming, FirstTouchCostsTheHandComputedMissLatency) {
    if (!built("fw_first_touch.elf")) GTEST_SKIP() << "fw_first_touch.elf not built (no riscv64-unknown-elf-gcc?)";
    const SocConfig cfg = default_config(true);
    ASSERT_EQ(cfg.cpu_clock_mhz, cfg.noc.clock_mhz);
    ASSERT_EQ(cfg.cpu_clock_mhz, cfg.dram.clock_mhz);
    ASSERT_EQ(cfg.caches.l1d.line_bytes, 16u);
    ASSERT_EQ(cfg.caches.l2.line_bytes, 16u);
    ASSERT_EQ(cfg.caches.llc.line_bytes, 16u);
    const uint64_t line = 16;
    const uint64_t hops = static_cast<uint64_t>(std::abs(cfg.cpu().x - cfg.memory().x) +
                                                std::abs(cfg.cpu().y - cfg.memory().y));
    const uint64_t router = static_cast<uint64_t>(cfg.noc.router_latency_cycles);
    const uint64_t header = static_cast<uint64_t>(cfg.noc.header_flits);
    const uint64_t link_bytes = static_cast<uint64_t>(cfg.noc.link_width_bits / 8);
    const uint64_t request = hops * router + header;
    const uint64_t response = hops * router + header + (line + link_bytes - 1) / link_bytes;
    const uint64_t cpu_side = cfg.caches.l1d.hit_latency_cycles + cfg.caches.l2.hit_latency_cycles;
    const uint64_t llc = cfg.caches.llc.hit_latency_cycles;
    const uint64_t dram_row_hit = static_cast<uint64_t>(cfg.dram.controller_latency_cycles + cfg.dram.t_cas) +
                                  static_cast<uint64_t>(std::ceil(static_cast<double>(line) / cfg.dram.bytes_per_cycle));
    const uint64_t miss_to_dram = cpu_side + request + llc + dram_row_hit + response;
    const uint64_t miss_to_llc = cpu_side + request + llc + response;
    // With default.json: 1 + 8 + (2 + 1) + 10 + (10 + 14 + 1) + (2 + 1 + 2) = 52, and 27.
    EXPECT_EQ(miss_to_dram, 52u);
    EXPECT_EQ(miss_to_llc, 27u);

    const FirmwareRun on = run_firmware("fw_first_touch.elf", cfg);
    const FirmwareRun off = run_firmware("fw_first_touch.elf", default_config(false));
    for (const FirmwareRun* r : {&on, &off}) {
        ASSERT_TRUE(r->result.exited) << r->result.stop << "\n" << r->uart;
        ASSERT_EQ(r->result.exit_code, 0) << r->uart;
    }
    const std::regex re(R"(first_touch lines=(\d+) dram=(\d+) llc=(\d+) flushes=1)");
    std::smatch m_on, m_off;
    ASSERT_TRUE(std::regex_search(on.uart, m_on, re)) << on.uart;
    ASSERT_TRUE(std::regex_search(off.uart, m_off, re)) << off.uart;
    const uint64_t lines = std::stoull(m_on[1]);
    const uint64_t dram_on = std::stoull(m_on[2]), llc_on = std::stoull(m_on[3]);
    const uint64_t dram_off = std::stoull(m_off[2]), llc_off = std::stoull(m_off[3]);
    std::cout << "first touch of " << lines << " lines: caches on " << dram_on << " cycles (after the L2 flush "
              << llc_on << "), caches off " << dram_off << " (" << llc_off << ")\n";
    EXPECT_EQ(dram_off, llc_off);  // ideal memory: both passes cost the same
    EXPECT_EQ(dram_on - dram_off, lines * miss_to_dram);
    EXPECT_EQ(llc_on - llc_off, lines * miss_to_llc);
}
