// HAL stub for the runtime kernel tests (see test_hal_stub.hpp).
#include "test_hal_stub.hpp"

#include <cstdio>
#include <cstdlib>

namespace edgebert::test {

ChargeLog g_charges;

void reset_charges() { g_charges = ChargeLog{}; }

}  // namespace edgebert::test

namespace {

[[noreturn]] void forbidden(const char* fn) {
    std::fprintf(stderr, "test HAL stub: %s called; CPU kernels must not touch the hardware\n", fn);
    std::abort();
}

}  // namespace

extern "C" {

uint32_t eb_hal_read32(uint64_t) { forbidden("eb_hal_read32"); }
void eb_hal_write32(uint64_t, uint32_t) { forbidden("eb_hal_write32"); }
uint64_t eb_hal_read64(uint64_t) { forbidden("eb_hal_read64"); }
void eb_hal_write64(uint64_t, uint64_t) { forbidden("eb_hal_write64"); }
void eb_hal_wait_for_interrupt(void) { forbidden("eb_hal_wait_for_interrupt"); }
uint64_t eb_hal_cycles(void) { forbidden("eb_hal_cycles"); }
void eb_hal_copy_to_dev(uint64_t, const void*, size_t) { forbidden("eb_hal_copy_to_dev"); }
void eb_hal_copy_from_dev(void*, uint64_t, size_t) { forbidden("eb_hal_copy_from_dev"); }
void eb_hal_region(uint32_t, uint32_t, const char*) { forbidden("eb_hal_region"); }
void eb_hal_wait_category(int) { forbidden("eb_hal_wait_category"); }
void eb_hal_category_override(int) { forbidden("eb_hal_category_override"); }
void eb_hal_cpu_kind(int) { forbidden("eb_hal_cpu_kind"); }
void* eb_hal_map(uint64_t, size_t) { forbidden("eb_hal_map"); }
void eb_hal_unmap(void*, uint64_t, size_t, int) { forbidden("eb_hal_unmap"); }

void eb_hal_charge(eb_cost_t kind, uint64_t units) {
    const int k = static_cast<int>(kind);
    if (k < 0 || k >= edgebert::test::kCostKinds) forbidden("eb_hal_charge with an unknown kind");
    edgebert::test::g_charges.units[k] += units;
    edgebert::test::g_charges.calls[k] += 1;
}

}  // extern "C"
