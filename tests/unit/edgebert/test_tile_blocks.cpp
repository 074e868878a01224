// Block-level checks of the tile: decoder against the codec, cycle formulas at
// their boundaries, DMA burst splitting.
#include <gtest/gtest.h>

#include <stdexcept>

#include "common/rng.hpp"
#include "hw/edgebert/bitmask_decoder.hpp"
#include "hw/edgebert/dma_engine.hpp"
#include "hw/edgebert/processing_unit.hpp"
#include "hw/edgebert/special_function_unit.hpp"
#include "hw/formats/bitmask.hpp"
#include "tests/support/sc_test.hpp"

using namespace edgebert;
using namespace edgebert::hw;

class TileBlocks : public edgebert::test::ScTest {};

TEST_F(TileBlocks, DecoderMatchesCodecOnRandomData) {
    EdgebertTileConfig cfg;
    BitmaskDecoder dec("dec", cfg);
    Rng rng(3);
    for (double sparsity : {0.0, 0.5, 0.9, 1.0}) {
        const int vectors = 300;
        std::vector<uint8_t> codes(vectors * 16);
        for (auto& c : codes) c = rng.uniform() < sparsity ? 0 : static_cast<uint8_t>(rng.uniform_int(1, 255));
        const auto enc = num::bitmask_encode(codes.data(), vectors, 16, 0x7F);
        const auto img = num::bitmask_to_dram(enc);
        const int mask_base = 100, input_base = 777;
        dec.mask_sram.write_rows(mask_base, img.mask_bytes.data(), vectors);
        if (enc.depth()) dec.input_sram.write_rows(input_base, img.input_bytes.data(), static_cast<int>(enc.depth()));
        const auto d = dec.decode(mask_base, input_base, vectors);
        ASSERT_FALSE(d.overrun);
        std::vector<uint8_t> expect = codes;
        for (auto& c : expect) if (!(c & 0x7F)) c = 0;  // -0 decodes as 0
        EXPECT_EQ(d.codes, expect);
        EXPECT_EQ(d.input_rows_used, static_cast<int>(enc.depth()));
        for (int v = 0; v < vectors; ++v) EXPECT_EQ(d.zero_vector[v], enc.masks[v] == 0 ? 1 : 0);
    }
}

TEST_F(TileBlocks, DecoderFlagsOverrun) {
    EdgebertTileConfig cfg;
    BitmaskDecoder dec("dec", cfg);
    const uint8_t full[2] = {0xFF, 0xFF};
    for (int v = 0; v < 4; ++v) dec.mask_sram.write_rows(v, full, 1);
    EXPECT_FALSE(dec.decode(0, 4092, 4).overrun);  // rows 4092..4095
    EXPECT_TRUE(dec.decode(0, 4093, 4).overrun);   // the fourth vector needs row 4096
}

TEST_F(TileBlocks, MatmulCycleFormulaDenseAndGated) {
    EdgebertTileConfig cfg;
    fn::MatmulParams p;
    p.n0 = 64, p.n1 = 32, p.m = 128;
    const size_t a_vec = 64 * 8, b_vec = 32 * 8;
    std::vector<uint8_t> az(a_vec, 0), bz(b_vec, 0);
    const auto dense = ProcessingUnit::timing(cfg, p, az, bz);
    // N0*N1*M/256 + depth + 16 * enc
    EXPECT_EQ(dense.cycles, 64u * 32 * 128 / 256 + 4 + 16);
    EXPECT_EQ(dense.vector_ops * 16, 64u * 32 * 128);
    EXPECT_EQ(dense.gated_vector_ops, 0u);
    // Zero half of A's vectors (even rows) in every k-step: B still needs 16 load cycles.
    for (size_t v = 0; v < a_vec; ++v) az[v] = (v / 8) % 2 == 0;
    EXPECT_EQ(ProcessingUnit::timing(cfg, p, az, bz).cycles, dense.cycles);
    // Zero half of B's too: every step takes 8 cycles.
    for (size_t v = 0; v < b_vec; ++v) bz[v] = (v / 8) % 2 == 0;
    const auto gated = ProcessingUnit::timing(cfg, p, az, bz);
    EXPECT_EQ(gated.cycles, (dense.cycles - 20) / 2 + 20);
    EXPECT_EQ(gated.vector_ops * 4, dense.vector_ops);
    // An all-zero operand still costs one cycle per k-step.
    std::fill(az.begin(), az.end(), 1);
    std::fill(bz.begin(), bz.end(), 1);
    EXPECT_EQ(ProcessingUnit::timing(cfg, p, az, bz).cycles, 4u * 2 * 8 + 20);
    // Without overlap: per step load + compute + 1, per tile depth + encoder.
    cfg.timing.overlap_load_compute = false;
    std::fill(az.begin(), az.end(), 0);
    std::fill(bz.begin(), bz.end(), 0);
    EXPECT_EQ(ProcessingUnit::timing(cfg, p, az, bz).cycles, 4u * 2 * (8 * 33 + 4 + 16));
}

