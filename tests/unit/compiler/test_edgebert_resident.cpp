// The EdgeBERT target's tile-resident optimized flow (compiler/lower/lower_edgebert*.cpp):
// the SoC equals the functional platform bit for bit at every sequence length,
// with and without the SFU lookup table, dense results and padding; the
// hardware extensions change cycles, not codes; the activation's code map is
// quantize(act(dequantize(code))); accuracy against FP32 on albert-base.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "compiler/lower/lowering.hpp"
#include "hw/formats/adaptivfloat.hpp"
#include "hw/formats/pruning.hpp"
#include "sim/functional/functional_platform.hpp"
#include "sim/run/soc_runner.hpp"
#include "tests/unit/compiler/workload_setup.hpp"

using namespace edgebert;

namespace {

using Setup = test::Workload;
using test::cosine;

// `padded` trailing tokens are padding (attention_mask 0).
Setup make(const std::string& model, int seq, int layers, int padded, double prune = 0.0) {
    return test::make_workload(model, seq, layers, padded, prune);
}

compiler::CompiledModel compile(const Setup& s, const hw::SocConfig& soc, int layers) {
    return test::compile_edgebert(s, soc, layers);
}

}  // namespace

TEST(EdgebertResident, SocEqualsTheFunctionalPlatformAtEverySequenceLengthAndExtension) {
    for (int seq : {16, 48, 64}) {
        for (int padded : {0, 5}) {
            const auto s = make("albert-tiny-test", seq, 2, padded);
            std::vector<uint8_t> first;
            for (bool lut : {false, true}) {
                for (bool dense : {false, true}) {
                    hw::SocConfig soc = s.soc;
                    soc.edgebert.sfu_lut = lut;
                    soc.edgebert.dense_results = dense;
                    const std::string what = "seq " + std::to_string(seq) + " padded " + std::to_string(padded) +
                                             (lut ? " lut" : "") + (dense ? " dense" : "");
                    const auto m = compile(s, soc, 2);
                    const auto timed = sim::run_on_soc(soc, m, "edgebert");
                    sim::FunctionalPlatform fp(soc);
                    const auto fn = fp.run(m);
                    ASSERT_FALSE(timed.output_bytes.empty()) << what;
                    EXPECT_EQ(timed.output_bytes, fn.output_bytes) << what;
                    EXPECT_EQ(timed.logits, fn.logits) << what;
                    EXPECT_EQ(timed.entropies, fn.entropies) << what;
                    EXPECT_EQ(timed.edgebert_commands, fn.edgebert_commands) << what;
                    // The table and the dense streams are the same codes by other means.
                    if (first.empty()) first = timed.output_bytes;
                    EXPECT_EQ(timed.output_bytes, first) << what << ": the extensions changed the result";
                    EXPECT_GT(cosine(timed.hidden, s.ref.last_hidden.data), 0.98) << what;
                }
            }
        }
    }
}

TEST(EdgebertResident, HalfPaddedInputMatchesTheMaskedReference) {
    // Half the keys padded: the kept rows follow the reference, whose padded keys
    // get exactly zero probability (an additive finfo.min).
    const auto padded = make("albert-tiny-test", 32, 1, 16);
    const auto m = compile(padded, padded.soc, 1);
    const auto r = sim::run_on_soc(padded.soc, m, "edgebert");
    const int H = padded.cfg.hidden_size;
    std::vector<float> kept(r.hidden.begin(), r.hidden.begin() + 16 * H);
    std::vector<float> ref(padded.ref.last_hidden.data.begin(),
                           padded.ref.last_hidden.data.begin() + 16 * H);
    EXPECT_GT(cosine(kept, ref), 0.98);
    // And the mask is what makes it so: the tile's rows are closer to the masked
    // reference than to the same tokens attended without the mask (on this tiny
    // model the two references are close, so the comparison is strict, not by a margin).
    model::ModelInput unmasked = padded.in;
    unmasked.attention_mask.clear();
    model::ReferenceOptions o;
    o.layers = 1;
    const auto open = model::run_reference(padded.cfg, padded.w, unmasked, o);
    const std::vector<float> open_ref(open.last_hidden.data.begin(), open.last_hidden.data.begin() + 16 * H);
    EXPECT_GT(cosine(kept, ref), cosine(kept, open_ref)) << "the padded keys were attended to";
}

TEST(EdgebertResident, ActivationCodeMapIsQuantizeActDequantize) {
    // Independent of the compiler's table: the GELU (tanh form) of every code's
    // value, quantized at the output bias, for several pairs of biases; read
    // from the program the compiler writes (the splice's table with the LUT off,
    // the aux image with it on).
    const auto s = make("albert-tiny-test", 16, 1, 0);
    const auto m = compile(s, s.soc, 1);
    int tables = 0;
    for (size_t t = 0; t < m.program.tensors.size(); ++t) {
        const std::string& name = m.program.tensor_names[t];
        int in_bias = 0, out_bias = 0;
        if (std::sscanf(name.c_str(), "gelu_new_codes_%d_%d", &in_bias, &out_bias) != 2) continue;
        const auto& tensor = m.program.tensors[t];
        const std::vector<uint8_t>* bytes = nullptr;
        for (const auto& img : m.program.image)
            if (img.addr == tensor.addr) bytes = &img.bytes;
        ASSERT_NE(bytes, nullptr) << name;
        ASSERT_EQ(bytes->size(), 256u) << name;
        const num::AdaptivFloatFormat f{8, 3};
        for (int c = 0; c < 256; ++c) {
            const double x = num::af_decode(uint8_t(c), f, in_bias);
            const double g = 0.5 * x * (1.0 + std::tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)));
            EXPECT_EQ((*bytes)[size_t(c)], num::af_encode(static_cast<float>(g), f, out_bias))
                << name << " code " << c;
        }
        ++tables;
    }
    EXPECT_GT(tables, 0) << "the program without the SFU table maps the activation in the splice";
}

TEST(EdgebertResident, AlbertBaseEqualsTheFunctionalPlatformAndFp32From128To512Tokens) {
    // 128 and 512 tokens without padding (cosine >= 0.99 to FP32, 50 % pruned);
    // 144 and 256 with padding; the extensions off and on.
    for (auto [seq, padded] : {std::pair{128, 0}, {144, 9}, {256, 40}, {512, 0}}) {
        const auto s = make("albert-base-v2", seq, 1, padded, 0.5);
        for (bool ext : {false, true}) {
            hw::SocConfig soc = s.soc;
            soc.edgebert.sfu_lut = ext;
            soc.edgebert.dense_results = ext;
            const std::string what = std::to_string(seq) + " tokens, " + std::to_string(padded) + " padded" +
                                     (ext ? ", LUT and dense results" : "");
            const auto m = compile(s, soc, 1);
            const auto r = sim::run_on_soc(soc, m, "edgebert");
            sim::FunctionalPlatform fp(soc);
            const auto fn = fp.run(m);
            EXPECT_EQ(r.output_bytes, fn.output_bytes) << what;
            EXPECT_EQ(r.logits, fn.logits) << what;
            EXPECT_GE(cosine(r.hidden, s.ref.last_hidden.data), padded ? 0.98 : 0.99) << what;
        }
    }
}
