// Compiled C with picolibc on the ISS, and the speed measurement.
#include <chrono>
#include <cstdio>

#include "hw/iss/fp.hpp"
#include "iss_test_support.hpp"

namespace edgebert::iss::test {
namespace {

// The host side of programs/cprog.c.
uint32_t host_crc() {
    std::vector<uint8_t> buffer(4096);
    uint32_t x = 12345;
    for (auto& b : buffer) {
        x = x * 1103515245u + 12345u;
        b = static_cast<uint8_t>(x >> 16);
    }
    uint32_t crc = 0xffffffffu;
    for (const uint8_t byte : buffer) {
        crc ^= byte;
        for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

int64_t host_matmul() {
    float a[8][8], b[8][8];
    for (int i = 0; i < 8; ++i) {
        for (int j = 0; j < 8; ++j) {
            a[i][j] = static_cast<float>((i * 3 + j * 5) % 7 - 3);
            b[i][j] = static_cast<float>((i * 2 + j * 7) % 5 - 2);
        }
    }
    int64_t m = 0;
    for (int i = 0; i < 8; ++i) {
        for (int j = 0; j < 8; ++j) {
            float s = 0;
            for (int k = 0; k < 8; ++k) s += a[i][k] * b[k][j];
            m += static_cast<int64_t>(s) * (i * 8 + j + 1);
        }
    }
    return m;
}

uint64_t host_zeta_bits() {
    volatile double zeta = 0.0;  // volatile: no contraction, same order of operations
    for (int k = 1; k <= 1000; ++k) {
        volatile double dk = k;
        volatile double sq = dk * dk;
        zeta = zeta + 1.0 / sq;
    }
    const double z = zeta;
    return fp::bits64(z);
}

void run_cprog(const std::string& name, bool rvc, bool rva) {
    IssConfig config;
    config.rvc = rvc;
    config.rva = rva;
    Machine m(config);
    m.load(name);
    const uint64_t n = m.run(50'000'000);
    ASSERT_TRUE(m.iss->exited()) << m.describe();
    ASSERT_EQ(m.iss->exit_code(), 0u) << "check " << m.iss->exit_code() << " of cprog.c failed; " << m.describe();
    const auto sym = [&](const char* s) {
        const auto addr = m.image.symbol(s);
        EXPECT_TRUE(addr.has_value()) << s;
        return m.bus.read64(addr.value_or(TestBus::kRamBase));
    };
    EXPECT_EQ(static_cast<uint32_t>(sym("result_crc")), host_crc());
    EXPECT_EQ(static_cast<int64_t>(sym("result_matmul")), host_matmul());
    EXPECT_EQ(sym("result_zeta_bits"), host_zeta_bits());
    char expected[96];
    std::snprintf(expected, sizeof expected, "cprog: crc=%08x matmul=%lld\n", host_crc(),
                  static_cast<long long>(host_matmul()));
    EXPECT_EQ(m.iss->console(), expected);
    std::printf("[ %s ] %llu instructions, %llu cycles (CPI %.2f)\n", name.c_str(),
                static_cast<unsigned long long>(n), static_cast<unsigned long long>(m.iss->cycles()),
                static_cast<double>(m.iss->cycles()) / static_cast<double>(n));
}

// Firmware built with -march=rv64imfd links picolibc's rv64ifd/lp64d: runs on
// a core without A and C.
TEST(IssCProgram, PicolibcRv64imfdOnACoreWithoutAAndC) {
    ISS_REQUIRE_CROSS();
    run_cprog("cprog_imfd", false, false);
}

// The default multilib (rv64imafdc/lp64d) uses A and C.
TEST(IssCProgram, PicolibcRv64imafdc) {
    ISS_REQUIRE_CROSS();
    run_cprog("cprog_imafdc", true, true);
}

double measure_mips(const std::string& name, uint64_t instructions, double* cpi) {
    Machine m;
    m.load(name);
    m.iss->run(10'000);  // warm the decode cache
    const auto t0 = std::chrono::steady_clock::now();
    const uint64_t n = m.iss->run(instructions);
    const auto t1 = std::chrono::steady_clock::now();
    EXPECT_EQ(n, instructions);
    EXPECT_EQ(m.iss->stop_reason(), StopReason::InstructionLimit);
    *cpi = static_cast<double>(m.iss->cycles()) / static_cast<double>(m.iss->instret());
    return static_cast<double>(n) / std::chrono::duration<double>(t1 - t0).count() / 1e6;
}

TEST(IssSpeed, MillionInstructionsPerSecondWithTimingOn) {
    ISS_REQUIRE_CROSS();
    double cpi_int = 0, cpi_fp = 0;
    const double mips_int = measure_mips("bench_int", 20'000'000, &cpi_int);
    const double mips_fp = measure_mips("bench_fp", 5'000'000, &cpi_fp);
    std::printf("[ ISS speed ] integer loop %.1f MIPS (CPI %.2f), double dot product %.1f MIPS (CPI %.2f)\n",
                mips_int, cpi_int, mips_fp, cpi_fp);
    RecordProperty("mips_int", std::to_string(mips_int));
    RecordProperty("mips_fp", std::to_string(mips_fp));
    EXPECT_GT(mips_int, 1.0);  // a sanity floor, not the target (>= 50 MIPS in Release)
    EXPECT_GT(cpi_int, 1.0);
}

}  // namespace
}  // namespace edgebert::iss::test
