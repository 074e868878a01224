// The EdgeBERT tile's configuration registers: 32 x 32-bit, index = address[6:2].
//
// Offsets, command codes and fields follow the published design; additions
// (marked "ext") use bits the original left unused, so drivers written for the
// silicon program this model unchanged. docs/register-map.md is generated from
// kRegisterFields (`edgebert-sim regmap`) and a test checks it is current.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace edgebert::hw::regs {

constexpr uint32_t kNumRegisters = 32;
constexpr uint32_t kWindowBytes = kNumRegisters * 4;

// Register offsets.
enum : uint32_t {
    kCtrl = 0x00,          // write: soft reset / W1C; read: cause and status (ext)
    kCommand = 0x04,
    kFlipMem = 0x08,
    kMatmulConfig = 0x0C,
    kMatmulDims = 0x10,
    kBaseInput = 0x14,     // input-SRAM base rows of decoder 0 / 1
    kBaseMask = 0x18,      // mask-SRAM base rows of decoder 0 / 1 ("base offsets")
    kAuxBases = 0x1C,
    kSfuShape = 0x20,
    kEntropy = 0x24,
    kMaskRdAddr = 0x28,
    kMaskWrAddr = 0x2C,
    kInputRdAddr = 0x30,
    kInputWrAddr = 0x34,
    kAuxRdAddr = 0x38,
    kAuxWrAddr = 0x3C,
    kDmaLength = 0x40,
    kAuxDmaLength = 0x44,
    kBaseOutput = 0x48,
    kUseAxi = 0x4C,
    kUseGb = 0x50,
    kGbMode = 0x54,
    kResetMode = 0x58,
    kStatus = 0x5C,
    kMacMode = 0x60,
    kDcoCodes0 = 0x64,     // levels 0-4
    kDcoCodes1 = 0x68,     // levels 5-9
    kDcoCodes2 = 0x6C,     // levels 10-14
    kLdoCodes0 = 0x70,     // levels 0-3
    kLdoCodes1 = 0x74,
    kLdoCodes2 = 0x78,
    kLdoCodes3 = 0x7C,     // levels 12-15
};

// Command codes written to kCommand.
enum Command : uint32_t {
    kCmdNone = 0,
    kCmdMaskRead = 1,      // DRAM -> mask SRAM
    kCmdMaskWrite = 2,     // mask SRAM -> DRAM
    kCmdInputRead = 3,     // DRAM -> input SRAM
    kCmdInputWrite = 4,    // input SRAM -> DRAM
    kCmdAuxRead = 5,       // DRAM -> aux SRAM
    kCmdAuxWrite = 6,      // aux SRAM -> DRAM
    kCmdMatmul = 7,
    kCmdLayerNorm = 8,
    kCmdSoftmax = 9,
    kCmdElementAdd = 10,
    kCmdEntropy = 11,
    kCmdDvfs = 12,
    // Extensions (not in the published map): a tile runs them only when its
    // configuration enables them, else they are unknown commands.
    kCmdLut = 13,          // SFU lookup table (EdgebertTileConfig::sfu_lut)
};
constexpr uint32_t kMaxCommand = 12;     // the published commands 1..12 (kCommandRegisters)
constexpr uint32_t kMaxExtCommand = 13;  // the highest code with the extensions (kExtCommandRegisters)
const char* command_name(uint32_t cmd);
inline bool is_dma_command(uint32_t c) { return c >= kCmdMaskRead && c <= kCmdAuxWrite; }
inline bool is_compute_command(uint32_t c) { return (c >= kCmdMatmul && c <= kCmdDvfs) || c == kCmdLut; }

// gb_mode values (kGbMode) that the special-function commands require. kGbLut
// is an extension: it widens the original's 4-bit gb_mode field to 5 bits (a
// tile without sfu_lut ignores bit 4, as the original does).
enum GbMode : uint32_t { kGbLayerNorm = 1, kGbSoftmax = 2, kGbElementAdd = 4, kGbEntropy = 8, kGbLut = 16 };
constexpr uint32_t kGbModeOriginalMask = 0xF;

