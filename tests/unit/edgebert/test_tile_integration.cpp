// The whole tile programmed through its registers, data in a memory model:
// results equal the functional model bit for bit, cycles equal the documented
// formulas, and every illegal programming case raises its cause and interrupt.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/rng.hpp"
#include "hw/edgebert/functional/matmul.hpp"
#include "hw/edgebert/functional/sfu_ops.hpp"
#include "hw/edgebert/register_map.hpp"
#include "hw/edgebert/testbench/tile_testbench.hpp"
#include "tests/support/sc_test.hpp"

using namespace edgebert;
using namespace edgebert::hw;
using namespace edgebert::hw::regs;

namespace {

constexpr uint64_t kDram = 0x80000000ull;

std::vector<uint8_t> random_codes(Rng& rng, size_t n, double sparsity, int lo = 1, int hi = 255) {
    std::vector<uint8_t> c(n);
    for (auto& x : c) {
        x = rng.uniform() < sparsity ? 0 : static_cast<uint8_t>(rng.uniform_int(lo, hi));
        if ((x & 0x7F) == 0) x = 0;  // no negative zero in operands
    }
    return c;
}

std::vector<uint8_t> zero_flags(const std::vector<uint8_t>& codes, int lanes) {
    std::vector<uint8_t> z(codes.size() / lanes, 1);
    for (size_t i = 0; i < codes.size(); ++i)
        if (codes[i]) z[i / lanes] = 0;
    return z;
}

uint32_t bias_field(int exp_bias) { return static_cast<uint32_t>(exp_bias + 10); }

void expect_ok(uint32_t ctrl_word) {
    EXPECT_EQ(ctrl_word & ctrl::kErrorBit, 0u)
        << "error cause " << error_cause_name(static_cast<ErrorCause>(ctrl_word & ctrl::kCauseMask));
}

struct MatmulCase {
    int n0, n1, m;
    double sparsity;
    int out_dec;
};

}  // namespace

class TileIntegration : public edgebert::test::ScTest,
                        public ::testing::WithParamInterface<MatmulCase> {};

TEST_P(TileIntegration, MatmulThroughRegistersEqualsFunctionalModel) {
    const MatmulCase c = GetParam();
    EdgebertTileConfig cfg;
    TileTestbench tb("tb", cfg);
    Rng rng(static_cast<uint64_t>(c.n0 * 7 + c.n1 * 13 + c.m + c.sparsity * 100));
    const auto a = random_codes(rng, static_cast<size_t>(c.n0) * c.m, c.sparsity);
    const auto b = random_codes(rng, static_cast<size_t>(c.n1) * c.m, c.sparsity);
    fn::MatmulParams p;
    p.n0 = c.n0, p.n1 = c.n1, p.m = c.m;
    p.a_bias = -8, p.b_bias = -9, p.out_bias = -4;
    const auto expect = fn::matmul(cfg, a.data(), b.data(), p);
    const auto timing = ProcessingUnit::timing(cfg, p, zero_flags(a, 16), zero_flags(b, 16));
    const int out_vec = c.n0 * c.n1 / 16;

    tb.run([&] {
        const auto opa = tb.put_operand(kDram, a), opb = tb.put_operand(kDram + 0x1000000, b);
        expect_ok(tb.load_operand(0, opa, 0, 0));
        expect_ok(tb.load_operand(1, opb, 0, 0));
        // Result after the operand already in the output decoder.
        const auto& resident = c.out_dec == 0 ? opa : opb;
        const int out_mask = resident.vectors, out_input = resident.input_rows;
        tb.write_reg(kUseAxi, 0);
        tb.write_reg(kUseGb, 0);
        tb.write_reg(kFlipMem, static_cast<uint32_t>(c.out_dec));
        tb.write_reg(kMatmulDims, field_bits(c.n0, 0, 10) | field_bits(c.n1, 10, 10) | field_bits(c.m, 20, 12));
        tb.write_reg(kMatmulConfig, field_bits(bias_field(p.out_bias), 16, 3));
        tb.write_reg(kSfuShape, field_bits(bias_field(p.a_bias), 16, 3) | field_bits(bias_field(p.b_bias), 20, 3));
        tb.write_reg(kBaseOutput, field_bits(out_input, 0, 12) | field_bits(out_mask, 16, 12));
        expect_ok(tb.command(kCmdMatmul));
        const auto& rec = tb.tile.control.log().back();
        EXPECT_EQ(rec.command, kCmdMatmul);
        EXPECT_EQ(rec.cycles, timing.cycles);
        EXPECT_EQ(rec.finished - rec.started, tb.period() * static_cast<double>(timing.cycles));
        EXPECT_EQ(rec.started - rec.issued, tb.period() * 2.0);  // command decode
        const auto out = tb.fetch_operand(c.out_dec, out_mask, out_input, out_vec, kDram + 0x2000000);
        EXPECT_EQ(out, expect);
    });
    EXPECT_EQ(tb.tile.pu.total_vector_ops(), timing.vector_ops);
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, TileIntegration,
    ::testing::Values(MatmulCase{16, 16, 16, 0.0, 0}, MatmulCase{64, 64, 768, 0.0, 1},
                      MatmulCase{64, 64, 768, 0.5, 1}, MatmulCase{64, 64, 768, 0.9, 0},
                      MatmulCase{1008, 16, 64, 0.5, 1},   // N0 at its field limit
                      MatmulCase{16, 1008, 64, 0.9, 0},   // N1 at its field limit
                      MatmulCase{16, 16, 4080, 0.0, 0}),  // M at its limit, SRAMs full to the last row
    [](const auto& info) {
        const auto& c = info.param;
        return "n0_" + std::to_string(c.n0) + "_n1_" + std::to_string(c.n1) + "_m_" + std::to_string(c.m) +
               "_sp" + std::to_string(static_cast<int>(c.sparsity * 100));
    });

