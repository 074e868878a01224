// An interrupt line crossing the mesh on the NoC's interrupt plane: a rising
// edge at the source tile arrives at the PLIC after the plane's latency for a
// one-flit message, as a pulse of one NoC cycle.
#pragma once

#include <systemc>

#include "hw/edgebert/trace_signal.hpp"
#include "hw/noc/mesh_noc.hpp"

namespace edgebert::hw {

class IrqLink : public sc_core::sc_module {
public:
    IrqLink(sc_core::sc_module_name name, MeshNoc& noc, TraceSignal<bool>& source, int x0, int y0, int x1, int y1);

    TraceSignal<bool> out;  // to the PLIC gateway
    uint64_t delivered() const { return delivered_; }

private:
    void on_source();   // SC_METHOD on the source's rising edge
    void on_arrival();  // SC_METHOD: raise the pulse
    void on_drop();     // SC_METHOD: end the pulse

    MeshNoc& noc_;
    TraceSignal<bool>& source_;
    int x0_, y0_, x1_, y1_;
    sc_core::sc_event arrive_, drop_;
    uint64_t delivered_ = 0;
};

}  // namespace edgebert::hw