// Error causes reported in kCtrl[3:0] (ext). The tile raises its interrupt on
// every error; strict mode refuses further commands until a soft reset
// (EdgebertTileConfig::checks; silicon mode runs them and counts a warning).
enum class ErrorCause : uint32_t {
    kNone = 0,
    kUnknownCommand = 1,   // command code not in 1..12 (1..13 with the sfu_lut extension)
    kBusy = 2,             // a command for a unit that is still running
    kBadDims = 3,          // zero, not a multiple of lanes, or over a field limit
    kSramOverflow = 4,     // an operand, result or DMA region runs past an SRAM's depth
    kDmaError = 5,         // the memory answered a DMA burst with an error response
    kBadMode = 6,          // use_axi / use_gb / gb_mode inconsistent with the command, or dense_results
                           // (ext) set on a tile without edgebert.dense_results
    kOverlap = 7,          // result region overlaps an operand, or a DMA overlaps a running computation
    kErrorPending = 8,     // a command issued while an earlier error is not yet reset
};
constexpr int kNumErrorCauses = 9;
const char* error_cause_name(ErrorCause c);

// kCtrl read layout (ext) and write bits.
namespace ctrl {
constexpr uint32_t kCauseMask = 0xF;       // [3:0] ErrorCause
constexpr uint32_t kErrorBit = 1u << 4;    // [4] error latched
constexpr uint32_t kDmaBusyBit = 1u << 5;  // [5] a DMA command is running
constexpr uint32_t kComputeBusyBit = 1u << 6;  // [6] a compute command is running
constexpr uint32_t kLastCmdShift = 8;      // [15:8] last completed command
constexpr uint32_t kDmaDoneBit = 1u << 16;     // [16] a DMA command completed (W1C)
constexpr uint32_t kComputeDoneBit = 1u << 17; // [17] a compute command completed (W1C)
constexpr uint32_t kSoftResetBit = 1u << 0;    // write 1: soft reset (drivers write 1 here)
}  // namespace ctrl

// A field of a register, for decoding, documentation and tests.
struct Field {
    const char* name;
    uint32_t offset;
    int lsb;
    int width;
    bool is_signed;
    bool extension;   // not in the published map
    const char* description;
    const char* latch;  // when the original hardware takes the value (this model: at the command write)
};

extern const Field kRegisterFields[];
extern const int kNumRegisterFields;

// The registers each command uses, in this model and in the original (section
// "Commands" of docs/register-map.md). `reads` and `checks` name kRegisterFields;
// tests/unit/edgebert/test_register_map_commands.cpp checks them against
// plan_command(): every other field must leave the plan unchanged.
struct CommandRegisters {
    uint32_t command;
    std::vector<const char*> reads;   // decoded into the command's job
    std::vector<const char*> checks;  // read only to accept or refuse the command
    const char* original_reads;       // the original: read at the command write
    const char* original_depends;     // the original: latched or token values it depends on
    const char* original_irq;         // the original's interrupt source
    const char* model_irq;            // this model's interrupt
};
extern const CommandRegisters kCommandRegisters[];   // commands 1..kMaxCommand, in order
extern const int kNumCommandRegisters;
// The extension commands (kMaxCommand + 1 ..), in order; documented as such.
extern const CommandRegisters kExtCommandRegisters[];
extern const int kNumExtCommandRegisters;

// Value of a field from a register word (sign-extended where the field is signed).
int32_t field_value(uint32_t word, int lsb, int width, bool is_signed = false);
inline uint32_t field_bits(uint32_t value, int lsb, int width) {
    return (value & ((width >= 32) ? 0xFFFFFFFFu : ((1u << width) - 1u))) << lsb;
}

// Markdown table of every register and field (the source of docs/register-map.md).
std::string register_map_markdown();
// C header for the runtime: field positions, command codes, ctrl bits, error causes.
std::string register_map_c_header();

}  // namespace edgebert::hw::regs
