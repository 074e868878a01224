// Safetensors reader (compiler/model/safetensors.*) on arbitrary bytes.
#include "compiler/model/safetensors.hpp"
#include "fuzz/fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    return edgebert::fuzz::expect_error_or_success([&] {
        const auto f = edgebert::model::SafetensorsFile::parse(data, size, "fuzz.safetensors");
        for (const auto& name : f.names()) {
            const auto& t = f.get(name);
            (void)f.get(name, t.shape);
        }
    });
}
