// The inputs users have (issue #14): an attention mask with padding, token type
// ids and the model's hidden_act, through the compiled CPU and systolic targets:
// the same semantics as the FP32 reference, the same bits on the timed SoC and on
// the functional platform, and clear refusals where a target does not take them.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "common/error.hpp"
#include "compiler/lower/lowering.hpp"
#include "sim/functional/functional_platform.hpp"
#include "sim/run/soc_runner.hpp"

using namespace edgebert;

namespace {

constexpr int kSeq = 32, kKept = 22;

model::AlbertConfig tiny_config() {
    return model::load_albert_config(std::string(EDGEBERT_SOURCE_DIR) + "/configs/models/albert-tiny-test.json");
}

hw::SocConfig soc_config() {
    return hw::load_soc_config(std::string(EDGEBERT_SOURCE_DIR) + "/configs/soc/default.json");
}

// 32 tokens: [CLS] segment A, segment B [SEP], then 10 padding tokens (id 0, type 0).
model::ModelInput padded_input(const model::AlbertConfig& c) {
    model::ModelInput in = model::synthetic_input(c, kKept, 7);
    in.token_ids.resize(kSeq, 0);
    in.attention_mask.assign(kSeq, 0);
    in.token_type_ids.assign(kSeq, 0);
    for (int i = 0; i < kKept; ++i) {
        in.attention_mask[size_t(i)] = 1;
        in.token_type_ids[size_t(i)] = i >= 12 ? 1 : 0;
    }
    return in;
}

struct Case {
    model::AlbertConfig cfg;
    model::AlbertWeights w;
    model::ModelInput in;
    std::map<std::string, float> act_max;
    model::ReferenceResult ref;
};

Case make_case(const model::AlbertConfig& cfg, const model::ModelInput& in, int layers) {
    Case k{cfg, model::synthetic_albert_weights(cfg, 3), in, {}, {}};
    model::ReferenceOptions o;
    o.layers = layers;
    o.act_max = &k.act_max;
    k.ref = model::run_reference(k.cfg, k.w, k.in, o);
    return k;
}

compiler::CompiledModel compile(const Case& k, compiler::Target t, int layers, const hw::SocConfig& soc,
                                bool offramps = false) {
    compiler::CompileOptions o;
    o.target = t;
    o.layers = layers;
    o.offramps = offramps;
    return compiler::compile_model(k.cfg, k.w, k.in, soc, o, k.act_max);
}

double cosine(const std::vector<float>& a, const std::vector<float>& b) {
    double d = 0, x = 0, y = 0;
    for (size_t i = 0; i < a.size() && i < b.size(); ++i)
        d += double(a[i]) * b[i], x += double(a[i]) * a[i], y += double(b[i]) * b[i];
    return d / std::sqrt(x * y);
}

double max_abs_diff(const std::vector<float>& a, const std::vector<float>& b, size_t n) {
    double m = 0;
    for (size_t i = 0; i < n; ++i) m = std::max(m, std::fabs(double(a[i]) - b[i]));
    return m;
}

// The host instructions of kernel `k`.
std::vector<eb_instr> host_ops(const compiler::CompiledModel& m, eb_host_kernel k) {
    std::vector<eb_instr> out;
    for (const auto& in : m.program.instrs)
        if (in.op == EB_OP_HOST && in.sub == k) out.push_back(in);
    return out;
}

}  // namespace

