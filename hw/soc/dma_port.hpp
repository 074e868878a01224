// The DMA port of an accelerator tile: tags every DMA transaction with the
// coherence mode of the tile's current invocation (ESP's per-tile coherence
// CSR), so the memory tile routes it around or through the LLC.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "hw/mem/memory_request.hpp"

namespace edgebert::hw {

class DmaPort : public sc_core::sc_module {
public:
    DmaPort(sc_core::sc_module_name name, int tile, DmaCoherence mode)
        : sc_module(name), in("in"), out("out"), tile_(tile), mode_(mode) {
        in.register_b_transport(this, &DmaPort::b_transport);
        in.register_transport_dbg(this, &DmaPort::transport_dbg);
    }

    tlm_utils::simple_target_socket<DmaPort> in;
    tlm_utils::simple_initiator_socket<DmaPort> out;

    DmaCoherence mode() const { return mode_; }
    void set_mode(DmaCoherence m) { mode_ = m; }

private:
    void b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay) {
        MemoryRequest req;
        req.kind = MemoryRequest::Kind::Dma;
        req.mode = mode_;
        req.tile = tile_;
        MemoryRequest* previous = t.set_extension(&req);
        out->b_transport(t, delay);
        t.clear_extension(&req);
        if (previous) t.set_extension(previous);
    }
    unsigned int transport_dbg(tlm::tlm_generic_payload& t) { return out->transport_dbg(t); }

    int tile_;
    DmaCoherence mode_;
};

}  // namespace edgebert::hw
