// SoC config reader (hw/soc/soc_config.*) on arbitrary JSON text.
#include "hw/soc/soc_config.hpp"
#include "fuzz/fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    return edgebert::fuzz::expect_error_or_success(
        [&] { (void)edgebert::hw::parse_soc_config(edgebert::fuzz::as_text(data, size), "fuzz.json"); });
}

// libsystemc.so (linked for the config headers' types) refers to sc_main; it is never called.
int sc_main(int, char*[]) { return 0; }
