// ELF loader for bare-metal RISC-V programs: ELF64, little-endian, EM_RISCV,
// ET_EXEC. PT_LOAD segments are handed to a callback at their physical load
// address (p_paddr: the LMA, so initialised data lands where crt0 copies it
// from); the symbol table, if present, gives tohost / fromhost and any other
// symbol a test or platform wants.
//
// Every malformation (not ELF, wrong class, endianness, type or machine,
// truncated headers, a segment or section outside the file, filesz > memsz,
// a broken symbol table) throws edgebert::FileFormatError naming the file and
// the problem.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace edgebert::iss {

struct ElfSegment {
    uint64_t addr = 0;    // p_paddr
    uint64_t vaddr = 0;   // p_vaddr
    uint64_t filesz = 0;
    uint64_t memsz = 0;
    uint32_t flags = 0;   // PF_X = 1, PF_W = 2, PF_R = 4
};

struct ElfImage {
    std::string path;
    uint64_t entry = 0;
    std::vector<ElfSegment> segments;
    std::optional<uint64_t> tohost;
    std::optional<uint64_t> fromhost;
    std::map<std::string, uint64_t> symbols;  // defined symbols of .symtab (name -> value)

    std::optional<uint64_t> symbol(const std::string& name) const;
};

// Called once per PT_LOAD segment: `bytes` holds `filesz` bytes of the file;
// the remaining memsz - filesz bytes are zero (.bss) and the callback writes
// them too.
using ElfSegmentLoader =
    std::function<void(uint64_t addr, const uint8_t* bytes, uint64_t filesz, uint64_t memsz)>;

// Reads and loads the file. Throws FileFormatError (malformed file) or
// edgebert::Error (cannot open / read).
ElfImage load_elf(const std::string& path, const ElfSegmentLoader& loader);

// Same from bytes in memory; `name` stands for the file in messages.
ElfImage load_elf_bytes(const std::vector<uint8_t>& data, const std::string& name, const ElfSegmentLoader& loader);

}  // namespace edgebert::iss
