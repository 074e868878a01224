// Build-time generator of the runtime's systolic-tile header (eb_systolic_regs.h)
// from the register table in hw/systolic/systolic_regs.hpp.
#include <cctype>
#include <fstream>
#include <iostream>
#include <string>

#include "hw/systolic/systolic_regs.hpp"

int main(int argc, char** argv) {
    using namespace edgebert::hw::systolic_regs;
    if (argc != 2) {
        std::cerr << "usage: gen_sys_regs <output.h>\n";
        return 2;
    }
    std::ofstream out(argv[1], std::ios::trunc);
    auto upper = [](std::string s) {
        for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return s;
    };
    out << "/* Generated from hw/systolic/systolic_regs.hpp by gen_sys_regs: do not edit. */\n"
           "#ifndef EB_SYSTOLIC_REGS_H\n#define EB_SYSTOLIC_REGS_H\n\n";
    for (const auto& r : kRegisters) out << "#define SYS_REG_" << upper(r.name) << " 0x" << std::hex << r.offset << std::dec << "u\n";
    out << "\n#define SYS_CMD_RUN " << kCmdRun << "u\n#define SYS_FLAG_ACCUMULATE " << flags::kAccumulate << "u\n"
        << "#define SYS_CTRL_CAUSE_MASK " << ctrl::kCauseMask << "u\n#define SYS_CTRL_ERROR " << ctrl::kErrorBit << "u\n"
        << "#define SYS_CTRL_BUSY " << ctrl::kBusyBit << "u\n#define SYS_CTRL_DONE " << ctrl::kDoneBit << "u\n"
        << "#define SYS_CTRL_SOFT_RESET " << ctrl::kSoftResetBit << "u\n"
        << "#define SYS_CAUSE_BAD_DIMS " << static_cast<uint32_t>(ErrorCause::kBadDims) << "u\n"
        << "#define SYS_CAUSE_BAD_STRIDE " << static_cast<uint32_t>(ErrorCause::kBadStride) << "u\n"
        << "\n#endif /* EB_SYSTOLIC_REGS_H */\n";
    return out ? 0 : 1;
}