TEST(ModelInputs, PaddingAndTokenTypesOnCpuAndSystolicMatchTheReferenceAndTheFunctionalModel) {
    const auto cfg = tiny_config();
    const auto soc = soc_config();
    const Case padded = make_case(cfg, padded_input(cfg), 2);
    model::ModelInput plain_in = padded.in;
    plain_in.attention_mask.clear();
    plain_in.token_type_ids.clear();
    const Case plain = make_case(cfg, plain_in, 2);
    // The calibration of the scores is the products' range, not the mask's -FLT_MAX.
    EXPECT_LT(padded.act_max.at("L0.scores"), 1e3f);
    EXPECT_GT(padded.act_max.at("L0.scores"), 0.0f);
    for (auto t : {compiler::Target::Cpu, compiler::Target::Systolic}) {
        const char* name = compiler::target_name(t);
        const auto m = compile(padded, t, 2, soc, /*offramps=*/true);
        // Every softmax takes the key mask; the embedding the token type ids.
        const auto softmaxes = host_ops(m, EB_H_SOFTMAX);
        ASSERT_FALSE(softmaxes.empty()) << name;
        for (const auto& s : softmaxes) {
            ASSERT_GE(s.a[2], 1u) << name;
            const eb_tensor& mask = m.program.tensors.at(s.a[2] - 1);
            EXPECT_EQ(mask.format, EB_FMT_F32);
            EXPECT_EQ(mask.cols, uint32_t(kSeq));
        }
        const auto embeds = host_ops(m, EB_H_EMBED);
        ASSERT_EQ(embeds.size(), 1u);
        EXPECT_EQ(m.program.tensors.at(embeds[0].a[3]).rows, 2u) << "type rows 0 and 1";

        // The timed SoC and the functional platform: the same bits.
        const auto timed = sim::run_on_soc(soc, m, name);
        sim::FunctionalPlatform fp(soc);
        const auto fn = fp.run(m);
        EXPECT_FALSE(timed.output_bytes.empty());
        EXPECT_EQ(timed.output_bytes, fn.output_bytes) << name;
        EXPECT_EQ(timed.hidden, fn.hidden) << name;
        EXPECT_EQ(timed.logits, fn.logits) << name;
        EXPECT_EQ(timed.entropies, fn.entropies) << name;

        // Accuracy against the reference over every row (HF computes the padded rows
        // too), as good with padding as without.
        const double cos_pad = cosine(timed.hidden, padded.ref.last_hidden.data);
        const auto unpadded = sim::run_on_soc(soc, compile(plain, t, 2, soc), name);
        const double cos_plain = cosine(unpadded.hidden, plain.ref.last_hidden.data);
        std::printf("%s: hidden-state cosine vs FP32, padding + token types %.6f, plain %.6f\n", name, cos_pad,
                    cos_plain);
        EXPECT_GE(cos_pad, t == compiler::Target::Cpu ? 0.99999 : 0.99) << name;
        EXPECT_GE(cos_pad, cos_plain - 0.002) << name;
        ASSERT_EQ(timed.logits.size(), padded.ref.logits.size());
        for (size_t i = 0; i < timed.logits.size(); ++i)
            EXPECT_NEAR(timed.logits[i], padded.ref.logits[i], t == compiler::Target::Cpu ? 1e-5 : 5e-3) << name;
        // The inputs matter: the padded, typed sequence is not the plain one.
        EXPECT_NE(timed.hidden, unpadded.hidden) << name;
    }
}

TEST(ModelInputs, PaddedKeysAreInvisibleToTheKeptTokensOnTheCpuTarget) {
    // HF semantics: the kept tokens' states with 10 padded keys equal those of the
    // 22-token prefix alone (the CPU target computes in FP32: equal up to rounding).
    const auto cfg = tiny_config();
    const auto soc = soc_config();
    const Case padded = make_case(cfg, padded_input(cfg), 2);
    model::ModelInput prefix_in = padded.in;
    prefix_in.token_ids.resize(kKept);
    prefix_in.token_type_ids.resize(kKept);
    prefix_in.attention_mask.clear();
    const Case prefix = make_case(cfg, prefix_in, 2);
    sim::FunctionalPlatform fa(soc), fb(soc);
    const auto a = fa.run(compile(padded, compiler::Target::Cpu, 2, soc));
    const auto b = fb.run(compile(prefix, compiler::Target::Cpu, 2, soc));
    const size_t kept = size_t(kKept) * size_t(cfg.hidden_size);
    EXPECT_LT(max_abs_diff(a.hidden, b.hidden, kept), 1e-4);
    for (size_t i = 0; i < a.logits.size(); ++i) EXPECT_NEAR(a.logits[i], b.logits[i], 1e-5);
    // Without the mask the padding tokens are attended to and the states change.
    Case unmasked = padded;
    unmasked.in.attention_mask.clear();
    unmasked = make_case(cfg, unmasked.in, 2);
    sim::FunctionalPlatform fc(soc);
    const auto c = fc.run(compile(unmasked, compiler::Target::Cpu, 2, soc));
    EXPECT_GT(max_abs_diff(c.hidden, b.hidden, kept), 1e-3);
}

