// Binds the runtime's C hardware-access layer (runtime/include/eb_hal.h) to a
// NativeHost: while a host program runs, every eb_hal_* call becomes a
// transaction or a charge on that host. One host at a time (the runtime is
// single-threaded, as on the silicon's single core).
#pragma once

#include <memory>

#include "eb_platform.h"
#include "hw/soc/hal_backend.hpp"
#include "hw/soc/native_host.hpp"
#include "hw/soc/soc_config.hpp"

namespace edgebert::hw {

class NativeHalScope {
public:
    explicit NativeHalScope(NativeHost& host);
    ~NativeHalScope();
    NativeHalScope(const NativeHalScope&) = delete;
    NativeHalScope& operator=(const NativeHalScope&) = delete;

private:
    std::unique_ptr<HalBackend> backend_;
    HalScope scope_;
};

// The runtime's view of the SoC, from the same config that built it.
eb_platform platform_of(const SocConfig& cfg);

}  // namespace edgebert::hw
