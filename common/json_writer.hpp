// Pretty-printed JSON output for reports (Boost.JSON 1.81 has no pretty printer).
#pragma once

#include <boost/json.hpp>

#include <string>

namespace edgebert {

std::string pretty_json(const boost::json::value& v, int indent = 2);
// Writes `v` to `path` (atomically: temp file then rename); throws Error naming the path.
void write_json_file(const std::string& path, const boost::json::value& v);

}  // namespace edgebert
