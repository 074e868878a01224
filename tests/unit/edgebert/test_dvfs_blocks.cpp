// LDO and ADPLL: code mapping, settling / lock timing run in simulation,
// transitions interrupted mid-way, range errors and determinism.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include <systemc>

#include "common/error.hpp"
#include "common/rng.hpp"
#include "hw/edgebert/adpll.hpp"
#include "hw/edgebert/ldo.hpp"
#include "tests/support/sc_test.hpp"

namespace edgebert::hw {
namespace {

using sc_core::SC_NS;
using sc_core::SC_PS;
using sc_core::sc_start;
using sc_core::sc_time;
using sc_core::sc_time_stamp;

const sc_time kPs(1, SC_PS);
// sc_start(t) stops after the timed notifications at now + t but before the
// processes they wake run (IEEE 1666 4.3.4.2), so "right after" an instant
// means 1 ps later.

class LdoTest : public edgebert::test::ScTest {};
class AdpllTest : public edgebert::test::ScTest {};

LdoConfig ldo_at(double initial_v) {
    LdoConfig c;
    c.initial_v = initial_v;
    return c;
}

AdpllConfig adpll_at(double initial_mhz) {
    AdpllConfig c;
    c.initial_mhz = initial_mhz;
    return c;
}

// Records the time and value every time a block reports it settled / locked.
template <typename Block>
struct Watcher : sc_core::sc_module {
    Block& block;
    sc_core::sc_event& event;
    std::vector<std::pair<sc_time, double>> seen;
    double (*sample)(const Block&);