class TileSfu : public edgebert::test::ScTest {};

TEST_F(TileSfu, SpecialFunctionsThroughRegistersEqualFunctionalModel) {
    EdgebertTileConfig cfg;
    TileTestbench tb("tb", cfg);
    Rng rng(99);
    const int nv = 8, rows = 32, row_len = nv * 16;
    const auto x = random_codes(rng, static_cast<size_t>(rows) * row_len, 0.2);
    const auto y = random_codes(rng, static_cast<size_t>(rows) * row_len, 0.5);
    const auto gamma = random_codes(rng, row_len, 0.0, 0x30, 0x3F);
    const auto beta = random_codes(rng, row_len, 0.3);
    std::vector<uint8_t> span(row_len, 0);
    for (int d = 0; d < 40; ++d) span[d] = static_cast<uint8_t>(0x70 - d);  // decaying with distance
    const int xb = -7, yb = -8, ob = -6, gb = -10, bb = -9, sb = -10;
    const auto ln = fn::sfu_layer_norm(cfg, x.data(), xb, rows, row_len, gamma.data(), gb, beta.data(), bb, ob);
    const auto sm = fn::sfu_softmax(cfg, x.data(), xb, rows, row_len, span.data(), sb, -7);
    const auto add = fn::sfu_element_add(cfg, x.data(), xb, y.data(), yb, rows * row_len, ob);
    const auto ent = fn::sfu_entropy(cfg, x.data(), xb, 1, row_len, 2000);

    tb.run([&] {
        const auto opx = tb.put_operand(kDram, x), opy = tb.put_operand(kDram + 0x100000, y);
        expect_ok(tb.load_operand(0, opx, 0, 0));
        expect_ok(tb.load_operand(1, opy, 0, 0));
        std::vector<uint8_t> aux = gamma;
        aux.insert(aux.end(), beta.begin(), beta.end());
        aux.insert(aux.end(), span.begin(), span.end());
        expect_ok(tb.load_aux(aux, 0, kDram + 0x200000));  // gamma rows 0-7, beta 8-15, span 16-23
        tb.write_reg(kUseAxi, 0);
        tb.write_reg(kUseGb, 1);
        tb.write_reg(kFlipMem, 1);  // results into decoder 1, after y
        const int out_mask = opy.vectors, out_input = opy.input_rows, vec = rows * nv;
        tb.write_reg(kBaseOutput, field_bits(out_input, 0, 12) | field_bits(out_mask, 16, 12));
        tb.write_reg(kAuxBases, field_bits(16, 0, 7) | field_bits(0, 7, 8) | field_bits(8, 15, 8) |
                                    field_bits(bias_field(sb), 23, 3) | field_bits(bias_field(gb), 26, 3) |
                                    field_bits(bias_field(bb), 29, 3));
        auto shape = [&](int r, int out_bias) {
            tb.write_reg(kSfuShape, field_bits(nv, 0, 8) | field_bits(r, 8, 8) | field_bits(bias_field(xb), 16, 3) |
                                        field_bits(bias_field(yb), 20, 3) | field_bits(bias_field(out_bias), 24, 3));
        };
        struct Op { uint32_t cmd, mode; int out_bias; const std::vector<uint8_t>* expect; SfuOp op; };
        for (const Op& op : {Op{kCmdLayerNorm, kGbLayerNorm, ob, &ln, SfuOp::LayerNorm},
                             Op{kCmdSoftmax, kGbSoftmax, -7, &sm, SfuOp::Softmax},
                             Op{kCmdElementAdd, kGbElementAdd, ob, &add, SfuOp::ElementAdd}}) {
            shape(rows, op.out_bias);
            tb.write_reg(kBaseInput, 0);  // operands at the start of both decoders
            tb.write_reg(kBaseMask, 0);
            tb.write_reg(kGbMode, op.mode);
            tb.write_reg(kUseAxi, 0);
            expect_ok(tb.command(op.cmd));
            EXPECT_EQ(tb.tile.control.log().back().cycles, SpecialFunctionUnit::cycles(cfg, op.op, nv, rows));
            const auto out = tb.fetch_operand(1, out_mask, out_input, vec, kDram + 0x300000);
            EXPECT_EQ(out, *op.expect) << command_name(op.cmd);
        }
        // Entropy of row 0 against a threshold.
        shape(1, ob);
        tb.write_reg(kBaseInput, 0);
        tb.write_reg(kBaseMask, 0);
        tb.write_reg(kGbMode, kGbEntropy);
        tb.write_reg(kUseAxi, 0);
        tb.write_reg(kEntropy, 2000);
        expect_ok(tb.command(kCmdEntropy));
        const uint32_t st = tb.read_reg(kStatus);
        EXPECT_EQ(st & 3u, ent.exit ? 3u : 2u);
        EXPECT_EQ(st >> 18, std::min<uint32_t>(ent.h_q10[0], 0x3FFF));
    });
}

