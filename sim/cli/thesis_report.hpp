// Thesis mode's report: the published breakdown (seven categories + flush per
// target and module), the ratios beside the silicon study's 64.1x and 2.12x,
// and the optional silicon DMA projection (docs/thesis-mode.md).
#pragma once

#include <boost/json.hpp>
#include <map>
#include <string>

#include "sim/run/soc_runner.hpp"

namespace edgebert::cli {

// The published figures the thesis-mode ratios are printed beside.
constexpr double kPublishedEdgebertVsCpu = 64.1;
constexpr double kPublishedEdgebertVsSystolic = 2.12;
constexpr int kProjectionM = 16;  // the study's reference transfer: 2M words

// Adds report["thesis"]: the published figures, the ratios, and with the
// projection each target's projected totals. `targets` are the per-target JSON
// objects (by_category, by_module_category, total_cycles) keyed by name;
// `runs` the edgebert run's DMA bookkeeping.
boost::json::object thesis_summary(const boost::json::object& targets, const sim::RunResult* edgebert,
                                   bool projection);

// The table a reader compares with the published breakdown.
void print_thesis_tables(const boost::json::object& targets, const boost::json::object& summary);

}  // namespace edgebert::cli
