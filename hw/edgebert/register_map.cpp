#include "hw/edgebert/register_map.hpp"

#include "hw/edgebert/register_layout.hpp"

#include <fmt/format.h>

#include <cctype>

namespace edgebert::hw::regs {

// clang-format off
const Field kRegisterFields[] = {
    {"soft_reset",      kCtrl,  0,  1, false, false, "write 1: soft reset (clears error, cause and done bits; registers keep their values)",
     "- (the original's 0x00 is a scratch register)"},
    {"cause",           kCtrl,  0,  4, false, true,  "read: error cause (0 none, 1 unknown command, 2 busy, 3 bad dims, 4 SRAM overflow, 5 DMA error, 6 bad mode, 7 overlap, 8 error pending)",
     "- (ext)"},
    {"error",           kCtrl,  4,  1, false, true,  "read: an error is latched (strict mode refuses commands until a soft reset; silicon mode runs them)",
     "- (ext)"},
    {"dma_busy",        kCtrl,  5,  1, false, true,  "read: a DMA command (1-6) is running",
     "- (ext)"},
    {"compute_busy",    kCtrl,  6,  1, false, true,  "read: a compute command (7-12) is running",
     "- (ext)"},
    {"last_command",    kCtrl,  8,  8, false, true,  "read: code of the last completed command",
     "- (ext)"},
    {"dma_done",        kCtrl, 16,  1, false, true,  "a DMA command completed; write 1 to clear",
     "- (ext)"},
    {"compute_done",    kCtrl, 17,  1, false, true,  "a compute command completed; write 1 to clear",
     "- (ext)"},
    {"command",         kCommand, 0, 4, false, false, "1 mask rd, 2 mask wr, 3 input rd, 4 input wr, 5 aux rd, 6 aux wr, 7 matmul, 8 layer norm, 9 softmax, 10 element add, 11 entropy, 12 DVFS; ext: 13 LUT (only with edgebert.sfu_lut, else an unknown command)",
     "immediate: starts the command"},
    {"flip_mem",        kFlipMem, 0, 1, false, false, "decoder (0/1) whose SRAMs DMA commands and results use",
     "on write, polled (applies mid-command)"},
    {"is_relu",         kMatmulConfig, 0, 1, false, false, "matmul: clamp negative outputs to 0",
     "on write, polled by the accumulator (applies mid-matmul)"},
    {"is_bias",         kMatmulConfig, 4, 1, false, false, "matmul: add weight_bias to every output",
     "on write, polled by the accumulator"},
    {"weight_bias",     kMatmulConfig, 8, 8, true,  false, "matmul: signed bias, in units of the output format's smallest step (2^(out_exp_bias - mant_bits))",
     "on write, polled by the accumulator"},
    {"accum_bias",      kMatmulConfig, 16, 3, false, false, "matmul: output AdaptivFloat bias field (exp_bias = field - 10)",
     "on write, polled by the accumulator"},
    {"accum_shift",     kMatmulConfig, 20, 5, false, false, "matmul: output scaled by 2^-shift before conversion (no intermediate rounding)",
     "on write, polled by the accumulator"},
    {"n0",              kMatmulDims, 0, 10, false, false, "matmul: rows of A (decoder 0), multiple of lanes",
     "read at command 7"},
    {"n1",              kMatmulDims, 10, 10, false, false, "matmul: rows of B^T (decoder 1), multiple of lanes",
     "read at command 7"},
    {"m",               kMatmulDims, 20, 12, false, false, "matmul: inner dimension, multiple of lanes",
     "read at command 7"},
    {"base_input0",     kBaseInput, 0, 12, false, false, "input-SRAM row where decoder 0's operand starts; input DMA reads into decoder 0 land here (ext: the original starts at row 0)",
     "on write: one token per matmul (write it before each); SFU: polled"},
    {"base_input1",     kBaseInput, 16, 12, false, false, "input-SRAM row where decoder 1's operand starts; input DMA reads into decoder 1 land here (ext)",
     "on write: one token per matmul (write it before each); SFU: polled"},
    {"base_mask0",      kBaseMask, 0, 12, false, false, "mask-SRAM row where decoder 0's operand starts; mask DMA reads into decoder 0 land here (ext: the original starts at row 0)",
     "on write: one token per operation (write it before each)"},
    {"base_mask1",      kBaseMask, 16, 12, false, false, "mask-SRAM row where decoder 1's operand starts; mask DMA reads into decoder 1 land here (ext)",
     "on write: one token per operation (write it before each)"},
    {"base_attn_span",  kAuxBases, 0, 7, false, false, "aux row of the attention-span mask (one entry per distance |i-j|)",
     "on write, polled by softmax"},
    {"base_gamma",      kAuxBases, 7, 8, false, false, "aux row of layer-norm gamma; ext: first aux row of the LUT command's table (2^act_total_bits entries, ceil(entries / lanes) rows)",
     "on write, polled by layer norm"},
    {"base_beta",       kAuxBases, 15, 8, false, false, "aux row of layer-norm beta",
     "on write; the original's layer norm reads beta at base_gamma"},
    {"bias_attn_span",  kAuxBases, 23, 3, false, false, "bias field of the span mask",
     "on write, polled"},
    {"bias_gamma",      kAuxBases, 26, 3, false, false, "bias field of gamma",
     "on write, polled"},
    {"bias_beta",       kAuxBases, 29, 3, false, false, "bias field of beta",
     "on write, polled"},
    {"num_vector",      kSfuShape, 0, 8, false, false, "special functions: vectors per row (row length / lanes)",
     "on write: one decoder token per operation; SFU: polled"},
    {"num_timestep",    kSfuShape, 8, 8, false, false, "special functions: rows",
     "on write: one decoder token per operation; SFU: polled"},
    {"bias_act1",       kSfuShape, 16, 3, false, false, "bias field of operand 0 (decoder 0: matmul A, SFU input)",
     "on write: one decoder token per operation; SFU: polled"},
    {"bias_act2",       kSfuShape, 20, 3, false, false, "bias field of operand 1 (decoder 1: matmul B, element-add second input)",
     "on write: one decoder token per operation; SFU: polled"},
    {"bias_act3",       kSfuShape, 24, 3, false, false, "bias field of the special-function output",
     "on write: one decoder token per operation; SFU: polled"},
    {"entropy_threshold", kEntropy, 0, 16, false, false, "early-exit threshold E_T, unsigned Q6.10",
     "on write, latched"},
    {"entropy_scale",   kEntropy, 16, 8, false, false, "DVFS: key = (H << 8) / scale; 0 selects level direct_level (ext)",
     "on write, latched"},
    {"direct_level",    kEntropy, 24, 4, false, true,  "DVFS with scale 0: the level to apply (software-chosen V/f)",
     "- (ext)"},
    {"mask_rd_addr",    kMaskRdAddr, 0, 32, false, false, "DRAM address of the mask words to read",
     "read at command 1"},
    {"mask_wr_addr",    kMaskWrAddr, 0, 32, false, false, "DRAM address to write mask words to",
     "read at command 2"},
    {"input_rd_addr",   kInputRdAddr, 0, 32, false, false, "DRAM address of the input rows to read",
     "read at command 3"},
    {"input_wr_addr",   kInputWrAddr, 0, 32, false, false, "DRAM address to write input rows to",
     "read at command 4"},
    {"aux_rd_addr",     kAuxRdAddr, 0, 32, false, false, "DRAM address of the aux rows to read",
     "read at command 5"},
    {"aux_wr_addr",     kAuxWrAddr, 0, 32, false, false, "DRAM address to write aux rows to",
     "read at command 6"},
    {"dma_length",      kDmaLength, 0, 12, false, false, "mask / input DMA: vectors (mask words or input rows) - 1",
     "read at commands 1-4"},
    {"aux_dma_length",  kAuxDmaLength, 0, 8, false, false, "aux DMA: rows - 1",
     "read at commands 5-6"},
    {"aux_dma_base",    kAuxDmaLength, 16, 8, false, true, "aux DMA: first aux-SRAM row",
     "- (ext)"},
    {"base_output",     kBaseOutput, 0, 12, false, false, "input-SRAM row where results are encoded and where input write-outs (command 4) read (decoder flip_mem)",
     "on write, token-like: the encoder takes a new value after the next operation's first vector; a write-out takes the one written before the previous write-out ended"},
    {"base_output_mask",kBaseOutput, 16, 12, false, true, "mask-SRAM row where result masks are encoded and where mask write-outs (command 2) read (decoder flip_mem)",
     "- (ext)"},
    {"dense_results",   kBaseOutput, 31, 1, false, true, "1: commands 7-10 and ext 13 write their result as a dense stream (every mask bit set, input row k = vector k, zero codes included); only with edgebert.dense_results, else strict mode refuses the command (bad mode) and silicon mode ignores the bit (section Extension fields)",
     "- (ext)"},
    {"use_axi",         kUseAxi, 0, 1, false, false, "1: SRAM read responses to the DMA (write-outs 2, 4, 6 need it); 0: to compute (7-12, ext 13 need it). DMA reads (1, 3, 5) work with either",
     "on write, polled (applies mid-command)"},
    {"use_gb",          kUseGb, 0, 1, false, false, "1: decoded vectors to the special-function unit (8-12, ext 13); 0: to the PU (7)",
     "on write, polled (applies mid-command)"},
    {"gb_mode",         kGbMode, 0, 5, false, false, "1 layer norm, 2 softmax, 4 element add, 8 entropy / DVFS; ext: 16 LUT. The extension widens the original's 4-bit field [3:0] by bit 4, which a tile without edgebert.sfu_lut ignores as the original does",
     "on write, polled; a config write reaches only the units selected at that time"},
    {"reset_mode",      kResetMode, 0, 12, false, false, "decoder read patterns of the original; accepted and ignored (the command implies them)",
     "on write, polled; write it before the writes and the command it governs"},
    {"entropy_status",  kStatus, 0, 2, false, false, "read: 3 exit (H <= threshold), 2 continue, 0 none yet",
     "written by the hardware (command 11)"},
    {"dco_code",        kStatus, 2, 6, false, false, "read: DCO code applied by the last DVFS command",
     "written by the hardware (command 12)"},
    {"ldo_code",        kStatus, 10, 8, false, false, "read: LDO code applied by the last DVFS command",
     "written by the hardware (command 12)"},
    {"entropy_value",   kStatus, 18, 14, false, true, "read: last entropy H, unsigned Q4.10 (saturated)",
     "- (ext)"},
    {"mac_mode",        kMacMode, 0, 32, false, false, "reserved for a low-precision MAC mode; stored, no effect",
     "- (scratch)"},
    {"dco_codes_0_4",   kDcoCodes0, 0, 30, false, false, "DCO codes of levels 0-4, 6 bits each from bit 0",
     "on write, latched (read by command 12)"},
    {"dco_codes_5_9",   kDcoCodes1, 0, 30, false, false, "DCO codes of levels 5-9",
     "on write, latched (read by command 12)"},
    {"dco_codes_10_14", kDcoCodes2, 0, 30, false, false, "DCO codes of levels 10-14 (level 15 uses the top code)",
     "on write, latched (read by command 12)"},
    {"ldo_codes_0_3",   kLdoCodes0, 0, 32, false, false, "LDO codes of levels 0-3, 8 bits each from bit 0",
     "on write, latched (read by command 12)"},
    {"ldo_codes_4_7",   kLdoCodes1, 0, 32, false, false, "LDO codes of levels 4-7",
     "on write, latched (read by command 12)"},
    {"ldo_codes_8_11",  kLdoCodes2, 0, 32, false, false, "LDO codes of levels 8-11",
     "on write, latched (read by command 12)"},
    {"ldo_codes_12_15", kLdoCodes3, 0, 32, false, false, "LDO codes of levels 12-15",
     "on write, latched (read by command 12)"},
};
// clang-format on
const int kNumRegisterFields = static_cast<int>(sizeof(kRegisterFields) / sizeof(kRegisterFields[0]));

namespace {
constexpr const char* kDmaIrq = "one pulse when it completes (kCtrl dma_done) or is refused (kCtrl cause)";
constexpr const char* kComputeIrq = "one pulse when it completes (kCtrl compute_done) or is refused (kCtrl cause)";
}  // namespace
// What the original's layer norm, softmax and element add have in common.
#define EB_SFU_DEPENDS                                                                                          \
    "0x20 (num_vector, num_timestep, bias fields); base_input0, and fresh writes of 0x14 / 0x18 / 0x20 (tokens " \
    "of the decoder); use_gb = 1; use_axi = 0; flip_mem (operand and result memory); base_output (result)"

// clang-format off
const CommandRegisters kCommandRegisters[] = {
    {kCmdMaskRead, {"flip_mem", "base_mask0", "base_mask1", "dma_length", "mask_rd_addr"}, {},
     "dma_length [11:0] (0x40), mask_rd_addr (0x28)",
     "flip_mem (target decoder); writes from mask entry 0 (no base)", "IRQs[2] (mask rd)", kDmaIrq},
    {kCmdMaskWrite, {"flip_mem", "base_output_mask", "dma_length", "mask_wr_addr"}, {"use_axi"},
     "dma_length [11:0], mask_wr_addr (0x2C)",
     "base_output [11:0] as mask entries (written at least once before; token-like); flip_mem; use_axi = 1",
     "IRQs[3] (mask wr)", kDmaIrq},
    {kCmdInputRead, {"flip_mem", "base_input0", "base_input1", "dma_length", "input_rd_addr"}, {},
     "dma_length [11:0], input_rd_addr (0x30)",
     "flip_mem (target decoder); writes from input byte 0 (no base)", "IRQs[4] (input rd)", kDmaIrq},
    {kCmdInputWrite, {"flip_mem", "base_output", "dma_length", "input_wr_addr"}, {"use_axi"},
     "dma_length [11:0], input_wr_addr (0x34)",
     "base_output [11:0] in bytes (written at least once before; token-like); flip_mem; use_axi = 1",
     "IRQs[5] (input wr)", kDmaIrq},
    {kCmdAuxRead, {"aux_dma_base", "aux_dma_length", "aux_rd_addr"}, {},
     "aux_dma_length [7:0] (0x44), aux_rd_addr (0x38)",
     "nothing; writes from aux byte 0", "IRQs[6] (aux rd)", kDmaIrq},
    {kCmdAuxWrite, {"aux_dma_base", "aux_dma_length", "aux_wr_addr"}, {"use_axi"},
     "aux_dma_length [7:0], aux_wr_addr (0x3C)",
     "use_axi = 1; reads from aux byte 0 (no base_output)", "IRQs[7] (aux wr)", kDmaIrq},
    {kCmdMatmul, {"flip_mem", "is_relu", "is_bias", "weight_bias", "accum_bias", "accum_shift", "n0", "n1", "m",
                  "base_input0", "base_input1", "base_mask0", "base_mask1", "bias_act1", "bias_act2",
                  "base_output", "base_output_mask", "dense_results"},
     {"use_axi", "use_gb"},
     "n0, n1, m (0x10)",
     "reset_mode = 0x81; fresh writes of 0x14 (base_input0/1) and 0x18 (a token each); 0x0C (is_relu, is_bias, "
     "weight_bias, accum_bias, accum_shift; polled); base_output written once; use_axi = 0; use_gb = 0; flip_mem "
     "(result memory)",
     "IRQs[0] (matmul done)", kComputeIrq},
    {kCmdLayerNorm, {"flip_mem", "base_input0", "base_mask0", "base_gamma", "base_beta", "bias_gamma", "bias_beta",
                     "num_vector", "num_timestep", "bias_act1", "bias_act3", "base_output", "base_output_mask",
                     "dense_results"},
     {"use_axi", "use_gb", "gb_mode"},
     "-",
     "gb_mode bit 0; 0x1C (base_gamma, bias_gamma, bias_beta; beta is read at base_gamma); reset_mode bit 2 of "
     "decoder flip_mem; " EB_SFU_DEPENDS, "IRQs[1] (GB done)", kComputeIrq},
    {kCmdSoftmax, {"flip_mem", "base_input0", "base_mask0", "base_attn_span", "bias_attn_span", "num_vector",
                   "num_timestep", "bias_act1", "bias_act3", "base_output", "base_output_mask", "dense_results"},
     {"use_axi", "use_gb", "gb_mode"},
     "-",
     "gb_mode bit 1; 0x1C (base_attn_span, bias_attn_span); reset_mode bit 3 of decoder flip_mem; " EB_SFU_DEPENDS,
     "IRQs[1] (GB done)", kComputeIrq},
    {kCmdElementAdd, {"flip_mem", "base_input0", "base_input1", "base_mask0", "base_mask1", "num_vector",
                      "num_timestep", "bias_act1", "bias_act2", "bias_act3", "base_output", "base_output_mask",
                      "dense_results"},
     {"use_axi", "use_gb", "gb_mode"},
     "-",
     "gb_mode bit 2; base_input1 as well; reset_mode bit 5 of decoder flip_mem; " EB_SFU_DEPENDS,
     "IRQs[1] (GB done)", kComputeIrq},
    {kCmdEntropy, {"base_input0", "base_mask0", "num_vector", "num_timestep", "bias_act1", "entropy_threshold"},
     {"use_axi", "use_gb", "gb_mode"},
     "-",
     "gb_mode bit 3; entropy_threshold (0x24); num_vector (0x20; num_timestep ignored); base_input0 (its decoder "
     "reloads bases between rounds, no token); reset_mode bit 4 of decoder flip_mem; use_gb = 1; use_axi = 0; "
     "flip_mem (operand memory); no result in SRAM",
     "IRQs[1] (GB done)", kComputeIrq},
    {kCmdDvfs, {"base_input0", "base_mask0", "num_vector", "num_timestep", "bias_act1", "entropy_threshold",
                "entropy_scale", "direct_level", "dco_codes_0_4", "dco_codes_5_9", "dco_codes_10_14",
                "ldo_codes_0_3", "ldo_codes_4_7", "ldo_codes_8_11", "ldo_codes_12_15"},
     {"use_axi", "use_gb", "gb_mode"},
     "-",
     "entropy_scale (0x24 [23:16]); dco_codes_* and ldo_codes_* (0x64-0x7C, all seven written); the entropy of an "
     "earlier command 11; no gb_mode dependency",
     "IRQs[1] (GB done)", kComputeIrq},
};
// clang-format on
#undef EB_SFU_DEPENDS
const int kNumCommandRegisters = static_cast<int>(sizeof(kCommandRegisters) / sizeof(kCommandRegisters[0]));

// clang-format off
const CommandRegisters kExtCommandRegisters[] = {
    {kCmdLut, {"flip_mem", "base_input0", "base_mask0", "base_gamma", "num_vector", "num_timestep", "base_output",
               "base_output_mask", "dense_results"},
     {"use_axi", "use_gb", "gb_mode"},
     "- (ext: not in the original)",
     "- (ext: only with edgebert.sfu_lut; checked as layer norm is, with gb_mode = 16)",
     "- (ext; as an SFU op it would be IRQs[1], GB done)", kComputeIrq},
};
// clang-format on
const int kNumExtCommandRegisters =
    static_cast<int>(sizeof(kExtCommandRegisters) / sizeof(kExtCommandRegisters[0]));

const char* command_name(uint32_t cmd) {
    switch (cmd) {
        case kCmdMaskRead: return "mask_read";
        case kCmdMaskWrite: return "mask_write";
        case kCmdInputRead: return "input_read";
        case kCmdInputWrite: return "input_write";
        case kCmdAuxRead: return "aux_read";
        case kCmdAuxWrite: return "aux_write";
        case kCmdMatmul: return "matmul";
        case kCmdLayerNorm: return "layer_norm";
        case kCmdSoftmax: return "softmax";
        case kCmdElementAdd: return "element_add";
        case kCmdEntropy: return "entropy";
        case kCmdDvfs: return "dvfs";
        case kCmdLut: return "lut";
        default: return "unknown";
    }
}

const char* error_cause_name(ErrorCause c) {
    switch (c) {
        case ErrorCause::kNone: return "none";
        case ErrorCause::kUnknownCommand: return "unknown_command";
        case ErrorCause::kBusy: return "busy";
        case ErrorCause::kBadDims: return "bad_dims";
        case ErrorCause::kSramOverflow: return "sram_overflow";
        case ErrorCause::kDmaError: return "dma_error";
        case ErrorCause::kBadMode: return "bad_mode";
        case ErrorCause::kOverlap: return "overlap";
        case ErrorCause::kErrorPending: return "error_pending";
    }
    return "?";
}

int32_t field_value(uint32_t word, int lsb, int width, bool is_signed) {
    const uint32_t mask = width >= 32 ? 0xFFFFFFFFu : ((1u << width) - 1u);
    uint32_t v = (word >> lsb) & mask;
    if (is_signed && width < 32 && (v & (1u << (width - 1)))) v |= ~mask;
    return static_cast<int32_t>(v);
}

std::string register_map_markdown() {
    std::string out =
        "# EdgeBERT tile register map\n\n"
        "Generated by `edgebert-sim regmap` from `hw/edgebert/register_map.cpp`; a unit test checks\n"
        "that this file is current. 32 registers of 32 bits; index = address[6:2]. Fields marked\n"
        "*ext* are additions to the published map, placed in bits the original left unused. A\n"
        "configuration too large for these fields gets the extended layout (section Extended layout).\n\n"
        "## When fields are read\n\n"
        "This model decodes every field when the command register (0x04) is written: a command runs\n"
        "with the registers as they were at that write (also a command that waits for its unit in\n"
        "silicon mode), and writing a register while a command runs affects only later commands.\n"
        "The original hardware forwards most registers to its units as they are written (column\n"
        "*original*, from a reading of the published HLS source): a *polled* field takes effect\n"
        "within a few cycles, even in the middle of an operation; a *token* is consumed once per\n"
        "operation, so the original needs a fresh write before every operation; fields *read at\n"
        "command* behave as here. Software that writes every field an operation needs before its\n"
        "command, and none while it runs, sees the same on both.\n\n"
        "## DMA rows\n\n"
        "DMA reads (commands 1, 3, 5) work with use_axi 0 or 1 and land at base_mask / base_input of\n"
        "decoder flip_mem (aux: aux_dma_base), an extension: the original always starts at row 0,\n"
        "which software written for it gets by leaving those bases at 0. Write-outs (commands 2, 4)\n"
        "read from base_output_mask (mask entries) and base_output (input rows) of decoder flip_mem,\n"
        "as the original's write-out engines do; write-outs (2, 4, 6) need use_axi = 1.\n\n"
        "## Checks (`edgebert.checks` in the SoC config)\n\n"
        "`strict` (the default) refuses programming the original would not run as intended: kCtrl\n"
        "latches the cause and the error bit, the interrupt pulses, and every later command is\n"
        "refused (cause 8, error pending) until a soft reset.\n\n"
        "`silicon` never refuses what the original accepts: the tile does what the original does and\n"
        "counts a warning (tile cycle, command, the cause strict mode would raise, what the hardware\n"
        "does, the register fields involved; `edgebert-sim run` reports them as `tile_checks`). The\n"
        "SystemC tile and the functional platform decide alike (`hw/edgebert/command_check.hpp`).\n\n"
        "| cause | silicon mode |\n|---|---|\n"
        "| unknown command | ignored, no interrupt |\n"
        "| busy | the command waits until the unit's running command has finished, then runs "
        "(the original back-pressures the register write) |\n"
        "| SRAM overflow | addresses wrap modulo the SRAM depth (mask entries, input rows, aux rows, "
        "decoder bank pointers) |\n"
        "| overlap | runs: a result over its own operand is computed from the operand as it was; a DMA "
        "racing a computation follows timing in the SystemC tile and issue order in the functional "
        "model |\n"
        "| error pending | there is no latch: the command runs (kCtrl shows the first error until a "
        "soft reset) |\n"
        "| bad dims: N0 not a multiple of lanes | N0 is floored; if that leaves N0 = 0, or N1 = 0, no "
        "output is expected and the command completes at once |\n"
        "| bad mode: dense_results (ext) set on a tile without edgebert.dense_results | the bit is ignored "
        "(the original has no such bit): the result is bitmask-compressed |\n"
        "| bad mode, bad dims where the original hangs | refused with the cause and the interrupt as in "
        "strict mode, warning \"the original hardware hangs here (no interrupt)\": a deliberate "
        "deviation, a simulator that hangs helps nobody |\n\n"
        "The original hangs on a write-out with use_axi = 0, a compute command with use_axi = 1, use_gb\n"
        "not the command's (1 for 8-12, 0 for 7), gb_mode not the command's, N1 or M not a multiple of\n"
        "the lanes, M = 0, num_vector or num_timestep = 0. Fields cannot exceed their widths; limits a\n"
        "configuration sets below them are refused in both modes.\n\n"
        "## Commands\n\n"
        "*Decoded*: the fields `plan_command()` (`hw/edgebert/command_check.cpp`) decodes into the\n"
        "command's job, as they are at the command write; *checked*: the fields it reads only to accept\n"
        "or refuse the command. A unit test (`test_register_map_commands.cpp`) changes every field of\n"
        "valid register files and checks that exactly these fields change the plan. *Original*: the\n"
        "registers the published HLS source reads when the command is written, and the values written\n"
        "earlier (polled, or a token per operation) that it depends on.\n\n"
        "Interrupts: the original has eight sources, IRQs[0] matmul done, [1] GB done (commands 8-12),\n"
        "[2]/[3] mask DMA read/write, [4]/[5] input DMA read/write, [6]/[7] aux DMA read/write, merged\n"
        "into the tile's one interrupt line (sources that fire in the same cycle give one pulse); it has\n"
        "no cause register and raises nothing where it hangs or ignores a command. This model pulses the\n"
        "same line once per completed or refused command and tells which in kCtrl.\n\n"
        "| cmd | decoded | checked | original: read at command | original: depends on | original interrupt "
        "| this model's interrupt |\n|---|---|---|---|---|---|---|\n";
    auto list = [](const std::vector<const char*>& names) {
        std::string s;
        for (const char* n : names) s += (s.empty() ? "" : ", ") + std::string(n);
        return s.empty() ? std::string("-") : s;
    };
    for (int i = 0; i < kNumCommandRegisters; ++i) {
        const auto& c = kCommandRegisters[i];
        out += fmt::format("| {} {} | {} | {} | {} | {} | {} | {} |\n", c.command, command_name(c.command),
                           list(c.reads), list(c.checks), c.original_reads, c.original_depends, c.original_irq,
                           c.model_irq);
    }
    for (int i = 0; i < kNumExtCommandRegisters; ++i) {
        const auto& c = kExtCommandRegisters[i];
        out += fmt::format("| {} {} *ext* | {} | {} | {} | {} | {} | {} |\n", c.command, command_name(c.command),
                           list(c.reads), list(c.checks), c.original_reads, c.original_depends, c.original_irq,
                           c.model_irq);
    }
    out +=
        "\n## Extension commands\n\n"
        "Commands beyond the published 1-12 (*ext* above), each enabled by a field of the `edgebert`\n"
        "section of the SoC config and off in the published configuration. A tile without the extension\n"
        "treats its code as any unknown command: strict mode refuses it with cause 1 (unknown command),\n"
        "silicon mode ignores it (no interrupt) and counts an unknown-command warning. gb_mode bit 4 is\n"
        "then ignored, as the original's 4-bit gb_mode field ignores it.\n\n"
        "**13 lut** (`edgebert.sfu_lut`): the special-function unit maps every code of num_timestep rows\n"
        "x num_vector vectors of decoder 0's operand (base_mask0 / base_input0, as element add's first\n"
        "operand) through a table in the aux SRAM with one byte per code of the activation format\n"
        "(2^act_total_bits entries, 256 at 8 bits), ceil(entries / lanes) rows from aux row base_gamma,\n"
        "byte i the output code for input code i. Masked-out lanes decode as code 0x00 and map to\n"
        "table[0] (the unit sees decoded vectors); an entry whose magnitude bits are zero is a zero of\n"
        "the result. Results are encoded into decoder flip_mem at base_output / base_output_mask. No\n"
        "bias field is read: the table maps codes to codes. It needs use_axi = 0, use_gb = 1 and\n"
        "gb_mode = 16: bit 4, an extension that widens gb_mode to [4:0]. Checks as for layer norm: a\n"
        "wrong use_axi, use_gb or gb_mode, or num_vector or num_timestep = 0, is refused in both modes;\n"
        "the table rows, the operand and the result must fit their SRAMs (silicon mode: they wrap). One\n"
        "vector per cycle after the SFU pipeline fill (docs/tile-timing.md).\n"
        "\n## Extension fields\n\n"
        "**dense_results** (0x48 bit 31, `edgebert.dense_results`): a command that encodes a result (7\n"
        "matmul, 8 layer norm, 9 softmax, 10 element add, ext 13 LUT) with the bit set writes it as a\n"
        "*dense stream*: every mask word has all lanes set, and input row base_output + k holds vector\n"
        "k's codes verbatim, zero codes included (a result of V vectors takes V mask entries and V input\n"
        "rows, so streams splice at any vector without walking the codes). A dense stream is an ordinary\n"
        "decoder input, also for the original hardware, whose decoder loads the byte a set bit points\n"
        "to: a loaded 0x00 (or 0x80, negative zero) is the value zero, so every command reads a dense\n"
        "operand as it reads the compressed one, with the same results (the LUT indexes its table with\n"
        "the loaded code; the tile never writes 0x80). Only the zero-vector gating differs: a mask word\n"
        "of all ones is never skipped. Commands 11 and 12 write no result, and write-outs (2, 4) read\n"
        "only base_output [11:0] and base_output_mask: they ignore the bit. Without\n"
        "edgebert.dense_results, strict mode refuses a command 7-10 or 13 that sets it with cause 6 (bad\n"
        "mode), the check naming dense_results and the flag; silicon mode ignores the bit, as the\n"
        "original has no such bit (the result is bitmask-compressed), and counts a bad-mode warning.\n"
        "Cycles and SRAM energy: docs/tile-timing.md.\n"
        "\n## Fields\n\n"
        "| offset | field | bits | signed | description | original |\n|---|---|---|---|---|---|\n";
    for (int i = 0; i < kNumRegisterFields; ++i) {
        const auto& f = kRegisterFields[i];
        const std::string bits = f.width == 1 ? fmt::format("[{}]", f.lsb)
                                              : fmt::format("[{}:{}]", f.lsb + f.width - 1, f.lsb);
        out += fmt::format("| 0x{:02X} | {}{} | {} | {} | {} | {} |\n", f.offset, f.name,
                           f.extension ? " *ext*" : "", bits, f.is_signed ? "yes" : "", f.description, f.latch);
    }
    out += extended_layout_markdown();
    return out;
}

std::string register_map_c_header() {
    auto upper = [](std::string s) {
        for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return s;
    };
    std::string out =
        "/* Generated from hw/edgebert/register_map.cpp by gen_eb_regs: do not edit.\n"
        " * EdgeBERT tile registers: EB_F_<FIELD>_REG (offset), _LSB, _WIDTH, _MASK (unshifted). */\n"
        "#ifndef EB_EDGEBERT_REGS_H\n#define EB_EDGEBERT_REGS_H\n\n";
    for (int i = 0; i < kNumRegisterFields; ++i) {
        const auto& f = kRegisterFields[i];
        const std::string n = upper(f.name);
        const uint32_t mask = f.width >= 32 ? 0xFFFFFFFFu : ((1u << f.width) - 1u);
        out += fmt::format("#define EB_F_{}_REG 0x{:02X}u\n#define EB_F_{}_LSB {}u\n#define EB_F_{}_WIDTH {}u\n"
                           "#define EB_F_{}_MASK 0x{:X}u\n",
                           n, f.offset, n, f.lsb, n, f.width, n, mask);
    }
    out += "#define EB_FIELD(name, v) ((((uint32_t)(v)) & EB_F_##name##_MASK) << EB_F_##name##_LSB)\n\n";
    for (uint32_t c = 1; c <= kMaxCommand; ++c)
        out += fmt::format("#define EB_CMD_{} {}u\n", upper(command_name(c)), c);
    for (int i = 0; i < kNumExtCommandRegisters; ++i) {  // extensions: only on a tile configured with them
        const uint32_t c = kExtCommandRegisters[i].command;
        out += fmt::format("#define EB_CMD_{} {}u /* ext */\n", upper(command_name(c)), c);
    }
    out += fmt::format("\n#define EB_CTRL_CAUSE_MASK 0x{:X}u\n#define EB_CTRL_ERROR 0x{:X}u\n"
                       "#define EB_CTRL_DMA_BUSY 0x{:X}u\n#define EB_CTRL_COMPUTE_BUSY 0x{:X}u\n"
                       "#define EB_CTRL_DMA_DONE 0x{:X}u\n#define EB_CTRL_COMPUTE_DONE 0x{:X}u\n"
                       "#define EB_CTRL_SOFT_RESET 0x{:X}u\n\n",
                       ctrl::kCauseMask, ctrl::kErrorBit, ctrl::kDmaBusyBit, ctrl::kComputeBusyBit, ctrl::kDmaDoneBit,
                       ctrl::kComputeDoneBit, ctrl::kSoftResetBit);
    out += fmt::format("#define EB_GB_LAYER_NORM {}u\n#define EB_GB_SOFTMAX {}u\n#define EB_GB_ELEMENT_ADD {}u\n"
                       "#define EB_GB_ENTROPY {}u\n#define EB_GB_LUT {}u /* ext */\n\n",
                       kGbLayerNorm, kGbSoftmax, kGbElementAdd, kGbEntropy, kGbLut);
    for (uint32_t c = 0; c <= static_cast<uint32_t>(ErrorCause::kErrorPending); ++c)
        out += fmt::format("#define EB_CAUSE_{} {}u\n", upper(error_cause_name(static_cast<ErrorCause>(c))), c);
    out += "\n" + extended_layout_c_header();
    out += "#endif /* EB_EDGEBERT_REGS_H */\n";
    return out;
}

}  // namespace edgebert::hw::regs
