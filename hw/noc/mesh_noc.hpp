// Packet-switched 2D mesh network-on-chip (ESP style), loosely timed TLM-2.0.
//
// Topology. cols x rows tiles; tile (x, y) has x in [0, cols) and y in [0, rows),
// row 0 drawn at the top as in ESP's floor plans: East is x + 1, West x - 1,
// South y + 1, North y - 1. Every tile owns one router per plane. A router has
// four output links to its neighbours plus the two local ports of its tile:
// Inject (tile -> router, shared by everything on the tile that sends) and
// Eject (router -> tile). Each of these is a directed link with its own
// reservation and statistics; there are four independent physical planes
// (DMA, MMIO, IRQ, coherence), so traffic on one plane never delays another.
//
// Routing. Dimension order, X then Y: a packet first moves along its row to the
// destination column, then along that column.
//
// Packets. A packet is header_flits header flits plus data flits, one flit
// carrying link_width_bits / 8 bytes:
//   request   write: header + ceil(bytes / link_bytes)    read: header
//   response  read : header + ceil(bytes / link_bytes)    write: header
// An error response (status not OK) and TLM_IGNORE_COMMAND carry the header only.
// Requests and responses travel on the plane of the initiator that issued them
// (ESP separates them onto different planes; here they share a plane but, going
// in opposite directions, mostly use different directed links).
//
// Timing (see route()). With R = router_latency_cycles and F flits, a packet
// leaving tile (x0,y0) at time t for tile (x1,y1), h = |x1-x0| + |y1-y0| hops
// away, on an idle network delivers its tail at
//     t + (h * R + F) cycles
// (the head pipelines through h routers, then the F flits serialise into the
// destination); a local packet (h = 0, source tile = destination tile) costs F
// cycles. Contention: every directed link keeps its reservations (absolute
// times). The head claims the injection port, then each link on its path, then
// the ejection port, each as soon as the head is there and the link is free,
// and holds it for F cycles (a wormhole approximation); after claiming an
// inter-router link the head reaches the next router R cycles later. Time the
// head spends waiting is counted per link. How "free" is decided is the
// config's `reservation`:
//   first_fit (default): a link keeps its busy intervals; the head takes the
//     first gap of F cycles at or after its arrival. Under loosely-timed
//     temporal decoupling transactions reach the interconnect out of
//     simulated-time order (and b_transport reserves a response's links at a
//     future time in the same call), so a packet may find reservations made
//     for later times; first_fit lets it use the gap before them.
//   busy_until: a link keeps only the end of its latest reservation and a
//     packet always queues behind it, even when that reservation lies in the
//     packet's future. Pessimistic under temporal decoupling: in the random
//     traffic test (12 initiators, syncing after every transaction) packets
//     waited ~23 cycles on average against ~6 with first_fit, and the busiest
//     link reached 23 % utilisation against 41 %.
// Both are identical when packets arrive in time order. Either way a packet
// that arrives first keeps its reservation: arrival order, not simulated time,
// decides who wins a conflict. Intervals that ended before sc_time_stamp() are
// forgotten, so route() expects start >= sc_time_stamp() (always true for an
// LT initiator, whose local time is never behind the global time).
//
// What is not modelled: virtual channels; credit backpressure (a blocked head
// does not stretch the reservation of the links behind it; each link is held
// exactly F cycles); buffer capacities and head-of-line blocking inside
// routers; clock-edge alignment (packets start at any sc_time); separate
// request/response planes (see Packets).
//
// Address map. Targets register a window [base, base + size) and a tile;
// b_transport decodes the (global) address and forwards the transaction
// unchanged (targets know their own base). A transaction whose first byte is
// mapped goes to that target even if it runs past the window's end; the target
// rejects it. An unmapped address is answered by the initiator's network
// interface itself: TLM_ADDRESS_ERROR_RESPONSE, no packet enters the mesh and
// no delay is added (counted as a decode error of the initiator's plane).
//
// Binding. Register an initiator with add_initiator(), then bind its socket to
// `in` before registering the next one: the returned index is the socket's
// binding index, and add_initiator() checks that the previous one was bound.
// Targets likewise with add_target() and `out`. check_bindings() (also run at
// end of elaboration) checks that the counts match. SystemC requires both
// sockets to be bound at least once before simulation starts.
// Hierarchical binding of the multi-sockets is not supported. DMI is not
// offered through the mesh; transport_dbg is forwarded by address, untimed and
// uncounted.
//
// Statistics. Per directed link and plane: packets, flits, busy cycles, wait
// cycles; per plane: transactions, decode errors, packets, flits, link flits,
// busy and wait cycles, summed latency. Utilisation = busy cycles / elapsed
// cycles (per link; per plane, averaged over all its links). stats_json()
// dumps all of it for reports.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include "hw/noc/noc_config.hpp"

