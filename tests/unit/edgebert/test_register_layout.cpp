// The extended register layout (hw/edgebert/register_layout.hpp): which
// configurations get it, the limits that follow it, the refusals outside the
// SRAM depths' range, and the round trip of random field values through the
// runtime driver (runtime/src/eb_edgebert.c, which writes with the generated
// header's EB_F_* / EB_FX_* macros) back to the fields hw/edgebert decodes. The
// published layout is unchanged: a driver programming values that fit it writes
// the same words on either layout.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "common/json_reader.hpp"
#include "common/rng.hpp"
#include "eb_edgebert.h"
#include "eb_edgebert_regs.h"
#include "hw/edgebert/command_check.hpp"
#include "hw/edgebert/register_layout.hpp"
#include "hw/edgebert/tile_config.hpp"
#include "hw/soc/hal_backend.hpp"

using namespace edgebert;
using namespace edgebert::hw;
using regs::RegisterLayout;

namespace {

constexpr uint64_t kBase = 0x60010000ull;

EdgebertTileConfig parse(const std::string& json) {
    const auto v = parse_json_text(json, "test.json");
    return parse_edgebert_tile_config(JsonReader(v, "test.json", "edgebert"));
}

void expect_error(const std::string& json, const std::string& needle) {
    try {
        parse(json);
        ADD_FAILURE() << json << " was accepted";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
}

// Records the driver's register writes; at every command write it keeps the
// register file as the tile decodes it, then clears the extension registers as
// the tile does.
class RegisterCapture : public HalBackend {
public:
    std::vector<std::pair<uint32_t, uint32_t>> writes;  // (offset, value)
    std::vector<std::pair<uint32_t, RegisterFile>> commands;
    RegisterFile regs{};

    uint32_t read32(uint64_t addr) override { return regs.at(offset(addr) / 4); }
    void write32(uint64_t addr, uint32_t v) override {
        const uint32_t off = offset(addr);
        writes.emplace_back(off, v);
        regs.at(off / 4) = v;
        if (off == regs::kCommand) {
            commands.emplace_back(v, regs);
            clear_extension_registers(regs);
        }
    }
    uint64_t read64(uint64_t) override { return 0; }
    void write64(uint64_t, uint64_t) override {}
    void wait_for_interrupt() override {}
    uint64_t cycles() override { return 0; }
    void copy_to_dev(uint64_t, const void*, size_t) override {}
    void copy_from_dev(void*, uint64_t, size_t) override {}
    void charge(eb_cost_t, uint64_t) override {}
    void region(uint32_t, uint32_t, const char*) override {}
    void wait_category(int) override {}
    void category_override(int) override {}
    void* map(uint64_t, size_t) override { return nullptr; }
    void unmap(void*, uint64_t, size_t, int) override {}

private:
    static uint32_t offset(uint64_t addr) {
        EXPECT_GE(addr, kBase);
        return static_cast<uint32_t>(addr - kBase);
    }
};

eb_platform platform(RegisterLayout l) {
    eb_platform p{};
    p.edgebert_base = kBase;
    p.lanes = 16;
    p.register_layout = l == RegisterLayout::Extended ? EB_LAYOUT_EXTENDED : EB_LAYOUT_PUBLISHED;
    return p;
}

uint32_t pick(Rng& rng, RegisterLayout l, const char* field) {
    return static_cast<uint32_t>(rng.uniform_int(0, static_cast<int64_t>(regs::field_max(l, field))));
}

uint32_t field(RegisterLayout l, const RegisterFile& r, const char* name) { return regs::decode_field(l, r.data(), name); }

// The fields a matmul, an SFU command and the DMAs program, random within the layout's widths,
// through the driver; every value decodes back from the register file the command saw.
void round_trip(RegisterLayout l, Rng& rng, RegisterCapture& cap) {
    const eb_platform p = platform(l);
    eb_matmul_desc m{};
    m.n0 = pick(rng, l, "n0"), m.n1 = pick(rng, l, "n1"), m.m = pick(rng, l, "m");
    m.a_mask = pick(rng, l, "base_mask0"), m.a_input = pick(rng, l, "base_input0");
    m.b_mask = pick(rng, l, "base_mask1"), m.b_input = pick(rng, l, "base_input1");
    m.out_dec = pick(rng, l, "flip_mem"), m.out_mask = pick(rng, l, "base_output_mask");
    m.out_input = pick(rng, l, "base_output");
    m.a_bias = pick(rng, l, "bias_act1"), m.b_bias = pick(rng, l, "bias_act2"), m.out_bias = pick(rng, l, "accum_bias");
    m.shift = pick(rng, l, "accum_shift");
    eb_matmul_start(&p, &m);
    ASSERT_FALSE(cap.commands.empty());
    const RegisterFile& mr = cap.commands.back().second;
    EXPECT_EQ(cap.commands.back().first, regs::kCmdMatmul);
    for (auto [name, v] : {std::pair{"n0", m.n0}, {"n1", m.n1}, {"m", m.m}, {"base_mask0", m.a_mask},
                           {"base_input0", m.a_input}, {"base_mask1", m.b_mask}, {"base_input1", m.b_input},
                           {"flip_mem", m.out_dec}, {"base_output_mask", m.out_mask}, {"base_output", m.out_input},
                           {"bias_act1", m.a_bias}, {"bias_act2", m.b_bias}, {"accum_bias", m.out_bias},
                           {"accum_shift", m.shift}})
        EXPECT_EQ(field(l, mr, name), v) << regs::register_layout_name(l) << " matmul " << name;

    eb_sfu_desc s{};
    s.op = EB_SFU_LAYER_NORM;
    s.num_vector = pick(rng, l, "num_vector"), s.num_timestep = pick(rng, l, "num_timestep");
    s.x_mask = pick(rng, l, "base_mask0"), s.x_input = pick(rng, l, "base_input0");
    s.y_mask = pick(rng, l, "base_mask1"), s.y_input = pick(rng, l, "base_input1");
    s.out_dec = pick(rng, l, "flip_mem"), s.out_mask = pick(rng, l, "base_output_mask");
    s.out_input = pick(rng, l, "base_output");
    s.gamma_row = pick(rng, l, "base_gamma"), s.beta_row = pick(rng, l, "base_beta");
    s.span_row = pick(rng, l, "base_attn_span");
    eb_sfu_start(&p, &s);
    const RegisterFile& sr = cap.commands.back().second;
    EXPECT_EQ(cap.commands.back().first, regs::kCmdLayerNorm);
    for (auto [name, v] : {std::pair{"num_vector", s.num_vector}, {"num_timestep", s.num_timestep},
                           {"base_mask0", s.x_mask}, {"base_input0", s.x_input}, {"base_mask1", s.y_mask},
                           {"base_input1", s.y_input}, {"base_output_mask", s.out_mask}, {"base_output", s.out_input},
                           {"base_gamma", s.gamma_row}, {"base_beta", s.beta_row}, {"base_attn_span", s.span_row}})
        EXPECT_EQ(field(l, sr, name), v) << regs::register_layout_name(l) << " sfu " << name;

    // DMAs: reads land at the decoder's base, write-outs read from the output bases.
    for (eb_sram_t sram : {EB_SRAM_MASK, EB_SRAM_INPUT, EB_SRAM_AUX})
        for (int to_sram : {1, 0})
            for (int dec : {0, 1}) {
                const bool aux = sram == EB_SRAM_AUX;
                const uint32_t row = pick(rng, l, aux ? "aux_dma_base" : "base_output");
                const uint32_t rows = pick(rng, l, aux ? "aux_dma_length" : "dma_length") + 1;
                eb_dma_start(&p, sram, to_sram, dec, row, 0x80000000ull, rows);
                const RegisterFile& dr = cap.commands.back().second;
                EXPECT_EQ(field(l, dr, aux ? "aux_dma_length" : "dma_length"), rows - 1);
                const char* base = aux               ? "aux_dma_base"
                                   : to_sram         ? (sram == EB_SRAM_MASK ? (dec ? "base_mask1" : "base_mask0")
                                                                             : (dec ? "base_input1" : "base_input0"))
                                   : sram == EB_SRAM_MASK ? "base_output_mask"
                                                          : "base_output";
                EXPECT_EQ(field(l, dr, base), row) << regs::register_layout_name(l) << " DMA " << base;
                if (!aux) EXPECT_EQ(field(l, dr, "flip_mem"), uint32_t(dec));
            }
}

}  // namespace

TEST(RegisterLayout, ConfigurationsSelectTheirLayoutAndTheLimitsFollowIt) {
    const auto pub = parse("{}");
    EXPECT_EQ(pub.register_layout(), RegisterLayout::Published);
    EXPECT_EQ(pub.max_n, 1008);
    EXPECT_EQ(pub.max_m, 4080);
    EXPECT_EQ(pub.max_num_vector, 255);
    EXPECT_EQ(pub.max_num_timestep, 255);
    // 32 lanes: the largest multiples of 32 the published fields hold (not 1008).
    const auto l32 = parse(R"({"lanes": 32})");
    EXPECT_EQ(l32.register_layout(), RegisterLayout::Published);
    EXPECT_EQ(l32.max_n, 992);
    EXPECT_EQ(l32.max_m, 4064);
    const auto l8 = parse(R"({"lanes": 8})");
    EXPECT_EQ(l8.max_n, 1016);
    EXPECT_EQ(l8.max_m, 4088);
    for (const char* json : {R"({"input_sram_depth": 8192})", R"({"mask_sram_depth": 4097})",
                             R"({"aux_sram_depth": 257})", R"({"max_n": 1024})", R"({"max_m": 4096})"}) {
        const auto c = parse(json);
        EXPECT_EQ(c.register_layout(), RegisterLayout::Extended) << json;
    }
    // The extended layout's defaults: N0 / N1 14 bits, M 16 bits, num_timestep 16; num_vector
    // 12 bits, but at most the SFU's 8192-element rows (512 vectors of 16 lanes).
    const auto ext = parse(R"({"input_sram_depth": 65536, "mask_sram_depth": 65536})");
    EXPECT_EQ(ext.max_n, 16368);
    EXPECT_EQ(ext.max_m, 65520);
    EXPECT_EQ(ext.max_num_vector, 512);
    EXPECT_EQ(ext.max_num_timestep, 65535);
    EXPECT_EQ(parse(R"({"lanes": 8, "max_n": 2048})").max_num_vector, 1024);
    EXPECT_EQ(parse(R"({"lanes": 32})").max_num_vector, 255);
    // A limit given explicitly stays; the others follow the layout it selects.
    const auto n = parse(R"({"max_n": 2048})");
    EXPECT_EQ(n.max_n, 2048);
    EXPECT_EQ(n.max_m, 65520);
    // Programmatic configurations: default_limits() as the parser's defaults.
    EdgebertTileConfig c;
    c.lanes = 32;
    c.input_sram_depth = 16384;
    c.default_limits();
    EXPECT_EQ(c.register_layout(), RegisterLayout::Extended);
    EXPECT_EQ(c.max_n, 16352);
    EXPECT_EQ(c.max_m, 65504);
    EXPECT_NO_THROW(c.validate("test"));
    // The tile decodes the extension registers only in the extended layout.
    EXPECT_EQ(regs::window_bytes(RegisterLayout::Published), 0x80u);
    EXPECT_EQ(regs::window_bytes(RegisterLayout::Extended), 0x90u);
}

TEST(RegisterLayout, DepthsAndLimitsOutsideTheirRangesAreRefusedWithTheRange) {
    expect_error(R"({"input_sram_depth": 128})", "'edgebert.input_sram_depth' = 128 is out of range [256, 65536] rows");
    expect_error(R"({"input_sram_depth": 131072})", "'edgebert.input_sram_depth' = 131072 is out of range [256, 65536]");
    expect_error(R"({"mask_sram_depth": 128})", "'edgebert.mask_sram_depth' = 128 is out of range [256, 65536] rows");
    expect_error(R"({"mask_sram_depth": 131072})", "'edgebert.mask_sram_depth' = 131072 is out of range [256, 65536]");
    expect_error(R"({"aux_sram_depth": 8192})", "'edgebert.aux_sram_depth' = 8192 is out of range [16, 4096] rows");
    expect_error(R"({"max_n": 16384})", "'edgebert.max_n' = 16384 must be a multiple of lanes (16) in [16, 16383]");
    expect_error(R"({"max_m": 65536})", "'edgebert.max_m' = 65536 must be a multiple of lanes (16) in [16, 65535]");
    expect_error(R"({"lanes": 32, "max_n": 1008})", "'edgebert.max_n' = 1008 must be a multiple of lanes (32)");
    EdgebertTileConfig c;
    c.max_num_timestep = 65536;
    EXPECT_THROW(c.validate("test"), ConfigError);
    c.max_num_timestep = 255;
    c.max_num_vector = 0;
    try {
        c.validate("test");
        ADD_FAILURE() << "max_num_vector = 0 accepted";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("'edgebert.max_num_vector' = 0 is out of range [1, 4095]"),
                  std::string::npos)
            << e.what();
    }
}

