// Energy table reader (hw/energy/energy_model.*) on arbitrary JSON text.
#include "hw/energy/energy_model.hpp"
#include "fuzz/fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    return edgebert::fuzz::expect_error_or_success(
        [&] { (void)edgebert::hw::parse_energy_config(edgebert::fuzz::as_text(data, size), "fuzz.json"); });
}
