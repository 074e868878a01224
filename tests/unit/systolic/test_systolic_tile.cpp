// The systolic tile through its registers with a plain memory at 0x80000000:
// results in memory equal the functional model (packed and strided operands,
// accumulate with saturation), DMA bursts and cycles follow the documented
// formulas, every error cause raises its interrupt, and the FST trace works.
#include <gtest/gtest.h>

#include <tlm_utils/simple_initiator_socket.h>

#include <climits>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include <unistd.h>

#include "common/rng.hpp"
#include "hw/mem/simple_memory.hpp"
#include "hw/systolic/functional/systolic_gemm.hpp"
#include "hw/systolic/systolic_tile.hpp"
#include "tests/support/sc_test.hpp"

using namespace edgebert;
using namespace edgebert::hw;
namespace R = edgebert::hw::systolic_regs;
using R::ErrorCause;

namespace {

constexpr uint64_t kDram = 0x80000000ull;
constexpr uint64_t kDramSize = 64ull << 20;
constexpr int kMemLatency = 20;      // cycles
constexpr double kMemBytesPerCycle = 8.0;

class Bench : public sc_core::sc_module {
public:
    Bench(sc_core::sc_module_name name, const SystolicTileConfig& cfg)
        : sc_module(name),
          tile("tile", cfg),
          mem("mem", kDram, kDramSize, tile.period() * kMemLatency, kMemBytesPerCycle, tile.period()),
          host("host") {
        host.bind(tile.cfg_socket);
        tile.axi_master.bind(mem.socket);
        SC_HAS_PROCESS(Bench);
        SC_METHOD(count_irq);
        sensitive << tile.irq.posedge_event();
        dont_initialize();
    }

    SystolicTile tile;
    SimpleMemory mem;
    tlm_utils::simple_initiator_socket<Bench> host;
    int irq_edges = 0;
    std::vector<sc_core::sc_time> irq_times;

    void run(const std::function<void()>& body) {
        bool finished = false;
        sc_core::sc_spawn([&] {
            body();
            finished = true;
        });
        sc_core::sc_start();
        ASSERT_TRUE(finished) << "bench body did not finish";
    }

    tlm::tlm_response_status access(bool write, uint64_t addr, uint32_t& v, unsigned len = 4) {
        tlm::tlm_generic_payload t;
        uint8_t buf[8] = {};
        std::memcpy(buf, &v, 4);
        sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
        t.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
        t.set_address(addr);
        t.set_data_ptr(buf);
        t.set_data_length(len);
        t.set_streaming_width(len);
        t.set_byte_enable_ptr(nullptr);
        t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        host->b_transport(t, delay);
        sc_core::wait(delay);
        std::memcpy(&v, buf, 4);
        return t.get_response_status();
    }
    void write_reg(uint32_t off, uint32_t v) { EXPECT_EQ(access(true, off, v), tlm::TLM_OK_RESPONSE) << off; }
    uint32_t read_reg(uint32_t off) {
        uint32_t v = 0;
        EXPECT_EQ(access(false, off, v), tlm::TLM_OK_RESPONSE) << off;
        return v;
    }
    // Waits for done or an error; clears done; returns ctrl.
    uint32_t wait_done() {
        for (;;) {
            const uint32_t c = tile.peek(R::kCtrl);
            if (c & (R::ctrl::kDoneBit | R::ctrl::kErrorBit)) {
                if (c & R::ctrl::kDoneBit) write_reg(R::kCtrl, R::ctrl::kDoneBit);
                return c;
            }
            sc_core::wait(tile.irq.posedge_event());
        }
    }

