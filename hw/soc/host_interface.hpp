// The cpu tile as software sees it: loads and stores to the memory map, wait
// for interrupt, and the cycle counter. Two hosts implement it: the native
// host (runtime code compiled for the simulating machine, CPU work charged
// from a cost table) and, later, the RISC-V instruction-set simulator.
// Keep it this small so both fit.
#pragma once

#include <cstdint>

namespace edgebert::hw {

class HostInterface {
public:
    virtual ~HostInterface() = default;
    virtual uint32_t read32(uint64_t addr) = 0;
    virtual void write32(uint64_t addr, uint32_t value) = 0;
    virtual uint64_t read64(uint64_t addr) = 0;
    virtual void write64(uint64_t addr, uint64_t value) = 0;
    // Sleeps until the external interrupt line (from the PLIC) is high.
    virtual void wait_for_interrupt() = 0;
    // The core's cycle counter (mcycle).
    virtual uint64_t cycles() const = 0;
};

}  // namespace edgebert::hw
