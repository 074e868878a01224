// ESP's DMA coherence modes of an accelerator invocation (the values a driver
// writes to its tile's coherence CSR and passes to esp_flush):
//   None   non-coherent DMA: straight to the memory controller, bypassing the
//          LLC; software flushes the private caches and the LLC first.
//   Llc    LLC-coherent DMA: through the LLC; software flushes the private caches.
//   Recall coherent DMA: through the LLC, which recalls (writes back or
//          invalidates) lines held by the private caches in hardware.
//   Full   fully coherent: through the accelerator tile's own private cache,
//          kept coherent with the CPU's by the directory.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace edgebert::hw {

enum class DmaCoherence : uint32_t { None = 0, Llc = 1, Recall = 2, Full = 3 };
inline constexpr uint32_t kDmaCoherenceModes = 4;

inline const char* to_string(DmaCoherence c) {
    switch (c) {
        case DmaCoherence::None: return "none";
        case DmaCoherence::Llc: return "llc";
        case DmaCoherence::Recall: return "recall";
        case DmaCoherence::Full: return "full";
    }
    return "?";
}

inline std::optional<DmaCoherence> dma_coherence_from_value(uint32_t v) {
    if (v < kDmaCoherenceModes) return static_cast<DmaCoherence>(v);
    return std::nullopt;
}

inline std::optional<DmaCoherence> dma_coherence_from_name(std::string_view s) {
    for (uint32_t v = 0; v < kDmaCoherenceModes; ++v)
        if (s == to_string(static_cast<DmaCoherence>(v))) return static_cast<DmaCoherence>(v);
    return std::nullopt;
}

}  // namespace edgebert::hw