    void count_irq() {
        ++irq_edges;
        irq_times.push_back(sc_core::sc_time_stamp());
    }
};

struct Gemm {
    int m = 0, n = 0, k = 0;
    bool accumulate = false;
    uint64_t a = kDram, b = kDram + 0x100000, c = kDram + 0x200000;
    uint32_t lda = 0, ldb = 0, ldc = 0;   // 0: packed
};

void program(Bench& tb, const Gemm& g) {
    tb.write_reg(R::kM, static_cast<uint32_t>(g.m));
    tb.write_reg(R::kN, static_cast<uint32_t>(g.n));
    tb.write_reg(R::kK, static_cast<uint32_t>(g.k));
    tb.write_reg(R::kFlags, g.accumulate ? R::flags::kAccumulate : 0);
    tb.write_reg(R::kAddrALo, static_cast<uint32_t>(g.a));
    tb.write_reg(R::kAddrAHi, static_cast<uint32_t>(g.a >> 32));
    tb.write_reg(R::kAddrBLo, static_cast<uint32_t>(g.b));
    tb.write_reg(R::kAddrBHi, static_cast<uint32_t>(g.b >> 32));
    tb.write_reg(R::kAddrCLo, static_cast<uint32_t>(g.c));
    tb.write_reg(R::kAddrCHi, static_cast<uint32_t>(g.c >> 32));
    tb.write_reg(R::kLda, g.lda ? g.lda : static_cast<uint32_t>(g.k));
    tb.write_reg(R::kLdb, g.ldb ? g.ldb : static_cast<uint32_t>(g.n));
    tb.write_reg(R::kLdc, g.ldc ? g.ldc : static_cast<uint32_t>(g.n));
}

uint32_t cause_of(uint32_t ctrl) { return ctrl & R::ctrl::kCauseMask; }

// Operands and C_in placed in memory with the call's strides; returns the
// expected C rows (functional model) and checks them after the call.
struct Placed {
    std::vector<int8_t> a, b;     // packed
    std::vector<int32_t> c_in;    // packed
    std::vector<int32_t> expect;  // packed
};

Placed place(Bench& tb, const Gemm& g, Rng& rng, int32_t c_lo = -1000000, int32_t c_hi = 1000000) {
    Placed p;
    const size_t lda = g.lda ? g.lda : g.k, ldb = g.ldb ? g.ldb : g.n, ldc = g.ldc ? g.ldc : g.n;
    p.a.resize(static_cast<size_t>(g.m) * g.k);
    p.b.resize(static_cast<size_t>(g.k) * g.n);
    p.c_in.resize(static_cast<size_t>(g.m) * g.n);
    for (auto& x : p.a) x = static_cast<int8_t>(rng.uniform_int(-128, 127));
    for (auto& x : p.b) x = static_cast<int8_t>(rng.uniform_int(-128, 127));
    for (auto& x : p.c_in) x = static_cast<int32_t>(rng.uniform_int(c_lo, c_hi));
    for (int i = 0; i < g.m; ++i) tb.mem.write(g.a + i * lda, &p.a[i * g.k], static_cast<size_t>(g.k));
    for (int k = 0; k < g.k; ++k) tb.mem.write(g.b + k * ldb, &p.b[k * g.n], static_cast<size_t>(g.n));
    // C: every row (and the padding after it) starts as a sentinel or C_in.
    for (int i = 0; i < g.m; ++i) {
        std::vector<int32_t> row(ldc, static_cast<int32_t>(0xDEADBEEF));
        if (g.accumulate) std::copy(&p.c_in[i * g.n], &p.c_in[i * g.n] + g.n, row.begin());
        tb.mem.write(g.c + 4 * i * ldc, row.data(), 4 * ldc);
    }
    p.expect = fn::systolic_gemm(g.m, g.n, g.k, p.a, p.b, g.accumulate ? &p.c_in : nullptr);
    return p;
}

void check_result(Bench& tb, const Gemm& g, const Placed& p) {
    const size_t ldc = g.ldc ? g.ldc : g.n;
    for (int i = 0; i < g.m; ++i) {
        std::vector<int32_t> row(ldc);
        tb.mem.read(g.c + 4 * i * ldc, row.data(), 4 * ldc);
        for (int j = 0; j < g.n; ++j) ASSERT_EQ(row[j], p.expect[i * g.n + j]) << "C[" << i << "][" << j << "]";
        for (size_t j = g.n; j < ldc; ++j) ASSERT_EQ(row[j], static_cast<int32_t>(0xDEADBEEF)) << "padding " << i;
    }
}

// Cycles of one DMA phase over rows of `bytes` each, none crossing 4 KiB and
// none longer than a burst (what the default bench produces).
uint64_t dma_phase_cycles(const SystolicTileConfig& cfg, uint64_t rows, uint64_t bytes) {
    const uint64_t beats = (bytes + 7) / 8;  // memory: 8 bytes per cycle
    return static_cast<uint64_t>(cfg.dma_setup_cycles) +
           rows * (static_cast<uint64_t>(cfg.axi_burst_overhead_cycles) + kMemLatency + beats);
}

class SystolicTileTest : public edgebert::test::ScTest {};

std::string temp_path(const std::string& name) {
    return (std::filesystem::temp_directory_path() / (name + "_" + std::to_string(::getpid()))).string();
}

}  // namespace

