// FP32 reference: building blocks against hand-checked values, and the whole
// tiny-model forward against an independent, straightforward loop implementation.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "common/error.hpp"
#include "compiler/model/reference.hpp"
#include "compiler/model/safetensors.hpp"

using namespace edgebert;
using namespace edgebert::model;

namespace {

AlbertConfig tiny() {
    return load_albert_config(std::string(EDGEBERT_SOURCE_DIR) + "/configs/models/albert-tiny-test.json");
}

// ---- Independent reference: plain loops, double accumulation, no shared code ----
using Mat = std::vector<std::vector<double>>;

Mat lin(const Mat& x, const Linear& l) {
    const size_t out = l.weight.dim(0), in = l.weight.dim(1);
    Mat y(x.size(), std::vector<double>(out));
    for (size_t r = 0; r < x.size(); ++r)
        for (size_t o = 0; o < out; ++o) {
            double s = l.bias.data[o];
            for (size_t i = 0; i < in; ++i) s += x[r][i] * l.weight.data[o * in + i];
            y[r][o] = s;
        }
    return y;
}

void ln(Mat& x, const LayerNormParams& p, double eps) {
    for (auto& row : x) {
        double m = 0, v = 0;
        for (double a : row) m += a;
        m /= row.size();
        for (double a : row) v += (a - m) * (a - m);
        v /= row.size();
        for (size_t i = 0; i < row.size(); ++i)
            row[i] = (row[i] - m) / std::sqrt(v + eps) * p.gamma.data[i] + p.beta.data[i];
    }
}

std::vector<double> naive_forward(const AlbertConfig& c, const AlbertWeights& w,
                                  const ModelInput& in, int layers, std::vector<double>* ents) {
    const size_t S = in.token_ids.size(), E = c.embedding_size, H = c.hidden_size;
    Mat x(S, std::vector<double>(E));
    for (size_t s = 0; s < S; ++s)
        for (size_t e = 0; e < E; ++e)
            x[s][e] = w.word_embeddings.data[in.token_ids[s] * E + e] +
                      w.position_embeddings.data[s * E + e] + w.token_type_embeddings.data[e];
    ln(x, w.embed_ln, c.layer_norm_eps);
    Mat h = lin(x, w.embedding_hidden_mapping_in);
    const size_t d = c.head_dim();
    for (int l = 0; l < layers; ++l) {
        const auto& L = w.layer(c, l, 0);
        Mat q = lin(h, L.query), k = lin(h, L.key), v = lin(h, L.value);
        Mat ctx(S, std::vector<double>(H, 0.0));
        for (int hd = 0; hd < c.num_attention_heads; ++hd) {
            for (size_t i = 0; i < S; ++i) {
                std::vector<double> sc(S);
                double mx = -1e300;
                for (size_t j = 0; j < S; ++j) {
                    double s = 0;
                    for (size_t t = 0; t < d; ++t) s += q[i][hd * d + t] * k[j][hd * d + t];
                    sc[j] = s / std::sqrt(double(d));
                    if (!in.attention_mask.empty() && !in.attention_mask[j]) sc[j] = -1e300;
                    mx = std::max(mx, sc[j]);
                }
                double sum = 0;
                for (auto& s : sc) sum += (s = std::exp(s - mx));
                for (size_t j = 0; j < S; ++j)
                    for (size_t t = 0; t < d; ++t) ctx[i][hd * d + t] += sc[j] / sum * v[j][hd * d + t];
            }
        }
        Mat a = lin(ctx, L.attn_dense);
        for (size_t s = 0; s < S; ++s)
            for (size_t i = 0; i < H; ++i) a[s][i] += h[s][i];
        ln(a, L.attn_ln, c.layer_norm_eps);
        Mat f = lin(a, L.ffn);
        for (auto& row : f)
            for (auto& z : row)
                z = 0.5 * z * (1 + std::tanh(std::sqrt(2 / M_PI) * (z + 0.044715 * z * z * z)));
        h = lin(f, L.ffn_output);
        for (size_t s = 0; s < S; ++s)
            for (size_t i = 0; i < H; ++i) h[s][i] += a[s][i];
        ln(h, L.full_ln, c.layer_norm_eps);
        Mat cls{h[0]};
        Mat pooled = lin(cls, w.offramps[l].pooler);
        for (auto& z : pooled[0]) z = std::tanh(z);
        Mat lg = lin(pooled, w.offramps[l].classifier);
        double mx = -1e300, sum = 0, ent = 0;
        for (double z : lg[0]) mx = std::max(mx, z);
        for (double z : lg[0]) sum += std::exp(z - mx);
        for (double z : lg[0]) {
            const double p = std::exp(z - mx) / sum;
            ent -= p * std::log(p);
        }
        ents->push_back(ent);
    }
    Mat cls{h[0]};
    Mat pooled = lin(cls, w.pooler);
    for (auto& z : pooled[0]) z = std::tanh(z);
    return lin(pooled, w.classifier)[0];
}

}  // namespace

