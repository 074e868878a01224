// The memory hierarchy's part of a run report: per cache level accesses,
// hits, misses, writebacks and flushes (plus the miss rate), the memory
// tile's DMA traffic by coherence mode, recalls, flush commands and the
// coherence warnings of non-coherent DMA.
#pragma once

#include <boost/json.hpp>

#include <string>

namespace edgebert::hw {
class Soc;
}

namespace edgebert::sim {

boost::json::object memory_report(hw::Soc& soc);
// One line for the terminal: "L1I 0.3 %  L1D 2.1 %  L2 40.2 %  LLC 12.0 % miss" (levels present only).
std::string miss_rate_line(const boost::json::object& memory);

}  // namespace edgebert::sim
