#include "hw/edgebert/axi_arbiter.hpp"

#include "hw/edgebert/adpll.hpp"

namespace edgebert::hw {

AxiArbiter::AxiArbiter(sc_core::sc_module_name name, const EdgebertTileConfig& cfg, const Adpll& clock)
    : sc_module(name), master("master"), cfg_(cfg), clock_(clock), port_free_at_(sc_core::SC_ZERO_TIME) {}

void AxiArbiter::transport(int requester, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    // Requests are served in the order they reach the port; with the control
    // unit running one DMA command at a time they never overlap in practice,
    // but a second engine would queue here behind the first one's burst.
    const sc_core::sc_time start = sc_core::sc_time_stamp() + delay;
    if (start < port_free_at_) {
        ++conflicts_;
        delay += port_free_at_ - start;
    }
    delay += clock_.period() * static_cast<double>(cfg_.timing.axi_burst_overhead_cycles);
    // The port moves one beat of axi_data_bits per tile cycle: a burst takes at least
    // its beats, however fast the memory behind it answers (docs/tile-timing.md, "DMA").
    const uint64_t beat = static_cast<uint64_t>(cfg_.axi_beat_bytes());
    const sc_core::sc_time data_phase_end = sc_core::sc_time_stamp() + delay +
        clock_.period() * static_cast<double>((trans.get_data_length() + beat - 1) / beat);
    master->b_transport(trans, delay);
    if (sc_core::sc_time_stamp() + delay < data_phase_end) delay = data_phase_end - sc_core::sc_time_stamp();
    port_free_at_ = sc_core::sc_time_stamp() + delay;
    ++bursts_[static_cast<size_t>(requester)];
    bytes_[static_cast<size_t>(requester)] += trans.get_data_length();
}

}  // namespace edgebert::hw
