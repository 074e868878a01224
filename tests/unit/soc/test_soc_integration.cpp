// The native host programs the EdgeBERT and systolic tiles through the NoC
// with the C runtime, data in DRAM, completion interrupts through the PLIC;
// results equal the functional models.
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "common/rng.hpp"
#include "eb_edgebert.h"
#include "eb_hal.h"
#include "eb_systolic.h"
#include "hw/edgebert/functional/matmul.hpp"
#include "hw/formats/bitmask.hpp"
#include "hw/soc/native_hal.hpp"
#include "hw/soc/soc.hpp"
#include "hw/systolic/functional/systolic_gemm.hpp"
#include "tests/support/sc_test.hpp"

using namespace edgebert;
using namespace edgebert::hw;

namespace {

SocConfig default_soc() { return load_soc_config(std::string(EDGEBERT_SOURCE_DIR) + "/configs/soc/default.json"); }

std::vector<uint8_t> random_af(Rng& rng, size_t n, double sparsity) {
    std::vector<uint8_t> c(n);
    for (auto& x : c) {
        x = rng.uniform() < sparsity ? 0 : static_cast<uint8_t>(rng.uniform_int(1, 255));
        if ((x & 0x7F) == 0) x = 0;
    }
    return c;
}

struct Operand {
    uint64_t mask_addr, input_addr;
    uint32_t vectors, rows;
};

// Bitmask-encodes codes and copies them into DRAM through the host.
Operand upload(uint64_t addr, const std::vector<uint8_t>& codes) {
    const auto enc = num::bitmask_encode(codes.data(), codes.size() / 16, 16, 0x7F);
    const auto img = num::bitmask_to_dram(enc);
    Operand op{addr, (addr + img.mask_bytes.size() + 63) & ~uint64_t{63}, static_cast<uint32_t>(enc.num_vectors),
               static_cast<uint32_t>(enc.depth())};
    eb_hal_copy_to_dev(op.mask_addr, img.mask_bytes.data(), img.mask_bytes.size());
    eb_hal_copy_to_dev(op.input_addr, img.input_bytes.data(), img.input_bytes.size());
    return op;
}

}  // namespace

class SocIntegration : public edgebert::test::ScTest {};

