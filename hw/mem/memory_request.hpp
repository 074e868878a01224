// What a transaction that reaches the memory tile is, for the LLC and the
// coherence checks: a line fill or writeback of the CPU tile's caches or of an
// accelerator tile's private cache in fully coherent mode (on the coherence
// plane; timing only, the data already lives in DRAM because the caches are
// timing models), or an accelerator's DMA with the coherence mode of its
// invocation. An accelerator cache's AccFill brings a line for a read
// (shared) or, `exclusive`, for a write (the other copies are invalidated);
// AccOwn is the ownership of a line the accelerator overwrites whole (no LLC
// lookup needed). Both are reads on the NoC: the answer carries the line. A transaction without this extension is an uncached
// access that goes straight to the memory controller.
#pragma once

#include <tlm>

#include "hw/mem/coherence.hpp"

namespace edgebert::hw {

struct MemoryRequest : tlm::tlm_extension<MemoryRequest> {
    enum class Kind : uint8_t { CpuFill, CpuWriteback, Dma, AccFill, AccOwn, AccWriteback };
    Kind kind = Kind::Dma;
    DmaCoherence mode = DmaCoherence::Recall;
    int tile = -1;  // the initiator's tile index in the SoC config
    bool exclusive = false;  // AccFill: for a write (AccOwn always is)

    tlm::tlm_extension_base* clone() const override { return new MemoryRequest(*this); }
    void copy_from(const tlm::tlm_extension_base& e) override { *this = static_cast<const MemoryRequest&>(e); }
};

}  // namespace edgebert::hw
