#include "hw/iss/iss.hpp"

#include <algorithm>
#include <cstring>

#include "common/error.hpp"
#include "hw/iss/fp.hpp"

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the ISS's DMI path assumes a little-endian host");

namespace edgebert::iss {
namespace {

__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

inline uint64_t sext32(uint64_t v) {
    return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(static_cast<uint32_t>(v))));
}

constexpr uint64_t kTrapLoopLimit = 4;

constexpr uint64_t kSignS = 0x80000000ull;
constexpr uint64_t kSignD = 0x8000000000000000ull;

void check_nonzero(const std::string& origin, const char* field, uint32_t v) {
    if (v == 0) throw ConfigError(origin + ": timing." + field + " must be >= 1 (got 0)");
}

uint32_t quotient_bits(uint64_t a, uint64_t b) {
    if (b == 0 || a < b) return 1;
    return static_cast<uint32_t>(__builtin_clzll(b) - __builtin_clzll(a) + 1);
}

uint64_t magnitude(int64_t v) { return v < 0 ? static_cast<uint64_t>(0) - static_cast<uint64_t>(v) : static_cast<uint64_t>(v); }

}  // namespace

// ---- configuration --------------------------------------------------------------

void IssTiming::validate(const std::string& origin) const {
    check_nonzero(origin, "alu", alu);
    check_nonzero(origin, "mul", mul);
    check_nonzero(origin, "load", load);
    check_nonzero(origin, "store", store);
    check_nonzero(origin, "amo", amo);
    check_nonzero(origin, "csr", csr);
    check_nonzero(origin, "fp_add_s", fp_add_s);
    check_nonzero(origin, "fp_add_d", fp_add_d);
    check_nonzero(origin, "fp_noncomp", fp_noncomp);
    check_nonzero(origin, "fp_conv", fp_conv);
    check_nonzero(origin, "fp_div_s", fp_div_s);
    check_nonzero(origin, "fp_div_d", fp_div_d);
    check_nonzero(origin, "fp_sqrt_s", fp_sqrt_s);
    check_nonzero(origin, "fp_sqrt_d", fp_sqrt_d);
    if (div_base + div_per_bit == 0) throw ConfigError(origin + ": timing.div_base + div_per_bit must be >= 1");
}

void IssConfig::validate(const std::string& origin) const {
    if (interrupt_check_interval == 0) {
        throw ConfigError(origin + ": interrupt_check_interval must be >= 1 (got 0)");
    }
    if ((reset_pc & 1) != 0 || (!rvc && (reset_pc & 3) != 0)) {
        throw ConfigError(origin + ": reset_pc must be " + (rvc ? "2" : "4") + "-byte aligned");
    }
    timing.validate(origin);
}

const char* to_string(StopReason reason) {
    switch (reason) {
    case StopReason::None: return "none";
    case StopReason::InstructionLimit: return "instruction-limit";
    case StopReason::Wfi: return "wfi";
    case StopReason::Exit: return "exit";
    case StopReason::TrapLoop: return "trap-loop";
    }
    return "?";
}

// ---- construction / reset ----------------------------------------------------------

Iss::Iss(IssBus& bus, const IssConfig& config) : bus_(bus), config_(config) {
    config_.validate("IssConfig");
    decode_options_.rvc = config_.rvc;
    decode_options_.rva = config_.rva;
    const IssTiming& t = config_.timing;
    timing_on_ = t.enabled;
    auto set = [this](TimingClass c, uint32_t v) { latency_[static_cast<int>(c)] = v; };
    set(TimingClass::Alu, t.alu);
    set(TimingClass::Mul, t.mul);
    set(TimingClass::Div, t.div_base + t.div_per_bit);
    set(TimingClass::Load, t.load);
    set(TimingClass::Store, t.store);
    set(TimingClass::Branch, t.alu);
    set(TimingClass::Jal, t.alu);
    set(TimingClass::Jalr, t.alu);
    set(TimingClass::Csr, t.csr);
    set(TimingClass::Fence, 1);
    set(TimingClass::FenceI, 1);
    set(TimingClass::System, 1);
    set(TimingClass::Amo, t.amo);
    set(TimingClass::FpAddS, t.fp_add_s);
    set(TimingClass::FpAddD, t.fp_add_d);
    set(TimingClass::FpDivS, t.fp_div_s);
    set(TimingClass::FpDivD, t.fp_div_d);
    set(TimingClass::FpSqrtS, t.fp_sqrt_s);
    set(TimingClass::FpSqrtD, t.fp_sqrt_d);
    set(TimingClass::FpNonComp, t.fp_noncomp);
    set(TimingClass::FpConv, t.fp_conv);
    set(TimingClass::FpLoad, t.load);
    set(TimingClass::FpStore, t.store);
    reset(config_.reset_pc);
}

Iss::~Iss() = default;

void Iss::reset(uint64_t pc) {
    std::fill(std::begin(x_), std::end(x_), 0);
    std::fill(std::begin(f_), std::end(f_), 0);
    pc_ = pc;
    mstatus_ = 0;
    mie_ = 0;
    mtvec_ = 0;
    mscratch_ = 0;
    mepc_ = 0;
    mcause_ = 0;
    mtval_ = 0;
    fflags_ = 0;
    frm_ = 0;
    mcycle_offset_ = 0;
    minstret_offset_ = 0;
    timer_pending_ = false;
    cycle_ = 0;
    instret_ = 0;
    stop_ = StopReason::None;
    wfi_ = false;
    break_ = false;
    exited_ = false;
    exit_code_ = 0;
    trap_streak_ = 0;
    last_trap_instret_ = ~0ull;
    reservation_valid_ = false;
    std::fill(std::begin(ready_), std::end(ready_), 0);
    div_free_ = 0;
    fdiv_free_ = 0;
    stats_ = IssStats{};
    console_.clear();
    flush_code_cache();
}

// ---- run loop -------------------------------------------------------------------------

