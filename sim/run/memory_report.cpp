#include "sim/run/memory_report.hpp"

#include <fmt/format.h>

#include "compiler/program/program.hpp"
#include "hw/mem/coherence.hpp"
#include "hw/soc/soc.hpp"

namespace edgebert::sim {

namespace json = boost::json;

namespace {

// `filtered`: hits the ISS counted without consulting the model (see hw/iss/memory_timing.hpp).
json::object level_json(const hw::Cache& c, uint64_t filtered) {
    const hw::CacheStats& s = c.stats();
    const hw::CacheGeometry& g = c.geometry();
    json::object o;
    o["size_bytes"] = g.size_bytes;
    o["ways"] = g.ways;
    o["line_bytes"] = g.line_bytes;
    o["accesses"] = s.accesses + filtered;
    o["hits"] = s.hits + filtered;
    o["misses"] = s.misses;
    o["writebacks"] = s.writebacks;
    o["flushes"] = s.flushes;
    o["invalidations"] = s.invalidations;
    o["miss_rate"] = s.accesses + filtered ? static_cast<double>(s.misses) / static_cast<double>(s.accesses + filtered) : 0.0;
    return o;
}

}  // namespace

json::object memory_report(hw::Soc& soc) {
    json::object m;
    m["caches_enabled"] = soc.config().caches.enabled;
    json::object levels;
    hw::IssHost* iss = soc.has_iss() ? &soc.iss() : nullptr;
    if (iss && iss->caches()) {
        const hw::CpuCaches& c = *iss->caches();
        if (c.l1i()) levels["l1i"] = level_json(*c.l1i(), iss->core().filtered_accesses(0));
        if (c.l1d())
            levels["l1d"] = level_json(*c.l1d(), iss->core().filtered_accesses(1) + iss->core().filtered_accesses(2));
        if (c.l2()) levels["l2"] = level_json(*c.l2(), 0);
        m["store_buffer_full_cycles"] = c.store_buffer_full_stalls();
        m["memory_stall_cycles"] = iss->core().stats().memory_stall_cycles;
    }
    const hw::MemoryTile& t = soc.memory_tile();
    if (t.llc()) levels["llc"] = level_json(*t.llc(), 0);
    uint64_t full_bytes = 0;  // fully coherent DMA, served by the tiles' own caches
    for (const auto& [name, port] : soc.dma_ports()) {
        if (port->cache()) levels["acc_l2." + name] = level_json(*port->cache(), 0);
        full_bytes += port->full_bytes();
    }
    m["levels"] = std::move(levels);
    const auto& s = t.stats();
    json::object dma;
    for (uint32_t i = 0; i < hw::kDmaCoherenceModes; ++i)
        dma[hw::to_string(static_cast<hw::DmaCoherence>(i))] =
            s.dma_bytes_by_mode[i] + (static_cast<hw::DmaCoherence>(i) == hw::DmaCoherence::Full ? full_bytes : 0);
    m["dma_bytes_by_coherence"] = std::move(dma);
    m["recalled_lines"] = s.recalled_lines;
    m["recalled_dirty_lines"] = s.recalled_dirty_lines;
    m["acc_cleaned_lines"] = s.acc_cleaned_lines;
    m["acc_invalidated_lines"] = s.acc_invalidated_lines;
    m["llc_dram_bytes_read"] = s.dram_bytes_read;
    m["llc_dram_bytes_written"] = s.dram_bytes_written;
    m["flush_commands"] = soc.l2_controller().flushes() + soc.llc_controller().flushes();
    m["coherence_warning_count"] = s.warnings;
    json::array warnings;
    const auto& tiles = soc.config().tiles;
    for (const auto& w : t.warnings()) {
        json::object o;
        o["kind"] = w.kind;
        o["addr"] = fmt::format("0x{:x}", w.addr);
        o["lines"] = w.lines;
        o["tile"] = w.tile >= 0 && static_cast<size_t>(w.tile) < tiles.size() ? tiles[w.tile].name : "cpu";
        if (!w.mode.empty()) o["coherence"] = w.mode;
        if (w.layer >= 0) {
            o["layer"] = w.layer;
            o["module"] = compiler::module_name(static_cast<uint32_t>(w.module));
            if (!w.op.empty()) o["op"] = w.op;
        }
        o["time_ns"] = w.time_ns;
        warnings.push_back(std::move(o));
    }
    m["coherence_warnings"] = std::move(warnings);
    return m;
}

std::string miss_rate_line(const json::object& memory) {
    const auto* levels = memory.if_contains("levels");
    if (!levels || !levels->is_object() || levels->as_object().empty()) return "caches off (ideal memory)";
    std::string out;
    for (const char* name : {"l1i", "l1d", "l2", "llc"}) {
        const auto* l = levels->as_object().if_contains(name);
        if (!l) continue;
        std::string upper = name;
        for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        out += fmt::format("{}{} {:.2f} %", out.empty() ? "" : "  ", upper,
                           100.0 * l->as_object().at("miss_rate").to_number<double>());
    }
    return out + " miss";
}

}  // namespace edgebert::sim