TEST(ReferenceOps, GeluMatchesFormula) {
    EXPECT_FLOAT_EQ(gelu_new(0.0f), 0.0f);
    EXPECT_NEAR(gelu_new(1.0f), 0.8411920f, 1e-6);   // 0.5(1 + tanh(0.79788 * 1.044715))
    EXPECT_NEAR(gelu_new(-1.0f), -0.1588080f, 1e-6);
    EXPECT_NEAR(gelu_erf(1.0f), 0.8413447f, 1e-6);   // x * Phi(x)
    EXPECT_NEAR(gelu_new(3.0f), 2.9963627f, 1e-5);
    EXPECT_FLOAT_EQ(activation(Activation::Relu, -2.0f), 0.0f);
}

TEST(ReferenceOps, SoftmaxHandChecked) {
    float x[6] = {1, 2, 3, 1000, 1000, 1000};
    softmax_rows(x, 2, 3);
    EXPECT_NEAR(x[0], 0.09003057f, 1e-7);
    EXPECT_NEAR(x[1], 0.24472847f, 1e-7);
    EXPECT_NEAR(x[2], 0.66524096f, 1e-7);
    for (int i = 3; i < 6; ++i) EXPECT_NEAR(x[i], 1.0f / 3, 1e-7);  // stable for large inputs
}

TEST(ReferenceOps, LayerNormHandChecked) {
    float x[4] = {1, 2, 3, 4};
    const float g[4] = {1, 1, 2, 1}, b[4] = {0, 0, 0, 0.5f};
    layer_norm_rows(x, 1, 4, g, b, 0.0);
    // mean 2.5, var 1.25, 1/sqrt(1.25) = 0.894427
    EXPECT_NEAR(x[0], -1.3416408f, 1e-6);
    EXPECT_NEAR(x[1], -0.4472136f, 1e-6);
    EXPECT_NEAR(x[2], 2 * 0.4472136f, 1e-6);
    EXPECT_NEAR(x[3], 1.3416408f + 0.5f, 1e-6);
}

TEST(ReferenceOps, EntropyHandChecked) {
    const float uniform[2] = {0.3f, 0.3f};
    EXPECT_NEAR(softmax_entropy(uniform, 2), std::log(2.0), 1e-12);
    const float skew[2] = {0.0f, static_cast<float>(std::log(3.0))};  // p = 1/4, 3/4
    EXPECT_NEAR(softmax_entropy(skew, 2), -(0.25 * std::log(0.25) + 0.75 * std::log(0.75)), 1e-7);
    const float sure[2] = {0.0f, 80.0f};
    EXPECT_NEAR(softmax_entropy(sure, 2), 0.0, 1e-30 + 1e-20);
}

TEST(Reference, TinyModelMatchesIndependentLoops) {
    const auto c = tiny();
    const auto w = synthetic_albert_weights(c, 7);
    const auto in = synthetic_input(c, 24, 7);
    const auto r = run_reference(c, w, in, {c.num_hidden_layers, true});
    std::vector<double> ents;
    const auto logits = naive_forward(c, w, in, c.num_hidden_layers, &ents);
    ASSERT_EQ(r.logits.size(), logits.size());
    for (size_t i = 0; i < logits.size(); ++i) EXPECT_NEAR(r.logits[i], logits[i], 2e-5);
    ASSERT_EQ(r.layer_entropies.size(), ents.size());
    for (size_t i = 0; i < ents.size(); ++i) EXPECT_NEAR(r.layer_entropies[i], ents[i], 2e-5);
    EXPECT_EQ(r.hidden_states.size(), size_t(c.num_hidden_layers));
    EXPECT_EQ(r.last_hidden.shape, (std::vector<int64_t>{24, c.hidden_size}));
}

TEST(Reference, AttentionMaskEqualsTruncation) {
    // Padding keys must be invisible: [CLS]'s result with the last 8 tokens masked
    // equals the result of the 16-token prefix alone.
    const auto c = tiny();
    const auto w = synthetic_albert_weights(c, 3);
    auto full = synthetic_input(c, 24, 3);
    full.attention_mask.assign(24, 1);
    for (int i = 16; i < 24; ++i) full.attention_mask[i] = 0;
    ModelInput prefix;
    prefix.token_ids.assign(full.token_ids.begin(), full.token_ids.begin() + 16);
    const auto a = run_reference(c, w, full), b = run_reference(c, w, prefix);
    for (size_t i = 0; i < a.logits.size(); ++i) EXPECT_NEAR(a.logits[i], b.logits[i], 1e-5);
    for (size_t i = 0; i < a.layer_entropies.size(); ++i)
        EXPECT_NEAR(a.layer_entropies[i], b.layer_entropies[i], 1e-5);
    // And masking actually matters: unmasked differs.
    full.attention_mask.clear();
    const auto u = run_reference(c, w, full);
    EXPECT_GT(std::fabs(u.logits[0] - b.logits[0]), 1e-6);
}

