// Shared test bench of the ISS tests: a bus with 4 MiB of RAM at 0x80000000
// (DMI on or off) and a small test device, an ELF loading helper and the
// exit-code decoder of the self-checking programs (programs/test_macros.h).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "hw/iss/elf_loader.hpp"
#include "hw/iss/iss.hpp"

namespace edgebert::iss::test {

// Test device at 0x10000000 (8-byte registers, 4- or 8-byte accesses):
//   0x00 EXT       write: external interrupt line = bit 0
//   0x08 MTIMECMP  read/write
//   0x10 MTIME     read/write
//   0x18 MSIP      write: software interrupt line = bit 0
//   0x20 PHASE     read/write (programs tell the test what they wait for)
//   0x28 SCRATCH   read/write; every access costs kScratchStall cycles
class TestBus : public IssBus {
public:
    static constexpr uint64_t kRamBase = 0x8000'0000;
    static constexpr uint64_t kRamSize = 4u << 20;
    static constexpr uint64_t kDevBase = 0x1000'0000;
    static constexpr uint64_t kScratchStall = 10;

    std::vector<uint8_t> ram = std::vector<uint8_t>(kRamSize, 0);
    bool dmi_enabled = true;
    Iss* iss = nullptr;
    uint64_t mtime_value = 0;
    uint64_t mtimecmp_value = ~0ull;
    uint64_t phase = 0;
    uint64_t scratch = 0;
    int dmi_queries = 0;

    bool in_ram(uint64_t addr, uint64_t size) const {
        return addr >= kRamBase && addr - kRamBase + size <= kRamSize;
    }

    bool load(uint64_t addr, int size, uint64_t& v) override {
        if (in_ram(addr, static_cast<uint64_t>(size))) {
            v = 0;
            std::memcpy(&v, &ram[addr - kRamBase], static_cast<size_t>(size));
            return true;
        }
        if (addr >= kDevBase && addr < kDevBase + 0x30) {
            switch (addr - kDevBase) {
            case 0x08: v = mtimecmp_value; return true;
            case 0x10: v = mtime_value; return true;
            case 0x20: v = phase; return true;
            case 0x28:
                stall_cycles += kScratchStall;
                v = scratch;
                return true;
            default: v = 0; return true;
            }
        }
        return false;
    }

    bool store(uint64_t addr, int size, uint64_t v) override {
        if (in_ram(addr, static_cast<uint64_t>(size))) {
            std::memcpy(&ram[addr - kRamBase], &v, static_cast<size_t>(size));
            return true;
        }
        if (addr >= kDevBase && addr < kDevBase + 0x30) {
            switch (addr - kDevBase) {
            case 0x00:
                if (iss != nullptr) iss->set_external_interrupt((v & 1) != 0);
                return true;
            case 0x08: mtimecmp_value = v; return true;
            case 0x10: mtime_value = v; return true;
            case 0x18:
                if (iss != nullptr) iss->set_software_interrupt((v & 1) != 0);
                return true;
            case 0x20: phase = v; return true;
            case 0x28:
                stall_cycles += kScratchStall;
                scratch = v;
                return true;
            default: return true;
            }
        }
        return false;
    }

    uint8_t* dmi(uint64_t addr, size_t& len) override {
        ++dmi_queries;
        if (!dmi_enabled || !in_ram(addr, 1)) return nullptr;
        len = static_cast<size_t>(kRamBase + kRamSize - addr);
        return &ram[addr - kRamBase];
    }

    uint64_t mtime() override { return mtime_value; }
    uint64_t mtimecmp() override { return mtimecmp_value; }

    void load_segment(uint64_t addr, const uint8_t* bytes, uint64_t filesz, uint64_t memsz) {
        ASSERT_TRUE(in_ram(addr, memsz)) << "segment outside the test RAM";
        std::memcpy(&ram[addr - kRamBase], bytes, filesz);
        std::memset(&ram[addr - kRamBase + filesz], 0, memsz - filesz);
    }

    uint64_t read64(uint64_t addr) const {
        uint64_t v = 0;
        std::memcpy(&v, &ram[addr - kRamBase], 8);
        return v;
    }
    void write32(uint64_t addr, uint32_t v) { std::memcpy(&ram[addr - kRamBase], &v, 4); }
};

inline bool have_cross() { return ISS_HAVE_CROSS != 0; }

inline std::string program_path(const std::string& name) { return std::string(ISS_PROGRAM_DIR) + "/" + name + ".elf"; }

// A bus, a core and a loaded program.
struct Machine {
    TestBus bus;
    std::unique_ptr<Iss> iss;
    ElfImage image;

    explicit Machine(const IssConfig& config = IssConfig{}) {
        iss = std::make_unique<Iss>(bus, config);
        bus.iss = iss.get();
    }

    void load(const std::string& name) {
        image = load_elf(program_path(name), [this](uint64_t a, const uint8_t* b, uint64_t fs, uint64_t ms) {
            bus.load_segment(a, b, fs, ms);
        });
        iss->reset(image.entry);
        iss->set_tohost(image.tohost);
        iss->set_fromhost(image.fromhost);
    }

    // Runs until the program exits, stops, or `limit` instructions retire.
    uint64_t run(uint64_t limit = 5'000'000) {
        uint64_t total = 0;
        while (total < limit) {
            total += iss->run(limit - total);
            if (iss->stop_reason() != StopReason::InstructionLimit) break;
        }
        return total;
    }

    // Describes the exit of a self-checking program for a failure message.
    std::string describe() {
        std::ostringstream s;
        s << "stop=" << to_string(iss->stop_reason());
        if (iss->exited()) {
            const uint64_t code = iss->exit_code();
            if (code >= 1024) {
                s << ", unexpected trap in check " << (code - 1024);
            } else if (code != 0) {
                s << ", check " << code << " failed";
            }
        }
        s << std::hex << ", pc=0x" << iss->pc() << ", mcause=0x" << iss->csr(csr::kMcause).value_or(0)
          << ", mepc=0x" << iss->csr(csr::kMepc).value_or(0) << ", mtval=0x" << iss->csr(csr::kMtval).value_or(0)
          << ", a4=0x" << iss->x(14) << ", t6=0x" << iss->x(31);
        return s.str();
    }
};

#define ISS_REQUIRE_CROSS()                                                                  \
    do {                                                                                     \
        if (!::edgebert::iss::test::have_cross()) GTEST_SKIP() << "riscv64-unknown-elf-gcc not found"; \
    } while (0)

}  // namespace edgebert::iss::test
