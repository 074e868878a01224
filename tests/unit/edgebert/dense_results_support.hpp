// Shared helpers of the dense-results tests (test_dense_results.cpp: encoder,
// readout, config, plan, register map; test_dense_results_tile.cpp: the SystemC
// tile against the functional model and platform, flag off, the runtime).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/json_reader.hpp"
#include "common/rng.hpp"
#include "compiler/lower/lowering.hpp"
#include "compiler/program/program.hpp"
#include "eb_edgebert.h"
#include "eb_program.h"
#include "hw/edgebert/bitmask_decoder.hpp"
#include "hw/edgebert/command_check.hpp"
#include "hw/edgebert/encoder.hpp"
#include "hw/edgebert/functional/matmul.hpp"
#include "hw/edgebert/functional/sfu_ops.hpp"
#include "hw/edgebert/register_map.hpp"
#include "hw/edgebert/testbench/tile_testbench.hpp"
#include "hw/formats/bitmask.hpp"
#include "hw/soc/soc_config.hpp"
#include "sim/functional/functional_platform.hpp"
#include "sim/run/soc_runner.hpp"
#include "sim/run/tensor_readout.hpp"
#include "tests/support/sc_test.hpp"
#include "tests/unit/edgebert/register_file_support.hpp"

using namespace edgebert;
using namespace edgebert::hw;
using namespace edgebert::hw::regs;
using edgebert::test::put;

