// Benchmarks run by `edgebert-sim bench`; each returns its JSON figures.
#pragma once

#include <boost/json.hpp>

#include <string>

#include "hw/edgebert/tile_config.hpp"
#include "hw/soc/soc_config.hpp"

namespace edgebert::cli {

// `waves_dir` non-empty: write <waves_dir>/tile-matmul.vcd of the tile's signals.
boost::json::object bench_tile_matmul(const hw::EdgebertTileConfig& cfg, double weight_sparsity,
                                      const std::string& waves_dir = "");

boost::json::object bench_soc(const hw::SocConfig& cfg);

// The core with caches on and off on the bench firmware in `firmware_dir`.
boost::json::object bench_iss(const hw::SocConfig& cfg, const std::string& firmware_dir, int repeats);

}  // namespace edgebert::cli
