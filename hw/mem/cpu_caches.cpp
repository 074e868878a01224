#include "hw/mem/cpu_caches.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "common/error.hpp"

namespace edgebert::hw {

namespace {

unsigned log2u(uint64_t v) {
    unsigned s = 0;
    while ((uint64_t{1} << s) < v) ++s;
    return s;
}

std::unique_ptr<Cache> make_level(const CacheGeometry& g) {
    return g.enabled ? std::make_unique<Cache>(g) : nullptr;
}

}  // namespace

CpuCaches::CpuCaches(const CacheHierarchyConfig& cfg)
    : cfg_(cfg), l1i_(make_level(cfg.l1i)), l1d_(make_level(cfg.l1d)), l2_(make_level(cfg.l2)),
      sb_entries_(cfg.store_buffer_entries) {
    if (sb_entries_ == 0) throw ConfigError("cpu caches: store_buffer_entries must be at least 1");
    // Filters and stale tracking work at the smallest line of any level, so
    // one filtered line never spans two lines of a level.
    unsigned smallest = 4096;
    for (const Cache* c : {l1i_.get(), l1d_.get(), l2_.get()})
        if (c) smallest = std::min(smallest, c->geometry().line_bytes);
    if (cfg.llc.enabled) smallest = std::min(smallest, cfg.llc.line_bytes);
    filter_shift_ = stale_shift_ = log2u(smallest);
    mru_i_.init(l1i_.get());
    mru_d_.init(l1d_.get());
}

void CpuCaches::Mru::init(const Cache* c) {
    if (!c) return;
    shift = log2u(c->geometry().line_bytes);
    mask = c->geometry().sets() - 1;
    lines.assign(c->geometry().sets(), ~uint64_t{0});
}

iss::MemoryTiming::MruTable CpuCaches::mru_table(int kind) const {
    const Mru& m = kind == 0 ? mru_i_ : mru_d_;
    if (m.lines.empty()) return {};
    return {m.lines.data(), m.mask, m.shift};
}

// ---- the L1s' misses ------------------------------------------------------------------

CpuCaches::Level CpuCaches::from_l2(uint64_t addr, bool write, unsigned l1_line, uint64_t now) {
    Level r;
    if (!l2_) {
        const uint64_t line = addr & ~uint64_t{l1_line - 1};
        r.stall = backside_ ? backside_->fill(line, l1_line, now) : 0;
        return r;
    }
    r.touched_l2 = true;
    sb_line_ = ~0ull;  // the L2 saw another access: no merging into the youngest store
    const CacheGeometry& g = l2_->geometry();
    const CacheAccess a = l2_->access(addr, write);
    r.stall = g.hit_latency_cycles;
    if (a.evicted_dirty && backside_) backside_->writeback(a.victim_line, g.line_bytes, now + r.stall);
    if (!backside_) return r;
    // A fill unless the miss allocated for a write that covers the whole line.
    if (!a.hit && a.filled && !(write && l1_line >= g.line_bytes))
        r.stall += backside_->fill(l2_->line_address(addr), g.line_bytes, now + r.stall);
    if (a.forward_write) backside_->writeback(addr & ~uint64_t{l1_line - 1}, l1_line, now + r.stall);  // posted
    return r;
}

uint64_t CpuCaches::writeback_to_l2(uint64_t line_addr, unsigned bytes, uint64_t now) {
    if (!l2_) return backside_ ? backside_->writeback(line_addr, bytes, now) : 0;
    return from_l2(line_addr, true, bytes, now).stall;
}

void CpuCaches::check_stale(uint64_t addr) {
    if (stale_.empty()) return;
    const uint64_t line = addr >> stale_shift_;
    auto it = stale_.find(line);
    if (it == stale_.end()) return;
    const uint64_t line_addr = line << stale_shift_;
    const bool cached = (l1d_ && l1d_->contains(line_addr)) || (l2_ && l2_->contains(line_addr));
    stale_.erase(it);  // reported once; an evicted copy was never read stale
    if (cached) {
        ++stale_reads_;
        if (on_stale_read_) on_stale_read_(line_addr);
    }
}

void CpuCaches::touch_load_mru(uint64_t addr) {
    if (!stale_.empty()) {
        const uint64_t parts = uint64_t{1} << (mru_d_.shift - stale_shift_);
        const uint64_t first = (addr >> mru_d_.shift) * parts;
        for (uint64_t s = first; s < first + parts; ++s) {
            if (stale_.count(s)) {
                mru_d_.lines[(addr >> mru_d_.shift) & mru_d_.mask] = ~uint64_t{0};
                return;
            }
        }
    }
    mru_d_.touch(addr);
}

// ---- iss::MemoryTiming ----------------------------------------------------------------

iss::MemoryTimingResult CpuCaches::fetch(uint64_t addr, uint64_t now) {
    iss::MemoryTimingResult r;
    if (!l1i_) {
        const Level l = from_l2(addr, false, bypass_line(), now);
        r.stall = l.stall;
        r.clear = iss::kFilterStore;
        return r;
    }
    const CacheAccess a = l1i_->access(addr, false);
    mru_i_.touch(addr);
    r.set = iss::kFilterFetch;
    if (a.hit) return r;
    const Level l = from_l2(addr, false, l1i_->geometry().line_bytes, now + l1i_->geometry().hit_latency_cycles);
    r.stall = l1i_->geometry().hit_latency_cycles + l.stall;
    if (l.touched_l2) r.clear = iss::kFilterStore;
    return r;
}

iss::MemoryTimingResult CpuCaches::load(uint64_t addr, uint64_t now) {
    iss::MemoryTimingResult r;
    check_stale(addr);
    // Any L1 D$ access may reorder its LRU state: the store filter is no longer exact.
    r.clear = iss::kFilterStore;
    if (!l1d_) {
        r.stall = from_l2(addr, false, bypass_line(), now).stall;
        return r;
    }
    const CacheGeometry& g = l1d_->geometry();
    const CacheAccess a = l1d_->access(addr, false);
    touch_load_mru(addr);
    r.set = iss::kFilterLoad;
    if (a.hit) return r;
    uint64_t t = g.hit_latency_cycles;
    if (a.evicted_dirty) writeback_to_l2(a.victim_line, g.line_bytes, now + t);  // posted
    t += from_l2(addr, false, g.line_bytes, now + t).stall;
    r.stall = t;
    return r;
}

uint64_t CpuCaches::store_buffer_slot(uint64_t now) {
    while (!sb_done_.empty() && sb_done_.front() <= now) sb_done_.pop_front();
    if (sb_done_.size() < sb_entries_) return 0;
    const uint64_t stall = sb_done_.front() - now;
    sb_done_.pop_front();
    sb_full_cycles_ += stall;
    return stall;
}

iss::MemoryTimingResult CpuCaches::store(uint64_t addr, uint64_t now) {
    iss::MemoryTimingResult r;
    r.clear = iss::kFilterLoad | iss::kFilterStore;
    if (l1d_ && l1d_->geometry().write_policy == WritePolicy::WriteBack) {
        const CacheGeometry& g = l1d_->geometry();
        const CacheAccess a = l1d_->access(addr, true);
        touch_load_mru(addr);
        r.set = iss::kFilterLoad | iss::kFilterStore;
        if (a.hit) return r;
        uint64_t t = g.hit_latency_cycles;
        if (a.evicted_dirty) writeback_to_l2(a.victim_line, g.line_bytes, now + t);
        t += from_l2(addr, false, g.line_bytes, now + t).stall;  // read for ownership
        r.stall = t;
        return r;
    }
    // Write-through (or no) L1 D$: update on a hit, then the store buffer.
    bool l1_hit = false;
    if (l1d_) l1_hit = l1d_->access(addr, true).hit;
    if (l1_hit) {
        touch_load_mru(addr);
        r.set = iss::kFilterLoad;
    }
    const uint64_t line = addr >> filter_shift_;
    if (line == sb_line_ && !sb_done_.empty()) {
        if (l1_hit) r.set |= iss::kFilterStore;  // merged: repeating it changes nothing
        return r;
    }
    r.stall = store_buffer_slot(now);
    const uint64_t issue = now + r.stall;
    const uint64_t start = std::max(issue, sb_done_.empty() ? issue : sb_done_.back());
    uint64_t service = 1;  // one write per cycle into an L2 hit
    if (l2_) {
        const CacheGeometry& g = l2_->geometry();
        const CacheAccess a = l2_->access(addr, true);
        if (a.evicted_dirty && backside_) backside_->writeback(a.victim_line, g.line_bytes, start);
        if (!a.hit) {
            service = g.hit_latency_cycles;
            // A partial-line write into a write-allocate L2 reads the line first.
            if (a.filled && backside_) service += backside_->fill(l2_->line_address(addr), g.line_bytes, start + service);
        }
        if (a.forward_write && backside_) backside_->writeback(addr & ~uint64_t{7}, 8, start + service);
    } else if (backside_) {
        service = backside_->writeback(addr & ~uint64_t{7}, 8, start);
    }
    sb_done_.push_back(start + service);
    sb_line_ = line;
    if (l1_hit) r.set |= iss::kFilterStore;
    return r;
}

// ---- coherence ------------------------------------------------------------------------

// The directory tracks the CPU tile's lines at the granularity of its outermost
// private level: one recall message per such line, however many levels hold a copy.
uint64_t CpuCaches::directory_line(uint64_t addr) const {
    const Cache* outer = l2_ ? l2_.get() : l1d_.get();
    return outer ? outer->line_address(addr) : addr;
}

CpuCaches::RecallResult CpuCaches::recall(uint64_t base, uint64_t len, bool for_write) {
    RecallResult r;
    std::map<uint64_t, bool> lines;  // directory line -> any copy was dirty
    std::vector<std::pair<uint64_t, bool>> hits;
    for (Cache* c : {l1d_.get(), l2_.get(), for_write ? l1i_.get() : nullptr}) {
        if (!c) continue;
        hits.clear();
        c->for_each_present(base, len, [&](uint64_t line, bool dirty) { hits.emplace_back(line, dirty); });
        for (auto [line, dirty] : hits) {
            const Cache::LineOp op = for_write ? c->invalidate(line) : (dirty ? c->clean(line) : Cache::LineOp{true, false});
            if (!op.present) continue;
            lines[directory_line(line)] |= op.was_dirty;
        }
    }
    r.lines = lines.size();
    for (const auto& [line, dirty] : lines) r.dirty_lines += dirty;
    if (r.lines) {
        sb_line_ = ~0ull;
        mru_i_.clear();
        mru_d_.clear();
    }
    return r;
}

CpuCaches::DirtyRange CpuCaches::dirty_in(uint64_t base, uint64_t len) const {
    std::set<uint64_t> lines;
    for (const Cache* c : {l1d_.get(), l2_.get()})
        if (c) c->for_each_present(base, len, [&](uint64_t line, bool dirty) {
            if (dirty) lines.insert(directory_line(line));
        });
    DirtyRange d;
    d.lines = lines.size();
    if (!lines.empty()) d.first = *lines.begin();
    return d;
}

bool CpuCaches::holds_dirty(uint64_t base, uint64_t len) const { return dirty_in(base, len).lines > 0; }

bool CpuCaches::holds(uint64_t base, uint64_t len) const {
    bool any = false;
    for (const Cache* c : {l1d_.get(), l2_.get()})
        if (c && !any) c->for_each_present(base, len, [&](uint64_t, bool) { any = true; });
    return any;
}

void CpuCaches::mark_stale(uint64_t base, uint64_t len) {
    for (const Cache* c : {l1d_.get(), l2_.get()}) {
        if (!c) continue;
        c->for_each_present(base, len, [&](uint64_t line, bool) {
            const uint64_t n = uint64_t{c->geometry().line_bytes} >> stale_shift_;
            for (uint64_t i = 0; i < n; ++i) {
                const uint64_t s = (line >> stale_shift_) + i;
                const uint64_t a = s << stale_shift_;
                if (a + (uint64_t{1} << stale_shift_) > base && a < base + len) stale_.insert(s);
            }
        });
    }
    // Stale lines must go through the slow path, where check_stale() sees them.
    if (!stale_.empty()) mru_d_.clear();
}

CpuCaches::FlushResult CpuCaches::flush(uint64_t now) {
    FlushResult r;
    uint64_t done = now;
    std::vector<uint64_t> dirty;
    // The L1 D$ first (write-through: nothing dirty), then the L2; a dirty
    // line's writeback leaves while the walk goes on.
    uint64_t walk = now;
    for (Cache* c : {l1d_.get(), l2_.get()}) {
        if (!c) continue;
        dirty.clear();
        const Cache::FlushResult f = c->flush_all(&dirty);
        r.valid_lines += f.valid_lines;
        r.dirty_lines += f.dirty_lines;
        const unsigned bytes = c->geometry().line_bytes;
        const bool to_memory = c == l2_.get() || !l2_;
        for (uint64_t line : dirty) {
            walk += cfg_.flush_cycles_per_line;
            const uint64_t ack = to_memory ? (backside_ ? backside_->writeback(line, bytes, walk) : 0)
                                           : writeback_to_l2(line, bytes, walk);
            done = std::max(done, walk + ack);
        }
        walk += cfg_.flush_cycles_per_line * (f.valid_lines - f.dirty_lines);
    }
    done = std::max(done, walk);
    sb_line_ = ~0ull;
    mru_d_.clear();
    stale_.clear();  // every copy is gone
    r.cycles = done - now;
    return r;
}

}  // namespace edgebert::hw
