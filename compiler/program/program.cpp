#include "compiler/program/program.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "common/error.hpp"

namespace edgebert::compiler {

const char* module_name(uint32_t m) {
    static const char* n[] = {"embedding", "attention", "post_processing", "ffn", "classifier"};
    return m < EB_MOD_COUNT ? n[m] : "?";
}

const char* category_name(uint32_t c) {
    static const char* n[] = {"register", "read", "write", "compute", "malloc", "memset", "transpose", "cpu_compute", "flush"};
    return c < EB_CAT_COUNT ? n[c] : "?";
}

const char* host_kernel_name(uint32_t k) {
    static const char* n[] = {"?", "embed", "matmul", "add_bias", "add", "layer_norm", "softmax", "gelu", "tanh",
                              "quantize", "dequantize", "transpose", "copy", "malloc", "i32_accumulate", "entropy",
                              "slice", "i32_matmul", "free", "i32_to_i8", "?", "?", "?", "?", "af_gather"};
    static const char* staged[] = {"eb.matmul_staged", "eb.softmax_staged", "eb.add_layer_norm_staged",
                                   "eb.dma_reference"};
    if (k >= EB_H_EB_MATMUL_STAGED && k <= EB_H_EB_DMA_REFERENCE) return staged[k - EB_H_EB_MATMUL_STAGED];
    return k < sizeof(n) / sizeof(n[0]) ? n[k] : "?";
}

uint32_t ProgramBuilder::tensor(const std::string& name, const eb_tensor& t) {
    p_.tensors.push_back(t);
    p_.tensor_names.push_back(name);
    return static_cast<uint32_t>(p_.tensors.size() - 1);
}

void ProgramBuilder::raw(const eb_instr& in, const std::string& note) {
    p_.instrs.push_back(in);
    p_.notes.push_back(note);
}

void ProgramBuilder::region(uint32_t layer, eb_module module, const std::string& op) {
    eb_instr in{};
    in.op = EB_OP_REGION;
    in.a[0] = layer;
    in.a[1] = module;
    in.a[2] = p_.strings.size();
    p_.strings += op;
    p_.strings.push_back('\0');
    raw(in, fmt::format("layer {} {} {}", layer, module_name(module), op));
}

void ProgramBuilder::eb_dma(int sram, bool to_sram, int dec, uint32_t row, uint64_t addr, uint32_t rows, bool wait,
                            const std::string& note) {
    eb_instr in{};
    in.op = EB_OP_EB_DMA;
    in.a[0] = static_cast<uint64_t>(sram) | (uint64_t{to_sram} << 8) | (static_cast<uint64_t>(dec) << 16) |
              (uint64_t{wait} << 24);
    in.a[1] = row;
    in.a[2] = addr;
    in.a[3] = rows;
    static const char* srams[] = {"mask", "input", "aux"};
    raw(in, fmt::format("{} {} dec{} row {} {} 0x{:x} x{}{}", srams[sram], to_sram ? "read" : "write", dec, row,
                        to_sram ? "<-" : "->", addr, rows, note.empty() ? "" : "  ; " + note));
}

void ProgramBuilder::eb_wait(bool dma, eb_category category) {
    eb_instr in{};
    in.op = EB_OP_EB_WAIT;
    in.a[0] = dma;
    in.a[1] = category;
    raw(in, fmt::format("wait {} ({})", dma ? "dma" : "compute", category_name(category)));
}

void ProgramBuilder::host(eb_host_kernel k, std::initializer_list<uint64_t> args, int category_override,
                          const std::string& note) {
    eb_instr in{};
    in.op = EB_OP_HOST;
    in.sub = k;
    size_t i = 0;
    for (uint64_t a : args) in.a[i++] = a;
    in.a[6] = category_override >= 0 ? static_cast<uint64_t>(category_override + 1) : 0;
    // How many leading arguments are tensors (the executor's tensor_args); the rest are numbers.
    static const uint8_t tensor_args[] = {0, 6, 3, 2, 3, 3, 1, 1, 1, 2, 2, 2, 2, 0, 2, 1, 2, 3, 0, 2};
    // Thesis mode's EdgeBERT operators (eb_program.h): matmul A, B, C, staging; softmax x, y,
    // staging; add + layer norm x, y, residual, gamma, beta (then staging | sum bias); the reference.
    static const uint8_t staged_args[] = {4, 3, 5, 1};
    const size_t tensors = k >= EB_H_EB_MATMUL_STAGED && k <= EB_H_EB_DMA_REFERENCE
                               ? staged_args[k - EB_H_EB_MATMUL_STAGED]
                               : static_cast<size_t>(k) < sizeof(tensor_args) ? tensor_args[k] : 5;
    std::string desc = host_kernel_name(k);
    for (size_t j = 0; j < args.size(); ++j) {
        const uint64_t a = in.a[j];
        desc += j == 0 ? " " : ", ";
        desc += a < p_.tensors.size() && j < tensors ? p_.tensor_names[a] : std::to_string(a);
    }
    raw(in, note.empty() ? desc : desc + "  ; " + note);
}

void ProgramBuilder::end() {
    eb_instr in{};
    in.op = EB_OP_END;
    raw(in, "end");
}

std::vector<uint8_t> Program::serialize() const {
    eb_program_header h{};
    h.magic = EB_PROGRAM_MAGIC;
    h.version = 1;
    h.target = target;
    h.num_tensors = static_cast<uint32_t>(tensors.size());
    h.num_instrs = static_cast<uint32_t>(instrs.size());
    h.strings_bytes = static_cast<uint32_t>(strings.size());
    std::vector<uint8_t> out(sizeof(h) + tensors.size() * sizeof(eb_tensor) + instrs.size() * sizeof(eb_instr) +
                             strings.size());
    uint8_t* w = out.data();
    std::memcpy(w, &h, sizeof(h));
    w += sizeof(h);
    if (!tensors.empty()) std::memcpy(w, tensors.data(), tensors.size() * sizeof(eb_tensor));
    w += tensors.size() * sizeof(eb_tensor);
    if (!instrs.empty()) std::memcpy(w, instrs.data(), instrs.size() * sizeof(eb_instr));
    w += instrs.size() * sizeof(eb_instr);
    if (!strings.empty()) std::memcpy(w, strings.data(), strings.size());
    return out;
}

Program Program::parse(const std::vector<uint8_t>& bytes, const std::string& origin) {
    eb_program_header h{};
    if (bytes.size() < sizeof(h)) throw FileFormatError(fmt::format("{}: too short for a program header", origin));
    std::memcpy(&h, bytes.data(), sizeof(h));
    if (h.magic != EB_PROGRAM_MAGIC) throw FileFormatError(fmt::format("{}: not an edgebert-sim program (bad magic)", origin));
    if (h.version != 1) throw FileFormatError(fmt::format("{}: program version {} unsupported (expected 1)", origin, h.version));
    if (h.target > EB_TARGET_CPU)
        throw FileFormatError(fmt::format("{}: program target {} unknown (0 edgebert, 1 systolic, 2 cpu)", origin, h.target));
    const uint64_t need = sizeof(h) + uint64_t{h.num_tensors} * sizeof(eb_tensor) +
                          uint64_t{h.num_instrs} * sizeof(eb_instr) + h.strings_bytes;
    if (need != bytes.size())
        throw FileFormatError(fmt::format("{}: size {} does not match the header's {} bytes", origin, bytes.size(), need));
    Program p;
    p.target = static_cast<eb_target>(h.target);
    const uint8_t* r = bytes.data() + sizeof(h);
    p.tensors.resize(h.num_tensors);
    if (h.num_tensors != 0) std::memcpy(p.tensors.data(), r, h.num_tensors * sizeof(eb_tensor));
    r += h.num_tensors * sizeof(eb_tensor);
    p.instrs.resize(h.num_instrs);
    if (h.num_instrs != 0) std::memcpy(p.instrs.data(), r, h.num_instrs * sizeof(eb_instr));
    r += h.num_instrs * sizeof(eb_instr);
    p.strings.assign(reinterpret_cast<const char*>(r), h.strings_bytes);
    p.tensor_names.resize(h.num_tensors);
    for (size_t i = 0; i < p.tensor_names.size(); ++i) p.tensor_names[i] = fmt::format("t{}", i);
    p.notes.assign(h.num_instrs, "");
    return p;
}

uint64_t Program::dram_image_bytes() const {
    uint64_t n = 0;
    for (const auto& s : image) n += s.bytes.size();
    return n;
}

std::string Program::listing() const {
    static const char* targets[] = {"edgebert", "systolic", "cpu"};
    static const char* ops[] = {"end", "region", "eb.dma", "eb.matmul", "eb.sfu", "eb.wait", "sys.call", "host",
                                "exit.if"};
    std::string out = fmt::format("; edgebert-sim program, target {}: {} tensors, {} instructions, {} bytes of DRAM image\n",
                                  targets[target % 3], tensors.size(), instrs.size(), dram_image_bytes());
    static const char* fmts[] = {"f32", "af", "i8", "i32", "afd", "?"};
    for (size_t i = 0; i < tensors.size(); ++i) {
        const auto& t = tensors[i];
        out += fmt::format("; tensor {:4} {:28} {:3} {}x{} @0x{:x}", i, tensor_names[i], fmts[std::min<uint32_t>(t.format, 5)], t.rows,
                           t.cols, t.addr);
        if (t.format == EB_FMT_AF_BLOCKS)
            out += fmt::format(" blocks {}x{} stride {} bias {}", t.block_rows, t.ld, t.block_stride, t.exp_bias);
        if (t.format == EB_FMT_AF_DENSE) out += fmt::format(" ld {} bias {}", t.ld, t.exp_bias);
        if (t.format == EB_FMT_I8 || t.format == EB_FMT_I32) out += fmt::format(" scale {:g}", t.scale);
        out += "\n";
    }
    for (size_t i = 0; i < instrs.size(); ++i) {
        const auto& in = instrs[i];
        if (in.op == EB_OP_REGION) {
            out += fmt::format("\n{:6}  ; --- {}\n", i, notes[i]);
            continue;
        }
        out += fmt::format("{:6}  {:10} {}\n", i, in.op < EB_OP_COUNT ? ops[in.op] : "?", notes[i]);
    }
    return out;
}

}  // namespace edgebert::compiler
