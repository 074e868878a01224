// The two register layouts of the EdgeBERT tile.
//
// `published`: the map of register_map.hpp as the published design has it
// (12-bit SRAM bases, 10-bit N0/N1, 8-bit SFU shape and aux bases). It is the
// layout of every configuration whose sizes these fields can address.
// `extended`: selected automatically (EdgebertTileConfig::register_layout())
// when a configuration needs wider fields (input / mask SRAMs over 4096 rows,
// aux over 256, limits beyond the published widths). It is a superset:
//   - fields whose register has unused bits above them widen in place
//     (base_input0/1, base_mask0/1, base_output, dma_length, aux_dma_length,
//     aux_dma_base: 16 bits each);
//   - the others keep their published bits as the low part and take their high
//     bits from extension registers at 0x80-0x8C (kExtRegisterFields). Those
//     registers hold the high bits for the next command only: every write of
//     the command register decodes them and clears them (a soft reset too), so a
//     driver writes one only when a value needs it, and software written for
//     the published layout runs unchanged (and in the same cycles).
// A published tile answers accesses at 0x80 and beyond as any unmapped offset
// (an address error). docs/register-map.md, "Extended layout", is generated
// from these tables.
#pragma once

#include <cstdint>
#include <string>

namespace edgebert::hw {
struct EdgebertTileConfig;
}

namespace edgebert::hw::regs {

enum class RegisterLayout { Published, Extended };
const char* register_layout_name(RegisterLayout l);

// Extension registers (extended layout only).
enum : uint32_t {
    kExtMatmulDims = 0x80,   // high bits of n0, n1, m
    kExtSfuShape = 0x84,     // high bits of num_vector, num_timestep
    kExtAuxBases = 0x88,     // high bits of base_attn_span, base_gamma, base_beta
    kExtBaseOutput = 0x8C,   // high bits of base_output_mask
};
constexpr uint32_t kNumExtRegisters = 4;
constexpr uint32_t kExtWindowBytes = kExtMatmulDims + kNumExtRegisters * 4;  // 0x90

// A field of kRegisterFields in the extended layout: `width` bits in all; the
// low part stays at the published offset and lsb. hi_offset == 0: the field
// widens in place (its low part is `width` bits); else the low part keeps its
// published width and the remaining bits sit at hi_offset [hi_lsb + ...].
struct ExtendedField {
    const char* name;
    int width;
    uint32_t hi_offset;
    int hi_lsb;
};
extern const ExtendedField kExtendedFields[];
extern const int kNumExtendedFields;

// Bytes of the register window the tile decodes in a layout (published 0x80, extended 0x90).
uint32_t window_bytes(RegisterLayout l);
// Width of a field of kRegisterFields in a layout.
int field_width(RegisterLayout l, const char* name);
// Largest value a field holds in a layout.
uint32_t field_max(RegisterLayout l, const char* name);

// Value of a field from a register file of 32 + kNumExtRegisters words (index = offset / 4).
uint32_t decode_field(RegisterLayout l, const uint32_t* regs, const char* name);
// Sets a field in a register file (the value truncated to the layout's width):
// the low part in its register and, for split fields, the high part in the extension register.
void encode_field(RegisterLayout l, uint32_t* regs, const char* name, uint32_t value);

// The "Extended layout" section of docs/register-map.md.
std::string extended_layout_markdown();
// The extended layout's part of the runtime header: EB_FX_<FIELD>_MASK (every
// field: its low part in the extended layout), EB_FX_<FIELD>_HI_REG / _HI_LSB /
// _HI_MASK (split fields), EB_XFIELD(name, v) and EB_XHI(name, v).
std::string extended_layout_c_header();

}  // namespace edgebert::hw::regs
