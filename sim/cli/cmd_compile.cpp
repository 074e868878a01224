// `edgebert-sim compile`: lowers a model for one target and writes the
// program (docs/program-format.md) and/or prints its listing: exactly what
// the chip is told, register field by register field.
#include <fmt/format.h>

#include <fstream>
#include <iostream>

#include "common/error.hpp"
#include "compiler/lower/lowering.hpp"
#include "sim/cli/cli_common.hpp"
#include "sim/cli/commands.hpp"
#include "sim/cli/run_report_extras.hpp"
#include "hw/soc/soc_config_json.hpp"

namespace edgebert::cli {

namespace {

void write_file(const std::string& path, const void* data, size_t len) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    if (!f) throw Error(fmt::format("{}: cannot open for writing", path));
    f.write(static_cast<const char*>(data), static_cast<std::streamsize>(len));
    if (!f) throw Error(fmt::format("{}: write failed", path));
}

}  // namespace

int cmd_compile(const std::vector<std::string>& args) {
    po::options_description desc("options");
    WorkloadOptions w;
    std::string out, target = "edgebert", mode = "optimized";
    bool listing = false;
    w.add_to(desc);
    desc.add_options()
        ("target", po::value(&target)->default_value(target), "edgebert | systolic | cpu")
        ("mode", po::value(&mode)->default_value(mode), "optimized | thesis")
        ("out", po::value(&out), "write the program to FILE and its DRAM image to FILE.img")
        ("listing", po::bool_switch(&listing), "print the human-readable listing");
    po::variables_map vm;
    if (!parse_options("compile", "[options]", desc, args, vm)) return 0;
    if (out.empty() && !listing) throw Error("compile: nothing to do (give --out FILE and/or --listing)");

    const auto soc = load_soc(w.soc_path);
    const auto cfg = load_model_config(w.model_path);
    const PreparedModel pm = w.prepare(cfg, "compile");
    compiler::CompileOptions o;
    o.target = compiler::parse_target(target);
    o.mode = compiler::parse_mode(mode);
    o.layers = w.layers;
    if (o.mode == compiler::Mode::Thesis) o.thesis_input = pm.reference.embedding_output.data;
    const auto m = compiler::compile_model(cfg, pm.weights.weights, pm.input, soc, o, pm.act_max);
    // The config hash first, as in `run`'s report, so a listing names the design point it was compiled for.
    if (listing)
        std::cout << fmt::format("; config {} ({}), edgebert-sim {}\n", hw::soc_config_hash_hex(soc),
                                 w.soc_path.empty() ? std::string("embedded default") : w.soc_path, program_version())
                  << m.program.listing();
    if (!out.empty()) {
        const auto bytes = m.program.serialize();
        write_file(out, bytes.data(), bytes.size());
        // DRAM image: per segment, u64 address, u64 length, then the bytes.
        std::vector<uint8_t> img;
        for (const auto& s : m.program.image) {
            const uint64_t hdr[2] = {s.addr, s.bytes.size()};
            img.insert(img.end(), reinterpret_cast<const uint8_t*>(hdr), reinterpret_cast<const uint8_t*>(hdr) + 16);
            img.insert(img.end(), s.bytes.begin(), s.bytes.end());
        }
        write_file(out + ".img", img.data(), img.size());
        std::cerr << fmt::format("wrote {} ({} instructions, {} tensors) and {}.img ({} bytes)\n", out,
                                 m.program.instrs.size(), m.program.tensors.size(), out, img.size());
    }
    return 0;
}

}  // namespace edgebert::cli
