// ALBERT weights in memory, and their mapping to Hugging Face tensor names.
//
// Names follow HF's AlbertModel / AlbertForSequenceClassification checkpoints
// ("albert." prefix optional). EdgeBERT adds one early-exit off-ramp per layer
// (pooler + classifier on the [CLS] token), stored under DeeBERT-style names:
//   albert.encoder.highway.<layer>.pooler.dense.{weight,bias}   [H, H], [H]
//   albert.encoder.highway.<layer>.classifier.{weight,bias}     [labels, H], [labels]
// Linear weights are [out, in] as in PyTorch.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "compiler/model/albert_config.hpp"
#include "compiler/model/tensor.hpp"

namespace edgebert::model {

struct Linear {
    Tensor weight;  // [out, in]
    Tensor bias;    // [out]
};

struct LayerNormParams {
    Tensor gamma;  // [n]
    Tensor beta;   // [n]
};

struct AlbertLayerWeights {
    Linear query, key, value, attn_dense;
    LayerNormParams attn_ln;
    Linear ffn, ffn_output;
    LayerNormParams full_ln;
};

struct OffRampWeights {
    Linear pooler;      // [H, H]
    Linear classifier;  // [labels, H]
};

struct AlbertWeights {
    Tensor word_embeddings;        // [vocab, E]
    Tensor position_embeddings;    // [max_pos, E]
    Tensor token_type_embeddings;  // [type_vocab, E]
    LayerNormParams embed_ln;      // [E]
    Linear embedding_hidden_mapping_in;                // [H, E]
    std::vector<std::vector<AlbertLayerWeights>> groups;  // [num_hidden_groups][inner_group_num]
    Linear pooler;                   // [H, H]
    Linear classifier;               // [labels, H]
    std::vector<OffRampWeights> offramps;  // one per layer
    // Names of head tensors (classifier, off-ramps) the file lacked and that were
    // filled with synthetic values; reported so that no result is silently made up.
    std::vector<std::string> synthesized;

    const AlbertLayerWeights& layer(const AlbertConfig& c, int layer_index, int inner) const {
        return groups.at(static_cast<size_t>(c.group_of_layer(layer_index))).at(static_cast<size_t>(inner));
    }
};

// What a tensor is, for the generator: weights are normal, LayerNorm gains near 1.
enum class TensorRole { Weight, Bias, LnGamma, LnBeta, Embedding };

// Visits every tensor of the model with its HF name (without prefix), the shape
// it must have, its role and whether it belongs to a task head (classifier /
// off-ramp) rather than the pretrained encoder. The single source of the name
// table: reading, writing and synthesis all go through it.
using TensorVisitor = std::function<void(const std::string& name, Tensor& t,
                                         const std::vector<int64_t>& shape, TensorRole role,
                                         bool is_head)>;
void visit_albert_tensors(const AlbertConfig& c, AlbertWeights& w, const TensorVisitor& fn);

// Loads a safetensors checkpoint; checks every shape against the config. Missing
// encoder tensors are errors naming the file and tensor; missing head tensors are
// synthesised from `seed` and listed in AlbertWeights::synthesized.
AlbertWeights load_albert_weights(const std::string& path, const AlbertConfig& c, uint64_t seed);

// Writes the weights with "albert."-prefixed HF names (classifier unprefixed, as HF does).
void save_albert_weights(const std::string& path, const AlbertConfig& c, const AlbertWeights& w);

// Deterministic synthetic weights of realistic scale: normal(0, 0.02) with a
// small fraction of 10x outliers, LayerNorm gains near 1. The same seed gives the
// same bits on every platform.
AlbertWeights synthetic_albert_weights(const AlbertConfig& c, uint64_t seed);

// The HF name under which a tensor is stored in files written by this simulator.
std::string hf_tensor_name(const std::string& name);

}  // namespace edgebert::model