TEST(RegisterLayout, EncodeAndDecodeAgreeForEveryFieldAndLayout) {
    Rng rng(13);
    for (RegisterLayout l : {RegisterLayout::Published, RegisterLayout::Extended})
        for (int i = 0; i < regs::kNumRegisterFields; ++i) {
            const char* name = regs::kRegisterFields[i].name;
            for (int k = 0; k < 20; ++k) {
                RegisterFile r{};
                for (auto& w : r) w = static_cast<uint32_t>(rng.uniform_int(0, 0xFFFFFFFFll));
                const uint32_t v = pick(rng, l, name);
                const RegisterFile before = r;
                regs::encode_field(l, r.data(), name, v);
                EXPECT_EQ(regs::decode_field(l, r.data(), name), v) << name;
                // The other fields keep their values.
                for (int j = 0; j < regs::kNumRegisterFields; ++j) {
                    const char* other = regs::kRegisterFields[j].name;
                    const auto& fo = regs::kRegisterFields[j];
                    const auto& fi = regs::kRegisterFields[i];
                    const bool overlaps = fo.offset == fi.offset && fo.lsb < fi.lsb + regs::field_width(l, name) &&
                                          fi.lsb < fo.lsb + regs::field_width(l, other);
                    if (j != i && !overlaps)
                        EXPECT_EQ(regs::decode_field(l, r.data(), other), regs::decode_field(l, before.data(), other))
                            << name << " changed " << other;
                }
            }
        }
    // Published: the extension registers are not decoded.
    RegisterFile r{};
    r[regs::kExtMatmulDims / 4] = 0xFFFFFFFFu;
    EXPECT_EQ(regs::decode_field(RegisterLayout::Published, r.data(), "n0"), 0u);
    EXPECT_EQ(regs::decode_field(RegisterLayout::Extended, r.data(), "n0"), 0xFu << 10);
}

