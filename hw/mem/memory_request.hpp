// What a transaction that reaches the memory tile is, for the LLC and the
// coherence checks: a line fill or writeback of the CPU tile's caches or of an
// accelerator tile's private cache in fully coherent mode (on the coherence
// plane; timing only, the data already lives in DRAM because the caches are
// timing models), or an accelerator's DMA with the coherence mode of its
// invocation. An accelerator cache's AccFill brings a line for a read
// (shared) or, `exclusive`, for a write (the other copies are invalidated);
// AccOwn is the ownership of a line the accelerator overwrites whole (no LLC
// lookup needed). Both are reads on the NoC: the answer carries the line. A
// transaction without this extension is an uncached access that goes straight
// to the memory controller.
#pragma once

#include <fmt/format.h>

#include <tlm>

#include "common/error.hpp"

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

// Sends one timing-only line transaction `req` (a fill or writeback of a
// cache: the memory tile charges it and leaves the data alone) through
// `socket`, `delay` ahead of now; `delay` comes back annotated. `scratch`
// holds at least `bytes` and is never read or written. An error response is
// an Error naming `who`, the line and the response.
template <class Socket>
void send_line_request(Socket& socket, MemoryRequest& req, tlm::tlm_command cmd, uint64_t addr, unsigned bytes,
                       unsigned char* scratch, sc_core::sc_time& delay, const char* who) {
    tlm::tlm_generic_payload t;
    t.set_command(cmd);
    t.set_address(addr);
    t.set_data_ptr(scratch);
    t.set_data_length(bytes);
    t.set_streaming_width(bytes);
    t.set_byte_enable_ptr(nullptr);
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    t.set_extension(&req);
    socket->b_transport(t, delay);
    t.clear_extension(&req);
    if (t.is_response_error())
        throw Error(fmt::format("{}: the memory tile refused a line {} at 0x{:x} ({})", who,
                                cmd == tlm::TLM_WRITE_COMMAND ? "writeback" : "fill", addr, t.get_response_string()));
}

}  // namespace edgebert::hw
