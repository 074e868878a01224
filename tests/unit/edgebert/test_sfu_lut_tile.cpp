// The SFU lookup-table extension (command 13, edgebert.sfu_lut) on the SystemC
// tile: results equal the functional model on random tables and sparse inputs
// for every lanes setting, cycles equal sfu_pipeline_depth + num_timestep *
// num_vector at the boundaries, a tile without the extension refuses (strict)
// or ignores with a warning (silicon) the command as an unknown one, and the
// functional platform computes what the SystemC tile computes, register by
// register and for a small program run by the runtime's executor and driver.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/rng.hpp"
#include "compiler/lower/lowering.hpp"
#include "compiler/program/program.hpp"
#include "eb_edgebert.h"
#include "eb_program.h"
#include "hw/edgebert/bitmask_decoder.hpp"
#include "hw/edgebert/functional/sfu_ops.hpp"
#include "hw/edgebert/register_map.hpp"
#include "hw/edgebert/testbench/tile_testbench.hpp"
#include "hw/formats/bitmask.hpp"
#include "hw/soc/soc_config.hpp"
#include "sim/functional/functional_platform.hpp"
#include "sim/run/soc_runner.hpp"
#include "tests/support/sc_test.hpp"

using namespace edgebert;
using namespace edgebert::hw;
using namespace edgebert::hw::regs;

