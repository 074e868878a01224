// ALBERT config parsing: shipped configs load, every bad field is named.
#include <gtest/gtest.h>

#include <fstream>

#include "common/error.hpp"
#include "compiler/model/albert_config.hpp"

using namespace edgebert;
using namespace edgebert::model;

namespace {

std::string configs_dir() { return std::string(EDGEBERT_SOURCE_DIR) + "/configs/models/"; }

// Expects parse to throw ConfigError whose message contains every fragment.
void expect_config_error(const std::string& json, std::initializer_list<const char*> fragments) {
    try {
        parse_albert_config(json, "test.json");
        FAIL() << "no error for " << json;
    } catch (const ConfigError& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("test.json"), std::string::npos) << msg;
        for (const char* f : fragments) EXPECT_NE(msg.find(f), std::string::npos) << msg << " lacks " << f;
    }
}

const char* kValid = R"({"hidden_size": 64, "num_attention_heads": 4, "intermediate_size": 256,
  "embedding_size": 32, "num_hidden_layers": 2, "vocab_size": 512,
  "max_position_embeddings": 64})";

std::string with(const std::string& key, const std::string& value) {
    std::string j = kValid;
    const std::string needle = "\"" + key + "\": ";
    auto pos = j.find(needle);
    if (pos == std::string::npos) return j.substr(0, j.size() - 1) + ", " + needle + value + "}";
    auto end = j.find_first_of(",}", pos);
    return j.substr(0, pos + needle.size()) + value + j.substr(end);
}

}  // namespace

TEST(AlbertConfig, ShippedConfigsLoad) {
    const auto base = load_albert_config(configs_dir() + "albert-base-v2.json");
    EXPECT_EQ(base.name, "albert-base-v2");
    EXPECT_EQ(base.hidden_size, 768);
    EXPECT_EQ(base.num_attention_heads, 12);
    EXPECT_EQ(base.head_dim(), 64);
    EXPECT_EQ(base.intermediate_size, 3072);
    EXPECT_EQ(base.embedding_size, 128);
    EXPECT_EQ(base.num_hidden_layers, 12);
    EXPECT_EQ(base.hidden_act, Activation::GeluNew);
    EXPECT_DOUBLE_EQ(base.layer_norm_eps, 1e-12);
    const auto large = load_albert_config(configs_dir() + "albert-large-v2.json");
    EXPECT_EQ(large.hidden_size, 1024);
    EXPECT_EQ(large.num_hidden_layers, 24);
    const auto tiny = load_albert_config(configs_dir() + "albert-tiny-test.json");
    EXPECT_EQ(tiny.hidden_size, 64);
    EXPECT_EQ(tiny.num_labels, 2);
}

TEST(AlbertConfig, DefaultsAndLayerGroups) {
    auto c = parse_albert_config(with("num_hidden_groups", "2"), "test.json");
    EXPECT_EQ(c.inner_group_num, 1);
    EXPECT_EQ(c.type_vocab_size, 2);
    EXPECT_EQ(c.group_of_layer(0), 0);
    EXPECT_EQ(c.group_of_layer(1), 1);
    auto labels = parse_albert_config(with("id2label", R"({"0": "a", "1": "b", "2": "c"})"), "test.json");
    EXPECT_EQ(labels.num_labels, 3);
}

TEST(AlbertConfig, BadFieldsAreNamed) {
    expect_config_error(with("hidden_size", "-3"), {"'hidden_size'", "-3", "out of range"});
    expect_config_error(with("hidden_size", "\"big\""), {"'hidden_size'", "not an integer"});
    expect_config_error(with("hidden_size", "66"), {"'hidden_size' = 66", "'num_attention_heads' = 4"});
    expect_config_error(with("num_hidden_groups", "3"), {"'num_hidden_layers'", "'num_hidden_groups' = 3"});
    expect_config_error(with("hidden_act", "\"swish\""), {"'hidden_act'", "swish", "gelu_new"});
    expect_config_error(with("layer_norm_eps", "0"), {"'layer_norm_eps'", "out of range"});
    expect_config_error(R"({"hidden_size": 64})", {"'num_attention_heads'", "missing"});
    expect_config_error("{\"hidden_size\": 64,", {"invalid JSON"});
    expect_config_error("[1, 2]", {"must be a JSON object"});
}

TEST(AlbertConfig, WeightsBeyondTheMemoryBudgetAreRefused) {
    // 16384 x 65536 FFN matrices in 64 groups: hundreds of GiB, refused before anything is allocated.
    std::string j = with("hidden_size", "16384");
    j = j.substr(0, j.size() - 1) + R"(, "intermediate_size": 65536, "num_hidden_layers": 64, "num_hidden_groups": 64})";
    expect_config_error(j, {"FP32 weights would take", "GiB", "hidden_size"});
}

TEST(AlbertConfig, HiddenActNamesOfHfConfigs) {
    auto act = [](const char* name) {
        return parse_albert_config(with("hidden_act", std::string("\"") + name + "\""), "t.json").hidden_act;
    };
    EXPECT_EQ(act("gelu_new"), Activation::GeluNew);
    EXPECT_EQ(act("gelu_pytorch_tanh"), Activation::GeluNew);  // the same tanh approximation
    EXPECT_EQ(act("gelu_fast"), Activation::GeluNew);
    EXPECT_EQ(act("gelu"), Activation::Gelu);
    EXPECT_EQ(act("relu"), Activation::Relu);
    expect_config_error(with("hidden_act", "\"swish\""), {"'hidden_act'", "gelu_pytorch_tanh", "gelu_fast"});
}

TEST(AlbertConfig, Id2labelMustBeANonEmptyObject) {
    // HF's label map gives the label count; an empty or non-object one is an error, not 0 labels.
    expect_config_error(with("id2label", "{}"), {"'id2label'", "0 labels", "1 to 1024"});
    expect_config_error(with("id2label", "[\"neg\", \"pos\"]"), {"'id2label'", "must be an object"});
    EXPECT_EQ(parse_albert_config(with("id2label", R"({"0": "a", "1": "b", "2": "c"})"), "t.json").num_labels, 3);
}

TEST(AlbertConfig, MissingFileIsNamed) {
    try {
        load_albert_config("/nonexistent/config.json");
        FAIL();
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent/config.json: cannot open"), std::string::npos);
    }
}
