// The tile's datapath knobs, each with the effect it should have:
//   num_vmacs  matmul cycles follow the documented formula (docs/tile-timing.md), checked
//              against a direct formula for dense operands and a brute-force count of
//              random sparse masks, at V = 8, 16, 32 and lanes 8 / 16 / 32 / 64;
//   lanes      8 / 16 / 32 / 64 through the registers equal the functional model;
//   accum_bits a narrow accumulator saturates, on the tile as in the functional model;
//   axi_data_bits / max_burst_beats  DMA cycles (one beat per tile cycle at most);
//   adpll.initial_mhz  a command's cycles take the tile's period.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

#include "common/error.hpp"
#include "common/json_reader.hpp"
#include "common/rng.hpp"
#include "hw/edgebert/functional/sfu_ops.hpp"
#include "hw/edgebert/functional/matmul.hpp"
#include "hw/edgebert/register_map.hpp"
#include "hw/edgebert/testbench/tile_testbench.hpp"
#include "tests/support/sc_test.hpp"

using namespace edgebert;
using namespace edgebert::hw;
using namespace edgebert::hw::regs;

namespace {

constexpr uint64_t kDram = 0x80000000ull;

EdgebertTileConfig config(int lanes, int vmacs) {
    EdgebertTileConfig c;
    c.lanes = lanes;
    c.num_vmacs = vmacs;
    c.max_n = 1024 / lanes * lanes - lanes;  // the largest multiple of the lanes the 10-bit fields hold
    c.max_m = 4096 - lanes;
    return c;
}

// Per-vector zero flags with a fraction `p` of zero vectors.
std::vector<uint8_t> random_flags(Rng& rng, size_t n, double p) {
    std::vector<uint8_t> z(n);
    for (auto& x : z) x = rng.uniform() < p ? 1 : 0;
    return z;
}

// The documented model counted directly: output tiles of R = max(L, V) rows of A
// by V rows of B, each k-step max(1, non-zero A vectors, non-zero B vectors),
// plus the pipeline depth and the last tile's drain (overlapped loading).
uint64_t brute_force_cycles(const EdgebertTileConfig& c, int n0, int n1, int m, const std::vector<uint8_t>& az,
                            const std::vector<uint8_t>& bz) {
    const int L = c.lanes, V = c.num_vmacs, R = std::max(L, V), kbs = m / L;
    uint64_t cycles = 0;
    int last_rows = 0, last_cols = 0;
    for (int i0 = 0; i0 < n0; i0 += R)
        for (int j0 = 0; j0 < n1; j0 += V) {
            const int i1 = std::min(n0, i0 + R), j1 = std::min(n1, j0 + V);
            for (int kb = 0; kb < kbs; ++kb) {
                int na = 0, nb = 0;
                for (int i = i0; i < i1; ++i) na += az[size_t(i) * kbs + kb] ? 0 : 1;
                for (int j = j0; j < j1; ++j) nb += bz[size_t(j) * kbs + kb] ? 0 : 1;
                cycles += uint64_t(std::max({1, na, nb}));
            }
            last_rows = i1 - i0, last_cols = j1 - j0;
        }
    const int drain = (last_rows * last_cols + L - 1) / L;
    return cycles + uint64_t(c.timing.matmul_pipeline_depth) + uint64_t(drain) * c.timing.encoder_cycles_per_vector;
}

fn::MatmulParams params(int n0, int n1, int m) {
    fn::MatmulParams p;
    p.n0 = n0, p.n1 = n1, p.m = m;
    p.a_bias = -8, p.b_bias = -9, p.out_bias = -4;
    return p;
}

std::vector<uint8_t> random_codes(Rng& rng, size_t n, double sparsity, uint8_t magnitude) {
    std::vector<uint8_t> c(n);
    for (auto& x : c) {
        x = rng.uniform() < sparsity ? 0 : static_cast<uint8_t>(rng.uniform_int(1, 255));
        if ((x & magnitude) == 0) x = 0;
    }
    return c;
}

std::vector<uint8_t> zero_flags(const std::vector<uint8_t>& codes, int lanes) {
    std::vector<uint8_t> z(codes.size() / lanes, 1);
    for (size_t i = 0; i < codes.size(); ++i)
        if (codes[i]) z[i / lanes] = 0;
    return z;
}

void expect_ok(uint32_t ctrl_word) {
    EXPECT_EQ(ctrl_word & ctrl::kErrorBit, 0u)
        << "error cause " << error_cause_name(static_cast<ErrorCause>(ctrl_word & ctrl::kCauseMask));
}

uint32_t bias_field(int exp_bias) { return static_cast<uint32_t>(exp_bias + 10); }

struct TileMatmul {
    std::vector<uint8_t> out;
    CommandRecord rec;
    sc_core::sc_time period;
};

// A matmul through the registers of a fresh bench (operands DMA'd to decoders 0 and 1,
// the result after operand A in decoder 0).
TileMatmul run_matmul(const EdgebertTileConfig& cfg, const std::vector<uint8_t>& a, const std::vector<uint8_t>& b,
                      const fn::MatmulParams& p) {
    edgebert::test::ScTest::fresh_context();
    TileTestbench tb("tb", cfg);
    TileMatmul r;
    tb.run([&] {
        const auto opa = tb.put_operand(kDram, a), opb = tb.put_operand(kDram + 0x1000000, b);
        expect_ok(tb.load_operand(0, opa, 0, 0));
        expect_ok(tb.load_operand(1, opb, 0, 0));
        tb.write_reg(kUseAxi, 0);
        tb.write_reg(kUseGb, 0);
        tb.write_reg(kFlipMem, 0);
        tb.write_reg(kMatmulDims, field_bits(p.n0, 0, 10) | field_bits(p.n1, 10, 10) | field_bits(p.m, 20, 12));
        tb.write_reg(kMatmulConfig, field_bits(bias_field(p.out_bias), 16, 3));
        tb.write_reg(kSfuShape, field_bits(bias_field(p.a_bias), 16, 3) | field_bits(bias_field(p.b_bias), 20, 3));
        tb.write_reg(kBaseOutput, field_bits(opa.input_rows, 0, 12) | field_bits(opa.vectors, 16, 12));
        expect_ok(tb.command(kCmdMatmul));
        r.rec = tb.tile.control.log().back();
        r.out = tb.fetch_operand(0, opa.vectors, opa.input_rows, p.n0 * p.n1 / cfg.lanes, kDram + 0x2000000);
        r.period = tb.period();
    });
    return r;
}

}  // namespace

