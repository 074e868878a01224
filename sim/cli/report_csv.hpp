// The cycle breakdown of a `run` report as a tidy CSV (one number per row).
#pragma once

#include <boost/json.hpp>

#include <string>

namespace edgebert::cli {

// Writes `report`'s targets as CSV with the header `target,module,category,cycles`.
//
// Per target (order: edgebert, systolic, cpu, then any others alphabetically):
//   for each module (embedding, attention, post_processing, ffn, classifier, then others):
//     one row per category of by_module_category (register, read, write, compute,
//     malloc, memset, transpose, cpu_compute, then others), then the module's total
//     from by_module with category "all";
//   then module "all": one row per category of by_category, and last the target's
//   total_cycles as module "all", category "all".
// Only entries present in the report become rows; a target without a breakdown
// section gets no rows for it. total_cycles is required. Names are quoted as CSV
// requires. Throws edgebert::Error naming the field for a malformed report, and
// naming `path` if it cannot be written (the file is replaced atomically).
void write_report_csv(const std::string& path, const boost::json::object& report);

// The same CSV as a string (what write_report_csv writes).
std::string report_csv(const boost::json::object& report);

}  // namespace edgebert::cli