    Watcher(sc_core::sc_module_name n, Block& b, sc_core::sc_event& e, double (*s)(const Block&))
        : sc_core::sc_module(n), block(b), event(e), sample(s) {
        SC_HAS_PROCESS(Watcher);
        SC_METHOD(on_event);
        sensitive << event;
        dont_initialize();
    }
    void on_event() { seen.emplace_back(sc_time_stamp(), sample(block)); }
};

double ldo_vout(const Ldo& l) { return l.vout.read(); }
double adpll_freq(const Adpll& a) { return a.freq_mhz.read(); }

// ---------------------------------------------------------------- LDO

TEST_F(LdoTest, CodeToVoltageEndsAndMidpoints) {
    const LdoConfig c;  // 0.5-0.8 V, 8 bits
    EXPECT_EQ(Ldo::max_code(c), 255);
    EXPECT_DOUBLE_EQ(Ldo::code_to_voltage(c, 0), 0.5);
    EXPECT_DOUBLE_EQ(Ldo::code_to_voltage(c, 255), 0.8);
    EXPECT_DOUBLE_EQ(Ldo::code_to_voltage(c, 85), 0.6);
    EXPECT_DOUBLE_EQ(Ldo::code_to_voltage(c, 170), 0.7);
    EXPECT_DOUBLE_EQ(Ldo::code_to_voltage(c, 127), 0.5 + 127 * 0.3 / 255);
    EXPECT_THROW(Ldo::code_to_voltage(c, 256), Error);
    EXPECT_THROW(Ldo::code_to_voltage(c, -1), Error);
}

TEST_F(LdoTest, VoltageToCodeIsNearestAndClamped) {
    const LdoConfig c;
    for (int code = 0; code <= 255; ++code) EXPECT_EQ(Ldo::voltage_to_code(c, Ldo::code_to_voltage(c, code)), code);
    const double step = 0.3 / 255;
    EXPECT_EQ(Ldo::voltage_to_code(c, 0.6 + 0.4 * step), 85);
    EXPECT_EQ(Ldo::voltage_to_code(c, 0.6 + 0.6 * step), 86);
    EXPECT_EQ(Ldo::voltage_to_code(c, 0.6 - 0.4 * step), 85);
    EXPECT_EQ(Ldo::voltage_to_code(c, 0.1), 0);
    EXPECT_EQ(Ldo::voltage_to_code(c, 2.0), 255);
    LdoConfig narrow;
    narrow.code_bits = 4;
    EXPECT_EQ(Ldo::max_code(narrow), 15);
    EXPECT_DOUBLE_EQ(Ldo::code_to_voltage(narrow, 15), 0.8);
    EXPECT_DOUBLE_EQ(Ldo::code_to_voltage(narrow, 5), 0.6);
    EXPECT_EQ(Ldo::voltage_to_code(narrow, 0.61), 5);
}

TEST_F(LdoTest, PowersUpAtInitialVoltage) {
    Ldo ldo("ldo", ldo_at(0.61));
    EXPECT_DOUBLE_EQ(ldo.voltage(), 0.61);
    EXPECT_DOUBLE_EQ(ldo.target_voltage(), 0.61);
    EXPECT_EQ(ldo.code(), Ldo::voltage_to_code(ldo.config(), 0.61));
    EXPECT_FALSE(ldo.settling());
    sc_start(sc_time(1, SC_NS));
    EXPECT_DOUBLE_EQ(ldo.vout.read(), 0.61);
    EXPECT_EQ(ldo.transitions(), 0u);
}

TEST_F(LdoTest, RejectsBadConfig) {
    LdoConfig c;
    c.slew_v_per_ns = 0;
    try {
        Ldo ldo("ldo", c);
        FAIL() << "expected ConfigError";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("ldo.slew_v_per_ns"), std::string::npos) << e.what();
    }
}

TEST_F(LdoTest, SettlingTimeFormulaInSimulation) {
    Ldo ldo("ldo", ldo_at(0.5));
    Watcher<Ldo> watch("watch", ldo, ldo.settled_event, ldo_vout);
    sc_start(sc_time(10, SC_NS));
    ASSERT_EQ(ldo.code(), 0);

    // 0.5 -> 0.8 V at 5 mV/ns plus 2 ns fixed = 62 ns.
    const sc_time settle = ldo.set_code(255);
    EXPECT_EQ(settle, sc_time(62, SC_NS));
    EXPECT_TRUE(ldo.settling());
    EXPECT_EQ(ldo.settle_end(), sc_time(72, SC_NS));
    EXPECT_DOUBLE_EQ(ldo.target_voltage(), 0.8);

    sc_start(settle - kPs);
    EXPECT_EQ(sc_time_stamp(), sc_time(72, SC_NS) - kPs);
    EXPECT_DOUBLE_EQ(ldo.voltage(), 0.5);
    EXPECT_DOUBLE_EQ(ldo.vout.read(), 0.5);
    EXPECT_TRUE(ldo.settling());

    sc_start(2 * kPs);
    EXPECT_DOUBLE_EQ(ldo.voltage(), 0.8);
    EXPECT_DOUBLE_EQ(ldo.vout.read(), 0.8);
    EXPECT_FALSE(ldo.settling());
    ASSERT_EQ(watch.seen.size(), 1u);
    EXPECT_EQ(watch.seen[0].first, sc_time(72, SC_NS));
    EXPECT_DOUBLE_EQ(watch.seen[0].second, 0.8);  // vout already updated when settled_event fires

    // Down again: 0.8 -> 0.6 V = 40 ns + 2 ns.
    EXPECT_EQ(ldo.set_code(85), sc_time(42, SC_NS));
    sc_start(sc_time(42, SC_NS) + kPs);
    EXPECT_DOUBLE_EQ(ldo.voltage(), 0.6);
    EXPECT_EQ(ldo.transitions(), 2u);
    EXPECT_EQ(ldo.total_settle_time(), sc_time(104, SC_NS));
}

TEST_F(LdoTest, NewCodeMidTransitionStartsFromPresentOutput) {
    Ldo ldo("ldo", ldo_at(0.5));
    Watcher<Ldo> watch("watch", ldo, ldo.settled_event, ldo_vout);
    EXPECT_EQ(ldo.set_code(255), sc_time(62, SC_NS));
    sc_start(sc_time(30, SC_NS));
    EXPECT_DOUBLE_EQ(ldo.voltage(), 0.5);

    // Output is still 0.5 V (step model): the new change is measured from there.
    const double v128 = Ldo::code_to_voltage(ldo.config(), 128);
    const sc_time expected(2.0 + (v128 - 0.5) / 0.005, SC_NS);
    const sc_time settle = ldo.set_code(128);
    EXPECT_EQ(settle, expected);
    EXPECT_EQ(settle, sc_time(32118, SC_PS));  // 32.1176 ns rounded to 1 ps

    // The abandoned 62 ns deadline passes without effect.
    sc_start(sc_time(32, SC_NS) + sc_time(117, SC_PS));
    EXPECT_DOUBLE_EQ(ldo.voltage(), 0.5);
    EXPECT_TRUE(watch.seen.empty());
    sc_start(2 * kPs);
    EXPECT_DOUBLE_EQ(ldo.voltage(), v128);
    sc_start(sc_time(100, SC_NS));
    ASSERT_EQ(watch.seen.size(), 1u);
    EXPECT_EQ(watch.seen[0].first, sc_time(30, SC_NS) + expected);
    EXPECT_DOUBLE_EQ(ldo.voltage(), v128);
    EXPECT_EQ(ldo.transitions(), 2u);
    EXPECT_EQ(ldo.total_settle_time(), sc_time(62, SC_NS) + expected);
}

TEST_F(LdoTest, ReturningToSettledCodeMidTransitionCostsFixedTimeOnly) {
    Ldo ldo("ldo", ldo_at(0.5));
    ldo.set_code(255);
    sc_start(sc_time(10, SC_NS));
    EXPECT_EQ(ldo.set_code(0), sc_time(2, SC_NS));
    sc_start(sc_time(100, SC_NS));
    EXPECT_DOUBLE_EQ(ldo.voltage(), 0.5);
    EXPECT_EQ(ldo.code(), 0);
}

TEST_F(LdoTest, OutOfRangeCodeThrowsWithRange) {
    Ldo ldo("ldo", LdoConfig{});
    for (int bad : {-1, 256, 1000}) {
        try {
            ldo.set_code(bad);
            FAIL() << "expected Error for code " << bad;
        } catch (const Error& e) {
            const std::string msg = e.what();
            EXPECT_NE(msg.find("LDO code"), std::string::npos) << msg;
            EXPECT_NE(msg.find("[0, 255]"), std::string::npos) << msg;
        }
    }
    EXPECT_EQ(ldo.transitions(), 0u);
    EXPECT_FALSE(ldo.settling());
}

TEST_F(LdoTest, UnchangedCodeCostsNothing) {
    Ldo ldo("ldo", ldo_at(0.8));
    Watcher<Ldo> watch("watch", ldo, ldo.settled_event, ldo_vout);
    EXPECT_EQ(ldo.set_code(255), sc_core::SC_ZERO_TIME);
    sc_start(sc_time(10, SC_NS));
    EXPECT_TRUE(watch.seen.empty());
    EXPECT_EQ(ldo.transitions(), 0u);

    // Repeating the pending code mid-transition leaves the deadline alone.
    EXPECT_EQ(ldo.set_code(0), sc_time(62, SC_NS));
    sc_start(sc_time(20, SC_NS));
    EXPECT_EQ(ldo.set_code(0), sc_core::SC_ZERO_TIME);
    sc_start(sc_time(42, SC_NS) + kPs);
    EXPECT_DOUBLE_EQ(ldo.voltage(), 0.5);
    ASSERT_EQ(watch.seen.size(), 1u);
    EXPECT_EQ(watch.seen[0].first, sc_time(72, SC_NS));
    EXPECT_EQ(ldo.transitions(), 1u);
}

// A driver thread that applies pseudo-random codes at pseudo-random times.
struct LdoDriver : sc_core::sc_module {
    Ldo& ldo;
    uint64_t seed;
    LdoDriver(sc_core::sc_module_name n, Ldo& l, uint64_t s) : sc_core::sc_module(n), ldo(l), seed(s) {
        SC_HAS_PROCESS(LdoDriver);
        SC_THREAD(run);
    }
    void run() {
        Rng rng(seed);
        for (int i = 0; i < 40; ++i) {
            ldo.set_code(static_cast<int>(rng.uniform_int(0, 255)));
            wait(sc_time(static_cast<double>(rng.uniform_int(1, 80)), SC_NS));
        }
    }
};

std::vector<std::pair<sc_time, double>> run_ldo_script(uint64_t seed) {
    edgebert::test::ScTest::fresh_context();
    Ldo ldo("ldo", LdoConfig{});
    Watcher<Ldo> watch("watch", ldo, ldo.settled_event, ldo_vout);
    LdoDriver drive("drive", ldo, seed);
    sc_start();
    watch.seen.emplace_back(ldo.total_settle_time(), static_cast<double>(ldo.transitions()));
    return watch.seen;
}

TEST_F(LdoTest, Deterministic) {
    const auto a = run_ldo_script(7);
    const auto b = run_ldo_script(7);
    EXPECT_GT(a.size(), 5u);
    EXPECT_EQ(a, b);
}

// ---------------------------------------------------------------- ADPLL

TEST_F(AdpllTest, CodeToFrequencyEndsAndMidpoints) {
    const AdpllConfig c;  // 250-1000 MHz, 6 bits
    EXPECT_EQ(Adpll::max_code(c), 63);
    EXPECT_DOUBLE_EQ(Adpll::code_to_mhz(c, 0), 250.0);
    EXPECT_DOUBLE_EQ(Adpll::code_to_mhz(c, 63), 1000.0);
    EXPECT_DOUBLE_EQ(Adpll::code_to_mhz(c, 21), 500.0);
    EXPECT_DOUBLE_EQ(Adpll::code_to_mhz(c, 42), 750.0);
    EXPECT_DOUBLE_EQ(Adpll::code_to_mhz(c, 32), 250.0 + 32 * 750.0 / 63);
    for (int code = 0; code <= 63; ++code) EXPECT_EQ(Adpll::mhz_to_code(c, Adpll::code_to_mhz(c, code)), code);
    EXPECT_EQ(Adpll::mhz_to_code(c, 500.0 + 0.4 * 750.0 / 63), 21);
    EXPECT_EQ(Adpll::mhz_to_code(c, 500.0 + 0.6 * 750.0 / 63), 22);
    EXPECT_EQ(Adpll::mhz_to_code(c, 10.0), 0);
    EXPECT_EQ(Adpll::mhz_to_code(c, 5000.0), 63);
    EXPECT_THROW(Adpll::code_to_mhz(c, 64), Error);
    EXPECT_EQ(Adpll::mhz_to_period(1000.0), sc_time(1, SC_NS));
    EXPECT_EQ(Adpll::mhz_to_period(250.0), sc_time(4, SC_NS));
    EXPECT_EQ(Adpll::mhz_to_period(750.0), sc_time(1333, SC_PS));
}

TEST_F(AdpllTest, PowersUpOnTheNearestLegalCode) {
    Adpll top("top", adpll_at(1000.0));
    EXPECT_EQ(top.code(), 63);
    EXPECT_DOUBLE_EQ(top.frequency_mhz(), 1000.0);
    EXPECT_EQ(top.period(), sc_time(1, SC_NS));

    // 600 MHz is between codes: (600 - 250) / 750 * 63 = 29.4 -> code 29.
    Adpll mid("mid", adpll_at(600.0));
    EXPECT_EQ(mid.code(), 29);
    const double f29 = 250.0 + 29 * 750.0 / 63;
    EXPECT_DOUBLE_EQ(mid.frequency_mhz(), f29);
    EXPECT_EQ(mid.period(), sc_time(1680, SC_PS));  // 1680.0 ps
    sc_start(sc_time(1, SC_NS));
    EXPECT_DOUBLE_EQ(mid.freq_mhz.read(), f29);
}

TEST_F(AdpllTest, RejectsBadConfig) {
    AdpllConfig c;
    c.initial_mhz = 2000.0;
    try {
        Adpll a("adpll", c);
        FAIL() << "expected ConfigError";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("adpll.initial_mhz"), std::string::npos) << e.what();
    }
}