TEST_F(TileSfu, AllZeroSpanMaskSkipsSoftmax) {
    EdgebertTileConfig cfg;
    TileTestbench tb("tb", cfg);
    Rng rng(5);
    const int nv = 4, rows = 16;
    const auto x = random_codes(rng, rows * nv * 16, 0.0);
    tb.run([&] {
        expect_ok(tb.load_operand(0, tb.put_operand(kDram, x), 0, 0));
        expect_ok(tb.load_aux(std::vector<uint8_t>(nv * 16, 0), 0, kDram + 0x100000));
        tb.write_reg(kUseAxi, 0);
        tb.write_reg(kUseGb, 1);
        tb.write_reg(kGbMode, kGbSoftmax);
        tb.write_reg(kFlipMem, 1);
        tb.write_reg(kSfuShape, field_bits(nv, 0, 8) | field_bits(rows, 8, 8));
        expect_ok(tb.command(kCmdSoftmax));
        EXPECT_EQ(tb.tile.control.log().back().cycles, SpecialFunctionUnit::cycles(cfg, SfuOp::Softmax, nv, rows, true));
        EXPECT_LT(tb.tile.control.log().back().cycles, SpecialFunctionUnit::cycles(cfg, SfuOp::Softmax, nv, rows));
        const auto out = tb.fetch_operand(1, 0, 0, rows * nv, kDram + 0x200000);
        EXPECT_EQ(out, std::vector<uint8_t>(out.size(), 0));
    });
}

