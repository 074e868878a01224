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
#include "tests/unit/edgebert/dense_results_support.hpp"


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