namespace edgebert::hw {

// Coh: the coherence plane, carrying the CPU tile's cache misses, writebacks
// and recalls to and from the memory tile's LLC.
enum class NocPlane { Dma = 0, Mmio = 1, Irq = 2, Coh = 3 };
inline constexpr int kNocPlanes = 4;
const char* to_string(NocPlane p);  // "dma", "mmio", "irq", "coh"

// Output links of the router of one tile (Inject is the tile's link into it).
enum class NocPort { East = 0, West = 1, South = 2, North = 3, Inject = 4, Eject = 5 };
inline constexpr int kNocPorts = 6;
const char* to_string(NocPort p);  // "east", ..., "inject", "eject"

struct NocLinkStats {
    uint64_t packets = 0;
    uint64_t flits = 0;
    // Cycles the link was reserved. Equal to flits in this model (one flit per
    // cycle, no stalls once a link is claimed); kept apart for reports.
    uint64_t busy_cycles = 0;
    double wait_cycles = 0;  // heads waiting for this link to become free
};

struct NocPlaneStats {
    uint64_t transactions = 0;   // b_transport calls decoded to a target
    uint64_t decode_errors = 0;  // b_transport calls to unmapped addresses
    uint64_t packets = 0;        // packets sent (requests, responses, messages)
    uint64_t flits = 0;          // their flits (each packet counted once)
    uint64_t link_flits = 0;     // flits summed over every link crossed (incl. inject/eject)
    uint64_t busy_cycles = 0;    // busy cycles summed over all links
    double wait_cycles = 0;      // contention: head waiting, summed over links
    double latency_cycles = 0;   // packet latencies (start to tail delivered), summed
};

// One b_transport through the mesh, for observers (waveforms): who, what, when.
struct NocTransfer {
    int initiator = -1;           // index of add_initiator()
    int target = -1;              // index of add_target()
    NocPlane plane = NocPlane::Mmio;
    const tlm::tlm_generic_payload* trans = nullptr;  // after the target answered (read data present)
    sc_core::sc_time start;       // the request enters the mesh (sc_time_stamp() + delay at the call)
    sc_core::sc_time end;         // the response's tail is back at the initiator
};

class MeshNoc : public sc_core::sc_module {
public:
    // One directed link on a path: the output `port` of router (x, y).
    struct Hop {
        int x;
        int y;
        NocPort port;
        bool operator==(const Hop& o) const { return x == o.x && y == o.y && port == o.port; }
    };

    tlm_utils::multi_passthrough_target_socket<MeshNoc> in;    // initiators bind here
    tlm_utils::multi_passthrough_initiator_socket<MeshNoc> out;  // bind to targets

    // Validates `cfg` (errors name the module); the config is copied.
    MeshNoc(sc_core::sc_module_name name, const NocConfig& cfg);

    // Registers the initiator whose socket is bound to `in` next; returns its
    // index (= binding index). Throws ConfigError for an off-grid tile or if
    // the previously registered initiator was not bound yet.
    int add_initiator(int x, int y, NocPlane plane, std::string name);
    // Registers the target bound to `out` next; returns its index. Throws
    // ConfigError for an off-grid tile, a zero size, a window past 2^64, an
    // overlap with another target (naming both and their ranges) or an unbound
    // previous target.
    int add_target(int x, int y, uint64_t base, uint64_t size, std::string name);
    // Throws ConfigError unless every registered initiator and target is bound
    // and nothing unregistered is.
    void check_bindings();

    const NocConfig& config() const { return cfg_; }
    sc_core::sc_time cycle() const { return cycle_; }
    int num_initiators() const { return static_cast<int>(initiators_.size()); }
    int num_targets() const { return static_cast<int>(targets_.size()); }
    // Target index for an address, -1 if unmapped.
    int decode(uint64_t addr) const;

    // Packet sizes in flits (see the header comment).
    uint64_t data_flits(uint64_t bytes) const;
    uint64_t request_flits(tlm::tlm_command cmd, uint64_t bytes) const;
    uint64_t response_flits(tlm::tlm_command cmd, uint64_t bytes, bool ok) const;
    // Number of hops of the X-Y route.
    static int hops(int x0, int y0, int x1, int y1);
    // Latency on an idle network: (hops * router_latency + flits) cycles.
    sc_core::sc_time uncontended_latency(int x0, int y0, int x1, int y1, uint64_t flits) const;
    // The directed links a packet crosses: Inject at the source, the X-Y hops,
    // Eject at the destination.
    std::vector<Hop> path(int x0, int y0, int x1, int y1) const;
    // True if router (x, y) has output `port` (edge routers lack some).
    bool has_link(int x, int y, NocPort port) const;

    // Sends one packet of `flits` flits whose head is ready at absolute time
    // `start`: reserves the links on its path and returns the absolute time its
    // tail reaches the destination tile. Throws Error for off-grid tiles or
    // flits < 1.
    sc_core::sc_time route(NocPlane plane, int x0, int y0, int x1, int y1, int flits, sc_core::sc_time start);
    // route() starting now (sc_time_stamp()); returns the latency from now. For
    // messages that are not TLM transactions, e.g. an interrupt line crossing
    // the mesh on the IRQ plane.
    sc_core::sc_time send_message(NocPlane plane, int x0, int y0, int x1, int y1, int flits);