TEST_F(TileSfu, DvfsAppliesProgrammedCodesAndChargesSwitchTime) {
    EdgebertTileConfig cfg;
    TileTestbench tb("tb", cfg);
    Rng rng(8);
    const auto x = random_codes(rng, 16, 0.0);
    tb.run([&] {
        expect_ok(tb.load_operand(0, tb.put_operand(kDram, x), 0, 0));
        // Level 3: DCO code 20 (field 3 of 0x64), LDO code 40 (field 3 of 0x70).
        tb.write_reg(kDcoCodes0, field_bits(20, 18, 6));
        tb.write_reg(kLdoCodes0, field_bits(40, 24, 8));
        tb.write_reg(kUseAxi, 0);
        tb.write_reg(kUseGb, 1);
        tb.write_reg(kGbMode, kGbEntropy);
        tb.write_reg(kSfuShape, field_bits(1, 0, 8) | field_bits(1, 8, 8));
        tb.write_reg(kEntropy, field_bits(0, 16, 8) | field_bits(3, 24, 4));  // scale 0: direct level 3
        const double v0 = tb.tile.ldo.voltage();
        expect_ok(tb.command(kCmdDvfs));
        const uint32_t st = tb.read_reg(kStatus);
        EXPECT_EQ((st >> 2) & 0x3F, 20u);
        EXPECT_EQ((st >> 10) & 0xFF, 40u);
        EXPECT_EQ(tb.tile.adpll.code(), 20);
        EXPECT_DOUBLE_EQ(tb.tile.adpll.frequency_mhz(), Adpll::code_to_mhz(cfg.adpll, 20));
        EXPECT_DOUBLE_EQ(tb.tile.ldo.voltage(), Ldo::code_to_voltage(cfg.ldo, 40));
        // Slower clock: the ADPLL re-locks first, then the LDO settles; both are in the command's time.
        const auto& rec = tb.tile.control.log().back();
        const double settle_ns = cfg.ldo.settle_fixed_ns + (v0 - tb.tile.ldo.voltage()) / cfg.ldo.slew_v_per_ns;
        const double unit_ns = (rec.finished - rec.started).to_seconds() * 1e9;
        EXPECT_NEAR(unit_ns, SpecialFunctionUnit::cycles(cfg, SfuOp::Dvfs, 1, 1) * 1.0 /* ns at 1 GHz */ +
                                 cfg.adpll.lock_ns + settle_ns, 0.01);
    });
}

// ------------------------------------------------------------------ errors

class TileErrors : public edgebert::test::ScTest {};