TEST(ModelInputs, TokenTypeIdsSelectTheirEmbeddingRowPerToken) {
    const auto cfg = tiny_config();
    const auto soc = soc_config();
    model::ModelInput in = model::synthetic_input(cfg, kSeq, 5);
    const Case none = make_case(cfg, in, 1);
    in.token_type_ids.assign(kSeq, 0);
    const Case zeros = make_case(cfg, in, 1);
    for (int i = kSeq / 2; i < kSeq; ++i) in.token_type_ids[size_t(i)] = 1;
    const Case halves = make_case(cfg, in, 1);
    for (auto t : {compiler::Target::Cpu, compiler::Target::Systolic}) {
        sim::FunctionalPlatform f0(soc), f1(soc), f2(soc);
        const auto a = f0.run(compile(none, t, 1, soc)), b = f1.run(compile(zeros, t, 1, soc));
        const auto c = f2.run(compile(halves, t, 1, soc));
        EXPECT_EQ(a.output_bytes, b.output_bytes) << "all-zero token types are the default";
        EXPECT_NE(a.hidden, c.hidden);
        EXPECT_GE(cosine(c.hidden, halves.ref.last_hidden.data), t == compiler::Target::Cpu ? 0.99999 : 0.99)
            << compiler::target_name(t);
        EXPECT_LT(cosine(c.hidden, none.ref.last_hidden.data), cosine(c.hidden, halves.ref.last_hidden.data))
            << compiler::target_name(t) << ": closer to the reference with the same token types";
    }
}

TEST(ModelInputs, ThesisModeRefusesPaddingNamingItAndEdgebertMasksKeysOnTheTile) {
    const auto cfg = tiny_config();
    const auto soc = soc_config();
    const Case padded = make_case(cfg, padded_input(cfg), 1);
    // The EdgeBERT tile adds the key mask to the scores before its softmax
    // (tests/unit/compiler/test_edgebert_resident.cpp runs it).
    bool masked = false;
    for (const auto& in : compile(padded, compiler::Target::Edgebert, 1, soc).program.notes)
        masked = masked || in.find("scores + key mask") != std::string::npos;
    EXPECT_TRUE(masked) << "the edgebert program adds no key mask";
    compiler::CompileOptions o;
    o.target = compiler::Target::Cpu;
    o.mode = compiler::Mode::Thesis;
    o.thesis_input = padded.ref.embedding_output.data;
    try {
        compiler::compile_model(padded.cfg, padded.w, padded.in, soc, o, padded.act_max);
        ADD_FAILURE() << "thesis mode accepted padding";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("no attention mask"), std::string::npos) << e.what();
    }
    // An all-ones mask is no padding: every target compiles it, without a mask tensor.
    Case ones = padded;
    ones.in.attention_mask.assign(kSeq, 1);
    ones = make_case(cfg, ones.in, 1);
    EXPECT_NO_THROW(compile(ones, compiler::Target::Edgebert, 1, soc));
    for (const auto& s : host_ops(compile(ones, compiler::Target::Cpu, 1, soc), EB_H_SOFTMAX)) EXPECT_EQ(s.a[2], 0u);
    // Mask values other than 0 / 1 are refused.
    ones.in.attention_mask[3] = 2;
    EXPECT_THROW(model::validate_input(cfg, ones.in), ShapeError);
}

TEST(ModelInputs, HiddenActSelectsTheActivationOfTheCompiledTargets) {
    // gelu (erf), relu and the tanh approximation (gelu_new, gelu_pytorch_tanh,
    // gelu_fast): the CPU target computes the named function, as the reference does.
    const auto soc = soc_config();
    for (auto act : {model::Activation::Gelu, model::Activation::Relu, model::Activation::GeluNew}) {
        auto cfg = tiny_config();
        cfg.hidden_act = act;
        const Case k = make_case(cfg, model::synthetic_input(cfg, kSeq, 9), 1);
        const auto m = compile(k, compiler::Target::Cpu, 1, soc);
        const auto gelus = host_ops(m, EB_H_GELU);
        ASSERT_EQ(gelus.size(), 1u);
        const uint64_t want = act == model::Activation::Gelu   ? EB_ACT_GELU_ERF
                              : act == model::Activation::Relu ? EB_ACT_RELU
                                                               : EB_ACT_GELU_TANH;
        EXPECT_EQ(gelus[0].a[1], want) << model::activation_name(act);
        sim::FunctionalPlatform f(soc);
        const auto r = f.run(m);
        EXPECT_GE(cosine(r.hidden, k.ref.last_hidden.data), 0.99999) << model::activation_name(act);
        EXPECT_LT(max_abs_diff(r.hidden, k.ref.last_hidden.data, r.hidden.size()), 1e-3) << model::activation_name(act);
    }
}
