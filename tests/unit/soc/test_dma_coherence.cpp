// DMA coherence with the caches, shown by the ESP-style EdgeBERT driver
// (firmware/tests/fw_esp_edgebert.c) on the epochs preset: the CPU copies the
// operands into a staging area (dirty in its L2), the tile's DMA reads them,
// writes the result back, and the CPU reads it.
//  - with esp_flush before each DMA (ESP's rule): no coherence warning, and
//    the flushes reach the L2 (llc, none) and LLC (none) cache controllers;
//  - without it (ESP_SKIP_FLUSH), one mode per firmware (ESP_ONLY_MODE):
//      none:   the DMA bypasses the CPU caches and the LLC;
//      llc:    the DMA bypasses the CPU caches;
//    so it reads memory while the L2 holds the operands dirty
//    ("dma_read_dirty_cpu"), and its result writes leave copies in the CPU
//    caches that the CPU then reads ("cpu_read_stale");
//      recall: the memory tile recalls the lines from the CPU caches: no
//    warning, recalled lines counted;
//  - the flush costs time: the none-mode matmul takes longer with it.
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "hw/soc/soc.hpp"
#include "tests/support/sc_test.hpp"

using namespace edgebert;
using namespace edgebert::hw;

namespace {

const std::string kFirmwareDir = EDGEBERT_FIRMWARE_DIR;
// The matmul's result in the staging area: OUT_VEC = 64 vectors of 16 lanes,
// a 128-byte bitmask and 1024 bytes of rows, in 16-byte lines.
constexpr uint64_t kResultLines = (64 * 16 / 8 + 64 * 16) / 16;

struct DriverRun {
    IssRunResult result;
    std::string uart;
    MemoryTile::Stats stats;
    std::vector<CoherenceWarning> warnings;
    uint64_t l2_flushes = 0, llc_flushes = 0;
    std::map<std::string, uint64_t> matmul_cycles;  // coherence label -> the firmware's cycles
};

// Runs `elf` on the epochs preset; false (and a skip message) if it is not built.
bool run_driver(const std::string& elf, DriverRun& r) {
    const std::string path = kFirmwareDir + "/" + elf;
    if (!std::ifstream(path)) return false;
    edgebert::test::ScTest::fresh_context();
    auto* soc = new Soc("soc", load_soc_config(std::string(EDGEBERT_SOURCE_DIR) + "/configs/soc/epochs.json"),
                        true);  // owned by the simulation context
    r.result = soc->run_firmware(path, 200'000'000);
    r.uart = soc->uart.output();
    r.stats = soc->memory_tile().stats();
    r.warnings = soc->memory_tile().warnings();
    r.l2_flushes = soc->l2_controller().flushes();
    r.llc_flushes = soc->llc_controller().flushes();
    // "  sld,edgebert.0: <label>" then "  matmul 32x32x64 ok: <n> cycles ..."
    const std::regex re(R"(sld,edgebert\.0: ([^\n]+)\n  matmul \d+x\d+x\d+ ok: (\d+) cycles)");
    for (auto it = std::sregex_iterator(r.uart.begin(), r.uart.end(), re); it != std::sregex_iterator(); ++it)
        r.matmul_cycles[(*it)[1]] = std::stoull((*it)[2]);
    return true;
}

std::map<std::string, uint64_t> kinds(const DriverRun& r) {
    std::map<std::string, uint64_t> k;
    for (const auto& w : r.warnings) ++k[w.kind];
    return k;
}

std::string describe(const DriverRun& r) {
    std::string s = "warnings " + std::to_string(r.stats.warnings) + ":";
    for (const auto& [kind, n] : kinds(r)) s += " " + kind + " x" + std::to_string(n);
    s += "; recalled lines " + std::to_string(r.stats.recalled_lines) + " (dirty " +
         std::to_string(r.stats.recalled_dirty_lines) + "); flushes L2 " + std::to_string(r.l2_flushes) + ", LLC " +
         std::to_string(r.llc_flushes);
    for (const auto& [label, c] : r.matmul_cycles) s += "; matmul (" + label + ") " + std::to_string(c) + " cycles";
    return s;
}

#define RUN_OR_SKIP(elf, r)                                                                   \
    do {                                                                                      \
        if (!run_driver(elf, r)) GTEST_SKIP() << elf << " not built (no riscv64-unknown-elf-gcc?)"; \
        ASSERT_TRUE(r.result.exited) << r.result.stop << "\n" << r.uart;                      \
        ASSERT_EQ(r.result.exit_code, 0) << r.uart;                                           \
        std::cout << elf << ": " << describe(r) << "\n";                                      \
    } while (0)

class SocDmaCoherence : public edgebert::test::ScTest {};

}  // namespace