TEST_F(TileErrors, EveryIllegalProgrammingCaseRaisesItsCauseAndInterrupt) {
    EdgebertTileConfig cfg;
    TileTestbench tb("tb", cfg);
    Rng rng(1);
    const auto a = random_codes(rng, 64 * 768, 0.0);
    uint64_t pulses_seen = 0;
    tb.run([&] {
        auto expect_cause = [&](uint32_t ctrl_word, ErrorCause cause) {
            EXPECT_TRUE(ctrl_word & ctrl::kErrorBit);
            EXPECT_EQ(static_cast<ErrorCause>(ctrl_word & ctrl::kCauseMask), cause)
                << "got " << error_cause_name(static_cast<ErrorCause>(ctrl_word & ctrl::kCauseMask));
            // The error pulses the line within a pulse width (plus one pulse still under way).
            for (int i = 0; i < 2 * 11 + 2 && tb.tile.control.stats().irq_pulses <= pulses_seen; ++i)
                sc_core::wait(tb.period());
            EXPECT_GT(tb.tile.control.stats().irq_pulses, pulses_seen);
            pulses_seen = tb.tile.control.stats().irq_pulses;
            tb.write_reg(kCtrl, ctrl::kSoftResetBit);
            EXPECT_EQ(tb.read_reg(kCtrl) & (ctrl::kErrorBit | ctrl::kCauseMask), 0u);
        };
        // Unknown command.
        expect_cause(tb.command(13), ErrorCause::kUnknownCommand);
        // A write-out with the SRAM read responses routed to compute (reads work either way).
        tb.write_reg(kUseAxi, 0);
        expect_cause(tb.command(kCmdMaskWrite), ErrorCause::kBadMode);
        // DMA from an unmapped address: the memory answers with an error.
        tb.write_reg(kUseAxi, 1);
        tb.write_reg(kMaskRdAddr, 0x1000);
        tb.write_reg(kDmaLength, 15);
        expect_cause(tb.command(kCmdMaskRead), ErrorCause::kDmaError);
        // DMA past the end of the SRAM.
        tb.write_reg(kBaseMask, 4000);
        tb.write_reg(kMaskRdAddr, static_cast<uint32_t>(kDram));
        tb.write_reg(kDmaLength, 200);
        expect_cause(tb.command(kCmdMaskRead), ErrorCause::kSramOverflow);
        tb.write_reg(kBaseMask, 0);
        // Matmul dimensions not a multiple of 16, and over the field limit.
        tb.write_reg(kUseAxi, 0);
        tb.write_reg(kUseGb, 0);
        tb.write_reg(kMatmulDims, field_bits(17, 0, 10) | field_bits(16, 10, 10) | field_bits(16, 20, 12));
        expect_cause(tb.command(kCmdMatmul), ErrorCause::kBadDims);
        tb.write_reg(kMatmulDims, field_bits(1020, 0, 10) | field_bits(16, 10, 10) | field_bits(16, 20, 12));
        expect_cause(tb.command(kCmdMatmul), ErrorCause::kBadDims);
        // SFU command with the PU path selected, and a gb_mode that does not match.
        expect_cause(tb.command(kCmdSoftmax), ErrorCause::kBadMode);
        tb.write_reg(kUseGb, 1);
        tb.write_reg(kGbMode, kGbLayerNorm);
        expect_cause(tb.command(kCmdSoftmax), ErrorCause::kBadMode);
        // Operand that runs past the mask SRAM.
        tb.write_reg(kUseGb, 0);
        tb.write_reg(kMatmulDims, field_bits(1008, 0, 10) | field_bits(16, 10, 10) | field_bits(256, 20, 12));
        expect_cause(tb.command(kCmdMatmul), ErrorCause::kSramOverflow);
        // Result overlapping operand A in decoder 0.
        const auto opa = tb.put_operand(kDram, a);
        expect_ok(tb.load_operand(0, opa, 0, 0));
        tb.write_reg(kUseAxi, 0);
        tb.write_reg(kFlipMem, 0);
        tb.write_reg(kMatmulDims, field_bits(64, 0, 10) | field_bits(16, 10, 10) | field_bits(768, 20, 12));
        tb.write_reg(kBaseOutput, field_bits(100, 0, 12) | field_bits(3500, 16, 12));
        expect_cause(tb.command(kCmdMatmul), ErrorCause::kOverlap);
        // A second compute command while the first runs.
        tb.write_reg(kBaseOutput, field_bits(3500, 0, 12) | field_bits(3500, 16, 12));
        tb.start(kCmdMatmul);
        expect_cause(tb.command(kCmdMatmul), ErrorCause::kBusy);
        tb.wait_done(false);
        // A DMA into the rows the running matmul reads.
        tb.start(kCmdMatmul);
        tb.write_reg(kUseAxi, 1);
        tb.write_reg(kFlipMem, 0);
        tb.write_reg(kInputRdAddr, static_cast<uint32_t>(kDram));
        tb.write_reg(kDmaLength, 15);
        tb.write_reg(kBaseInput, 0);
        expect_cause(tb.command(kCmdInputRead), ErrorCause::kOverlap);
        tb.wait_done(false);
        // While an error is latched every command is refused, the first cause kept.
        tb.write_reg(kUseAxi, 0);
        const uint32_t first = tb.command(15);
        const uint32_t second = tb.command(kCmdMatmul);
        EXPECT_EQ(static_cast<ErrorCause>(second & ctrl::kCauseMask), ErrorCause::kUnknownCommand);
        EXPECT_TRUE(first & ctrl::kErrorBit);
        tb.write_reg(kCtrl, ctrl::kSoftResetBit);
        // And after the reset the tile works again.
        tb.write_reg(kUseAxi, 1);
        tb.write_reg(kMaskRdAddr, static_cast<uint32_t>(kDram));
        expect_ok(tb.command(kCmdMaskRead));
    });
    EXPECT_GE(tb.tile.control.stats().errors, 12u);
}

