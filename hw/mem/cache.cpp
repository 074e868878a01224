#include "hw/mem/cache.hpp"

#include <algorithm>
#include <cstring>

#include "common/error.hpp"

namespace edgebert::hw {

namespace {

constexpr unsigned log2_pow2(uint64_t v) {
    unsigned n = 0;
    while ((uint64_t{1} << n) < v) ++n;
    return n;
}

// Minimum of s[0..W) as a balanced tree: a compare chain log2(W) deep
// instead of W - 1.
template <unsigned W>
uint64_t min_of(const uint64_t* s) {
    if constexpr (W == 1) {
        return s[0];
    } else {
        return std::min(min_of<W / 2>(s), min_of<W / 2>(s + W / 2));
    }
}

}  // namespace

Cache::Cache(const CacheGeometry& g) : geo_(g) {
    if (!g.enabled) throw Error("Cache: the geometry is disabled (a disabled level has no Cache)");
    g.validate("cache", "geometry");
    line_shift_ = log2_pow2(g.line_bytes);
    line_mask_ = g.line_bytes - 1;
    set_mask_ = g.sets() - 1;
    ways_ = g.ways;
    way_bits_ = log2_pow2(g.ways);
    plru_ = g.replacement == Replacement::PseudoLru;
    lines_ = static_cast<size_t>(g.sets()) * ways_;
    tags_.assign(lines_, kInvalid);
    fp_.assign(lines_, 0);
    dirty_.assign(lines_, 0);
    reset_replacement();
}

void Cache::reset_replacement() {
    clock_ = 0;
    if (plru_) {
        stamp_.clear();
        tree_.assign(static_cast<size_t>(set_mask_ + 1) * (ways_ - 1), 0);
        valid_.assign(static_cast<size_t>(set_mask_ + 1), 0);
    } else {
        tree_.clear();
        valid_.clear();
        stamp_.resize(lines_);
        for (size_t i = 0; i < lines_; ++i) stamp_[i] = i & (ways_ - 1);  // invalid: the way alone
    }
}

CacheAccess Cache::access(uint64_t addr, bool write) {
    // One predictable branch per call buys fully unrolled kernels for the usual way counts.
    switch (ways_) {
    case 1: return access_ways<1>(addr, write);
    case 2: return access_ways<2>(addr, write);
    case 4: return access_ways<4>(addr, write);
    case 8: return access_ways<8>(addr, write);
    case 16: return access_ways<16>(addr, write);
    case 32: return access_ways<32>(addr, write);
    default: return access_ways<0>(addr, write);
    }
}

template <unsigned W>
CacheAccess Cache::access_ways(uint64_t addr, bool write) {
    const unsigned ways = W ? W : ways_;
    const unsigned way_bits = W ? log2_pow2(W) : way_bits_;
    ++stats_.accesses;
    CacheAccess r;
    const uint64_t line = addr >> line_shift_;
    const size_t set = static_cast<size_t>(line & set_mask_);
    const size_t base = set * ways;
    uint64_t* tags = tags_.data() + base;
    const bool wt = geo_.write_policy == WritePolicy::WriteThrough;
    r.forward_write = write && wt;

    unsigned way = ways;
    const uint8_t fp = fingerprint(line);
    if (W != 0 && W < 8) {
        // Every tag is compared (no early exit: which way hits is random).
        uint64_t match = 0;
        for (unsigned w = 0; w < ways; ++w) match |= static_cast<uint64_t>(tags[w] == line) << w;
        if (match) way = static_cast<unsigned>(__builtin_ctzll(match));
    } else {
        // Eight 8-bit fingerprints per word (ways is a multiple of 8 here); a
        // zero byte of word ^ fp marks a candidate way (the SWAR test may flag
        // extra ones, never misses one), confirmed on the full line number.
        const uint8_t* fps = fp_.data() + base;
        const uint64_t pattern = fp * 0x0101010101010101ull;
        for (unsigned chunk = 0; chunk < ways && way == ways; chunk += 8) {
            uint64_t v;
            std::memcpy(&v, fps + chunk, 8);
            v ^= pattern;
            for (uint64_t z = (v - 0x0101010101010101ull) & ~v & 0x8080808080808080ull; z; z &= z - 1) {
                const unsigned w = chunk + static_cast<unsigned>(__builtin_ctzll(z) >> 3);
                if (tags[w] == line) {
                    way = w;
                    break;
                }
            }
        }
    }
    if (way < ways) {
        ++stats_.hits;
        r.hit = true;
        dirty_[base + way] |= static_cast<uint8_t>(write && !wt);
    } else {
        ++stats_.misses;
        if (write && wt) return r;  // no-write-allocate: the replacement state is left alone
        if (plru_) {
            if (valid_[set] < ways) {  // a free way, the lowest first
                way = 0;
                while (tags[way] != kInvalid) ++way;
                ++valid_[set];
            } else {
                const uint8_t* bits = tree_.data() + set * (ways - 1);
                size_t node = 0;
                way = 0;
                for (unsigned level = 0; level < way_bits; ++level) {
                    const unsigned b = bits[node];
                    way = (way << 1) | b;
                    node = 2 * node + 1 + b;
                }
            }
        } else {
            // The smallest stamp: the lowest invalid way, else the least recently used.
            const uint64_t* stamps = stamp_.data() + base;
            uint64_t oldest;
            if constexpr (W != 0) {
                oldest = min_of<W>(stamps);
            } else {
                oldest = stamps[0];
                for (unsigned w = 1; w < ways; ++w) oldest = std::min(oldest, stamps[w]);
            }
            way = static_cast<unsigned>(oldest & (ways - 1));
        }
        // Branch-free bookkeeping: whether the victim is valid or dirty is data.
        const uint64_t old = tags[way];
        const uint8_t was_dirty = dirty_[base + way];
        r.victim_line = old == kInvalid ? 0 : old << line_shift_;
        r.evicted_dirty = was_dirty != 0;
        stats_.writebacks += was_dirty;
        tags[way] = line;
        fp_[base + way] = fp;
        dirty_[base + way] = static_cast<uint8_t>(write);  // only write-back writes get here
        r.filled = true;
    }
    if (plru_) {  // point every node on the way's path away from it
        uint8_t* bits = tree_.data() + set * (ways - 1);
        size_t node = 0;
        for (unsigned level = 0; level < way_bits; ++level) {
            const unsigned half = (way >> (way_bits - 1 - level)) & 1u;
            bits[node] = static_cast<uint8_t>(half ^ 1u);
            node = 2 * node + 1 + half;
        }
    } else {
        stamp_[base + way] = (++clock_ << way_bits) | way;
    }
    return r;
}

bool Cache::dirty(uint64_t addr) const {
    const size_t i = find(addr >> line_shift_);
    return i != kNone && dirty_[i] != 0;
}

Cache::LineOp Cache::invalidate(uint64_t addr) {
    LineOp op;
    const size_t i = find(addr >> line_shift_);
    if (i == kNone) return op;
    op.present = true;
    op.was_dirty = dirty_[i] != 0;
    tags_[i] = kInvalid;
    dirty_[i] = 0;
    if (plru_) --valid_[i / ways_];
    else stamp_[i] = i & (ways_ - 1);
    ++stats_.invalidations;
    if (op.was_dirty) ++stats_.flushes;
    return op;
}

Cache::LineOp Cache::clean(uint64_t addr) {
    LineOp op;
    const size_t i = find(addr >> line_shift_);
    if (i == kNone) return op;
    op.present = true;
    op.was_dirty = dirty_[i] != 0;
    dirty_[i] = 0;
    if (op.was_dirty) ++stats_.flushes;
    return op;
}

Cache::FlushResult Cache::flush_all(std::vector<uint64_t>* dirty_line_addrs) {
    FlushResult f;
    for (size_t i = 0; i < lines_; ++i) {
        if (tags_[i] == kInvalid) continue;
        ++f.valid_lines;
        if (dirty_[i]) {
            ++f.dirty_lines;
            if (dirty_line_addrs) dirty_line_addrs->push_back(tags_[i] << line_shift_);
        }
    }
    std::fill(tags_.begin(), tags_.end(), kInvalid);
    std::fill(dirty_.begin(), dirty_.end(), uint8_t{0});
    reset_replacement();
    stats_.flushes += f.dirty_lines;
    stats_.invalidations += f.valid_lines;
    return f;
}

}  // namespace edgebert::hw