TEST_F(SystolicTileTest, CallsThroughRegistersEqualFunctionalModel) {
    SystolicTileConfig cfg;
    Bench tb("tb", cfg);
    Rng rng(11);
    const std::vector<Gemm> calls = {
        {32, 32, 32, false}, {1, 1, 1, false}, {5, 7, 3, true}, {32, 32, 32, true}, {17, 1, 29, false}};
    tb.run([&] {
        uint64_t macs = 0, bytes = 0;
        for (const Gemm& g : calls) {
            const Placed p = place(tb, g, rng);
            program(tb, g);
            tb.write_reg(R::kCommand, R::kCmdRun);
            EXPECT_TRUE(tb.tile.peek(R::kCtrl) & R::ctrl::kBusyBit);
            const uint32_t ctrl = tb.wait_done();
            ASSERT_EQ(ctrl & R::ctrl::kErrorBit, 0u) << R::error_cause_name(static_cast<ErrorCause>(cause_of(ctrl)));
            EXPECT_FALSE(tb.tile.peek(R::kCtrl) & (R::ctrl::kBusyBit | R::ctrl::kDoneBit));  // done cleared (W1C)
            check_result(tb, g, p);

            // Cycles: DMA in + the array's closed form + DMA out, exactly.
            const auto& rec = tb.tile.last_call();
            const uint64_t in = dma_phase_cycles(cfg, g.m, g.k) +
                                (dma_phase_cycles(cfg, g.k, g.n) - cfg.dma_setup_cycles) +
                                (g.accumulate ? dma_phase_cycles(cfg, g.m, 4 * g.n) - cfg.dma_setup_cycles : 0);
            const uint64_t compute = fn::systolic_call_cycles(g.m, g.n, g.k, g.accumulate, 32).total();
            const uint64_t out = dma_phase_cycles(cfg, g.m, 4 * g.n);
            EXPECT_EQ(rec.dma_in_cycles, in);
            EXPECT_EQ(rec.compute_cycles, compute);
            EXPECT_EQ(rec.dma_out_cycles, out);
            EXPECT_EQ(rec.cycles, in + compute + out);
            EXPECT_EQ(tb.read_reg(R::kCycles), in + compute + out);
            macs += static_cast<uint64_t>(g.m) * g.n * g.k;
            bytes += static_cast<uint64_t>(g.m) * g.k + static_cast<uint64_t>(g.k) * g.n +
                     (g.accumulate ? 8u : 4u) * static_cast<uint64_t>(g.m) * g.n;
        }
        const auto& s = tb.tile.stats();
        EXPECT_EQ(s.calls, calls.size());
        EXPECT_EQ(s.macs, macs);
        EXPECT_EQ(s.bytes_moved(), bytes);
        EXPECT_EQ(s.errors, 0u);
        EXPECT_EQ(s.busy_cycles, s.dma_in_cycles + s.compute_cycles + s.dma_out_cycles);
    });
    EXPECT_EQ(tb.irq_edges, static_cast<int>(calls.size()));
    EXPECT_EQ(tb.tile.stats().irq_pulses, calls.size());
}