TEST(RegisterLayout, RandomFieldValuesRoundTripThroughTheRuntimeDriver) {
    for (RegisterLayout l : {RegisterLayout::Published, RegisterLayout::Extended}) {
        RegisterCapture cap;
        HalScope scope(cap);
        Rng rng(l == RegisterLayout::Extended ? 2 : 1);
        for (int i = 0; i < 200; ++i) round_trip(l, rng, cap);
        if (l == RegisterLayout::Published)  // the published driver never leaves the published window
            for (auto [off, v] : cap.writes) EXPECT_LT(off, 0x80u);
    }
}

TEST(RegisterLayout, ValuesThatFitThePublishedFieldsCostTheSameWritesOnTheExtendedLayout) {
    // The same commands with published-width values on both layouts: identical (offset, value)
    // write sequences, so a program compiled for a published tile takes the same register writes
    // (and cycles) on a larger one.
    const auto P = RegisterLayout::Published;
    const eb_platform pp = platform(P), pe = platform(RegisterLayout::Extended);
    RegisterCapture pub, ext;
    Rng rng(5);
    for (int i = 0; i < 100; ++i) {
        eb_matmul_desc m{};
        m.n0 = pick(rng, P, "n0"), m.n1 = pick(rng, P, "n1"), m.m = pick(rng, P, "m");
        m.a_mask = pick(rng, P, "base_mask0"), m.b_input = pick(rng, P, "base_input1");
        m.out_mask = pick(rng, P, "base_output_mask"), m.out_input = pick(rng, P, "base_output");
        eb_sfu_desc s{};
        s.num_vector = pick(rng, P, "num_vector"), s.num_timestep = pick(rng, P, "num_timestep");
        s.gamma_row = pick(rng, P, "base_gamma"), s.span_row = pick(rng, P, "base_attn_span");
        s.out_mask = pick(rng, P, "base_output_mask");
        const uint32_t row = pick(rng, P, "base_output"), rows = pick(rng, P, "dma_length") + 1;
        const uint32_t aux_row = pick(rng, P, "aux_dma_base"), aux_rows = pick(rng, P, "aux_dma_length") + 1;
        for (const eb_platform* p : {&pp, &pe}) {
            HalScope scope(p == &pp ? pub : ext);
            eb_matmul_start(p, &m);
            eb_sfu_start(p, &s);
            eb_dma_start(p, EB_SRAM_MASK, 0, 1, row, 0x80000000ull, rows);
            eb_dma_start(p, EB_SRAM_INPUT, 1, 1, row, 0x80000000ull, rows);
            eb_dma_start(p, EB_SRAM_AUX, 1, 0, aux_row, 0x80000000ull, aux_rows);
        }
    }
    EXPECT_EQ(pub.commands.size(), 500u);
    EXPECT_EQ(pub.writes, ext.writes);
}

