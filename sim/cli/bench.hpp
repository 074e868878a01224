// Benchmarks run by `edgebert-sim bench`; each returns its JSON figures.
#pragma once

#include <boost/json.hpp>

#include "hw/edgebert/tile_config.hpp"

namespace edgebert::cli {

boost::json::object bench_tile_matmul(const hw::EdgebertTileConfig& cfg, double weight_sparsity);

}  // namespace edgebert::cli