TEST(VmacTiming, DenseMatmulTakesNMmOverLanesTimesVmacs) {
    for (int L : {8, 16, 32, 64})
        for (int V : {8, 16, 32}) {
            const auto c = config(L, V);
            const int R = std::max(L, V);
            const int n0 = 2 * std::max(R, 64), n1 = 128, m = 768;
            const auto p = params(n0, n1, m);
            const std::vector<uint8_t> az(size_t(n0) * m / L, 0), bz(size_t(n1) * m / L, 0);
            const auto t = ProcessingUnit::timing(c, p, az, bz);
            const uint64_t want = uint64_t(n0) * n1 * m / (uint64_t(L) * V) + 4 + uint64_t(R) * V / L;
            EXPECT_EQ(t.cycles, want) << "lanes " << L << " vmacs " << V;
            EXPECT_EQ(t.vector_ops * uint64_t(L), uint64_t(n0) * n1 * m) << "lanes " << L << " vmacs " << V;
            EXPECT_EQ(t.gated_vector_ops, 0u);
        }
    // V = L = 16 is the published array: N0*N1*M/256 + 20.
    const auto t = ProcessingUnit::timing(config(16, 16), params(64, 64, 768), std::vector<uint8_t>(64 * 48, 0),
                                          std::vector<uint8_t>(64 * 48, 0));
    EXPECT_EQ(t.cycles, 64u * 64 * 768 / 256 + 20);
}

TEST(VmacTiming, CyclesScaleWithVmacsUntilTheArrayIsFull) {
    // 128 x 128 x 768 at 16 lanes: 8 VMACs take twice the cycles of 16, 32 half of them.
    const auto p = params(128, 128, 768);
    const std::vector<uint8_t> z(128 * 48, 0);
    const auto c8 = ProcessingUnit::timing(config(16, 8), p, z, z).cycles;
    const auto c16 = ProcessingUnit::timing(config(16, 16), p, z, z).cycles;
    const auto c32 = ProcessingUnit::timing(config(16, 32), p, z, z).cycles;
    EXPECT_EQ(c8 - 4 - 8, 2 * (c16 - 4 - 16));
    EXPECT_EQ(c16 - 4 - 16, 2 * (c32 - 4 - 64));
}