// Every verilated size through the tile: random calls up to the array's
// limits equal the functional model, the compute phase is the closed form of
// that size, and the array one larger than the size is refused.
class SystolicTileSizes : public edgebert::test::ScTest, public ::testing::WithParamInterface<int> {};

TEST_P(SystolicTileSizes, RandomCallsEqualFunctionalModel) {
    const int S = GetParam();
    SystolicTileConfig cfg;
    cfg.size = S;
    Bench tb("tb", cfg);
    ASSERT_EQ(tb.tile.rtl().size(), S);
    Rng rng(static_cast<uint64_t>(S));
    std::vector<Gemm> calls = {{S, S, S, false}, {S, S, S, true}, {1, S, 1, false}, {S, 1, S, true}};
    for (int r = 0; r < 4; ++r)
        calls.push_back({static_cast<int>(rng.uniform_int(1, S)), static_cast<int>(rng.uniform_int(1, S)),
                         static_cast<int>(rng.uniform_int(1, S)), r % 2 == 1});
    tb.run([&] {
        for (const Gemm& g : calls) {
            const Placed p = place(tb, g, rng, INT32_MIN, INT32_MAX);
            program(tb, g);
            tb.write_reg(R::kCommand, R::kCmdRun);
            const uint32_t ctrl = tb.wait_done();
            ASSERT_EQ(ctrl & R::ctrl::kErrorBit, 0u) << "size " << S << ": " << g.m << "x" << g.n << "x" << g.k;
            check_result(tb, g, p);
            EXPECT_EQ(tb.tile.last_call().compute_cycles,
                      fn::systolic_call_cycles(g.m, g.n, g.k, g.accumulate, S).total());
        }
        for (const Gemm& g : {Gemm{S + 1, 1, 1}, Gemm{1, S + 1, 1}, Gemm{1, 1, S + 1}}) {
            program(tb, g);
            tb.write_reg(R::kCommand, R::kCmdRun);
            EXPECT_EQ(cause_of(tb.wait_done()), static_cast<uint32_t>(ErrorCause::kBadDims)) << "size " << S;
            tb.write_reg(R::kCtrl, R::ctrl::kSoftResetBit);
        }
    });
    EXPECT_EQ(tb.tile.stats().calls, calls.size());
}

INSTANTIATE_TEST_SUITE_P(Sizes, SystolicTileSizes, ::testing::ValuesIn(kSystolicRtlSizes),
                         [](const auto& info) { return "N" + std::to_string(info.param); });

TEST_F(SystolicTileTest, StridedOperandsAndSaturatingAccumulate) {
    Bench tb("tb", SystolicTileConfig{});
    Rng rng(12);
    tb.run([&] {
        Gemm g{20, 13, 31, false};
        g.lda = 40, g.ldb = 17, g.ldc = 21;
        Placed p = place(tb, g, rng);
        program(tb, g);
        tb.write_reg(R::kCommand, R::kCmdRun);
        ASSERT_EQ(tb.wait_done() & R::ctrl::kErrorBit, 0u);
        check_result(tb, g, p);

        // Accumulate onto C_in near both limits: saturates in the tile exactly as in the model.
        Gemm s{32, 32, 32, true};
        s.lda = 33, s.ldb = 32, s.ldc = 36;
        p = place(tb, s, rng, INT32_MAX - 20000, INT32_MAX);
        program(tb, s);
        tb.write_reg(R::kCommand, R::kCmdRun);
        ASSERT_EQ(tb.wait_done() & R::ctrl::kErrorBit, 0u);
        check_result(tb, s, p);
        EXPECT_GT(std::count(p.expect.begin(), p.expect.end(), INT32_MAX), 10);

        p = place(tb, s, rng, INT32_MIN, INT32_MIN + 20000);
        tb.write_reg(R::kCommand, R::kCmdRun);
        ASSERT_EQ(tb.wait_done() & R::ctrl::kErrorBit, 0u);
        check_result(tb, s, p);
        EXPECT_GT(std::count(p.expect.begin(), p.expect.end(), INT32_MIN), 10);
    });
}

