#include "hw/iss/elf_loader.hpp"

#include <cstring>
#include <fstream>
#include <iterator>

#include "common/error.hpp"
#include "common/input_file.hpp"

namespace edgebert::iss {
namespace {

// ELF constants (System V gABI; RISC-V psABI for the machine number).
constexpr uint8_t kElfClass64 = 2;
constexpr uint8_t kElfData2Lsb = 1;
constexpr uint16_t kEtExec = 2;
constexpr uint16_t kEmRiscv = 243;
constexpr uint32_t kPtLoad = 1;
constexpr uint32_t kShtSymtab = 2;
constexpr uint16_t kShnUndef = 0;
constexpr size_t kEhdrSize = 64;
constexpr size_t kPhdrSize = 56;
constexpr size_t kShdrSize = 64;
constexpr size_t kSymSize = 24;

class Reader {
public:
    Reader(const std::vector<uint8_t>& data, const std::string& name) : data_(data), name_(name) {}

    [[noreturn]] void fail(const std::string& what) const { throw FileFormatError(name_ + ": " + what); }

    // The range [off, off + len) lies inside the file.
    bool fits(uint64_t off, uint64_t len) const { return off <= data_.size() && len <= data_.size() - off; }

    template <class T>
    T get(uint64_t off) const {
        T v;
        std::memcpy(&v, data_.data() + off, sizeof(T));  // little-endian host, checked by the ISS
        return v;
    }
    const uint8_t* at(uint64_t off) const { return data_.data() + off; }
    size_t size() const { return data_.size(); }

private:
    const std::vector<uint8_t>& data_;
    const std::string& name_;
};

std::string hex(uint64_t v) {
    static const char* digits = "0123456789abcdef";
    std::string s;
    do {
        s.insert(s.begin(), digits[v & 15]);
        v >>= 4;
    } while (v != 0);
    return "0x" + s;
}

void read_symbols(const Reader& r, ElfImage& image, uint64_t shoff, uint16_t shnum) {
    for (uint16_t i = 0; i < shnum; ++i) {
        const uint64_t sh = shoff + uint64_t{i} * kShdrSize;
        if (r.get<uint32_t>(sh + 4) != kShtSymtab) continue;
        const uint64_t sym_off = r.get<uint64_t>(sh + 24);
        const uint64_t sym_size = r.get<uint64_t>(sh + 32);
        const uint32_t link = r.get<uint32_t>(sh + 40);
        const uint64_t entsize = r.get<uint64_t>(sh + 56);
        if (entsize != kSymSize) r.fail("symbol table entry size " + std::to_string(entsize) + " (expected 24)");
        if (!r.fits(sym_off, sym_size)) r.fail("symbol table lies outside the file");
        if (link >= shnum) r.fail("symbol table links to section " + std::to_string(link) + " of " + std::to_string(shnum));
        const uint64_t str_sh = shoff + uint64_t{link} * kShdrSize;
        const uint64_t str_off = r.get<uint64_t>(str_sh + 24);
        const uint64_t str_size = r.get<uint64_t>(str_sh + 32);
        if (!r.fits(str_off, str_size)) r.fail("string table lies outside the file");
        for (uint64_t s = 0; s + kSymSize <= sym_size; s += kSymSize) {
            const uint64_t e = sym_off + s;
            const uint32_t name = r.get<uint32_t>(e);
            const uint16_t shndx = r.get<uint16_t>(e + 6);
            const uint64_t value = r.get<uint64_t>(e + 8);
            if (name == 0 || shndx == kShnUndef) continue;
            if (name >= str_size) r.fail("symbol name offset " + std::to_string(name) + " outside the string table");
            const auto* begin = reinterpret_cast<const char*>(r.at(str_off + name));
            const void* nul = std::memchr(begin, 0, str_size - name);
            if (nul == nullptr) r.fail("unterminated symbol name in the string table");
            image.symbols.emplace(std::string(begin, static_cast<const char*>(nul)), value);
        }
    }
}

}  // namespace

std::optional<uint64_t> ElfImage::symbol(const std::string& name) const {
    const auto it = symbols.find(name);
    if (it == symbols.end()) return std::nullopt;
    return it->second;
}

ElfImage load_elf_bytes(const std::vector<uint8_t>& data, const std::string& name, const ElfSegmentLoader& loader) {
    const Reader r(data, name);
    if (data.size() < 4 || std::memcmp(data.data(), "\x7f" "ELF", 4) != 0) r.fail("not an ELF file (bad magic)");
    if (data.size() < kEhdrSize) r.fail("truncated ELF header (" + std::to_string(data.size()) + " bytes, need 64)");
    if (data[4] != kElfClass64) r.fail("ELF class " + std::to_string(data[4]) + " is not ELF64 (2)");
    if (data[5] != kElfData2Lsb) r.fail("ELF data encoding " + std::to_string(data[5]) + " is not little-endian (1)");
    const uint16_t type = r.get<uint16_t>(16);
    const uint16_t machine = r.get<uint16_t>(18);
    if (machine != kEmRiscv) r.fail("machine " + std::to_string(machine) + " is not RISC-V (243)");
    if (type != kEtExec) r.fail("ELF type " + std::to_string(type) + " is not an executable (ET_EXEC = 2)");

    ElfImage image;
    image.path = name;
    image.entry = r.get<uint64_t>(24);
    const uint64_t phoff = r.get<uint64_t>(32);
    const uint64_t shoff = r.get<uint64_t>(40);
    const uint16_t phentsize = r.get<uint16_t>(54);
    const uint16_t phnum = r.get<uint16_t>(56);
    const uint16_t shentsize = r.get<uint16_t>(58);
    const uint16_t shnum = r.get<uint16_t>(60);

    if (phnum == 0) r.fail("no program headers");
    if (phentsize != kPhdrSize) r.fail("program header size " + std::to_string(phentsize) + " (expected 56)");
    if (!r.fits(phoff, uint64_t{phnum} * kPhdrSize)) {
        r.fail("truncated program headers (" + std::to_string(phnum) + " at offset " + std::to_string(phoff) +
               ", file has " + std::to_string(data.size()) + " bytes)");
    }
    if (shnum != 0) {
        if (shentsize != kShdrSize) r.fail("section header size " + std::to_string(shentsize) + " (expected 64)");
        if (!r.fits(shoff, uint64_t{shnum} * kShdrSize)) {
            r.fail("truncated section headers (" + std::to_string(shnum) + " at offset " + std::to_string(shoff) +
                   ", file has " + std::to_string(data.size()) + " bytes)");
        }
    }

    // Validate every segment before loading any.
    std::vector<uint64_t> offsets;
    for (uint16_t i = 0; i < phnum; ++i) {
        const uint64_t ph = phoff + uint64_t{i} * kPhdrSize;
        if (r.get<uint32_t>(ph) != kPtLoad) continue;
        ElfSegment seg;
        seg.flags = r.get<uint32_t>(ph + 4);
        const uint64_t offset = r.get<uint64_t>(ph + 8);
        seg.vaddr = r.get<uint64_t>(ph + 16);
        seg.addr = r.get<uint64_t>(ph + 24);
        seg.filesz = r.get<uint64_t>(ph + 32);
        seg.memsz = r.get<uint64_t>(ph + 40);
        const std::string what = "segment " + std::to_string(i) + " (" + hex(seg.addr) + ")";
        if (seg.filesz > seg.memsz) r.fail(what + ": file size " + std::to_string(seg.filesz) +
                                           " exceeds memory size " + std::to_string(seg.memsz));
        if (!r.fits(offset, seg.filesz)) {
            r.fail(what + " lies outside the file (offset " + std::to_string(offset) + " + " +
                   std::to_string(seg.filesz) + " bytes, file has " + std::to_string(data.size()) + ")");
        }
        // The end address addr + memsz must exist too: the loader's callers bound-check
        // [addr, addr + memsz) against their memory (hw/soc/iss_host.cpp).
        if (seg.memsz > ~uint64_t{0} - seg.addr) r.fail(what + " wraps around the address space");
        image.segments.push_back(seg);
        offsets.push_back(offset);
    }
    if (image.segments.empty()) r.fail("no loadable (PT_LOAD) segment");

    if (shnum != 0) read_symbols(r, image, shoff, shnum);
    image.tohost = image.symbol("tohost");
    image.fromhost = image.symbol("fromhost");

    for (size_t i = 0; i < image.segments.size(); ++i) {
        const ElfSegment& seg = image.segments[i];
        if (seg.memsz == 0) continue;
        loader(seg.addr, r.at(offsets[i]), seg.filesz, seg.memsz);
    }
    return image;
}

ElfImage load_elf(const std::string& path, const ElfSegmentLoader& loader) {
    checked_input_file(path, "ELF file", kMaxElfBytes);
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path + ": cannot open the ELF file");
    std::vector<uint8_t> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw Error(path + ": read error");
    return load_elf_bytes(data, path, loader);
}

}  // namespace edgebert::iss
