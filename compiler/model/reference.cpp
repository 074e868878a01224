#include "compiler/model/reference.hpp"

#include <fmt/format.h>

#include <Eigen/Dense>
#include <algorithm>
#include <functional>
#include <cmath>
#include <limits>

#include "common/error.hpp"
#include "common/rng.hpp"

namespace edgebert::model {

namespace {

using Mat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Vec = Eigen::Matrix<float, 1, Eigen::Dynamic>;
using ConstMap = Eigen::Map<const Mat>;
using ConstVecMap = Eigen::Map<const Vec>;

using Recorder = std::function<void(const char* name, const Mat& m)>;

ConstMap as_mat(const Tensor& t) { return ConstMap(t.data.data(), t.dim(0), t.dim(1)); }
ConstVecMap as_vec(const Tensor& t) {
    return ConstVecMap(t.data.data(), static_cast<Eigen::Index>(t.size()));
}

// y = x W^T + b, W stored [out, in] as in PyTorch.
Mat linear(const Mat& x, const Linear& l) {
    Mat y = x * as_mat(l.weight).transpose();
    y.rowwise() += as_vec(l.bias);
    return y;
}

void layer_norm(Mat& x, const LayerNormParams& ln, double eps) {
    layer_norm_rows(x.data(), static_cast<int>(x.rows()), static_cast<int>(x.cols()),
                    ln.gamma.data.data(), ln.beta.data.data(), eps);
}

Tensor to_tensor(const Mat& m) {
    return Tensor({m.rows(), m.cols()}, std::vector<float>(m.data(), m.data() + m.size()));
}

// Multi-head self-attention followed by the output projection, residual and LayerNorm.
Mat attention_block(const AlbertConfig& c, const AlbertLayerWeights& L, const Mat& h,
                    const Vec& mask_add, const Recorder& rec) {
    const int heads = c.num_attention_heads, d = c.head_dim();
    const int seq = static_cast<int>(h.rows());
    const Mat q = linear(h, L.query), k = linear(h, L.key), v = linear(h, L.value);
    rec("q", q);
    rec("k", k);
    rec("v", v);
    float scores_max = 0.0f, probs_max = 0.0f;
    const float scale = 1.0f / std::sqrt(static_cast<float>(d));
    Mat context(seq, c.hidden_size);
    Mat scores(seq, seq);
    for (int hd = 0; hd < heads; ++hd) {
        const auto qh = q.middleCols(hd * d, d);
        const auto kh = k.middleCols(hd * d, d);
        const auto vh = v.middleCols(hd * d, d);
        scores.noalias() = (qh * kh.transpose()) * scale;
        // The calibration records the scaled products (what a target's matmul computes),
        // before the mask's -FLT_MAX for padded keys is added.
        scores_max = std::max(scores_max, scores.cwiseAbs().maxCoeff());
        scores.rowwise() += mask_add;
        softmax_rows(scores.data(), seq, seq);
        probs_max = std::max(probs_max, scores.maxCoeff());
        context.middleCols(hd * d, d).noalias() = scores * vh;
    }
    rec("scores", Mat::Constant(1, 1, scores_max));
    rec("probs", Mat::Constant(1, 1, probs_max));
    rec("ctx", context);
    Mat out = linear(context, L.attn_dense);
    rec("attn_proj", out);
    out += h;
    layer_norm(out, L.attn_ln, c.layer_norm_eps);
    rec("attn_out", out);
    return out;
}

Mat ffn_block(const AlbertConfig& c, const AlbertLayerWeights& L, const Mat& a, const Recorder& rec) {
    Mat inter = linear(a, L.ffn);
    rec("ffn1", inter);
    for (Eigen::Index i = 0; i < inter.size(); ++i) inter.data()[i] = activation(c.hidden_act, inter.data()[i]);
    rec("gelu", inter);
    Mat out = linear(inter, L.ffn_output);
    rec("ffn2", out);
    out += a;
    layer_norm(out, L.full_ln, c.layer_norm_eps);
    rec("out", out);
    return out;
}

// Pooler (tanh dense on [CLS]) then classifier.
std::vector<float> head_logits(const Linear& pooler, const Linear& classifier, const Mat& h,
                               std::vector<float>* pooled_out, float* pre_tanh_max = nullptr) {
    Mat pre = linear(h.topRows(std::min<Eigen::Index>(16, h.rows())), pooler);
    if (pre_tanh_max) *pre_tanh_max = pre.cwiseAbs().maxCoeff();
    Mat pooled = pre.topRows(1).array().tanh().matrix();
    Mat logits = linear(pooled, classifier);
    if (pooled_out) pooled_out->assign(pooled.data(), pooled.data() + pooled.size());
    return std::vector<float>(logits.data(), logits.data() + logits.size());
}

}  // namespace

void layer_norm_rows(float* x, int rows, int n, const float* gamma, const float* beta, double eps) {
    for (int r = 0; r < rows; ++r) {
        float* row = x + static_cast<size_t>(r) * n;
        double mean = 0.0;
        for (int i = 0; i < n; ++i) mean += row[i];
        mean /= n;
        double var = 0.0;
        for (int i = 0; i < n; ++i) var += (row[i] - mean) * (row[i] - mean);
        var /= n;
        const double inv = 1.0 / std::sqrt(var + eps);
        for (int i = 0; i < n; ++i) {
            row[i] = static_cast<float>((row[i] - mean) * inv * gamma[i] + beta[i]);
        }
    }
}

void softmax_rows(float* x, int rows, int n) {
    for (int r = 0; r < rows; ++r) {
        float* row = x + static_cast<size_t>(r) * n;
        const float m = *std::max_element(row, row + n);
        float sum = 0.0f;
        for (int i = 0; i < n; ++i) sum += (row[i] = std::exp(row[i] - m));
        const float inv = 1.0f / sum;
        for (int i = 0; i < n; ++i) row[i] *= inv;
    }
}

float gelu_new(float x) {
    const float k = 0.7978845608028654f;  // sqrt(2 / pi)
    return 0.5f * x * (1.0f + std::tanh(k * (x + 0.044715f * x * x * x)));
}

float gelu_erf(float x) { return 0.5f * x * (1.0f + std::erf(x * 0.7071067811865476f)); }

float activation(Activation a, float x) {
    switch (a) {
        case Activation::GeluNew: return gelu_new(x);
        case Activation::Gelu: return gelu_erf(x);
        case Activation::Relu: return x > 0.0f ? x : 0.0f;
    }
    return x;
}

double softmax_entropy(const float* logits, int n) {
    double m = -std::numeric_limits<double>::infinity();
    for (int i = 0; i < n; ++i) m = std::max(m, static_cast<double>(logits[i]));
    double sum = 0.0, weighted = 0.0;
    for (int i = 0; i < n; ++i) {
        const double z = logits[i] - m, e = std::exp(z);
        sum += e;
        weighted += z * e;
    }
    // H = -sum p ln p with p = e^z / S, ln p = z - ln S.
    return std::log(sum) - weighted / sum;
}

ModelInput synthetic_input(const AlbertConfig& c, int seq_len, uint64_t seed) {
    ModelInput in;
    Rng rng(hash_name("input", seed));
    in.token_ids.resize(static_cast<size_t>(seq_len));
    // ALBERT's SentencePiece vocabulary: 0 <pad>, 1 <unk>, 2 [CLS], 3 [SEP], 4 [MASK].
    const int first = c.vocab_size > 5 ? 5 : 0;
    for (auto& t : in.token_ids) t = static_cast<int32_t>(rng.uniform_int(first, c.vocab_size - 1));
    if (c.vocab_size > 3 && seq_len >= 2) {
        in.token_ids.front() = 2;
        in.token_ids.back() = 3;
    }
    return in;
}

void validate_input(const AlbertConfig& c, const ModelInput& in) {
    const int seq = in.seq_len();
    if (seq < 1 || seq > c.max_position_embeddings) {
        throw ShapeError(fmt::format("sequence length {} is out of range [1, {}] for model '{}' "
                                     "(max_position_embeddings)",
                                     seq, c.max_position_embeddings, c.name));
    }
    for (int i = 0; i < seq; ++i) {
        if (in.token_ids[i] < 0 || in.token_ids[i] >= c.vocab_size) {
            throw ShapeError(fmt::format("token id {} at position {} is out of range [0, {}]",
                                         in.token_ids[i], i, c.vocab_size - 1));
        }
    }
    if (!in.token_type_ids.empty()) {
        if (in.token_type_ids.size() != in.token_ids.size())
            throw ShapeError(fmt::format("token_type_ids has {} entries, expected {} (one per token)",
                                         in.token_type_ids.size(), seq));
        for (int i = 0; i < seq; ++i) {
            const int t = in.token_type_ids[static_cast<size_t>(i)];
            if (t < 0 || t >= c.type_vocab_size)
                throw ShapeError(fmt::format("token type id {} at position {} is out of range [0, {}] "
                                             "(type_vocab_size of model '{}')",
                                             t, i, c.type_vocab_size - 1, c.name));
        }
    }
    if (!in.attention_mask.empty()) {
        if (in.attention_mask.size() != in.token_ids.size())
            throw ShapeError(fmt::format("attention_mask has {} entries, expected {} (one per token)",
                                         in.attention_mask.size(), seq));
        for (int i = 0; i < seq; ++i)
            if (in.attention_mask[static_cast<size_t>(i)] > 1)
                throw ShapeError(fmt::format("attention_mask value {} at position {} is out of range [0, 1] "
                                             "(1 keep, 0 padding)",
                                             in.attention_mask[static_cast<size_t>(i)], i));
    }
}

ReferenceResult run_reference(const AlbertConfig& c, const AlbertWeights& w, const ModelInput& in,
                              const ReferenceOptions& opt) {
    validate_input(c, in);
    const int layers = opt.layers > 0 ? opt.layers : c.num_hidden_layers;
    if (layers > c.num_hidden_layers) {
        throw ShapeError(fmt::format("--layers {} exceeds num_hidden_layers = {} of model '{}'",
                                     layers, c.num_hidden_layers, c.name));
    }
    const int seq = in.seq_len(), E = c.embedding_size;

    // Embeddings: word + position + token type, LayerNorm over E, then E -> H.
    Mat emb(seq, E);
    for (int s = 0; s < seq; ++s) {
        const int type = in.token_type_ids.empty() ? 0 : in.token_type_ids[s];
        emb.row(s) = as_mat(w.word_embeddings).row(in.token_ids[s]) +
                     as_mat(w.position_embeddings).row(s) +
                     as_mat(w.token_type_embeddings).row(type);
    }
    layer_norm(emb, w.embed_ln, c.layer_norm_eps);
    Mat h = linear(emb, w.embedding_hidden_mapping_in);
    Mat emb_ln = emb;  // kept for the calibration record below

    // HF's extended attention mask: padded keys get the most negative float added.
    Vec mask_add = Vec::Zero(seq);
    for (int s = 0; s < static_cast<int>(in.attention_mask.size()); ++s)
        if (!in.attention_mask[s]) mask_add[s] = std::numeric_limits<float>::lowest();

    ReferenceResult r;
    r.embedding_output = to_tensor(h);
    int cur_layer = -1;
    const Recorder rec = [&](const char* name, const Mat& m) {
        if (!opt.act_max) return;
        const std::string key = cur_layer < 0 ? std::string(name) : fmt::format("L{}.{}", cur_layer, name);
        float& slot = (*opt.act_max)[key];
        slot = std::max(slot, m.size() ? m.cwiseAbs().maxCoeff() : 0.0f);
    };
    rec("emb_ln", emb_ln);
    rec("emb", h);
    for (int l = 0; l < layers; ++l) {
        cur_layer = l;
        for (int inner = 0; inner < c.inner_group_num; ++inner) {
            const auto& L = w.layer(c, l, inner);
            h = ffn_block(c, L, attention_block(c, L, h, mask_add, rec), rec);
        }
        if (opt.keep_hidden_states) r.hidden_states.push_back(to_tensor(h));
        const auto& ramp = w.offramps.at(static_cast<size_t>(l));
        float pool_max = 0;
        r.offramp_logits.push_back(head_logits(ramp.pooler, ramp.classifier, h, nullptr, &pool_max));
        rec("offramp_pool", Mat::Constant(1, 1, pool_max));
        r.layer_entropies.push_back(
            softmax_entropy(r.offramp_logits.back().data(), c.num_labels));
    }
    r.last_hidden = to_tensor(h);
    float pool_max = 0;
    r.logits = head_logits(w.pooler, w.classifier, h, &r.pooled, &pool_max);
    cur_layer = -1;
    rec("pool", Mat::Constant(1, 1, pool_max));
    return r;
}

}  // namespace edgebert::model
