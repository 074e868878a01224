#include "hw/soc/irq_link.hpp"

namespace edgebert::hw {

IrqLink::IrqLink(sc_core::sc_module_name name, MeshNoc& noc, TraceSignal<bool>& source, int x0, int y0, int x1,
                 int y1)
    : sc_module(name), out("out", false), noc_(noc), source_(source), x0_(x0), y0_(y0), x1_(x1), y1_(y1) {
    SC_HAS_PROCESS(IrqLink);
    SC_METHOD(on_source);
    sensitive << source_.posedge_event();
    dont_initialize();
    SC_METHOD(on_arrival);
    sensitive << arrive_;
    dont_initialize();
    SC_METHOD(on_drop);
    sensitive << drop_;
    dont_initialize();
}

void IrqLink::on_source() { arrive_.notify(noc_.send_message(NocPlane::Irq, x0_, y0_, x1_, y1_, 1)); }

void IrqLink::on_arrival() {
    ++delivered_;
    out.write(true);
    drop_.notify(noc_.config().cycle());
}

void IrqLink::on_drop() { out.write(false); }

}  // namespace edgebert::hw