TEST_F(TileErrors, BadRegisterAccessIsABusError) {
    EdgebertTileConfig cfg;
    TileTestbench tb("tb", cfg);
    tb.run([&] {
        EXPECT_THROW(tb.read_reg(0x80), std::runtime_error);   // outside the window
        EXPECT_THROW(tb.read_reg(0x02), std::runtime_error);   // misaligned
        EXPECT_NO_THROW(tb.read_reg(0x7C));
    });
}

TEST_F(TileErrors, DmaOverlapsComputeWhenRegionsAreDisjoint) {
    // The HLS design loads the next operand while computing: a DMA into other
    // rows runs concurrently, and the two interrupts both arrive.
    EdgebertTileConfig cfg;
    TileTestbench tb("tb", cfg);
    Rng rng(2);
    const auto a = random_codes(rng, 64 * 768, 0.0), b = random_codes(rng, 64 * 768, 0.0);
    tb.run([&] {
        const auto opa = tb.put_operand(kDram, a), opb = tb.put_operand(kDram + 0x100000, b);
        expect_ok(tb.load_operand(0, opa, 0, 0));
        expect_ok(tb.load_operand(1, opb, 0, 0));
        tb.write_reg(kUseAxi, 0);
        tb.write_reg(kFlipMem, 1);
        tb.write_reg(kMatmulDims, field_bits(64, 0, 10) | field_bits(64, 10, 10) | field_bits(768, 20, 12));
        tb.write_reg(kBaseOutput, field_bits(3500, 0, 12) | field_bits(3500, 16, 12));
        const auto t0 = sc_core::sc_time_stamp();
        tb.start(kCmdMatmul);
        // Next A into decoder 0 rows 3100.. (disjoint from the running operands).
        tb.write_reg(kUseAxi, 1);
        tb.write_reg(kFlipMem, 0);
        tb.write_reg(kBaseInput, 3100);
        tb.write_reg(kInputRdAddr, static_cast<uint32_t>(kDram));
        tb.write_reg(kDmaLength, 255);
        tb.start(kCmdInputRead);
        expect_ok(tb.wait_done(true));
        expect_ok(tb.wait_done(false));
        const auto elapsed = sc_core::sc_time_stamp() - t0;
        const auto& log = tb.tile.control.log();
        const auto& dma = log[log.size() - 2];
        const auto& mm = log.back();
        EXPECT_EQ(dma.command, kCmdInputRead);
        EXPECT_EQ(mm.command, kCmdMatmul);
        EXPECT_LT(dma.finished, mm.finished);
        EXPECT_GT(dma.started, mm.started);  // ran inside the matmul
        EXPECT_LT(elapsed, (mm.finished - mm.started) + (dma.finished - dma.started));
    });
}

// ------------------------------------------------------------------ variants

class TileVariants : public edgebert::test::ScTest {};

namespace {

// Runs one matmul through the registers on `cfg` / `mem` and returns (result, expected).
std::pair<std::vector<uint8_t>, std::vector<uint8_t>> one_matmul(const EdgebertTileConfig& cfg,
                                                                 const TestbenchMemory& mem, double sparsity,
                                                                 const std::string& vcd = "",
                                                                 TileTestbench** keep = nullptr) {
    auto* tb = new TileTestbench("tb", cfg, mem);  // owned by the simulation context
    if (!vcd.empty()) tb->open_vcd(vcd);
    Rng rng(11);
    const int mag = cfg.act_format.magnitude_mask() | cfg.act_format.sign_bit();
    std::vector<uint8_t> a(32 * 256), b(32 * 256);
    for (auto* v : {&a, &b})
        for (auto& x : *v) {
            x = rng.uniform() < sparsity ? 0 : static_cast<uint8_t>(rng.uniform_int(1, mag));
            if ((x & cfg.act_format.magnitude_mask()) == 0) x = 0;
        }
    fn::MatmulParams p;
    p.n0 = 32, p.n1 = 32, p.m = 256, p.a_bias = -9, p.b_bias = -9, p.out_bias = -5;
    const auto expect = fn::matmul(cfg, a.data(), b.data(), p);
    std::vector<uint8_t> out;
    tb->run([&] {
        const auto opa = tb->put_operand(kDram, a), opb = tb->put_operand(kDram + 0x100000, b);
        expect_ok(tb->load_operand(0, opa, 0, 0));
        expect_ok(tb->load_operand(1, opb, 0, 0));
        tb->write_reg(kUseAxi, 0);
        tb->write_reg(kUseGb, 0);
        tb->write_reg(kFlipMem, 1);
        tb->write_reg(kMatmulDims, field_bits(32, 0, 10) | field_bits(32, 10, 10) | field_bits(256, 20, 12));
        tb->write_reg(kMatmulConfig, field_bits(bias_field(p.out_bias), 16, 3));
        tb->write_reg(kSfuShape, field_bits(bias_field(-9), 16, 3) | field_bits(bias_field(-9), 20, 3));
        tb->write_reg(kBaseOutput, field_bits(2000, 0, 12) | field_bits(2000, 16, 12));
        expect_ok(tb->command(kCmdMatmul));
        out = tb->fetch_operand(1, 2000, 2000, 64, kDram + 0x200000);
    });
    if (!vcd.empty()) tb->close_vcd();
    if (keep) *keep = tb;
    return {out, expect};
}

}  // namespace