namespace {

constexpr uint64_t kDram = 0x80000000ull;

EdgebertTileConfig lut_config(int lanes, CheckMode mode = CheckMode::Strict) {
    EdgebertTileConfig c;
    c.lanes = lanes;
    c.sfu_lut = true;
    c.checks = mode;
    if (lanes == 32) c.max_n = 992, c.max_m = 4064;  // multiples of the lanes
    c.validate("test");
    return c;
}

// AF<8,3> codes, `sparsity` of them zero, no negative zero (the bitmask format has none).
std::vector<uint8_t> random_codes(Rng& rng, size_t n, double sparsity) {
    std::vector<uint8_t> c(n);
    for (auto& x : c) {
        x = rng.uniform() < sparsity ? 0 : static_cast<uint8_t>(rng.uniform_int(1, 255));
        if ((x & 0x7F) == 0) x = 0;
    }
    return c;
}

// Any bytes, with a non-zero table[0] (zero lanes map to it) and a negative-zero entry.
std::vector<uint8_t> random_table(Rng& rng) {
    std::vector<uint8_t> t(256);  // 8-bit codes
    for (auto& x : t) x = static_cast<uint8_t>(rng.uniform_int(0, 255));
    t[0] = static_cast<uint8_t>(rng.uniform_int(1, 0x7F));
    t[7] = 0x80;
    return t;
}

void expect_ok(uint32_t ctrl_word) {
    EXPECT_EQ(ctrl_word & ctrl::kErrorBit, 0u)
        << "error cause " << error_cause_name(static_cast<ErrorCause>(ctrl_word & ctrl::kCauseMask));
}

using Write = std::function<void(uint32_t offset, uint32_t value)>;

// The LUT's registers: x at (x_mask, x_input) of decoder 0, the table at aux row
// table_row, the result into decoder out_dec at (out_mask, out_input).
void program_lut(const Write& w, int nv, int rows, int x_mask, int x_input, int out_dec, int out_mask, int out_input,
                 int table_row) {
    auto u = [](int v) { return static_cast<uint32_t>(v); };
    w(kUseAxi, 0);
    w(kUseGb, 1);
    w(kGbMode, kGbLut);
    w(kFlipMem, u(out_dec));
    w(kSfuShape, field_bits(u(nv), 0, 8) | field_bits(u(rows), 8, 8));
    w(kBaseInput, field_bits(u(x_input), 0, 12));
    w(kBaseMask, field_bits(u(x_mask), 0, 12));
    w(kBaseOutput, field_bits(u(out_input), 0, 12) | field_bits(u(out_mask), 16, 12));
    w(kAuxBases, field_bits(u(table_row), 7, 8));
}

// A tile seen through its registers and DRAM: the SystemC bench or the functional platform.
struct Bus {
    Write write;
    std::function<uint32_t(uint32_t)> command;  // kCtrl once the command is over (done bits cleared)
    std::function<void(uint64_t, const std::vector<uint8_t>&)> put;  // bytes at a DRAM address
};

// x into decoder 0 at (mask_row, input_row) and the table into aux row table_row, by DMA.
void load(Bus& b, const EdgebertTileConfig& cfg, const std::vector<uint8_t>& x, int mask_row, int input_row,
          const std::vector<uint8_t>& table, int table_row, uint64_t dram) {
    const int L = cfg.lanes;
    const auto img = num::bitmask_to_dram(num::bitmask_encode(x.data(), x.size() / L, L, 0x7F));
    b.put(dram, img.mask_bytes);
    b.put(dram + 0x100000, img.input_bytes);
    b.put(dram + 0x200000, table);
    b.write(kUseAxi, 0);
    b.write(kFlipMem, 0);
    b.write(kBaseMask, field_bits(static_cast<uint32_t>(mask_row), 0, 12));
    b.write(kBaseInput, field_bits(static_cast<uint32_t>(input_row), 0, 12));
    b.write(kMaskRdAddr, static_cast<uint32_t>(dram));
    b.write(kDmaLength, static_cast<uint32_t>(x.size() / L - 1));
    expect_ok(b.command(kCmdMaskRead));
    if (!img.input_bytes.empty()) {
        b.write(kInputRdAddr, static_cast<uint32_t>(dram + 0x100000));
        b.write(kDmaLength, static_cast<uint32_t>(img.input_bytes.size() / L - 1));
        expect_ok(b.command(kCmdInputRead));
    }
    b.write(kAuxRdAddr, static_cast<uint32_t>(dram + 0x200000));
    b.write(kAuxDmaLength, field_bits(static_cast<uint32_t>(fn::lut_table_rows(cfg) - 1), 0, 8) |
                               field_bits(static_cast<uint32_t>(table_row), 16, 8));
    b.command(kCmdAuxRead);  // may wrap (silicon): a warning, no error
}

Bus sc_bus(TileTestbench& tb) {
    return {[&tb](uint32_t o, uint32_t v) { tb.write_reg(o, v); },
            [&tb](uint32_t c) { return tb.command(c); },
            [&tb](uint64_t a, const std::vector<uint8_t>& d) { tb.mem.write(a, d.data(), d.size()); }};
}

Bus fn_bus(sim::FunctionalPlatform& fp, const SocConfig& soc) {
    const uint64_t base = soc.tiles_of(TileKind::Edgebert)[0]->reg_base;
    return {[&fp, base](uint32_t o, uint32_t v) { fp.write32(base + o, v); },
            [&fp, base](uint32_t c) {
                fp.write32(base + kCommand, c);
                const uint32_t ctrl_word = fp.read32(base + kCtrl);
                fp.write32(base + kCtrl, ctrl_word & (ctrl::kDmaDoneBit | ctrl::kComputeDoneBit));
                return ctrl_word;
            },
            [&fp](uint64_t a, const std::vector<uint8_t>& d) { fp.copy_to_dev(a, d.data(), d.size()); }};
}

std::vector<uint8_t> decoded(const Sram& input, const Sram& mask, int lanes, int mask_base, int input_base,
                             int vectors) {
    return decode_bitmask(input, mask, lanes, mask_base, input_base, vectors).codes;
}

SocConfig soc_config(bool sfu_lut, CheckMode mode) {
    SocConfig s = load_soc_config(std::string(EDGEBERT_SOURCE_DIR) + "/configs/soc/default.json");
    s.edgebert.sfu_lut = sfu_lut;
    s.edgebert.checks = mode;
    return s;
}

}  // namespace

// ------------------------------------------------------------ block vs model

class LutTile : public edgebert::test::ScTest, public ::testing::WithParamInterface<int> {};

