// ELF loader: a minimal image built here (no cross compiler needed), then
// every kind of malformation -> FileFormatError naming the file and problem.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "hw/iss/elf_loader.hpp"
#include "iss_test_support.hpp"

namespace edgebert::iss::test {
namespace {

template <class T>
void put(std::vector<uint8_t>& b, size_t off, T v) {
    std::memcpy(&b[off], &v, sizeof(T));
}

// ELF header (64) | program header (56) | 8 bytes of code | .strtab | .symtab | section headers
constexpr size_t kPhoff = 64, kCode = 120, kStrtab = 128, kSymtab = 160, kShoff = 232, kSize = 424;

std::vector<uint8_t> minimal_elf() {
    std::vector<uint8_t> b(kSize, 0);
    const uint8_t ident[] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
    std::memcpy(b.data(), ident, sizeof ident);
    put<uint16_t>(b, 16, 2);    // ET_EXEC
    put<uint16_t>(b, 18, 243);  // EM_RISCV
    put<uint32_t>(b, 20, 1);
    put<uint64_t>(b, 24, 0x80000000);  // entry
    put<uint64_t>(b, 32, kPhoff);
    put<uint64_t>(b, 40, kShoff);
    put<uint16_t>(b, 52, 64);
    put<uint16_t>(b, 54, 56);
    put<uint16_t>(b, 56, 1);
    put<uint16_t>(b, 58, 64);
    put<uint16_t>(b, 60, 3);
    // PT_LOAD: 8 bytes of file, 16 bytes of memory
    put<uint32_t>(b, kPhoff + 0, 1);
    put<uint32_t>(b, kPhoff + 4, 5);
    put<uint64_t>(b, kPhoff + 8, kCode);
    put<uint64_t>(b, kPhoff + 16, 0x80000000);
    put<uint64_t>(b, kPhoff + 24, 0x80000000);
    put<uint64_t>(b, kPhoff + 32, 8);
    put<uint64_t>(b, kPhoff + 40, 16);
    put<uint32_t>(b, kCode, 0x0000006f);  // j .
    // string table: "\0tohost\0fromhost\0"
    const char strtab[] = "\0tohost\0fromhost";
    std::memcpy(&b[kStrtab], strtab, sizeof strtab);
    // symbols: null, tohost (name 1) = 0x80001000, fromhost (name 8) = 0x80001008
    put<uint32_t>(b, kSymtab + 24, 1);
    put<uint16_t>(b, kSymtab + 24 + 6, 1);
    put<uint64_t>(b, kSymtab + 24 + 8, 0x80001000);
    put<uint32_t>(b, kSymtab + 48, 8);
    put<uint16_t>(b, kSymtab + 48 + 6, 1);
    put<uint64_t>(b, kSymtab + 48 + 8, 0x80001008);
    // section 1: .symtab, section 2: .strtab
    const size_t s1 = kShoff + 64, s2 = kShoff + 128;
    put<uint32_t>(b, s1 + 4, 2);
    put<uint64_t>(b, s1 + 24, kSymtab);
    put<uint64_t>(b, s1 + 32, 72);
    put<uint32_t>(b, s1 + 40, 2);
    put<uint64_t>(b, s1 + 56, 24);
    put<uint32_t>(b, s2 + 4, 3);
    put<uint64_t>(b, s2 + 24, kStrtab);
    put<uint64_t>(b, s2 + 32, sizeof strtab);
    return b;
}

struct Loaded {
    uint64_t addr, filesz, memsz;
    uint32_t first_word;
};

ElfImage load(const std::vector<uint8_t>& bytes, std::vector<Loaded>* out = nullptr) {
    return load_elf_bytes(bytes, "test.elf", [out](uint64_t a, const uint8_t* p, uint64_t fs, uint64_t ms) {
        uint32_t w = 0;
        if (fs >= 4) std::memcpy(&w, p, 4);
        if (out != nullptr) out->push_back({a, fs, ms, w});
    });
}

void expect_error(const std::vector<uint8_t>& bytes, const std::string& needle) {
    try {
        load(bytes);
        ADD_FAILURE() << "expected FileFormatError containing '" << needle << "'";
    } catch (const FileFormatError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("test.elf"), std::string::npos) << what;
        EXPECT_NE(what.find(needle), std::string::npos) << what;
    }
}

TEST(IssElf, LoadsSegmentsEntryAndSymbols) {
    std::vector<Loaded> loaded;
    const ElfImage image = load(minimal_elf(), &loaded);
    EXPECT_EQ(image.entry, 0x80000000u);
    ASSERT_EQ(loaded.size(), 1u);
    EXPECT_EQ(loaded[0].addr, 0x80000000u);
    EXPECT_EQ(loaded[0].filesz, 8u);
    EXPECT_EQ(loaded[0].memsz, 16u);
    EXPECT_EQ(loaded[0].first_word, 0x6fu);
    EXPECT_EQ(image.tohost, 0x80001000u);
    EXPECT_EQ(image.fromhost, 0x80001008u);
    EXPECT_FALSE(image.symbol("main").has_value());
}

TEST(IssElf, WithoutSectionHeadersThereIsNoTohost) {
    auto b = minimal_elf();
    put<uint16_t>(b, 60, 0);
    const ElfImage image = load(b);
    EXPECT_FALSE(image.tohost.has_value());
}

TEST(IssElf, Malformations) {
    const std::vector<uint8_t> text = {'h', 'e', 'l', 'l', 'o', '\n'};
    expect_error(text, "not an ELF file");
    auto b = minimal_elf();
    b.resize(40);
    expect_error(b, "truncated ELF header");
    b = minimal_elf();
    b[4] = 1;
    expect_error(b, "not ELF64");
    b = minimal_elf();
    b[5] = 2;
    expect_error(b, "not little-endian");
    b = minimal_elf();
    put<uint16_t>(b, 18, 62);
    expect_error(b, "machine 62 is not RISC-V");
    b = minimal_elf();
    put<uint16_t>(b, 16, 3);
    expect_error(b, "not an executable");
    b = minimal_elf();
    put<uint16_t>(b, 56, 0);
    expect_error(b, "no program headers");
    b = minimal_elf();
    put<uint64_t>(b, 32, kSize - 20);
    expect_error(b, "truncated program headers");
    b = minimal_elf();
    put<uint64_t>(b, 40, kSize - 64);
    expect_error(b, "truncated section headers");
    b = minimal_elf();
    put<uint64_t>(b, kPhoff + 8, 1u << 20);
    expect_error(b, "outside the file");
    b = minimal_elf();
    put<uint64_t>(b, kPhoff + 32, 32);
    expect_error(b, "exceeds memory size");
    b = minimal_elf();
    put<uint32_t>(b, kPhoff, 4);  // PT_NOTE only
    expect_error(b, "no loadable");
    b = minimal_elf();
    put<uint64_t>(b, kShoff + 64 + 56, 16);
    expect_error(b, "symbol table entry size");
    b = minimal_elf();
    put<uint64_t>(b, kShoff + 64 + 24, 4000);
    expect_error(b, "symbol table lies outside");
    b = minimal_elf();
    put<uint32_t>(b, kSymtab + 24, 100);
    expect_error(b, "symbol name offset");
    b = minimal_elf();
    put<uint16_t>(b, 54, 32);
    expect_error(b, "program header size");
    // A segment ending exactly at 2^64: its end address addr + memsz wraps to 0, which
    // let it pass a caller's "addr + memsz <= DRAM end" check (fuzz/fuzz_elf).
    b = minimal_elf();
    put<uint64_t>(b, kPhoff + 24, ~uint64_t{0} - 15);
    expect_error(b, "wraps around the address space");
}

TEST(IssElf, HostExecutableIsNotRiscv) {
    try {
        load_elf("/proc/self/exe", [](uint64_t, const uint8_t*, uint64_t, uint64_t) {});
        ADD_FAILURE() << "the test binary loaded as a RISC-V program";
    } catch (const FileFormatError& e) {
        EXPECT_NE(std::string(e.what()).find("/proc/self/exe"), std::string::npos) << e.what();
    }
}

TEST(IssElf, MissingFile) {
    EXPECT_THROW(load_elf("/nonexistent/x.elf", [](uint64_t, const uint8_t*, uint64_t, uint64_t) {}), Error);
}

TEST(IssElf, CompiledProgramHasTohost) {
    ISS_REQUIRE_CROSS();
    const ElfImage image = load_elf(program_path("rv64i_c"), [](uint64_t, const uint8_t*, uint64_t, uint64_t) {});
    EXPECT_EQ(image.entry, 0x80000000u);
    EXPECT_TRUE(image.tohost.has_value());
    EXPECT_TRUE(image.fromhost.has_value());
    EXPECT_EQ(*image.tohost % 0x1000, 0u);
}

}  // namespace
}  // namespace edgebert::iss::test
