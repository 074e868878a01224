// The dense-results extension on the SystemC tile (see test_dense_results.cpp for
// what the whole set checks): every operation against the functional model and
// platform with equal cycles, dense operands fed back, the flag off in strict and
// silicon mode, and the runtime program on the SoC, the functional platform and the ISS.
#include "tests/unit/edgebert/dense_results_support.hpp"

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