TEST_P(LutTile, RandomTablesAndSparseInputsEqualTheFunctionalModel) {
    const int L = GetParam();
    const auto cfg = lut_config(L);
    auto* tb = new TileTestbench("tb", cfg);  // owned by the simulation context
    Rng rng(static_cast<uint64_t>(1000 + L));
    const int nv = 3, rows = 7, vec = nv * rows, row_len = nv * L;
    uint64_t lut_commands = 0;
    tb->run([&] {
        Bus b = sc_bus(*tb);
        for (double sparsity : {0.0, 0.5, 0.95}) {
            auto x = random_codes(rng, size_t(vec) * L, sparsity);
            std::fill(x.begin() + 2 * L, x.begin() + 3 * L, 0);  // an all-zero vector: every lane reads table[0]
            const auto table = random_table(rng);
            const auto expect = fn::sfu_lut(cfg, x.data(), rows, row_len, table.data());
            const int x_mask = 7, x_input = 9, table_row = 30;
            load(b, cfg, x, x_mask, x_input, table, table_row, kDram);
            const int x_rows = static_cast<int>(num::bitmask_encode(x.data(), size_t(vec), L, 0x7F).depth());
            // Result into decoder 1, then into decoder 0 after the operand.
            for (int out_dec : {1, 0}) {
                const int out_mask = out_dec ? 50 : x_mask + vec, out_input = out_dec ? 60 : x_input + x_rows;
                program_lut(b.write, nv, rows, x_mask, x_input, out_dec, out_mask, out_input, table_row);
                expect_ok(tb->command(kCmdLut));
                ++lut_commands;
                const auto& rec = tb->tile.control.log().back();
                EXPECT_EQ(rec.command, kCmdLut);
                EXPECT_EQ(rec.cycles, uint64_t(cfg.timing.sfu_pipeline_depth) + uint64_t(vec));
                const auto out = tb->fetch_operand(out_dec, out_mask, out_input, vec, kDram + 0x300000);
                EXPECT_EQ(out, expect) << "lanes " << L << " sparsity " << sparsity << " decoder " << out_dec;
            }
        }
        EXPECT_TRUE(tb->tile.control.warnings().empty());
    });
    EXPECT_EQ(tb->tile.control.stats().count[kCmdLut], lut_commands);
    // One vector pass each; energy events: one table read per element, zero lanes included, and
    // no arithmetic vectors.
    EXPECT_EQ(tb->tile.sfu.total_vectors(), lut_commands * uint64_t(vec));
    EXPECT_EQ(tb->tile.sfu.total_lut_accesses(), lut_commands * uint64_t(vec) * uint64_t(L));
    EXPECT_EQ(tb->tile.sfu.total_arith_vectors(), 0u);
    EXPECT_EQ(tb->tile.sfu.total_cycles(), lut_commands * (uint64_t(cfg.timing.sfu_pipeline_depth) + uint64_t(vec)));
}

INSTANTIATE_TEST_SUITE_P(Lanes, LutTile, ::testing::Values(8, 16, 32),
                         [](const auto& info) { return "lanes_" + std::to_string(info.param); });

// ------------------------------------------------------------ cycles

class LutCycles : public edgebert::test::ScTest {};

