// ALBERT hyper-parameters, read from a Hugging Face style config.json.
#pragma once

#include <string>

namespace edgebert::model {

enum class Activation { GeluNew, Gelu, Relu };

struct AlbertConfig {
    std::string name = "albert";      // file stem, or "name" / "_name_or_path" from the file
    int hidden_size = 768;
    int num_attention_heads = 12;
    int intermediate_size = 3072;
    int embedding_size = 128;
    int num_hidden_layers = 12;
    int num_hidden_groups = 1;
    int inner_group_num = 1;
    int vocab_size = 30000;
    int max_position_embeddings = 512;
    int type_vocab_size = 2;
    Activation hidden_act = Activation::GeluNew;
    double layer_norm_eps = 1e-12;
    int num_labels = 2;

    int head_dim() const { return hidden_size / num_attention_heads; }
    // The layer group that the (0-based) layer index uses (HF AlbertTransformer rule).
    int group_of_layer(int layer) const { return layer / (num_hidden_layers / num_hidden_groups); }

    // Checks cross-field constraints; throws ConfigError naming `origin`.
    void validate(const std::string& origin) const;
};

// Reads and validates a config.json; unknown HF fields are ignored, known ones checked.
AlbertConfig load_albert_config(const std::string& path);
// Same from JSON text (used for the configs embedded in the binary).
AlbertConfig parse_albert_config(const std::string& json_text, const std::string& origin);

const char* activation_name(Activation a);

}  // namespace edgebert::model
