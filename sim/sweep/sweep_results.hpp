// Merging a sweep: every point's run report (whatever finished) into one table,
// DIR/results.csv and DIR/results.json (docs/sweep-results.schema.json): one row
// per point x target with the swept values, cycles, energy, area, cosine, the
// EdgeBERT bound, the config hash and the point's status.
#pragma once

#include <boost/json.hpp>

#include <string>
#include <vector>

#include "sim/sweep/sweep_spec.hpp"

namespace edgebert::sweep {

// A point's state on disk: its report exists (ok); its run wrote an error
// (failed); it started but left no report, i.e. was killed or is still running
// (incomplete); or it never started (not_run).
enum class PointStatus { Ok, Failed, Incomplete, NotRun };
const char* status_name(PointStatus s);

struct PointResult {
    std::string id;
    PointStatus status = PointStatus::NotRun;
    std::string error;  // the run's last line on stderr (failed points)
};

struct Collected {
    boost::json::object results;  // the results.json document
    std::vector<PointResult> points;
    size_t count(PointStatus s) const;
};

// Reads every point of `plan` under DIR; the document follows
// docs/sweep-results.schema.json.
Collected collect(const std::string& dir, const SweepPlan& plan);

// Writes DIR/results.json and DIR/results.csv (the same rows; a column per swept
// key, empty cells for figures a report lacks).
void write_results(const std::string& dir, const Collected& c);

// The table printed after a sweep: one line per row, at most `max_rows`.
std::string results_table(const Collected& c, size_t max_rows);

}  // namespace edgebert::sweep