TEST_F(AdpllTest, LockTimeAndPeriodSwitchAtLock) {
    Adpll pll("adpll", AdpllConfig{});
    Watcher<Adpll> watch("watch", pll, pll.locked_event, adpll_freq);
    sc_start(sc_time(5, SC_NS));

    const sc_time lock = pll.set_code(21);
    EXPECT_EQ(lock, sc_time(50, SC_NS));
    EXPECT_TRUE(pll.locking());
    EXPECT_EQ(pll.lock_end(), sc_time(55, SC_NS));
    EXPECT_DOUBLE_EQ(pll.target_mhz(), 500.0);

    sc_start(lock - kPs);
    EXPECT_DOUBLE_EQ(pll.frequency_mhz(), 1000.0);  // old clock while locking
    EXPECT_EQ(pll.period(), sc_time(1, SC_NS));
    sc_start(2 * kPs);
    EXPECT_FALSE(pll.locking());
    EXPECT_DOUBLE_EQ(pll.frequency_mhz(), 500.0);
    EXPECT_EQ(pll.period(), sc_time(2, SC_NS));
    EXPECT_DOUBLE_EQ(pll.freq_mhz.read(), 500.0);
    ASSERT_EQ(watch.seen.size(), 1u);
    EXPECT_EQ(watch.seen[0].first, sc_time(55, SC_NS));
    EXPECT_DOUBLE_EQ(watch.seen[0].second, 500.0);
    EXPECT_EQ(pll.relocks(), 1u);
    EXPECT_EQ(pll.total_lock_time(), sc_time(50, SC_NS));
}

