// A driver in the style of the published EdgeBERT software
// (firmware/tests/fw_esp_published.c: ESP API, PLIC polling, use_axi = 0 for
// DMA reads as the original allowed, byte-packed masks handled by the CPU)
// on the EPOCHS preset: no command refused, and C = A . B and softmax(C) equal
// the tile's functional model bit for bit.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "hw/edgebert/functional/matmul.hpp"
#include "hw/edgebert/functional/sfu_ops.hpp"
#include "hw/soc/soc.hpp"
#include "tests/support/sc_test.hpp"

using namespace edgebert;
using namespace edgebert::hw;

namespace {

std::vector<uint8_t> hex_line(const std::string& out, const std::string& tag) {
    const auto at = out.find("\n" + tag + " ");
    if (at == std::string::npos) return {};
    std::istringstream in(out.substr(at + tag.size() + 2));
    std::string h;
    in >> h;
    std::vector<uint8_t> v;
    for (size_t i = 0; i + 1 < h.size(); i += 2) v.push_back(static_cast<uint8_t>(std::stoi(h.substr(i, 2), nullptr, 16)));
    return v;
}

}  // namespace

class EspPublished : public edgebert::test::ScTest {};

TEST_F(EspPublished, PublishedStyleDriverRunsUnrefusedAndMatchesTheFunctionalModel) {
    const std::string elf = std::string(EDGEBERT_FIRMWARE_DIR) + "/fw_esp_published.elf";
    if (!std::ifstream(elf)) GTEST_SKIP() << elf << " not built (no riscv64-unknown-elf-gcc?)";
    const auto cfg = load_soc_config(std::string(EDGEBERT_SOURCE_DIR) + "/configs/soc/epochs.json");
    Soc soc("soc", cfg, true);
    const IssRunResult r = soc.run_firmware(elf, 400'000'000);
    const std::string out = "\n" + soc.uart.output();
    ASSERT_TRUE(r.exited) << r.stop << out;
    ASSERT_EQ(r.exit_code, 0) << out;
    EXPECT_EQ(cfg.edgebert.checks, CheckMode::Silicon);
    EXPECT_EQ(soc.edgebert().control.stats().errors, 0u) << "commands refused";
    // use_axi = 0 for DMA reads is legal in both modes: nothing strict mode would refuse.
    EXPECT_EQ(soc.edgebert().control.stats().warnings, 0u);

    constexpr int n0 = 32, m = 64, n1 = 32;
    const auto a = hex_line(out, "A"), b = hex_line(out, "B"), c = hex_line(out, "C"), p = hex_line(out, "P");
    ASSERT_EQ(a.size(), size_t(n0 * m)) << out;
    ASSERT_EQ(b.size(), size_t(m * n1));
    ASSERT_EQ(c.size(), size_t(n0 * n1));
    ASSERT_EQ(p.size(), size_t(n0 * n1));
    std::vector<uint8_t> bt(size_t(n1) * m);
    for (int k = 0; k < m; ++k)
        for (int j = 0; j < n1; ++j) bt[size_t(j) * m + k] = b[size_t(k) * n1 + j];
    fn::MatmulParams mp;
    mp.n0 = n0, mp.n1 = n1, mp.m = m, mp.a_bias = -8, mp.b_bias = -8, mp.out_bias = -6;
    EXPECT_EQ(fn::matmul(cfg.edgebert, a.data(), bt.data(), mp), c);
    const std::vector<uint8_t> ones(n1, num::af_encode(1.0, cfg.edgebert.act_format, -7));
    EXPECT_EQ(fn::sfu_softmax(cfg.edgebert, c.data(), -6, n0, n1, ones.data(), -7, -7), p);
    // Every command's interrupt went through the PLIC: 2 operand loads (mask + values
    // each), the matmul, 2 write-outs; C's load, the aux load, the softmax, 2 write-outs.
    EXPECT_GE(soc.plic.stats().claims, 12u);
}
