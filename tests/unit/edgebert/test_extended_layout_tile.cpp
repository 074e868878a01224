// The extended register layout on the SystemC tile and the functional platform:
// a program whose operands, results and bases lie above row 4096, with an N0
// over 1023, a num_timestep over 255, aux rows over 256 and DMAs of more than
// 4096 rows, gives the same bytes on the SoC (runtime driver -> NoC -> tile) and
// on the functional platform, equal to the functional model, at 8192 and 65536
// rows, also through the executor firmware on the RISC-V core; the testbench's
// driver routines work near the top of 65536 rows; the extension registers
// clear at every command; a published tile refuses accesses beyond 0x7C.
// (Cycles against the SRAM depth: tests/unit/compiler/test_sram_depth*.cpp.)
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/rng.hpp"
#include "compiler/lower/lowering.hpp"
#include "compiler/program/program.hpp"
#include "eb_edgebert.h"
#include "eb_program.h"
#include "hw/edgebert/functional/matmul.hpp"
#include "hw/edgebert/functional/sfu_ops.hpp"
#include "hw/edgebert/register_layout.hpp"
#include "hw/edgebert/testbench/tile_testbench.hpp"
#include "hw/formats/adaptivfloat.hpp"
#include "hw/formats/bitmask.hpp"
#include "hw/soc/soc_config.hpp"
#include "sim/functional/functional_platform.hpp"
#include "sim/run/soc_runner.hpp"
#include "tests/support/sc_test.hpp"

using namespace edgebert;
using namespace edgebert::hw;