uint64_t Iss::run(uint64_t max_instructions) {
    const uint64_t start = instret_;
    if (exited_) {
        stop_ = StopReason::Exit;
        return 0;
    }
    fp::FpEnv::Scope fp_scope;
    stop_ = StopReason::None;
    poll_timer();
    if (wfi_) {
        if ((mip_value() & mie_) == 0) {
            stop_ = StopReason::Wfi;
            return 0;
        }
        wfi_ = false;
    }
    while (stop_ == StopReason::None) {
        const uint64_t done = instret_ - start;
        if (done >= max_instructions) {
            stop_ = StopReason::InstructionLimit;
            break;
        }
        check_interrupts();
        if (stop_ != StopReason::None) break;
        execute(std::min<uint64_t>(max_instructions - done, config_.interrupt_check_interval));
        if (stop_ == StopReason::None) poll_timer();
    }
    fold_fp_flags();
    return instret_ - start;
}

uint64_t Iss::mip_value() const {
    uint64_t v = 0;
    if (irq_ext_) v |= irq::kMeip;
    if (irq_soft_) v |= irq::kMsip;
    if (irq_timer_line_ || timer_pending_) v |= irq::kMtip;
    return v;
}

void Iss::poll_timer() {
    fp::FpEnv::ForeignCall guard;
    timer_pending_ = bus_.mtime() >= bus_.mtimecmp();
}

bool Iss::check_interrupts() {
    const uint64_t pending = mip_value() & mie_;
    if (pending == 0 || (mstatus_ & mstatus::kMie) == 0) return false;
    uint64_t code = cause::kMachineTimer;
    if (pending & irq::kMeip) {
        code = cause::kMachineExternal;
    } else if (pending & irq::kMsip) {
        code = cause::kMachineSoftware;
    }
    take_trap(cause::kInterrupt | code, 0);
    return true;
}

void Iss::take_trap(uint64_t cause_value, uint64_t tval) {
    const bool interrupt = (cause_value & cause::kInterrupt) != 0;
    trap_streak_ = instret_ == last_trap_instret_ ? trap_streak_ + 1 : 1;
    last_trap_instret_ = instret_;
    if (trap_streak_ > kTrapLoopLimit) {
        stop_ = StopReason::TrapLoop;
        break_ = true;
    }
    if (interrupt) {
        ++stats_.interrupts;
    } else {
        ++stats_.traps;
    }
    mepc_ = pc_;
    mcause_ = cause_value;
    mtval_ = tval;
    const bool mie = (mstatus_ & mstatus::kMie) != 0;
    mstatus_ = (mstatus_ & ~(mstatus::kMie | mstatus::kMpie)) | (mie ? mstatus::kMpie : 0);
    reservation_valid_ = false;
    wfi_ = false;
    const uint64_t base = mtvec_ & ~3ull;
    pc_ = (interrupt && (mtvec_ & 1) != 0) ? base + 4 * (cause_value & 63) : base;
    if (timing_on_) penalty(config_.timing.trap, stats_.system_cycles);
}

// ---- timing ---------------------------------------------------------------------------

inline void Iss::apply_timing(const DecodedOp& d) {
    uint64_t t = cycle_;
    t = std::max(t, ready_[d.src[0]]);
    t = std::max(t, ready_[d.src[1]]);
    t = std::max(t, ready_[d.src[2]]);
    stats_.raw_stall_cycles += t - cycle_;
    cycle_ = t + 1;
    ready_[d.dst] = t + latency_[static_cast<int>(d.tclass)];
}

void Iss::div_timing(const DecodedOp& d, uint64_t a_mag, uint64_t b_mag) {
    if (!timing_on_) return;
    const uint64_t issue = cycle_ - 1;
    const uint64_t start = std::max(issue, div_free_);
    stats_.structural_stall_cycles += start - issue;
    cycle_ += start - issue;
    const uint64_t lat = config_.timing.div_base + uint64_t{config_.timing.div_per_bit} * quotient_bits(a_mag, b_mag);
    div_free_ = start + lat;
    ready_[d.dst] = start + lat;
}

void Iss::fdiv_timing(const DecodedOp& d) {
    if (!timing_on_) return;
    const uint64_t issue = cycle_ - 1;
    const uint64_t start = std::max(issue, fdiv_free_);
    stats_.structural_stall_cycles += start - issue;
    cycle_ += start - issue;
    const uint64_t lat = latency_[static_cast<int>(d.tclass)];
    fdiv_free_ = start + lat;
    ready_[d.dst] = start + lat;
}

// ---- fetch / decode ---------------------------------------------------------------

inline const DecodedOp* Iss::fetch_decoded() {
    const uint64_t pc = pc_;
    const uint64_t page = pc & ~kPageMask;
    if (page != cur_page_base_) {
        cur_page_ = code_page(page, true);
        cur_page_base_ = page;
    }
    DecodedOp* slot = &cur_page_->ops[(pc & kPageMask) >> 1];
    if (slot->kind != Op::NotDecoded) return slot;
    return decode_at(slot, pc);
}

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

template <class T>
inline bool Iss::load(uint64_t addr, T& out, uint64_t access_cause) {
    if ((addr & (sizeof(T) - 1)) != 0) {
        take_trap(cause::kLoadMisaligned, addr);
        return false;
    }
    const uint64_t off = addr - dmi_base_;
    if (off < dmi_limit_) {
        std::memcpy(&out, dmi_ptr_ + off, sizeof(T));
        return true;
    }
    uint64_t v = 0;
    if (!load_slow(addr, sizeof(T), v)) {
        take_trap(access_cause, addr);
        return false;
    }
    out = static_cast<T>(v);
    return true;
}

template <class T>
inline bool Iss::store(uint64_t addr, T value) {
    if ((addr & (sizeof(T) - 1)) != 0) {
        take_trap(cause::kStoreMisaligned, addr);
        return false;
    }
    const uint64_t off = addr - dmi_base_;
    if (off < dmi_limit_) {
        std::memcpy(dmi_ptr_ + off, &value, sizeof(T));
        if (dmi_flags_[(addr >> 12) - dmi_base_page_] != 0) store_hook(addr, sizeof(T));
        return true;
    }
    if (!store_slow(addr, sizeof(T), static_cast<uint64_t>(value))) {
        take_trap(cause::kStoreAccess, addr);
        return false;
    }
    return true;
}