namespace dense_results_test {

constexpr int kL = 16;

// AF<8,3> codes, `sparsity` of them zero; with negative_zeros half of the zeros are 0x80.
inline std::vector<uint8_t> random_codes(Rng& rng, size_t n, double sparsity, bool negative_zeros = false) {
    std::vector<uint8_t> c(n);
    for (auto& x : c) {
        if (rng.uniform() < sparsity) {
            x = negative_zeros && rng.uniform() < 0.5 ? 0x80 : 0x00;
        } else {
            x = static_cast<uint8_t>(rng.uniform_int(1, 255));
            if ((x & 0x7F) == 0) x = 0x01;
        }
    }
    return c;
}

// The codes a compressed stream decodes to: zeros (0x80 included) as 0x00.
inline std::vector<uint8_t> canonical(std::vector<uint8_t> c) {
    for (auto& x : c)
        if ((x & 0x7F) == 0) x = 0;
    return c;
}

struct Stream {
    std::vector<uint8_t> mask, rows;
};

inline Stream compressed_stream(const std::vector<uint8_t>& codes, int lanes) {
    const auto img = num::bitmask_to_dram(num::bitmask_encode(codes.data(), codes.size() / lanes, lanes, 0x7F));
    return {img.mask_bytes, img.input_bytes};
}

// What the encoder writes with dense_out: every mask bit set, the codes as rows.
inline Stream dense_stream(const std::vector<uint8_t>& codes, int lanes) {
    return {std::vector<uint8_t>(codes.size() / 8, 0xFF), codes};
}

inline std::vector<uint8_t> rows_of(const Sram& s, int first, int count) {
    std::vector<uint8_t> out(size_t(count) * s.row_bytes());
    for (int r = 0; r < count; ++r)
        std::copy(s.row(first + r), s.row(first + r) + s.row_bytes(), &out[size_t(r) * s.row_bytes()]);
    return out;
}

inline std::vector<uint8_t> dump(const Sram& s) { return rows_of(s, 0, s.rows()); }

inline SocConfig soc_config(bool dense, CheckMode mode) {
    SocConfig s = load_soc_config(std::string(EDGEBERT_SOURCE_DIR) + "/configs/soc/default.json");
    s.edgebert.dense_results = dense;
    s.edgebert.sfu_lut = true;
    s.edgebert.checks = mode;
    return s;
}

// ------------------------------------------------------------ a tile through its registers

// The SystemC bench or the functional platform: registers, DRAM, SRAMs, warnings.
struct Bus {
    std::function<void(uint32_t, uint32_t)> write;
    std::function<uint32_t(uint32_t)> command;  // kCtrl once the command is over (done bits cleared)
    std::function<void(uint64_t, const std::vector<uint8_t>&)> put;
    std::function<const Sram&(SramId)> sram;
    std::function<std::vector<CheckWarning>()> warnings;
    std::function<uint64_t()> last_cycles;  // SystemC: the last command's unit cycles; functional: 0
};

inline Bus sc_bus(TileTestbench& tb) {
    Bus b;
    b.write = [&tb](uint32_t o, uint32_t v) { tb.write_reg(o, v); };
    b.command = [&tb](uint32_t c) { return tb.command(c); };
    b.put = [&tb](uint64_t a, const std::vector<uint8_t>& d) { tb.mem.write(a, d.data(), d.size()); };
    b.sram = [&tb](SramId s) -> const Sram& {
        switch (s) {
            case SramId::Input0: return tb.tile.dec0.input_sram;
            case SramId::Mask0: return tb.tile.dec0.mask_sram;
            case SramId::Input1: return tb.tile.dec1.input_sram;
            case SramId::Mask1: return tb.tile.dec1.mask_sram;
            case SramId::Aux: break;
        }
        return tb.tile.sfu.aux_sram;
    };
    b.warnings = [&tb] { return tb.tile.control.warnings(); };
    b.last_cycles = [&tb] { return tb.tile.control.log().back().cycles; };
    return b;
}

inline Bus fn_bus(sim::FunctionalPlatform& fp, const SocConfig& soc) {
    const uint64_t base = soc.tiles_of(TileKind::Edgebert)[0]->reg_base;
    Bus b;
    b.write = [&fp, base](uint32_t o, uint32_t v) { fp.write32(base + o, v); };
    b.command = [&fp, base](uint32_t c) {
        fp.write32(base + kCommand, c);
        const uint32_t ctrl_word = fp.read32(base + kCtrl);
        fp.write32(base + kCtrl, ctrl_word & (ctrl::kDmaDoneBit | ctrl::kComputeDoneBit));
        return ctrl_word;
    };
    b.put = [&fp](uint64_t a, const std::vector<uint8_t>& d) { fp.copy_to_dev(a, d.data(), d.size()); };
    b.sram = [&fp](SramId s) -> const Sram& { return fp.edgebert_sram(s); };
    b.warnings = [&fp] { return fp.edgebert_warnings(); };
    b.last_cycles = [] { return uint64_t{0}; };
    return b;
}

inline void expect_ok(uint32_t ctrl_word, const std::string& what) {
    EXPECT_EQ(ctrl_word & ctrl::kErrorBit, 0u)
        << what << ": error cause " << error_cause_name(static_cast<ErrorCause>(ctrl_word & ctrl::kCauseMask));
}

inline uint32_t u(int v) { return static_cast<uint32_t>(v); }

// A stream into decoder `dec` at (mask_row, input_row) by DMA, from DRAM at `dram`.
inline void load(Bus& b, int dec, int mask_row, int input_row, const Stream& s, uint64_t dram) {
    const int vectors = static_cast<int>(s.mask.size()) / (kL / 8);
    b.put(dram, s.mask);
    b.put(dram + 0x40000, s.rows);
    b.write(kUseAxi, 1);
    b.write(kFlipMem, u(dec));
    b.write(kBaseMask, field_bits(u(mask_row), dec ? 16 : 0, 12));
    b.write(kBaseInput, field_bits(u(input_row), dec ? 16 : 0, 12));
    b.write(kMaskRdAddr, static_cast<uint32_t>(dram));
    b.write(kDmaLength, u(vectors - 1));
    expect_ok(b.command(kCmdMaskRead), "mask read");
    if (s.rows.empty()) return;
    b.write(kInputRdAddr, static_cast<uint32_t>(dram + 0x40000));
    b.write(kDmaLength, u(static_cast<int>(s.rows.size()) / kL - 1));
    expect_ok(b.command(kCmdInputRead), "input read");
}

inline void load_aux(Bus& b, int row, const std::vector<uint8_t>& bytes, uint64_t dram) {
    b.put(dram, bytes);
    b.write(kAuxRdAddr, static_cast<uint32_t>(dram));
    b.write(kAuxDmaLength, field_bits(u(static_cast<int>(bytes.size()) / kL - 1), 0, 8) | field_bits(u(row), 16, 8));
    expect_ok(b.command(kCmdAuxRead), "aux read");
}

struct Loc {
    int mask = 0, input = 0;
};

// Matmul registers as eb_matmul_start programs them; bias arguments are the 3-bit fields.
struct Mm {
    int n0 = 32, n1 = 32, m = 64;
    Loc a, b;
    int out_dec = 1;
    Loc out;
    int a_bias = 3, b_bias = 2, out_bias = 5;
    bool relu = true;
    bool dense = false;
};

inline uint32_t matmul(Bus& bus, const Mm& j) {
    bus.write(kUseAxi, 0);
    bus.write(kUseGb, 0);
    bus.write(kFlipMem, u(j.out_dec));
    bus.write(kMatmulDims, field_bits(u(j.n0), 0, 10) | field_bits(u(j.n1), 10, 10) | field_bits(u(j.m), 20, 12));
    bus.write(kMatmulConfig, field_bits(j.relu, 0, 1) | field_bits(u(j.out_bias), 16, 3));
    bus.write(kBaseInput, field_bits(u(j.a.input), 0, 12) | field_bits(u(j.b.input), 16, 12));
    bus.write(kBaseMask, field_bits(u(j.a.mask), 0, 12) | field_bits(u(j.b.mask), 16, 12));
    bus.write(kSfuShape, field_bits(u(j.a_bias), 16, 3) | field_bits(u(j.b_bias), 20, 3));
    bus.write(kBaseOutput, field_bits(u(j.out.input), 0, 12) | field_bits(u(j.out.mask), 16, 12) |
                               field_bits(j.dense, 31, 1));
    return bus.command(kCmdMatmul);
}

inline std::vector<uint8_t> expect_matmul(const EdgebertTileConfig& cfg, const Mm& j, const std::vector<uint8_t>& a,
                                   const std::vector<uint8_t>& b) {
    fn::MatmulParams p;
    p.n0 = j.n0, p.n1 = j.n1, p.m = j.m;
    p.a_bias = cfg.bias_range.min + j.a_bias;
    p.b_bias = cfg.bias_range.min + j.b_bias;
    p.out_bias = cfg.bias_range.min + j.out_bias;
    p.relu = j.relu;
    return fn::matmul(cfg, a.data(), b.data(), p);
}

// SFU registers as eb_sfu_start programs them.
struct Sf {
    SfuOp op = SfuOp::ElementAdd;
    int nv = 4, rows = 6;
    Loc x, y;
    int out_dec = 1;
    Loc out;
    int x_bias = 3, y_bias = 4, out_bias = 4;
    int gamma_row = 0, beta_row = 10, span_row = 20;  // LUT: its table at gamma_row
    int gamma_bias = 0, beta_bias = 1, span_bias = 7;
    bool dense = false;
};

inline uint32_t sfu(Bus& bus, const Sf& j) {
    uint32_t cmd = kCmdElementAdd, gb = kGbElementAdd;
    switch (j.op) {
        case SfuOp::LayerNorm: cmd = kCmdLayerNorm, gb = kGbLayerNorm; break;
        case SfuOp::Softmax: cmd = kCmdSoftmax, gb = kGbSoftmax; break;
        case SfuOp::Lut: cmd = kCmdLut, gb = kGbLut; break;
        case SfuOp::Entropy: cmd = kCmdEntropy, gb = kGbEntropy; break;
        default: break;
    }
    bus.write(kUseAxi, 0);
    bus.write(kUseGb, 1);
    bus.write(kGbMode, gb);
    bus.write(kFlipMem, u(j.out_dec));
    bus.write(kSfuShape, field_bits(u(j.nv), 0, 8) | field_bits(u(j.rows), 8, 8) | field_bits(u(j.x_bias), 16, 3) |
                             field_bits(u(j.y_bias), 20, 3) | field_bits(u(j.out_bias), 24, 3));
    bus.write(kBaseInput, field_bits(u(j.x.input), 0, 12) | field_bits(u(j.y.input), 16, 12));
    bus.write(kBaseMask, field_bits(u(j.x.mask), 0, 12) | field_bits(u(j.y.mask), 16, 12));
    bus.write(kBaseOutput, field_bits(u(j.out.input), 0, 12) | field_bits(u(j.out.mask), 16, 12) |
                               field_bits(j.dense, 31, 1));
    bus.write(kAuxBases, field_bits(u(j.span_row), 0, 7) | field_bits(u(j.gamma_row), 7, 8) |
                             field_bits(u(j.beta_row), 15, 8) | field_bits(u(j.span_bias), 23, 3) |
                             field_bits(u(j.gamma_bias), 26, 3) | field_bits(u(j.beta_bias), 29, 3));
    return bus.command(cmd);
}

// The aux SRAM's contents the SFU tests load: gamma, beta, span mask, LUT table.
struct Aux {
    std::vector<uint8_t> gamma, beta, span, table;
};

inline Aux make_aux(Rng& rng, int nv) {
    Aux a;
    a.gamma = random_codes(rng, size_t(nv) * kL, 0.1);
    a.beta = random_codes(rng, size_t(nv) * kL, 0.1);
    a.span = random_codes(rng, size_t(nv) * kL, 0.1);
    for (auto* v : {&a.gamma, &a.beta, &a.span})
        for (auto& x : *v) x &= 0x3F;  // positive, modest
    a.span[0] = 0x38;  // a non-zero span
    a.table.resize(256);  // 8-bit codes
    for (auto& x : a.table) x = static_cast<uint8_t>(rng.uniform_int(0, 255));
    a.table[0] = 0x00;  // zero maps to zero: the LUT's result has zeros to keep
    return a;
}

inline void load_aux_all(Bus& b, const Aux& a, const Sf& j, uint64_t dram) {
    load_aux(b, j.gamma_row, a.gamma, dram);
    load_aux(b, j.beta_row, a.beta, dram + 0x1000);
    load_aux(b, j.span_row, a.span, dram + 0x2000);
    load_aux(b, 100, a.table, dram + 0x3000);
}

inline std::vector<uint8_t> expect_sfu(const EdgebertTileConfig& cfg, const Sf& j, const Aux& a,
                                const std::vector<uint8_t>& x, const std::vector<uint8_t>& y) {
    const int bmin = cfg.bias_range.min, row_len = j.nv * kL;
    switch (j.op) {
        case SfuOp::LayerNorm:
            return fn::sfu_layer_norm(cfg, x.data(), bmin + j.x_bias, j.rows, row_len, a.gamma.data(),
                                      bmin + j.gamma_bias, a.beta.data(), bmin + j.beta_bias, bmin + j.out_bias);
        case SfuOp::Softmax:
            return fn::sfu_softmax(cfg, x.data(), bmin + j.x_bias, j.rows, row_len, a.span.data(),
                                   bmin + j.span_bias, bmin + j.out_bias);
        case SfuOp::ElementAdd:
            return fn::sfu_element_add(cfg, x.data(), bmin + j.x_bias, y.data(), bmin + j.y_bias, j.rows * row_len,
                                       bmin + j.out_bias);
        case SfuOp::Lut: return fn::sfu_lut(cfg, x.data(), j.rows, row_len, a.table.data());
        default: break;
    }
    return {};
}

// Decoder `dec`'s result at `at`: the dense image (masks all ones, rows = codes) ...
inline void expect_dense_at(Bus& b, int dec, Loc at, const std::vector<uint8_t>& codes, const std::string& what) {
    const int vectors = static_cast<int>(codes.size()) / kL;
    EXPECT_EQ(rows_of(b.sram(mask_sram_of(dec)), at.mask, vectors), std::vector<uint8_t>(size_t(vectors) * 2, 0xFF))
        << what << ": every mask bit set";
    EXPECT_EQ(rows_of(b.sram(input_sram_of(dec)), at.input, vectors), codes) << what << ": row k = vector k";
}

// ... or the values it decodes to.
inline std::vector<uint8_t> decoded_at(Bus& b, int dec, Loc at, int vectors) {
    return decode_bitmask(b.sram(input_sram_of(dec)), b.sram(mask_sram_of(dec)), kL, at.mask, at.input, vectors)
        .codes;
}

inline std::vector<std::vector<uint8_t>> dump_all(Bus& b) {
    std::vector<std::vector<uint8_t>> out;
    for (SramId s : {SramId::Input0, SramId::Mask0, SramId::Input1, SramId::Mask1, SramId::Aux})
        out.push_back(dump(b.sram(s)));
    return out;
}

}  // namespace dense_results_test

using namespace dense_results_test;
