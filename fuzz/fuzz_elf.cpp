// ELF loader (hw/iss/elf_loader.*) on arbitrary bytes. Segments go to a DRAM
// window as the ISS host places them (hw/soc/iss_host.cpp): anything outside it
// is refused, so memory stays bounded by the configured DRAM, not by p_memsz.
// Every byte the loader hands over is read, so ASan sees a read past the file.
#include <algorithm>
#include <cstring>

#include "hw/iss/elf_loader.hpp"
#include "fuzz/fuzz_common.hpp"

namespace {
constexpr uint64_t kDramBase = 0x80000000ull, kDramSize = 64ull << 20;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static uint8_t scratch[1 << 16];
    return edgebert::fuzz::expect_error_or_success([&] {
        (void)edgebert::iss::load_elf_bytes(
            edgebert::fuzz::as_bytes(data, size), "fuzz.elf",
            [](uint64_t addr, const uint8_t* bytes, uint64_t filesz, uint64_t memsz) {
                if (addr < kDramBase || memsz > kDramSize || addr - kDramBase > kDramSize - memsz)
                    throw edgebert::FileFormatError("fuzz.elf: segment outside DRAM");
                for (uint64_t off = 0; off < filesz; off += sizeof scratch)
                    std::memcpy(scratch, bytes + off, std::min<uint64_t>(sizeof scratch, filesz - off));
            });
    });
}