namespace {

constexpr int L = 16;

SocConfig soc_with(int depth, int aux_depth = 256) {
    SocConfig s = load_soc_config(std::string(EDGEBERT_SOURCE_DIR) + "/configs/soc/default.json");
    s.edgebert.input_sram_depth = s.edgebert.mask_sram_depth = depth;
    s.edgebert.aux_sram_depth = aux_depth;
    s.edgebert.default_limits();
    s.edgebert.validate("test");
    return s;
}

// AF<8,3> codes, `sparsity` of them zero, no negative zero.
std::vector<uint8_t> random_codes(Rng& rng, size_t n, double sparsity) {
    std::vector<uint8_t> c(n);
    for (auto& x : c) {
        x = rng.uniform() < sparsity ? 0 : static_cast<uint8_t>(rng.uniform_int(1, 255));
        if ((x & 0x7F) == 0) x = 0;
    }
    return c;
}

// One part of the program's output: `vectors` result vectors written out from
// decoder `dec` (mask entries at `mask_row`, input rows at `input_row`).
struct Part {
    std::string what;
    std::vector<uint8_t> expect;  // decoded codes
    uint64_t mask_off = 0, input_off = 0;
    int vectors = 0;
};

struct Program {
    compiler::CompiledModel model;
    std::vector<Part> parts;
};

class Builder {
public:
    explicit Builder(const SocConfig& soc) : b_(EB_TARGET_EDGEBERT) {
        next_ = soc.dram.base + compiler::kFirmwareReserved;
        out_ = next_ + 0x4000000;  // the written-out results, one I8 tensor
        b_.region(0, EB_MOD_FFN, "extended layout");
    }
    // Codes into decoder `dec` at (mask_row, input_row) by DMA.
    void load(const std::vector<uint8_t>& codes, int dec, uint32_t mask_row, uint32_t input_row) {
        const size_t vec = codes.size() / L;
        const auto img = num::bitmask_to_dram(num::bitmask_encode(codes.data(), vec, L, 0x7F));
        const uint64_t m = alloc(img.mask_bytes.size()), in = alloc(img.input_bytes.size() + 1);
        b_.image(m, img.mask_bytes);
        b_.eb_dma(EB_SRAM_MASK, true, dec, mask_row, m, uint32_t(vec), true, "mask");
        if (!img.input_bytes.empty()) {
            b_.image(in, img.input_bytes);
            b_.eb_dma(EB_SRAM_INPUT, true, dec, input_row, in, uint32_t(img.input_bytes.size() / L), true, "input");
        }
    }
    void load_aux(const std::vector<uint8_t>& bytes, uint32_t row) {
        const uint64_t a = alloc(bytes.size());
        b_.image(a, bytes);
        b_.eb_dma(EB_SRAM_AUX, true, 0, row, a, uint32_t(bytes.size() / L), true, "aux");
    }
    // Writes `vectors` vectors of decoder `dec` out; the part is checked against `expect`.
    void store(const std::string& what, int dec, uint32_t mask_row, uint32_t input_row, int vectors,
               std::vector<uint8_t> expect) {
        Part p;
        p.what = what;
        p.vectors = vectors;
        p.expect = std::move(expect);
        p.mask_off = out_used_;
        p.input_off = (out_used_ + size_t(vectors) * 2 + 63) & ~uint64_t{63};
        out_used_ = p.input_off + size_t(vectors) * L;
        b_.eb_dma(EB_SRAM_MASK, false, dec, mask_row, out_ + p.mask_off, uint32_t(vectors), true, "out mask");
        b_.eb_dma(EB_SRAM_INPUT, false, dec, input_row, out_ + p.input_off, uint32_t(vectors), true, "out input");
        parts_.push_back(std::move(p));
    }
    void matmul(uint32_t n0, uint32_t n1, uint32_t m, uint32_t a_row, uint32_t a_in, uint32_t b_row, uint32_t b_in,
                uint32_t out_dec, uint32_t out_mask, uint32_t out_input, uint32_t bias_field) {
        eb_instr in{};
        in.op = EB_OP_EB_MATMUL;
        in.a[0] = n0 | (uint64_t(n1) << 16) | (uint64_t(m) << 32);
        in.a[1] = a_row | (uint64_t(a_in) << 16) | (uint64_t(b_row) << 32) | (uint64_t(b_in) << 48);
        in.a[2] = out_dec | (uint64_t(out_mask) << 16) | (uint64_t(out_input) << 32);
        in.a[3] = bias_field | (uint64_t(bias_field) << 8) | (uint64_t(bias_field) << 16);
        in.a[4] = 1;
        b_.raw(in, "matmul");
    }
    // As the compiler's sfu(): the fields' high bytes in a5.
    void sfu(eb_sfu_op op, uint32_t nv, uint32_t nt, uint32_t x_mask, uint32_t x_in, uint32_t y_mask, uint32_t y_in,
             uint32_t out_dec, uint32_t out_mask, uint32_t out_input, uint32_t gamma, uint32_t beta, uint32_t bias) {
        eb_instr in{};
        in.op = EB_OP_EB_SFU;
        in.a[0] = uint64_t(op) | (uint64_t(nv & 0xFF) << 8) | (uint64_t(nt & 0xFF) << 16) | (uint64_t(out_dec) << 24) |
                  (uint64_t{1} << 32);
        in.a[1] = x_mask | (uint64_t(x_in) << 16) | (uint64_t(y_mask) << 32) | (uint64_t(y_in) << 48);
        in.a[2] = out_mask | (uint64_t(out_input) << 16) | (uint64_t(gamma & 0xFF) << 32) | (uint64_t(beta & 0xFF) << 40);
        in.a[3] = bias | (uint64_t(bias) << 8) | (uint64_t(bias) << 16) | (uint64_t(bias) << 24) |
                  (uint64_t(bias) << 32) | (uint64_t(bias) << 40);
        in.a[5] = uint64_t(nv >> 8) | (uint64_t(nt >> 8) << 8) | (uint64_t(gamma >> 8) << 16) |
                  (uint64_t(beta >> 8) << 24);
        b_.raw(in, "sfu");
    }
    Program finish() {
        eb_tensor t{};
        t.addr = out_;
        t.format = EB_FMT_I8;
        t.rows = 1;
        t.cols = t.ld = static_cast<uint32_t>(out_used_);
        t.scale = 1.0f;
        const uint32_t result = b_.tensor("result", t);
        b_.end();
        Program p;
        p.model.program = b_.take();
        p.model.hidden_out = result;
        p.model.logits_out = compiler::kNoTensor;
        p.parts = std::move(parts_);
        return p;
    }

private:
    uint64_t alloc(size_t bytes) {
        const uint64_t a = next_;
        next_ += (bytes + 63) & ~size_t{63};
        return a;
    }
    compiler::ProgramBuilder b_;
    uint64_t next_ = 0, out_ = 0, out_used_ = 0;
    std::vector<Part> parts_;
};

// Operands at and above row 4096 for `depth` rows (hb: the high region's first row).
Program high_rows_program(const SocConfig& soc, uint64_t seed) {
    const auto& cfg = soc.edgebert;
    const int D = cfg.input_sram_depth;
    const uint32_t hb = static_cast<uint32_t>(D - 4000);
    const int bmin = cfg.bias_range.min, field = -7 - bmin;  // exp_bias -7 for every operand
    Rng rng(seed);
    Builder b(soc);
    // Matmul: N0 = 1040 (over the published 10 bits), results at rows over 4096.
    const int n0 = 1040, n1 = 32, m = 32;
    const auto A = random_codes(rng, size_t(n0) * m, 0.5), B = random_codes(rng, size_t(n1) * m, 0.3);
    b.load(A, 0, hb, hb + 100);
    b.load(B, 1, hb, hb + 100);
    b.matmul(n0, n1, m, hb, hb + 100, hb, hb + 100, 1, hb + 1000, hb + 1000, uint32_t(field));
    fn::MatmulParams mp;
    mp.n0 = n0, mp.n1 = n1, mp.m = m, mp.a_bias = mp.b_bias = mp.out_bias = -7;
    b.store("matmul", 1, hb + 1000, hb + 1000, n0 * n1 / L, fn::matmul(cfg, A.data(), B.data(), mp));
    // Element add: num_timestep = 300 (over the published 8 bits).
    const int nv = 2, nt = 300, vec = nv * nt;
    const auto X = random_codes(rng, size_t(vec) * L, 0.4), Y = random_codes(rng, size_t(vec) * L, 0.4);
    b.load(X, 0, hb + 2500, hb + 2500);
    b.load(Y, 1, hb + 3200, hb + 3200);
    b.sfu(EB_SFU_ELEMENT_ADD, nv, nt, hb + 2500, hb + 2500, hb + 3200, hb + 3200, 0, hb + 3200, hb + 3200, 0, 0,
          uint32_t(field));
    b.store("element add", 0, hb + 3200, hb + 3200, vec,
            fn::sfu_element_add(cfg, X.data(), -7, Y.data(), -7, vec * L, -7));
    // Layer norm of X with gamma and beta at aux rows over 256.
    if (cfg.aux_sram_depth > 700 + nv) {
        const auto gamma = random_codes(rng, size_t(nv) * L, 0.0), beta = random_codes(rng, size_t(nv) * L, 0.2);
        b.load_aux(gamma, 300);
        b.load_aux(beta, 700);
        b.sfu(EB_SFU_LAYER_NORM, nv, nt, hb + 2500, hb + 2500, 0, 0, 1, hb + 3200, hb + 3200, 300, 700,
              uint32_t(field));
        b.store("layer norm", 1, hb + 3200, hb + 3200, vec,
                fn::sfu_layer_norm(cfg, X.data(), -7, nt, nv * L, gamma.data(), -7, beta.data(), -7, -7));
    }
    // DMAs of more than 4096 rows (dma_length over the published 12 bits), both ways.
    const int zv = 5200;
    const uint32_t zr = static_cast<uint32_t>(D - zv - 64);
    const auto Z = random_codes(rng, size_t(zv) * L, 0.5);
    b.load(Z, 0, zr, zr);
    b.store("DMA of 5200 rows", 0, zr, zr, zv, Z);
    return b.finish();
}

std::vector<uint8_t> decode_part(const Part& p, const std::vector<uint8_t>& bytes) {
    const auto enc = num::bitmask_from_dram(bytes.data() + p.mask_off, size_t(p.vectors) * 2,
                                            bytes.data() + p.input_off, size_t(p.vectors) * L, size_t(p.vectors), L);
    return num::bitmask_decode(enc);
}

class ExtendedLayout : public edgebert::test::ScTest, public ::testing::WithParamInterface<int> {};

}  // namespace

