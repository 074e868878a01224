// ESP's per-tile CSR block: the coherence register of every tile, refused
// values and offsets with a message, the callback on accelerator tiles; on the
// epochs preset through the NoC, steering Soc::dma_coherence.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "common/error.hpp"
#include "hw/soc/esp_csr.hpp"
#include "hw/soc/soc.hpp"
#include "tests/support/sc_test.hpp"
#include "tests/support/script_initiator.hpp"

using namespace edgebert;
using namespace edgebert::hw;
using edgebert::test::ScriptInitiator;

namespace {

constexpr uint64_t kBase = 0x60090180, kStride = 0x200;

SocConfig epochs() { return load_soc_config(std::string(EDGEBERT_SOURCE_DIR) + "/configs/soc/epochs.json"); }

uint64_t coh(size_t tile) { return kBase + tile * kStride + 0x10; }

std::vector<uint8_t> word(uint32_t v) {
    std::vector<uint8_t> b(4);
    std::memcpy(b.data(), &v, 4);
    return b;
}

uint32_t value(const std::vector<uint8_t>& b) {
    uint32_t v = 0;
    std::memcpy(&v, b.data(), 4);
    return v;
}

// A CSR block for the epochs tiles (cpu0, mem0, edgebert0, systolic0, io0)
// driven by a script; records the callbacks.
struct Bench {
    SocConfig cfg = epochs();
    EspCsr csr{"csr", EspCsrConfig{}, cfg.tiles};
    ScriptInitiator init{"init"};
    std::vector<std::pair<std::string, DmaCoherence>> calls;

    Bench() {
        init.socket.bind(csr.socket);
        csr.set_coherence_callback([this](const TileSpec& t, DmaCoherence m) { calls.emplace_back(t.name, m); });
    }
    void run(std::function<void(ScriptInitiator&)> script) {
        init.script = std::move(script);
        sc_core::sc_start();
        ASSERT_TRUE(init.finished);
    }
};

}  // namespace

class EspCsrTest : public edgebert::test::ScTest {};

