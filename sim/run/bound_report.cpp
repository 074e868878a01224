#include "sim/run/bound_report.hpp"

#include <fmt/format.h>

#include <utility>

#include "hw/edgebert/adpll.hpp"
#include "sim/run/soc_runner.hpp"

namespace edgebert::sim {

BoundInputs bound_inputs(const hw::SocConfig& soc, const RunResult& r) {
    BoundInputs in;
    in.macs_issued = r.events.tile_macs;
    in.macs_gated = r.events.tile_gated_macs;
    in.dma_bytes = r.edgebert_dma_bytes;
    in.sfu_vectors = r.events.tile_sfu_vectors;
    in.lanes = soc.edgebert.lanes;
    in.num_vmacs = soc.edgebert.num_vmacs;
    in.axi_beat_bytes = soc.edgebert.axi_beat_bytes();
    in.tile_mhz = hw::Adpll::power_up_mhz(soc.edgebert.adpll);  // run programs issue no DVFS command
    in.cycle_mhz = soc.cpu_clock_mhz;
    for (const auto& [key, cats] : r.accounts)
        for (size_t c = 0; c < hw::kHostCategories; ++c) {
            in.total_cycles += cats[c];
            switch (static_cast<hw::HostCategory>(c)) {
                case hw::HostCategory::Compute: in.compute_wait_cycles += cats[c]; break;
                case hw::HostCategory::Malloc:
                case hw::HostCategory::Memset:
                case hw::HostCategory::Transpose:
                case hw::HostCategory::CpuCompute: in.cpu_cycles += cats[c]; break;
                default: break;
            }
        }
    return in;
}

Bound compute_bound(const BoundInputs& in) {
    Bound b;
    const double to_report = in.cycle_mhz / in.tile_mhz;  // report cycles per tile cycle
    b.peak_macs_per_cycle = double(in.lanes) * in.num_vmacs;
    b.macs_dense = in.macs_issued + in.macs_gated;
    b.macs_effective = in.macs_issued;
    b.dma_bytes = in.dma_bytes;
    b.sfu_vectors = in.sfu_vectors;
    b.compute_bound_cycles = double(b.macs_effective) / b.peak_macs_per_cycle * to_report;
    b.dma_bound_cycles = double(b.dma_bytes) / in.axi_beat_bytes * to_report;
    b.sfu_bound_cycles = double(b.sfu_vectors) * to_report;
    b.binding = "none";
    // The largest; a tie goes to the first in this order.
    const std::pair<const char*, double> resources[] = {
        {"macs", b.compute_bound_cycles}, {"dma", b.dma_bound_cycles}, {"sfu", b.sfu_bound_cycles}};
    for (const auto& [name, cycles] : resources)
        if (cycles > b.bound_cycles) b.bound_cycles = cycles, b.binding = name;
    if (b.bound_cycles > 0) {
        b.total_over_bound = double(in.total_cycles) / b.bound_cycles;
        b.tile_compute_over_bound = double(in.compute_wait_cycles) / b.bound_cycles;
    }
    b.cpu_cycles = in.cpu_cycles;
    b.cpu_share = in.total_cycles ? double(in.cpu_cycles) / double(in.total_cycles) : 0.0;
    return b;
}

boost::json::object bound_json(const Bound& b, const BoundInputs& in) {
    return {{"binding", b.binding},
            {"bound_cycles", b.bound_cycles},
            {"compute_bound_cycles", b.compute_bound_cycles},
            {"dma_bound_cycles", b.dma_bound_cycles},
            {"sfu_bound_cycles", b.sfu_bound_cycles},
            {"macs_dense", b.macs_dense},
            {"macs_effective", b.macs_effective},
            {"peak_macs_per_cycle", b.peak_macs_per_cycle},
            {"dma_bytes", b.dma_bytes},
            {"sfu_vectors", b.sfu_vectors},
            {"tile_clock_mhz", in.tile_mhz},
            {"cycle_clock_mhz", in.cycle_mhz},
            {"total_over_bound", b.total_over_bound},
            {"tile_compute_over_bound", b.tile_compute_over_bound},
            {"cpu_cycles", b.cpu_cycles},
            {"cpu_share", b.cpu_share}};
}

void add_bound(boost::json::object& target, const hw::SocConfig& soc, const RunResult& r) {
    const auto in = bound_inputs(soc, r);
    target["bound"] = bound_json(compute_bound(in), in);
}

std::string bound_line(const boost::json::object& b) {
    auto num = [&](const char* key) { return b.at(key).to_number<double>(); };
    const double dense = num("macs_dense");
    return fmt::format(
        "EdgeBERT bound: {:.0f} cycles, set by {} (MACs {:.0f} at {:.0f} MAC/cycle, {:.3g} % of the dense MACs gated by "
        "zero vectors; DMA {:.0f}; SFU {:.0f}); the run takes {:.1f}x the bound, CPU work {:.1f} % of it\n",
        num("bound_cycles"), std::string(b.at("binding").as_string()), num("compute_bound_cycles"),
        num("peak_macs_per_cycle"), dense > 0 ? 100.0 * (dense - num("macs_effective")) / dense : 0.0,
        num("dma_bound_cycles"), num("sfu_bound_cycles"), num("total_over_bound"), 100.0 * num("cpu_share"));
}

}  // namespace edgebert::sim