TEST_P(ExtendedLayout, HighRowsGiveTheSameBytesOnTheSocAndTheFunctionalPlatform) {
    const int depth = GetParam();
    const SocConfig soc = soc_with(depth, 1024);
    ASSERT_EQ(soc.edgebert.register_layout(), regs::RegisterLayout::Extended);
    const Program p = high_rows_program(soc, static_cast<uint64_t>(depth));
    const auto timed = sim::run_on_soc(soc, p.model, "edgebert");
    sim::FunctionalPlatform fp(soc);
    const auto fn = fp.run(p.model);
    ASSERT_FALSE(timed.output_bytes.empty());
    EXPECT_TRUE(timed.output_bytes == fn.output_bytes) << "SoC and functional platform differ";
    EXPECT_TRUE(fp.edgebert_warnings().empty());
    // Every DMA, matmul, element add and layer norm ran (none refused).
    EXPECT_EQ(timed.edgebert_commands, 23u);
    EXPECT_EQ(fn.edgebert_commands, 23u);
    EXPECT_GT(timed.total_cycles, 0u);
    ASSERT_EQ(p.parts.size(), 4u);
    for (const Part& part : p.parts)
        EXPECT_TRUE(decode_part(part, timed.output_bytes) == part.expect) << part.what << " at depth " << depth;
}

