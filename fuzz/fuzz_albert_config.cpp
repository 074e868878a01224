// Model config reader (compiler/model/albert_config.*) on arbitrary JSON text.
#include "compiler/model/albert_config.hpp"
#include "fuzz/fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    return edgebert::fuzz::expect_error_or_success(
        [&] { (void)edgebert::model::parse_albert_config(edgebert::fuzz::as_text(data, size), "fuzz.json"); });
}