// The driver as written (all four modes: recall, llc, none, full, each flushing
// as ESP requires): clean. esp_flush runs before each operand's DMA and before
// the result's (3 per matmul): the L2 is flushed in llc and none mode (6), the
// LLC in none mode (3); the recall mode's DMA recalls lines instead, and the
// full mode's goes through the accelerator's own cache.
TEST_F(SocDmaCoherence, DriverWithFlushesRaisesNoWarning) {
    DriverRun r;
    RUN_OR_SKIP("fw_esp_edgebert.elf", r);
    EXPECT_NE(r.uart.find("sld,edgebert: PASS (4 coherence modes)"), std::string::npos) << r.uart;
    EXPECT_EQ(r.stats.warnings, 0u) << describe(r);
    EXPECT_TRUE(r.warnings.empty());
    EXPECT_GT(r.l2_flushes, 0u);
    EXPECT_EQ(r.l2_flushes, 6u);
    EXPECT_EQ(r.llc_flushes, 3u);
    EXPECT_EQ(r.stats.flushes, 3u);  // the memory tile's count of LLC flushes
    EXPECT_GT(r.stats.recalled_lines, 0u);
    EXPECT_EQ(r.matmul_cycles.size(), 4u) << r.uart;
}

// Non-coherent DMA without the flush.
TEST_F(SocDmaCoherence, NoneModeWithoutFlushReadsDirtyAndStaleLines) {
    DriverRun r;
    RUN_OR_SKIP("fw_esp_edgebert_noflush_none.elf", r);
    EXPECT_NE(r.uart.find("sld,edgebert: PASS (1 coherence mode)"), std::string::npos) << r.uart;
    EXPECT_EQ(r.l2_flushes, 0u);
    EXPECT_EQ(r.llc_flushes, 0u);
    EXPECT_GT(r.stats.warnings, 0u);
    auto k = kinds(r);
    EXPECT_GT(k["dma_read_dirty_cpu"], 0u) << describe(r);
    // Every line of the result (a 128-byte mask and 1 KiB of rows: 72 lines),
    // which the CPU had just filled with memset, is read stale once.
    EXPECT_EQ(k["cpu_read_stale"], kResultLines) << describe(r);
    for (const auto& w : r.warnings) {
        EXPECT_TRUE(w.kind == "dma_read_dirty_cpu" || w.kind == "dma_read_dirty_llc" || w.kind == "cpu_read_stale")
            << w.kind;
        if (w.kind.rfind("dma_", 0) == 0) {
            EXPECT_EQ(w.mode, "none") << w.kind;  // the DMA's recorded coherence mode
            EXPECT_EQ(w.tile, 2) << w.kind;       // edgebert0
        }
    }
    EXPECT_EQ(r.stats.recalled_lines, 0u);
    EXPECT_GT(r.stats.dma_bytes_by_mode[static_cast<int>(DmaCoherence::None)], 0u);
}

// LLC-coherent DMA without the L2 flush: the LLC is on the DMA's path, the
// CPU's L2 is not.
TEST_F(SocDmaCoherence, LlcModeWithoutFlushReadsDirtyAndStaleLines) {
    DriverRun r;
    RUN_OR_SKIP("fw_esp_edgebert_noflush_llc.elf", r);
    EXPECT_NE(r.uart.find("sld,edgebert: PASS (1 coherence mode)"), std::string::npos) << r.uart;
    EXPECT_EQ(r.l2_flushes, 0u);
    EXPECT_GT(r.stats.warnings, 0u);
    auto k = kinds(r);
    EXPECT_GT(k["dma_read_dirty_cpu"], 0u) << describe(r);
    EXPECT_EQ(k["cpu_read_stale"], kResultLines) << describe(r);
    EXPECT_EQ(k["dma_read_dirty_llc"], 0u) << describe(r);  // the DMA goes through the LLC
    for (const auto& w : r.warnings) {
        if (w.kind.rfind("dma_", 0) == 0) {
            EXPECT_EQ(w.mode, "llc") << w.kind;
        }
    }
    EXPECT_EQ(r.stats.recalled_lines, 0u);
    EXPECT_GT(r.stats.dma_bytes_by_mode[static_cast<int>(DmaCoherence::Llc)], 0u);
}

