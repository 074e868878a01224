// The dense-results extension (edgebert.dense_results, base_output bit 31,
// docs/register-map.md "Extension fields"): the encoder keeps zeros, every mask
// bit set and input row k = vector k. Checked here: the encoder's image, the
// configuration field, the plan (decoded with the flag; without it strict
// refuses naming the field and the flag, silicon ignores the bit with a
// warning), the SystemC tile against the functional model and the functional
// platform on random data for matmul, layer norm, softmax, element add and the
// LUT (with the cycles of both encodings equal), dense results and host-made
// dense operands (stored 0x00 and 0x80) fed back as operands giving the
// compressed path's numbers, the host-side readout of dense streams, and the
// runtime's program instructions and driver (native host, functional platform
// and the RISC-V executor firmware).
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

namespace {

constexpr int kL = 16;

// AF<8,3> codes, `sparsity` of them zero; with negative_zeros half of the zeros are 0x80.
std::vector<uint8_t> random_codes(Rng& rng, size_t n, double sparsity, bool negative_zeros = false) {
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
std::vector<uint8_t> canonical(std::vector<uint8_t> c) {
    for (auto& x : c)
        if ((x & 0x7F) == 0) x = 0;
    return c;
}

struct Stream {
    std::vector<uint8_t> mask, rows;
};

Stream compressed_stream(const std::vector<uint8_t>& codes, int lanes) {
    const auto img = num::bitmask_to_dram(num::bitmask_encode(codes.data(), codes.size() / lanes, lanes, 0x7F));
    return {img.mask_bytes, img.input_bytes};
}

// What the encoder writes with dense_out: every mask bit set, the codes as rows.
Stream dense_stream(const std::vector<uint8_t>& codes, int lanes) {
    return {std::vector<uint8_t>(codes.size() / 8, 0xFF), codes};
}

std::vector<uint8_t> rows_of(const Sram& s, int first, int count) {
    std::vector<uint8_t> out(size_t(count) * s.row_bytes());
    for (int r = 0; r < count; ++r)
        std::copy(s.row(first + r), s.row(first + r) + s.row_bytes(), &out[size_t(r) * s.row_bytes()]);
    return out;
}

std::vector<uint8_t> dump(const Sram& s) { return rows_of(s, 0, s.rows()); }

SocConfig soc_config(bool dense, CheckMode mode) {
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

Bus sc_bus(TileTestbench& tb) {
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

Bus fn_bus(sim::FunctionalPlatform& fp, const SocConfig& soc) {
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

void expect_ok(uint32_t ctrl_word, const std::string& what) {
    EXPECT_EQ(ctrl_word & ctrl::kErrorBit, 0u)
        << what << ": error cause " << error_cause_name(static_cast<ErrorCause>(ctrl_word & ctrl::kCauseMask));
}

uint32_t u(int v) { return static_cast<uint32_t>(v); }

// A stream into decoder `dec` at (mask_row, input_row) by DMA, from DRAM at `dram`.
void load(Bus& b, int dec, int mask_row, int input_row, const Stream& s, uint64_t dram) {
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

void load_aux(Bus& b, int row, const std::vector<uint8_t>& bytes, uint64_t dram) {
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

uint32_t matmul(Bus& bus, const Mm& j) {
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

std::vector<uint8_t> expect_matmul(const EdgebertTileConfig& cfg, const Mm& j, const std::vector<uint8_t>& a,
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

uint32_t sfu(Bus& bus, const Sf& j) {
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

Aux make_aux(Rng& rng, int nv) {
    Aux a;
    a.gamma = random_codes(rng, size_t(nv) * kL, 0.1);
    a.beta = random_codes(rng, size_t(nv) * kL, 0.1);
    a.span = random_codes(rng, size_t(nv) * kL, 0.1);
    for (auto* v : {&a.gamma, &a.beta, &a.span})
        for (auto& x : *v) x &= 0x3F;  // positive, modest
    a.span[0] = 0x38;  // a non-zero span
    a.table.resize(fn::kLutEntries);
    for (auto& x : a.table) x = static_cast<uint8_t>(rng.uniform_int(0, 255));
    a.table[0] = 0x00;  // zero maps to zero: the LUT's result has zeros to keep
    return a;
}

void load_aux_all(Bus& b, const Aux& a, const Sf& j, uint64_t dram) {
    load_aux(b, j.gamma_row, a.gamma, dram);
    load_aux(b, j.beta_row, a.beta, dram + 0x1000);
    load_aux(b, j.span_row, a.span, dram + 0x2000);
    load_aux(b, 100, a.table, dram + 0x3000);
}

std::vector<uint8_t> expect_sfu(const EdgebertTileConfig& cfg, const Sf& j, const Aux& a,
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
void expect_dense_at(Bus& b, int dec, Loc at, const std::vector<uint8_t>& codes, const std::string& what) {
    const int vectors = static_cast<int>(codes.size()) / kL;
    EXPECT_EQ(rows_of(b.sram(mask_sram_of(dec)), at.mask, vectors), std::vector<uint8_t>(size_t(vectors) * 2, 0xFF))
        << what << ": every mask bit set";
    EXPECT_EQ(rows_of(b.sram(input_sram_of(dec)), at.input, vectors), codes) << what << ": row k = vector k";
}

// ... or the values it decodes to.
std::vector<uint8_t> decoded_at(Bus& b, int dec, Loc at, int vectors) {
    return decode_bitmask(b.sram(input_sram_of(dec)), b.sram(mask_sram_of(dec)), kL, at.mask, at.input, vectors)
        .codes;
}

std::vector<std::vector<uint8_t>> dump_all(Bus& b) {
    std::vector<std::vector<uint8_t>> out;
    for (SramId s : {SramId::Input0, SramId::Mask0, SramId::Input1, SramId::Mask1, SramId::Aux})
        out.push_back(dump(b.sram(s)));
    return out;
}

}  // namespace

// ------------------------------------------------------------ the encoder's image

TEST(DenseResultsEncoder, MaskAllOnesAndRowsAreTheCodesZerosIncluded) {
    for (int lanes : {8, 16, 32}) {
        EdgebertTileConfig cfg;
        cfg.lanes = lanes;
        Rng rng{static_cast<uint64_t>(lanes)};
        const int vectors = 40;
        auto codes = random_codes(rng, size_t(vectors) * lanes, 0.6, /*negative_zeros=*/true);
        std::fill(codes.begin() + 3 * lanes, codes.begin() + 4 * lanes, 0);  // an all-zero vector
        codes[5 * size_t(lanes) + 1] = 0x80;
        Sram input("in", 128, lanes), mask("mask", 128, lanes / 8);
        const auto r = encode_vectors(cfg, input, mask, 7, 11, codes.data(), vectors, /*dense=*/true);
        EXPECT_EQ(r.vectors, vectors);
        EXPECT_EQ(r.input_rows_used, vectors);
        EXPECT_EQ(r.nonzeros, uint64_t(vectors) * lanes);
        EXPECT_EQ(rows_of(mask, 7, vectors), std::vector<uint8_t>(size_t(vectors) * lanes / 8, 0xFF)) << lanes;
        EXPECT_EQ(rows_of(input, 11, vectors), codes) << lanes;  // 0x00 and 0x80 verbatim
        EXPECT_EQ(rows_of(input, 11 + vectors, 1), std::vector<uint8_t>(size_t(lanes), 0));  // nothing beyond
        EXPECT_EQ(input.row_writes(), uint64_t(vectors));
        EXPECT_EQ(mask.row_writes(), uint64_t(vectors));
        // The decoder loads every byte: the codes come back verbatim, no vector is a zero vector.
        const auto d = decode_bitmask(input, mask, lanes, 7, 11, vectors);
        EXPECT_EQ(d.codes, codes);
        EXPECT_EQ(d.input_rows_used, vectors);
        EXPECT_EQ(std::count(d.zero_vector.begin(), d.zero_vector.end(), 1), 0);
        // The compressed path is unchanged: the bitmask encoding of the same codes.
        Sram input2("in2", 128, lanes), mask2("mask2", 128, lanes / 8);
        const auto c = encode_vectors(cfg, input2, mask2, 0, 0, codes.data(), vectors);
        const auto enc = num::bitmask_encode(codes.data(), size_t(vectors), lanes, 0x7F);
        const auto img = num::bitmask_to_dram(enc);
        EXPECT_EQ(c.input_rows_used, int(enc.depth()));
        EXPECT_EQ(rows_of(mask2, 0, vectors), img.mask_bytes);
        EXPECT_EQ(rows_of(input2, 0, c.input_rows_used), img.input_bytes);
        EXPECT_EQ(decode_bitmask(input2, mask2, lanes, 0, 0, vectors).codes, canonical(codes));
    }
}

// ------------------------------------------------------------ host-side parsing

TEST(DenseResultsReadout, BitmaskFromDramAcceptsStoredZerosOnlyWhenAsked) {
    Rng rng(5);
    const int vectors = 12;
    const auto codes = random_codes(rng, size_t(vectors) * kL, 0.5, true);
    const Stream s = dense_stream(codes, kL);
    EXPECT_THROW(num::bitmask_from_dram(s.mask.data(), s.mask.size(), s.rows.data(), s.rows.size(), vectors, kL),
                 FileFormatError);
    const auto enc =
        num::bitmask_from_dram(s.mask.data(), s.mask.size(), s.rows.data(), s.rows.size(), vectors, kL, true);
    EXPECT_EQ(enc.depth(), size_t(vectors));
    EXPECT_EQ(num::bitmask_decode(enc), codes);
    // A compressed stream reads as before either way.
    const Stream c = compressed_stream(codes, kL);
    for (bool allow : {false, true})
        EXPECT_EQ(num::bitmask_decode(num::bitmask_from_dram(c.mask.data(), c.mask.size(), c.rows.data(),
                                                             c.rows.size(), vectors, kL, allow)),
                  canonical(codes));
}

TEST(DenseResultsReadout, AfBlockTensorsMayBeDenseStreams) {
    // Two blocks of 16 rows x 32 columns: the first dense, the second compressed.
    Rng rng(6);
    const uint32_t rows = 32, cols = 32, block_rows = 16;
    const auto codes = random_codes(rng, size_t(rows) * cols, 0.5);
    const size_t vectors = size_t(block_rows) * cols / kL, mbytes = vectors * 2, rows_off = (mbytes + 63) & ~size_t{63};
    const uint64_t base = 0x1000, stride = 0x800;
    std::vector<uint8_t> dram(0x4000, 0xEE);
    for (int blk = 0; blk < 2; ++blk) {
        const std::vector<uint8_t> part(codes.begin() + long(blk) * block_rows * cols,
                                        codes.begin() + long(blk + 1) * block_rows * cols);
        const Stream s = blk == 0 ? dense_stream(part, kL) : compressed_stream(part, kL);
        std::copy(s.mask.begin(), s.mask.end(), dram.begin() + long(base + blk * stride));
        std::fill(dram.begin() + long(base + blk * stride + rows_off),
                  dram.begin() + long(base + blk * stride + rows_off + vectors * kL), 0);
        std::copy(s.rows.begin(), s.rows.end(), dram.begin() + long(base + blk * stride + rows_off));
    }
    eb_tensor t{};
    t.addr = base;
    t.block_stride = stride;
    t.format = EB_FMT_AF_BLOCKS;
    t.rows = rows, t.cols = cols, t.ld = cols, t.block_rows = block_rows;
    t.exp_bias = -6;
    t.af_total_bits = 8, t.af_exp_bits = 3;
    const sim::DramReader read = [&](uint64_t a, void* dst, size_t n) { std::memcpy(dst, &dram[a], n); };
    EXPECT_EQ(sim::tensor_bytes(t, read, kL), codes);
    const auto v = sim::tensor_values(t, read, kL);
    EXPECT_EQ(v.size(), codes.size());
}

// ------------------------------------------------------------ configuration and plan

TEST(DenseResultsConfig, OffByDefaultParsedAndValidated) {
    EXPECT_FALSE(EdgebertTileConfig{}.dense_results);
    for (const char* f : {"default.json", "epochs.json"})
        EXPECT_FALSE(load_edgebert_tile_config(std::string(EDGEBERT_SOURCE_DIR) + "/configs/soc/" + f).dense_results)
            << f;
    auto parse = [](const std::string& json) {
        const auto v = parse_json_text(json, "soc.json");
        return parse_edgebert_tile_config(JsonReader(v, "soc.json", "edgebert"));
    };
    EXPECT_TRUE(parse(R"({"dense_results": true})").dense_results);
    EXPECT_FALSE(parse(R"({"dense_results": false})").dense_results);
    try {
        parse(R"({"dense_results": 1})");
        FAIL();
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("'edgebert.dense_results' = 1 must be true or false"), std::string::npos)
            << e.what();
        EXPECT_NE(std::string(e.what()).find("soc.json"), std::string::npos) << e.what();
    }
}

namespace {

RegisterFile compute_regs(uint32_t cmd, bool dense_bit) {
    RegisterFile r{};
    const uint32_t gb[] = {kGbLayerNorm, kGbSoftmax, kGbElementAdd, kGbEntropy, kGbEntropy, kGbLut};
    put(r, "flip_mem", 1);
    put(r, "n0", 32);
    put(r, "n1", 32);
    put(r, "m", 64);
    put(r, "num_vector", 4);
    put(r, "num_timestep", 3);
    put(r, "base_input0", 100);
    put(r, "base_mask0", 300);
    put(r, "base_output", 3000);
    put(r, "base_output_mask", 3100);
    put(r, "base_gamma", 40);
    const bool sfu_cmd = cmd >= kCmdLayerNorm;
    put(r, "use_gb", sfu_cmd ? 1 : 0);
    put(r, "gb_mode", sfu_cmd ? gb[cmd - kCmdLayerNorm] : 0);
    put(r, "dense_results", dense_bit);
    return r;
}

}  // namespace

TEST(DenseResultsPlan, DecodedWithTheFlagRefusedOrIgnoredWithout) {
    EdgebertTileConfig on, off, silicon;
    on.dense_results = true;
    on.sfu_lut = off.sfu_lut = silicon.sfu_lut = true;
    silicon.checks = CheckMode::Silicon;
    for (uint32_t cmd : {kCmdMatmul, kCmdLayerNorm, kCmdSoftmax, kCmdElementAdd, kCmdLut}) {
        SCOPED_TRACE(command_name(cmd));
        auto dense_out = [&](const CommandPlan& p) { return cmd == kCmdMatmul ? p.matmul.dense_out : p.sfu.dense_out; };
        // With the flag the bit selects the encoding per command.
        for (bool bit : {false, true}) {
            const auto p = plan_command(on, compute_regs(cmd, bit), cmd);
            EXPECT_TRUE(p.violations.empty()) << p.violations.at(0).check;
            EXPECT_EQ(dense_out(p), bit);
        }
        // Without it, the bit clear: nothing changes.
        EXPECT_TRUE(plan_command(off, compute_regs(cmd, false), cmd).violations.empty());
        // Set: a bad-mode violation naming the field and the flag, compressed encoding.
        const auto p = plan_command(off, compute_regs(cmd, true), cmd);
        EXPECT_FALSE(dense_out(p));
        ASSERT_EQ(p.violations.size(), 1u);
        const auto& v = p.violations[0];
        EXPECT_EQ(v.cause, ErrorCause::kBadMode);
        EXPECT_EQ(v.effect, HwEffect::Runs);
        EXPECT_NE(v.check.find("dense_results"), std::string::npos) << v.check;
        EXPECT_NE(v.check.find("edgebert.dense_results = false"), std::string::npos) << v.check;
        EXPECT_NE(v.hardware.find("ignored"), std::string::npos) << v.hardware;
        ASSERT_EQ(v.registers.size(), 1u);
        EXPECT_EQ(v.registers[0].first, "dense_results");
        EXPECT_EQ(v.registers[0].second, 1u);
        // Strict refuses with the cause; silicon runs, compressed, with one warning.
        auto d = decide(CheckMode::Strict, p.violations);
        EXPECT_FALSE(d.run);
        EXPECT_EQ(d.refuse, ErrorCause::kBadMode);
        const auto ps = plan_command(silicon, compute_regs(cmd, true), cmd);
        EXPECT_FALSE(dense_out(ps));
        d = decide(CheckMode::Silicon, ps.violations);
        EXPECT_TRUE(d.run);
        ASSERT_EQ(d.warnings.size(), 1u);
        EXPECT_EQ(d.warnings[0].cause, ErrorCause::kBadMode);
        // The footprint is the same: a result may take one input row per vector either way.
        EXPECT_EQ(plan_command(on, compute_regs(cmd, true), cmd).footprint.size(), p.footprint.size());
    }
    // Commands that write no result, and the write-outs, never read the bit.
    for (uint32_t cmd : {kCmdEntropy, kCmdDvfs, kCmdMaskWrite, kCmdInputWrite}) {
        RegisterFile r = compute_regs(cmd, true);
        if (is_dma_command(cmd)) put(r, "use_axi", 1);
        EXPECT_TRUE(plan_command(off, r, cmd).violations.empty()) << command_name(cmd);
    }
}

TEST(DenseResultsRegisterMap, FieldDocumentAndHeader) {
    const std::string h = register_map_c_header();
    EXPECT_NE(h.find("#define EB_F_DENSE_RESULTS_REG 0x48u"), std::string::npos);
    EXPECT_NE(h.find("#define EB_F_DENSE_RESULTS_LSB 31u"), std::string::npos);
    EXPECT_NE(h.find("#define EB_F_DENSE_RESULTS_WIDTH 1u"), std::string::npos);
    const std::string md = register_map_markdown();
    EXPECT_NE(md.find("| 0x48 | dense_results *ext* | [31] |"), std::string::npos);
    EXPECT_NE(md.find("## Extension fields"), std::string::npos);
    // The field sits in bits the original left unused: no other field of 0x48 overlaps it.
    for (int i = 0; i < kNumRegisterFields; ++i) {
        const auto& f = kRegisterFields[i];
        if (f.offset == kBaseOutput && std::string(f.name) != "dense_results") {
            EXPECT_LE(f.lsb + f.width, 31) << f.name;
        }
    }
    // Listed as decoded by every command that encodes a result, and by no other.
    auto decodes = [](const CommandRegisters& c) {
        for (const char* n : c.reads)
            if (std::string(n) == "dense_results") return true;
        return false;
    };
    for (int i = 0; i < kNumCommandRegisters; ++i) {
        const uint32_t c = kCommandRegisters[i].command;
        EXPECT_EQ(decodes(kCommandRegisters[i]), c >= kCmdMatmul && c <= kCmdElementAdd) << command_name(c);
    }
    EXPECT_TRUE(decodes(kExtCommandRegisters[0]));
}

// ------------------------------------------------------------ SystemC tile vs functional model

namespace {

struct OpsRun {
    std::vector<std::vector<uint8_t>> srams;
    std::vector<uint64_t> dense_cycles, compressed_cycles;
};

// Random data through every operation that writes a result, dense and compressed.
OpsRun every_operation(Bus& b, const SocConfig& soc) {
    const auto& cfg = soc.edgebert;
    const uint64_t dram = soc.dram.base + 0x4000000;
    Rng rng(2024);
    OpsRun run;
    // Matmul: A (decoder 0) and B (decoder 1), 32 x 64, sparse, ReLU (result zeros).
    const auto a = random_codes(rng, 32 * 64, 0.5), bm = random_codes(rng, 32 * 64, 0.5);
    load(b, 0, 0, 0, compressed_stream(a, kL), dram);
    load(b, 1, 0, 0, compressed_stream(bm, kL), dram + 0x100000);
    Mm mm;
    mm.a = {0, 0}, mm.b = {0, 0};
    const auto c = expect_matmul(cfg, mm, a, bm);
    EXPECT_GT(std::count(c.begin(), c.end(), 0), 0);
    mm.dense = true, mm.out = {1000, 1000};
    expect_ok(matmul(b, mm), "dense matmul");
    run.dense_cycles.push_back(b.last_cycles());
    expect_dense_at(b, 1, mm.out, c, "matmul");
    mm.dense = false, mm.out = {1100, 1100};
    expect_ok(matmul(b, mm), "matmul");
    run.compressed_cycles.push_back(b.last_cycles());
    EXPECT_EQ(decoded_at(b, 1, mm.out, 64), c);
    // SFU: x (decoder 0), y (decoder 1), 6 rows of 4 vectors.
    Sf sf;
    sf.x = {200, 200}, sf.y = {200, 200};
    const auto x = random_codes(rng, size_t(sf.nv) * sf.rows * kL, 0.4);
    const auto y = random_codes(rng, size_t(sf.nv) * sf.rows * kL, 0.4);
    load(b, 0, sf.x.mask, sf.x.input, compressed_stream(x, kL), dram + 0x200000);
    load(b, 1, sf.y.mask, sf.y.input, compressed_stream(y, kL), dram + 0x300000);
    const Aux aux = make_aux(rng, sf.nv);
    load_aux_all(b, aux, sf, dram + 0x400000);
    struct Case {
        SfuOp op;
        int out_dec, dense_row, compressed_row;
    };
    for (const Case k : {Case{SfuOp::LayerNorm, 1, 1200, 1230}, Case{SfuOp::Softmax, 1, 1300, 1330},
                         Case{SfuOp::ElementAdd, 1, 1400, 1430}, Case{SfuOp::ElementAdd, 0, 1600, 1630},
                         Case{SfuOp::Lut, 1, 1500, 1530}}) {
        const std::string what = std::string(command_name(k.op == SfuOp::LayerNorm ? kCmdLayerNorm
                                                          : k.op == SfuOp::Softmax ? kCmdSoftmax
                                                          : k.op == SfuOp::Lut     ? kCmdLut
                                                                                   : kCmdElementAdd)) +
                                 " into decoder " + std::to_string(k.out_dec);
        sf.op = k.op;
        sf.out_dec = k.out_dec;
        if (k.op == SfuOp::Lut) sf.gamma_row = 100;
        const auto want = expect_sfu(cfg, sf, aux, x, y);
        sf.dense = true, sf.out = {k.dense_row, k.dense_row};
        expect_ok(sfu(b, sf), "dense " + what);
        run.dense_cycles.push_back(b.last_cycles());
        expect_dense_at(b, k.out_dec, sf.out, want, what);
        sf.dense = false, sf.out = {k.compressed_row, k.compressed_row};
        expect_ok(sfu(b, sf), what);
        run.compressed_cycles.push_back(b.last_cycles());
        EXPECT_EQ(decoded_at(b, k.out_dec, sf.out, sf.nv * sf.rows), want) << what;
        sf.gamma_row = 0;
    }
    EXPECT_TRUE(b.warnings().empty());
    run.srams = dump_all(b);
    return run;
}

// Dense results and host-made dense operands (stored 0x00 and 0x80) as operands of
// later commands, against the same commands on compressed operands.
struct Feedback {
    std::vector<std::vector<uint8_t>> srams;
    uint64_t gated_dense = 0, gated_compressed = 0, cycles_dense = 0, cycles_compressed = 0;
};

Feedback feedback(Bus& b, const SocConfig& soc, const std::function<uint64_t()>& gated) {
    const auto& cfg = soc.edgebert;
    const uint64_t dram = soc.dram.base + 0x5000000;
    Rng rng(99);
    Feedback f;
    auto a = random_codes(rng, 32 * 64, 0.4), bm = random_codes(rng, 32 * 64, 0.4);
    std::fill(a.begin() + 4 * 64, a.begin() + 8 * 64, 0);  // rows 4..7 of A zero: C1's rows 4..7 are zero vectors
    load(b, 0, 0, 0, compressed_stream(a, kL), dram);
    load(b, 1, 0, 0, compressed_stream(bm, kL), dram + 0x100000);
    // C1 = relu(A . B^T), 32 x 32, into decoder 0: dense at 2000, compressed at 2100.
    Mm mm;
    mm.out_dec = 0;
    const auto c1 = expect_matmul(cfg, mm, a, bm);
    mm.dense = true, mm.out = {2000, 2000};
    expect_ok(matmul(b, mm), "C1 dense");
    mm.dense = false, mm.out = {2100, 2100};
    expect_ok(matmul(b, mm), "C1 compressed");
    // C2 = C1 . W^T (W 16 x 32 in decoder 1), from either C1.
    const auto w = random_codes(rng, 16 * 32, 0.3);
    load(b, 1, 300, 300, compressed_stream(w, kL), dram + 0x200000);
    Mm m2;
    m2.n0 = 32, m2.n1 = 16, m2.m = 32, m2.a_bias = mm.out_bias, m2.b = {300, 300}, m2.out_bias = 6;
    const auto c2 = expect_matmul(cfg, m2, c1, w);
    for (const bool dense_c1 : {true, false}) {
        m2.a = dense_c1 ? Loc{2000, 2000} : Loc{2100, 2100};
        m2.out = dense_c1 ? Loc{2000, 2000} : Loc{2100, 2100};
        const uint64_t g0 = gated();
        expect_ok(matmul(b, m2), dense_c1 ? "C2 from the dense C1" : "C2 from the compressed C1");
        (dense_c1 ? f.gated_dense : f.gated_compressed) = gated() - g0;
        (dense_c1 ? f.cycles_dense : f.cycles_compressed) = b.last_cycles();
        EXPECT_EQ(decoded_at(b, 1, m2.out, 32), c2) << "dense C1 " << dense_c1;
    }
    // C1 + Y (element add, 32 rows of 2 vectors), from either C1, dense result.
    const auto y = random_codes(rng, 32 * 32, 0.3);
    load(b, 1, 400, 400, compressed_stream(y, kL), dram + 0x300000);
    Sf ea;
    ea.nv = 2, ea.rows = 32, ea.x_bias = mm.out_bias, ea.y = {400, 400}, ea.dense = true;
    const auto sum = expect_sfu(cfg, ea, {}, c1, y);
    for (const bool dense_c1 : {true, false}) {
        ea.x = dense_c1 ? Loc{2000, 2000} : Loc{2100, 2100};
        ea.out = dense_c1 ? Loc{2200, 2200} : Loc{2300, 2300};
        expect_ok(sfu(b, ea), "C1 + Y");
        expect_dense_at(b, 1, ea.out, sum, dense_c1 ? "dense C1 + Y" : "compressed C1 + Y");
    }
    // A host-made dense A' with stored 0x00 and 0x80 against its compressed form:
    // matmul, layer norm, softmax and element add read 0x80 as zero.
    const auto a2 = random_codes(rng, 32 * 64, 0.5, /*negative_zeros=*/true);
    load(b, 0, 2400, 2400, dense_stream(a2, kL), dram + 0x400000);
    load(b, 0, 2600, 2600, compressed_stream(a2, kL), dram + 0x500000);
    Mm m3;
    m3.b = {0, 0};
    const auto c3 = expect_matmul(cfg, m3, canonical(a2), bm);
    EXPECT_EQ(expect_matmul(cfg, m3, a2, bm), c3);  // the model itself reads 0x80 as zero
    m3.a = {2400, 2400}, m3.out = {2400, 2400};
    expect_ok(matmul(b, m3), "A' dense");
    m3.a = {2600, 2600}, m3.out = {2500, 2500};
    expect_ok(matmul(b, m3), "A' compressed");
    EXPECT_EQ(decoded_at(b, 1, {2400, 2400}, 64), c3);
    EXPECT_EQ(decoded_at(b, 1, {2500, 2500}, 64), c3);
    Sf sf;
    sf.nv = 4, sf.rows = 8;  // A' as 8 rows of 64: the first 32 vectors
    sf.y = {400, 400};
    const Aux aux = make_aux(rng, sf.nv);
    load_aux_all(b, aux, sf, dram + 0x600000);
    const std::vector<uint8_t> x(a2.begin(), a2.begin() + 32 * kL), yy(y.begin(), y.begin() + 32 * kL);
    int row = 2600;
    for (SfuOp op : {SfuOp::LayerNorm, SfuOp::Softmax, SfuOp::ElementAdd}) {
        sf.op = op;
        const auto want = expect_sfu(cfg, sf, aux, canonical(x), yy);
        EXPECT_EQ(expect_sfu(cfg, sf, aux, x, yy), want);
        for (const Loc from : {Loc{2400, 2400}, Loc{2600, 2600}}) {
            sf.x = from, sf.out = {row, row};
            row += 32;
            expect_ok(sfu(b, sf), "SFU on A'");
            EXPECT_EQ(decoded_at(b, 1, sf.out, 32), want) << static_cast<int>(op) << " from row " << from.mask;
        }
    }
    EXPECT_TRUE(b.warnings().empty());
    f.srams = dump_all(b);
    return f;
}

}  // namespace

class DenseResultsTile : public edgebert::test::ScTest {};

TEST_F(DenseResultsTile, EveryOperationEqualsTheFunctionalModelAndPlatformWithTheSameCycles) {
    const SocConfig soc = soc_config(true, CheckMode::Strict);
    TestbenchMemory mem;
    mem.base = soc.dram.base;
    mem.size = soc.dram.size;
    auto* tb = new TileTestbench("tb", soc.edgebert, mem);
    OpsRun sc;
    tb->run([&] {
        Bus b = sc_bus(*tb);
        sc = every_operation(b, soc);
    });
    // Dense or compressed, the encoder takes the same cycles.
    ASSERT_EQ(sc.dense_cycles.size(), 6u);
    EXPECT_EQ(sc.dense_cycles, sc.compressed_cycles);
    EXPECT_EQ(sc.dense_cycles[0], ProcessingUnit::timing(soc.edgebert, {32, 32, 64}, std::vector<uint8_t>(128, 0),
                                                         std::vector<uint8_t>(128, 0)).cycles);
    sim::FunctionalPlatform fp(soc);
    Bus fb = fn_bus(fp, soc);
    const OpsRun fn = every_operation(fb, soc);
    ASSERT_EQ(fn.srams.size(), sc.srams.size());
    for (size_t i = 0; i < sc.srams.size(); ++i) EXPECT_TRUE(sc.srams[i] == fn.srams[i]) << "SRAM " << i;
}

TEST_F(DenseResultsTile, DenseOperandsGiveTheCompressedPathsNumbers) {
    const SocConfig soc = soc_config(true, CheckMode::Strict);
    TestbenchMemory mem;
    mem.base = soc.dram.base;
    mem.size = soc.dram.size;
    auto* tb = new TileTestbench("tb", soc.edgebert, mem);
    Feedback sc;
    tb->run([&] {
        Bus b = sc_bus(*tb);
        sc = feedback(b, soc, [&] { return tb->tile.pu.total_gated_vector_ops(); });
    });
    // A dense C1's zero vectors (rows 4..7) are not skipped: fewer gated products, no fewer cycles.
    EXPECT_LT(sc.gated_dense, sc.gated_compressed);
    EXPECT_GE(sc.cycles_dense, sc.cycles_compressed);
    sim::FunctionalPlatform fp(soc);
    Bus fb = fn_bus(fp, soc);
    const Feedback fn = feedback(fb, soc, [] { return uint64_t{0}; });
    ASSERT_EQ(fn.srams.size(), sc.srams.size());
    for (size_t i = 0; i < sc.srams.size(); ++i) EXPECT_TRUE(sc.srams[i] == fn.srams[i]) << "SRAM " << i;
}

// ------------------------------------------------------------ the flag off

namespace {

// A matmul and a layer norm with dense_results = 1 on a tile without the extension.
void flag_off(Bus& b, const SocConfig& soc, CheckMode mode) {
    const auto& cfg = soc.edgebert;
    const uint64_t dram = soc.dram.base + 0x4000000;
    Rng rng(7);
    const auto a = random_codes(rng, 32 * 64, 0.5), bm = random_codes(rng, 32 * 64, 0.5);
    load(b, 0, 0, 0, compressed_stream(a, kL), dram);
    load(b, 1, 0, 0, compressed_stream(bm, kL), dram + 0x100000);
    Mm mm;
    mm.dense = true, mm.out = {1000, 1000};
    const uint32_t c = matmul(b, mm);
    Sf ln;
    ln.op = SfuOp::LayerNorm, ln.nv = 4, ln.rows = 8, ln.x = {0, 0}, ln.out = {1200, 1200}, ln.dense = true;
    const Aux aux = make_aux(rng, ln.nv);
    if (mode == CheckMode::Strict) {
        EXPECT_TRUE(c & ctrl::kErrorBit);
        EXPECT_EQ(static_cast<ErrorCause>(c & ctrl::kCauseMask), ErrorCause::kBadMode);
        EXPECT_EQ(rows_of(b.sram(SramId::Mask1), 1000, 64), std::vector<uint8_t>(128, 0));  // nothing written
        b.write(kCtrl, ctrl::kSoftResetBit);
        load_aux_all(b, aux, ln, dram + 0x200000);
        const uint32_t l = sfu(b, ln);
        EXPECT_EQ(static_cast<ErrorCause>(l & ctrl::kCauseMask), ErrorCause::kBadMode);
        EXPECT_TRUE(b.warnings().empty());
        return;
    }
    // Silicon: the bit is ignored, the results are bitmask-compressed, one warning each.
    expect_ok(c, "silicon matmul");
    const auto want = expect_matmul(cfg, mm, a, bm);
    const Stream s = compressed_stream(want, kL);
    EXPECT_EQ(rows_of(b.sram(SramId::Mask1), 1000, 64), s.mask);
    EXPECT_EQ(rows_of(b.sram(SramId::Input1), 1000, int(s.rows.size()) / kL), s.rows);
    load_aux_all(b, aux, ln, dram + 0x200000);
    expect_ok(sfu(b, ln), "silicon layer norm");
    EXPECT_EQ(rows_of(b.sram(SramId::Mask1), 1200, 32),
              compressed_stream(expect_sfu(cfg, ln, aux, std::vector<uint8_t>(a.begin(), a.begin() + 32 * kL), {}),
                                kL)
                  .mask);
    const auto w = b.warnings();
    ASSERT_EQ(w.size(), 2u);
    for (const auto& x : w) {
        EXPECT_EQ(x.cause, ErrorCause::kBadMode);
        EXPECT_NE(x.check.find("dense_results"), std::string::npos) << x.check;
        EXPECT_NE(x.check.find("edgebert.dense_results = false"), std::string::npos) << x.check;
        EXPECT_NE(x.hardware.find("ignored"), std::string::npos) << x.hardware;
        ASSERT_EQ(x.registers.size(), 1u);
        EXPECT_EQ(x.registers[0].first, "dense_results");
    }
    EXPECT_EQ(w[0].command, kCmdMatmul);
    EXPECT_EQ(w[1].command, kCmdLayerNorm);
}

}  // namespace

class DenseResultsOff : public edgebert::test::ScTest {};

TEST_F(DenseResultsOff, StrictRefusesTheCommandWithBadMode) {
    const SocConfig soc = soc_config(false, CheckMode::Strict);
    TestbenchMemory mem;
    mem.base = soc.dram.base;
    mem.size = soc.dram.size;
    auto* tb = new TileTestbench("tb", soc.edgebert, mem);
    tb->run([&] {
        Bus b = sc_bus(*tb);
        flag_off(b, soc, CheckMode::Strict);
        EXPECT_EQ(tb->tile.pu.total_cycles(), 0u);
        EXPECT_EQ(tb->tile.control.log().back().error, ErrorCause::kBadMode);
        EXPECT_STREQ(error_cause_name(tb->tile.control.log().back().error), "bad_mode");
    });
    sim::FunctionalPlatform fp(soc);
    Bus fb = fn_bus(fp, soc);
    flag_off(fb, soc, CheckMode::Strict);
}

TEST_F(DenseResultsOff, SiliconIgnoresTheBitWithAWarning) {
    const SocConfig soc = soc_config(false, CheckMode::Silicon);
    TestbenchMemory mem;
    mem.base = soc.dram.base;
    mem.size = soc.dram.size;
    auto* tb = new TileTestbench("tb", soc.edgebert, mem);
    std::vector<std::vector<uint8_t>> sc;
    tb->run([&] {
        Bus b = sc_bus(*tb);
        flag_off(b, soc, CheckMode::Silicon);
        sc = dump_all(b);
    });
    sim::FunctionalPlatform fp(soc);
    Bus fb = fn_bus(fp, soc);
    flag_off(fb, soc, CheckMode::Silicon);
    const auto fn = dump_all(fb);
    for (size_t i = 0; i < sc.size(); ++i) EXPECT_TRUE(sc[i] == fn[i]) << "SRAM " << i;
}

// ------------------------------------------------------------ the runtime

namespace {

// A program for the runtime's executor: C1 = relu(A . B^T) dense into decoder 0
// (EB_OP_EB_MATMUL, a[2] bit 48), C1 + Y dense into decoder 1 (EB_OP_EB_SFU
// element add, a[0] bit 33), written out as one AF block (the output tensor, read
// through the run's tensor readout) whose mask words are also the logits tensor.
struct DenseProgram {
    compiler::CompiledModel model;
    std::vector<uint8_t> expect;  // C1 + Y
};

DenseProgram dense_program(const SocConfig& soc) {
    const auto& cfg = soc.edgebert;
    Rng rng(31);
    const auto a = random_codes(rng, 32 * 64, 0.5), bm = random_codes(rng, 32 * 64, 0.5);
    const auto y = random_codes(rng, 32 * 32, 0.5);
    Mm mm;
    Sf ea;
    ea.nv = 2, ea.rows = 32, ea.x_bias = mm.out_bias;
    DenseProgram p;
    p.expect = expect_sfu(cfg, ea, {}, expect_matmul(cfg, mm, a, bm), y);
    const uint64_t base = soc.dram.base + compiler::kFirmwareReserved;
    const uint64_t a_at = base, b_at = base + 0x2000, y_at = base + 0x4000, out = base + 0x6000;
    const Stream as = compressed_stream(a, kL), bs = compressed_stream(bm, kL), ys = compressed_stream(y, kL);
    compiler::ProgramBuilder b(EB_TARGET_EDGEBERT);
    b.image(a_at, as.mask);
    b.image(a_at + 0x1000, as.rows);
    b.image(b_at, bs.mask);
    b.image(b_at + 0x1000, bs.rows);
    b.image(y_at, ys.mask);
    b.image(y_at + 0x1000, ys.rows);
    eb_tensor t{};
    t.addr = out;
    t.block_stride = 0x1000;
    t.format = EB_FMT_AF_BLOCKS;
    t.rows = 32, t.cols = 32, t.ld = 32, t.block_rows = 32;
    t.exp_bias = cfg.bias_range.min + ea.out_bias;
    t.af_total_bits = 8, t.af_exp_bits = 3;
    t.scale = 1.0f;
    const uint32_t result = b.tensor("sum", t);
    eb_tensor m{};
    m.addr = out;
    m.format = EB_FMT_I8;
    m.rows = 1, m.cols = m.ld = 64 * 2;
    m.scale = 1.0f;
    const uint32_t masks = b.tensor("sum_masks", m);
    b.region(0, EB_MOD_FFN, "dense");
    b.eb_dma(EB_SRAM_MASK, true, 0, 0, a_at, 128, true);
    b.eb_dma(EB_SRAM_INPUT, true, 0, 0, a_at + 0x1000, uint32_t(as.rows.size() / kL), true);
    b.eb_dma(EB_SRAM_MASK, true, 1, 0, b_at, 128, true);
    b.eb_dma(EB_SRAM_INPUT, true, 1, 0, b_at + 0x1000, uint32_t(bs.rows.size() / kL), true);
    b.eb_dma(EB_SRAM_MASK, true, 1, 1000, y_at, 64, true);
    b.eb_dma(EB_SRAM_INPUT, true, 1, 1000, y_at + 0x1000, uint32_t(ys.rows.size() / kL), true);
    eb_instr in{};
    in.op = EB_OP_EB_MATMUL;
    in.a[0] = 32 | (uint64_t{32} << 16) | (uint64_t{64} << 32);
    in.a[1] = 0;  // A and B at rows 0 of decoders 0 and 1
    in.a[2] = 0 | (uint64_t{2000} << 16) | (uint64_t{2000} << 32) | (uint64_t{1} << 48);  // decoder 0, dense
    in.a[3] = uint64_t(mm.a_bias) | (uint64_t(mm.b_bias) << 8) | (uint64_t(mm.out_bias) << 16) | (uint64_t{1} << 24);
    in.a[4] = 1;  // wait
    b.raw(in, "C1 = relu(A . B^T), dense");
    eb_instr s{};
    s.op = EB_OP_EB_SFU;
    s.a[0] = uint64_t(EB_SFU_ELEMENT_ADD) | (uint64_t{2} << 8) | (uint64_t{32} << 16) | (uint64_t{1} << 24) |
             (uint64_t{1} << 32) | (uint64_t{1} << 33);  // out_dec 1, wait, dense
    s.a[1] = 2000 | (uint64_t{2000} << 16) | (uint64_t{1000} << 32) | (uint64_t{1000} << 48);
    s.a[2] = 2500 | (uint64_t{2500} << 16);
    s.a[3] = uint64_t(ea.x_bias) | (uint64_t(ea.y_bias) << 8) | (uint64_t(ea.out_bias) << 16);
    b.raw(s, "C1 + Y, dense");
    b.eb_dma(EB_SRAM_MASK, false, 1, 2500, out, 64, true);
    b.eb_dma(EB_SRAM_INPUT, false, 1, 2500, out + 128, 64, true);  // rows 64-byte aligned after 128 mask bytes
    b.end();
    p.model.program = b.take();
    p.model.hidden_out = result;
    p.model.logits_out = masks;
    return p;
}

void expect_dense_output(const std::vector<uint8_t>& bytes, const std::vector<float>& logits,
                         const DenseProgram& p) {
    EXPECT_EQ(bytes, p.expect);
    ASSERT_EQ(logits.size(), 128u);
    for (float v : logits) EXPECT_EQ(v, -1.0f);  // every mask byte 0xFF
}

}  // namespace

class DenseResultsRuntime : public edgebert::test::ScTest {};

TEST_F(DenseResultsRuntime, ProgramInstructionsAndDriverOnTheSocAndTheFunctionalPlatform) {
    const SocConfig soc = soc_config(true, CheckMode::Strict);
    const DenseProgram p = dense_program(soc);
    const auto timed = sim::run_on_soc(soc, p.model, "edgebert");
    EXPECT_EQ(timed.edgebert_commands, 10u);  // 6 DMA reads, matmul, element add, 2 write-outs
    expect_dense_output(timed.output_bytes, timed.logits, p);
    sim::FunctionalPlatform fp(soc);
    const auto fn = fp.run(p.model);
    EXPECT_EQ(fn.output_bytes, timed.output_bytes);
    expect_dense_output(fn.output_bytes, fn.logits, p);
    // The published tile refuses the program's first dense command.
    const SocConfig off = soc_config(false, CheckMode::Strict);
    try {
        sim::run_on_soc(off, p.model, "edgebert");
        FAIL() << "a dense result on a tile without edgebert.dense_results";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("matmul (bad_mode)"), std::string::npos) << e.what();
    }
}

TEST_F(DenseResultsRuntime, TheSameProgramThroughTheExecutorFirmwareOnTheRiscVCore) {
    const std::string elf = std::string(EDGEBERT_FIRMWARE_DIR) + "/executor.elf";
    if (!std::ifstream(elf)) GTEST_SKIP() << elf << " not built (no RISC-V toolchain)";
    const SocConfig soc = soc_config(true, CheckMode::Strict);
    const DenseProgram p = dense_program(soc);
    sim::RunHooks hooks;
    hooks.iss_executor = elf;
    const auto iss = sim::run_on_soc(soc, p.model, "edgebert", hooks);
    EXPECT_EQ(iss.edgebert_commands, 10u);
    expect_dense_output(iss.output_bytes, iss.logits, p);
}