TEST_P(ExtendedLayout, TheSameProgramThroughTheExecutorFirmwareOnTheRiscVCore) {
    // The runtime's driver built for the RISC-V core (firmware/apps/executor.c) with the platform
    // the loader passes (register_layout included).
    const std::string elf = std::string(EDGEBERT_FIRMWARE_DIR) + "/executor.elf";
    if (!std::ifstream(elf)) GTEST_SKIP() << elf << " not built (no RISC-V toolchain)";
    const SocConfig soc = soc_with(GetParam(), 1024);
    const Program p = high_rows_program(soc, static_cast<uint64_t>(GetParam()));
    sim::RunHooks hooks;
    hooks.iss_executor = elf;
    const auto iss = sim::run_on_soc(soc, p.model, "edgebert", hooks);
    EXPECT_EQ(iss.edgebert_commands, 23u);
    for (const Part& part : p.parts)
        EXPECT_TRUE(decode_part(part, iss.output_bytes) == part.expect) << part.what << " on the ISS";
}

INSTANTIATE_TEST_SUITE_P(Depths, ExtendedLayout, ::testing::Values(8192, 65536),
                         [](const auto& info) { return "rows_" + std::to_string(info.param); });

TEST(ExtendedLayoutRegisters, ThePublishedTileAnswersBeyond0x7CAsAnUnmappedOffset) {
    const SocConfig pub = soc_with(4096);
    sim::FunctionalPlatform fp(pub);
    const uint64_t base = pub.tiles_of(TileKind::Edgebert)[0]->reg_base;
    try {
        fp.write32(base + regs::kExtMatmulDims, 1);
        ADD_FAILURE() << "a store at 0x80 of a published tile was accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("offset 0x80"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("published register layout"), std::string::npos) << e.what();
    }
    // The extended tile decodes 0x80-0x8C; they hold their value until the next command write.
    const SocConfig ext = soc_with(8192);
    sim::FunctionalPlatform fx(ext);
    fx.write32(base + regs::kExtSfuShape, 0x1234);
    EXPECT_EQ(fx.read32(base + regs::kExtSfuShape), 0x1234u);
    fx.write32(base + regs::kCommand, 0);  // an unknown command: refused, and the extension registers clear
    EXPECT_EQ(fx.read32(base + regs::kExtSfuShape), 0u);
    EXPECT_THROW(fx.write32(base + 0x90, 1), Error);
}

class ExtendedLayoutTile : public edgebert::test::ScTest {};

TEST_F(ExtendedLayoutTile, TheSystemCTileDecodesAndClearsItsExtensionRegisters) {
    EDGEBERT_SKIP_IF_ASAN_COROUTINE_THROW();
    const SocConfig ext = soc_with(8192);
    auto* tb = new TileTestbench("tb", ext.edgebert);
    tb->run([&] {
        tb->write_reg(regs::kExtAuxBases, 0xABCD);
        EXPECT_EQ(tb->read_reg(regs::kExtAuxBases), 0xABCDu);
        tb->write_reg(regs::kExtMatmulDims, 0x1);  // n0 += 1024: N0 = 1024 + 16
        tb->write_reg(regs::kMatmulDims, 16u | (16u << 10) | (16u << 20));
        tb->write_reg(regs::kBaseOutput, 0xFFF0u);  // base_output 65520: past 8192 rows
        const uint32_t c = tb->command(regs::kCmdMatmul);
        EXPECT_TRUE(c & regs::ctrl::kErrorBit);
        EXPECT_EQ(tb->read_reg(regs::kExtAuxBases), 0u);
        EXPECT_EQ(tb->read_reg(regs::kExtMatmulDims), 0u);
        EXPECT_THROW(tb->write_reg(0x90, 1), std::runtime_error);
    });
    // Refused for SRAM overflow: the result at row 65520 (the 16-bit base_output) runs past 8192
    // rows; the published 12 bits (4080) would have fitted.
    const auto& log = tb->tile.control.log();
    ASSERT_FALSE(log.empty());
    EXPECT_EQ(log.back().error, regs::ErrorCause::kSramOverflow);
}