TEST_F(SystolicTileTest, BurstsSplitAtBurstLengthAnd4KiB) {
    SystolicTileConfig cfg;
    cfg.max_burst_beats = 2;  // 16-byte bursts
    Bench tb("tb", cfg);
    Rng rng(13);
    tb.run([&] {
        Gemm g{3, 32, 32, false};
        g.a = kDram + 0xFF8;  // row 0 crosses a 4 KiB boundary after 8 bytes
        g.lda = 4096;         // rows 1, 2 also start 8 bytes before a boundary
        const Placed p = place(tb, g, rng);
        program(tb, g);
        tb.write_reg(R::kCommand, R::kCmdRun);
        ASSERT_EQ(tb.wait_done() & R::ctrl::kErrorBit, 0u);
        check_result(tb, g, p);
        // A: 3 rows of 32 B = [8 | 16 | 8]; B: 32 rows of 32 B = 2 bursts; C: 3 rows of 128 B = 8 bursts.
        EXPECT_EQ(tb.tile.stats().bursts, 3u * 3 + 32u * 2 + 3u * 8);
        EXPECT_EQ(tb.mem.stats().reads, 3u * 3 + 32u * 2);
        EXPECT_EQ(tb.mem.stats().writes, 3u * 8);
    });
}

TEST_F(SystolicTileTest, UnknownCommandLatchesUntilSoftReset) {
    Bench tb("tb", SystolicTileConfig{});
    Rng rng(14);
    tb.run([&] {
        tb.write_reg(R::kCommand, 2);
        uint32_t c = tb.wait_done();
        EXPECT_EQ(cause_of(c), static_cast<uint32_t>(ErrorCause::kUnknownCommand));
        // A valid call is refused while the error is latched; the first cause stays.
        const Gemm g{4, 4, 4, false};
        const Placed p = place(tb, g, rng);
        program(tb, g);
        tb.write_reg(R::kCommand, R::kCmdRun);
        c = tb.read_reg(R::kCtrl);
        EXPECT_EQ(cause_of(c), static_cast<uint32_t>(ErrorCause::kUnknownCommand));
        EXPECT_FALSE(c & R::ctrl::kBusyBit);
        EXPECT_EQ(tb.tile.last_call().error, ErrorCause::kErrorPending);
        sc_core::wait(tb.tile.period() * 40);
        tb.write_reg(R::kCtrl, R::ctrl::kSoftResetBit);
        EXPECT_EQ(tb.read_reg(R::kCtrl), 0u);
        tb.write_reg(R::kCommand, R::kCmdRun);
        c = tb.wait_done();
        EXPECT_EQ(c & R::ctrl::kErrorBit, 0u);
        check_result(tb, g, p);
        tb.write_reg(R::kCtrl, R::ctrl::kSoftResetBit);
        tb.write_reg(R::kCommand, 0);
        EXPECT_EQ(cause_of(tb.wait_done()), static_cast<uint32_t>(ErrorCause::kUnknownCommand));
    });
    EXPECT_EQ(tb.irq_edges, 4);  // error, error during its pulse (own pulse), done, error
    EXPECT_EQ(tb.tile.stats().errors, 3u);
    EXPECT_EQ(tb.tile.stats().calls, 1u);
}