TEST_F(LutCycles, FormulaAtItsBoundaries) {
    // sfu_pipeline_depth + num_timestep * num_vector: one vector per cycle after the fill.
    const EdgebertTileConfig published = lut_config(16);
    EXPECT_EQ(SpecialFunctionUnit::cycles(published, SfuOp::Lut, 1, 1), 9u);
    EXPECT_EQ(SpecialFunctionUnit::cycles(published, SfuOp::Lut, 255, 255), 8u + 255u * 255u);
    EXPECT_EQ(SpecialFunctionUnit::passes(SfuOp::Lut), 1);
    struct Bound {
        int nv, rows, depth;
        CheckMode mode;
    };
    // Both maxima at once exceed the 4096-entry mask SRAM: that one runs in silicon mode, wrapping.
    for (const Bound b : {Bound{1, 1, 8, CheckMode::Strict}, Bound{1, 1, 0, CheckMode::Strict},
                          Bound{1, 1, 3, CheckMode::Strict}, Bound{255, 16, 8, CheckMode::Strict},
                          Bound{16, 255, 8, CheckMode::Strict}, Bound{255, 255, 8, CheckMode::Silicon}}) {
        SCOPED_TRACE(std::to_string(b.nv) + " x " + std::to_string(b.rows) + ", depth " + std::to_string(b.depth));
        fresh_context();
        EdgebertTileConfig cfg = lut_config(16, b.mode);
        cfg.timing.sfu_pipeline_depth = b.depth;
        auto* tb = new TileTestbench("tb", cfg);
        Rng rng(static_cast<uint64_t>(b.nv * 1000 + b.rows));
        const int vec = b.nv * b.rows, loaded = std::min(vec, 4096);
        const auto x = random_codes(rng, size_t(loaded) * 16, 0.5);
        const auto table = random_table(rng);
        const uint64_t want = uint64_t(b.depth) + uint64_t(b.nv) * uint64_t(b.rows);
        tb->run([&] {
            Bus bus = sc_bus(*tb);
            load(bus, cfg, x, 0, 0, table, 100, kDram);
            program_lut(bus.write, b.nv, b.rows, 0, 0, 1, 0, 0, 100);
            expect_ok(tb->command(kCmdLut));
            const auto& rec = tb->tile.control.log().back();
            EXPECT_EQ(rec.cycles, want);
            EXPECT_EQ(rec.cycles, SpecialFunctionUnit::cycles(cfg, SfuOp::Lut, b.nv, b.rows));
            // The unit's time is the cycles at the tile clock (1 GHz: 1 ns each).
            EXPECT_NEAR((rec.finished - rec.started).to_seconds() * 1e9, double(want), 0.5);
            if (b.mode == CheckMode::Strict) {
                EXPECT_TRUE(tb->tile.control.warnings().empty());
                const auto out = tb->fetch_operand(1, 0, 0, vec, kDram + 0x1000000);
                EXPECT_EQ(out, fn::sfu_lut(cfg, x.data(), b.rows, b.nv * 16, table.data()));
            } else {
                const auto& w = tb->tile.control.warnings();
                ASSERT_EQ(w.size(), 1u);
                EXPECT_EQ(w[0].cause, ErrorCause::kSramOverflow);
                EXPECT_EQ(w[0].command, kCmdLut);
            }
        });
    }
}

// ------------------------------------------------------------ the extension off

class LutOff : public edgebert::test::ScTest {};

TEST_F(LutOff, StrictRefusesTheCommandAsUnknown) {
    const SocConfig soc = soc_config(false, CheckMode::Strict);
    TestbenchMemory mem;
    auto* tb = new TileTestbench("tb", soc.edgebert, mem);
    tb->run([&] {
        program_lut([&](uint32_t o, uint32_t v) { tb->write_reg(o, v); }, 2, 2, 0, 0, 1, 0, 0, 0);
        const uint64_t irqs = tb->tile.control.stats().irq_pulses;
        const uint32_t c = tb->command(kCmdLut);
        EXPECT_TRUE(c & ctrl::kErrorBit);
        EXPECT_EQ(static_cast<ErrorCause>(c & ctrl::kCauseMask), ErrorCause::kUnknownCommand);
        const auto& rec = tb->tile.control.log().back();
        EXPECT_EQ(rec.command, kCmdLut);
        EXPECT_EQ(rec.error, ErrorCause::kUnknownCommand);
        // How a run's error message names it (sim/run/soc_runner.cpp: command and cause).
        EXPECT_STREQ(command_name(rec.command), "lut");
        EXPECT_STREQ(error_cause_name(rec.error), "unknown_command");
        sc_core::wait(tb->period() * 30.0);
        EXPECT_EQ(tb->tile.control.stats().irq_pulses, irqs + 1);
        EXPECT_EQ(tb->tile.sfu.total_cycles(), 0u);
        EXPECT_TRUE(tb->tile.control.warnings().empty());
    });
    sim::FunctionalPlatform fp(soc);
    Bus b = fn_bus(fp, soc);
    program_lut(b.write, 2, 2, 0, 0, 1, 0, 0, 0);
    const uint32_t c = b.command(kCmdLut);
    EXPECT_EQ(static_cast<ErrorCause>(c & ctrl::kCauseMask), ErrorCause::kUnknownCommand);
    EXPECT_TRUE(fp.edgebert_warnings().empty());
}