TEST_F(SocIntegration, NativeHostDrivesBothAcceleratorsThroughTheNoc) {
    const SocConfig cfg = default_soc();
    Soc soc("soc", cfg);
    const eb_platform p = platform_of(cfg);
    Rng rng(77);
    // EdgeBERT: (64 x 256) . (32 x 256)^T at 50 % sparsity.
    const auto a = random_af(rng, 64 * 256, 0.5), b = random_af(rng, 32 * 256, 0.5);
    fn::MatmulParams mp;
    mp.n0 = 64, mp.n1 = 32, mp.m = 256, mp.a_bias = -8, mp.b_bias = -8, mp.out_bias = -5;
    const auto expect_eb = fn::matmul(cfg.edgebert, a.data(), b.data(), mp);
    // Systolic: a full 32 x 32 x 32 INT8 call, accumulating onto C.
    std::vector<int8_t> sa(32 * 32), sb(32 * 32);
    std::vector<int32_t> sc(32 * 32);
    for (auto& x : sa) x = static_cast<int8_t>(rng.uniform_int(-128, 127));
    for (auto& x : sb) x = static_cast<int8_t>(rng.uniform_int(-128, 127));
    for (auto& x : sc) x = static_cast<int32_t>(rng.uniform_int(-100000, 100000));
    std::vector<int32_t> expect_sys = sc;
    fn::systolic_gemm(32, 32, 32, sa.data(), 32, sb.data(), 32, expect_sys.data(), 32, true);

    std::vector<uint8_t> got_eb;
    std::vector<int32_t> got_sys(32 * 32);
    int eb_rc = -1, sys_rc = -1;
    soc.run([&](NativeHost& host) {
        NativeHalScope hal(host);
        eb_tile_init(&p);
        eb_systolic_init(&p);
        const Operand oa = upload(p.dram_base, a), ob = upload(p.dram_base + 0x10000, b);
        ASSERT_EQ(eb_dma(&p, EB_SRAM_MASK, 1, 0, 0, oa.mask_addr, oa.vectors), 0);
        ASSERT_EQ(eb_dma(&p, EB_SRAM_INPUT, 1, 0, 0, oa.input_addr, oa.rows), 0);
        ASSERT_EQ(eb_dma(&p, EB_SRAM_MASK, 1, 1, 0, ob.mask_addr, ob.vectors), 0);
        ASSERT_EQ(eb_dma(&p, EB_SRAM_INPUT, 1, 1, 0, ob.input_addr, ob.rows), 0);
        eb_matmul_desc d{};
        d.n0 = 64, d.n1 = 32, d.m = 256;
        d.out_dec = 1, d.out_mask = 1000, d.out_input = 1000;
        d.a_bias = 2, d.b_bias = 2, d.out_bias = 5;  // exp_bias -8, -8, -5
        eb_rc = eb_matmul(&p, &d);
        const uint32_t out_vec = 64 * 32 / 16;
        const uint64_t out = p.dram_base + 0x20000;
        ASSERT_EQ(eb_dma(&p, EB_SRAM_MASK, 0, 1, 1000, out, out_vec), 0);
        ASSERT_EQ(eb_dma(&p, EB_SRAM_INPUT, 0, 1, 1000, out + 0x1000, out_vec), 0);
        std::vector<uint8_t> mask(out_vec * 2), in(out_vec * 16);
        eb_hal_copy_from_dev(mask.data(), out, mask.size());
        eb_hal_copy_from_dev(in.data(), out + 0x1000, in.size());
        got_eb = num::bitmask_decode(num::bitmask_from_dram(mask.data(), mask.size(), in.data(), in.size(), out_vec, 16));

        const uint64_t sa_addr = p.dram_base + 0x40000, sb_addr = sa_addr + 0x1000, sc_addr = sa_addr + 0x2000;
        eb_hal_copy_to_dev(sa_addr, sa.data(), sa.size());
        eb_hal_copy_to_dev(sb_addr, sb.data(), sb.size());
        eb_hal_copy_to_dev(sc_addr, sc.data(), sc.size() * 4);
        eb_systolic_call call{32, 32, 32, sa_addr, sb_addr, sc_addr, 32, 32, 32, 1};
        sys_rc = eb_systolic_run(&p, &call);
        eb_hal_copy_from_dev(got_sys.data(), sc_addr, got_sys.size() * 4);
    });
    EXPECT_EQ(eb_rc, 0);
    EXPECT_EQ(sys_rc, 0);
    EXPECT_EQ(got_eb, expect_eb);
    EXPECT_EQ(got_sys, expect_sys);
    // The traffic really crossed the mesh and the interrupts came through the PLIC.
    const auto noc = soc.noc.stats_json();
    EXPECT_GT(soc.plic.stats().claims, 0u);
    EXPECT_GT(soc.dram.stats().bytes_read, 0u);
    EXPECT_NE(boost::json::serialize(noc).find("\"dma\""), std::string::npos);
}

TEST_F(SocIntegration, DmaToUnmappedAddressReachesTheTileAsAnError) {
    const SocConfig cfg = default_soc();
    Soc soc("soc", cfg);
    const eb_platform p = platform_of(cfg);
    int rc = -1;
    soc.run([&](NativeHost& host) {
        NativeHalScope hal(host);
        eb_tile_init(&p);
        rc = eb_dma(&p, EB_SRAM_MASK, 1, 0, 0, 0x10000000ull /* nothing mapped */, 16);
        // The tile was reset by the driver and works again.
        EXPECT_EQ(eb_dma(&p, EB_SRAM_MASK, 1, 0, 0, p.dram_base, 16), 0);
    });
    EXPECT_EQ(rc, 5);  // EB_CAUSE_DMA_ERROR
}

TEST_F(SocIntegration, HostLoadFromUnmappedAddressIsAClearError) {
    const SocConfig cfg = default_soc();
    Soc soc("soc", cfg);
    try {
        soc.run([&](NativeHost& host) { host.read32(0x10000000ull); });
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("0x10000000"), std::string::npos) << e.what();
    }
}

// A coherence warning names the program region the host was in when it arose;
// before the program sets one it names none (rather than layer 0's embedding).
TEST_F(SocIntegration, CoherenceWarningsNameTheHostsRegion) {
    Soc soc("soc", default_soc());
    soc.run([&](NativeHost& host) {
        CoherenceWarning early;
        early.kind = "dma_read_dirty_llc";
        soc.memory_tile().warn(early);
        host.set_region(2, 3, "ffn_out");
        CoherenceWarning w;
        w.kind = "dma_read_dirty_llc";
        w.addr = 0x80001000;
        soc.memory_tile().warn(w);
    });
    const auto& ws = soc.memory_tile().warnings();
    ASSERT_EQ(ws.size(), 2u);
    EXPECT_EQ(ws[0].layer, -1);
    EXPECT_EQ(ws[1].layer, 2);
    EXPECT_EQ(ws[1].module, 3);
    EXPECT_EQ(ws[1].op, "ffn_out");
    EXPECT_EQ(soc.memory_tile().stats().warnings, 2u);
}