TEST_F(SystolicTileTest, BusyRefusesButTheRunningCallCompletes) {
    Bench tb("tb", SystolicTileConfig{});
    Rng rng(15);
    tb.run([&] {
        const Gemm g{32, 32, 32, false};
        const Placed p = place(tb, g, rng);
        program(tb, g);
        tb.write_reg(R::kCommand, R::kCmdRun);
        tb.write_reg(R::kCommand, R::kCmdRun);
        uint32_t c = tb.read_reg(R::kCtrl);
        EXPECT_EQ(cause_of(c), static_cast<uint32_t>(ErrorCause::kBusy));
        EXPECT_TRUE(c & R::ctrl::kBusyBit);
        while (!(tb.tile.peek(R::kCtrl) & R::ctrl::kDoneBit)) sc_core::wait(tb.tile.irq.posedge_event());
        check_result(tb, g, p);
        EXPECT_EQ(tb.tile.last_call().error, ErrorCause::kNone);
        EXPECT_EQ(tb.tile.stats().calls, 1u);
    });
    EXPECT_EQ(tb.irq_edges, 2);
}

TEST_F(SystolicTileTest, BadDimensionsAndStrides) {
    SystolicTileConfig cfg;
    cfg.size = 16;
    Bench tb("tb", cfg);
    tb.run([&] {
        struct Case {
            Gemm g;
            ErrorCause cause;
        };
        std::vector<Case> cases = {{{0, 4, 4}, ErrorCause::kBadDims},  {{4, 0, 4}, ErrorCause::kBadDims},
                                   {{4, 4, 0}, ErrorCause::kBadDims},  {{17, 4, 4}, ErrorCause::kBadDims},
                                   {{4, 17, 4}, ErrorCause::kBadDims}, {{4, 4, 17}, ErrorCause::kBadDims}};
        Gemm s{4, 4, 4};
        s.lda = 3;
        cases.push_back({s, ErrorCause::kBadStride});
        s.lda = 4, s.ldb = 3;
        cases.push_back({s, ErrorCause::kBadStride});
        s.ldb = 4, s.ldc = 3;
        cases.push_back({s, ErrorCause::kBadStride});
        for (const auto& c : cases) {
            program(tb, c.g);
            if (c.g.m == 0 || c.g.n == 0 || c.g.k == 0) {  // keep strides legal so only the dimension is wrong
                tb.write_reg(R::kLda, 64);
                tb.write_reg(R::kLdb, 64);
                tb.write_reg(R::kLdc, 64);
            }
            tb.write_reg(R::kCommand, R::kCmdRun);
            const uint32_t ctrl = tb.wait_done();
            EXPECT_EQ(cause_of(ctrl), static_cast<uint32_t>(c.cause))
                << c.g.m << "x" << c.g.n << "x" << c.g.k << " lda " << c.g.lda;
            EXPECT_FALSE(ctrl & R::ctrl::kBusyBit);
            tb.write_reg(R::kCtrl, R::ctrl::kSoftResetBit);
        }
        // The 16 x 16 tile still runs its largest call.
        Rng rng(16);
        const Gemm g{16, 16, 16, true};
        const Placed p = place(tb, g, rng);
        program(tb, g);
        tb.write_reg(R::kCommand, R::kCmdRun);
        ASSERT_EQ(tb.wait_done() & R::ctrl::kErrorBit, 0u);
        check_result(tb, g, p);
        EXPECT_EQ(tb.tile.last_call().compute_cycles, 16u + 16u + 3u * 16u);
    });
}

