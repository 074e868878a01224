#include "hw/edgebert/register_layout.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cstring>
#include <stdexcept>

#include "hw/edgebert/register_map.hpp"

namespace edgebert::hw::regs {

// clang-format off
// Row fields become 16 bits (SRAMs of up to 65536 rows); aux rows 12 bits (4096
// rows); N0 / N1 14 bits and num_vector 12 bits, so that N0 * M and
// num_vector * num_timestep stay below 2^31; M and num_timestep 16 bits.
const ExtendedField kExtendedFields[] = {
    {"n0",               14, kExtMatmulDims, 0},
    {"n1",               14, kExtMatmulDims, 8},
    {"m",                16, kExtMatmulDims, 16},
    {"base_input0",      16, 0, 0},
    {"base_input1",      16, 0, 0},
    {"base_mask0",       16, 0, 0},
    {"base_mask1",       16, 0, 0},
    {"base_attn_span",   12, kExtAuxBases, 0},
    {"base_gamma",       12, kExtAuxBases, 8},
    {"base_beta",        12, kExtAuxBases, 16},
    {"num_vector",       12, kExtSfuShape, 0},
    {"num_timestep",     16, kExtSfuShape, 8},
    {"dma_length",       16, 0, 0},
    {"aux_dma_length",   16, 0, 0},
    {"aux_dma_base",     16, 0, 0},
    {"base_output",      16, 0, 0},
    {"base_output_mask", 16, kExtBaseOutput, 0},
};
// clang-format on
const int kNumExtendedFields = static_cast<int>(sizeof(kExtendedFields) / sizeof(kExtendedFields[0]));

namespace {

const Field& published(const char* name) {
    for (int i = 0; i < kNumRegisterFields; ++i)
        if (std::strcmp(kRegisterFields[i].name, name) == 0) return kRegisterFields[i];
    throw std::logic_error(std::string("unknown register field ") + name);
}

const ExtendedField* extended(const char* name) {
    for (int i = 0; i < kNumExtendedFields; ++i)
        if (std::strcmp(kExtendedFields[i].name, name) == 0) return &kExtendedFields[i];
    return nullptr;
}

uint32_t ones(int width) { return width >= 32 ? 0xFFFFFFFFu : ((1u << width) - 1u); }

// Where a field's bits lie in a layout: low part (offset, lsb, low width) and high part.
struct Placement {
    uint32_t offset = 0;
    int lsb = 0, low_width = 0;
    uint32_t hi_offset = 0;
    int hi_lsb = 0, hi_width = 0;
};

Placement place(RegisterLayout l, const char* name) {
    const Field& f = published(name);
    Placement p{f.offset, f.lsb, f.width, 0, 0, 0};
    const ExtendedField* x = l == RegisterLayout::Extended ? extended(name) : nullptr;
    if (!x) return p;
    if (x->hi_offset == 0) {
        p.low_width = x->width;
    } else {
        p.hi_offset = x->hi_offset;
        p.hi_lsb = x->hi_lsb;
        p.hi_width = x->width - f.width;
    }
    return p;
}

const char* hi_register_name(uint32_t offset) {
    switch (offset) {
        case kExtMatmulDims: return "ext_matmul_dims";
        case kExtSfuShape: return "ext_sfu_shape";
        case kExtAuxBases: return "ext_aux_bases";
        case kExtBaseOutput: return "ext_base_output";
    }
    return "?";
}

std::string upper(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

}  // namespace

const char* register_layout_name(RegisterLayout l) {
    return l == RegisterLayout::Extended ? "extended" : "published";
}

uint32_t window_bytes(RegisterLayout l) { return l == RegisterLayout::Extended ? kExtWindowBytes : kWindowBytes; }

int field_width(RegisterLayout l, const char* name) {
    const Placement p = place(l, name);
    return p.low_width + p.hi_width;
}

uint32_t field_max(RegisterLayout l, const char* name) { return ones(field_width(l, name)); }

uint32_t decode_field(RegisterLayout l, const uint32_t* regs, const char* name) {
    const Placement p = place(l, name);
    uint32_t v = (regs[p.offset / 4] >> p.lsb) & ones(p.low_width);
    if (p.hi_width) v |= ((regs[p.hi_offset / 4] >> p.hi_lsb) & ones(p.hi_width)) << p.low_width;
    return v;
}

void encode_field(RegisterLayout l, uint32_t* regs, const char* name, uint32_t value) {
    const Placement p = place(l, name);
    auto set = [&](uint32_t offset, int lsb, int width, uint32_t v) {
        const uint32_t mask = ones(width) << lsb;
        regs[offset / 4] = (regs[offset / 4] & ~mask) | ((v << lsb) & mask);
    };
    set(p.offset, p.lsb, p.low_width, value);
    if (p.hi_width) set(p.hi_offset, p.hi_lsb, p.hi_width, value >> p.low_width);
}

std::string extended_layout_markdown() {
    std::string out =
        "\n## Extended layout\n\n"
        "The map above is the *published* layout, the one of every configuration whose sizes its fields\n"
        "address (configs/soc/default.json, epochs.json). A configuration that needs wider fields, input\n"
        "or mask SRAMs over 4096 rows, an aux SRAM over 256 rows, or edgebert.max_n / max_m /\n"
        "max_num_vector / max_num_timestep beyond the published widths, gets the *extended* layout\n"
        "instead (`EdgebertTileConfig::register_layout()`, derived, not a config field; `edgebert-sim run`\n"
        "and the runtime's `eb_platform.register_layout` follow it). It is a superset of the published\n"
        "layout: fields with unused bits above them widen in place, the others keep their published bits\n"
        "as the low part and take their high bits from four extension registers at 0x80-0x8C, in the tile's\n"
        "0x1000-byte window beyond the published 0x7C. Software written for the published layout runs\n"
        "unchanged on an extended tile.\n\n"
        "The extension registers hold the high bits for the next command only: every write of the command\n"
        "register (0x04) decodes them with the other fields and then clears them, and a soft reset clears\n"
        "them. A driver writes one only when a value of the command needs high bits, so a program whose\n"
        "values fit the published widths costs the same register writes on either layout. A published\n"
        "tile decodes 0x00-0x7C: an access at 0x80 or beyond is answered as any unmapped offset (an\n"
        "address error on the bus; the functional platform stops with an error naming the offset).\n\n"
        "Widths: SRAM rows 16 bits (input and mask SRAMs of up to 65536 rows), aux rows 12 bits (up to\n"
        "4096 rows), N0 / N1 14 bits and num_vector 12 bits (so that N0 x M and num_vector x\n"
        "num_timestep stay below 2^31), M and num_timestep 16 bits. The default limits follow the\n"
        "layout: max_n and max_m are the largest multiples of the lanes the N0 / N1 and M fields hold,\n"
        "max_num_timestep the field's maximum, max_num_vector the field's maximum but at most 8192 /\n"
        "lanes (the SFU's row accumulators hold 8192 elements; a command over that is refused, bad\n"
        "dims, in both modes).\n\n"
        "| field | published | extended | high bits |\n|---|---|---|---|\n";
    for (int i = 0; i < kNumExtendedFields; ++i) {
        const auto& x = kExtendedFields[i];
        const Field& f = published(x.name);
        const auto bits = [](uint32_t off, int lsb, int width) {
            return width == 1 ? fmt::format("0x{:02X} [{}]", off, lsb)
                              : fmt::format("0x{:02X} [{}:{}]", off, lsb + width - 1, lsb);
        };
        const std::string pub = bits(f.offset, f.lsb, f.width);
        if (x.hi_offset == 0) {
            out += fmt::format("| {} | {} | {}, in place | - |\n", x.name, pub, bits(f.offset, f.lsb, x.width));
        } else {
            const int hw = x.width - f.width;
            out += fmt::format("| {} | {} | {} bits: {} + high part | {} {} = {} [{}:{}] |\n", x.name, pub, x.width,
                               pub, bits(x.hi_offset, x.hi_lsb, hw), hi_register_name(x.hi_offset), x.name,
                               x.width - 1, f.width);
        }
    }
    return out;
}

std::string extended_layout_c_header() {
    std::string out =
        "/* Extended register layout (docs/register-map.md, \"Extended layout\"; eb_platform.register_layout = 1):\n"
        " * EB_FX_<FIELD>_MASK the field's low part (unshifted, at EB_F_<FIELD>_LSB); split fields also\n"
        " * EB_FX_<FIELD>_HI_REG / _HI_LSB / _HI_MASK. Extension registers clear at every command write. */\n";
    out += fmt::format("#define EB_LAYOUT_PUBLISHED 0u\n#define EB_LAYOUT_EXTENDED 1u\n"
                       "#define EB_X_MATMUL_DIMS_REG 0x{:02X}u\n#define EB_X_SFU_SHAPE_REG 0x{:02X}u\n"
                       "#define EB_X_AUX_BASES_REG 0x{:02X}u\n#define EB_X_BASE_OUTPUT_REG 0x{:02X}u\n",
                       kExtMatmulDims, kExtSfuShape, kExtAuxBases, kExtBaseOutput);
    for (int i = 0; i < kNumRegisterFields; ++i) {
        const Field& f = kRegisterFields[i];
        const Placement p = place(RegisterLayout::Extended, f.name);
        const std::string n = upper(f.name);
        out += fmt::format("#define EB_FX_{}_MASK 0x{:X}u\n", n, ones(p.low_width));
        if (p.hi_width)
            out += fmt::format("#define EB_FX_{}_HI_REG 0x{:02X}u\n#define EB_FX_{}_HI_LSB {}u\n"
                               "#define EB_FX_{}_HI_MASK 0x{:X}u\n",
                               n, p.hi_offset, n, p.hi_lsb, n, ones(p.hi_width));
    }
    out += "/* The low part of a field in the extended layout, and the high part's bits in its extension register. */\n"
           "#define EB_XFIELD(name, v) ((((uint32_t)(v)) & EB_FX_##name##_MASK) << EB_F_##name##_LSB)\n"
           "#define EB_XHI(name, v) \\\n"
           "    (((((uint32_t)(v)) >> EB_F_##name##_WIDTH) & EB_FX_##name##_HI_MASK) << EB_FX_##name##_HI_LSB)\n\n";
    return out;
}

}  // namespace edgebert::hw::regs
