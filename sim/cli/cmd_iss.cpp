// `edgebert-sim iss FILE.elf`: runs a bare-metal RISC-V program on the SoC's
// core (the instruction-set simulator) with the UART on stdout. The program
// exits through tohost (Spike's convention); the exit status is its code.
#include <fmt/format.h>

#include <chrono>
#include <iostream>

#include "common/error.hpp"
#include "common/json_writer.hpp"
#include "hw/soc/soc.hpp"
#include "sim/cli/cli_common.hpp"
#include "sim/cli/commands.hpp"

namespace edgebert::cli {

int cmd_iss(const std::vector<std::string>& args) {
    po::options_description desc("options");
    std::string elf, soc_path, json_path;
    uint64_t max_cycles = 2'000'000'000ull;
    desc.add_options()
        ("elf", po::value(&elf)->required(), "RISC-V ELF to run")
        ("soc", po::value(&soc_path), "SoC config (default: embedded configs/soc/default.json)")
        ("max-cycles", po::value(&max_cycles)->default_value(max_cycles), "stop after this many core cycles")
        ("json", po::value(&json_path), "write exit_code, instructions, cycles, wall_s, mips as JSON");
    po::positional_options_description pos;
    pos.add("elf", 1);
    po::variables_map vm;
    if (!parse_options("iss", "FILE.elf [options]", desc, args, vm, &pos)) return 0;
    const auto soc_cfg = load_soc(soc_path);

    sc_core::sc_curr_simcontext = new sc_core::sc_simcontext();
    sc_core::sc_default_global_context = sc_core::sc_curr_simcontext;
    hw::Soc soc("soc", soc_cfg, /*with_iss=*/true);
    soc.uart.set_echo(&std::cout);
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = soc.run_firmware(elf, max_cycles);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cout.flush();
    // Why a CSR access trapped (the firmware only sees an access fault).
    if (const hw::EspCsr* csr = soc.esp_csr())
        for (const auto& e : csr->errors()) std::cerr << "iss: " << e << "\n";
    const double mips = r.instructions / std::max(wall, 1e-9) / 1e6;
    std::cerr << fmt::format("iss: {} after {} instructions, {} cycles (IPC {:.2f}), {:.3f} s wall, {:.1f} MIPS\n",
                             r.exited ? fmt::format("exit code {}", r.exit_code) : r.stop, r.instructions, r.cycles,
                             r.cycles ? double(r.instructions) / double(r.cycles) : 0.0, wall, mips);
    if (!json_path.empty())
        write_json_file(json_path, boost::json::object{{"elf", elf}, {"exit_code", r.exit_code}, {"exited", r.exited},
                                                       {"stop", r.stop}, {"instructions", r.instructions},
                                                       {"cycles", r.cycles}, {"wall_s", wall}, {"mips", mips}});
    if (!r.exited) {
        if (r.stop == "cycle limit")
            throw Error(fmt::format("iss: {} did not exit within --max-cycles {} (a program that never exits?)", elf,
                                    max_cycles));
        throw Error(fmt::format("iss: {} stopped: {} (see the trap message above)", elf, r.stop));
    }
    return r.exit_code;
}

}  // namespace edgebert::cli
