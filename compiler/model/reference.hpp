// FP32 reference forward of ALBERT with EdgeBERT's per-layer early-exit off-ramps.
//
// This is the golden model the quantized accelerator results are compared
// against. It follows Hugging Face's AlbertModel: embeddings (word + position +
// token type, LayerNorm, E -> H projection), the shared layer(s) applied
// num_hidden_layers times, pooler (tanh) and classifier on [CLS]; after each
// layer the layer's off-ramp (pooler + classifier) gives logits and an entropy.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "compiler/model/albert_config.hpp"
#include "compiler/model/albert_weights.hpp"
#include "compiler/model/tensor.hpp"

namespace edgebert::model {

struct ModelInput {
    std::vector<int32_t> token_ids;
    std::vector<int32_t> token_type_ids;  // empty = all zero
    std::vector<uint8_t> attention_mask;  // empty = all ones; 0 = padding
    int seq_len() const { return static_cast<int>(token_ids.size()); }
};

// [CLS] random tokens [SEP], drawn from `seed`; ids valid for the config's vocabulary.
ModelInput synthetic_input(const AlbertConfig& c, int seq_len, uint64_t seed);
// Checks ids, lengths and mask against the config; throws ShapeError naming the problem.
void validate_input(const AlbertConfig& c, const ModelInput& in);

struct ReferenceOptions {
    int layers = 0;             // 0 = num_hidden_layers
    bool keep_hidden_states = false;
    // If set, receives max |x| of every intermediate, keyed "emb", "L<l>.q", ".k", ".v",
    // ".scores" (scaled), ".probs", ".ctx", ".attn_proj", ".attn_out" (after LN),
    // ".ffn1" (before GELU), ".gelu", ".ffn2", ".out": the compiler's calibration.
    std::map<std::string, float>* act_max = nullptr;
};

struct ReferenceResult {
    Tensor embedding_output;                 // [seq, H] after the E -> H projection
    std::vector<Tensor> hidden_states;       // per layer [seq, H] (if keep_hidden_states)
    Tensor last_hidden;                      // [seq, H]
    std::vector<float> pooled;               // [H]
    std::vector<float> logits;               // [labels] of the final classifier
    std::vector<std::vector<float>> offramp_logits;  // per layer [labels]
    std::vector<double> layer_entropies;     // per layer, natural log
};

ReferenceResult run_reference(const AlbertConfig& c, const AlbertWeights& w, const ModelInput& in,
                              const ReferenceOptions& opt = {});

// Building blocks, exposed for the tests and for host-side operators.
// In place on `rows` rows of `n` elements.
void layer_norm_rows(float* x, int rows, int n, const float* gamma, const float* beta, double eps);
void softmax_rows(float* x, int rows, int n);
float gelu_new(float x);   // tanh approximation, HF "gelu_new"
float gelu_erf(float x);   // exact, HF "gelu"
float activation(Activation a, float x);
// Entropy (natural log) of softmax(logits).
double softmax_entropy(const float* logits, int n);

}  // namespace edgebert::model