TEST_F(EspCsrTest, CoherenceRegisterReadsPowerOnValueAndTakesEveryMode) {
    Bench b;
    b.run([&](ScriptInitiator& s) {
        sc_core::sc_time d = sc_core::SC_ZERO_TIME;
        std::vector<uint8_t> r(4);
        ASSERT_EQ(s.read(coh(2), r, d), tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(value(r), 2u);  // recall, the preset's power-on value
        for (uint32_t m : {0u, 1u, 2u, 3u}) {
            ASSERT_EQ(s.write(coh(2), word(m), d), tlm::TLM_OK_RESPONSE);
            ASSERT_EQ(s.read(coh(2), r, d), tlm::TLM_OK_RESPONSE);
            EXPECT_EQ(value(r), m);
        }
        // ACC_COH_AUTO (4) is software-only: refused, value kept.
        EXPECT_EQ(s.write(coh(2), word(4), d), tlm::TLM_GENERIC_ERROR_RESPONSE);
        ASSERT_EQ(s.read(coh(2), r, d), tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(value(r), 3u);
        EXPECT_GT(d, sc_core::SC_ZERO_TIME);  // accesses take time
    });
    // One callback per accepted write, naming the tile; the value rewritten too.
    ASSERT_EQ(b.calls.size(), 4u);
    EXPECT_EQ(b.calls[0], std::make_pair(std::string("edgebert0"), DmaCoherence::None));
    EXPECT_EQ(b.calls[1].second, DmaCoherence::Llc);
    EXPECT_EQ(b.calls[2].second, DmaCoherence::Recall);
    EXPECT_EQ(b.calls[3].second, DmaCoherence::Full);
    EXPECT_EQ(b.csr.coherence(2), DmaCoherence::Full);
    EXPECT_EQ(b.csr.stats().writes, 4u);
    EXPECT_EQ(b.csr.stats().callbacks, 4u);
    EXPECT_EQ(b.csr.stats().errors, 1u);
    EXPECT_NE(b.csr.last_error().find("write of 4"), std::string::npos) << b.csr.last_error();
}

TEST_F(EspCsrTest, SystolicTileHasItsOwnRegister) {
    Bench b;
    b.run([&](ScriptInitiator& s) {
        sc_core::sc_time d = sc_core::SC_ZERO_TIME;
        ASSERT_EQ(s.write(coh(3), word(1), d), tlm::TLM_OK_RESPONSE);
    });
    ASSERT_EQ(b.calls.size(), 1u);
    EXPECT_EQ(b.calls[0], std::make_pair(std::string("systolic0"), DmaCoherence::Llc));
    EXPECT_EQ(b.csr.coherence(3), DmaCoherence::Llc);
    EXPECT_EQ(b.csr.coherence(2), DmaCoherence::Recall);  // untouched
}

TEST_F(EspCsrTest, ValueAboveThreeIsRefusedWithAMessage) {
    Bench b;
    b.run([&](ScriptInitiator& s) {
        sc_core::sc_time d = sc_core::SC_ZERO_TIME;
        EXPECT_EQ(s.write(coh(2), word(4), d), tlm::TLM_GENERIC_ERROR_RESPONSE);  // ACC_COH_AUTO is software-only
        EXPECT_EQ(s.write(coh(2), word(0xFFFFFFFF), d), tlm::TLM_GENERIC_ERROR_RESPONSE);
        std::vector<uint8_t> r(4);
        ASSERT_EQ(s.read(coh(2), r, d), tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(value(r), 2u);  // unchanged
    });
    EXPECT_TRUE(b.calls.empty());
    EXPECT_EQ(b.csr.stats().errors, 2u);
    ASSERT_EQ(b.csr.errors().size(), 2u);
    const std::string& e = b.csr.errors()[0];
    EXPECT_NE(e.find("write of 4 to COHERENCE of tile 2 ('edgebert0', edgebert) at 0x60090590 refused"),
              std::string::npos) << e;
    EXPECT_NE(e.find("allowed values are 0 (none), 1 (llc), 2 (recall), 3 (full)"), std::string::npos)
        << e;
    EXPECT_NE(b.csr.last_error().find("write of 4294967295"), std::string::npos) << b.csr.last_error();
}

TEST_F(EspCsrTest, UnknownOffsetIsAnAccessFault) {
    Bench b;
    b.run([&](ScriptInitiator& s) {
        sc_core::sc_time d = sc_core::SC_ZERO_TIME;
        std::vector<uint8_t> r(4);
        EXPECT_EQ(s.read(kBase + 2 * kStride, r, d), tlm::TLM_ADDRESS_ERROR_RESPONSE);
        EXPECT_EQ(s.write(kBase + 2 * kStride + 0x14, word(1), d), tlm::TLM_ADDRESS_ERROR_RESPONSE);
    });
    EXPECT_TRUE(b.calls.empty());
    ASSERT_EQ(b.csr.errors().size(), 2u);
    EXPECT_NE(b.csr.errors()[0].find("read at 0x60090580 (offset 0x0 in the block of tile 2 ('edgebert0', edgebert)): "
                                     "unknown CSR; the only register is COHERENCE at offset 0x10"),
              std::string::npos) << b.csr.errors()[0];
    EXPECT_NE(b.csr.errors()[1].find("write at 0x60090594"), std::string::npos) << b.csr.errors()[1];
}

TEST_F(EspCsrTest, BadAccessShapesAreRefused) {
    Bench b;
    b.run([&](ScriptInitiator& s) {
        sc_core::sc_time d = sc_core::SC_ZERO_TIME;
        std::vector<uint8_t> r8(8), r2(2), r(4);
        EXPECT_EQ(s.read(coh(2), r8, d), tlm::TLM_BURST_ERROR_RESPONSE);  // 32-bit registers only
        EXPECT_EQ(s.read(coh(2), r2, d), tlm::TLM_BURST_ERROR_RESPONSE);
        EXPECT_EQ(s.read(coh(2) + 2, r, d), tlm::TLM_ADDRESS_ERROR_RESPONSE);  // misaligned
        EXPECT_EQ(s.read(kBase + 5 * kStride + 0x10, r, d), tlm::TLM_ADDRESS_ERROR_RESPONSE);  // past the last tile
        const uint8_t be[4] = {0xFF, 0, 0xFF, 0xFF};
        ScriptInitiator::Options o;
        o.byte_enable = be, o.byte_enable_length = 4;
        std::vector<uint8_t> w = word(1);
        EXPECT_EQ(s.transport(tlm::TLM_WRITE_COMMAND, coh(2), w.data(), 4, d, o), tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    });
    EXPECT_EQ(b.csr.stats().errors, 5u);
    EXPECT_NE(b.csr.errors()[0].find("read of 8 bytes at 0x60090590 refused"), std::string::npos) << b.csr.errors()[0];
    EXPECT_NE(b.csr.errors()[0].find("32-bit, aligned accesses inside [0x60090180, 0x60090b80)"), std::string::npos)
        << b.csr.errors()[0];
    EXPECT_TRUE(b.calls.empty());
    EXPECT_EQ(b.csr.coherence(2), DmaCoherence::Recall);
}

TEST_F(EspCsrTest, NonAcceleratorTilesStoreTheValueWithoutEffect) {
    Bench b;
    b.run([&](ScriptInitiator& s) {
        sc_core::sc_time d = sc_core::SC_ZERO_TIME;
        std::vector<uint8_t> r(4);
        for (size_t t : {0u, 1u, 4u}) {  // cpu0, mem0, io0
            ASSERT_EQ(s.write(coh(t), word(1), d), tlm::TLM_OK_RESPONSE);
            ASSERT_EQ(s.read(coh(t), r, d), tlm::TLM_OK_RESPONSE);
            EXPECT_EQ(value(r), 1u);
        }
        EXPECT_EQ(s.write(coh(0), word(5), d), tlm::TLM_GENERIC_ERROR_RESPONSE);  // same value check everywhere
    });
    EXPECT_TRUE(b.calls.empty());
    EXPECT_EQ(b.csr.coherence(0), DmaCoherence::Llc);
    EXPECT_NE(b.csr.last_error().find("tile 0 ('cpu0', cpu)"), std::string::npos) << b.csr.last_error();
}

TEST_F(EspCsrTest, DebugReadsTheRegisterWithoutSideEffects) {
    Bench b;
    b.run([&](ScriptInitiator& s) {
        uint32_t v = 0;
        EXPECT_EQ(s.debug(tlm::TLM_READ_COMMAND, coh(3), reinterpret_cast<uint8_t*>(&v), 4), 4u);
        EXPECT_EQ(v, 2u);
        EXPECT_EQ(s.debug(tlm::TLM_READ_COMMAND, coh(3) - 4, reinterpret_cast<uint8_t*>(&v), 4), 0u);
        v = 0;
        EXPECT_EQ(s.debug(tlm::TLM_WRITE_COMMAND, coh(3), reinterpret_cast<uint8_t*>(&v), 4), 0u);
    });
    EXPECT_EQ(b.csr.coherence(3), DmaCoherence::Recall);
    EXPECT_EQ(b.csr.stats().reads, 0u);
}

TEST_F(EspCsrTest, BadConfigsAreRefused) {
    auto refused = [](EspCsrConfig c, const std::string& fragment) {
        try {
            c.validate("csr");
            FAIL() << "accepted";
        } catch (const ConfigError& e) {
            EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
        }
    };
    EspCsrConfig c;
    c.tile_stride = 0x10;
    refused(c, "field 'tile_stride' = 0x10 is out of range [0x14, 0x100000]");
    c = EspCsrConfig{};
    c.base = 0x60090182;
    refused(c, "field 'base' = 0x60090182 must be 4-byte aligned");
    c = EspCsrConfig{};
    c.access_latency_cycles = -1;
    refused(c, "access_latency_cycles");
    EXPECT_NO_THROW(EspCsrConfig{}.validate("csr"));
}

// On the SoC: the host's stores cross the NoC to the tile's block and steer
// the tile's DMA coherence mode; the C++ setter keeps the register in step.
TEST_F(EspCsrTest, SocWiresTheBlockAndTheDmaCoherenceMode) {
    Soc soc("soc", epochs());
    ASSERT_NE(soc.esp_csr(), nullptr);
    EXPECT_EQ(soc.dma_coherence("edgebert0"), DmaCoherence::Recall);
    EXPECT_EQ(soc.dma_coherence("systolic0"), DmaCoherence::Recall);
    uint32_t after_set = 0, cpu_value = 0;
    soc.run([&](NativeHost& host) {
        host.write32(0x60090590, 0);  // edgebert0 = tile 2: non-coherent DMA
        host.write32(0x60090790, 1);  // systolic0 = tile 3: LLC-coherent
        host.write32(0x60090190, 1);  // cpu0: stored, no effect
        cpu_value = host.read32(0x60090190);
        soc.set_dma_coherence("edgebert0", DmaCoherence::Recall);
        after_set = host.read32(0x60090590);
    });
    EXPECT_EQ(soc.dma_coherence("edgebert0"), DmaCoherence::Recall);
    EXPECT_EQ(soc.dma_coherence("systolic0"), DmaCoherence::Llc);
    EXPECT_EQ(after_set, 2u);
    EXPECT_EQ(cpu_value, 1u);
    soc.set_dma_coherence("edgebert0", DmaCoherence::Full);  // fully coherent: accepted
    EXPECT_EQ(soc.dma_coherence("edgebert0"), DmaCoherence::Full);
    EXPECT_EQ(soc.esp_csr()->coherence(2), DmaCoherence::Full);
    EXPECT_EQ(soc.esp_csr()->stats().callbacks, 2u);
    // The blocks sit at their tiles on the MMIO plane.
    EXPECT_GT(soc.noc.plane_stats(NocPlane::Mmio).transactions, 0u);
    EXPECT_THROW(soc.dma_coherence("cpu0"), Error);
    EXPECT_THROW(soc.set_dma_coherence("nope", DmaCoherence::None), Error);
}

TEST_F(EspCsrTest, SocHostStoreOfABadValueFails) {
    EDGEBERT_SKIP_IF_ASAN_COROUTINE_THROW();
    Soc soc("soc", epochs());
    try {
        soc.run([&](NativeHost& host) { host.write32(0x60090590, 7); });
        FAIL() << "accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("0x60090590"), std::string::npos) << e.what();
    }
    EXPECT_EQ(soc.dma_coherence("edgebert0"), DmaCoherence::Recall);
    EXPECT_NE(soc.esp_csr()->last_error().find("allowed values are 0 (none)"), std::string::npos);
}

TEST_F(EspCsrTest, DefaultSocHasNoBlockButKeepsTheModes) {
    Soc soc("soc", load_soc_config(std::string(EDGEBERT_SOURCE_DIR) + "/configs/soc/default.json"));
    EXPECT_EQ(soc.esp_csr(), nullptr);
    EXPECT_EQ(soc.dma_coherence("edgebert0"), DmaCoherence::Recall);
    soc.set_dma_coherence("edgebert0", DmaCoherence::Llc);
    EXPECT_EQ(soc.dma_coherence("edgebert0"), DmaCoherence::Llc);
    EDGEBERT_SKIP_IF_ASAN_COROUTINE_THROW();
    EXPECT_THROW(soc.run([&](NativeHost& host) { host.read32(0x60090590); }), Error);  // nothing mapped there
}