TEST_F(AdpllTest, NewCodeWhileLockingRestartsLock) {
    Adpll pll("adpll", AdpllConfig{});
    Watcher<Adpll> watch("watch", pll, pll.locked_event, adpll_freq);
    pll.set_code(21);
    sc_start(sc_time(20, SC_NS));
    EXPECT_EQ(pll.set_code(42), sc_time(50, SC_NS));
    sc_start(sc_time(50, SC_NS) - kPs);  // passes the abandoned 50 ns lock
    EXPECT_DOUBLE_EQ(pll.frequency_mhz(), 1000.0);
    EXPECT_TRUE(watch.seen.empty());
    sc_start(2 * kPs);
    EXPECT_DOUBLE_EQ(pll.frequency_mhz(), 750.0);
    EXPECT_EQ(pll.period(), sc_time(1333, SC_PS));
    ASSERT_EQ(watch.seen.size(), 1u);
    EXPECT_EQ(watch.seen[0].first, sc_time(70, SC_NS));
    EXPECT_EQ(pll.relocks(), 2u);
    EXPECT_EQ(pll.total_lock_time(), sc_time(100, SC_NS));
}

// A clocked consumer: ticks on whatever period() is in effect when it waits.
struct TickCounter : sc_core::sc_module {
    Adpll& pll;
    std::vector<sc_time> ticks;
    TickCounter(sc_core::sc_module_name n, Adpll& p) : sc_core::sc_module(n), pll(p) {
        SC_HAS_PROCESS(TickCounter);
        SC_THREAD(run);
    }
    void run() {
        for (;;) {
            wait(pll.period());
            ticks.push_back(sc_time_stamp());
        }
    }
};

