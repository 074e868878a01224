// AXI arbiter: joins the three DMA engines (mask, input, aux) onto the tile's
// single 64-bit AXI master port. Each burst is one TLM transaction; the port is
// granted round-robin, and a burst that finds the port busy waits for it.
// The arbiter charges the address/response overhead of every burst; the memory
// side annotates its own latency and data beats.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <array>
#include <cstdint>

#include "hw/edgebert/tile_config.hpp"

namespace edgebert::hw {

class Adpll;

class AxiArbiter : public sc_core::sc_module {
public:
    static constexpr int kRequesters = 3;  // mask, input, aux DMA

    AxiArbiter(sc_core::sc_module_name name, const EdgebertTileConfig& cfg, const Adpll& clock);

    tlm_utils::simple_initiator_socket<AxiArbiter> master;

    // Issues one burst for `requester`; adds its latency to `delay` (loosely
    // timed: the caller is at sc_time_stamp() + delay when it calls).
    void transport(int requester, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);

    uint64_t bursts(int requester) const { return bursts_[static_cast<size_t>(requester)]; }
    uint64_t bytes(int requester) const { return bytes_[static_cast<size_t>(requester)]; }
    uint64_t conflicts() const { return conflicts_; }

private:
    const EdgebertTileConfig& cfg_;
    const Adpll& clock_;
    sc_core::sc_time port_free_at_;  // absolute time the data port is next free
    std::array<uint64_t, kRequesters> bursts_{};
    std::array<uint64_t, kRequesters> bytes_{};
    uint64_t conflicts_ = 0;
};

}  // namespace edgebert::hw
