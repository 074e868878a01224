// Small programs encoded directly in the test (no cross compiler needed):
// traps and their CSRs, configuration without RVC, trap loops, platform
// inputs, code invalidation, configuration errors.
#include "common/error.hpp"
#include "iss_test_support.hpp"

namespace edgebert::iss::test {
namespace {

constexpr uint64_t kBase = TestBus::kRamBase;

// ---- a few encoders ----
uint32_t enc_i(uint32_t op, uint32_t rd, uint32_t f3, uint32_t rs1, int32_t imm) {
    return (static_cast<uint32_t>(imm) & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}
uint32_t addi(uint32_t rd, uint32_t rs1, int32_t imm) { return enc_i(0x13, rd, 0, rs1, imm); }
uint32_t auipc(uint32_t rd, uint32_t imm20) { return imm20 << 12 | rd << 7 | 0x17; }
uint32_t jalr(uint32_t rd, uint32_t rs1, int32_t imm) { return enc_i(0x67, rd, 0, rs1, imm); }
uint32_t csrrw(uint32_t rd, uint32_t csr, uint32_t rs1) { return enc_i(0x73, rd, 1, rs1, static_cast<int32_t>(csr)); }
uint32_t csrrs(uint32_t rd, uint32_t csr, uint32_t rs1) { return enc_i(0x73, rd, 2, rs1, static_cast<int32_t>(csr)); }
uint32_t csrrsi(uint32_t rd, uint32_t csr, uint32_t uimm) { return enc_i(0x73, rd, 6, uimm, static_cast<int32_t>(csr)); }
uint32_t jal_self() { return 0x0000006f; }  // jal x0, 0
constexpr uint32_t kWfi = 0x10500073;
constexpr uint32_t kT0 = 5, kT1 = 6, kA0 = 10, kA1 = 11, kA2 = 12;

// Places `words` at kBase and a handler at kBase + 0x1000 that copies
// mcause/mtval/mepc to a0/a1/a2 and spins. The program starts by pointing
// mtvec at the handler.
void load_with_handler(Machine& m, std::vector<uint32_t> words) {
    std::vector<uint32_t> prologue = {auipc(kT0, 1), csrrw(0, csr::kMtvec, kT0)};
    prologue.insert(prologue.end(), words.begin(), words.end());
    for (size_t i = 0; i < prologue.size(); ++i) m.bus.write32(kBase + 4 * i, prologue[i]);
    const uint32_t handler[] = {csrrs(kA0, csr::kMcause, 0), csrrs(kA1, csr::kMtval, 0),
                                csrrs(kA2, csr::kMepc, 0), jal_self()};
    for (size_t i = 0; i < 4; ++i) m.bus.write32(kBase + 0x1000 + 4 * i, handler[i]);
    m.iss->reset(kBase);
}

TEST(IssEncoded, IllegalInstructionTrapsWithTheEncodingInMtval) {
    Machine m;
    load_with_handler(m, {0x0000007f});
    m.iss->run(100);
    EXPECT_EQ(m.iss->x(kA0), cause::kIllegal);
    EXPECT_EQ(m.iss->x(kA1), 0x7fu);
    EXPECT_EQ(m.iss->x(kA2), kBase + 8);
    EXPECT_EQ(m.iss->pc(), kBase + 0x100c);
    EXPECT_EQ(m.iss->stats().traps, 1u);
}

TEST(IssEncoded, CompressedEncodingIsIllegalWithoutRvc) {
    IssConfig config;
    config.rvc = false;
    Machine m(config);
    load_with_handler(m, {0x00014505});  // c.li a0, 1 ; then c.nop-free zero half
    m.iss->run(100);
    EXPECT_EQ(m.iss->x(kA0), cause::kIllegal);
    EXPECT_EQ(m.iss->x(kA1), 0x4505u);  // the 16-bit parcel
    EXPECT_EQ(m.iss->csr(csr::kMisa).value() & 4, 0u);
}

TEST(IssEncoded, CompressedEncodingRunsWithRvc) {
    Machine m;
    load_with_handler(m, {0x00014505, jal_self()});  // c.li a0, 1 ; c.nop ; j .
    m.iss->run(10);
    EXPECT_EQ(m.iss->x(kA0), 1u);
    EXPECT_EQ(m.iss->pc(), kBase + 12);
    EXPECT_EQ(m.iss->csr(csr::kMisa).value() & 4, 4u);
}

TEST(IssEncoded, MisalignedJumpTargetTrapsWithoutRvc) {
    IssConfig config;
    config.rvc = false;
    Machine m(config);
    // t1 = pc; jalr to t1 + 6 (2-byte aligned only)
    load_with_handler(m, {auipc(kT1, 0), jalr(1, kT1, 6)});
    m.iss->run(100);
    EXPECT_EQ(m.iss->x(kA0), cause::kInstrMisaligned);
    EXPECT_EQ(m.iss->x(kA1), kBase + 8 + 6);  // mtval = target
    EXPECT_EQ(m.iss->x(kA2), kBase + 12);     // mepc = the jump
    EXPECT_EQ(m.iss->x(1), 0u);               // the jump did not retire
}

TEST(IssEncoded, FetchFromNowhereWithoutHandlerIsATrapLoop) {
    Machine m;
    m.iss->reset(0x4000'0000);  // unmapped; mtvec = 0, also unmapped
    const uint64_t n = m.iss->run(1000);
    EXPECT_EQ(n, 0u);
    EXPECT_EQ(m.iss->stop_reason(), StopReason::TrapLoop);
    EXPECT_EQ(m.iss->csr(csr::kMcause).value(), cause::kInstrAccess);
    EXPECT_STREQ(to_string(m.iss->stop_reason()), "trap-loop");
}

TEST(IssEncoded, PlatformTimerLineAndSoftwareLine) {
    Machine m;
    load_with_handler(m, {addi(kT1, 0, 0x88), csrrw(0, csr::kMie, kT1), csrrsi(0, csr::kMstatus, 8),
                          jal_self()});
    EXPECT_EQ(m.iss->run(100), 100u);
    EXPECT_EQ(m.iss->x(kA0), 0u);
    m.iss->set_timer_interrupt(true);
    m.iss->run(100);
    EXPECT_EQ(m.iss->x(kA0), cause::kInterrupt | cause::kMachineTimer);
    EXPECT_EQ(m.iss->x(kA2), kBase + 20);  // mepc: the spinning jal

    Machine s;
    load_with_handler(s, {addi(kT1, 0, 0x88), csrrw(0, csr::kMie, kT1), csrrsi(0, csr::kMstatus, 8),
                          jal_self()});
    s.iss->run(10);
    s.iss->set_software_interrupt(true);
    s.iss->run(10);
    EXPECT_EQ(s.iss->x(kA0), cause::kInterrupt | cause::kMachineSoftware);
}

TEST(IssEncoded, WfiSleepsUntilAnEnabledInterruptIsPending) {
    Machine m;
    // mie = MSIE only, MIE = 0: wfi wakes on a pending MSI without a trap
    load_with_handler(m, {addi(kT1, 0, 0x8), csrrw(0, csr::kMie, kT1), kWfi, addi(kA0, 0, 5), jal_self()});
    m.iss->run(100);
    EXPECT_EQ(m.iss->stop_reason(), StopReason::Wfi);
    EXPECT_TRUE(m.iss->in_wfi());
    m.iss->set_external_interrupt(true);  // pending but not enabled in mie
    EXPECT_EQ(m.iss->run(100), 0u);
    EXPECT_EQ(m.iss->stop_reason(), StopReason::Wfi);
    m.iss->set_software_interrupt(true);
    m.iss->run(100);
    EXPECT_FALSE(m.iss->in_wfi());
    EXPECT_EQ(m.iss->x(kA0), 5u);
    EXPECT_EQ(m.iss->stats().interrupts, 0u);
}

TEST(IssEncoded, TimeCsrReadsTheBusTimer) {
    Machine m;
    m.bus.mtime_value = 123456789;
    load_with_handler(m, {csrrs(kA0, csr::kTime, 0), jal_self()});
    m.iss->run(5);
    EXPECT_EQ(m.iss->x(kA0), 123456789u);
    EXPECT_EQ(m.iss->x(kA1), 0u);  // no trap
}

TEST(IssEncoded, InvalidateCodeAfterAnExternalWrite) {
    Machine m;
    m.bus.write32(kBase, addi(kA0, 0, 1));
    m.bus.write32(kBase + 4, jal_self());
    m.iss->reset(kBase);
    m.iss->run(5);
    EXPECT_EQ(m.iss->x(kA0), 1u);
    // a DMA-like write behind the core's back, then the platform's notice
    m.bus.write32(kBase, addi(kA0, 0, 2));
    m.iss->invalidate_code(kBase, 4);
    m.iss->set_pc(kBase);
    m.iss->run(5);
    EXPECT_EQ(m.iss->x(kA0), 2u);
}

TEST(IssEncoded, ResetState) {
    IssConfig config;
    config.hart_id = 3;
    Machine m(config);
    EXPECT_EQ(m.iss->pc(), config.reset_pc);
    EXPECT_EQ(m.iss->csr(csr::kMhartid).value(), 3u);
    EXPECT_EQ(m.iss->csr(csr::kMstatus).value(), mstatus::kMpp);  // FS = Off
    const uint64_t misa = m.iss->csr(csr::kMisa).value();
    EXPECT_EQ(misa >> 62, 2u);
    for (const char ext : {'A', 'C', 'D', 'F', 'I', 'M'}) {
        EXPECT_NE(misa & (1ull << (ext - 'A')), 0u) << ext;
    }
    EXPECT_FALSE(m.iss->csr(0x7c0).has_value());
    m.iss->set_x(0, 5);
    EXPECT_EQ(m.iss->x(0), 0u);
}

TEST(IssEncoded, ConfigurationErrorsNameTheField) {
    TestBus bus;
    IssConfig config;
    config.interrupt_check_interval = 0;
    try {
        Iss iss(bus, config);
        FAIL() << "expected ConfigError";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("interrupt_check_interval"), std::string::npos) << e.what();
    }
    IssConfig t;
    t.timing.fp_add_d = 0;
    try {
        Iss iss(bus, t);
        FAIL() << "expected ConfigError";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("timing.fp_add_d"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace edgebert::iss::test
