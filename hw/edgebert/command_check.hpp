// The tile's command decoding and programming checks, in one pure C++ place
// shared by the SystemC control unit (hw/edgebert/control.cpp) and the
// functional platform (sim/functional/functional_platform.cpp), so both treat
// every register write alike and their results stay bit-exact.
//
// plan_command() decodes the register file at the write of the command
// register into the job a unit runs, the SRAM rows it touches, and every
// violation of the programming rules, each with the cause strict mode raises
// and what the original hardware does instead (notes: docs/register-map.md,
// "Checks"). decide() turns violations into what the tile does in a mode:
//   strict:  any violation refuses the command with the first one's cause;
//   silicon: the command runs as the original runs it (wrap, floor, queue,
//            no check) and every violation is counted as a warning; an
//            unknown command is ignored; where the original hangs the command
//            is refused as in strict mode and the warning says so.
// The control unit adds the timing-dependent checks (busy unit, a DMA against
// the running computation); the units add the data-dependent ones
// (operand_checks: packed operand depth, result over an operand).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hw/edgebert/functional/matmul.hpp"
#include "hw/edgebert/register_layout.hpp"
#include "hw/edgebert/register_map.hpp"
#include "hw/edgebert/tile_config.hpp"

namespace edgebert::hw {

// The published registers and the extension registers of the extended layout
// (index = offset / 4; a published tile never writes the extension words).
using RegisterFile = std::array<uint32_t, regs::kNumRegisters + regs::kNumExtRegisters>;
// The extension registers hold high bits for the next command only: cleared at
// every command write (after decoding) and by a soft reset.
inline void clear_extension_registers(RegisterFile& r) {
    for (uint32_t i = regs::kNumRegisters; i < r.size(); ++i) r[i] = 0;
}

// The SRAMs of the tile.
enum class SramId { Input0, Mask0, Input1, Mask1, Aux };
const char* sram_name(SramId s);
int sram_depth(const EdgebertTileConfig& cfg, SramId s);
inline SramId input_sram_of(int dec) { return dec ? SramId::Input1 : SramId::Input0; }
inline SramId mask_sram_of(int dec) { return dec ? SramId::Mask1 : SramId::Mask0; }

// Rows [first, first + count) of an SRAM a command reads or writes. In silicon
// mode a range may wrap past the last row (count <= depth).
struct SramRange {
    SramId sram = SramId::Input0;
    int first = 0, count = 0;
    bool written = false;
};
// Whether two sets of ranges touch a common row that at least one writes.
bool ranges_conflict(const EdgebertTileConfig& cfg, const std::vector<SramRange>& a, const std::vector<SramRange>& b);

// Commands 1-6.
struct DmaPlan {
    bool to_sram = true;   // read DRAM -> SRAM (1, 3, 5) or write SRAM -> DRAM (2, 4, 6)
    SramId sram = SramId::Mask0;
    int first_row = 0, rows = 0;
    uint64_t dram_addr = 0;
};

// Command 7. An n0 or n1 of 0 (silicon mode: N0 < lanes, or N1 = 0) expects no
// output: the unit completes at once without touching the SRAMs.
struct MatmulJob {
    fn::MatmulParams params;
    int a_mask_base = 0, a_input_base = 0;   // decoder 0
    int b_mask_base = 0, b_input_base = 0;   // decoder 1
    int out_decoder = 0;
    int out_mask_base = 0, out_input_base = 0;
    bool dense_out = false;   // dense_results (ext, EdgebertTileConfig::dense_results): encode every vector as is
};

// Commands 8-12, and the extension 13 (Lut, EdgebertTileConfig::sfu_lut). Only
// the fields the operation uses are decoded; the others keep their defaults
// (docs/register-map.md, "Commands"). Lut: x is the operand, gamma_row the
// first aux row of its 256-entry table; it reads no bias field.
enum class SfuOp { LayerNorm, Softmax, ElementAdd, Entropy, Dvfs, Lut };
struct SfuJob {
    SfuOp op = SfuOp::LayerNorm;
    int num_vector = 1, num_timestep = 1;
    int x_bias = -10, y_bias = -10, out_bias = -10;   // act1, act2, act3
    int x_mask_base = 0, x_input_base = 0;            // decoder 0
    int y_mask_base = 0, y_input_base = 0;            // decoder 1 (element add)
    int out_decoder = 0, out_mask_base = 0, out_input_base = 0;
    bool dense_out = false;                           // dense_results (ext), as MatmulJob::dense_out
    int gamma_row = 0, beta_row = 0, span_row = 0;    // aux SRAM rows
    int gamma_bias = -10, beta_bias = -10, span_bias = -10;
    uint16_t threshold_q10 = 0;
    int entropy_scale = 0;
    int direct_level = 0;                             // DVFS with scale 0
    std::array<int, 15> dco_codes{};                  // DVFS: DCO code of levels 0-14 (15: the top code)
    std::array<int, 16> ldo_codes{};                  // DVFS: LDO code of levels 0-15
};
inline bool sfu_writes_output(SfuOp op) {
    return op == SfuOp::LayerNorm || op == SfuOp::Softmax || op == SfuOp::ElementAdd || op == SfuOp::Lut;
}

// What the original hardware does with programming strict mode refuses.
enum class HwEffect {
    Runs,      // runs with the documented semantics (wrap, floor, back-pressure, no check)
    Ignored,   // nothing happens, no interrupt (unknown command)
    Hangs,     // the original hangs; both modes refuse with an interrupt
    Refused,   // beyond this configuration's limits; no hardware equivalent, refused in both modes
};

struct CheckViolation {
    regs::ErrorCause cause = regs::ErrorCause::kNone;
    HwEffect effect = HwEffect::Runs;
    std::string check;      // the rule strict mode enforces
    std::string hardware;   // what the original hardware does
    std::vector<std::pair<std::string, uint32_t>> registers;  // the relevant register fields
};
extern const char* const kHangsText;  // "the original hardware hangs here (no interrupt)"

struct CommandPlan {
    uint32_t command = 0;
    bool known = false;             // a command code 1..12, or 13 with cfg.sfu_lut
    bool dma = false;               // commands 1-6 (else compute, when known)
    DmaPlan dma_job;
    MatmulJob matmul;
    SfuJob sfu;
    std::vector<SramRange> footprint;
    std::vector<CheckViolation> violations;   // in the order strict mode checks them
};

// Decodes `command` from the register file (as snapshotted at the write of the command register).
CommandPlan plan_command(const EdgebertTileConfig& cfg, const RegisterFile& regs, uint32_t command);

// The timing-dependent violations the control unit finds.
CheckViolation busy_violation(uint32_t command, uint32_t running, bool dma);
CheckViolation overlap_violation(uint32_t command, uint32_t running);
CheckViolation error_pending_violation(uint32_t ctrl_word, regs::ErrorCause latched);

// The data-dependent checks after an operand was decoded: its bank pointers ran
// past the input SRAM (`past_end`), or the result overlaps an operand of the
// output decoder (input rows: the packed depth actually used).
struct OperandUse {
    int input_rows_used = 0;
    bool past_end = false;
};
std::vector<CheckViolation> operand_checks(const EdgebertTileConfig& cfg, const MatmulJob& job, OperandUse a,
                                           OperandUse b);
std::vector<CheckViolation> operand_checks(const EdgebertTileConfig& cfg, const SfuJob& job, OperandUse x,
                                           OperandUse y);

struct CheckDecision {
    bool run = false;
    regs::ErrorCause refuse = regs::ErrorCause::kNone;  // != kNone: error cause + interrupt
    std::vector<CheckViolation> warnings;               // silicon mode: to record (one per cause)
};
CheckDecision decide(CheckMode mode, const std::vector<CheckViolation>& violations);

// One warning of silicon mode, for reports.
struct CheckWarning {
    uint64_t cycle = 0;          // tile cycles since time zero (exact while the clock is constant)
    uint64_t time_ps = 0;
    uint32_t command = 0;
    regs::ErrorCause cause = regs::ErrorCause::kNone;
    std::string check, hardware;
    std::vector<std::pair<std::string, uint32_t>> registers;
};
CheckWarning make_warning(const CheckViolation& v, uint32_t command, uint64_t cycle, uint64_t time_ps);

}  // namespace edgebert::hw
