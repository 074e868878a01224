#include "hw/mem/memory_tile.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "hw/mem/cpu_caches.hpp"
#include "hw/mem/dram.hpp"
#include "hw/noc/mesh_noc.hpp"

namespace edgebert::hw {

namespace {

// The dirty lines a cache holds in [addr, addr + len): how many, the lowest.
struct DirtyLines {
    uint64_t lines = 0, first = 0;
};
DirtyLines dirty_lines(const Cache& c, uint64_t addr, uint64_t len) {
    DirtyLines d;
    c.for_each_present(addr, len, [&](uint64_t line, bool dirty) {
        if (dirty && d.lines++ == 0) d.first = line;
    });
    return d;
}

}  // namespace

MemoryTile::MemoryTile(sc_core::sc_module_name name, const CacheHierarchyConfig& caches, Dram& dram, MeshNoc& noc,
                       const Geometry& where)
    : sc_module(name), in("in"), to_dram("to_dram"), cfg_(caches), dram_(dram), noc_(noc), where_(where),
      cycle_(dram.cycle()) {
    if (cfg_.enabled && cfg_.llc.enabled) llc_ = std::make_unique<Cache>(cfg_.llc);
    in.register_b_transport(this, &MemoryTile::b_transport);
}

void MemoryTile::warn(CoherenceWarning w) {
    ++stats_.warnings;
    w.time_ns = sc_core::sc_time_stamp().to_seconds() * 1e9;
    if (annotate_) annotate_(w);
    if (warnings_.size() < kMaxWarnings) warnings_.push_back(std::move(w));
}

uint64_t MemoryTile::through_llc(uint64_t addr, uint64_t len, bool write, bool full_line_write,
                                 sc_core::sc_time start) {
    if (len == 0) return 0;
    if (!llc_) {  // no LLC: the access is the DRAM's
        const sc_core::sc_time d = dram_.access_delay(addr, len, start);
        (write ? stats_.dram_bytes_written : stats_.dram_bytes_read) += len;
        return static_cast<uint64_t>(d / cycle_ + 0.5);
    }
    const CacheGeometry& g = llc_->geometry();
    const uint64_t line_bytes = g.line_bytes;
    const uint64_t first = llc_->line_address(addr);
    const uint64_t end = addr + len;
    uint64_t t = g.hit_latency_cycles;
    // Lines to read from DRAM, merged into contiguous runs.
    std::vector<std::pair<uint64_t, uint64_t>> runs;
    uint64_t n = 0;
    for (uint64_t line = first; line < end; line += line_bytes, ++n) {
        const CacheAccess a = llc_->access(line, write);
        if (a.evicted_dirty) {
            dram_.access_delay(a.victim_line, line_bytes, start + cycles(t + n));  // posted writeback
            stats_.dram_bytes_written += line_bytes;
        }
        const bool covers = full_line_write && line >= addr && line + line_bytes <= end;
        if (a.forward_write) {
            dram_.access_delay(line, line_bytes, start + cycles(t + n));
            stats_.dram_bytes_written += line_bytes;
        }
        if (a.hit || covers || !a.filled) continue;
        if (!runs.empty() && runs.back().first + runs.back().second == line) {
            runs.back().second += line_bytes;
        } else {
            runs.emplace_back(line, line_bytes);
        }
    }
    t += n - 1;  // one lookup per cycle after the first
    for (auto [base, bytes] : runs) {
        const sc_core::sc_time d = dram_.access_delay(base, bytes, start + cycles(t));
        stats_.dram_bytes_read += bytes;
        t += static_cast<uint64_t>(d / cycle_ + 0.5);
    }
    if (write && !llc_stale_.empty())  // the written data is now in the LLC
        for (uint64_t line = first; line < end; line += line_bytes) llc_stale_.erase(line);
    return t;
}

uint64_t MemoryTile::recall(uint64_t addr, uint64_t len, bool write, sc_core::sc_time start) {
    if (!cpu_) return 0;
    const CpuCaches::RecallResult r = cpu_->recall(addr, len, write);
    if (r.lines == 0) return 0;
    stats_.recalled_lines += r.lines;
    stats_.recalled_dirty_lines += r.dirty_lines;
    // One forward message per line held, pipelined; the answers come back
    // with a line of data each for the dirty ones.
    const unsigned line = cfg_.l2.enabled ? cfg_.l2.line_bytes : cfg_.l1d.line_bytes;
    sc_core::sc_time done = start;
    for (uint64_t i = 0; i < r.lines; ++i)
        done = std::max(done, round_trip(where_.cpu_x, where_.cpu_y, i < r.dirty_lines ? line : 0, start));
    return static_cast<uint64_t>((done - start) / cycle_ + 0.5);
}

sc_core::sc_time MemoryTile::round_trip(int x, int y, unsigned data_bytes, sc_core::sc_time start) {
    const int header = noc_.config().header_flits;
    const unsigned flit = noc_.config().link_width_bits / 8;
    const int data_flits = static_cast<int>((data_bytes + flit - 1) / flit);
    const sc_core::sc_time there = noc_.route(NocPlane::Coh, where_.x, where_.y, x, y, header, start);
    return noc_.route(NocPlane::Coh, x, y, where_.x, where_.y, header + data_flits, there);
}

uint64_t MemoryTile::snoop_accelerators(uint64_t addr, bool write, sc_core::sc_time start, int except) {
    sc_core::sc_time done = start;
    for (const AccCache& a : acc_) {
        if ((except >= 0 && a.tile == except) || !a.cache->contains(addr)) continue;
        bool data = false;  // the answer carries the line
        if (write) {
            data = a.cache->invalidate(addr).was_dirty;
            ++stats_.acc_invalidated_lines;
        } else if (a.cache->dirty(addr)) {
            a.cache->clean(addr);
            ++stats_.acc_cleaned_lines;
            data = true;
        } else {
            continue;  // a clean copy: the LLC answers
        }
        done = std::max(done, round_trip(a.x, a.y, data ? a.cache->geometry().line_bytes : 0, start));
    }
    return static_cast<uint64_t>((done - start) / cycle_ + 0.5);
}

void MemoryTile::check_bypass(const tlm::tlm_generic_payload& trans, const MemoryRequest& req, bool bypass_llc) {
    const uint64_t addr = trans.get_address();
    const uint64_t len = trans.get_data_length();
    const bool write = trans.is_write();
    if (cpu_) {
        if (write) {
            cpu_->mark_stale(addr, len);
        } else if (const CpuCaches::DirtyRange d = cpu_->dirty_in(addr, len); d.lines) {
            warn_dma("dma_read_dirty_cpu", d.lines, d.first, req);
        }
    }
    if (!bypass_llc || !llc_) return;
    if (write) {
        llc_->for_each_present(addr, len, [&](uint64_t line, bool) { llc_stale_.insert(line); });
    } else if (const DirtyLines d = dirty_lines(*llc_, addr, len); d.lines) {
        warn_dma("dma_read_dirty_llc", d.lines, d.first, req);
    }
}

void MemoryTile::warn_dma(const char* kind, uint64_t lines, uint64_t first, const MemoryRequest& req) {
    CoherenceWarning w;
    w.kind = kind;
    w.addr = first;
    w.lines = lines;
    w.tile = req.tile;
    w.mode = to_string(req.mode);
    warn(std::move(w));
}

void MemoryTile::check_accelerators(const tlm::tlm_generic_payload& trans, const MemoryRequest& req) {
    if (!trans.is_read()) return;
    for (const AccCache& a : acc_)
        if (const DirtyLines d = dirty_lines(*a.cache, trans.get_address(), trans.get_data_length()); d.lines)
            warn_dma("dma_read_dirty_acc", d.lines, d.first, req);
}

void MemoryTile::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    MemoryRequest* req = trans.get_extension<MemoryRequest>();
    if (!req || !cfg_.enabled) {  // uncached, or no cache model at all
        to_dram->b_transport(trans, delay);
        return;
    }
    const uint64_t addr = trans.get_address();
    const uint64_t len = trans.get_data_length();
    const sc_core::sc_time start = sc_core::sc_time_stamp() + delay;
    // A cache's line request must name DRAM (a DMA is checked where its data moves).
    if (req->kind != MemoryRequest::Kind::Dma && !dram_.contains(addr, len)) {
        trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    switch (req->kind) {
        case MemoryRequest::Kind::CpuFill:
        case MemoryRequest::Kind::CpuWriteback: {
            const bool wb = req->kind == MemoryRequest::Kind::CpuWriteback;
            if (!wb && !llc_stale_.empty() && llc_ && llc_->contains(addr)) {
                const uint64_t line = llc_->line_address(addr);
                if (llc_stale_.erase(line)) {
                    CoherenceWarning w;
                    w.kind = "cpu_read_stale";
                    w.addr = line;
                    w.lines = 1;
                    w.mode = "none";
                    warn(std::move(w));
                }
            }
            const uint64_t snoop = acc_.empty() ? 0 : snoop_accelerators(addr, wb, start);
            delay += cycles(snoop + through_llc(addr, len, wb, wb, start + cycles(snoop)));
            trans.set_response_status(tlm::TLM_OK_RESPONSE);
            return;
        }
        case MemoryRequest::Kind::AccFill:
        case MemoryRequest::Kind::AccOwn:
        case MemoryRequest::Kind::AccWriteback: {
            if (req->kind == MemoryRequest::Kind::AccWriteback) {
                delay += cycles(through_llc(addr, len, true, true, start));
            } else {  // recall (for a write: invalidate the other copies), then the LLC for the data
                const bool data = req->kind == MemoryRequest::Kind::AccFill;
                const bool exclusive = req->exclusive || !data;
                uint64_t t = recall(addr, len, exclusive, start);
                if (acc_.size() > 1) t = std::max(t, snoop_accelerators(addr, exclusive, start, req->tile));
                delay += cycles(t + (data ? through_llc(addr, len, false, false, start + cycles(t)) : 0));
            }
            trans.set_response_status(tlm::TLM_OK_RESPONSE);
            return;
        }
        case MemoryRequest::Kind::Dma: break;
    }
    stats_.dma_bytes_by_mode[static_cast<uint32_t>(req->mode)] += len;
    if (!acc_.empty() && req->mode != DmaCoherence::Full) check_accelerators(trans, *req);
    if (req->mode == DmaCoherence::None) {
        check_bypass(trans, *req, true);
        to_dram->b_transport(trans, delay);
        return;
    }
    if (req->mode == DmaCoherence::Llc) check_bypass(trans, *req, false);
    if (!dram_.transfer_untimed(trans)) return;  // the caches hold no data
    uint64_t t = 0;
    if (req->mode == DmaCoherence::Recall || req->mode == DmaCoherence::Full)  // full: no accelerator cache
        t = recall(addr, len, trans.is_write(), start);
    t += through_llc(addr, len, trans.is_write(), trans.is_write(), start + cycles(t));
    delay += cycles(t);
}

sc_core::sc_time MemoryTile::flush(sc_core::sc_time start) {
    ++stats_.flushes;
    llc_stale_.clear();
    if (!llc_) return sc_core::SC_ZERO_TIME;
    std::vector<uint64_t> dirty;
    const Cache::FlushResult f = llc_->flush_all(&dirty);
    stats_.flushed_dirty_lines += f.dirty_lines;
    const unsigned line = llc_->geometry().line_bytes;
    sc_core::sc_time walk = start, done = start;
    for (uint64_t a : dirty) {
        walk += cycles(cfg_.flush_cycles_per_line);
        done = std::max(done, walk + dram_.access_delay(a, line, walk));
        stats_.dram_bytes_written += line;
    }
    walk += cycles(cfg_.flush_cycles_per_line * (f.valid_lines - f.dirty_lines));
    return std::max(done, walk) - start;
}

}  // namespace edgebert::hw
