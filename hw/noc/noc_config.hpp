// Parameters of the mesh network-on-chip, in one validated object.
//
// Read from the "noc" section of a SoC config. The defaults describe a small
// ESP-style SoC: a 3 x 2 tile grid, 64-bit links, two-cycle routers, 1 GHz.
#pragma once

#include <string>

#include <systemc>

namespace edgebert {
class JsonReader;
}

namespace edgebert::hw {

// How a link's reservations are kept (see mesh_noc.hpp, "Timing").
//   FirstFit : the set of busy intervals; a packet takes the first gap of its
//              length at or after its arrival, so a transaction that reaches
//              the interconnect late under temporal decoupling can still use
//              a gap before reservations made for later times.
//   BusyUntil: one "busy until" time; a packet always queues behind the
//              latest reservation, even one made for a later time.
// Both give identical timing when packets arrive in time order.
enum class NocReservation { FirstFit, BusyUntil };
const char* to_string(NocReservation r);  // "first_fit", "busy_until"

struct NocConfig {
    int cols = 3;                   // tiles along x, [1, 16]
    int rows = 2;                   // tiles along y, [1, 16]
    int router_latency_cycles = 2;  // head latency per hop (router + link), [0, 64]
    int link_width_bits = 64;       // one flit per link per cycle; multiple of 8 in [8, 1024]
    double clock_mhz = 1000;        // NoC clock, (0, 10000]
    int header_flits = 1;           // flits of every packet's header, [1, 8]
    NocReservation reservation = NocReservation::FirstFit;  // "first_fit" | "busy_until"

    // Throws ConfigError "<origin>: field 'noc.<name>' = <value> ..." with the allowed range.
    void validate(const std::string& origin) const;

    int link_bytes() const { return link_width_bits / 8; }
    int tiles() const { return cols * rows; }
    // One NoC clock period (rounded to the SystemC time resolution).
    sc_core::sc_time cycle() const { return sc_core::sc_time(1000.0 / clock_mhz, sc_core::SC_NS); }
};

// Reads the "noc" section (`section` is the reader of that object, e.g.
// root.child("noc")); rejects unknown keys and validates the result.
NocConfig parse_noc_config(const edgebert::JsonReader& section);

}  // namespace edgebert::hw
