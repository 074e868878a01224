// Iss memory paths: the fetch and decode slow path, the decoded-instruction
// cache, DMI regions, the load/store slow paths (the fast paths are inline in
// iss_impl.hpp), raw accesses and the tohost protocol.
#include <algorithm>
#include <cstring>

#include "hw/iss/fp.hpp"
#include "hw/iss/iss.hpp"
#include "hw/iss/iss_impl.hpp"

namespace edgebert::iss {

// ---- fetch / decode slow path (the fast path, fetch_decoded(), is in iss_exec.cpp) ----------

const DecodedOp* Iss::decode_at(DecodedOp* slot, uint64_t pc) {
    uint32_t lo = 0;
    if (!fetch_parcel(pc, lo)) {
        take_trap(cause::kInstrAccess, pc);
        return nullptr;
    }
    uint32_t bits = lo;
    if ((lo & 3) == 3) {
        uint32_t hi = 0;
        if (!fetch_parcel(pc + 2, hi)) {
            take_trap(cause::kInstrAccess, pc + 2);
            return nullptr;
        }
        bits |= hi << 16;
    }
    ++stats_.decoded;
    const DecodedOp d = decode(bits, decode_options_);
    if ((pc & kPageMask) + d.len > kPageBytes) {  // crosses into the next page: not cached
        scratch_ = d;
        return &scratch_;
    }
    *slot = d;
    return slot;
}

bool Iss::fetch_parcel(uint64_t addr, uint32_t& parcel) {
    uint16_t v = 0;
    const uint64_t off = addr - dmi_base_;
    if (off < dmi_limit_) {
        std::memcpy(&v, dmi_ptr_ + off, 2);
        parcel = v;
        return true;
    }
    DmiRegion* r = find_region(addr, 2);
    if (r == nullptr) r = try_new_region(addr, 2);
    if (r != nullptr) {
        make_primary(r);
        std::memcpy(&v, r->ptr + (addr - r->base), 2);
        parcel = v;
        return true;
    }
    ++stats_.slow_fetches;
    uint32_t w = 0;
    bool ok;
    {
        fp::FpEnv::ForeignCall guard;
        ok = bus_.fetch32(addr & ~3ull, w);
    }
    penalty(bus_.stall_cycles, stats_.bus_stall_cycles);
    bus_.stall_cycles = 0;
    parcel = (addr & 2) != 0 ? w >> 16 : w & 0xffff;
    return ok;
}

// ---- code cache ----------------------------------------------------------------------

Iss::CodePage* Iss::code_page(uint64_t page_addr, bool create) {
    auto& entry = code_tlb_[(page_addr >> 12) & (code_tlb_.size() - 1)];
    if (entry.second != nullptr && entry.first == page_addr) return entry.second;
    CodePage* page = nullptr;
    const auto it = code_pages_.find(page_addr);
    if (it != code_pages_.end()) {
        page = it->second.get();
    } else {
        if (!create) return nullptr;
        auto fresh = std::make_unique<CodePage>();
        page = fresh.get();
        code_pages_.emplace(page_addr, std::move(fresh));
        set_page_flag(page_addr, kFlagCode, true);
    }
    entry = {page_addr, page};
    return page;
}

void Iss::invalidate_slots(uint64_t addr, uint64_t len) {
    if (code_pages_.empty() || len == 0) return;
    // A 4-byte instruction starting 2 bytes before addr overlaps it too.
    const uint64_t first = addr >= 2 ? addr - 2 : 0;
    const uint64_t end = addr + len;  // exclusive
    if (len <= 8) {
        for (uint64_t page = first & ~kPageMask; page < end; page += kPageBytes) {
            CodePage* p = code_page(page, false);
            if (p == nullptr) continue;
            const uint64_t lo = std::max(first, page) - page;
            const uint64_t hi = std::min(end, page + kPageBytes) - page;
            for (uint64_t off = lo & ~1ull; off < hi; off += 2) p->ops[off >> 1].kind = Op::NotDecoded;
        }
        return;
    }
    for (auto it = code_pages_.lower_bound(first & ~kPageMask); it != code_pages_.end() && it->first < end; ++it) {
        const uint64_t page = it->first;
        const uint64_t lo = std::max(first, page) - page;
        const uint64_t hi = std::min(end, page + kPageBytes) - page;
        for (uint64_t off = lo & ~1ull; off < hi; off += 2) it->second->ops[off >> 1].kind = Op::NotDecoded;
    }
}

void Iss::invalidate_code(uint64_t addr, uint64_t len) { invalidate_slots(addr, len); }

void Iss::flush_code_cache() {
    for (const auto& entry : code_pages_) set_page_flag(entry.first, kFlagCode, false);
    code_pages_.clear();
    code_tlb_.fill({0, nullptr});
    cur_page_ = nullptr;
    cur_page_base_ = 1;
}

// ---- memory ----------------------------------------------------------------------------

Iss::DmiRegion* Iss::find_region(uint64_t addr, int size) {
    // Indexed by guest page: large programs touch tens of thousands of pages.
    auto it = region_index_.find(addr >> 12);
    if (it == region_index_.end()) return nullptr;
    DmiRegion* r = it->second;
    if (addr - r->base < r->size && addr - r->base + static_cast<uint64_t>(size) <= r->size) return r;
    return nullptr;
}

Iss::DmiRegion* Iss::try_new_region(uint64_t addr, int size) {
    const uint64_t page = addr >> 12;
    uint64_t& negative = no_dmi_pages_[page & (no_dmi_pages_.size() - 1)];
    if (negative == page + 1) return nullptr;
    size_t len = 0;
    uint8_t* ptr;
    {
        fp::FpEnv::ForeignCall guard;
        // Ask for the whole page first, so one region serves every access to it.
        const uint64_t start = addr & ~kPageMask;
        ptr = bus_.dmi(start, len);
        if (ptr != nullptr && start + len >= addr + static_cast<uint64_t>(size) && start + len > start) {
            addr = start;
        } else {
            ptr = bus_.dmi(addr, len);
        }
    }
    if (ptr == nullptr || len < 8 || len < static_cast<size_t>(size) || addr + len < addr) {
        negative = page + 1;
        return nullptr;
    }
    auto region = std::make_unique<DmiRegion>();
    region->base = addr;
    region->size = len;
    region->ptr = ptr;
    region->base_page = page;
    region->page_flags.assign(((addr + len - 1) >> 12) - page + 1, 0);
    DmiRegion* r = region.get();
    regions_.push_back(std::move(region));
    for (uint64_t pg = addr >> 12; pg <= (addr + len - 1) >> 12; ++pg) region_index_[pg] = r;
    for (auto it = code_pages_.lower_bound(addr & ~kPageMask); it != code_pages_.end() && it->first < addr + len; ++it) {
        r->page_flags[(it->first >> 12) - page] |= kFlagCode;
    }
    if (tohost_ && *tohost_ - addr < len) r->page_flags[(*tohost_ >> 12) - page] |= kFlagWatch;
    return r;
}

void Iss::make_primary(DmiRegion* r) {
    dmi_base_ = r->base;
    dmi_limit_ = r->size - 7;
    dmi_ptr_ = r->ptr;
    dmi_flags_ = r->page_flags.data();
    dmi_base_page_ = r->base_page;
}

void Iss::invalidate_dmi() {
    flush_code_cache();  // the code may have been decoded from the old mapping
    regions_.clear();
    region_index_.clear();
    dmi_base_ = 0;
    dmi_limit_ = 0;
    dmi_ptr_ = nullptr;
    dmi_flags_ = nullptr;
    dmi_base_page_ = 0;
    no_dmi_pages_.fill(0);
}

void Iss::set_page_flag(uint64_t page_addr, uint8_t flag, bool on) {
    for (const auto& r : regions_) {
        const uint64_t idx = (page_addr >> 12) - r->base_page;
        if (idx < r->page_flags.size()) {
            if (on) {
                r->page_flags[idx] |= flag;
            } else {
                r->page_flags[idx] &= static_cast<uint8_t>(~flag);
            }
        }
    }
}

bool Iss::load_slow(uint64_t addr, int size, uint64_t& v) {
    DmiRegion* r = find_region(addr, size);
    if (r == nullptr) r = try_new_region(addr, size);
    if (r != nullptr) {
        make_primary(r);
        memory_access(1, addr);
        v = 0;
        std::memcpy(&v, r->ptr + (addr - r->base), static_cast<size_t>(size));
        return true;
    }
    ++stats_.slow_loads;
    bool ok;
    {
        fp::FpEnv::ForeignCall guard;
        ok = bus_.load(addr, size, v);
    }
    penalty(bus_.stall_cycles, stats_.bus_stall_cycles);
    bus_.stall_cycles = 0;
    if (ok && size < 8) v &= (1ull << (8 * size)) - 1;
    return ok;
}

bool Iss::store_slow(uint64_t addr, int size, uint64_t v) {
    DmiRegion* r = find_region(addr, size);
    if (r == nullptr) r = try_new_region(addr, size);
    if (r != nullptr) {
        make_primary(r);
        memory_access(2, addr);
        std::memcpy(r->ptr + (addr - r->base), &v, static_cast<size_t>(size));
        if (r->page_flags[(addr >> 12) - r->base_page] != 0) store_hook(addr, size);
        return true;
    }
    ++stats_.slow_stores;
    bool ok;
    {
        fp::FpEnv::ForeignCall guard;
        ok = bus_.store(addr, size, v);
    }
    penalty(bus_.stall_cycles, stats_.bus_stall_cycles);
    bus_.stall_cycles = 0;
    if (ok) {
        store_hook(addr, size);
        break_ = true;  // a device may have changed an interrupt line or the timer
    }
    return ok;
}

void Iss::store_hook(uint64_t addr, int size) {
    invalidate_slots(addr, static_cast<uint64_t>(size));
    if (tohost_ && addr < *tohost_ + 8 && addr + static_cast<uint64_t>(size) > *tohost_) handle_tohost();
}

bool Iss::raw_read(uint64_t addr, int size, uint64_t& v) {
    DmiRegion* r = find_region(addr, size);
    if (r == nullptr) r = try_new_region(addr, size);
    v = 0;
    if (r != nullptr) {
        std::memcpy(&v, r->ptr + (addr - r->base), static_cast<size_t>(size));
        return true;
    }
    bool ok;
    {
        fp::FpEnv::ForeignCall guard;
        ok = bus_.load(addr, size, v);
    }
    bus_.stall_cycles = 0;
    return ok;
}

bool Iss::raw_write(uint64_t addr, int size, uint64_t v) {
    DmiRegion* r = find_region(addr, size);
    if (r == nullptr) r = try_new_region(addr, size);
    if (r != nullptr) {
        std::memcpy(r->ptr + (addr - r->base), &v, static_cast<size_t>(size));
        return true;
    }
    bool ok;
    {
        fp::FpEnv::ForeignCall guard;
        ok = bus_.store(addr, size, v);
    }
    bus_.stall_cycles = 0;
    return ok;
}

void Iss::set_tohost(std::optional<uint64_t> addr) {
    if (tohost_) set_page_flag(*tohost_ & ~kPageMask, kFlagWatch, false);
    tohost_ = addr;
    if (tohost_) set_page_flag(*tohost_ & ~kPageMask, kFlagWatch, true);
}

void Iss::handle_tohost() {
    uint64_t v = 0;
    if (!raw_read(*tohost_, 8, v) || v == 0) return;
    if ((v & 1) != 0) {
        exited_ = true;
        exit_code_ = v >> 1;
        stop_ = StopReason::Exit;
        break_ = true;
        return;
    }
    // riscv-tests syscall proxy: v points at {which, a0, a1, a2}.
    uint64_t block[4] = {};
    for (int i = 0; i < 4; ++i) {
        if (!raw_read(v + 8 * static_cast<uint64_t>(i), 8, block[i])) return;
    }
    constexpr uint64_t kSysWrite = 64, kSysExit = 93;
    uint64_t ret = static_cast<uint64_t>(-38);  // -ENOSYS
    if (block[0] == kSysWrite && (block[1] == 1 || block[1] == 2)) {
        const uint64_t n = std::min<uint64_t>(block[3], 1u << 20);
        for (uint64_t i = 0; i < n; ++i) {
            uint64_t byte = 0;
            if (!raw_read(block[2] + i, 1, byte)) break;
            console_.push_back(static_cast<char>(byte));
        }
        ret = n;
    } else if (block[0] == kSysExit) {
        exited_ = true;
        exit_code_ = block[1];
        stop_ = StopReason::Exit;
        break_ = true;
        ret = 0;
    }
    raw_write(v, 8, ret);
    raw_write(*tohost_, 8, 0);
    if (fromhost_) raw_write(*fromhost_, 8, 1);
}

}  // namespace edgebert::iss
