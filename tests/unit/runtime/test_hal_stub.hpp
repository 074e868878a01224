// The HAL stub of the runtime kernel tests: eb_hal_charge records, every other
// HAL function aborts (kernels must not touch the hardware).
#pragma once

#include <cstdint>

#include "eb_hal.h"

namespace edgebert::test {

constexpr int kCostKinds = EB_COST_PROGRAM_READ + 1;  // the last kind of eb_cost_t
static_assert(EB_COST_MEMCPY_BYTE < kCostKinds && EB_COST_MEMCPY_CALL < kCostKinds && EB_COST_COPY_BYTE < kCostKinds,
              "kCostKinds counts every cost kind");

struct ChargeLog {
    uint64_t units[kCostKinds] = {};  // total units per kind
    uint64_t calls[kCostKinds] = {};  // eb_hal_charge calls per kind
};

extern ChargeLog g_charges;
void reset_charges();

}  // namespace edgebert::test