// Coherent DMA needs no flush: the memory tile recalls the CPU's copies.
TEST_F(SocDmaCoherence, RecallModeNeedsNoFlush) {
    DriverRun r;
    RUN_OR_SKIP("fw_esp_edgebert_noflush_recall.elf", r);
    EXPECT_NE(r.uart.find("sld,edgebert: PASS (1 coherence mode)"), std::string::npos) << r.uart;
    EXPECT_EQ(r.stats.warnings, 0u) << describe(r);
    EXPECT_EQ(r.l2_flushes, 0u);
    EXPECT_GT(r.stats.recalled_lines, 0u);
    EXPECT_GT(r.stats.recalled_dirty_lines, 0u);  // the operands the CPU had just copied
    EXPECT_GT(r.stats.dma_bytes_by_mode[static_cast<int>(DmaCoherence::Recall)], 0u);
}

// The flush is not free: the same none-mode matmul (copies, flushes, DMA,
// compute), first thing in the program in both firmwares, takes longer with
// the three L2 + LLC flushes than without them.
TEST_F(SocDmaCoherence, FlushCostsCycles) {
    DriverRun with, without;
    RUN_OR_SKIP("fw_esp_edgebert_none.elf", with);
    RUN_OR_SKIP("fw_esp_edgebert_noflush_none.elf", without);
    EXPECT_EQ(with.stats.warnings, 0u) << describe(with);
    EXPECT_EQ(with.l2_flushes, 3u);
    EXPECT_EQ(with.llc_flushes, 3u);
    ASSERT_EQ(with.matmul_cycles.size(), 1u) << with.uart;
    ASSERT_EQ(without.matmul_cycles.size(), 1u) << without.uart;
    const uint64_t c_with = with.matmul_cycles.begin()->second, c_without = without.matmul_cycles.begin()->second;
    std::cout << "none-mode matmul: " << c_with << " cycles with the flushes, " << c_without << " without\n";
    EXPECT_GT(c_with, c_without);
}

// Fully coherent DMA needs no flush either: the accelerator's own cache is kept
// coherent with the CPU's by the directory. No warning; its line fills recall
// the operands the CPU has just written, the CPU's reads of the result clean
// the lines the accelerator's cache holds dirty, and the DMA bytes are counted
// under "full". Measured against the recall mode (each firmware runs the one
// matmul first thing).
TEST_F(SocDmaCoherence, FullModeNeedsNoFlush) {
    DriverRun r, recall;
    RUN_OR_SKIP("fw_esp_edgebert_noflush_full.elf", r);
    RUN_OR_SKIP("fw_esp_edgebert_noflush_recall.elf", recall);
    EXPECT_NE(r.uart.find("sld,edgebert: PASS (1 coherence mode)"), std::string::npos) << r.uart;
    EXPECT_EQ(r.stats.warnings, 0u) << describe(r);
    EXPECT_EQ(r.l2_flushes, 0u);
    EXPECT_EQ(r.llc_flushes, 0u);
    EXPECT_GT(r.stats.recalled_dirty_lines, 0u);  // the fills recall the operands
    EXPECT_GT(r.stats.acc_cleaned_lines, 0u);     // the CPU reads the result
    EXPECT_EQ(r.stats.dma_bytes_by_mode[static_cast<int>(DmaCoherence::Full)], 0u);  // not at the memory tile
    ASSERT_EQ(r.matmul_cycles.size(), 1u) << r.uart;
    ASSERT_EQ(recall.matmul_cycles.size(), 1u) << recall.uart;
    std::cout << "matmul: " << r.matmul_cycles.begin()->second << " cycles fully coherent, "
              << recall.matmul_cycles.begin()->second << " coherent (recall)\n";
}
