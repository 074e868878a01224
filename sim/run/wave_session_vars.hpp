// Internal to the wave session (wave_session.cpp, wave_views.cpp): the traced
// variables of one tile and GTKWave's trace flags.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/run/wave_session.hpp"

namespace edgebert::sim {

// GTKWave save-file trace flags (gtkwave's analyzer.h TR_*).
inline constexpr uint32_t kHex = 0x2, kDec = 0x4, kRjustify = 0x20, kBlank = 0x200, kFtranslated = 0x2000,
                          kReal = 0x40000, kGrpBegin = 0x800000, kGrpEnd = 0x1000000;

struct WaveSession::TileVars {
    std::string name;
    bool edgebert = true;
    uint64_t reg_base = 0;
    int beat_bytes = 8;
    int irq = -1;
    std::vector<int> commands;  // running-command variables (first command: the view's left edge)
    int regs_addr = -1, regs_data = -1, regs_writes = -1;
    int dma_addr = -1, dma_beats = -1, dma_write = -1, dma_bursts = -1, dma_in_flight = -1;
    // The view's groups: title, then (variable, format, filter file) rows.
    struct Row {
        int var;
        uint32_t format;
        std::string filter;
    };
    std::vector<std::pair<std::string, std::vector<Row>>> groups;
};

}  // namespace edgebert::sim