    // Observers (off by default; free when off): every transaction decoded to a
    // target, once answered; every packet routed (requests, responses and
    // messages) with its head's start and its tail's delivery time.
    void set_transfer_observer(std::function<void(const NocTransfer&)> fn) { transfer_observer_ = std::move(fn); }
    void set_packet_observer(std::function<void(NocPlane, uint64_t flits, sc_core::sc_time start, sc_core::sc_time tail)> fn) {
        packet_observer_ = std::move(fn);
    }
    const std::string& initiator_name(int i) const { return initiators_.at(static_cast<size_t>(i)).name; }
    const std::string& target_name(int t) const { return targets_.at(static_cast<size_t>(t)).name; }
    uint64_t target_base(int t) const { return targets_.at(static_cast<size_t>(t)).base; }

    // Statistics.
    const NocLinkStats& link_stats(NocPlane plane, int x, int y, NocPort port) const;  // Error if no such link
    const NocPlaneStats& plane_stats(NocPlane plane) const { return planes_[idx(plane)].stats; }
    int links_per_plane() const;  // directed links that exist, inject/eject included
    // The latest end of any link reservation (absolute).
    sc_core::sc_time horizon() const { return horizon_; }
    // Default elapsed time for utilisation: max(sc_time_stamp(), horizon()).
    sc_core::sc_time elapsed() const;
    // busy cycles / elapsed cycles (0 when elapsed is 0).
    double link_utilization(NocPlane plane, int x, int y, NocPort port, sc_core::sc_time elapsed) const;
    // Mean over the plane's links of their utilisation.
    double plane_utilization(NocPlane plane, sc_core::sc_time elapsed) const;
    // Config, elapsed cycles, per plane totals and utilisation, and the links
    // that carried traffic (links_total says how many exist).
    boost::json::object stats_json(sc_core::sc_time elapsed) const;
    boost::json::object stats_json() const { return stats_json(elapsed()); }

protected:
    void before_end_of_elaboration() override;
    void end_of_elaboration() override;

private:
    struct Endpoint {
        int x;
        int y;
        std::string name;
    };
    struct InitiatorInfo : Endpoint {
        NocPlane plane;
    };
    struct TargetInfo : Endpoint {
        uint64_t base;
        uint64_t size;
    };
    struct Link {
        sc_core::sc_time busy_until = sc_core::SC_ZERO_TIME;  // end of the latest reservation
        // FirstFit: disjoint busy intervals [start, end) sorted by start,
        // touching ones merged; those before `head` ended before
        // sc_time_stamp() and are history. A sorted vector, because packets
        // mostly arrive in time order: appending is the common case.
        std::vector<std::pair<sc_core::sc_time, sc_core::sc_time>> busy;
        size_t head = 0;
        NocLinkStats stats;
    };
    struct Plane {
        std::vector<Link> links;  // indexed by link_index()
        NocPlaneStats stats;
    };

    static int idx(NocPlane p) { return static_cast<int>(p); }
    size_t link_index(int x, int y, NocPort port) const {
        return (static_cast<size_t>(y) * static_cast<size_t>(cfg_.cols) + static_cast<size_t>(x)) * kNocPorts +
               static_cast<size_t>(port);
    }
    bool on_grid(int x, int y) const { return x >= 0 && x < cfg_.cols && y >= 0 && y < cfg_.rows; }
    void check_tile(const char* what, const std::string& name, int x, int y) const;
    sc_core::sc_time cycles(uint64_t n) const { return sc_core::sc_time::from_value(cycle_.value() * n); }
    double to_cycles(const sc_core::sc_time& t) const {
        return static_cast<double>(t.value()) / static_cast<double>(cycle_.value());  // exact for whole cycles
    }
    sc_core::sc_time route_packet(NocPlane plane, int x0, int y0, int x1, int y1, uint64_t flits,
                                  sc_core::sc_time start);
    sc_core::sc_time reserve(Plane& p, int x, int y, NocPort port, uint64_t flits, sc_core::sc_time ready);
    static sc_core::sc_time first_fit(Link& l, sc_core::sc_time ready, sc_core::sc_time length);

    void b_transport(int id, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    unsigned int transport_dbg(int id, tlm::tlm_generic_payload& trans);

    NocConfig cfg_;
    sc_core::sc_time cycle_;
    std::vector<InitiatorInfo> initiators_;
    std::vector<TargetInfo> targets_;
    std::map<uint64_t, int> by_base_;  // window base -> target index
    std::array<Plane, kNocPlanes> planes_;
    sc_core::sc_time horizon_ = sc_core::SC_ZERO_TIME;
    std::function<void(const NocTransfer&)> transfer_observer_;
    std::function<void(NocPlane, uint64_t, sc_core::sc_time, sc_core::sc_time)> packet_observer_;
    // The target socket's callbacks are registered at before_end_of_elaboration,
    // so that until then in.size() counts exactly the bound initiators (a
    // registration creates a placeholder binding); the count is frozen then.
    bool callbacks_registered_ = false;
    int bound_initiators_at_elaboration_ = 0;
    int bound_initiators();
};

}  // namespace edgebert::hw
