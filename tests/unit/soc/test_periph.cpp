// SoC peripherals through their TLM sockets, driven from an SC_THREAD:
// the PLIC (ESP register offsets, edge-triggered gateways, priority /
// threshold / enable masking, claim order, completion, ext_irq level), the
// console UART and the CLINT-like timer (interrupt exactly at mtimecmp).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "common/error.hpp"
#include "hw/soc/plic.hpp"
#include "hw/soc/timer.hpp"
#include "hw/soc/uart.hpp"
#include "tests/support/sc_test.hpp"

namespace edgebert::hw {
namespace {

using sc_core::SC_NS;
using sc_core::SC_PS;
using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

class PlicTest : public edgebert::test::ScTest {};
class UartTest : public edgebert::test::ScTest {};
class TimerTest : public edgebert::test::ScTest {};

sc_time ns(double v) { return sc_time(v, SC_NS); }

template <typename F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "<no error>";
}

// A bus master running a script in an SC_THREAD.
struct Host : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<Host> socket;
    std::function<void(Host&)> script;
    bool finished = false;
    sc_time delay;  // local-time offset, accumulated by every access

    explicit Host(sc_core::sc_module_name n) : sc_core::sc_module(n), socket("socket") {
        SC_HAS_PROCESS(Host);
        SC_THREAD(run);
    }
    void run() {
        if (script) script(*this);
        finished = true;
    }

    tlm::tlm_response_status access(tlm::tlm_command cmd, uint64_t addr, void* data, unsigned len,
                                    const uint8_t* be = nullptr, unsigned be_len = 0) {
        tlm::tlm_generic_payload t;
        t.set_command(cmd);
        t.set_address(addr);
        t.set_data_ptr(static_cast<uint8_t*>(data));
        t.set_data_length(len);
        t.set_streaming_width(len);
        t.set_byte_enable_ptr(const_cast<uint8_t*>(be));
        t.set_byte_enable_length(be_len);
        t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        socket->b_transport(t, delay);
        return t.get_response_status();
    }
    uint32_t rd32(uint64_t addr) {
        uint32_t v = 0xdeadbeef;
        EXPECT_EQ(access(tlm::TLM_READ_COMMAND, addr, &v, 4), tlm::TLM_OK_RESPONSE) << std::hex << addr;
        return v;
    }
    void wr32(uint64_t addr, uint32_t v) {
        EXPECT_EQ(access(tlm::TLM_WRITE_COMMAND, addr, &v, 4), tlm::TLM_OK_RESPONSE) << std::hex << addr;
    }
    uint64_t rd64(uint64_t addr) {
        uint64_t v = 0xdeadbeef;
        EXPECT_EQ(access(tlm::TLM_READ_COMMAND, addr, &v, 8), tlm::TLM_OK_RESPONSE) << std::hex << addr;
        return v;
    }
    void wr64(uint64_t addr, uint64_t v) {
        EXPECT_EQ(access(tlm::TLM_WRITE_COMMAND, addr, &v, 8), tlm::TLM_OK_RESPONSE) << std::hex << addr;
    }
    // Synchronises the local time and lets signal updates settle (two deltas).
    void sync() {
        sc_core::wait(delay);
        delay = SC_ZERO_TIME;
        sc_core::wait(SC_ZERO_TIME);
        sc_core::wait(SC_ZERO_TIME);
    }
};

// Records every change of a boolean signal with its time.
struct Monitor : sc_core::sc_module {
    std::vector<std::pair<sc_time, bool>> changes;
    Monitor(sc_core::sc_module_name n, TraceSignal<bool>& s) : sc_core::sc_module(n) {
        sc_core::sc_spawn_options opt;
        opt.spawn_method();
        opt.set_sensitivity(&s.value_changed_event());
        opt.dont_initialize();
        sc_core::sc_spawn([this, &s] { changes.emplace_back(sc_core::sc_time_stamp(), s.read()); }, "watch", &opt);
    }
    std::vector<sc_time> rises() const {
        std::vector<sc_time> r;
        for (const auto& [t, v] : changes)
            if (v) r.push_back(t);
        return r;
    }
};