TEST_F(LutOff, SiliconIgnoresTheCommandWithAWarning) {
    const SocConfig soc = soc_config(false, CheckMode::Silicon);
    auto* tb = new TileTestbench("tb", soc.edgebert);
    tb->run([&] {
        program_lut([&](uint32_t o, uint32_t v) { tb->write_reg(o, v); }, 2, 2, 0, 0, 1, 0, 0, 0);
        tb->start(kCmdLut);
        sc_core::wait(tb->period() * 100.0);
        const uint32_t c = tb->read_reg(kCtrl);
        EXPECT_EQ(c & (ctrl::kErrorBit | ctrl::kDmaDoneBit | ctrl::kComputeDoneBit), 0u);
        EXPECT_EQ(tb->tile.control.stats().irq_pulses, 0u);
        EXPECT_TRUE(tb->tile.control.log().empty());
        EXPECT_EQ(tb->tile.sfu.total_cycles(), 0u);
        const auto& w = tb->tile.control.warnings();
        ASSERT_EQ(w.size(), 1u);
        EXPECT_EQ(w[0].cause, ErrorCause::kUnknownCommand);
        EXPECT_EQ(w[0].command, kCmdLut);
        EXPECT_NE(w[0].check.find("edgebert.sfu_lut = false"), std::string::npos) << w[0].check;
        EXPECT_EQ(w[0].hardware, "ignored: no unit starts and no interrupt is raised");
    });
    sim::FunctionalPlatform fp(soc);
    Bus b = fn_bus(fp, soc);
    program_lut(b.write, 2, 2, 0, 0, 1, 0, 0, 0);
    EXPECT_EQ(b.command(kCmdLut) & (ctrl::kErrorBit | ctrl::kComputeDoneBit), 0u);
    ASSERT_EQ(fp.edgebert_warnings().size(), 1u);
    EXPECT_EQ(fp.edgebert_warnings()[0].cause, ErrorCause::kUnknownCommand);
    EXPECT_EQ(fp.read32(soc.map.plic_base + 0x200004), 0u);  // no interrupt pending
}

// ------------------------------------------------------------ functional platform

class LutPlatforms : public edgebert::test::ScTest {};

TEST_F(LutPlatforms, RegisterLevelSramsAreIdenticalAlsoWhenTheTableWraps) {
    // Silicon mode, table from aux row 250: its rows wrap to 0..9 in both models.
    for (const auto& wrap : {std::pair{CheckMode::Strict, 17}, std::pair{CheckMode::Silicon, 250}}) {
        const CheckMode mode = wrap.first;
        const int table_row = wrap.second;
        fresh_context();
        const SocConfig soc = soc_config(true, mode);
        const auto& cfg = soc.edgebert;
        Rng rng(static_cast<uint64_t>(table_row));
        const int nv = 5, rows = 6, vec = nv * rows;
        const auto x = random_codes(rng, size_t(vec) * 16, 0.6);
        const auto table = random_table(rng);
        const auto expect = fn::sfu_lut(cfg, x.data(), rows, nv * 16, table.data());
        TestbenchMemory mem;
        mem.base = soc.dram.base;
        mem.size = soc.dram.size;
        auto* tb = new TileTestbench("tb", cfg, mem);
        std::vector<std::vector<uint8_t>> tile_srams;
        const uint64_t dram = soc.dram.base + 0x4000000;
        tb->run([&] {
            Bus b = sc_bus(*tb);
            load(b, cfg, x, 40, 41, table, table_row, dram);
            program_lut(b.write, nv, rows, 40, 41, 1, 200, 300, table_row);
            expect_ok(tb->command(kCmdLut));
            EXPECT_EQ(decoded(tb->tile.dec1.input_sram, tb->tile.dec1.mask_sram, 16, 200, 300, vec), expect);
            for (const Sram* s : {&tb->tile.dec0.input_sram, &tb->tile.dec0.mask_sram, &tb->tile.dec1.input_sram,
                                  &tb->tile.dec1.mask_sram, &tb->tile.sfu.aux_sram}) {
                std::vector<uint8_t> all(size_t(s->rows()) * s->row_bytes());
                for (int r = 0; r < s->rows(); ++r)
                    std::copy(s->row(r), s->row(r) + s->row_bytes(), all.begin() + long(r) * s->row_bytes());
                tile_srams.push_back(std::move(all));
            }
        });
        sim::FunctionalPlatform fp(soc);
        Bus b = fn_bus(fp, soc);
        load(b, cfg, x, 40, 41, table, table_row, dram);
        program_lut(b.write, nv, rows, 40, 41, 1, 200, 300, table_row);
        expect_ok(b.command(kCmdLut));
        int i = 0;
        for (SramId id : {SramId::Input0, SramId::Mask0, SramId::Input1, SramId::Mask1, SramId::Aux}) {
            const Sram& s = fp.edgebert_sram(id);
            std::vector<uint8_t> all(size_t(s.rows()) * s.row_bytes());
            for (int r = 0; r < s.rows(); ++r)
                std::copy(s.row(r), s.row(r) + s.row_bytes(), all.begin() + long(r) * s.row_bytes());
            EXPECT_TRUE(all == tile_srams.at(size_t(i++))) << sram_name(id);
        }
        EXPECT_EQ(fp.edgebert_warnings().size(), mode == CheckMode::Silicon ? 2u : 0u);  // aux DMA and the LUT wrap
    }
}

