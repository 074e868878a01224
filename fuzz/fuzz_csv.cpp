// CSV loaders of the early-exit replay (sim/early_exit/*): the same text read as
// an entropy trace and as an exit-prediction table, then looked up.
#include "sim/early_exit/early_exit.hpp"
#include "fuzz/fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text = edgebert::fuzz::as_text(data, size);
    edgebert::fuzz::expect_error_or_success([&] { (void)edgebert::sim::parse_entropy_trace(text, "fuzz.csv"); });
    return edgebert::fuzz::expect_error_or_success([&] {
        const auto lut = edgebert::sim::parse_exit_lut(text, "fuzz.csv");
        for (double h1 : {0.0, 0.3, 1e9}) (void)edgebert::sim::predict_exit_layer(lut, h1, 0.28, 12);
    });
}