TEST(VmacTiming, SparseMasksAndEdgeTilesEqualABruteForceCount) {
    Rng rng(1313);
    for (int L : {8, 16, 32, 64})
        for (int V : {8, 16, 32})
            for (double p0 : {0.0, 0.3, 0.8}) {
                const auto c = config(L, V);
                // N0 and N1 not multiples of R and V where they can be (edge tiles count their rows).
                const int n0 = 5 * L, n1 = 5 * L, m = 4 * L;
                const auto az = random_flags(rng, size_t(n0) * m / L, p0);
                const auto bz = random_flags(rng, size_t(n1) * m / L, p0);
                const auto t = ProcessingUnit::timing(c, params(n0, n1, m), az, bz);
                EXPECT_EQ(t.cycles, brute_force_cycles(c, n0, n1, m, az, bz))
                    << "lanes " << L << " vmacs " << V << " zero fraction " << p0;
                EXPECT_EQ(t.vector_ops + t.gated_vector_ops, uint64_t(n0) * n1 * m / L);
            }
}

class DatapathKnobs : public edgebert::test::ScTest {};

TEST_F(DatapathKnobs, EveryLaneCountAndVmacCountEqualsTheFunctionalModel) {
    Rng rng(77);
    for (int L : {8, 16, 32, 64})
        for (int V : {8, 16, 32}) {
            const auto cfg = config(L, V);
            const int n0 = 2 * L, n1 = 64 >= L ? 64 : L, m = 256;
            const auto p = params(n0, n1, m);
            const auto a = random_codes(rng, size_t(n0) * m, 0.5, 0x7F), b = random_codes(rng, size_t(n1) * m, 0.5, 0x7F);
            const auto r = run_matmul(cfg, a, b, p);
            const std::string what = "lanes " + std::to_string(L) + " vmacs " + std::to_string(V);
            EXPECT_EQ(r.out, fn::matmul(cfg, a.data(), b.data(), p)) << what;
            EXPECT_EQ(r.rec.cycles, ProcessingUnit::timing(cfg, p, zero_flags(a, L), zero_flags(b, L)).cycles) << what;
        }
}

TEST_F(DatapathKnobs, ANarrowAccumulatorSaturatesOnTheTileAsInTheModel) {
    // Dense operands of large codes: 256 products of ~2^7 x 2^7 x 2^14 LSBs overflow 24 bits.
    auto cfg = config(16, 16);
    cfg.accum_bits = 24;
    Rng rng(5);
    const auto p = params(16, 16, 256);
    std::vector<uint8_t> a(16 * 256), b(16 * 256);
    for (auto* v : {&a, &b})
        for (auto& x : *v) x = static_cast<uint8_t>(rng.uniform_int(0x70, 0x7F));  // positive, top exponents
    const auto r = run_matmul(cfg, a, b, p);
    EXPECT_EQ(r.out, fn::matmul(cfg, a.data(), b.data(), p));
    auto wide = cfg;
    wide.accum_bits = 40;
    EXPECT_NE(r.out, fn::matmul(wide, a.data(), b.data(), p)) << "24 bits should saturate";
}

// One operand DMA'd in: its two transfers' cycles (mask words, then value rows).
uint64_t dma_cycles(const EdgebertTileConfig& cfg, const TestbenchMemory& mem, const std::vector<uint8_t>& codes) {
    edgebert::test::ScTest::fresh_context();
    TileTestbench tb("tb", cfg, mem);
    uint64_t cycles = 0;
    tb.run([&] {
        const auto op = tb.put_operand(kDram, codes);
        expect_ok(tb.load_operand(0, op, 0, 0));
        for (const auto& rec : tb.tile.control.log())
            cycles += static_cast<uint64_t>((rec.finished - rec.started) / tb.period());
    });
    return cycles;
}

TEST_F(DatapathKnobs, AxiWidthAndBurstLengthSetTheDmaCycles) {
    // Dense 256 x 256 codes: 8 KiB of mask words, 64 KiB of values, from a memory
    // that delivers 16 bytes per tile cycle (faster than a 64-bit port).
    TestbenchMemory fast;
    fast.bytes_per_cycle = 16;
    Rng rng(9);
    const auto codes = random_codes(rng, 256 * 256, 0.0, 0x7F);
    auto cfg = config(16, 16);
    const auto at = [&](int bits, int beats) {
        auto c = cfg;
        c.axi_data_bits = bits;
        c.max_burst_beats = beats;
        return dma_cycles(c, fast, codes);
    };
    const uint64_t b32 = at(32, 256), b64 = at(64, 256), b128 = at(128, 256), short_bursts = at(64, 16);
    std::printf("DMA cycles: 32 bits %llu, 64 bits %llu, 128 bits %llu, 64 bits x 16 beats %llu\n", (unsigned long long)b32,
                (unsigned long long)b64, (unsigned long long)b128, (unsigned long long)short_bursts);
    // 72 KiB: at 32 bits the port binds (4 bytes a cycle); at 64, 8 bytes; at 128 the memory's 16 does.
    const uint64_t bytes = 256 * 256 + 256 * 256 / 16 * 2;
    EXPECT_GE(b32, bytes / 4);
    EXPECT_GE(b64, bytes / 8);
    EXPECT_LT(b64, b32);
    EXPECT_LT(b128, b64);
    EXPECT_GE(b128, bytes / 16);
    // Bursts of 16 beats: 8x the bursts, each with its overhead and latency.
    EXPECT_GT(short_bursts, b64 + (bytes / 128 - bytes / 2048) * uint64_t(cfg.timing.axi_burst_overhead_cycles));
}

