// A compiled program: tensors, instructions and operator names in the binary
// format of runtime/include/eb_program.h (docs/program-format.md), plus the
// DRAM image it expects and a human-readable listing of what the chip is told.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "eb_program.h"

namespace edgebert::compiler {

// Bytes the program expects in DRAM before it starts (weights, token ids, tables).
struct DramSegment {
    uint64_t addr = 0;
    std::vector<uint8_t> bytes;
};

struct Program {
    eb_target target = EB_TARGET_EDGEBERT;
    std::vector<eb_tensor> tensors;
    std::vector<std::string> tensor_names;
    std::vector<eb_instr> instrs;
    std::vector<std::string> notes;  // per instruction, for the listing
    std::string strings;             // NUL-separated operator names
    std::vector<DramSegment> image;

    std::vector<uint8_t> serialize() const;            // the executor's format
    static Program parse(const std::vector<uint8_t>& bytes, const std::string& origin);
    std::string listing() const;                       // one line per instruction
    uint64_t dram_image_bytes() const;
};

// Builds a Program instruction by instruction.
class ProgramBuilder {
public:
    explicit ProgramBuilder(eb_target target) { p_.target = target; }

    uint32_t tensor(const std::string& name, const eb_tensor& t);
    const eb_tensor& tensor_at(uint32_t id) const { return p_.tensors.at(id); }

    void region(uint32_t layer, eb_module module, const std::string& op);
    void eb_dma(int sram, bool to_sram, int dec, uint32_t row, uint64_t addr, uint32_t rows, bool wait,
                const std::string& note = "");
    void eb_wait(bool dma, eb_category category);
    void raw(const eb_instr& in, const std::string& note);
    void host(eb_host_kernel k, std::initializer_list<uint64_t> args, int category_override = -1,
              const std::string& note = "");
    void image(uint64_t addr, std::vector<uint8_t> bytes) { p_.image.push_back({addr, std::move(bytes)}); }
    void end();

    Program take() { return std::move(p_); }

private:
    Program p_;
};

const char* module_name(uint32_t m);
const char* category_name(uint32_t c);
const char* host_kernel_name(uint32_t k);

}  // namespace edgebert::compiler
