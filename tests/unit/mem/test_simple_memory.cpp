// SimpleMemory through its TLM socket (driven from an SC_THREAD) and its
// backdoor: data round trips, sparse allocation, the timing formula, and
// every error response.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "common/error.hpp"
#include "common/rng.hpp"
#include "hw/mem/simple_memory.hpp"
#include "tests/support/sc_test.hpp"
#include "tests/support/script_initiator.hpp"

namespace edgebert::hw {
namespace {

using sc_core::SC_NS;
using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

constexpr uint64_t KiB = 1024;
constexpr uint64_t GiB = 1024 * 1024 * KiB;

class SimpleMemoryTest : public edgebert::test::ScTest {};

using Initiator = edgebert::test::ScriptInitiator;

// Builds memory + initiator, runs the script to completion.
struct Bench {
    SimpleMemory mem;
    Initiator cpu;
    Bench(uint64_t base, uint64_t size, sc_time latency = sc_time(10, SC_NS), double bytes_per_cycle = 8.0,
          sc_time cycle = sc_time(1, SC_NS))
        : mem("mem", base, size, latency, bytes_per_cycle, cycle), cpu("cpu") {
        cpu.socket.bind(mem.socket);
    }
    void run(std::function<void(Initiator&)> script) {
        cpu.script = std::move(script);
        sc_core::sc_start();
        ASSERT_TRUE(cpu.finished);
    }
};

std::vector<uint8_t> random_bytes(Rng& rng, size_t n) {
    std::vector<uint8_t> v(n);
    for (auto& b : v) b = static_cast<uint8_t>(rng.next_u64());
    return v;
}

TEST_F(SimpleMemoryTest, RejectsBadConfig) {
    auto expect_field = [](const std::function<void()>& make, const std::string& field) {
        edgebert::test::ScTest::fresh_context();
        try {
            make();
            ADD_FAILURE() << "expected ConfigError naming " << field;
        } catch (const ConfigError& e) {
            EXPECT_NE(std::string(e.what()).find("'" + field + "'"), std::string::npos) << e.what();
        }
    };
    const sc_time ns(1, SC_NS);
    expect_field([&] { SimpleMemory m("m", 0, 0, ns, 8.0, ns); }, "size");
    expect_field([&] { SimpleMemory m("m", ~0ull - 10, 12, ns, 8.0, ns); }, "size");
    expect_field([&] { SimpleMemory m("m", 0, 4096, ns, 0.0, ns); }, "bytes_per_cycle");
    expect_field([&] { SimpleMemory m("m", 0, 4096, ns, -1.0, ns); }, "bytes_per_cycle");
    expect_field([&] { SimpleMemory m("m", 0, 4096, ns, std::nan(""), ns); }, "bytes_per_cycle");
    // The very top of the address space is fine.
    edgebert::test::ScTest::fresh_context();
    SimpleMemory top("top", ~0ull - 4095, 4096, ns, 8.0, ns);
    EXPECT_TRUE(top.contains(~0ull, 1));
    EXPECT_FALSE(top.contains(~0ull, 2));
}

TEST_F(SimpleMemoryTest, RandomRoundTripsIncludingPageCrossings) {
    const uint64_t base = 0x4000'0000;
    const uint64_t size = 256 * KiB;
    Bench b(base, size);
    std::vector<uint8_t> shadow(size, 0);
    b.run([&](Initiator& cpu) {
        Rng rng(42);
        sc_time delay;
        // A write straddling a page boundary, read back across it.
        auto straddle = random_bytes(rng, 24);
        ASSERT_EQ(cpu.write(base + 4096 - 10, straddle, delay), tlm::TLM_OK_RESPONSE);
        std::copy(straddle.begin(), straddle.end(), shadow.begin() + 4096 - 10);
        std::vector<uint8_t> back(24);
        ASSERT_EQ(cpu.read(base + 4096 - 10, back, delay), tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(back, straddle);

        for (int i = 0; i < 400; ++i) {
            const auto len = static_cast<size_t>(rng.uniform_int(1, 10000));
            const auto off = static_cast<uint64_t>(rng.uniform_int(0, static_cast<int64_t>(size - len)));
            if (rng.uniform() < 0.5) {
                auto data = random_bytes(rng, len);
                ASSERT_EQ(cpu.write(base + off, data, delay), tlm::TLM_OK_RESPONSE);
                std::copy(data.begin(), data.end(), shadow.begin() + static_cast<std::ptrdiff_t>(off));
            } else {
                std::vector<uint8_t> got(len, 0xA5);
                ASSERT_EQ(cpu.read(base + off, got, delay), tlm::TLM_OK_RESPONSE);
                ASSERT_TRUE(std::equal(got.begin(), got.end(), shadow.begin() + static_cast<std::ptrdiff_t>(off)))
                    << "read " << len << " bytes at offset " << off;
            }
            sc_core::wait(delay);  // loosely timed: synchronise every transaction
            delay = SC_ZERO_TIME;
        }
        // Debug transport sees the same contents.
        std::vector<uint8_t> dbg(5000);
        EXPECT_EQ(cpu.debug(tlm::TLM_READ_COMMAND, base + 3000, dbg.data(), 5000), 5000u);
        EXPECT_TRUE(std::equal(dbg.begin(), dbg.end(), shadow.begin() + 3000));
    });
    std::vector<uint8_t> all(size);
    b.mem.read(base, all.data(), size);
    EXPECT_EQ(all, shadow);
    EXPECT_GT(b.mem.stats().reads, 100u);
    EXPECT_GT(b.mem.stats().writes, 100u);
    EXPECT_LE(b.mem.pages_allocated(), size / SimpleMemory::kPageBytes);
}

TEST_F(SimpleMemoryTest, UntouchedMemoryReadsZeroWithoutAllocating) {
    const uint64_t base = 0x1000;
    Bench b(base, 1 * GiB);
    b.run([&](Initiator& cpu) {
        sc_time delay;
        std::vector<uint8_t> got(20000, 0xEE);
        ASSERT_EQ(cpu.read(base + 12345, got, delay), tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(got, std::vector<uint8_t>(20000, 0));
        std::vector<uint8_t> dbg(100, 0xEE);
        EXPECT_EQ(cpu.debug(tlm::TLM_READ_COMMAND, base + GiB - 100, dbg.data(), 100), 100u);
        EXPECT_EQ(dbg, std::vector<uint8_t>(100, 0));
    });
    std::vector<uint8_t> back(8192, 0xEE);
    b.mem.read(base + 500 * 1024 * KiB, back.data(), back.size());
    EXPECT_EQ(back, std::vector<uint8_t>(8192, 0));
    EXPECT_EQ(b.mem.pages_allocated(), 0u);
    EXPECT_EQ(b.mem.stats().reads, 1u);
    EXPECT_EQ(b.mem.stats().bytes_read, 20000u);
}

TEST_F(SimpleMemoryTest, LatencyPlusBandwidthAtTheBoundaries) {
    // 10 ns + ceil(len / 8) * 2 ns.
    Bench b(0, 64 * KiB, sc_time(10, SC_NS), 8.0, sc_time(2, SC_NS));
    b.run([&](Initiator& cpu) {
        std::vector<uint8_t> buf(64);
        auto cost = [&](tlm::tlm_command cmd, unsigned len) {
            sc_time delay;
            EXPECT_EQ(cpu.transport(cmd, 128, buf.data(), len, delay), tlm::TLM_OK_RESPONSE) << len;
            return delay;
        };
        for (auto cmd : {tlm::TLM_READ_COMMAND, tlm::TLM_WRITE_COMMAND}) {
            EXPECT_EQ(cost(cmd, 0), sc_time(10, SC_NS));  // zero length: the latency alone
            EXPECT_EQ(cost(cmd, 1), sc_time(12, SC_NS));
            EXPECT_EQ(cost(cmd, 7), sc_time(12, SC_NS));
            EXPECT_EQ(cost(cmd, 8), sc_time(12, SC_NS));
            EXPECT_EQ(cost(cmd, 9), sc_time(14, SC_NS));
            EXPECT_EQ(cost(cmd, 16), sc_time(14, SC_NS));
            EXPECT_EQ(cost(cmd, 17), sc_time(16, SC_NS));
            EXPECT_EQ(cost(cmd, 64), sc_time(26, SC_NS));
        }
        // The delay accumulates onto what the initiator passes in, and the
        // memory itself never advances simulated time.
        sc_time delay(5, SC_NS);
        ASSERT_EQ(cpu.transport(tlm::TLM_READ_COMMAND, 0, buf.data(), 9, delay), tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(delay, sc_time(19, SC_NS));
        EXPECT_EQ(sc_core::sc_time_stamp(), SC_ZERO_TIME);
    });
    EXPECT_EQ(b.mem.access_delay(0), sc_time(10, SC_NS));
    EXPECT_EQ(b.mem.access_delay(8), sc_time(12, SC_NS));
    EXPECT_EQ(b.mem.access_delay(9), sc_time(14, SC_NS));
}

TEST_F(SimpleMemoryTest, FractionalBandwidthRoundsUpExactly) {
    const sc_time ns(1, SC_NS);
    SimpleMemory tenth("tenth", 0, 4096, SC_ZERO_TIME, 0.1, ns);
    EXPECT_EQ(tenth.access_delay(3), 30 * ns);  // 3 / 0.1 is 30.000000000000004 in binary
    EXPECT_EQ(tenth.access_delay(1), 10 * ns);
    SimpleMemory odd("odd", 0, 4096, sc_time(1, SC_NS), 1.5, ns);
    EXPECT_EQ(odd.access_delay(3), 3 * ns);  // 1 + 2 cycles
    EXPECT_EQ(odd.access_delay(4), 4 * ns);  // 1 + ceil(2.67)
    SimpleMemory wide("wide", 0, 4096, SC_ZERO_TIME, 64.0, sc_time(500, sc_core::SC_PS));
    EXPECT_EQ(wide.access_delay(4096), 32 * ns);
    EXPECT_EQ(wide.access_delay(4097), sc_time(32.5, SC_NS));
}

TEST_F(SimpleMemoryTest, UnmappedAddressesAreErrorsWithoutSideEffects) {
    const uint64_t base = 0x8000'0000;
    const uint64_t size = 64 * KiB;
    const uint64_t end = base + size;
    Bench b(base, size);
    std::vector<uint8_t> pattern(size);
    for (size_t i = 0; i < size; ++i) pattern[i] = static_cast<uint8_t>(i * 7 + 3);
    b.mem.write(base, pattern.data(), size);
    const auto pages = b.mem.pages_allocated();
    b.run([&](Initiator& cpu) {
        std::vector<uint8_t> buf(64, 0x5A);
        struct Case {
            uint64_t addr;
            unsigned len;
        };
        const Case cases[] = {
            {base - 1, 1},         // just below
            {base - 4, 8},         // straddling the start
            {0, 4},                // far below
            {end, 1},              // first byte above
            {end, 0},              // zero length just above the window
            {end - 4, 8},          // straddling the end
            {end + 4096, 16},      // far above
            {~0ull - 3, 16},       // address + length overflows 64 bits
        };
        for (auto cmd : {tlm::TLM_READ_COMMAND, tlm::TLM_WRITE_COMMAND}) {
            for (const auto& c : cases) {
                sc_time delay(3, SC_NS);
                EXPECT_EQ(cpu.transport(cmd, c.addr, buf.data(), c.len, delay), tlm::TLM_ADDRESS_ERROR_RESPONSE)
                    << std::hex << c.addr << " + " << std::dec << c.len;
                EXPECT_EQ(delay, sc_time(3, SC_NS));
            }
            // A length far beyond the window: rejected before the (small) buffer is touched.
            sc_time delay;
            EXPECT_EQ(cpu.transport(cmd, base, buf.data(), std::numeric_limits<unsigned>::max(), delay),
                      tlm::TLM_ADDRESS_ERROR_RESPONSE);
            EXPECT_EQ(cpu.transport(cmd, end - 8, buf.data(), std::numeric_limits<unsigned>::max(), delay),
                      tlm::TLM_ADDRESS_ERROR_RESPONSE);
        }
        EXPECT_EQ(buf, std::vector<uint8_t>(64, 0x5A));  // reads delivered nothing
        // Debug transport: nothing outside, truncated at the end.
        EXPECT_EQ(cpu.debug(tlm::TLM_WRITE_COMMAND, end, buf.data(), 8), 0u);
        EXPECT_EQ(cpu.debug(tlm::TLM_READ_COMMAND, base - 8, buf.data(), 8), 0u);
        EXPECT_EQ(cpu.debug(tlm::TLM_READ_COMMAND, end - 4, buf.data(), 8), 4u);
        EXPECT_TRUE(std::equal(buf.begin(), buf.begin() + 4, pattern.end() - 4));
    });
    std::vector<uint8_t> after(size);
    b.mem.read(base, after.data(), size);
    EXPECT_EQ(after, pattern);
    EXPECT_EQ(b.mem.pages_allocated(), pages);
    EXPECT_EQ(b.mem.stats().reads, 0u);
    EXPECT_EQ(b.mem.stats().writes, 0u);
}

TEST_F(SimpleMemoryTest, ZeroLengthAtMappedAddressIsLegal) {
    Bench b(0x100, 4096);
    b.run([&](Initiator& cpu) {
        sc_time delay;
        EXPECT_EQ(cpu.transport(tlm::TLM_WRITE_COMMAND, 0x100 + 4095, nullptr, 0, delay), tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(delay, sc_time(10, SC_NS));
    });
    EXPECT_EQ(b.mem.pages_allocated(), 0u);
    EXPECT_EQ(b.mem.stats().writes, 1u);
    EXPECT_EQ(b.mem.stats().bytes_written, 0u);
}

TEST_F(SimpleMemoryTest, ByteEnablesSelectBytes) {
    const uint64_t base = 0x2000;
    Bench b(base, 64 * KiB);
    const std::vector<uint8_t> old(16, 0x11);
    b.mem.write(base, old.data(), old.size());
    b.run([&](Initiator& cpu) {
        const uint8_t every_other[2] = {TLM_BYTE_ENABLED, TLM_BYTE_DISABLED};
        std::vector<uint8_t> data(16);
        for (int i = 0; i < 16; ++i) data[i] = static_cast<uint8_t>(0xA0 + i);
        sc_time delay;
        Initiator::Options opt;
        opt.byte_enable = every_other;
        opt.byte_enable_length = 2;
        ASSERT_EQ(cpu.transport(tlm::TLM_WRITE_COMMAND, base, data.data(), 16, delay, opt), tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(delay, sc_time(12, SC_NS));  // enables do not change the cost

        // Reads with enables leave the disabled bytes of the buffer alone.
        const uint8_t upper_half[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
        std::vector<uint8_t> got(16, 0xEE);
        opt.byte_enable = upper_half;
        opt.byte_enable_length = 16;
        ASSERT_EQ(cpu.transport(tlm::TLM_READ_COMMAND, base, got.data(), 16, delay, opt), tlm::TLM_OK_RESPONSE);
        for (int i = 0; i < 8; ++i) EXPECT_EQ(got[i], 0xEE) << i;
        for (int i = 8; i < 16; ++i) EXPECT_EQ(got[i], i % 2 ? 0x11 : 0xA0 + i) << i;

        // A write whose enables are all off in an untouched page allocates nothing.
        const uint8_t none[1] = {TLM_BYTE_DISABLED};
        opt.byte_enable = none;
        opt.byte_enable_length = 1;
        ASSERT_EQ(cpu.transport(tlm::TLM_WRITE_COMMAND, base + 8192, data.data(), 16, delay, opt),
                  tlm::TLM_OK_RESPONSE);

        // An enable pointer with zero length is malformed.
        opt.byte_enable_length = 0;
        EXPECT_EQ(cpu.transport(tlm::TLM_WRITE_COMMAND, base, data.data(), 16, delay, opt),
                  tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    });
    std::vector<uint8_t> now(16);
    b.mem.read(base, now.data(), 16);
    for (int i = 0; i < 16; ++i) EXPECT_EQ(now[i], i % 2 ? 0x11 : 0xA0 + i) << i;
    EXPECT_EQ(b.mem.pages_allocated(), 1u);
}

TEST_F(SimpleMemoryTest, StreamingWidthBelowLengthIsBurstError) {
    Bench b(0, 4096);
    b.run([&](Initiator& cpu) {
        std::vector<uint8_t> data(16, 0x77);
        sc_time delay;
        Initiator::Options opt;
        opt.streaming_width = 4;
        EXPECT_EQ(cpu.transport(tlm::TLM_WRITE_COMMAND, 0, data.data(), 16, delay, opt),
                  tlm::TLM_BURST_ERROR_RESPONSE);
        EXPECT_EQ(delay, SC_ZERO_TIME);
        opt.streaming_width = 32;  // wider than the transfer: an ordinary burst
        EXPECT_EQ(cpu.transport(tlm::TLM_WRITE_COMMAND, 0, data.data(), 16, delay, opt), tlm::TLM_OK_RESPONSE);
    });
    EXPECT_EQ(b.mem.stats().writes, 1u);
}

TEST_F(SimpleMemoryTest, IgnoreCommandIsOkWithNoEffect) {
    Bench b(0, 4096);
    b.run([&](Initiator& cpu) {
        std::vector<uint8_t> data(16, 0x77);
        sc_time delay;
        EXPECT_EQ(cpu.transport(tlm::TLM_IGNORE_COMMAND, 0, data.data(), 16, delay), tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(delay, SC_ZERO_TIME);
        EXPECT_EQ(data, std::vector<uint8_t>(16, 0x77));
    });
    EXPECT_EQ(b.mem.pages_allocated(), 0u);
    EXPECT_EQ(b.mem.stats().reads + b.mem.stats().writes, 0u);
}

TEST_F(SimpleMemoryTest, BackdoorRejectsOutOfWindowNamingAddressAndWindow) {
    SimpleMemory mem("mem", 0x1000, 0x1000, SC_ZERO_TIME, 4.0, sc_time(1, SC_NS));
    uint8_t buf[32] = {};
    auto expect_error = [&](const std::function<void()>& f, const std::string& addr_hex) {
        try {
            f();
            ADD_FAILURE() << "expected Error for " << addr_hex;
        } catch (const Error& e) {
            const std::string msg = e.what();
            EXPECT_NE(msg.find(addr_hex), std::string::npos) << msg;
            EXPECT_NE(msg.find("[0x1000, 0x1fff]"), std::string::npos) << msg;
        }
    };
    expect_error([&] { mem.write(0xfff, buf, 1); }, "0xfff");
    expect_error([&] { mem.write(0x1ff0, buf, 32); }, "0x1ff0");
    expect_error([&] { mem.read(0x2000, buf, 1); }, "0x2000");
    expect_error([&] { mem.read(~0ull - 7, buf, 32); }, "0xfffffffffffffff8");
    EXPECT_NO_THROW(mem.write(0x1fe0, buf, 32));
    EXPECT_NO_THROW(mem.read(0x1000, buf, 32));
    EXPECT_EQ(mem.pages_allocated(), 1u);
    // Backdoor traffic is not socket traffic.
    EXPECT_EQ(mem.stats().writes, 0u);
    EXPECT_EQ(mem.stats().reads, 0u);
}

TEST_F(SimpleMemoryTest, FourGiBWindowCostsOnlyTheTouchedPages) {
    const uint64_t base = 0x1'0000'0000;
    const uint64_t size = 4 * GiB;
    Bench b(base, size);
    b.run([&](Initiator& cpu) {
        sc_time delay;
        ASSERT_EQ(cpu.write(base, {1, 2, 3, 4, 5, 6, 7, 8}, delay), tlm::TLM_OK_RESPONSE);
        // Crosses from one page into the next: two pages.
        ASSERT_EQ(cpu.write(base + 2 * GiB + 4092, {9, 9, 9, 9, 9, 9, 9, 9}, delay), tlm::TLM_OK_RESPONSE);
        ASSERT_EQ(cpu.write(base + size - 1, {0x42}, delay), tlm::TLM_OK_RESPONSE);
        std::vector<uint8_t> last(1);
        ASSERT_EQ(cpu.read(base + size - 1, last, delay), tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(last[0], 0x42);
        std::vector<uint8_t> big(1024 * KiB, 0xEE);
        ASSERT_EQ(cpu.read(base + GiB, big, delay), tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(big, std::vector<uint8_t>(big.size(), 0));
        std::vector<uint8_t> out_of_window(1);
        EXPECT_EQ(cpu.read(base + size, out_of_window, delay), tlm::TLM_ADDRESS_ERROR_RESPONSE);
    });
    EXPECT_EQ(b.mem.pages_allocated(), 4u);
    uint8_t cross[8];
    b.mem.read(base + 2 * GiB + 4092, cross, 8);
    for (uint8_t c : cross) EXPECT_EQ(c, 9);
    const auto& s = b.mem.stats();
    EXPECT_EQ(s.writes, 3u);
    EXPECT_EQ(s.bytes_written, 17u);
    EXPECT_EQ(s.reads, 2u);
    EXPECT_EQ(s.bytes_read, 1 + 1024 * KiB);
}

}  // namespace
}  // namespace edgebert::hw
