// Register-window adapter: the NoC delivers global addresses, while a tile's
// register block decodes offsets from its own base (as the silicon's AXI-lite
// slaves do). Subtracts the base on the way in and restores it on the way out.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>

namespace edgebert::hw {

class WindowAdapter : public sc_core::sc_module {
public:
    WindowAdapter(sc_core::sc_module_name name, uint64_t base)
        : sc_module(name), in("in"), out("out"), base_(base) {
        in.register_b_transport(this, &WindowAdapter::b_transport);
        in.register_transport_dbg(this, &WindowAdapter::transport_dbg);
    }

    tlm_utils::simple_target_socket<WindowAdapter> in;
    tlm_utils::simple_initiator_socket<WindowAdapter> out;

private:
    void b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay) {
        const uint64_t a = t.get_address();
        t.set_address(a - base_);
        out->b_transport(t, delay);
        t.set_address(a);
    }
    unsigned int transport_dbg(tlm::tlm_generic_payload& t) {
        const uint64_t a = t.get_address();
        t.set_address(a - base_);
        const unsigned n = out->transport_dbg(t);
        t.set_address(a);
        return n;
    }

    uint64_t base_;
};

}  // namespace edgebert::hw
