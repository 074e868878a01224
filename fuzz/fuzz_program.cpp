// Compiled-program reader (compiler/program/program.*) on arbitrary bytes, then
// the listing of what it read.
#include "compiler/program/program.hpp"
#include "fuzz/fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    return edgebert::fuzz::expect_error_or_success([&] {
        const auto p = edgebert::compiler::Program::parse(edgebert::fuzz::as_bytes(data, size), "fuzz.prog");
        (void)p.listing();
        (void)p.serialize();
    });
}
