// Pieces shared by the memory-tile benches (tests/unit/mem/test_memory_tile.cpp,
// tests/unit/soc/test_dma_full.cpp): the default DRAM window and line, cycle
// conversions at the 1 GHz default clocks, what one transaction cost, an
// initiator that only binds a reference Dram's socket, and one payload sender.
#pragma once

#include <cstdint>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "hw/mem/memory_request.hpp"

namespace edgebert::test {

inline constexpr uint64_t kBase = 0x8000'0000;  // DramConfig's default window
inline constexpr uint64_t kLine = 16;            // every cache line of the default hierarchy
inline constexpr uint64_t kBankStride = 2048;    // next DRAM bank (row_bytes), same row
inline constexpr unsigned kLlcHit = 10;          // default LLC hit latency (memory-tile cycles)

inline uint64_t cycles_of(sc_core::sc_time t) {
    return static_cast<uint64_t>(t / sc_core::sc_time(1, sc_core::SC_NS) + 0.5);
}
inline sc_core::sc_time cyc(uint64_t n) { return sc_core::sc_time(static_cast<double>(n), sc_core::SC_NS); }

// What one transaction cost, and when it started (absolute).
struct Outcome {
    tlm::tlm_response_status status = tlm::TLM_INCOMPLETE_RESPONSE;
    uint64_t cycles = 0;
    sc_core::sc_time start;
};

// An initiator that only exists so a reference Dram's socket is bound.
struct Unused : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<Unused> socket;
    explicit Unused(sc_core::sc_module_name n) : sc_core::sc_module(n), socket("socket") {}
};

// One b_transport of `data` at `addr`, tagged with `req` when given; returns the response.
template <class Socket>
tlm::tlm_response_status transport(Socket& s, tlm::tlm_command cmd, hw::MemoryRequest* req, uint64_t addr,
                                   std::vector<uint8_t>& data, sc_core::sc_time& delay) {
    tlm::tlm_generic_payload t;
    t.set_command(cmd);
    t.set_address(addr);
    t.set_data_ptr(data.data());
    t.set_data_length(static_cast<unsigned>(data.size()));
    t.set_streaming_width(static_cast<unsigned>(data.size()));
    t.set_byte_enable_ptr(nullptr);
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    if (req) t.set_extension(req);
    s->b_transport(t, delay);
    if (req) t.clear_extension(req);
    return t.get_response_status();
}

}  // namespace edgebert::test
