// Dram: the row-buffer timing formula at its boundaries (hit, miss, conflict,
// row crossings, rounding of the transfer), the shared data bus between two
// initiators, data round trips, sparse storage, every error path, the config
// validation and the statistics dump.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "common/error.hpp"
#include "common/json_reader.hpp"
#include "common/rng.hpp"
#include "hw/mem/dram.hpp"
#include "tests/support/sc_test.hpp"
#include "tests/support/script_initiator.hpp"

namespace edgebert::hw {
namespace {

using sc_core::SC_NS;
using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

constexpr uint64_t KiB = 1024;
constexpr uint64_t GiB = 1024 * 1024 * KiB;

class DramTest : public edgebert::test::ScTest {};

// Defaults: 1 GHz (1 ns cycles), tRCD = tCAS = tRP = 14, controller 10,
// 16 B/cycle, 2 KiB rows, 8 banks, one channel.
//   hit      = 10 + 14            + ceil(len / 16)
//   miss     = 10 + 14 + 14       + ceil(len / 16)
//   conflict = 10 + 14 + 14 + 14  + ceil(len / 16)
constexpr uint64_t kBase = 0x8000'0000;
constexpr uint64_t kRow = 2048;
constexpr uint64_t kBankStride = kRow;          // next bank, same row
constexpr uint64_t kRowStride = kRow * 8;       // same bank, next row

sc_time ns(double v) { return sc_time(v, SC_NS); }

using Cpu = edgebert::test::ScriptInitiator;
using Options = Cpu::Options;

// Two initiators onto one target port (a minimal interconnect).
struct Funnel : sc_core::sc_module {
    tlm_utils::simple_target_socket_tagged<Funnel> in0, in1;
    tlm_utils::simple_initiator_socket<Funnel> out;
    explicit Funnel(sc_core::sc_module_name n) : sc_core::sc_module(n), in0("in0"), in1("in1"), out("out") {
        in0.register_b_transport(this, &Funnel::forward, 0);
        in1.register_b_transport(this, &Funnel::forward, 1);
    }
    void forward(int, tlm::tlm_generic_payload& t, sc_time& delay) { out->b_transport(t, delay); }
};

struct Bench {
    Dram mem;
    Cpu cpu;
    explicit Bench(const DramConfig& cfg = DramConfig{}) : mem("dram", cfg), cpu("cpu") { cpu.socket.bind(mem.socket); }
    void run(std::function<void(Cpu&)> script) {
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

template <typename F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "<no error>";
}

TEST_F(DramTest, ValidatesConfigNamingFieldAndRange) {
    auto msg = [](DramConfig c) { return error_of([&] { c.validate("soc.json", "dram."); }); };
    DramConfig c;
    EXPECT_NO_THROW(c.validate("soc.json"));
    c.t_rcd = -1;
    EXPECT_EQ(msg(c), "soc.json: field 'dram.t_rcd' = -1 is out of range [0, 1000]");
    c = DramConfig{};
    c.size = 0;
    EXPECT_NE(msg(c).find("'dram.size'"), std::string::npos);
    c = DramConfig{};
    c.base = ~0ull - 100;
    EXPECT_NE(msg(c).find("'dram.size'"), std::string::npos);
    c = DramConfig{};
    c.row_bytes = 3000;
    EXPECT_NE(msg(c).find("'dram.row_bytes' = 3000 must be a power of two"), std::string::npos);
    c = DramConfig{};
    c.burst_bytes = 4096;
    EXPECT_NE(msg(c).find("'dram.burst_bytes' = 4096 is out of range [1, 2048]"), std::string::npos);
    c = DramConfig{};
    c.bytes_per_cycle = 0;
    EXPECT_NE(msg(c).find("'dram.bytes_per_cycle'"), std::string::npos);
    c = DramConfig{};
    c.clock_mhz = std::numeric_limits<double>::infinity();
    EXPECT_NE(msg(c).find("'dram.clock_mhz'"), std::string::npos);
    c = DramConfig{};
    c.banks = 0;
    EXPECT_NE(msg(c).find("'dram.banks' = 0 is out of range [1, 256]"), std::string::npos);
    // The module validates too, naming itself as the origin.
    c = DramConfig{};
    c.channels = 65;
    EXPECT_NE(error_of([&] { Dram d("ddr", c); }).find("ddr: field 'channels'"), std::string::npos);
}

TEST_F(DramTest, ParsesJsonRejectingUnknownKeys) {
    const auto root = parse_json_text(
        R"({"dram": {"base": 1073741824, "size": 65536, "banks": 4, "t_cas": 11, "bytes_per_cycle": 8.5}})",
        "soc.json");
    const JsonReader r(root, "soc.json");
    const DramConfig c = parse_dram_config(r.child("dram"));
    EXPECT_EQ(c.base, 0x4000'0000u);
    EXPECT_EQ(c.size, 65536u);
    EXPECT_EQ(c.banks, 4);
    EXPECT_EQ(c.t_cas, 11);
    EXPECT_EQ(c.t_rcd, 14);  // default kept
    EXPECT_EQ(c.bytes_per_cycle, 8.5);

    auto parse = [](const std::string& text) {
        return error_of([&] {
            const auto v = parse_json_text(text, "soc.json");
            parse_dram_config(JsonReader(v, "soc.json").child("dram"));
        });
    };
    EXPECT_NE(parse(R"({"dram": {"t_rdc": 3}})").find("unknown field 'dram.t_rdc'"), std::string::npos);
    EXPECT_EQ(parse(R"({"dram": {"banks": 1000}})"), "soc.json: field 'dram.banks' = 1000 is out of range [1, 256]");
    EXPECT_EQ(parse(R"({"dram": {"row_bytes": 1000}})"), "soc.json: field 'dram.row_bytes' = 1000 must be a power of two");
    EXPECT_NE(parse(R"({"dram": {"size": 0}})").find("'dram.size'"), std::string::npos);
}

TEST_F(DramTest, AddressMappingIsRowBankChannelColumn) {
    DramConfig cfg;
    cfg.channels = 2;
    cfg.banks = 4;
    cfg.row_bytes = 1024;
    Dram d("dram", cfg);
    auto at = [&](uint64_t off) { return d.map(kBase + off); };
    EXPECT_EQ(at(0).channel, 0);
    EXPECT_EQ(at(1023).column, 1023u);
    EXPECT_EQ(at(1023).channel, 0);
    EXPECT_EQ(at(1024).channel, 1);  // next row-sized chunk: next channel
    EXPECT_EQ(at(1024).bank, 0);
    EXPECT_EQ(at(2048).channel, 0);  // then next bank
    EXPECT_EQ(at(2048).bank, 1);
    EXPECT_EQ(at(2048 * 4 - 1).bank, 3);
    EXPECT_EQ(at(2048 * 4 - 1).channel, 1);
    EXPECT_EQ(at(2048 * 4 - 1).row, 0u);
    const auto l = at(2048 * 4 * 5 + 1024 * 3 + 17);  // row 5, chunk 3 -> channel 1, bank 1
    EXPECT_EQ(l.row, 5u);
    EXPECT_EQ(l.bank, 1);
    EXPECT_EQ(l.channel, 1);
    EXPECT_EQ(l.column, 17u);
    EXPECT_NE(error_of([&] { d.map(kBase - 1); }).find("0x7fffffff"), std::string::npos);
}

TEST_F(DramTest, RowHitMissConflictExactlyPerFormula) {
    Dram d("dram", DramConfig{});
    // Starts far apart so the data bus never queues.
    EXPECT_EQ(d.open_row(0, 0), -1);
    EXPECT_EQ(d.access_delay(kBase, 64, ns(0)), ns(10 + 28 + 4));            // closed bank
    EXPECT_EQ(d.open_row(0, 0), 0);
    EXPECT_EQ(d.access_delay(kBase + 64, 64, ns(1000)), ns(10 + 14 + 4));    // row hit
    EXPECT_EQ(d.access_delay(kBase + kRowStride, 64, ns(2000)), ns(10 + 42 + 4));  // conflict
    EXPECT_EQ(d.open_row(0, 0), 1);
    EXPECT_EQ(d.access_delay(kBase + kBankStride, 64, ns(3000)), ns(10 + 28 + 4));  // other bank: closed
    EXPECT_EQ(d.access_delay(kBase, 64, ns(4000)), ns(10 + 42 + 4));         // bank 0 now holds row 1
    EXPECT_EQ(d.access_delay(kBase + kBankStride + 2047, 1, ns(5000)), ns(10 + 14 + 1));  // bank 1 still open
    const auto& s = d.stats();
    EXPECT_EQ(s.row_hits, 2u);
    EXPECT_EQ(s.row_misses, 2u);
    EXPECT_EQ(s.row_conflicts, 2u);
    EXPECT_EQ(s.busy_cycles, 4u * 5 + 1);
    EXPECT_EQ(s.bus_wait, SC_ZERO_TIME);
    // Zero length: the controller alone, no row opened or closed.
    EXPECT_EQ(d.access_delay(kBase + 5 * kRowStride, 0, ns(6000)), ns(10));
    EXPECT_EQ(d.open_row(0, 0), 0);
    // reset_timing closes everything.
    d.reset_timing();
    EXPECT_EQ(d.open_row(0, 1), -1);
    EXPECT_EQ(d.access_delay(kBase, 64, ns(7000)), ns(42));
}

TEST_F(DramTest, AccessCrossingRowsPaysEveryRow) {
    Dram d("dram", DramConfig{});
    // 128 bytes from 64 before the end of (bank 0, row 0) into (bank 1, row 0):
    // two closed banks, one controller latency, one transfer of 8 cycles.
    EXPECT_EQ(d.access_delay(kBase + kRow - 64, 128, ns(0)), ns(10 + 28 + 28 + 8));
    EXPECT_EQ(d.access_delay(kBase + kRow - 64, 128, ns(1000)), ns(10 + 14 + 14 + 8));  // both hits
    // From the last bank's row 0 into bank 0's row 1 (bank 0 holds row 0): miss + conflict.
    EXPECT_EQ(d.access_delay(kBase + kRowStride - 16, 32, ns(2000)), ns(10 + 28 + 42 + 2));
    EXPECT_EQ(d.open_row(0, 7), 0);
    EXPECT_EQ(d.open_row(0, 0), 1);
    // A whole row exactly: one row, 2048 / 16 = 128 cycles.
    EXPECT_EQ(d.access_delay(kBase + 3 * kBankStride, kRow, ns(3000)), ns(10 + 28 + 128));
    // Row 2 of banks 4..7 in full: banks 4-6 closed, bank 7 holds row 0; one
    // transfer of 4 x 2048 / 16 = 512 cycles.
    EXPECT_EQ(d.access_delay(kBase + 2 * kRowStride + 4 * kBankStride, 4 * kRow, ns(4000)),
              ns(10 + 3 * 28 + 42 + 512));
    // Column accesses counted in 64-byte bursts: 2 + 2 + 2 + 32 + 128 (each
    // row-straddling access touches one burst on either side).
    EXPECT_EQ(d.stats().column_accesses, 2u + 2u + 2u + 32u + 128u);
}

TEST_F(DramTest, TransferRoundsUpForLengthsNotMultipleOfBytesPerCycle) {
    Dram d("dram", DramConfig{});
    d.access_delay(kBase, 1, ns(0));  // open row 0 of bank 0
    const sc_time hit = ns(10 + 14);
    uint64_t t = 1000;
    auto cost = [&](size_t len) {
        t += 1000;
        return d.access_delay(kBase + 100, len, ns(static_cast<double>(t))) - hit;
    };
    EXPECT_EQ(cost(1), ns(1));
    EXPECT_EQ(cost(15), ns(1));
    EXPECT_EQ(cost(16), ns(1));
    EXPECT_EQ(cost(17), ns(2));
    EXPECT_EQ(cost(33), ns(3));
    EXPECT_EQ(cost(1000), ns(63));  // 62.5 -> 63

    // A fractional bandwidth and a 1.25 ns clock (800 MHz).
    DramConfig cfg;
    cfg.bytes_per_cycle = 2.5;
    cfg.clock_mhz = 800;
    Dram e("slow", cfg);
    EXPECT_EQ(e.cycle(), sc_time(1250, sc_core::SC_PS));
    EXPECT_EQ(e.access_delay(kBase, 5, ns(0)), e.cycle() * 40.0);    // 10 + 28 + 2
    EXPECT_EQ(e.access_delay(kBase, 6, ns(1000)), e.cycle() * 27.0);  // 10 + 14 + ceil(2.4)
    DramConfig tenth;
    tenth.bytes_per_cycle = 0.1;
    Dram f("tenth", tenth);
    EXPECT_EQ(f.access_delay(kBase, 3, ns(0)), ns(10 + 28 + 30));  // 3 / 0.1 is 30.000000000000004
}

TEST_F(DramTest, DataBusQueuesBackToBackTransfersOfTwoInitiators) {
    Dram mem("dram", DramConfig{});
    Funnel bus("bus");
    Cpu a("a"), b("b");
    a.socket.bind(bus.in0);
    b.socket.bind(bus.in1);
    bus.out.bind(mem.socket);
    std::vector<sc_time> first_delays;
    sc_time a_second, b_second;
    auto script = [&](uint64_t bank, sc_time* second) {
        return [&first_delays, bank, second](Cpu& cpu) {
            std::vector<uint8_t> buf(1024);
            sc_time delay;
            ASSERT_EQ(cpu.read(kBase + bank * kBankStride, buf, delay), tlm::TLM_OK_RESPONSE);
            first_delays.push_back(delay);
            sc_core::wait(sc_time(500, SC_NS));
            // A local-time offset: the transaction starts at 500 + 7 ns, both row hits.
            sc_time local(7, SC_NS);
            ASSERT_EQ(cpu.read(kBase + bank * kBankStride + 1024, buf, local), tlm::TLM_OK_RESPONSE);
            *second = local;
        };
    };
    a.script = script(0, &a_second);
    b.script = script(1, &b_second);
    sc_core::sc_start();
    ASSERT_TRUE(a.finished && b.finished);
    // Both at time 0 on different banks: data ready at 10 + 28 = 38 ns; the
    // first moves 1024 B in 64 cycles (done at 102), the second queues behind
    // it (102 .. 166), whichever process ran first.
    std::sort(first_delays.begin(), first_delays.end());
    ASSERT_EQ(first_delays.size(), 2u);
    EXPECT_EQ(first_delays[0], ns(102));
    EXPECT_EQ(first_delays[1], ns(166));
    // At 507 ns: both rows open (hits), ready at 531; transfers 531..595 and 595..659,
    // returned as local delay 7 + (595 - 507) and 7 + (659 - 507).
    std::vector<sc_time> second{a_second, b_second};
    std::sort(second.begin(), second.end());
    EXPECT_EQ(second[0], ns(7 + 88));
    EXPECT_EQ(second[1], ns(7 + 152));
    EXPECT_EQ(mem.bus_busy_until(), ns(659));
    EXPECT_EQ(mem.stats().bus_wait, ns(128));
    EXPECT_EQ(mem.stats().busy_cycles, 256u);
    EXPECT_EQ(mem.stats().row_hits, 2u);
    EXPECT_EQ(mem.stats().row_misses, 2u);

    // Channels have separate buses: two channels do not queue on each other.
    edgebert::test::ScTest::fresh_context();
    DramConfig two;
    two.channels = 2;
    Dram d("two", two);
    EXPECT_EQ(d.access_delay(kBase, 1024, ns(0)), ns(102));
    EXPECT_EQ(d.access_delay(kBase + kRow, 1024, ns(0)), ns(102));  // channel 1
    EXPECT_EQ(d.access_delay(kBase + 2 * kRow, 1024, ns(0)), ns(166));  // channel 0 again
    // Two rows on the two channels (bank 0, row 4; row 0 open in both): the
    // channels work in parallel, each a conflict and 2048 B.
    EXPECT_EQ(d.access_delay(kBase + 64 * kRow, 2 * kRow, ns(1000)), ns(10 + 42 + 128));
}

TEST_F(DramTest, RandomDataRoundTripThroughSocketAndBackdoor) {
    DramConfig cfg;
    cfg.size = 256 * KiB;
    Bench bench(cfg);
    std::vector<uint8_t> shadow(cfg.size, 0);
    bench.run([&](Cpu& cpu) {
        Rng rng(7);
        for (int i = 0; i < 400; ++i) {
            sc_time delay;
            const auto len = static_cast<size_t>(rng.uniform_int(1, 9000));
            const auto off = static_cast<uint64_t>(rng.uniform_int(0, static_cast<int64_t>(cfg.size - len)));
            if (rng.uniform() < 0.5) {
                auto data = random_bytes(rng, len);
                ASSERT_EQ(cpu.write(kBase + off, data, delay), tlm::TLM_OK_RESPONSE);
                std::copy(data.begin(), data.end(), shadow.begin() + static_cast<std::ptrdiff_t>(off));
            } else {
                std::vector<uint8_t> got(len, 0xA5);
                ASSERT_EQ(cpu.read(kBase + off, got, delay), tlm::TLM_OK_RESPONSE);
                ASSERT_TRUE(std::equal(got.begin(), got.end(), shadow.begin() + static_cast<std::ptrdiff_t>(off)))
                    << len << " bytes at offset " << off;
            }
            EXPECT_GE(delay, ns(10 + 14 + 1));
            sc_core::wait(delay);
        }
        // Byte enables: every other byte of 32.
        const uint8_t every_other[2] = {TLM_BYTE_ENABLED, TLM_BYTE_DISABLED};
        std::vector<uint8_t> data(32, 0xC3);
        Options opt;
        opt.byte_enable = every_other;
        opt.byte_enable_length = 2;
        sc_time delay;
        ASSERT_EQ(cpu.transport(tlm::TLM_WRITE_COMMAND, kBase + 1000, data.data(), 32, delay, opt),
                  tlm::TLM_OK_RESPONSE);
        for (size_t i = 0; i < 32; i += 2) shadow[1000 + i] = 0xC3;
        std::vector<uint8_t> dbg(4000);
        EXPECT_EQ(cpu.debug(tlm::TLM_READ_COMMAND, kBase + 500, dbg.data(), 4000), 4000u);
        EXPECT_TRUE(std::equal(dbg.begin(), dbg.end(), shadow.begin() + 500));
    });
    std::vector<uint8_t> all(cfg.size);
    bench.mem.read(kBase, all.data(), all.size());
    EXPECT_EQ(all, shadow);
    const auto& s = bench.mem.stats();
    EXPECT_EQ(s.reads + s.writes, 401u);
    EXPECT_EQ(s.errors, 0u);
    EXPECT_GT(s.row_hits + s.row_misses + s.row_conflicts, 401u);  // many accesses span rows
    // Backdoor round trip at the very end of the window.
    const std::vector<uint8_t> tail{1, 2, 3, 4};
    bench.mem.write(kBase + cfg.size - 4, tail.data(), 4);
    std::vector<uint8_t> back(4);
    bench.mem.read(kBase + cfg.size - 4, back.data(), 4);
    EXPECT_EQ(back, tail);
}

TEST_F(DramTest, UntouchedMemoryReadsZeroWithoutAllocating) {
    Bench bench;  // 1 GiB
    bench.run([&](Cpu& cpu) {
        sc_time delay;
        std::vector<uint8_t> got(20000, 0xEE);
        ASSERT_EQ(cpu.read(kBase + GiB - 20000, got, delay), tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(got, std::vector<uint8_t>(20000, 0));
    });
    std::vector<uint8_t> back(8192, 0xEE);
    bench.mem.read(kBase + 300 * 1024 * KiB, back.data(), back.size());
    EXPECT_EQ(back, std::vector<uint8_t>(8192, 0));
    EXPECT_EQ(bench.mem.pages_allocated(), 0u);
    const uint8_t one = 1;
    bench.mem.write(kBase + GiB - 1, &one, 1);
    EXPECT_EQ(bench.mem.pages_allocated(), 1u);
}

TEST_F(DramTest, UnmappedAccessesAreErrorsWithMemoryAndTimingUntouched) {
    DramConfig cfg;
    cfg.size = 64 * KiB;
    const uint64_t end = kBase + cfg.size;
    Bench bench(cfg);
    std::vector<uint8_t> pattern(cfg.size);
    for (size_t i = 0; i < pattern.size(); ++i) pattern[i] = static_cast<uint8_t>(i * 13 + 1);
    bench.mem.write(kBase, pattern.data(), pattern.size());
    // Backdoor and access_delay name the address and the window. (Checked before
    // the simulation: an exception caught after SystemC's coroutines ran trips
    // AddressSanitizer's stack bookkeeping, google/sanitizers#189.)
    uint8_t b[16] = {};
    const std::string window = "[0x80000000, 0x8000ffff]";
    for (const auto& m : {error_of([&] { bench.mem.write(end - 8, b, 16); }),
                          error_of([&] { bench.mem.read(kBase - 1, b, 1); }),
                          error_of([&] { bench.mem.access_delay(~0ull - 7, 16, SC_ZERO_TIME); })}) {
        EXPECT_NE(m.find(window), std::string::npos) << m;
        EXPECT_NE(m.find("0x"), std::string::npos) << m;
    }
    EXPECT_NE(error_of([&] { bench.mem.write(end - 8, b, 16); }).find("0x8000fff8"), std::string::npos);
    const auto pages = bench.mem.pages_allocated();
    bench.run([&](Cpu& cpu) {
        // Open a row so that state changes would be visible.
        std::vector<uint8_t> buf(64, 0x5A);
        sc_time warm;
        ASSERT_EQ(cpu.read(kBase, buf, warm), tlm::TLM_OK_RESPONSE);
        std::fill(buf.begin(), buf.end(), 0x5A);
        const sc_time busy = bench.mem.bus_busy_until();
        struct Case {
            uint64_t addr;
            unsigned len;
        };
        const Case cases[] = {
            {kBase - 1, 1},   {kBase - 4, 8},    {0, 4},         {end, 1},
            {end, 0},         {end - 4, 8},      {end + 4096, 16}, {~0ull - 3, 16},
            {~0ull, 0},       {kBase, std::numeric_limits<unsigned>::max()},
            {end - 8, std::numeric_limits<unsigned>::max()},
        };
        for (auto cmd : {tlm::TLM_READ_COMMAND, tlm::TLM_WRITE_COMMAND}) {
            for (const auto& c : cases) {
                sc_time delay(3, SC_NS);
                EXPECT_EQ(cpu.transport(cmd, c.addr, buf.data(), c.len, delay),
                          tlm::TLM_ADDRESS_ERROR_RESPONSE)
                    << std::hex << c.addr << " + " << std::dec << c.len;
                EXPECT_EQ(delay, ns(3));
            }
        }
        EXPECT_EQ(buf, std::vector<uint8_t>(64, 0x5A));
        EXPECT_EQ(bench.mem.bus_busy_until(), busy);
        EXPECT_EQ(bench.mem.open_row(0, 0), 0);
        for (int bank = 1; bank < 8; ++bank) EXPECT_EQ(bench.mem.open_row(0, bank), -1) << bank;
        // Debug transport: nothing outside, truncated at the end.
        EXPECT_EQ(cpu.debug(tlm::TLM_WRITE_COMMAND, end, buf.data(), 8), 0u);
        EXPECT_EQ(cpu.debug(tlm::TLM_READ_COMMAND, kBase - 8, buf.data(), 8), 0u);
        EXPECT_EQ(cpu.debug(tlm::TLM_READ_COMMAND, end - 4, buf.data(), 8), 4u);
        EXPECT_TRUE(std::equal(buf.begin(), buf.begin() + 4, pattern.end() - 4));
    });
    std::vector<uint8_t> after(cfg.size);
    bench.mem.read(kBase, after.data(), after.size());
    EXPECT_EQ(after, pattern);
    EXPECT_EQ(bench.mem.pages_allocated(), pages);
    const auto& s = bench.mem.stats();
    EXPECT_EQ(s.reads, 1u);
    EXPECT_EQ(s.writes, 0u);
    EXPECT_EQ(s.errors, 22u);
    EXPECT_EQ(s.row_misses, 1u);

}

TEST_F(DramTest, MalformedRequestsAreRejectedCleanly) {
    Bench bench;
    bench.run([&](Cpu& cpu) {
        std::vector<uint8_t> data(16, 0x77);
        sc_time delay;
        Options opt;
        opt.streaming_width = 4;
        EXPECT_EQ(cpu.transport(tlm::TLM_WRITE_COMMAND, kBase, data.data(), 16, delay, opt),
                  tlm::TLM_BURST_ERROR_RESPONSE);
        const uint8_t on = TLM_BYTE_ENABLED;
        opt = Options{};
        opt.byte_enable = &on;
        opt.byte_enable_length = 0;
        EXPECT_EQ(cpu.transport(tlm::TLM_WRITE_COMMAND, kBase, data.data(), 16, delay, opt),
                  tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        EXPECT_EQ(cpu.transport(tlm::TLM_READ_COMMAND, kBase, nullptr, 16, delay),
                  tlm::TLM_GENERIC_ERROR_RESPONSE);
        EXPECT_EQ(delay, SC_ZERO_TIME);
        EXPECT_EQ(cpu.transport(tlm::TLM_IGNORE_COMMAND, kBase, data.data(), 16, delay),
                  tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(delay, SC_ZERO_TIME);
        // Zero length at a mapped address: legal, the controller latency alone.
        EXPECT_EQ(cpu.transport(tlm::TLM_WRITE_COMMAND, kBase + 5, nullptr, 0, delay), tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(delay, ns(10));
    });
    EXPECT_EQ(bench.mem.pages_allocated(), 0u);
    EXPECT_EQ(bench.mem.stats().errors, 3u);
    EXPECT_EQ(bench.mem.stats().writes, 1u);
}

TEST_F(DramTest, StatisticsDumpAsJson) {
    Bench bench;
    bench.run([&](Cpu& cpu) {
        sc_time delay;
        std::vector<uint8_t> buf(256);
        ASSERT_EQ(cpu.write(kBase, buf, delay), tlm::TLM_OK_RESPONSE);        // miss: 10 + 28 + 16
        ASSERT_EQ(cpu.read(kBase + 256, buf, delay), tlm::TLM_OK_RESPONSE);   // hit, queued on nothing
        ASSERT_EQ(cpu.read(kBase + kRowStride, buf, delay), tlm::TLM_OK_RESPONSE);  // conflict
        sc_core::wait(delay);
    });
    const boost::json::object o = bench.mem.stats_json();
    EXPECT_EQ(o.at("reads").to_number<uint64_t>(), 2u);
    EXPECT_EQ(o.at("writes").to_number<uint64_t>(), 1u);
    EXPECT_EQ(o.at("bytes_read").to_number<uint64_t>(), 512u);
    EXPECT_EQ(o.at("bytes_written").to_number<uint64_t>(), 256u);
    EXPECT_EQ(o.at("row_hits").to_number<uint64_t>(), 1u);
    EXPECT_EQ(o.at("row_misses").to_number<uint64_t>(), 1u);
    EXPECT_EQ(o.at("row_conflicts").to_number<uint64_t>(), 1u);
    EXPECT_EQ(o.at("busy_cycles").to_number<uint64_t>(), 48u);
    EXPECT_EQ(o.at("column_accesses").to_number<uint64_t>(), 12u);
    EXPECT_EQ(o.at("pages_allocated").to_number<uint64_t>(), 1u);
    EXPECT_EQ(o.at("errors").to_number<uint64_t>(), 0u);
    EXPECT_DOUBLE_EQ(o.at("row_hit_rate").to_number<double>(), 1.0 / 3.0);
    // Sequential in local time: 54, then 40 (hit), then 68 (conflict) = 162 ns in all.
    EXPECT_EQ(sc_core::sc_time_stamp(), ns(54 + 40 + 68));
    EXPECT_DOUBLE_EQ(o.at("bus_utilization").to_number<double>(), 48.0 / 162.0);
    EXPECT_DOUBLE_EQ(o.at("bus_wait_ns").to_number<double>(), 0.0);
    for (const char* key : {"command_cycles", "bytes_allocated"}) EXPECT_TRUE(o.contains(key)) << key;
}

}  // namespace
}  // namespace edgebert::hw