namespace {

// A small program for the runtime's executor: x and the table by DMA, the LUT
// (EB_OP_EB_SFU with EB_SFU_LUT, through the driver's eb_sfu_start), the result
// written out; hidden_out is the written-out mask words and rows as bytes.
struct LutProgram {
    compiler::CompiledModel model;
    std::vector<uint8_t> expect;  // decoded result
    int vectors = 0;
    size_t mask_bytes = 0, input_off = 0;
};

LutProgram lut_program(const SocConfig& soc) {
    const auto& cfg = soc.edgebert;
    const int L = cfg.lanes, nv = 6, rows = 5, vec = nv * rows;
    Rng rng(77);
    const auto x = random_codes(rng, size_t(vec) * L, 0.7);
    const auto table = random_table(rng);
    const auto img = num::bitmask_to_dram(num::bitmask_encode(x.data(), size_t(vec), L, 0x7F));
    const uint64_t base = soc.dram.base + compiler::kFirmwareReserved;
    const uint64_t x_mask = base, x_input = base + 0x1000, tab = base + 0x2000, out = base + 0x3000;
    LutProgram p;
    p.vectors = vec;
    p.mask_bytes = size_t(vec) * size_t(cfg.mask_word_bytes());
    p.input_off = (p.mask_bytes + 63) & ~size_t{63};
    p.expect = fn::sfu_lut(cfg, x.data(), rows, nv * L, table.data());

    compiler::ProgramBuilder b(EB_TARGET_EDGEBERT);
    b.image(x_mask, img.mask_bytes);
    b.image(x_input, img.input_bytes);
    b.image(tab, table);
    eb_tensor t{};
    t.addr = out;
    t.format = EB_FMT_I8;
    t.rows = 1;
    t.cols = t.ld = static_cast<uint32_t>(p.input_off + size_t(vec) * L);
    t.scale = 1.0f;
    const uint32_t result = b.tensor("lut_result", t);
    b.region(0, EB_MOD_FFN, "lut");
    const uint32_t x_mask_row = 12, x_input_row = 34, table_row = 100, out_mask_row = 56, out_input_row = 78;
    b.eb_dma(EB_SRAM_MASK, true, 0, x_mask_row, x_mask, uint32_t(vec), true);
    b.eb_dma(EB_SRAM_INPUT, true, 0, x_input_row, x_input, uint32_t(img.input_bytes.size() / L), true);
    b.eb_dma(EB_SRAM_AUX, true, 0, table_row, tab, uint32_t(fn::lut_table_rows(cfg)), true);
    eb_instr in{};
    in.op = EB_OP_EB_SFU;
    in.a[0] = uint64_t(EB_SFU_LUT) | (uint64_t(nv) << 8) | (uint64_t(rows) << 16) | (uint64_t{1} << 24) |
              (uint64_t{1} << 32);  // out_dec 1, wait
    in.a[1] = x_mask_row | (uint64_t(x_input_row) << 16);
    in.a[2] = out_mask_row | (uint64_t(out_input_row) << 16) | (uint64_t(table_row) << 32);
    b.raw(in, "lut");
    b.eb_dma(EB_SRAM_MASK, false, 1, out_mask_row, out, uint32_t(vec), true);
    b.eb_dma(EB_SRAM_INPUT, false, 1, out_input_row, out + p.input_off, uint32_t(vec), true);
    b.end();
    p.model.program = b.take();
    p.model.hidden_out = result;
    p.model.logits_out = compiler::kNoTensor;
    return p;
}

std::vector<uint8_t> decode_output(const LutProgram& p, const std::vector<uint8_t>& bytes, int lanes) {
    const auto enc = num::bitmask_from_dram(bytes.data(), p.mask_bytes, bytes.data() + p.input_off,
                                            bytes.size() - p.input_off, size_t(p.vectors), lanes);
    return num::bitmask_decode(enc);
}

}  // namespace

