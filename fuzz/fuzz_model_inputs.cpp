// Input files of `--input` (sim/cli/model_inputs.*): JSON objects, arrays, JSON
// lines, a tokenizer's batch of lists, or CSV, checked against the tiny model.
#include "compiler/model/albert_config.hpp"
#include "fuzz/fuzz_common.hpp"
#include "sim/cli/model_inputs.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const edgebert::model::AlbertConfig cfg = [] {
        edgebert::model::AlbertConfig c;
        c.name = "fuzz";
        c.vocab_size = 512;
        c.max_position_embeddings = 64;
        c.type_vocab_size = 2;
        return c;
    }();
    const std::string text = edgebert::fuzz::as_text(data, size);
    return edgebert::fuzz::expect_error_or_success(
        [&] { (void)edgebert::cli::parse_input_text(text, "fuzz.json", cfg); });
}
