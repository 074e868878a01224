// The interpreter: Iss::execute(), the hot loop, and the helpers it inlines
// (fetch from the decoded-instruction cache, the timing scoreboard, the
// rounding-mode resolution). The case groups of its switch are in
// iss_exec_rv64i.inc, iss_exec_m.inc and iss_exec_fd.inc; the A extension is
// in iss_exec_a.cpp.
#include <algorithm>
#include <cstdint>

#include "hw/iss/fp.hpp"
#include "hw/iss/iss.hpp"
#include "hw/iss/iss_impl.hpp"

namespace edgebert::iss {
namespace {

__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

constexpr uint64_t kSignS = 0x80000000ull;
constexpr uint64_t kSignD = 0x8000000000000000ull;

uint32_t quotient_bits(uint64_t a, uint64_t b) {
    if (b == 0 || a < b) return 1;
    return static_cast<uint32_t>(__builtin_clzll(b) - __builtin_clzll(a) + 1);
}

uint64_t magnitude(int64_t v) { return v < 0 ? static_cast<uint64_t>(0) - static_cast<uint64_t>(v) : static_cast<uint64_t>(v); }

}  // namespace

using detail::sext32;

// ---- timing scoreboard ----------------------------------------------------------------
// Only the interpreter uses these: defined in this file so they inline into it.

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

// ---- fetch (the slow path, decode_at(), is in iss_memory.cpp) ------------------------------

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

// ---- FP helpers ---------------------------------------------------------------------------

int Iss::resolve_rm(const DecodedOp& d) const {
    const uint32_t rm = d.rm == fp::kDyn ? frm_ : d.rm;
    return rm <= fp::kRmm ? static_cast<int>(rm) : -1;
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

// One switch in one loop. The switch's case groups live in one fragment file
// per extension, #included into it:
//   iss_exec_rv64i.inc  RV64I, Zifencei, the system instructions, Zicsr
//   iss_exec_m.inc      M
//   iss_exec_fd.inc     F and D
// plus, here, the A cases (they call exec_amo(), iss_exec_a.cpp) and the
// illegal ones; C is expanded to base operations by the decoder (decode.cpp).
//
// Why fragments rather than a member function per extension called from the
// switch: the loop body stays the single-file interpreter's, token for token,
// so the dispatch keeps its one jump table and the fast paths it inlines
// (fetch_decoded, apply_timing, load/store, memory_access, div_timing,
// resolve_rm), and iss.hpp gains no members. Measured (README.md, "Source
// layout"): with the F/D cases moved into an exec_fd() member function the
// firmware operator test ran ~6 % more host instructions (callgrind) and ~8 %
// slower, the integer loop ~2 % slower; with the fragments every benchmark is
// within noise of the single file (the only cost: the load/store slow paths,
// now in iss_memory.cpp, are no longer partly inlined here: +0.6 to 0.8 %
// host instructions on the firmware operator test, which misses the primary
// DMI region often).
//
// Fragment rules: a case group sees d, x, pc, next and rvc; `break` retires
// the instruction, `continue` skips retirement (a trap was taken).
void Iss::execute(uint64_t budget) {
    using fp::S;
    using fp::D;
    break_ = false;
    const bool rvc = config_.rvc;
    for (uint64_t step = 0; step < budget && !break_; ++step) {
        const DecodedOp* slot = fetch_decoded();
        if (slot == nullptr) continue;  // fetch fault: trap taken
        memory_access(0, pc_);
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
        // ---- RV64I, Zifencei, system, Zicsr: iss_exec_rv64i.inc ----
#include "hw/iss/iss_exec_rv64i.inc"

        // ---- M: iss_exec_m.inc ----
#include "hw/iss/iss_exec_m.inc"

        // ---- A: exec_amo() in iss_exec_a.cpp ----
        case Op::LrW: case Op::ScW: case Op::AmoswapW: case Op::AmoaddW: case Op::AmoxorW: case Op::AmoandW:
        case Op::AmoorW: case Op::AmominW: case Op::AmomaxW: case Op::AmominuW: case Op::AmomaxuW:
        case Op::LrD: case Op::ScD: case Op::AmoswapD: case Op::AmoaddD: case Op::AmoxorD: case Op::AmoandD:
        case Op::AmoorD: case Op::AmominD: case Op::AmomaxD: case Op::AmominuD: case Op::AmomaxuD:
            if (!exec_amo(d)) continue;
            break;

        // ---- F / D: iss_exec_fd.inc ----
#include "hw/iss/iss_exec_fd.inc"

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