TEST_F(DatapathKnobs, TheTileClockSetsTheTimeACommandTakes) {
    Rng rng(3);
    const auto p = params(64, 64, 256);
    const auto a = random_codes(rng, 64 * 256, 0.3, 0x7F), b = random_codes(rng, 64 * 256, 0.3, 0x7F);
    auto cfg = config(16, 16);
    const auto fast = run_matmul(cfg, a, b, p);
    cfg.adpll.initial_mhz = 500;
    const auto slow = run_matmul(cfg, a, b, p);
    EXPECT_EQ(fast.out, slow.out);
    EXPECT_EQ(fast.rec.cycles, slow.rec.cycles);
    EXPECT_EQ(slow.period, fast.period * 2.0);
    EXPECT_EQ(slow.rec.finished - slow.rec.started, slow.period * static_cast<double>(slow.rec.cycles));
}

namespace {
EdgebertTileConfig parse(const std::string& json) {
    const auto v = parse_json_text(json, "soc.json");
    return parse_edgebert_tile_config(JsonReader(v, "soc.json", "edgebert"));
}
std::string error_of(const std::string& json) {
    try {
        parse(json);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}
}  // namespace

TEST(DatapathConfig, LanesFormatsAndTheirBiasWindows) {
    EXPECT_EQ(parse(R"({"lanes": 64})").lanes, 64);
    EXPECT_EQ(parse(R"({"lanes": 64})").mask_word_bytes(), 8);
    EXPECT_NE(error_of(R"({"lanes": 128})").find("'edgebert.lanes' = 128 must be 8, 16, 32 or 64"), std::string::npos);
    // 4 to 8 bits, 2 to 4 exponent bits, at least one mantissa bit.
    for (auto [bits, exp] : {std::pair{4, 2}, {5, 3}, {6, 2}, {6, 3}, {7, 4}, {8, 2}, {8, 4}}) {
        const auto c = parse(fmt::format(R"({{"act_total_bits": {}, "act_exp_bits": {}}})", bits, exp));
        EXPECT_EQ(c.act_format.total_bits, bits);
        EXPECT_NO_THROW(fn::check_sfu_operand_format(c)) << bits << "," << exp;
    }
    EXPECT_NE(error_of(R"({"act_total_bits": 3, "act_exp_bits": 1})").find("act_total_bits"), std::string::npos);
    EXPECT_NE(error_of(R"({"act_total_bits": 8, "act_exp_bits": 5})").find("'edgebert.act_exp_bits' = 5"),
              std::string::npos);
    EXPECT_NE(error_of(R"({"act_total_bits": 4, "act_exp_bits": 3})").find("edgebert.act_"), std::string::npos);
    // The published window where it holds; AF<8,4>'s 16 binades move it down.
    EXPECT_EQ(parse("{}").bias_range.min, -10);
    EXPECT_EQ(parse(R"({"act_total_bits": 6, "act_exp_bits": 3})").bias_range.max, -3);
    const auto w84 = parse(R"({"act_total_bits": 8, "act_exp_bits": 4})").bias_range;
    EXPECT_EQ(w84.min, -13);
    EXPECT_EQ(w84.max, -10);
    // An explicit window the SFU cannot hold, or wider than the 3-bit fields, is refused naming the fields.
    EXPECT_NE(error_of(R"({"act_total_bits": 8, "act_exp_bits": 4, "bias_min": -10, "bias_max": -3})")
                  .find("'edgebert.bias_min' / bias_max"),
              std::string::npos);
    EXPECT_NE(error_of(R"({"bias_min": -12, "bias_max": -3})").find("'edgebert.bias_max'"), std::string::npos);
}