TEST_F(TileVariants, FourBitAdaptivFloat) {
    EdgebertTileConfig cfg;
    cfg.act_format = {4, 2};
    for (double sp : {0.0, 0.5}) {
        fresh_context();
        const auto [out, expect] = one_matmul(cfg, {}, sp);
        EXPECT_EQ(out, expect);
    }
}

TEST_F(TileVariants, SlowAndNarrowMemoryChangesTimingNotResults) {
    EdgebertTileConfig cfg;
    TileTestbench* fast = nullptr;
    const auto r1 = one_matmul(cfg, {}, 0.5, "", &fast);
    const auto t_fast = sc_core::sc_time_stamp();
    fresh_context();
    TestbenchMemory slow;
    slow.latency_cycles = 200;
    slow.bytes_per_cycle = 1.0;
    TileTestbench* slow_tb = nullptr;
    const auto r2 = one_matmul(cfg, slow, 0.5, "", &slow_tb);
    EXPECT_EQ(r1.first, r1.second);
    EXPECT_EQ(r2.first, r2.second);
    EXPECT_GT(sc_core::sc_time_stamp(), t_fast * 3.0);  // DMA-bound now
    // The matmul itself is unchanged: same PU cycles.
    EXPECT_EQ(slow_tb->tile.pu.total_cycles(), fast->tile.pu.total_cycles());
}

TEST_F(TileVariants, VcdHasInterruptEdgesAtCommandCompletions) {
    EdgebertTileConfig cfg;
    const std::string path = ::testing::TempDir() + "tile_waves";
    TileTestbench* tb = nullptr;
    const auto r = one_matmul(cfg, {}, 0.0, path, &tb);
    EXPECT_EQ(r.first, r.second);
    std::ifstream f(path + ".vcd");
    ASSERT_TRUE(f) << path << ".vcd";
    std::string line, irq_id;
    std::vector<uint64_t> rises;
    uint64_t now = 0;
    bool body = false;
    while (std::getline(f, line)) {
        if (!body) {
            if (line.find("$var") != std::string::npos && line.find(" irq ") != std::string::npos) {
                std::istringstream ss(line);
                std::string var, type, width;
                ss >> var >> type >> width >> irq_id;
            }
            if (line.find("$enddefinitions") != std::string::npos) body = true;
            continue;
        }
        if (!line.empty() && line[0] == '#') now = std::stoull(line.substr(1));
        else if (!irq_id.empty() && line == "1" + irq_id) rises.push_back(now);
    }
    ASSERT_FALSE(irq_id.empty()) << "no irq signal in the VCD";
    std::vector<uint64_t> expect;
    for (const auto& rec : tb->tile.control.log()) expect.push_back(rec.finished.value());  // ps
    EXPECT_EQ(rises, expect);
    // GTKWave's converter accepts the file (Debian's gtkwave package).
    if (std::system("command -v vcd2fst >/dev/null 2>&1") == 0) {
        const std::string cmd = "vcd2fst " + path + ".vcd " + path + ".fst >/dev/null 2>&1";
        EXPECT_EQ(std::system(cmd.c_str()), 0);
    }
}