TEST_F(TileBlocks, SfuCycleFormula) {
    EdgebertTileConfig cfg;
    EXPECT_EQ(SpecialFunctionUnit::cycles(cfg, SfuOp::Softmax, 8, 128), 8u + 128 * 3 * 8 * 3);
    EXPECT_EQ(SpecialFunctionUnit::cycles(cfg, SfuOp::LayerNorm, 48, 128), 8u + 128 * 2 * 48 * 3);
    EXPECT_EQ(SpecialFunctionUnit::cycles(cfg, SfuOp::ElementAdd, 48, 128), 8u + 128 * 48);
    EXPECT_EQ(SpecialFunctionUnit::cycles(cfg, SfuOp::Entropy, 1, 1), 8u + 2 * 4);
    EXPECT_EQ(SpecialFunctionUnit::cycles(cfg, SfuOp::Softmax, 8, 128, true), 8u + 8 + 128 * 8);
}

TEST_F(TileBlocks, DmaBurstsRespectLengthAnd4KiB) {
    EdgebertTileConfig cfg;
    EXPECT_EQ(DmaEngine::burst_count(cfg, 0x80000000, 2048), 1u);   // 256 beats
    EXPECT_EQ(DmaEngine::burst_count(cfg, 0x80000000, 2056), 2u);   // 257 beats
    EXPECT_EQ(DmaEngine::burst_count(cfg, 0x80000FF8, 16), 2u);     // crosses 4 KiB
    EXPECT_EQ(DmaEngine::burst_count(cfg, 0x80000000, 65536), 32u);
    cfg.max_burst_beats = 16;
    EXPECT_EQ(DmaEngine::burst_count(cfg, 0x80000000, 4096), 32u);
}

// Silicon mode (edgebert.checks): addresses wrap modulo the depth.
TEST(SramWrap, RowsIndexModuloTheDepthAndAccessesSplitAtTheEnd) {
    Sram s("s", 8, 2, true);
    std::vector<uint8_t> in(20 * 2);
    for (size_t i = 0; i < in.size(); ++i) in[i] = static_cast<uint8_t>(i);
    s.write_rows(6, in.data(), 4);  // rows 6, 7, 0, 1
    EXPECT_EQ(s.row(6)[0], 0);
    EXPECT_EQ(s.row(0)[0], 4);
    EXPECT_EQ(s.row(9)[1], 7);  // row 9 is row 1
    std::vector<uint8_t> out(4 * 2);
    s.read_rows(14, out.data(), 4);  // rows 6, 7, 0, 1
    EXPECT_EQ(out, std::vector<uint8_t>(in.begin(), in.begin() + 8));
    s.write_rows(0, in.data(), 20);  // longer than the SRAM: the last 8 rows win
    EXPECT_EQ(s.row(0)[0], 32);
    EXPECT_EQ(s.row(3)[0], 38);
    EXPECT_EQ(s.row(4)[0], 24);
    EXPECT_EQ(s.high_water(), 8);
    EXPECT_EQ(s.row_writes(), 24u);
    Sram checked("c", 8, 2);
    EXPECT_THROW(checked.write_rows(6, in.data(), 4), std::logic_error);
}