TEST_F(ExtendedLayoutTile, ThePublishedSystemCTileRefusesAccessesBeyond0x7C) {
    EDGEBERT_SKIP_IF_ASAN_COROUTINE_THROW();
    auto* tb = new TileTestbench("tb", soc_with(4096).edgebert);
    tb->run([&] {
        EXPECT_THROW(tb->write_reg(regs::kExtMatmulDims, 1), std::runtime_error);
        EXPECT_THROW(tb->read_reg(regs::kExtBaseOutput), std::runtime_error);
    });
}

TEST_F(ExtendedLayoutTile, AMatmulNearTheTopOf65536RowsEqualsTheFunctionalModel) {
    // The testbench's own driver routines (load_operand / fetch_operand) in the extended layout.
    const EdgebertTileConfig cfg = soc_with(65536).edgebert;
    auto* tb = new TileTestbench("tb", cfg);
    Rng rng(65536);
    const int n0 = 1056, n1 = 32, m = 48;  // N0 over the published 10 bits
    const auto A = random_codes(rng, size_t(n0) * m, 0.5), B = random_codes(rng, size_t(n1) * m, 0.5);
    fn::MatmulParams mp;
    mp.n0 = n0, mp.n1 = n1, mp.m = m, mp.a_bias = mp.b_bias = mp.out_bias = -7;
    const auto expect = fn::matmul(cfg, A.data(), B.data(), mp);
    const uint32_t bias = static_cast<uint32_t>(-7 - cfg.bias_range.min);
    const int c_vec = n0 * n1 / L;
    tb->run([&] {
        const DramOperand a = tb->put_operand(0x80000000ull, A), b = tb->put_operand(0x81000000ull, B);
        EXPECT_EQ(tb->load_operand(0, a, 40000, 50000) & regs::ctrl::kErrorBit, 0u);
        EXPECT_EQ(tb->load_operand(1, b, 61000, 62000) & regs::ctrl::kErrorBit, 0u);
        RegisterFile r{};
        const auto l = regs::RegisterLayout::Extended;
        for (auto [name, v] : {std::pair{"n0", uint32_t(n0)}, {"n1", uint32_t(n1)}, {"m", uint32_t(m)},
                               {"base_mask0", 40000u}, {"base_input0", 50000u}, {"base_mask1", 61000u},
                               {"base_input1", 62000u}, {"base_output_mask", 63400u}, {"base_output", 63000u},
                               {"flip_mem", 1u}, {"bias_act1", bias}, {"bias_act2", bias}, {"accum_bias", bias}})
            regs::encode_field(l, r.data(), name, v);
        for (uint32_t off : std::initializer_list<uint32_t>{regs::kFlipMem, regs::kMatmulConfig, regs::kMatmulDims, regs::kBaseInput, regs::kBaseMask,
                             regs::kSfuShape, regs::kBaseOutput, regs::kUseAxi, regs::kUseGb, regs::kExtMatmulDims,
                             regs::kExtBaseOutput})
            tb->write_reg(off, r[off / 4]);
        const uint32_t c = tb->command(regs::kCmdMatmul);
        EXPECT_EQ(c & regs::ctrl::kErrorBit, 0u) << regs::error_cause_name(static_cast<regs::ErrorCause>(c & 0xF));
        EXPECT_TRUE(tb->fetch_operand(1, 63400, 63000, c_vec, 0x82000000ull) == expect);
    });
    EXPECT_EQ(tb->tile.control.log().size(), 7u);  // 4 DMA reads, the matmul, 2 write-outs
}
