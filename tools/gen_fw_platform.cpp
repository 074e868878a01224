// Build-time generator of the firmware's platform header (fw_platform.h) from
// a SoC config, so the firmware and the hardware read the same parameters.
#include <fmt/format.h>

#include <systemc>

#include <fstream>
#include <iostream>

#include "hw/soc/native_hal.hpp"
#include "hw/soc/soc_config.hpp"

// The SoC library links SystemC, whose main() calls sc_main.
int sc_main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: gen_fw_platform <soc.json> <output.h>\n";
        return 2;
    }
    try {
        const auto soc = edgebert::hw::load_soc_config(argv[1]);
        const eb_platform p = edgebert::hw::platform_of(soc);
        std::ofstream out(argv[2], std::ios::trunc);
        // Designated initialisers: a field added to eb_platform cannot silently shift the others.
        out << fmt::format(
            "/* Generated from {} by gen_fw_platform: do not edit. */\n#ifndef FW_PLATFORM_H\n#define FW_PLATFORM_H\n\n"
            "#define FW_UART_BASE 0x{:x}ull\n#define FW_DRAM_RESERVED 0x1000000ull\n"
            "#define FW_PLATFORM_INIT {{ \\\n"
            "    .dram_base = 0x{:x}ull, .dram_size = 0x{:x}ull, .plic_base = 0x{:x}ull, \\\n"
            "    .edgebert_base = 0x{:x}ull, .edgebert_irq = {}u, .lanes = {}u, .input_sram_depth = {}u, \\\n"
            "    .mask_sram_depth = {}u, .aux_sram_depth = {}u, .max_n = {}u, .max_m = {}u, \\\n"
            "    .register_layout = {}u, .bias_min = {}, \\\n"
            "    .systolic_base = 0x{:x}ull, .systolic_irq = {}u, .systolic_size = {}u, \\\n"
            "    .l2_ctrl_base = 0x{:x}ull, .llc_ctrl_base = 0x{:x}ull, \\\n"
            "    .edgebert_coherence = {}u, .systolic_coherence = {}u, \\\n"
            "    .edgebert_coherence_csr = 0x{:x}ull, .systolic_coherence_csr = 0x{:x}ull}}\n\n#endif\n",
            argv[1], soc.map.uart_base, p.dram_base, p.dram_size, p.plic_base, p.edgebert_base, p.edgebert_irq, p.lanes,
            p.input_sram_depth, p.mask_sram_depth, p.aux_sram_depth, p.max_n, p.max_m, p.register_layout, p.bias_min, p.systolic_base,
            p.systolic_irq, p.systolic_size, p.l2_ctrl_base, p.llc_ctrl_base, p.edgebert_coherence,
            p.systolic_coherence, p.edgebert_coherence_csr, p.systolic_coherence_csr);
        return out ? 0 : 1;
    } catch (const std::exception& e) {
        std::cerr << "gen_fw_platform: " << e.what() << "\n";
        return 1;
    }
}