// ---------------------------------------------------------------- PLIC

constexpr uint64_t kPlic = 0x6c00'0000;  // ESP
constexpr int kTileIrq = 5;              // the EdgeBERT tile's source in ESP

uint64_t prio_reg(int id) { return kPlic + 4 * static_cast<uint64_t>(id); }
constexpr uint64_t kPending = kPlic + 0x1000;
constexpr uint64_t kEnable = kPlic + 0x2000;
constexpr uint64_t kThreshold = kPlic + 0x200000;
constexpr uint64_t kClaim = kPlic + 0x200004;

struct PlicBench {
    Plic plic;
    Host host;
    Monitor irq;
    explicit PlicBench(const PlicConfig& cfg = PlicConfig{}) : plic("plic", cfg), host("host"), irq("irq", plic.ext_irq) {
        host.socket.bind(plic.socket);
    }
    void run(std::function<void(Host&)> script) {
        host.script = std::move(script);
        sc_core::sc_start();
        ASSERT_TRUE(host.finished);
    }
};

TEST_F(PlicTest, RegistersLiveAtTheEspOffsets) {
    PlicBench b;
    b.run([&](Host& h) {
        EXPECT_EQ(b.plic.config().base, kPlic);
        // Priorities: source 5 at +0x14, masked to 3 bits; source 0 and sources
        // past num_sources read zero and ignore writes.
        h.wr32(prio_reg(kTileIrq), 6);
        EXPECT_EQ(h.rd32(prio_reg(kTileIrq)), 6u);
        h.wr32(prio_reg(kTileIrq), 0xff);
        EXPECT_EQ(h.rd32(prio_reg(kTileIrq)), 7u);
        EXPECT_EQ(b.plic.priority(kTileIrq), 7u);
        h.wr32(prio_reg(0), 3);
        EXPECT_EQ(h.rd32(prio_reg(0)), 0u);
        h.wr32(prio_reg(40), 3);
        EXPECT_EQ(h.rd32(prio_reg(40)), 0u);
        // Enables at +0x2000: bit 0 (source 0) never sets.
        h.wr32(kEnable, 0xffff'ffff);
        EXPECT_EQ(h.rd32(kEnable), 0xffff'fffeu);
        EXPECT_EQ(h.rd32(kEnable + 4), 0u);  // past the 32 sources
        h.wr32(kEnable, 1u << kTileIrq);
        EXPECT_TRUE(b.plic.enabled(kTileIrq));
        EXPECT_FALSE(b.plic.enabled(4));
        // Threshold at +0x200000, masked.
        h.wr32(kThreshold, 9);
        EXPECT_EQ(h.rd32(kThreshold), 1u);
        h.wr32(kThreshold, 0);
        // Pending at +0x1000 (read-only), claim at +0x200004.
        EXPECT_EQ(h.rd32(kPending), 0u);
        b.plic.trigger(kTileIrq);
        h.wr32(kPending, 0);  // ignored
        EXPECT_EQ(h.rd32(kPending), 1u << kTileIrq);
        EXPECT_EQ(h.rd32(kClaim), static_cast<uint32_t>(kTileIrq));
        EXPECT_EQ(h.rd32(kPending), 0u);
        h.wr32(kClaim, kTileIrq);
        EXPECT_FALSE(b.plic.in_service(kTileIrq));
        // Every access costs the access latency (1 cycle at 1 GHz).
        const sc_time before = h.delay;
        h.rd32(kThreshold);
        EXPECT_EQ(h.delay - before, ns(1));
        // Access rules.
        uint64_t wide = 0;
        uint32_t word = 0;
        const uint8_t half[4] = {0xff, 0xff, 0, 0};
        EXPECT_EQ(h.access(tlm::TLM_READ_COMMAND, kThreshold, &wide, 8), tlm::TLM_BURST_ERROR_RESPONSE);
        EXPECT_EQ(h.access(tlm::TLM_READ_COMMAND, kThreshold, &word, 2), tlm::TLM_BURST_ERROR_RESPONSE);
        EXPECT_EQ(h.access(tlm::TLM_READ_COMMAND, kThreshold + 2, &word, 4), tlm::TLM_ADDRESS_ERROR_RESPONSE);
        EXPECT_EQ(h.access(tlm::TLM_READ_COMMAND, kPlic - 4, &word, 4), tlm::TLM_ADDRESS_ERROR_RESPONSE);
        EXPECT_EQ(h.access(tlm::TLM_READ_COMMAND, kPlic + 0x4000000, &word, 4), tlm::TLM_ADDRESS_ERROR_RESPONSE);
        EXPECT_EQ(h.access(tlm::TLM_READ_COMMAND, ~0ull - 1, &word, 4), tlm::TLM_ADDRESS_ERROR_RESPONSE);
        EXPECT_EQ(h.access(tlm::TLM_WRITE_COMMAND, kThreshold, &word, 4, half, 4),
                  tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        EXPECT_EQ(h.access(tlm::TLM_READ_COMMAND, kPlic + 0x3fffffc, &word, 4), tlm::TLM_OK_RESPONSE);  // hole: 0
        EXPECT_EQ(word, 0u);
    });
    EXPECT_EQ(b.plic.stats().errors, 7u);
}

TEST_F(PlicTest, RisingEdgeSetsPendingAndDrivesExtIrq) {
    TraceSignal<bool> line("tile_irq", false);
    PlicBench b;
    b.plic.connect_source(kTileIrq, line);
    b.run([&](Host& h) {
        h.wr32(prio_reg(kTileIrq), 1);
        h.wr32(kEnable, 1u << kTileIrq);
        h.sync();
        EXPECT_FALSE(b.plic.ext_irq.read());
        sc_core::wait(ns(100) - sc_core::sc_time_stamp());
        // A 10-cycle pulse, as the tile sends.
        line.write(true);
        sc_core::wait(ns(10));
        line.write(false);
        sc_core::wait(ns(10));
        EXPECT_TRUE(b.plic.pending(kTileIrq));
        EXPECT_EQ(h.rd32(kPending), 1u << kTileIrq);
        EXPECT_TRUE(b.plic.ext_irq.read());  // level, held after the pulse ends
        // A second pulse while pending merges into the same request.
        line.write(true);
        sc_core::wait(ns(10));
        line.write(false);
        sc_core::wait(ns(10));
        EXPECT_EQ(b.plic.stats().edges, 2u);
        EXPECT_EQ(b.plic.stats().merged_edges, 1u);
        // Claiming drops the line; a level held high does not re-trigger.
        line.write(true);
        h.sync();
        EXPECT_EQ(h.rd32(kClaim), static_cast<uint32_t>(kTileIrq));
        h.sync();
        EXPECT_FALSE(b.plic.ext_irq.read());
        h.wr32(kClaim, kTileIrq);
        sc_core::wait(ns(50));
        EXPECT_FALSE(b.plic.pending(kTileIrq));
        EXPECT_FALSE(b.plic.ext_irq.read());
        line.write(false);
    });
    // ext_irq rose in the delta cycles of the first edge at 100 ns.
    ASSERT_FALSE(b.irq.rises().empty());
    EXPECT_EQ(b.irq.rises().front(), ns(100));
    EXPECT_EQ(b.plic.stats().edges, 3u);
    EXPECT_EQ(b.plic.stats().merged_edges, 2u);  // the third edge found the request still pending
}

TEST_F(PlicTest, PriorityThresholdAndEnableMask) {
    PlicBench b;
    b.run([&](Host& h) {
        auto level = [&] {
            h.sync();
            EXPECT_EQ(b.plic.ext_irq.read(), b.plic.irq_level());
            return b.plic.ext_irq.read();
        };
        b.plic.trigger(3);  // pending, priority 0, disabled
        EXPECT_FALSE(level());
        h.wr32(kEnable, 1u << 3);
        EXPECT_FALSE(level());  // priority 0 never interrupts
        EXPECT_EQ(h.rd32(kClaim), 0u);
        h.wr32(prio_reg(3), 2);
        EXPECT_TRUE(level());
        h.wr32(kThreshold, 2);  // priority must exceed the threshold
        EXPECT_FALSE(level());
        EXPECT_EQ(h.rd32(kClaim), 0u);  // nothing above the threshold to claim
        EXPECT_TRUE(b.plic.pending(3));
        h.wr32(kThreshold, 1);
        EXPECT_TRUE(level());
        h.wr32(kEnable, 0);
        EXPECT_FALSE(level());
        EXPECT_TRUE(b.plic.pending(3));  // masking keeps the request
        h.wr32(kEnable, 1u << 3);
        EXPECT_TRUE(level());
    });
    // The level followed every change: rose 3 times, fell 2 times.
    EXPECT_EQ(b.irq.rises().size(), 3u);
    EXPECT_EQ(b.irq.changes.size(), 5u);
}

TEST_F(PlicTest, ClaimOrderAndCompletion) {
    PlicBench b;
    b.run([&](Host& h) {
        const std::vector<std::pair<int, uint32_t>> prio = {{3, 2}, {5, 5}, {7, 5}, {9, 1}, {12, 7}};
        uint32_t enable = 0;
        for (auto [id, p] : prio) {
            h.wr32(prio_reg(id), p);
            enable |= 1u << id;
        }
        h.wr32(kEnable, enable & ~(1u << 12));  // 12 has the top priority but is disabled
        for (auto [id, p] : prio) b.plic.trigger(id);
        EXPECT_EQ(h.rd32(kPending), enable);
        EXPECT_EQ(b.plic.peek_claim(), 5u);
        // Highest priority first, ties to the lowest id; each claim clears its bit.
        EXPECT_EQ(h.rd32(kClaim), 5u);
        EXPECT_EQ(h.rd32(kPending), enable & ~(1u << 5));
        EXPECT_EQ(h.rd32(kClaim), 7u);
        h.sync();
        EXPECT_TRUE(b.plic.ext_irq.read());  // 3 and 9 still waiting
        EXPECT_EQ(h.rd32(kClaim), 3u);
        EXPECT_EQ(h.rd32(kClaim), 9u);
        h.sync();
        EXPECT_FALSE(b.plic.ext_irq.read());
        EXPECT_EQ(h.rd32(kClaim), 0u);
        // An edge during service is held until completion.
        b.plic.trigger(5);
        EXPECT_TRUE(b.plic.pending(5));
        EXPECT_TRUE(b.plic.in_service(5));
        h.sync();
        EXPECT_FALSE(b.plic.ext_irq.read());
        EXPECT_EQ(h.rd32(kClaim), 0u);
        h.wr32(kClaim, 5);  // complete re-arms it
        h.sync();
        EXPECT_TRUE(b.plic.ext_irq.read());
        EXPECT_EQ(h.rd32(kClaim), 5u);
        // Completing ids not in service (or out of range) is ignored.
        h.wr32(kClaim, 12);
        h.wr32(kClaim, 0);
        h.wr32(kClaim, 1000);
        for (int id : {3, 5, 7, 9}) h.wr32(kClaim, id);
        for (int id : {3, 5, 7, 9}) EXPECT_FALSE(b.plic.in_service(id)) << id;
        // Re-enabling the disabled top-priority source makes it next.
        h.wr32(kEnable, enable);
        b.plic.trigger(9);
        EXPECT_EQ(h.rd32(kClaim), 12u);
        EXPECT_EQ(h.rd32(kClaim), 9u);
    });
    const auto& s = b.plic.stats();
    EXPECT_EQ(s.claims, 7u);        // 5 7 3 9, 5 again, 12 9
    EXPECT_EQ(s.empty_claims, 2u);
    EXPECT_EQ(s.completes, 5u);
    EXPECT_EQ(s.ignored_completes, 3u);
}

TEST_F(PlicTest, GatewayLatencyDelaysPending) {
    TraceSignal<bool> a("a", false), c("c", false);
    PlicConfig cfg;
    cfg.num_sources = 64;
    cfg.gateway_latency_cycles = 3;
    PlicBench b(cfg);
    b.plic.connect_source(40, a);
    b.plic.connect_source(2, c);
    b.run([&](Host& h) {
        h.wr32(prio_reg(40), 1);
        h.wr32(prio_reg(2), 1);
        h.wr32(kEnable, 1u << 2);
        h.wr32(kEnable + 4, 1u << (40 - 32));  // source 40: word 1, bit 8
        h.sync();
        sc_core::wait(ns(20) - sc_core::sc_time_stamp());
        a.write(true);  // edge at 20 ns
        sc_core::wait(ns(1));
        c.write(true);  // edge at 21 ns
        sc_core::wait(ns(1.5));
        EXPECT_FALSE(b.plic.pending(40));  // 22.5: still in the gateway
        sc_core::wait(ns(1));
        EXPECT_TRUE(b.plic.pending(40));   // 23.5: released at 20 + 3
        EXPECT_FALSE(b.plic.pending(2));
        sc_core::wait(ns(1));
        EXPECT_TRUE(b.plic.pending(2));    // 24.5: released at 21 + 3
        EXPECT_EQ(h.rd32(kPending + 4), 1u << 8);
        EXPECT_EQ(h.rd32(kPending), 1u << 2);
        EXPECT_EQ(h.rd32(kClaim), 2u);     // equal priority: lowest id
        EXPECT_EQ(h.rd32(kClaim), 40u);
    });
    ASSERT_FALSE(b.irq.rises().empty());
    EXPECT_EQ(b.irq.rises().front(), ns(23));
}

TEST_F(PlicTest, RejectsBadConfigAndConnections) {
    PlicConfig cfg;
    cfg.num_sources = 1;
    EXPECT_EQ(error_of([&] { cfg.validate("soc.json", "plic."); }),
              "soc.json: field 'plic.num_sources' = 1 is out of range [2, 1024]");
    cfg = PlicConfig{};
    cfg.priority_bits = 0;
    EXPECT_NE(error_of([&] { Plic p("p", cfg); }).find("p: field 'priority_bits'"), std::string::npos);
    fresh_context();
    TraceSignal<bool> line("line");
    Plic plic("plic");
    EXPECT_NE(error_of([&] { plic.connect_source(0, line); }).find("source 0"), std::string::npos);
    EXPECT_NE(error_of([&] { plic.connect_source(32, line); }).find("[1, 31]"), std::string::npos);
    EXPECT_NO_THROW(plic.connect_source(kTileIrq, line));
    EXPECT_NE(error_of([&] { plic.connect_source(kTileIrq, line); }).find("already connected"), std::string::npos);
    EXPECT_NE(error_of([&] { plic.trigger(-1); }).find("out of range"), std::string::npos);
}

// ---------------------------------------------------------------- UART

constexpr uint64_t kUart = 0x6000'0100;

struct UartBench {
    Uart uart;
    Host host;
    explicit UartBench(std::ostream* echo = nullptr) : uart("uart", UartConfig{}, echo), host("host") {
        host.socket.bind(uart.socket);
    }
    void run(std::function<void(Host&)> script) {
        host.script = std::move(script);
        sc_core::sc_start();
        ASSERT_TRUE(host.finished);
    }
};

TEST_F(UartTest, OutputCapturedAndEchoedPerLine) {
    std::ostringstream echo;
    UartBench b(&echo);
    b.run([&](Host& h) {
        for (char c : std::string("Hello, ")) h.wr32(kUart, static_cast<uint8_t>(c));
        // Byte stores work too; only bits [7:0] are sent.
        for (char c : std::string("EdgeBERT\n")) {
            uint8_t byte = static_cast<uint8_t>(c);
            EXPECT_EQ(h.access(tlm::TLM_WRITE_COMMAND, kUart, &byte, 1), tlm::TLM_OK_RESPONSE);
            if (c == 'T') {
                EXPECT_EQ(echo.str(), "");  // nothing before the newline
            }
        }
        EXPECT_EQ(echo.str(), "Hello, EdgeBERT\n");
        h.wr32(kUart, 0x1234'5600u | 'o');
        h.wr32(kUart, 'k');
    });
    EXPECT_EQ(b.uart.output(), "Hello, EdgeBERT\nok");
    EXPECT_EQ(echo.str(), "Hello, EdgeBERT\n");  // the partial line waits
    b.uart.flush();
    EXPECT_EQ(echo.str(), "Hello, EdgeBERT\nok");
    EXPECT_EQ(b.uart.bytes_sent(), 18u);
    EXPECT_EQ(b.uart.take_output(), "Hello, EdgeBERT\nok");
    EXPECT_EQ(b.uart.output(), "");
}

TEST_F(UartTest, StatusRegisterAndAccessRules) {
    UartBench b;  // no echo: output() alone
    b.run([&](Host& h) {
        EXPECT_EQ(h.rd32(kUart + 4), Uart::kStatusTxReady);  // TX ready, RX empty
        EXPECT_EQ(h.rd32(kUart + 4) & Uart::kStatusRxValid, 0u);
        uint8_t byte = 0xee;
        EXPECT_EQ(h.access(tlm::TLM_READ_COMMAND, kUart + 4, &byte, 1), tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(byte, 1u);
        EXPECT_EQ(h.rd32(kUart), 0u);       // TXDATA reads zero
        h.wr32(kUart + 4, 'x');             // status ignores writes
        EXPECT_EQ(h.rd32(kUart + 0x80), 0u);  // hole
        byte = 'y';
        EXPECT_EQ(h.access(tlm::TLM_WRITE_COMMAND, kUart + 1, &byte, 1), tlm::TLM_OK_RESPONSE);  // lane 1: not data
        const sc_time before = h.delay;
        h.wr32(kUart, 'z');
        EXPECT_EQ(h.delay - before, ns(1));
        uint64_t wide = 0;
        uint16_t half = 0;
        const uint8_t off[1] = {TLM_BYTE_DISABLED};
        EXPECT_EQ(h.access(tlm::TLM_WRITE_COMMAND, kUart, &wide, 8), tlm::TLM_BURST_ERROR_RESPONSE);
        EXPECT_EQ(h.access(tlm::TLM_WRITE_COMMAND, kUart + 1, &half, 2), tlm::TLM_ADDRESS_ERROR_RESPONSE);
        EXPECT_EQ(h.access(tlm::TLM_WRITE_COMMAND, kUart + 0x100, &half, 2), tlm::TLM_ADDRESS_ERROR_RESPONSE);
        EXPECT_EQ(h.access(tlm::TLM_WRITE_COMMAND, kUart - 4, &half, 2), tlm::TLM_ADDRESS_ERROR_RESPONSE);
        EXPECT_EQ(h.access(tlm::TLM_WRITE_COMMAND, kUart, &half, 2, off, 1), tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    });
    EXPECT_EQ(b.uart.output(), "z");
}

TEST_F(UartTest, EchoCanBeRedirected) {
    // Config errors before any simulation (google/sanitizers#189: see sc_test.hpp).
    UartConfig bad;
    bad.clock_mhz = 0;
    EXPECT_NE(error_of([&] { bad.validate("soc.json", "uart."); }).find("'uart.clock_mhz' = 0"), std::string::npos);
    std::ostringstream first, second;
    UartBench b(&first);
    b.run([&](Host& h) {
        for (char c : std::string("ab")) h.wr32(kUart, static_cast<uint8_t>(c));
        b.uart.set_echo(&second);  // the partial line goes to the old stream
        for (char c : std::string("cd\n")) h.wr32(kUart, static_cast<uint8_t>(c));
    });
    EXPECT_EQ(first.str(), "ab");
    EXPECT_EQ(second.str(), "cd\n");
    EXPECT_EQ(b.uart.output(), "abcd\n");
}

// ---------------------------------------------------------------- Timer

constexpr uint64_t kClint = 0x0200'0000;
constexpr uint64_t kMtimecmp = kClint + 0x4000;
constexpr uint64_t kMtime = kClint + 0xBFF8;

struct TimerBench {
    Timer timer;
    Host host;
    Monitor irq;
    explicit TimerBench(const TimerConfig& cfg = TimerConfig{})
        : timer("clint", cfg), host("host"), irq("irq", timer.timer_irq) {
        host.socket.bind(timer.socket);
    }
    void run(std::function<void(Host&)> script) {
        host.script = std::move(script);
        sc_core::sc_start();
        ASSERT_TRUE(host.finished);
    }
};

TEST_F(TimerTest, InterruptRisesExactlyAtMtimecmp) {
    TimerBench b;  // 1 GHz: one tick per ns
    b.run([&](Host& h) {
        EXPECT_EQ(h.rd64(kMtimecmp), ~0ull);  // reset: never
        sc_core::wait(ns(100));
        h.wr64(kMtimecmp, 250);
        h.sync();
        EXPECT_FALSE(b.timer.timer_irq.read());
        sc_core::wait(ns(149) - (sc_core::sc_time_stamp() - ns(100)));  // to 249 ns
        EXPECT_FALSE(b.timer.timer_irq.read());
        sc_core::wait(ns(2));
        EXPECT_TRUE(b.timer.timer_irq.read());  // level: stays high
        sc_core::wait(ns(1000));
        EXPECT_TRUE(b.timer.timer_irq.read());
    });
    ASSERT_EQ(b.irq.rises().size(), 1u);
    EXPECT_EQ(b.irq.rises()[0], ns(250));
    EXPECT_EQ(b.irq.changes.size(), 1u);
}

TEST_F(TimerTest, OddFrequencyCrossesAtTheFirstInstantOfTheTick) {
    TimerConfig cfg;
    cfg.freq_hz = 3'000'000;  // 333333.33 ps per tick
    TimerBench b(cfg);
    const sc_time at(2333334, SC_PS);  // ceil(7 / 3 MHz) in ps
    b.run([&](Host& h) {
        h.wr32(kMtimecmp + 4, 0);  // one word at a time
        h.wr32(kMtimecmp, 7);
        sc_core::wait(ns(10000));
    });
    ASSERT_EQ(b.irq.rises().size(), 1u);
    EXPECT_EQ(b.irq.rises()[0], at);
    EXPECT_EQ(b.timer.mtime_at(at), 7u);
    EXPECT_EQ(b.timer.mtime_at(at - sc_time(1, SC_PS)), 6u);
    EXPECT_EQ(b.timer.time_of(7), at);
    EXPECT_EQ(b.timer.mtime_at(ns(10000)), 30u);
}

TEST_F(TimerTest, MtimeCountsFromSimulatedTimeAndIsWritable) {
    TimerConfig cfg;
    cfg.freq_hz = 100'000'000;  // 10 ns per tick
    TimerBench b(cfg);
    const uint64_t x = 0x1'0000'0005ull;
    b.run([&](Host& h) {
        EXPECT_EQ(h.rd64(kMtime), 0u);
        // Accesses act at the local time: sc_time_stamp() + the annotated delay.
        h.delay = ns(95);
        EXPECT_EQ(h.rd64(kMtime), 9u);
        EXPECT_EQ(h.delay, ns(96));  // + one access cycle
        h.sync();
        sc_core::wait(ns(1000) - sc_core::sc_time_stamp());
        EXPECT_EQ(h.rd32(kMtime), 100u);     // at 1000 ns
        EXPECT_EQ(h.rd32(kMtime + 4), 0u);   // at 1001 ns
        EXPECT_EQ(b.timer.mtime(), 100u);
        h.wr64(kMtime, x);                   // at 1002 ns
        h.sync();
        sc_core::wait(ns(2002) - sc_core::sc_time_stamp());
        EXPECT_EQ(b.timer.mtime(), x + 100);
        EXPECT_EQ(h.rd32(kMtime + 4), 1u);   // at 2002 ns
        h.wr32(kMtime + 4, 7);               // at 2003 ns: replaces the high word only
        EXPECT_EQ(b.timer.mtime_at(ns(2003)), 0x7'0000'0005ull + 100);
        EXPECT_EQ(h.rd64(kMtime), 0x7'0000'0005ull + 100);
        // A mtimecmp already passed raises the line at once; moving mtime
        // back below it lowers the line.
        h.wr64(kMtimecmp, 0x7'0000'0000ull);
        h.sync();
        EXPECT_TRUE(b.timer.timer_irq.read());
        h.wr64(kMtime, 0);
        h.sync();
        EXPECT_FALSE(b.timer.timer_irq.read());
        EXPECT_EQ(h.rd64(kMtimecmp), 0x7'0000'0000ull);
    });
    EXPECT_EQ(b.timer.mtimecmp(), 0x7'0000'0000ull);
}

TEST_F(TimerTest, RewritingMtimecmpReschedulesWithoutPolling) {
    TimerBench b;
    b.run([&](Host& h) {
        h.wr64(kMtimecmp, 500);
        h.sync();
        sc_core::wait(ns(100));
        h.wr64(kMtimecmp, 300);  // earlier: fires at 300, not 500
        h.sync();
        sc_core::wait(ns(400) - sc_core::sc_time_stamp());
        EXPECT_TRUE(b.timer.timer_irq.read());
        h.wr64(kMtimecmp, 700);  // later: the line falls now and rises at 700
        h.sync();
        EXPECT_FALSE(b.timer.timer_irq.read());
        sc_core::wait(ns(200));
        h.wr64(kMtimecmp, 900);  // moved again before 700
        h.sync();
        sc_core::wait(ns(1000));  // to 1602 ns
        h.wr64(kMtimecmp, ~0ull);  // never: falls
        h.sync();
        EXPECT_FALSE(b.timer.timer_irq.read());
        h.wr64(kMtimecmp, 5);  // already passed: rises at once (1603 ns)
        h.sync();
        EXPECT_TRUE(b.timer.timer_irq.read());
    });
    const auto rises = b.irq.rises();
    ASSERT_EQ(rises.size(), 3u);
    EXPECT_EQ(rises[0], ns(300));
    EXPECT_EQ(rises[1], ns(900));
    EXPECT_EQ(rises[2], ns(1603));
    EXPECT_EQ(b.irq.changes.size(), 5u);
}

TEST_F(TimerTest, MsipAndAccessRules) {
    // Config errors before any simulation (google/sanitizers#189: see sc_test.hpp).
    TimerConfig bad;
    bad.freq_hz = 0;
    EXPECT_EQ(error_of([&] { bad.validate("soc.json", "timer."); }),
              "soc.json: field 'timer.freq_hz' = 0 is out of range [1, 1000000000000]");
    TimerBench b;
    Monitor soft("soft", b.timer.soft_irq);
    b.run([&](Host& h) {
        h.wr32(kClint, 0xffff'ffff);
        EXPECT_EQ(h.rd32(kClint), 1u);
        h.sync();
        EXPECT_TRUE(b.timer.soft_irq.read());
        h.wr32(kClint, 0);
        h.sync();
        EXPECT_FALSE(b.timer.soft_irq.read());
        EXPECT_EQ(h.rd32(kClint + 0x100), 0u);  // hole
        uint32_t w = 0;
        uint16_t half = 0;
        uint64_t d = 0;
        const uint8_t partial[4] = {0xff, 0, 0xff, 0xff};
        EXPECT_EQ(h.access(tlm::TLM_READ_COMMAND, kMtime, &half, 2), tlm::TLM_BURST_ERROR_RESPONSE);
        EXPECT_EQ(h.access(tlm::TLM_READ_COMMAND, kMtime + 4, &d, 8), tlm::TLM_ADDRESS_ERROR_RESPONSE);  // misaligned
        EXPECT_EQ(h.access(tlm::TLM_READ_COMMAND, kClint + 0x10000, &w, 4), tlm::TLM_ADDRESS_ERROR_RESPONSE);
        EXPECT_EQ(h.access(tlm::TLM_READ_COMMAND, kClint - 8, &d, 8), tlm::TLM_ADDRESS_ERROR_RESPONSE);
        EXPECT_EQ(h.access(tlm::TLM_WRITE_COMMAND, kMtimecmp, &w, 4, partial, 4),
                  tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    });
    EXPECT_EQ(soft.rises().size(), 1u);
    EXPECT_EQ(b.timer.mtimecmp(), ~0ull);
}

}  // namespace
}  // namespace edgebert::hw