TEST(Reference, DeterministicAndLayerCount) {
    const auto c = tiny();
    const auto w = synthetic_albert_weights(c, 11);
    const auto in = synthetic_input(c, 32, 11);
    const auto a = run_reference(c, w, in), b = run_reference(c, w, in);
    EXPECT_EQ(a.logits, b.logits);
    EXPECT_EQ(a.layer_entropies, b.layer_entropies);
    const auto one = run_reference(c, w, in, {1, false});
    EXPECT_EQ(one.layer_entropies.size(), 1u);
    EXPECT_EQ(one.layer_entropies[0], a.layer_entropies[0]);
    EXPECT_THROW(run_reference(c, w, in, {3, false}), ShapeError);
}

TEST(Reference, BadInputsRejected) {
    const auto c = tiny();
    const auto w = synthetic_albert_weights(c, 1);
    ModelInput in = synthetic_input(c, 8, 1);
    in.token_ids[3] = c.vocab_size;
    EXPECT_THROW(run_reference(c, w, in), ShapeError);
    ModelInput too_long = synthetic_input(c, c.max_position_embeddings + 1, 1);
    EXPECT_THROW(run_reference(c, w, too_long), ShapeError);
    ModelInput bad_mask = synthetic_input(c, 8, 1);
    bad_mask.attention_mask.assign(7, 1);
    EXPECT_THROW(run_reference(c, w, bad_mask), ShapeError);
}

TEST(SyntheticWeights, DeterministicRealisticScale) {
    const auto c = tiny();
    const auto a = synthetic_albert_weights(c, 5), b = synthetic_albert_weights(c, 5),
               d = synthetic_albert_weights(c, 6);
    EXPECT_EQ(a.word_embeddings.data, b.word_embeddings.data);
    EXPECT_NE(a.word_embeddings.data, d.word_embeddings.data);
    // Normal(0, 0.02) body with rare 10x outliers.
    const auto& wq = a.groups[0][0].ffn.weight.data;
    double s2 = 0;
    size_t big = 0;
    for (float x : wq) {
        s2 += double(x) * x;
        big += std::fabs(x) > 0.1f;  // > 5 sigma: essentially only outliers
    }
    const double stddev = std::sqrt(s2 / wq.size());
    EXPECT_GT(stddev, 0.02);
    EXPECT_LT(stddev, 0.03);
    EXPECT_GT(big, 0u);
    EXPECT_LT(big, wq.size() / 200);
    EXPECT_NEAR(a.groups[0][0].attn_ln.gamma.data[0], 1.0, 0.5);
}

TEST(Weights, SaveLoadRoundTripAndErrors) {
    const auto c = tiny();
    const auto w = synthetic_albert_weights(c, 9);
    const std::string path = ::testing::TempDir() + "tiny_weights.safetensors";
    save_albert_weights(path, c, w);
    const auto back = load_albert_weights(path, c, 1);
    EXPECT_TRUE(back.synthesized.empty());
    EXPECT_EQ(back.groups[0][0].query.weight.data, w.groups[0][0].query.weight.data);
    EXPECT_EQ(back.offramps[1].classifier.bias.data, w.offramps[1].classifier.bias.data);
    const auto in = synthetic_input(c, 16, 1);
    EXPECT_EQ(run_reference(c, back, in).logits, run_reference(c, w, in).logits);

    // A config that does not match the file: the error names file, tensor and shapes.
    auto wider = c;
    wider.intermediate_size = 128;
    try {
        load_albert_weights(path, wider, 1);
        FAIL();
    } catch (const FileFormatError& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find(path), std::string::npos) << msg;
        EXPECT_NE(msg.find("ffn.weight"), std::string::npos) << msg;
        EXPECT_NE(msg.find("[256, 64]"), std::string::npos) << msg;
        EXPECT_NE(msg.find("[128, 64]"), std::string::npos) << msg;
    }
    std::remove(path.c_str());
}

TEST(Weights, MissingEncoderTensorIsAnErrorMissingHeadIsSynthesized) {
    const auto c = tiny();
    auto w = synthetic_albert_weights(c, 9);
    const std::string path = ::testing::TempDir() + "no_heads.safetensors";
    // Write a file without classifier and off-ramps (like HF's pretraining checkpoint).
    std::map<std::string, Tensor> named;
    visit_albert_tensors(c, w, [&](const std::string& n, Tensor& t, const std::vector<int64_t>&,
                                   TensorRole, bool head) {
        if (!head) named.emplace(hf_tensor_name(n), t);
    });
    save_safetensors(path, named);
    const auto back = load_albert_weights(path, c, 9);
    EXPECT_EQ(back.synthesized.size(), 2u + 4u * c.num_hidden_layers);
    EXPECT_EQ(back.classifier.weight.data, w.classifier.weight.data);  // same seed, same values

    named.erase("albert.encoder.albert_layer_groups.0.albert_layers.0.attention.key.weight");
    save_safetensors(path, named);
    try {
        load_albert_weights(path, c, 9);
        FAIL();
    } catch (const FileFormatError& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("missing tensor"), std::string::npos) << msg;
        EXPECT_NE(msg.find("attention.key.weight"), std::string::npos) << msg;
    }
    std::remove(path.c_str());
}