TEST_F(SystolicTileTest, DmaErrorsFromUnmappedAddresses) {
    Bench tb("tb", SystolicTileConfig{});
    Rng rng(17);
    tb.run([&] {
        // Operand read from an unmapped address: no compute, no write.
        Gemm g{4, 4, 4, false};
        g.b = 0x1000;
        program(tb, g);
        tb.write_reg(R::kCommand, R::kCmdRun);
        uint32_t c = tb.wait_done();
        EXPECT_EQ(cause_of(c), static_cast<uint32_t>(ErrorCause::kDmaError));
        EXPECT_EQ(tb.tile.last_call().error_addr, 0x1000u);
        EXPECT_EQ(tb.tile.last_call().compute_cycles, 0u);
        EXPECT_EQ(tb.mem.stats().writes, 0u);
        tb.write_reg(R::kCtrl, R::ctrl::kSoftResetBit);

        // Result write to an address past the end of memory.
        Gemm h{4, 4, 4, false};
        const Placed p = place(tb, h, rng);
        h.c = kDram + kDramSize - 16;  // row 0 fits, row 1 does not
        program(tb, h);
        tb.write_reg(R::kCommand, R::kCmdRun);
        c = tb.wait_done();
        EXPECT_EQ(cause_of(c), static_cast<uint32_t>(ErrorCause::kDmaError));
        EXPECT_EQ(tb.tile.last_call().error_addr, kDram + kDramSize);
        EXPECT_GT(tb.tile.last_call().compute_cycles, 0u);
        int32_t row0[4];
        tb.mem.read(h.c, row0, 16);
        for (int j = 0; j < 4; ++j) EXPECT_EQ(row0[j], p.expect[j]);
    });
    EXPECT_EQ(tb.tile.stats().calls, 0u);
    EXPECT_EQ(tb.tile.stats().errors, 2u);
    EXPECT_EQ(tb.irq_edges, 2);
}

TEST_F(SystolicTileTest, RegisterWindowRules) {
    Bench tb("tb", SystolicTileConfig{});
    tb.run([&] {
        uint32_t v = 7;
        EXPECT_EQ(tb.access(false, R::kWindowBytes, v), tlm::TLM_ADDRESS_ERROR_RESPONSE);
        EXPECT_EQ(tb.access(true, 0x1000, v), tlm::TLM_ADDRESS_ERROR_RESPONSE);
        EXPECT_EQ(tb.access(false, 0x0A, v), tlm::TLM_BURST_ERROR_RESPONSE);
        EXPECT_EQ(tb.access(true, 0x08, v, 2), tlm::TLM_BURST_ERROR_RESPONSE);
        EXPECT_EQ(tb.access(true, 0x08, v, 8), tlm::TLM_BURST_ERROR_RESPONSE);
        tb.write_reg(R::kLdc, 0x12345678);
        EXPECT_EQ(tb.read_reg(R::kLdc), 0x12345678u);
        tb.write_reg(R::kCycles, 99);
        EXPECT_EQ(tb.read_reg(R::kCycles), 0u);  // read-only
        EXPECT_EQ(tb.read_reg(R::kCommand), 0u);
        // A register access costs one tile cycle.
        const auto t0 = sc_core::sc_time_stamp();
        tb.read_reg(R::kM);
        EXPECT_EQ(sc_core::sc_time_stamp() - t0, tb.tile.period());
    });
    EXPECT_EQ(tb.irq_edges, 0);
}

TEST_F(SystolicTileTest, EventsDuringAPulseGetTheirOwnPulse) {
    SystolicTileConfig cfg;
    cfg.irq_pulse_cycles = 6;
    Bench tb("tb", cfg);
    tb.run([&] {
        tb.write_reg(R::kCommand, 9);  // unknown command: pulse
        tb.write_reg(R::kCommand, 9);  // one cycle later, refused again: queued behind the pulse
        sc_core::wait(tb.tile.period() * 40);
    });
    ASSERT_EQ(tb.irq_edges, 2);
    EXPECT_EQ(tb.irq_times[1] - tb.irq_times[0], tb.tile.period() * 7.0);  // pulse + one cycle low
    EXPECT_EQ(tb.tile.stats().irq_pulses, 2u);
    EXPECT_EQ(tb.tile.stats().errors, 2u);
    EXPECT_EQ(tb.tile.peek(R::kCtrl), static_cast<uint32_t>(ErrorCause::kUnknownCommand) | R::ctrl::kErrorBit);
}

