#include "hw/systolic/systolic_regs.hpp"

#include <fmt/format.h>

namespace edgebert::hw::systolic_regs {

const char* error_cause_name(ErrorCause c) {
    switch (c) {
        case ErrorCause::kNone: return "none";
        case ErrorCause::kUnknownCommand: return "unknown command";
        case ErrorCause::kBusy: return "busy";
        case ErrorCause::kBadDims: return "bad dimensions";
        case ErrorCause::kBadStride: return "bad stride";
        case ErrorCause::kDmaError: return "DMA error";
        case ErrorCause::kErrorPending: return "error pending";
    }
    return "unknown cause";
}

const char* access_name(Access a) {
    switch (a) {
        case Access::kRW: return "RW";
        case Access::kRO: return "RO";
        case Access::kWO: return "WO";
        case Access::kCtrl: return "RW/W1C";
    }
    return "?";
}

std::string register_table_markdown() {
    std::string s = "| offset | name | access | contents |\n|---|---|---|---|\n";
    for (const auto& r : kRegisters)
        s += fmt::format("| 0x{:02X} | `{}` | {} | {} |\n", r.offset, r.name, access_name(r.access), r.description);
    return s;
}

}  // namespace edgebert::hw::systolic_regs