TEST_F(AdpllTest, TileKeepsOldClockUntilLock) {
    AdpllConfig c;
    c.lock_ns = 50.5;  // lock between two 1 ns edges, so no same-instant race
    Adpll pll("adpll", c);
    TickCounter tile("tile", pll);
    EXPECT_EQ(pll.set_code(21), sc_time(50.5, SC_NS));
    sc_start(sc_time(60, SC_NS));
    // 1 ns edges up to 51 ns (the wait for 51 started before the lock), then 2 ns.
    ASSERT_GE(tile.ticks.size(), 54u);
    for (int i = 0; i < 51; ++i) EXPECT_EQ(tile.ticks[i], sc_time(i + 1, SC_NS));
    EXPECT_EQ(tile.ticks[51], sc_time(53, SC_NS));
    EXPECT_EQ(tile.ticks[52], sc_time(55, SC_NS));
    EXPECT_EQ(tile.ticks.back(), sc_time(59, SC_NS));
}

TEST_F(AdpllTest, OutOfRangeCodeThrowsWithRange) {
    Adpll pll("adpll", AdpllConfig{});
    for (int bad : {-1, 64}) {
        try {
            pll.set_code(bad);
            FAIL() << "expected Error for code " << bad;
        } catch (const Error& e) {
            const std::string msg = e.what();
            EXPECT_NE(msg.find("DCO code"), std::string::npos) << msg;
            EXPECT_NE(msg.find("[0, 63]"), std::string::npos) << msg;
        }
    }
    EXPECT_EQ(pll.relocks(), 0u);
}