TEST_F(LutPlatforms, ASmallProgramGivesTheSameBytesOnTheSocAndTheFunctionalPlatform) {
    const SocConfig soc = soc_config(true, CheckMode::Strict);
    const LutProgram p = lut_program(soc);
    const auto timed = sim::run_on_soc(soc, p.model, "edgebert");
    sim::FunctionalPlatform fp(soc);
    const auto fn = fp.run(p.model);
    ASSERT_FALSE(timed.output_bytes.empty());
    EXPECT_EQ(timed.output_bytes, fn.output_bytes);
    EXPECT_EQ(timed.edgebert_commands, 6u);  // 3 DMA reads, the LUT, 2 write-outs
    EXPECT_EQ(fn.edgebert_commands, 6u);
    EXPECT_GT(timed.total_cycles, 0u);
    EXPECT_EQ(decode_output(p, timed.output_bytes, soc.edgebert.lanes), p.expect);
}

TEST_F(LutPlatforms, TheSameProgramThroughTheExecutorFirmwareOnTheRiscVCore) {
    // The runtime's driver built for the RISC-V core (firmware/apps/executor.c) programs the LUT too.
    const std::string elf = std::string(EDGEBERT_FIRMWARE_DIR) + "/executor.elf";
    if (!std::ifstream(elf)) GTEST_SKIP() << elf << " not built (no RISC-V toolchain)";
    const SocConfig soc = soc_config(true, CheckMode::Strict);
    const LutProgram p = lut_program(soc);
    sim::RunHooks hooks;
    hooks.iss_executor = elf;
    const auto iss = sim::run_on_soc(soc, p.model, "edgebert", hooks);
    EXPECT_EQ(iss.edgebert_commands, 6u);
    EXPECT_EQ(decode_output(p, iss.output_bytes, soc.edgebert.lanes), p.expect);
}

TEST_F(LutPlatforms, TheProgramFailsNamingTheCauseOnATileWithoutTheExtension) {
    EDGEBERT_SKIP_IF_ASAN_COROUTINE_THROW();  // the refusal is thrown inside the tile's SystemC process
    const SocConfig soc = soc_config(false, CheckMode::Strict);
    const LutProgram p = lut_program(soc);
    try {
        sim::run_on_soc(soc, p.model, "edgebert");
        FAIL() << "the LUT command ran on a tile without edgebert.sfu_lut";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("lut (unknown_command)"), std::string::npos) << e.what();
    }
    sim::FunctionalPlatform fp(soc);
    try {
        fp.run(p.model);
        FAIL() << "the LUT command ran on a tile without edgebert.sfu_lut";
    } catch (const Error& e) {
        const std::string cause = "(error " + std::to_string(static_cast<int>(ErrorCause::kUnknownCommand)) + ")";
        EXPECT_NE(std::string(e.what()).find(cause), std::string::npos) << e.what();
    }
}