TEST(RegisterLayout, TheGeneratedHeaderMatchesTheTables) {
    // The runtime's macros (build/runtime/generated/eb_edgebert_regs.h) against hw/edgebert.
    EXPECT_EQ(EB_F_N0_WIDTH, 10u);
    EXPECT_EQ(EB_FX_N0_MASK, 0x3FFu);
    EXPECT_EQ(EB_FX_N0_HI_REG, regs::kExtMatmulDims);
    EXPECT_EQ(EB_FX_BASE_INPUT1_MASK, 0xFFFFu);
    EXPECT_EQ(EB_FX_BASE_OUTPUT_MASK_HI_REG, regs::kExtBaseOutput);
    Rng rng(3);
    for (int i = 0; i < 1000; ++i) {
        const uint32_t n0 = pick(rng, RegisterLayout::Extended, "n0"), m = pick(rng, RegisterLayout::Extended, "m");
        const uint32_t nt = pick(rng, RegisterLayout::Extended, "num_timestep");
        const uint32_t b1 = pick(rng, RegisterLayout::Extended, "base_input1");
        RegisterFile r{};
        r[regs::kMatmulDims / 4] = EB_XFIELD(N0, n0) | EB_XFIELD(M, m);
        r[EB_X_MATMUL_DIMS_REG / 4] = EB_XHI(N0, n0) | EB_XHI(M, m);
        r[regs::kSfuShape / 4] = EB_XFIELD(NUM_TIMESTEP, nt);
        r[EB_X_SFU_SHAPE_REG / 4] = EB_XHI(NUM_TIMESTEP, nt);
        r[regs::kBaseInput / 4] = EB_XFIELD(BASE_INPUT1, b1);
        EXPECT_EQ(field(RegisterLayout::Extended, r, "n0"), n0);
        EXPECT_EQ(field(RegisterLayout::Extended, r, "m"), m);
        EXPECT_EQ(field(RegisterLayout::Extended, r, "num_timestep"), nt);
        EXPECT_EQ(field(RegisterLayout::Extended, r, "base_input1"), b1);
    }
}
