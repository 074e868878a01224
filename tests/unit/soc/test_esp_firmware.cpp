// The ESP-style EdgeBERT driver (firmware/tests/fw_esp_edgebert.c, built
// against firmware/esp and the epochs preset) on the SoC's RISC-V core: it
// probes the tile, sets each coherence mode through the tile's CSR, runs a
// matmul per mode and checks it against the CPU kernel.
#include <gtest/gtest.h>

#include <fstream>

#include "hw/soc/soc.hpp"
#include "tests/support/sc_test.hpp"

using namespace edgebert;
using namespace edgebert::hw;

class EspFirmware : public edgebert::test::ScTest {};

TEST_F(EspFirmware, EdgebertDriverPassesOnTheEpochsPreset) {
    const std::string elf = std::string(EDGEBERT_FIRMWARE_DIR) + "/fw_esp_edgebert.elf";
    if (!std::ifstream(elf)) GTEST_SKIP() << elf << " not built (no riscv64-unknown-elf-gcc?)";
    Soc soc("soc", load_soc_config(std::string(EDGEBERT_SOURCE_DIR) + "/configs/soc/epochs.json"), true);
    const IssRunResult r = soc.run_firmware(elf, 200'000'000);
    const std::string out = soc.uart.output();
    ASSERT_TRUE(r.exited) << r.stop << "\n" << out;
    EXPECT_EQ(r.exit_code, 0) << out;
    EXPECT_NE(out.find("[probe] sld,edgebert.0 registered (tile 2 'edgebert0')"), std::string::npos) << out;
    EXPECT_NE(out.find("Address   : 0x60400000"), std::string::npos) << out;
    EXPECT_NE(out.find("Interrupt : 5 (PLIC source 6)"), std::string::npos) << out;
    EXPECT_NE(out.find("sld,edgebert: PASS (4 coherence modes)"), std::string::npos) << out;
    // The CSR writes reached the SoC: recall, llc, none, full, in that order;
    // the refused ACC_COH_AUTO never left the library.
    ASSERT_NE(soc.esp_csr(), nullptr);
    EXPECT_EQ(soc.esp_csr()->stats().callbacks, 4u);
    EXPECT_EQ(soc.esp_csr()->stats().errors, 0u);
    EXPECT_EQ(soc.dma_coherence("edgebert0"), DmaCoherence::Full);
    EXPECT_EQ(soc.dma_coherence("systolic0"), DmaCoherence::Recall);
    // Every command's interrupt was claimed through the PLIC: 7 per matmul.
    EXPECT_EQ(soc.plic.stats().claims, 28u);
}
