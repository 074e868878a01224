// The EdgeBERT tile's programming checks in a run report (docs/register-map.md,
// "Checks"): the mode, the silicon-mode warnings counted per cause with the
// first kListed records, and the commands refused.
#pragma once

#include <boost/json.hpp>

#include <string>

namespace edgebert::hw {
class Control;
}

namespace edgebert::sim {

struct RunResult;

constexpr size_t kListedTileWarnings = 100;

// {"mode": "strict|silicon", "warnings": N, "by_cause": {cause: n}, "refused": R,
//  "list": [{"cycle", "time_ps", "command", "cause", "check", "hardware", "registers": {field: "0x.."}}]}
boost::json::object tile_checks_json(const hw::Control& control);
// Adds r.tile_checks to a target's JSON as "tile_checks" (the EdgeBERT target, or any
// target whose run counted warnings or refusals).
void add_tile_checks(boost::json::object& target, const RunResult& r);
// "edgebert   tile checks (silicon): 3 warnings (busy 2, sram_overflow 1); ..." for a target
// with warnings or refused commands, else "".
std::string tile_checks_line(const std::string& target, const boost::json::object& target_json);

}  // namespace edgebert::sim
