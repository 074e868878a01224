// The runtime's C hardware-access layer (runtime/include/eb_hal.h) is one set
// of functions; what they reach depends on the backend installed while a
// program runs: the native host of the timed SoC (NativeHalScope) or the
// untimed functional platform (sim/functional), which runs the same program
// on the tiles' functional models. One backend at a time.
#pragma once

#include <cstddef>
#include <cstdint>

#include "eb_hal.h"

namespace edgebert::hw {

class HalBackend {
public:
    virtual ~HalBackend() = default;
    virtual uint32_t read32(uint64_t addr) = 0;
    virtual void write32(uint64_t addr, uint32_t value) = 0;
    virtual uint64_t read64(uint64_t addr) = 0;
    virtual void write64(uint64_t addr, uint64_t value) = 0;
    virtual void wait_for_interrupt() = 0;
    virtual uint64_t cycles() = 0;
    virtual void copy_to_dev(uint64_t dst, const void* src, size_t len) = 0;
    virtual void copy_from_dev(void* dst, uint64_t src, size_t len) = 0;
    virtual void charge(eb_cost_t kind, uint64_t units) = 0;
    // Memory traffic of CPU work (eb_hal_charge_mem); a backend without a memory
    // model (the untimed functional platform) ignores it.
    virtual void charge_mem(eb_cost_t kind, int store, uint64_t bytes, uint64_t working_set, uint64_t run,
                            uint64_t stride) {
        (void)kind, (void)store, (void)bytes, (void)working_set, (void)run, (void)stride;
    }
    virtual void region(uint32_t layer, uint32_t module, const char* op) = 0;
    virtual void wait_category(int category) = 0;
    virtual void category_override(int category) = 0;
    // The kind of CPU work that follows (eb_hal_cpu_kind); untimed backends ignore it.
    virtual void cpu_kind(int kind) { (void)kind; }
    virtual void* map(uint64_t addr, size_t len) = 0;
    virtual void unmap(void* ptr, uint64_t addr, size_t len, int write_back) = 0;
};

// Installs `backend` for the scope's lifetime (restoring the previous one).
class HalScope {
public:
    explicit HalScope(HalBackend& backend);
    ~HalScope();
    HalScope(const HalScope&) = delete;
    HalScope& operator=(const HalScope&) = delete;

private:
    HalBackend* previous_;
};

}  // namespace edgebert::hw
