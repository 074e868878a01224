// The EdgeBERT target's bound in a run report (docs/tile-timing.md, "The bound in a run report"):
// the fewest cycles the tile's own resources need for the work the run gave them.
//
//   compute  macs_effective / (lanes x VMACs) tile cycles; macs_effective are the MACs the
//            processing unit issued, i.e. the dense MACs of every matmul the tile ran minus
//            those gated because an operand vector was all zero (the PU's statistics)
//   dma      dma_bytes / AXI beat bytes tile cycles; dma_bytes are the bytes the tile's DMA
//            engines moved (bitmask-compressed operands, as measured)
//   sfu      sfu_vectors tile cycles; one vector pass through the special-function unit per cycle
//
// Each is converted from the tile's clock (the ADPLL's power-up frequency) to the report's
// cycle clock (the CPU's: total_cycles counts host cycles). bound_cycles is the largest of
// the three, `binding` names it. The CPU's own work (cpu_cycles) is reported beside the
// bound, not in it: the bound is what the tile alone could not beat.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <string>

#include "hw/soc/soc_config.hpp"

namespace edgebert::sim {

struct RunResult;

// What the bound is computed from: the tile's statistics, its shape and clocks, and
// the host's cycles. Built from a run by bound_inputs(), or by hand in tests.
struct BoundInputs {
    uint64_t macs_issued = 0;     // MACs the PU issued (both vectors non-zero)
    uint64_t macs_gated = 0;      // MACs skipped or gated by an all-zero operand vector
    uint64_t dma_bytes = 0;       // bytes the tile's DMA engines moved
    uint64_t sfu_vectors = 0;     // vector passes through the SFU (vectors x passes of each op)
    int lanes = 16, num_vmacs = 16, axi_beat_bytes = 8;
    double tile_mhz = 1000;       // the tile's clock
    double cycle_mhz = 1000;      // the report's cycle clock (the CPU's)
    uint64_t total_cycles = 0;    // the target's total_cycles (report clock)
    uint64_t compute_wait_cycles = 0;  // by_category.compute: the CPU waiting for the tile's computation
    uint64_t cpu_cycles = 0;      // the host's own work: malloc + memset + transpose + cpu_compute
};

struct Bound {
    double peak_macs_per_cycle = 0;   // lanes x VMACs, per tile cycle
    uint64_t macs_dense = 0, macs_effective = 0, dma_bytes = 0, sfu_vectors = 0;
    // In report (CPU) cycles.
    double compute_bound_cycles = 0, dma_bound_cycles = 0, sfu_bound_cycles = 0, bound_cycles = 0;
    std::string binding;              // "macs", "dma", "sfu" ("none": the tile did no work)
    double total_over_bound = 0, tile_compute_over_bound = 0;  // 0 when bound_cycles is 0
    uint64_t cpu_cycles = 0;
    double cpu_share = 0;             // cpu_cycles / total_cycles
};

BoundInputs bound_inputs(const hw::SocConfig& soc, const RunResult& r);
Bound compute_bound(const BoundInputs& in);
boost::json::object bound_json(const Bound& b, const BoundInputs& in);
// Adds "bound" to an EdgeBERT target's JSON.
void add_bound(boost::json::object& target, const hw::SocConfig& soc, const RunResult& r);
// "EdgeBERT bound: ... binding: macs ...; the run takes N x the bound\n" from a target's "bound".
std::string bound_line(const boost::json::object& bound);

}  // namespace edgebert::sim