bool Iss::load_slow(uint64_t addr, int size, uint64_t& v) {
    DmiRegion* r = find_region(addr, size);
    if (r == nullptr) r = try_new_region(addr, size);
    if (r != nullptr) {
        make_primary(r);
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

// ---- CSRs --------------------------------------------------------------------------------

void Iss::fold_fp_flags() { fflags_ |= fp::FpEnv::take_host_flags(); }

uint64_t Iss::mstatus_value() const {
    uint64_t v = mstatus_ | mstatus::kMpp;
    if ((mstatus_ & mstatus::kFs) == mstatus::kFsDirty) v |= mstatus::kSd;
    return v;
}

std::optional<uint64_t> Iss::csr(uint32_t number) {
    uint64_t v = 0;
    const uint64_t saved_mstatus = mstatus_;
    if (number <= csr::kFcsr) mstatus_ |= mstatus::kFsInitial;  // FP CSRs are readable whatever FS is
    const bool ok = csr_read(number, v);
    mstatus_ = saved_mstatus;
    if (!ok) return std::nullopt;
    return v;
}

bool Iss::csr_read(uint32_t n, uint64_t& v) {
    switch (n) {
    case csr::kFflags:
        if (!fp_enabled()) return false;
        v = fflags_;
        return true;
    case csr::kFrm:
        if (!fp_enabled()) return false;
        v = frm_;
        return true;
    case csr::kFcsr:
        if (!fp_enabled()) return false;
        v = (frm_ << 5) | fflags_;
        return true;
    case csr::kCycle:
    case csr::kMcycle: v = cycle_ + mcycle_offset_; return true;
    case csr::kInstret:
    case csr::kMinstret: v = instret_ + minstret_offset_; return true;
    case csr::kTime: {
        fp::FpEnv::ForeignCall guard;
        v = bus_.mtime();
        return true;
    }
    case csr::kMstatus: v = mstatus_value(); return true;
    case csr::kMisa:
        v = (2ull << 62) | (1ull << 8) /*I*/ | (1ull << 12) /*M*/ | (1ull << 5) /*F*/ | (1ull << 3) /*D*/ |
            (config_.rva ? 1ull : 0) /*A*/ | (config_.rvc ? 1ull << 2 : 0) /*C*/;
        return true;
    case csr::kMie: v = mie_; return true;
    case csr::kMtvec: v = mtvec_; return true;
    case csr::kMscratch: v = mscratch_; return true;
    case csr::kMepc: v = mepc_ & (config_.rvc ? ~1ull : ~3ull); return true;
    case csr::kMcause: v = mcause_; return true;
    case csr::kMtval: v = mtval_; return true;
    case csr::kMip:
        poll_timer();
        v = mip_value();
        return true;
    case csr::kMcountinhibit:
    case csr::kMvendorid:
    case csr::kMarchid:
    case csr::kMimpid:
    case csr::kMconfigptr: v = 0; return true;
    case csr::kMhartid: v = config_.hart_id; return true;
    default:
        // mhpmcounter3..31, hpmcounter3..31, mhpmevent3..31: present, read zero
        if ((n >= 0xB03 && n <= 0xB1F) || (n >= 0xC03 && n <= 0xC1F) || (n >= 0x323 && n <= 0x33F)) {
            v = 0;
            return true;
        }
        return false;
    }
}

bool Iss::csr_write(uint32_t n, uint64_t v) {
    switch (n) {
    case csr::kFflags:
        if (!fp_enabled()) return false;
        fflags_ = static_cast<uint32_t>(v & 31);
        fp_dirty();
        return true;
    case csr::kFrm:
        if (!fp_enabled()) return false;
        frm_ = static_cast<uint32_t>(v & 7);
        fp_dirty();
        return true;
    case csr::kFcsr:
        if (!fp_enabled()) return false;
        fflags_ = static_cast<uint32_t>(v & 31);
        frm_ = static_cast<uint32_t>((v >> 5) & 7);
        fp_dirty();
        return true;
    case csr::kMcycle: mcycle_offset_ = v - cycle_; return true;
    case csr::kMinstret: minstret_offset_ = v - instret_ - 1; return true;  // this instruction still retires
    case csr::kMstatus:
        mstatus_ = v & (mstatus::kMie | mstatus::kMpie | mstatus::kFs);
        break_ = true;  // MIE may have enabled a pending interrupt
        return true;
    case csr::kMisa: return true;  // WARL, not writable
    case csr::kMie:
        mie_ = v & (irq::kMsip | irq::kMtip | irq::kMeip);
        break_ = true;
        return true;
    case csr::kMtvec:
        // WARL: modes 2 and 3 are reserved -> direct
        mtvec_ = (v & ~3ull) | ((v & 3) == 1 ? 1 : 0);
        return true;
    case csr::kMscratch: mscratch_ = v; return true;
    case csr::kMepc: mepc_ = v & ~1ull; return true;
    case csr::kMcause: mcause_ = v; return true;
    case csr::kMtval: mtval_ = v; return true;
    case csr::kMip: return true;            // MEIP/MTIP/MSIP are driven by the platform
    case csr::kMcountinhibit: return true;  // WARL zero
    default:
        if ((n >= 0xB03 && n <= 0xB1F) || (n >= 0x323 && n <= 0x33F)) return true;
        return false;
    }
}

int Iss::resolve_rm(const DecodedOp& d) const {
    const uint32_t rm = d.rm == fp::kDyn ? frm_ : d.rm;
    return rm <= fp::kRmm ? static_cast<int>(rm) : -1;
}

// ---- A extension ---------------------------------------------------------------------------

bool Iss::exec_amo(const DecodedOp& d) {
    const bool dw = d.kind >= Op::LrD;
    const Op op = dw ? static_cast<Op>(static_cast<int>(d.kind) - (static_cast<int>(Op::LrD) - static_cast<int>(Op::LrW)))
                     : d.kind;
    const uint64_t addr = x_[d.rs1];
    const uint64_t align = dw ? 7 : 3;
    if ((addr & align) != 0) {
        take_trap(op == Op::LrW ? cause::kLoadMisaligned : cause::kStoreMisaligned, addr);
        return false;
    }
    auto read = [&](uint64_t& v, uint64_t access_cause) {
        if (dw) return load<uint64_t>(addr, v, access_cause);
        uint32_t w = 0;
        if (!load<uint32_t>(addr, w, access_cause)) return false;
        v = w;
        return true;
    };
    auto write = [&](uint64_t v) {
        return dw ? store<uint64_t>(addr, v) : store<uint32_t>(addr, static_cast<uint32_t>(v));
    };
    if (op == Op::LrW) {
        uint64_t v = 0;
        if (!read(v, cause::kLoadAccess)) return false;
        reservation_valid_ = true;
        reservation_addr_ = addr;
        x_[d.rd] = dw ? v : sext32(v);
        return true;
    }
    if (op == Op::ScW) {
        if (reservation_valid_ && reservation_addr_ == addr) {
            if (!write(x_[d.rs2])) return false;
            x_[d.rd] = 0;
        } else {
            x_[d.rd] = 1;
        }
        reservation_valid_ = false;
        return true;
    }
    uint64_t old = 0;
    if (!read(old, cause::kStoreAccess)) return false;
    const uint64_t src = x_[d.rs2];
    const int64_t so = dw ? static_cast<int64_t>(old) : static_cast<int64_t>(sext32(old));
    const int64_t ss = dw ? static_cast<int64_t>(src) : static_cast<int64_t>(sext32(src));
    const uint64_t uo = dw ? old : (old & 0xffffffffull);
    const uint64_t us = dw ? src : (src & 0xffffffffull);
    uint64_t res = 0;
    switch (op) {
    case Op::AmoswapW: res = src; break;
    case Op::AmoaddW: res = old + src; break;
    case Op::AmoxorW: res = old ^ src; break;
    case Op::AmoandW: res = old & src; break;
    case Op::AmoorW: res = old | src; break;
    case Op::AmominW: res = so < ss ? old : src; break;
    case Op::AmomaxW: res = so > ss ? old : src; break;
    case Op::AmominuW: res = uo < us ? old : src; break;
    default: res = uo > us ? old : src; break;  // AmomaxuW
    }
    if (!write(res)) return false;
    x_[d.rd] = dw ? old : sext32(old);
    return true;
}

// ---- the interpreter -------------------------------------------------------------------

#define REQUIRE_FP()        \
    if (!fp_enabled()) {    \
        illegal(d);         \
        continue;           \
    }
#define RESOLVE_RM(var)          \
    const int var = resolve_rm(d); \
    if (var < 0) {               \
        illegal(d);              \
        continue;                \
    }

void Iss::execute(uint64_t budget) {
    using fp::S;
    using fp::D;
    break_ = false;
    const bool rvc = config_.rvc;
    for (uint64_t step = 0; step < budget && !break_; ++step) {
        const DecodedOp* slot = fetch_decoded();
        if (slot == nullptr) continue;  // fetch fault: trap taken
        const DecodedOp d = *slot;      // a store below may invalidate the slot
        if (timing_on_) {
            apply_timing(d);
        } else {
            ++cycle_;
        }
        const uint64_t pc = pc_;
        uint64_t next = pc + d.len;
        uint64_t* const x = x_;

        switch (d.kind) {
        // ---- RV64I ----
        case Op::Lui: x[d.rd] = static_cast<uint64_t>(static_cast<int64_t>(d.imm)); break;
        case Op::Auipc: x[d.rd] = pc + static_cast<uint64_t>(static_cast<int64_t>(d.imm)); break;
        case Op::Jal: {
            const uint64_t target = pc + static_cast<uint64_t>(static_cast<int64_t>(d.imm));
            if (!rvc && (target & 3) != 0) {
                take_trap(cause::kInstrMisaligned, target);
                continue;
            }
            x[d.rd] = next;
            next = target;
            if (timing_on_) penalty(config_.timing.taken_bubble, stats_.branch_penalty_cycles);
            break;
        }
        case Op::Jalr: {
            const uint64_t target = (x[d.rs1] + static_cast<uint64_t>(static_cast<int64_t>(d.imm))) & ~1ull;
            if (!rvc && (target & 3) != 0) {
                take_trap(cause::kInstrMisaligned, target);
                continue;
            }
            x[d.rd] = next;
            next = target;
            if (timing_on_) {
                const bool is_return = d.rd == 0 && (d.rs1 == 1 || d.rs1 == 5);
                penalty(is_return ? config_.timing.taken_bubble : config_.timing.jalr_mispredict,
                        stats_.branch_penalty_cycles);
            }
            break;
        }
        case Op::Beq: case Op::Bne: case Op::Blt: case Op::Bge: case Op::Bltu: case Op::Bgeu: {
            const uint64_t a = x[d.rs1], b = x[d.rs2];
            bool taken;
            switch (d.kind) {
            case Op::Beq: taken = a == b; break;
            case Op::Bne: taken = a != b; break;
            case Op::Blt: taken = static_cast<int64_t>(a) < static_cast<int64_t>(b); break;
            case Op::Bge: taken = static_cast<int64_t>(a) >= static_cast<int64_t>(b); break;
            case Op::Bltu: taken = a < b; break;
            default: taken = a >= b; break;
            }
            if (taken) {
                const uint64_t target = pc + static_cast<uint64_t>(static_cast<int64_t>(d.imm));
                if (!rvc && (target & 3) != 0) {
                    take_trap(cause::kInstrMisaligned, target);
                    continue;
                }
                next = target;
            }
            if (timing_on_) {
                const bool predicted_taken = d.imm < 0;  // backward taken, forward not taken
                if (taken != predicted_taken) {
                    penalty(config_.timing.branch_mispredict, stats_.branch_penalty_cycles);
                } else if (taken) {
                    penalty(config_.timing.taken_bubble, stats_.branch_penalty_cycles);
                }
            }
            break;
        }
        case Op::Lb: {
            int8_t v;
            if (!load(x[d.rs1] + static_cast<uint64_t>(static_cast<int64_t>(d.imm)), v)) continue;
            x[d.rd] = static_cast<uint64_t>(static_cast<int64_t>(v));
            break;
        }
        case Op::Lh: {
            int16_t v;
            if (!load(x[d.rs1] + static_cast<uint64_t>(static_cast<int64_t>(d.imm)), v)) continue;
            x[d.rd] = static_cast<uint64_t>(static_cast<int64_t>(v));
            break;
        }
        case Op::Lw: {
            int32_t v;
            if (!load(x[d.rs1] + static_cast<uint64_t>(static_cast<int64_t>(d.imm)), v)) continue;
            x[d.rd] = static_cast<uint64_t>(static_cast<int64_t>(v));
            break;
        }
        case Op::Ld: {
            uint64_t v;
            if (!load(x[d.rs1] + static_cast<uint64_t>(static_cast<int64_t>(d.imm)), v)) continue;
            x[d.rd] = v;
            break;
        }
        case Op::Lbu: {
            uint8_t v;
            if (!load(x[d.rs1] + static_cast<uint64_t>(static_cast<int64_t>(d.imm)), v)) continue;
            x[d.rd] = v;
            break;
        }
        case Op::Lhu: {
            uint16_t v;
            if (!load(x[d.rs1] + static_cast<uint64_t>(static_cast<int64_t>(d.imm)), v)) continue;
            x[d.rd] = v;
            break;
        }
        case Op::Lwu: {
            uint32_t v;
            if (!load(x[d.rs1] + static_cast<uint64_t>(static_cast<int64_t>(d.imm)), v)) continue;
            x[d.rd] = v;
            break;
        }
        case Op::Sb:
            if (!store(x[d.rs1] + static_cast<uint64_t>(static_cast<int64_t>(d.imm)), static_cast<uint8_t>(x[d.rs2])))
                continue;
            break;
        case Op::Sh:
            if (!store(x[d.rs1] + static_cast<uint64_t>(static_cast<int64_t>(d.imm)), static_cast<uint16_t>(x[d.rs2])))
                continue;
            break;
        case Op::Sw:
            if (!store(x[d.rs1] + static_cast<uint64_t>(static_cast<int64_t>(d.imm)), static_cast<uint32_t>(x[d.rs2])))
                continue;
            break;
        case Op::Sd:
            if (!store(x[d.rs1] + static_cast<uint64_t>(static_cast<int64_t>(d.imm)), x[d.rs2])) continue;
            break;
        case Op::Addi: x[d.rd] = x[d.rs1] + static_cast<uint64_t>(static_cast<int64_t>(d.imm)); break;
        case Op::Slti: x[d.rd] = static_cast<int64_t>(x[d.rs1]) < static_cast<int64_t>(d.imm) ? 1 : 0; break;
        case Op::Sltiu: x[d.rd] = x[d.rs1] < static_cast<uint64_t>(static_cast<int64_t>(d.imm)) ? 1 : 0; break;
        case Op::Xori: x[d.rd] = x[d.rs1] ^ static_cast<uint64_t>(static_cast<int64_t>(d.imm)); break;
        case Op::Ori: x[d.rd] = x[d.rs1] | static_cast<uint64_t>(static_cast<int64_t>(d.imm)); break;
        case Op::Andi: x[d.rd] = x[d.rs1] & static_cast<uint64_t>(static_cast<int64_t>(d.imm)); break;
        case Op::Slli: x[d.rd] = x[d.rs1] << d.imm; break;
        case Op::Srli: x[d.rd] = x[d.rs1] >> d.imm; break;
        case Op::Srai: x[d.rd] = static_cast<uint64_t>(static_cast<int64_t>(x[d.rs1]) >> d.imm); break;
        case Op::Add: x[d.rd] = x[d.rs1] + x[d.rs2]; break;
        case Op::Sub: x[d.rd] = x[d.rs1] - x[d.rs2]; break;
        case Op::Sll: x[d.rd] = x[d.rs1] << (x[d.rs2] & 63); break;
        case Op::Slt: x[d.rd] = static_cast<int64_t>(x[d.rs1]) < static_cast<int64_t>(x[d.rs2]) ? 1 : 0; break;
        case Op::Sltu: x[d.rd] = x[d.rs1] < x[d.rs2] ? 1 : 0; break;
        case Op::Xor: x[d.rd] = x[d.rs1] ^ x[d.rs2]; break;
        case Op::Srl: x[d.rd] = x[d.rs1] >> (x[d.rs2] & 63); break;
        case Op::Sra: x[d.rd] = static_cast<uint64_t>(static_cast<int64_t>(x[d.rs1]) >> (x[d.rs2] & 63)); break;
        case Op::Or: x[d.rd] = x[d.rs1] | x[d.rs2]; break;
        case Op::And: x[d.rd] = x[d.rs1] & x[d.rs2]; break;
        case Op::Addiw: x[d.rd] = sext32(x[d.rs1] + static_cast<uint64_t>(static_cast<int64_t>(d.imm))); break;
        case Op::Slliw: x[d.rd] = sext32(static_cast<uint32_t>(x[d.rs1]) << d.imm); break;
        case Op::Srliw: x[d.rd] = sext32(static_cast<uint32_t>(x[d.rs1]) >> d.imm); break;
        case Op::Sraiw:
            x[d.rd] = sext32(static_cast<uint32_t>(static_cast<int32_t>(static_cast<uint32_t>(x[d.rs1])) >> d.imm));
            break;
        case Op::Addw: x[d.rd] = sext32(x[d.rs1] + x[d.rs2]); break;
        case Op::Subw: x[d.rd] = sext32(x[d.rs1] - x[d.rs2]); break;
        case Op::Sllw: x[d.rd] = sext32(static_cast<uint32_t>(x[d.rs1]) << (x[d.rs2] & 31)); break;
        case Op::Srlw: x[d.rd] = sext32(static_cast<uint32_t>(x[d.rs1]) >> (x[d.rs2] & 31)); break;
        case Op::Sraw:
            x[d.rd] = sext32(static_cast<uint32_t>(static_cast<int32_t>(static_cast<uint32_t>(x[d.rs1])) >>
                                                   (x[d.rs2] & 31)));
            break;
        case Op::Fence:
            if (timing_on_) penalty(config_.timing.fence, stats_.system_cycles);
            break;
        case Op::FenceI:
            flush_code_cache();
            if (timing_on_) penalty(config_.timing.fence_i, stats_.system_cycles);
            break;
        case Op::Ecall: take_trap(cause::kEcallM, 0); continue;
        case Op::Ebreak: take_trap(cause::kBreakpoint, pc); continue;
        case Op::Mret: {
            const bool mpie = (mstatus_ & mstatus::kMpie) != 0;
            mstatus_ = (mstatus_ & ~mstatus::kMie) | (mpie ? mstatus::kMie : 0) | mstatus::kMpie;
            next = mepc_ & (rvc ? ~1ull : ~3ull);
            break_ = true;  // interrupts may be enabled again
            if (timing_on_) penalty(config_.timing.trap, stats_.system_cycles);
            break;
        }
        case Op::Wfi:
            poll_timer();
            if ((mip_value() & mie_) == 0) {
                wfi_ = true;
                stop_ = StopReason::Wfi;
            }
            break_ = true;  // sleep, or take the pending interrupt at once
            break;
        case Op::Csrrw: case Op::Csrrs: case Op::Csrrc: case Op::Csrrwi: case Op::Csrrsi: case Op::Csrrci: {
            const uint32_t n = static_cast<uint32_t>(d.imm) & 0xfff;
            const bool imm_form = d.kind == Op::Csrrwi || d.kind == Op::Csrrsi || d.kind == Op::Csrrci;
            const bool is_write = d.kind == Op::Csrrw || d.kind == Op::Csrrwi;
            const uint64_t src = imm_form ? d.rs1 : x[d.rs1];
            const bool writes = is_write || d.rs1 != 0;
            if (writes && (n >> 10) == 3) {  // read-only CSR
                illegal(d);
                continue;
            }
            if (n <= csr::kFcsr && fp_enabled()) fold_fp_flags();  // fflags lag in the host FPU
            uint64_t old = 0;
            if (!csr_read(n, old)) {
                illegal(d);
                continue;
            }
            if (writes) {
                uint64_t value = src;
                if (d.kind == Op::Csrrs || d.kind == Op::Csrrsi) value = old | src;
                if (d.kind == Op::Csrrc || d.kind == Op::Csrrci) value = old & ~src;
                if (!csr_write(n, value)) {
                    illegal(d);
                    continue;
                }
            }
            x[d.rd] = old;
            break;
        }

        // ---- M ----
        case Op::Mul: x[d.rd] = x[d.rs1] * x[d.rs2]; break;
        case Op::Mulh:
            x[d.rd] = static_cast<uint64_t>((static_cast<i128>(static_cast<int64_t>(x[d.rs1])) *
                                             static_cast<i128>(static_cast<int64_t>(x[d.rs2]))) >> 64);
            break;
        case Op::Mulhsu:
            x[d.rd] = static_cast<uint64_t>(
                (static_cast<i128>(static_cast<int64_t>(x[d.rs1])) * static_cast<i128>(x[d.rs2])) >> 64);
            break;
        case Op::Mulhu:
            x[d.rd] = static_cast<uint64_t>((static_cast<u128>(x[d.rs1]) * static_cast<u128>(x[d.rs2])) >> 64);
            break;
        case Op::Div: {
            const int64_t a = static_cast<int64_t>(x[d.rs1]), b = static_cast<int64_t>(x[d.rs2]);
            div_timing(d, magnitude(a), magnitude(b));
            if (b == 0) {
                x[d.rd] = ~0ull;
            } else if (a == INT64_MIN && b == -1) {
                x[d.rd] = static_cast<uint64_t>(a);
            } else {
                x[d.rd] = static_cast<uint64_t>(a / b);
            }
            break;
        }
        case Op::Divu: {
            const uint64_t a = x[d.rs1], b = x[d.rs2];
            div_timing(d, a, b);
            x[d.rd] = b == 0 ? ~0ull : a / b;
            break;
        }
        case Op::Rem: {
            const int64_t a = static_cast<int64_t>(x[d.rs1]), b = static_cast<int64_t>(x[d.rs2]);
            div_timing(d, magnitude(a), magnitude(b));
            if (b == 0) {
                x[d.rd] = static_cast<uint64_t>(a);
            } else if (a == INT64_MIN && b == -1) {
                x[d.rd] = 0;
            } else {
                x[d.rd] = static_cast<uint64_t>(a % b);
            }
            break;
        }
        case Op::Remu: {
            const uint64_t a = x[d.rs1], b = x[d.rs2];
            div_timing(d, a, b);
            x[d.rd] = b == 0 ? a : a % b;
            break;
        }
        case Op::Mulw: x[d.rd] = sext32(x[d.rs1] * x[d.rs2]); break;
        case Op::Divw: {
            const int32_t a = static_cast<int32_t>(x[d.rs1]), b = static_cast<int32_t>(x[d.rs2]);
            div_timing(d, magnitude(a), magnitude(b));
            int32_t r;
            if (b == 0) {
                r = -1;
            } else if (a == INT32_MIN && b == -1) {
                r = a;
            } else {
                r = a / b;
            }
            x[d.rd] = static_cast<uint64_t>(static_cast<int64_t>(r));
            break;
        }
        case Op::Divuw: {
            const uint32_t a = static_cast<uint32_t>(x[d.rs1]), b = static_cast<uint32_t>(x[d.rs2]);
            div_timing(d, a, b);
            x[d.rd] = sext32(b == 0 ? 0xffffffffu : a / b);
            break;
        }
        case Op::Remw: {
            const int32_t a = static_cast<int32_t>(x[d.rs1]), b = static_cast<int32_t>(x[d.rs2]);
            div_timing(d, magnitude(a), magnitude(b));
            int32_t r;
            if (b == 0) {
                r = a;
            } else if (a == INT32_MIN && b == -1) {
                r = 0;
            } else {
                r = a % b;
            }
            x[d.rd] = static_cast<uint64_t>(static_cast<int64_t>(r));
            break;
        }
        case Op::Remuw: {
            const uint32_t a = static_cast<uint32_t>(x[d.rs1]), b = static_cast<uint32_t>(x[d.rs2]);
            div_timing(d, a, b);
            x[d.rd] = sext32(b == 0 ? a : a % b);
            break;
        }

        // ---- A ----
        case Op::LrW: case Op::ScW: case Op::AmoswapW: case Op::AmoaddW: case Op::AmoxorW: case Op::AmoandW:
        case Op::AmoorW: case Op::AmominW: case Op::AmomaxW: case Op::AmominuW: case Op::AmomaxuW:
        case Op::LrD: case Op::ScD: case Op::AmoswapD: case Op::AmoaddD: case Op::AmoxorD: case Op::AmoandD:
        case Op::AmoorD: case Op::AmominD: case Op::AmomaxD: case Op::AmominuD: case Op::AmomaxuD:
            if (!exec_amo(d)) continue;
            break;

        // ---- F / D: loads, stores, moves ----
        case Op::Flw: {
            REQUIRE_FP();
            uint32_t v;
            if (!load(x[d.rs1] + static_cast<uint64_t>(static_cast<int64_t>(d.imm)), v)) continue;
            f_[d.rd] = fp::box_s(v);
            fp_dirty();
            break;
        }
        case Op::Fld: {
            REQUIRE_FP();
            uint64_t v;
            if (!load(x[d.rs1] + static_cast<uint64_t>(static_cast<int64_t>(d.imm)), v)) continue;
            f_[d.rd] = v;
            fp_dirty();
            break;
        }
        case Op::Fsw:
            REQUIRE_FP();
            if (!store(x[d.rs1] + static_cast<uint64_t>(static_cast<int64_t>(d.imm)), static_cast<uint32_t>(f_[d.rs2])))
                continue;
            break;
        case Op::Fsd:
            REQUIRE_FP();
            if (!store(x[d.rs1] + static_cast<uint64_t>(static_cast<int64_t>(d.imm)), f_[d.rs2])) continue;
            break;
        case Op::FmvXW: REQUIRE_FP(); x[d.rd] = sext32(f_[d.rs1]); break;
        case Op::FmvWX:
            REQUIRE_FP();
            f_[d.rd] = fp::box_s(static_cast<uint32_t>(x[d.rs1]));
            fp_dirty();
            break;
        case Op::FmvXD: REQUIRE_FP(); x[d.rd] = f_[d.rs1]; break;
        case Op::FmvDX:
            REQUIRE_FP();
            f_[d.rd] = x[d.rs1];
            fp_dirty();
            break;

        // ---- F arithmetic ----
        case Op::FaddS: case Op::FsubS: case Op::FmulS: case Op::FdivS: case Op::FsqrtS: {
            REQUIRE_FP();
            RESOLVE_RM(rm);
            static constexpr fp::Arith kArith[] = {fp::Arith::Add, fp::Arith::Sub, fp::Arith::Mul, fp::Arith::Div,
                                                   fp::Arith::Sqrt};
            const auto which = kArith[static_cast<int>(d.kind) - static_cast<int>(Op::FaddS)];
            f_[d.rd] = fp::box_s(fp::arith_s(which, fp::unbox_s(f_[d.rs1]), fp::unbox_s(f_[d.rs2]),
                                             static_cast<uint32_t>(rm), fflags_));
            fp_dirty();
            if (d.kind == Op::FdivS || d.kind == Op::FsqrtS) fdiv_timing(d);
            break;
        }
        case Op::FmaddS: case Op::FmsubS: case Op::FnmsubS: case Op::FnmaddS: {
            REQUIRE_FP();
            RESOLVE_RM(rm);
            uint32_t a = fp::unbox_s(f_[d.rs1]);
            const uint32_t b = fp::unbox_s(f_[d.rs2]);
            uint32_t c = fp::unbox_s(f_[d.rs3]);
            if (d.kind == Op::FmsubS || d.kind == Op::FnmaddS) c ^= static_cast<uint32_t>(kSignS);
            if (d.kind == Op::FnmsubS || d.kind == Op::FnmaddS) a ^= static_cast<uint32_t>(kSignS);
            f_[d.rd] = fp::box_s(fp::fma_s(a, b, c, static_cast<uint32_t>(rm), fflags_));
            fp_dirty();
            break;
        }
        case Op::FsgnjS: case Op::FsgnjnS: case Op::FsgnjxS: {
            REQUIRE_FP();
            const uint32_t a = fp::unbox_s(f_[d.rs1]), b = fp::unbox_s(f_[d.rs2]);
            const uint32_t sign = static_cast<uint32_t>(kSignS);
            uint32_t r;
            if (d.kind == Op::FsgnjS) {
                r = (a & ~sign) | (b & sign);
            } else if (d.kind == Op::FsgnjnS) {
                r = (a & ~sign) | (~b & sign);
            } else {
                r = a ^ (b & sign);
            }
            f_[d.rd] = fp::box_s(r);
            fp_dirty();
            break;
        }
        case Op::FminS:
        case Op::FmaxS: {
            REQUIRE_FP();
            const uint32_t a = fp::unbox_s(f_[d.rs1]), b = fp::unbox_s(f_[d.rs2]);
            f_[d.rd] = fp::box_s(d.kind == Op::FminS ? fp::fmin<S>(a, b, fflags_) : fp::fmax<S>(a, b, fflags_));
            fp_dirty();
            break;
        }
        case Op::FeqS: case Op::FltS: case Op::FleS: {
            REQUIRE_FP();
            const uint32_t a = fp::unbox_s(f_[d.rs1]), b = fp::unbox_s(f_[d.rs2]);
            bool r;
            if (d.kind == Op::FeqS) {
                r = fp::feq<S>(a, b, fflags_);
            } else if (d.kind == Op::FltS) {
                r = fp::flt<S>(a, b, fflags_);
            } else {
                r = fp::fle<S>(a, b, fflags_);
            }
            x[d.rd] = r ? 1 : 0;
            fp_dirty();
            break;
        }
        case Op::FclassS: REQUIRE_FP(); x[d.rd] = fp::classify<S>(fp::unbox_s(f_[d.rs1])); break;
        case Op::FcvtWS: case Op::FcvtWuS: case Op::FcvtLS: case Op::FcvtLuS: {
            REQUIRE_FP();
            RESOLVE_RM(rm);
            const bool is_signed = d.kind == Op::FcvtWS || d.kind == Op::FcvtLS;
            const int bits = (d.kind == Op::FcvtWS || d.kind == Op::FcvtWuS) ? 32 : 64;
            x[d.rd] = fp::to_int<S>(fp::unbox_s(f_[d.rs1]), is_signed, bits, static_cast<uint32_t>(rm), fflags_);
            fp_dirty();
            break;
        }
        case Op::FcvtSW: case Op::FcvtSWu: case Op::FcvtSL: case Op::FcvtSLu: {
            REQUIRE_FP();
            RESOLVE_RM(rm);
            const bool is_signed = d.kind == Op::FcvtSW || d.kind == Op::FcvtSL;
            const int bits = (d.kind == Op::FcvtSW || d.kind == Op::FcvtSWu) ? 32 : 64;
            f_[d.rd] = fp::box_s(fp::from_int<S>(x[d.rs1], is_signed, bits, static_cast<uint32_t>(rm), fflags_));
            fp_dirty();
            break;
        }

        // ---- D arithmetic ----
        case Op::FaddD: case Op::FsubD: case Op::FmulD: case Op::FdivD: case Op::FsqrtD: {
            REQUIRE_FP();
            RESOLVE_RM(rm);
            static constexpr fp::Arith kArith[] = {fp::Arith::Add, fp::Arith::Sub, fp::Arith::Mul, fp::Arith::Div,
                                                   fp::Arith::Sqrt};
            const auto which = kArith[static_cast<int>(d.kind) - static_cast<int>(Op::FaddD)];
            f_[d.rd] = fp::arith_d(which, f_[d.rs1], f_[d.rs2], static_cast<uint32_t>(rm), fflags_);
            fp_dirty();
            if (d.kind == Op::FdivD || d.kind == Op::FsqrtD) fdiv_timing(d);
            break;
        }
        case Op::FmaddD: case Op::FmsubD: case Op::FnmsubD: case Op::FnmaddD: {
            REQUIRE_FP();
            RESOLVE_RM(rm);
            uint64_t a = f_[d.rs1];
            const uint64_t b = f_[d.rs2];
            uint64_t c = f_[d.rs3];
            if (d.kind == Op::FmsubD || d.kind == Op::FnmaddD) c ^= kSignD;
            if (d.kind == Op::FnmsubD || d.kind == Op::FnmaddD) a ^= kSignD;
            f_[d.rd] = fp::fma_d(a, b, c, static_cast<uint32_t>(rm), fflags_);
            fp_dirty();
            break;
        }
        case Op::FsgnjD: case Op::FsgnjnD: case Op::FsgnjxD: {
            REQUIRE_FP();
            const uint64_t a = f_[d.rs1], b = f_[d.rs2];
            uint64_t r;
            if (d.kind == Op::FsgnjD) {
                r = (a & ~kSignD) | (b & kSignD);
            } else if (d.kind == Op::FsgnjnD) {
                r = (a & ~kSignD) | (~b & kSignD);
            } else {
                r = a ^ (b & kSignD);
            }
            f_[d.rd] = r;
            fp_dirty();
            break;
        }
        case Op::FminD:
        case Op::FmaxD:
            REQUIRE_FP();
            f_[d.rd] = d.kind == Op::FminD ? fp::fmin<D>(f_[d.rs1], f_[d.rs2], fflags_)
                                           : fp::fmax<D>(f_[d.rs1], f_[d.rs2], fflags_);
            fp_dirty();
            break;
        case Op::FeqD: case Op::FltD: case Op::FleD: {
            REQUIRE_FP();
            bool r;
            if (d.kind == Op::FeqD) {
                r = fp::feq<D>(f_[d.rs1], f_[d.rs2], fflags_);
            } else if (d.kind == Op::FltD) {
                r = fp::flt<D>(f_[d.rs1], f_[d.rs2], fflags_);
            } else {
                r = fp::fle<D>(f_[d.rs1], f_[d.rs2], fflags_);
            }
            x[d.rd] = r ? 1 : 0;
            fp_dirty();
            break;
        }
        case Op::FclassD: REQUIRE_FP(); x[d.rd] = fp::classify<D>(f_[d.rs1]); break;
        case Op::FcvtWD: case Op::FcvtWuD: case Op::FcvtLD: case Op::FcvtLuD: {
            REQUIRE_FP();
            RESOLVE_RM(rm);
            const bool is_signed = d.kind == Op::FcvtWD || d.kind == Op::FcvtLD;
            const int bits = (d.kind == Op::FcvtWD || d.kind == Op::FcvtWuD) ? 32 : 64;
            x[d.rd] = fp::to_int<D>(f_[d.rs1], is_signed, bits, static_cast<uint32_t>(rm), fflags_);
            fp_dirty();
            break;
        }
        case Op::FcvtDW: case Op::FcvtDWu: case Op::FcvtDL: case Op::FcvtDLu: {
            REQUIRE_FP();
            RESOLVE_RM(rm);
            const bool is_signed = d.kind == Op::FcvtDW || d.kind == Op::FcvtDL;
            const int bits = (d.kind == Op::FcvtDW || d.kind == Op::FcvtDWu) ? 32 : 64;
            f_[d.rd] = fp::from_int<D>(x[d.rs1], is_signed, bits, static_cast<uint32_t>(rm), fflags_);
            fp_dirty();
            break;
        }
        case Op::FcvtSD: {
            REQUIRE_FP();
            RESOLVE_RM(rm);
            f_[d.rd] = fp::box_s(fp::d_to_s(f_[d.rs1], static_cast<uint32_t>(rm), fflags_));
            fp_dirty();
            break;
        }
        case Op::FcvtDS: {
            REQUIRE_FP();
            RESOLVE_RM(rm);
            (void)rm;
            f_[d.rd] = fp::s_to_d(fp::unbox_s(f_[d.rs1]), fflags_);
            fp_dirty();
            break;
        }

        case Op::Illegal:
        case Op::NotDecoded:
        case Op::Count:
            illegal(d);
            continue;
        }
        x[0] = 0;
        pc_ = next;
        ++instret_;
    }
}

#undef REQUIRE_FP
#undef RESOLVE_RM

}  // namespace edgebert::iss
