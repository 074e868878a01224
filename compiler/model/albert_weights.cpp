#include "compiler/model/albert_weights.hpp"

#include <fmt/format.h>

#include "common/error.hpp"
#include "compiler/model/safetensors.hpp"

namespace edgebert::model {

namespace {

void visit_linear(const TensorVisitor& fn, const std::string& base, Linear& l, int64_t out,
                  int64_t in, bool head) {
    fn(base + ".weight", l.weight, {out, in}, TensorRole::Weight, head);
    fn(base + ".bias", l.bias, {out}, TensorRole::Bias, head);
}

void visit_ln(const TensorVisitor& fn, const std::string& base, LayerNormParams& ln, int64_t n) {
    fn(base + ".weight", ln.gamma, {n}, TensorRole::LnGamma, false);
    fn(base + ".bias", ln.beta, {n}, TensorRole::LnBeta, false);
}

}  // namespace

void visit_albert_tensors(const AlbertConfig& c, AlbertWeights& w, const TensorVisitor& fn) {
    const int64_t H = c.hidden_size, E = c.embedding_size, I = c.intermediate_size;
    const int64_t labels = c.num_labels;
    w.groups.resize(static_cast<size_t>(c.num_hidden_groups));
    for (auto& g : w.groups) g.resize(static_cast<size_t>(c.inner_group_num));
    w.offramps.resize(static_cast<size_t>(c.num_hidden_layers));

    fn("embeddings.word_embeddings.weight", w.word_embeddings, {c.vocab_size, E},
       TensorRole::Embedding, false);
    fn("embeddings.position_embeddings.weight", w.position_embeddings,
       {c.max_position_embeddings, E}, TensorRole::Embedding, false);
    fn("embeddings.token_type_embeddings.weight", w.token_type_embeddings, {c.type_vocab_size, E},
       TensorRole::Embedding, false);
    visit_ln(fn, "embeddings.LayerNorm", w.embed_ln, E);
    visit_linear(fn, "encoder.embedding_hidden_mapping_in", w.embedding_hidden_mapping_in, H, E,
                 false);
    for (size_t g = 0; g < w.groups.size(); ++g) {
        for (size_t i = 0; i < w.groups[g].size(); ++i) {
            auto& L = w.groups[g][i];
            const std::string p = fmt::format("encoder.albert_layer_groups.{}.albert_layers.{}.", g, i);
            visit_linear(fn, p + "attention.query", L.query, H, H, false);
            visit_linear(fn, p + "attention.key", L.key, H, H, false);
            visit_linear(fn, p + "attention.value", L.value, H, H, false);
            visit_linear(fn, p + "attention.dense", L.attn_dense, H, H, false);
            visit_ln(fn, p + "attention.LayerNorm", L.attn_ln, H);
            visit_linear(fn, p + "ffn", L.ffn, I, H, false);
            visit_linear(fn, p + "ffn_output", L.ffn_output, H, I, false);
            visit_ln(fn, p + "full_layer_layer_norm", L.full_ln, H);
        }
    }
    visit_linear(fn, "pooler", w.pooler, H, H, false);
    visit_linear(fn, "classifier", w.classifier, labels, H, true);
    for (size_t l = 0; l < w.offramps.size(); ++l) {
        const std::string p = fmt::format("encoder.highway.{}.", l);
        visit_linear(fn, p + "pooler.dense", w.offramps[l].pooler, H, H, true);
        visit_linear(fn, p + "classifier", w.offramps[l].classifier, labels, H, true);
    }
}

std::string hf_tensor_name(const std::string& name) {
    // HF's sequence-classification checkpoints keep the classifier outside "albert.".
    if (name.rfind("classifier.", 0) == 0) return name;
    return "albert." + name;
}

AlbertWeights load_albert_weights(const std::string& path, const AlbertConfig& c, uint64_t seed) {
    SafetensorsFile file = SafetensorsFile::load(path);
    // Checkpoints saved from AlbertModel lack the "albert." prefix; accept both.
    const bool prefixed = file.contains("albert.embeddings.word_embeddings.weight");
    auto stored_name = [&](const std::string& name) {
        return prefixed ? hf_tensor_name(name) : name;
    };
    AlbertWeights w;
    AlbertWeights synth;  // generated lazily, only if a head tensor is missing
    bool synth_ready = false;
    visit_albert_tensors(c, w, [&](const std::string& name, Tensor& t,
                                   const std::vector<int64_t>& shape, TensorRole, bool is_head) {
        const std::string stored = stored_name(name);
        if (file.contains(stored)) {
            t = file.get(stored, shape);
            return;
        }
        if (!is_head) {
            throw FileFormatError(fmt::format(
                "{}: missing tensor '{}' (shape {}) required by model '{}'", path, stored,
                shape_str(shape), c.name));
        }
        if (!synth_ready) {
            synth = synthetic_albert_weights(c, seed);
            synth_ready = true;
        }
        // Find the same tensor in the synthetic set by walking it with the same table.
        visit_albert_tensors(c, synth, [&](const std::string& n2, Tensor& t2,
                                           const std::vector<int64_t>&, TensorRole, bool) {
            if (n2 == name) t = t2;
        });
        w.synthesized.push_back(stored);
    });
    return w;
}

void save_albert_weights(const std::string& path, const AlbertConfig& c, const AlbertWeights& w) {
    std::map<std::string, Tensor> named;
    AlbertWeights copy = w;
    visit_albert_tensors(c, copy, [&](const std::string& name, Tensor& t,
                                      const std::vector<int64_t>& shape, TensorRole, bool) {
        if (t.shape != shape) {
            throw ShapeError(fmt::format("{}: tensor '{}' has shape {}, expected {}", path, name,
                                         shape_str(t.shape), shape_str(shape)));
        }
        named.emplace(hf_tensor_name(name), t);
    });
    save_safetensors(path, named, {{"format", "pt"}, {"model", c.name}, {"writer", "edgebert-sim"}});
}

}  // namespace edgebert::model
