// What a design-space sweep runs: the swept keys, the points, the fixed part of
// the workload, and each point's SoC config (the base config with the point's
// dotted overrides). Everything here is checked before any point runs, so a bad
// spec never leaves half a sweep behind.
#pragma once

#include <boost/json.hpp>

#include <string>
#include <vector>

namespace edgebert::sweep {

// Keys that are options of `run` rather than fields of the SoC config.
// "seq-len" is accepted as a spelling of "seq_len".
const std::vector<std::string>& workload_keys();
bool is_workload_key(const std::string& key);
std::string normalize_key(const std::string& key);

// The run options a sweep may fix (command line or the spec's "workload"):
// soc, model, weights (paths), seed, seq_len, layers, targets, mode, prune.
const std::vector<std::string>& fixed_option_keys();

struct Point {
    std::string id;              // p0000, p0001, ... in enumeration order
    boost::json::object values;  // swept key -> value, in the order of SweepPlan::keys
};

struct SweepPlan {
    std::vector<std::string> keys;  // swept keys, in the order given
    std::vector<Point> points;
    // Fixed run options (fixed_option_keys(); paths absolute). "soc" names the
    // base SoC config; absent: the embedded configs/soc/default.json.
    boost::json::object fixed;
};

// One "--set PATH=V1,V2,..." argument. Values are JSON literals (8, 0.5, true,
// "text") or bare words taken as strings; `[...]` is not needed. Throws
// UsageError on a malformed argument, Error on an empty value list.
std::pair<std::string, boost::json::array> parse_set(const std::string& arg);

// The SPEC.json document: {"grid": {key: [values]}} (every combination) or
// {"points": [{key: value, ...}, ...]} (an explicit list, every point setting the
// same keys), and optionally "workload": {fixed run options}. Relative paths in
// "workload" are relative to the spec file. `sets` (from --set) add grid axes;
// `fixed` (from the command line) override the spec's workload. Throws Error
// naming the spec, the key and the value on anything malformed, an empty grid or
// a key given twice.
SweepPlan make_plan(const boost::json::value* spec, const std::string& spec_path,
                    const std::vector<std::pair<std::string, boost::json::array>>& sets,
                    const boost::json::object& fixed);

// Sets the field at dotted `path` (object keys; array elements by index, e.g.
// tiles.2.x) of a config document, creating missing objects on the way so that
// fields left at their defaults can be swept; the config parser then decides
// whether the field exists. Throws Error naming the path where it cannot go on.
void apply_override(boost::json::value& config, const std::string& path, const boost::json::value& v);

// A value as a person writes it: 8, 0.5, true, edgebert,cpu (strings unquoted).
std::string value_text(const boost::json::value& v);

// Checks every point before anything runs and returns each point's SoC config
// document (the base config with the point's overrides). Every swept value is
// first tried alone on the base config, so an unknown path or a refused value is
// reported as "sweep: PATH = VALUE: <the parser's reason>"; then every point's
// combined config and workload (targets, mode, prune, seq_len against the model,
// layers, seed). `base_soc` is the base config document, `base_origin` its name.
std::vector<boost::json::value> check_plan(const SweepPlan& plan, const boost::json::value& base_soc,
                                           const std::string& base_origin);

}  // namespace edgebert::sweep
