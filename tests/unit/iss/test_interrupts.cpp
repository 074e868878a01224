// Interrupts: the program (programs/interrupts.S) sleeps in wfi; this test
// plays the platform: it advances mtime or raises the external line while
// the core sleeps, as a SoC would between quanta.
#include "iss_test_support.hpp"

namespace edgebert::iss::test {
namespace {

void drive_interrupt_program(bool rvc) {
    IssConfig config;
    config.rvc = rvc;
    Machine m(config);
    m.load(rvc ? "interrupts_c" : "interrupts_nc");
    int wfi_stops = 0;
    bool checked_sleep = false;
    for (int quantum = 0; quantum < 200 && !m.iss->exited(); ++quantum) {
        m.iss->run(10'000);
        if (m.iss->stop_reason() == StopReason::TrapLoop) FAIL() << m.describe();
        if (m.iss->stop_reason() != StopReason::Wfi) continue;
        ++wfi_stops;
        ASSERT_TRUE(m.iss->in_wfi());
        switch (m.bus.phase) {
        case 1:
            if (!checked_sleep) {
                // Nothing pending: the core keeps sleeping, retiring nothing.
                EXPECT_EQ(m.iss->run(1000), 0u);
                EXPECT_EQ(m.iss->stop_reason(), StopReason::Wfi);
                checked_sleep = true;
            }
            m.iss->add_cycles(150);
            m.bus.mtime_value = 150;  // passes mtimecmp = 100
            break;
        case 2:
        case 3: m.iss->set_external_interrupt(true); break;
        default: FAIL() << "unexpected wfi in phase " << m.bus.phase << ": " << m.describe();
        }
    }
    ASSERT_TRUE(m.iss->exited()) << m.describe();
    EXPECT_EQ(m.iss->exit_code(), 0u) << m.describe();
    EXPECT_TRUE(checked_sleep);
    EXPECT_GE(wfi_stops, 3);
    EXPECT_EQ(m.iss->stats().interrupts, 1u + 1u + 1u + 1u + 3u);
}

TEST(IssInterrupts, TimerExternalSoftwareGatingVectoredPriority) {
    ISS_REQUIRE_CROSS();
    drive_interrupt_program(false);
}

TEST(IssInterrupts, SameWithRvc) {
    ISS_REQUIRE_CROSS();
    drive_interrupt_program(true);
}

}  // namespace
}  // namespace edgebert::iss::test
