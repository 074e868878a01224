#include "compiler/model/albert_config.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "common/json_reader.hpp"

namespace edgebert::model {

const char* activation_name(Activation a) {
    switch (a) {
        case Activation::GeluNew: return "gelu_new";
        case Activation::Gelu: return "gelu";
        case Activation::Relu: return "relu";
    }
    return "?";
}

void AlbertConfig::validate(const std::string& origin) const {
    if (hidden_size % num_attention_heads != 0) {
        throw ConfigError(fmt::format(
            "{}: field 'hidden_size' = {} is not a multiple of 'num_attention_heads' = {}", origin,
            hidden_size, num_attention_heads));
    }
    if (num_hidden_layers % num_hidden_groups != 0) {
        throw ConfigError(fmt::format(
            "{}: field 'num_hidden_layers' = {} is not a multiple of 'num_hidden_groups' = {}",
            origin, num_hidden_layers, num_hidden_groups));
    }
    // Memory is bounded by the config, not by luck: the FP32 weights (embeddings, every layer
    // group, an off-ramp per layer, pooler and classifier) must fit a fixed budget.
    const double h = hidden_size, e = embedding_size, i = intermediate_size, l = num_labels;
    const double embeddings = (double(vocab_size) + max_position_embeddings + type_vocab_size) * e + e * h + h;
    const double layer = 4 * (h * h + h) + 2 * h * i + i + h + 4 * h;
    const double heads = (double(num_hidden_layers) + 1) * (h * h + h + h * l + l);
    const double bytes = 4 * (embeddings + double(num_hidden_groups) * inner_group_num * layer + heads);
    constexpr double kMaxWeightBytes = 8.0 * (1ull << 30);
    if (bytes > kMaxWeightBytes)
        throw ConfigError(fmt::format("{}: the model's FP32 weights would take {:.1f} GiB, more than the {:.0f} GiB "
                                      "this simulator allows (check hidden_size, intermediate_size, embedding_size, "
                                      "vocab_size, num_hidden_groups)",
                                      origin, bytes / (1ull << 30), kMaxWeightBytes / (1ull << 30)));
}

static AlbertConfig read_config(const boost::json::value& v, const std::string& origin,
                                const std::string& default_name) {
    JsonReader r(v, origin);
    AlbertConfig c;
    c.name = r.get_string("name", r.get_string("_name_or_path", default_name));
    c.hidden_size = static_cast<int>(r.get_int("hidden_size", 16, 16384));
    c.num_attention_heads = static_cast<int>(r.get_int("num_attention_heads", 1, 256));
    c.intermediate_size = static_cast<int>(r.get_int("intermediate_size", 16, 65536));
    c.embedding_size = static_cast<int>(r.get_int("embedding_size", 1, 16384));
    c.num_hidden_layers = static_cast<int>(r.get_int("num_hidden_layers", 1, 256));
    c.num_hidden_groups = static_cast<int>(r.get_int("num_hidden_groups", 1, 256, 1));
    c.inner_group_num = static_cast<int>(r.get_int("inner_group_num", 1, 16, 1));
    c.vocab_size = static_cast<int>(r.get_int("vocab_size", 1, 1000000));
    c.max_position_embeddings = static_cast<int>(r.get_int("max_position_embeddings", 1, 65536));
    c.type_vocab_size = static_cast<int>(r.get_int("type_vocab_size", 1, 1024, 2));
    // HF's names: gelu_pytorch_tanh and gelu_fast compute the same tanh approximation as
    // gelu_new (0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), written differently).
    std::string act =
        r.get_enum("hidden_act", {"gelu_new", "gelu", "gelu_pytorch_tanh", "gelu_fast", "relu"}, "gelu_new");
    c.hidden_act = act == "gelu"   ? Activation::Gelu
                   : act == "relu" ? Activation::Relu
                                   : Activation::GeluNew;
    c.layer_norm_eps = r.get_double("layer_norm_eps", 1e-30, 1.0, 1e-12);
    // HF stores the label count either as num_labels or implicitly as id2label.
    int64_t labels = 2;
    if (r.has("id2label")) {
        const boost::json::value& ids = v.as_object().at("id2label");
        if (!ids.is_object())
            throw ConfigError(origin + ": field 'id2label' must be an object mapping label ids to names");
        labels = static_cast<int64_t>(ids.as_object().size());
        if (labels < 1 || labels > 1024)
            throw ConfigError(origin + ": field 'id2label' has " + std::to_string(labels) +
                              " labels; allowed 1 to 1024 (give num_labels to override)");
    }
    c.num_labels = static_cast<int>(r.get_int("num_labels", 1, 1024, labels));
    c.validate(origin);
    return c;
}

AlbertConfig parse_albert_config(const std::string& json_text, const std::string& origin) {
    return read_config(parse_json_text(json_text, origin), origin, "albert");
}

AlbertConfig load_albert_config(const std::string& path) {
    return read_config(parse_json_file(path), path, std::filesystem::path(path).stem().string());
}

}  // namespace edgebert::model