TEST_F(SystolicTileTest, FstTraceOfTheRtl) {
    const std::string fst = temp_path("systolic_tile.fst"), vcd = temp_path("systolic_tile.vcd");
    Bench tb("tb", SystolicTileConfig{});
    tb.tile.open_fst(fst);
    Rng rng(18);
    uint64_t first = 0, cycles = 0;
    tb.run([&] {
        const Gemm g{8, 8, 8, true};
        const Placed p = place(tb, g, rng);
        program(tb, g);
        tb.write_reg(R::kCommand, R::kCmdRun);
        ASSERT_EQ(tb.wait_done() & R::ctrl::kErrorBit, 0u);
        check_result(tb, g, p);
        const auto& rec = tb.tile.last_call();
        first = tb.tile.cycle() - rec.dma_out_cycles - rec.compute_cycles - 1;  // wait_done's W1C write took a cycle
        cycles = rec.compute_cycles;
    });
    tb.tile.close_fst();
    ASSERT_TRUE(std::filesystem::exists(fst));
    EXPECT_GT(std::filesystem::file_size(fst), 0u);
    if (std::system("command -v fst2vcd >/dev/null 2>&1") != 0) {
        std::filesystem::remove(fst);
        GTEST_SKIP() << "fst2vcd (gtkwave) not installed";
    }
    ASSERT_EQ(std::system(("fst2vcd -f " + fst + " -o " + vcd + " >/dev/null 2>&1").c_str()), 0);
    std::ifstream f(vcd);
    std::stringstream ss;
    ss << f.rdbuf();
    const std::string text = ss.str();
    EXPECT_NE(text.find("pe_acc"), std::string::npos);
    EXPECT_NE(text.find("cout_wr_en"), std::string::npos);
    // The compute phase at 1 GHz: first and last clock-high dumps in simulated ps.
    EXPECT_NE(text.find("#" + std::to_string(first * 1000 + 500) + "\n"), std::string::npos) << first;
    EXPECT_NE(text.find("#" + std::to_string((first + cycles - 1) * 1000 + 500) + "\n"), std::string::npos);
    EXPECT_EQ(text.find("#" + std::to_string((first + cycles) * 1000) + "\n"), std::string::npos);
    std::filesystem::remove(fst);
    std::filesystem::remove(vcd);
}

// The AXI port moves one beat of axi_data_bits per tile cycle: against this
// bench's memory (20 cycles + 8 bytes per cycle) a 256-byte C row takes 20 + 32
// cycles through a 64- or 128-bit port, and its 64 beats through a 32-bit one.
// Only C's rows are that long (A's and B's rows of 64 int8 fit the memory's pace).
TEST_F(SystolicTileTest, PortWidthBoundsTheDmaWhenTheMemoryIsFaster) {
    auto call_cycles = [](int axi_bits) {
        fresh_context();
        SystolicTileConfig cfg;
        cfg.size = 64;
        cfg.axi_data_bits = axi_bits;
        Bench tb("tb", cfg);
        Rng rng(21);
        uint32_t cycles = 0;
        tb.run([&] {
            Gemm g{64, 64, 64, false};
            const Placed p = place(tb, g, rng);
            program(tb, g);
            tb.write_reg(R::kCommand, R::kCmdRun);
            ASSERT_EQ(tb.wait_done() & R::ctrl::kErrorBit, 0u);
            check_result(tb, g, p);
            cycles = tb.read_reg(R::kCycles);
        });
        return cycles;
    };
    const uint32_t c32 = call_cycles(32), c64 = call_cycles(64), c128 = call_cycles(128);
    const int c_row_bytes = 64 * 4;
    const int memory_paced = kMemLatency + static_cast<int>(c_row_bytes / kMemBytesPerCycle);
    EXPECT_EQ(c64, c128) << "the memory, not the port, paces 64- and 128-bit transfers";
    EXPECT_EQ(c32 - c64, static_cast<uint32_t>(64 * (c_row_bytes / 4 - memory_paced)));
}
