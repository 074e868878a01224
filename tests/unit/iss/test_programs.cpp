// Self-checking assembly programs, one per extension / area, each built
// without C (run on an ISS without RVC) and with C (run with RVC).
#include "iss_test_support.hpp"

namespace edgebert::iss::test {
namespace {

struct ProgramCase {
    std::string name;
    bool rvc;
};

std::string case_name(const testing::TestParamInfo<ProgramCase>& info) {
    return info.param.name + (info.param.rvc ? "_rvc" : "_norvc");
}

class SelfCheckingProgram : public testing::TestWithParam<ProgramCase> {};

TEST_P(SelfCheckingProgram, Passes) {
    ISS_REQUIRE_CROSS();
    IssConfig config;
    config.rvc = GetParam().rvc;
    Machine m(config);
    m.load(GetParam().name + (GetParam().rvc ? "_c" : "_nc"));
    m.run();
    ASSERT_TRUE(m.iss->exited()) << m.describe();
    EXPECT_EQ(m.iss->exit_code(), 0u) << m.describe();
}

std::vector<ProgramCase> all_cases() {
    std::vector<ProgramCase> cases;
    for (const char* name : {"rv64i", "rv64m", "rv64a", "rv64f", "rv64d", "traps", "fencei"}) {
        cases.push_back({name, false});
        cases.push_back({name, true});
    }
    cases.push_back({"rvc", true});
    return cases;
}

INSTANTIATE_TEST_SUITE_P(Iss, SelfCheckingProgram, testing::ValuesIn(all_cases()), case_name);

TEST(IssPrograms, ExitCodeThroughTohost) {
    ISS_REQUIRE_CROSS();
    Machine m;
    m.load("exit_c");
    ASSERT_TRUE(m.image.tohost.has_value());
    const uint64_t n = m.run();
    EXPECT_EQ(m.iss->stop_reason(), StopReason::Exit);
    EXPECT_EQ(m.iss->exit_code(), 42u);
    EXPECT_EQ(n, 4u);  // li, auipc+addi (la), sd
    // An exited core stays exited.
    EXPECT_EQ(m.iss->run(100), 0u);
    EXPECT_EQ(m.iss->stop_reason(), StopReason::Exit);
}

TEST(IssPrograms, NeverExitingProgramStopsAtTheInstructionLimit) {
    ISS_REQUIRE_CROSS();
    Machine m;
    m.load("loop_c");
    EXPECT_EQ(m.iss->run(100'000), 100'000u);
    EXPECT_EQ(m.iss->stop_reason(), StopReason::InstructionLimit);
    EXPECT_FALSE(m.iss->exited());
    EXPECT_EQ(m.iss->instret(), 100'000u);
    // quantum by quantum: the platform calls run() again
    EXPECT_EQ(m.iss->run(1'000), 1'000u);
    EXPECT_EQ(m.iss->instret(), 101'000u);
    EXPECT_EQ(m.iss->run(0), 0u);
    EXPECT_EQ(m.iss->stop_reason(), StopReason::InstructionLimit);
}

TEST(IssPrograms, SyscallProxyWritesToTheConsoleAndExits) {
    ISS_REQUIRE_CROSS();
    Machine m;
    m.load("syscall_c");
    m.run();
    ASSERT_TRUE(m.iss->exited()) << m.describe();
    EXPECT_EQ(m.iss->exit_code(), 7u);
    EXPECT_EQ(m.iss->console(), "hello\n");
}

TEST(IssPrograms, RunsWithoutDmiThroughTheSlowPath) {
    ISS_REQUIRE_CROSS();
    IssConfig config;
    config.rvc = true;
    Machine m(config);
    m.bus.dmi_enabled = false;
    m.load("rv64i_c");
    m.run();
    ASSERT_TRUE(m.iss->exited()) << m.describe();
    EXPECT_EQ(m.iss->exit_code(), 0u) << m.describe();
    EXPECT_GT(m.iss->stats().slow_fetches, 0u);
    EXPECT_GT(m.iss->stats().slow_loads, 0u);
    EXPECT_GT(m.iss->stats().slow_stores, 0u);
}

TEST(IssPrograms, DmiRegionIsRequestedOnce) {
    ISS_REQUIRE_CROSS();
    Machine m;
    m.load("rv64m_c");
    m.run();
    ASSERT_EQ(m.iss->exit_code(), 0u) << m.describe();
    EXPECT_EQ(m.bus.dmi_queries, 1);
    EXPECT_EQ(m.iss->stats().slow_fetches, 0u);
}

TEST(IssPrograms, TimingModelCharges) {
    ISS_REQUIRE_CROSS();
    for (const bool rvc : {false, true}) {
        IssConfig config;
        config.rvc = rvc;
        Machine m(config);
        m.load(rvc ? "timing_c" : "timing_nc");
        m.run();
        ASSERT_EQ(m.iss->exit_code(), 0u) << m.describe();
        const IssTiming t;
        const auto reg = [&](int i) { return static_cast<int64_t>(m.iss->x(i)); };
        const int64_t base = reg(19);  // s3: csrr, 2 independent instructions
        EXPECT_EQ(base, 3);
        EXPECT_EQ(reg(20) - base, static_cast<int64_t>(t.load) - 1) << "load-use stall";
        EXPECT_EQ(reg(22) - base, static_cast<int64_t>(t.mul) - 1) << "mul-use stall";
        EXPECT_EQ(reg(23), 2 + static_cast<int64_t>(t.branch_mispredict)) << "forward taken branch";
        EXPECT_EQ(reg(24), 2) << "forward not-taken branch";
        EXPECT_EQ(reg(25), 3 + static_cast<int64_t>(t.fp_div_d) - 1) << "dependent fdiv.d";
        // 100 / 7: 5 quotient bits
        EXPECT_EQ(reg(26), 3 + static_cast<int64_t>(t.div_base + 5 * t.div_per_bit) - 1) << "dependent div";
        EXPECT_EQ(reg(27), 2 + static_cast<int64_t>(t.fp_div_d)) << "two fdiv.d: the unit is not pipelined";
        EXPECT_EQ(reg(16), 2 + static_cast<int64_t>(TestBus::kScratchStall)) << "slow bus load";
        EXPECT_GT(m.iss->stats().raw_stall_cycles, 0u);
        EXPECT_GT(m.iss->stats().structural_stall_cycles, 0u);
        EXPECT_EQ(m.iss->stats().bus_stall_cycles, TestBus::kScratchStall);
        EXPECT_GT(m.iss->cycles(), m.iss->instret());
    }
}

TEST(IssPrograms, TimingCanBeSwitchedOff) {
    ISS_REQUIRE_CROSS();
    IssConfig config;
    config.timing.enabled = false;
    Machine m(config);
    m.load("rv64m_c");
    m.run();
    ASSERT_EQ(m.iss->exit_code(), 0u) << m.describe();
    EXPECT_EQ(m.iss->cycles(), m.iss->instret());
}

}  // namespace
}  // namespace edgebert::iss::test
