// What a transaction that reaches the memory tile is, for the LLC and the
// coherence checks: a line fill or writeback of the CPU tile's caches (on the
// coherence plane; timing only, the data already lives in DRAM because the
// caches are timing models), or an accelerator's DMA with the coherence mode
// of its invocation. A transaction without this extension is an uncached
// access that goes straight to the memory controller.
#pragma once

#include <tlm>

#include "hw/mem/coherence.hpp"

namespace edgebert::hw {

struct MemoryRequest : tlm::tlm_extension<MemoryRequest> {
    enum class Kind : uint8_t { CpuFill, CpuWriteback, Dma };
    Kind kind = Kind::Dma;
    DmaCoherence mode = DmaCoherence::Recall;
    int tile = -1;  // the initiator's tile index in the SoC config

    tlm::tlm_extension_base* clone() const override { return new MemoryRequest(*this); }
    void copy_from(const tlm::tlm_extension_base& e) override { *this = static_cast<const MemoryRequest&>(e); }
};

}  // namespace edgebert::hw