TEST_F(AdpllTest, UnchangedCodeCostsNothing) {
    Adpll pll("adpll", AdpllConfig{});
    Watcher<Adpll> watch("watch", pll, pll.locked_event, adpll_freq);
    EXPECT_EQ(pll.set_code(63), sc_core::SC_ZERO_TIME);
    sc_start(sc_time(100, SC_NS));
    EXPECT_TRUE(watch.seen.empty());
    EXPECT_EQ(pll.relocks(), 0u);
    EXPECT_EQ(pll.total_lock_time(), sc_core::SC_ZERO_TIME);
}

struct AdpllDriver : sc_core::sc_module {
    Adpll& pll;
    uint64_t seed;
    AdpllDriver(sc_core::sc_module_name n, Adpll& p, uint64_t s) : sc_core::sc_module(n), pll(p), seed(s) {
        SC_HAS_PROCESS(AdpllDriver);
        SC_THREAD(run);
    }
    void run() {
        Rng rng(seed);
        for (int i = 0; i < 40; ++i) {
            pll.set_code(static_cast<int>(rng.uniform_int(0, 63)));
            wait(sc_time(static_cast<double>(rng.uniform_int(1, 120)), SC_NS));
        }
    }
};

std::vector<std::pair<sc_time, double>> run_adpll_script(uint64_t seed) {
    edgebert::test::ScTest::fresh_context();
    Adpll pll("adpll", AdpllConfig{});
    Watcher<Adpll> watch("watch", pll, pll.locked_event, adpll_freq);
    AdpllDriver drive("drive", pll, seed);
    TickCounter tile("tile", pll);
    sc_start(sc_time(3, sc_core::SC_US));
    for (const auto& t : tile.ticks) watch.seen.emplace_back(t, 0.0);
    watch.seen.emplace_back(pll.total_lock_time(), static_cast<double>(pll.relocks()));
    return watch.seen;
}

TEST_F(AdpllTest, Deterministic) {
    const auto a = run_adpll_script(11);
    const auto b = run_adpll_script(11);
    EXPECT_GT(a.size(), 100u);
    EXPECT_EQ(a, b);
}

}  // namespace
}  // namespace edgebert::hw
