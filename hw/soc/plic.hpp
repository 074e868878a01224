// A PLIC-style platform-level interrupt controller (TLM-2.0 register target)
// with one context: hart 0, M-mode. The register layout is the SiFive / ESP
// one, so ESP's drivers and the RISC-V PLIC spec apply unchanged:
//
// | offset (from base)      | register                                    | access |
// |-------------------------|---------------------------------------------|--------|
// | 0x000000 + 4 * id       | priority of source id (id 0 reserved: RAZ)  | RW     |
// | 0x001000 + 4 * w        | pending bits of sources 32w .. 32w + 31     | RO     |
// | 0x002000 + 4 * w        | enable bits of context 0, same packing      | RW     |
// | 0x200000                | priority threshold of context 0             | RW     |
// | 0x200004                | claim (read) / complete (write)             | RW     |
//
// Only 32-bit, 4-byte-aligned accesses are accepted (TLM_BURST_ERROR_RESPONSE
// for another length or a narrow streaming width, TLM_ADDRESS_ERROR_RESPONSE
// for a misaligned address or one outside [base, base + 0x4000000),
// TLM_BYTE_ENABLE_ERROR_RESPONSE for a partial byte enable). Unimplemented
// offsets inside the window read as zero and ignore writes; so do the
// priority, pending and enable bits of sources >= num_sources and of source 0.
// Priorities and the threshold keep their low priority_bits bits.
//
// Gateways: connect_source() spawns one SC_METHOD per line, sensitive to its
// rising edge (the tiles pulse their interrupt). After gateway_latency_cycles
// the source's pending bit is set; an edge while it is already pending is
// merged (counted in stats().merged_edges).
//
// Claim returns the highest-priority source that is pending, enabled, not in
// service and above the threshold (ties: lowest id), or 0; it clears the
// pending bit and marks the source in service. Writing the id to the complete
// register ends service (ids not in service are ignored); an edge during
// service sets pending again, so it is delivered after completion.
//
//     ext_irq = OR over sources of (pending & enabled & !in_service
//                                   & priority > threshold)
//
// i.e. ext_irq is high exactly when a claim would return a non-zero id. It is
// updated at once (next delta) on every register access and gateway event.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "hw/edgebert/trace_signal.hpp"

namespace edgebert::hw {

struct PlicConfig {
    uint64_t base = 0x6c00'0000;
    int num_sources = 32;             // source ids 0 .. num_sources - 1; 0 is reserved
    int priority_bits = 3;            // priorities and threshold in [0, 2^bits - 1]
    int gateway_latency_cycles = 0;   // rising edge to pending bit
    int access_latency_cycles = 1;    // added to the delay of every register access
    double clock_mhz = 1000.0;        // clock of the cycle figures above

    // Throws ConfigError naming '<prefix><field>' and the allowed range.
    void validate(const std::string& origin, const std::string& prefix = "") const;
};

class Plic : public sc_core::sc_module {
public:
    static constexpr uint64_t kPriorityOffset = 0x0;
    static constexpr uint64_t kPendingOffset = 0x1000;
    static constexpr uint64_t kEnableOffset = 0x2000;  // context 0
    static constexpr uint64_t kThresholdOffset = 0x200000;
    static constexpr uint64_t kClaimOffset = 0x200004;
    static constexpr uint64_t kWindowBytes = 0x4000000;

    struct Stats {
        uint64_t edges = 0;         // rising edges (and trigger() calls) seen by the gateways
        uint64_t merged_edges = 0;  // ... that found their source already pending
        uint64_t claims = 0;        // claims that returned a source
        uint64_t empty_claims = 0;  // claims that returned 0
        uint64_t completes = 0;     // completions that ended a service
        uint64_t ignored_completes = 0;
        uint64_t errors = 0;        // accesses answered with an error response
    };

    tlm_utils::simple_target_socket<Plic> socket;
    TraceSignal<bool> ext_irq;  // machine external interrupt of hart 0

    Plic(sc_core::sc_module_name name, const PlicConfig& config = PlicConfig{});

    // Spawns the gateway of source `id` (1 .. num_sources - 1), an SC_METHOD
    // sensitive to the line's rising edge. Throws Error for a bad or already
    // connected id.
    void connect_source(int id, TraceSignal<bool>& line);
    // The same as a rising edge on the line of `id` now (works unconnected too).
    void trigger(int id);

    // Direct (C++) access for models that bypass the bus; the registers use these.
    uint32_t claim();                // as a read of the claim register
    void complete(uint32_t id);      // as a write to the complete register
    uint32_t peek_claim() const;     // what claim() would return, without side effects

    bool pending(int id) const;
    bool in_service(int id) const;
    bool enabled(int id) const;
    uint32_t priority(int id) const;
    uint32_t threshold() const { return threshold_; }
    bool irq_level() const;          // the value ext_irq is being driven to

    const PlicConfig& config() const { return cfg_; }
    const Stats& stats() const { return stats_; }

private:
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    unsigned int transport_dbg(tlm::tlm_generic_payload& trans);  // reads only, no side effects
    // Access check shared by both paths; returns OK or the error to answer.
    tlm::tlm_response_status check(const tlm::tlm_generic_payload& trans) const;
    uint32_t read_reg(uint64_t offset, bool side_effects);
    void write_reg(uint64_t offset, uint32_t value);

    void on_edge(int id);          // gateway: an edge arrived
    void gateway_release();        // SC_METHOD: delayed edges become pending
    void set_pending(int id);
    void update_output();
    void check_id(const char* what, int id) const;
    bool eligible(size_t id) const;
    sc_core::sc_time cycles(uint64_t n) const { return sc_core::sc_time::from_value(cycle_.value() * n); }

    PlicConfig cfg_;
    sc_core::sc_time cycle_;
    uint32_t prio_mask_;
    std::vector<uint32_t> priority_;
    std::vector<bool> pending_, enabled_, in_service_, connected_;
    uint32_t threshold_ = 0;
    std::deque<std::pair<sc_core::sc_time, int>> in_flight_;  // (absolute release time, id), in order
    sc_core::sc_event release_ev_;
    Stats stats_;
};

}  // namespace edgebert::hw
