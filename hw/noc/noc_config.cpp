#include "hw/noc/noc_config.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include "common/error.hpp"
#include "common/json_reader.hpp"

namespace edgebert::hw {

const char* to_string(NocReservation r) {
    return r == NocReservation::BusyUntil ? "busy_until" : "first_fit";
}

void NocConfig::validate(const std::string& origin) const {
    auto bad = [&](const char* field, const std::string& what) {
        throw ConfigError(fmt::format("{}: field 'noc.{}' {}", origin, field, what));
    };
    auto range = [&](const char* field, int v, int lo, int hi) {
        if (v < lo || v > hi) bad(field, fmt::format("= {} is out of range [{}, {}]", v, lo, hi));
    };
    range("cols", cols, 1, 16);
    range("rows", rows, 1, 16);
    range("router_latency_cycles", router_latency_cycles, 0, 64);
    if (link_width_bits < 8 || link_width_bits > 1024 || link_width_bits % 8 != 0)
        bad("link_width_bits", fmt::format("= {} must be a multiple of 8 in [8, 1024]", link_width_bits));
    if (!(clock_mhz > 0 && clock_mhz <= 10000))
        bad("clock_mhz", fmt::format("= {} is out of range (0, 10000]", clock_mhz));
    range("header_flits", header_flits, 1, 8);
    if (reservation != NocReservation::FirstFit && reservation != NocReservation::BusyUntil)
        bad("reservation", fmt::format("= {} must be first_fit or busy_until", static_cast<int>(reservation)));
    // A clock so fast that its period rounds to zero at the time resolution
    // would make every latency vanish.
    if (cycle() == sc_core::SC_ZERO_TIME)
        bad("clock_mhz", fmt::format("= {} gives a period below the SystemC time resolution ({})", clock_mhz,
                                     sc_core::sc_get_time_resolution().to_string()));
}

NocConfig parse_noc_config(const JsonReader& r) {
    r.reject_unknown(
        {"cols", "rows", "router_latency_cycles", "link_width_bits", "clock_mhz", "header_flits", "reservation"});
    NocConfig c;
    // Read with the widest range and let validate() report the real one, so
    // that the file and the code-built configs get the same messages.
    auto geti = [&](const char* key, int dflt) {
        return static_cast<int>(r.get_int(key, INT32_MIN, INT32_MAX, dflt));
    };
    c.cols = geti("cols", c.cols);
    c.rows = geti("rows", c.rows);
    c.router_latency_cycles = geti("router_latency_cycles", c.router_latency_cycles);
    c.link_width_bits = geti("link_width_bits", c.link_width_bits);
    c.clock_mhz = r.get_double("clock_mhz", std::numeric_limits<double>::lowest(),
                               std::numeric_limits<double>::max(), c.clock_mhz);
    c.header_flits = geti("header_flits", c.header_flits);
    c.reservation = r.get_enum("reservation", {"first_fit", "busy_until"}, to_string(c.reservation)) == "busy_until"
                        ? NocReservation::BusyUntil
                        : NocReservation::FirstFit;
    c.validate(r.origin());
    return c;
}

}  // namespace edgebert::hw
