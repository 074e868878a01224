// RV64IMAFDC + Zicsr + Zifencei instruction-set simulator, machine mode only.
// Plain C++ (no SystemC): the platform owns time and calls run() quantum by
// quantum.
//
//   Iss iss(bus, config);          // bus: IssBus (memory, DMI, timer)
//   iss.reset(image.entry);
//   iss.set_tohost(image.tohost);  // optional: exit through tohost
//   while (...) {
//       iss.run(quantum);          // returns the number of instructions retired
//       switch (iss.stop_reason()) { case StopReason::Wfi: ... sleep until an interrupt,
//           iss.add_cycles(slept), iss.set_external_interrupt(true) ...; }
//   }
//
// Hot path: instructions are decoded once into a per-4-KiB-page cache of
// DecodedOps (2-byte slots, so RVC and 32-bit encodings share it); fetch and
// data accesses to DMI memory go through a host pointer without virtual
// calls. The cache is invalidated by fence.i, by stores of this core to a
// cached page (only the affected slots) and by invalidate_code().
//
// Traps: illegal instruction (mtval = the encoding), misaligned load/store
// (mcause 4/6, mtval = address: misaligned data accesses always trap),
// access faults on fetch/load/store (1/5/7), ecall (11), ebreak (3, mtval =
// pc), misaligned jump targets only without RVC (0). Interrupts: machine
// external (platform line), software (platform line), timer (bus
// mtime >= mtimecmp, or a platform line), priority MEI > MSI > MTI; taken
// when mstatus.MIE and the mie bit are set; mtvec direct or vectored.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "hw/iss/csr.hpp"
#include "hw/iss/decode.hpp"
#include "hw/iss/iss_bus.hpp"
#include "hw/iss/iss_timing.hpp"
#include "hw/iss/memory_timing.hpp"

namespace edgebert::iss {

struct IssConfig {
    uint64_t hart_id = 0;
    uint64_t reset_pc = 0x8000'0000;
    bool rvc = true;  // C extension (misa.C); without it a 16-bit encoding is illegal
    bool rva = true;  // A extension (misa.A), single hart
    // At most this many instructions run between two polls of the timer.
    uint32_t interrupt_check_interval = 256;
    IssTiming timing;

    // Throws ConfigError naming `origin` and the field.
    void validate(const std::string& origin) const;
};

enum class StopReason {
    None,              // run() has not returned yet / never ran
    InstructionLimit,  // max_instructions retired
    Wfi,               // wfi with no enabled interrupt pending: the core sleeps
    Exit,              // the program wrote an exit code to tohost
    TrapLoop,          // traps keep recurring without retiring an instruction
};

const char* to_string(StopReason reason);

struct IssStats {
    uint64_t raw_stall_cycles = 0;         // waiting for operands (load-use, mul, FP latency)
    uint64_t structural_stall_cycles = 0;  // waiting for a busy divider
    uint64_t branch_penalty_cycles = 0;    // mispredictions and taken-branch bubbles
    uint64_t bus_stall_cycles = 0;         // reported by the bus for slow accesses
    uint64_t system_cycles = 0;            // trap entry, mret, fence.i, fence
    uint64_t traps = 0;                    // exceptions taken
    uint64_t interrupts = 0;               // interrupts taken
    uint64_t slow_loads = 0, slow_stores = 0, slow_fetches = 0;
    uint64_t decoded = 0;                  // instructions decoded into the cache
    uint64_t memory_stall_cycles = 0;      // waiting for the caches (misses, a full store buffer)
};

class Iss {
public:
    explicit Iss(IssBus& bus, const IssConfig& config = IssConfig{});
    ~Iss();
    Iss(const Iss&) = delete;
    Iss& operator=(const Iss&) = delete;

    // Architectural reset: registers zero, pc, CSRs to their reset values
    // (mstatus.FS = Off: the start-up code enables the FPU), counters zero,
    // no exit. Keeps DMI regions, tohost/fromhost and interrupt lines.
    void reset(uint64_t pc);

    // Runs until max_instructions retire or the core stops (wfi with nothing
    // pending, tohost exit, trap loop); returns the instructions retired.
    // A core stopped in wfi resumes when an enabled interrupt (mie) is
    // pending; an exited core stays exited until reset().
    uint64_t run(uint64_t max_instructions);
    StopReason stop_reason() const { return stop_; }
    bool in_wfi() const { return wfi_; }
    bool exited() const { return exited_; }
    uint64_t exit_code() const { return exit_code_; }

    // ---- platform inputs ----
    void set_external_interrupt(bool level) { irq_ext_ = level; }
    void set_software_interrupt(bool level) { irq_soft_ = level; }
    void set_timer_interrupt(bool level) { irq_timer_line_ = level; }
    // Adds idle cycles (time slept in wfi, a platform stall) to mcycle.
    void add_cycles(uint64_t cycles) { cycle_ += cycles; }
    // tohost convention: a store of (code << 1) | 1 to tohost stops the run
    // with exit_code() == code. An even non-zero value is a pointer to a
    // riscv-tests syscall block (which, a0, a1, a2): write (64) to fd 1/2
    // appends to console(), exit (93) exits with a0; others return -ENOSYS;
    // the reply goes to block[0] and fromhost is set to 1.
    void set_tohost(std::optional<uint64_t> addr);
    void set_fromhost(std::optional<uint64_t> addr) { fromhost_ = addr; }
    const std::string& console() const { return console_; }

    void invalidate_code(uint64_t addr, uint64_t len);
    void flush_code_cache();
    void invalidate_dmi();

    // Cache timing of fetches, loads and stores to DMI memory (nullptr: ideal
    // memory, every access costs an L1 hit). Not owned.
    void set_memory_timing(MemoryTiming* m);
    // Something outside the core changed the caches: forget the filters.
    void reset_memory_filters() { filter_[0] = filter_[1] = filter_[2] = ~0ull; }
    // Accesses (0 fetch, 1 load, 2 store) that hit a filter: L1 hits the model never saw.
    uint64_t filtered_accesses(int kind) const { return filtered_[kind & 3]; }

    // ---- state ----
    uint64_t pc() const { return pc_; }
    void set_pc(uint64_t pc) { pc_ = pc; }
    uint64_t x(int i) const { return x_[i & 31]; }
    void set_x(int i, uint64_t v) {
        if ((i & 31) != 0) x_[i & 31] = v;
    }
    uint64_t f(int i) const { return f_[i & 31]; }  // raw 64-bit register (NaN-boxed singles)
    void set_f(int i, uint64_t v) { f_[i & 31] = v; }
    // CSR as the core sees it (no side effects); nullopt if it does not exist.
    std::optional<uint64_t> csr(uint32_t number);
    // Monotonic simulated cycles (mcycle without its software offset) and instructions.
    uint64_t cycles() const { return cycle_; }
    uint64_t instret() const { return instret_; }
    const IssStats& stats() const { return stats_; }
    const IssConfig& config() const { return config_; }

private:
    static constexpr uint64_t kPageBytes = 4096;
    static constexpr uint64_t kPageMask = kPageBytes - 1;
    static constexpr int kSlotsPerPage = kPageBytes / 2;
    static constexpr uint8_t kFlagCode = 1;
    static constexpr uint8_t kFlagWatch = 2;

    struct CodePage {
        DecodedOp ops[kSlotsPerPage];
    };
    struct DmiRegion {
        uint64_t base = 0;
        uint64_t size = 0;
        uint8_t* ptr = nullptr;
        uint64_t base_page = 0;
        std::vector<uint8_t> page_flags;  // per guest page: kFlagCode | kFlagWatch
    };

    // execution
    void execute(uint64_t budget);
    const DecodedOp* fetch_decoded();
    const DecodedOp* decode_at(DecodedOp* slot, uint64_t pc);
    bool fetch_parcel(uint64_t addr, uint32_t& parcel);
    void take_trap(uint64_t cause, uint64_t tval);
    void illegal(const DecodedOp& d) { take_trap(cause::kIllegal, d.raw); }
    bool exec_amo(const DecodedOp& d);
    void div_timing(const DecodedOp& d, uint64_t a_mag, uint64_t b_mag);
    void fdiv_timing(const DecodedOp& d);
    void penalty(uint64_t cycles, uint64_t& stat) {
        cycle_ += cycles;
        stat += cycles;
    }
    bool check_interrupts();
    uint64_t mip_value() const;
    void poll_timer();

    // memory
    template <class T>
    bool load(uint64_t addr, T& out, uint64_t access_cause = cause::kLoadAccess);
    template <class T>
    bool store(uint64_t addr, T value);
    bool load_slow(uint64_t addr, int size, uint64_t& v);
    bool store_slow(uint64_t addr, int size, uint64_t v);
    void store_hook(uint64_t addr, int size);
    DmiRegion* find_region(uint64_t addr, int size);
    DmiRegion* try_new_region(uint64_t addr, int size);
    void make_primary(DmiRegion* r);
    void set_page_flag(uint64_t page_addr, uint8_t flag, bool on);
    bool raw_read(uint64_t addr, int size, uint64_t& v);
    bool raw_write(uint64_t addr, int size, uint64_t v);
    void handle_tohost();

    // code cache
    CodePage* code_page(uint64_t page_addr, bool create);
    void invalidate_slots(uint64_t addr, uint64_t len);

    // CSRs
    bool csr_read(uint32_t n, uint64_t& v);
    bool csr_write(uint32_t n, uint64_t v);
    uint64_t mstatus_value() const;
    void fold_fp_flags();

    // FP helpers
    bool fp_enabled() const { return (mstatus_ & mstatus::kFs) != 0; }
    void fp_dirty() { mstatus_ |= mstatus::kFsDirty; }
    int resolve_rm(const DecodedOp& d) const;

    // timing
    void apply_timing(const DecodedOp& d);
    // Cache model hooks: kind is 0 fetch, 1 load, 2 store (the filter index).
    void memory_access(int kind, uint64_t addr) {
        if (!mem_timing_) return;
        if (kind < 2 && mru_[kind].lines) {
            const MemoryTiming::MruTable& t = mru_[kind];
            const uint64_t line = addr >> t.shift;
            if (t.lines[line & t.set_mask] == line) {
                ++filtered_[kind];
                return;
            }
        } else if ((addr >> filter_shift_) == filter_[kind]) {
            ++filtered_[kind];  // an L1 hit that changes nothing: counted, not modelled
            return;
        }
        memory_access_slow(kind, addr);
    }
    void memory_access_slow(int kind, uint64_t addr);

    IssBus& bus_;
    IssConfig config_;
    DecodeOptions decode_options_;

    uint64_t x_[32] = {};
    uint64_t f_[32] = {};
    uint64_t pc_ = 0;

    // CSR state
    uint64_t mstatus_ = 0;  // MIE, MPIE, FS only
    uint64_t mie_ = 0;
    uint64_t mtvec_ = 0;
    uint64_t mscratch_ = 0;
    uint64_t mepc_ = 0;
    uint64_t mcause_ = 0;
    uint64_t mtval_ = 0;
    uint32_t fflags_ = 0;
    uint32_t frm_ = 0;
    uint64_t mcycle_offset_ = 0;
    uint64_t minstret_offset_ = 0;

    // interrupt inputs
    bool irq_ext_ = false;
    bool irq_soft_ = false;
    bool irq_timer_line_ = false;
    bool timer_pending_ = false;

    // counters and run state
    uint64_t cycle_ = 0;
    uint64_t instret_ = 0;
    StopReason stop_ = StopReason::None;
    bool wfi_ = false;
    bool break_ = false;  // leave the inner loop after this instruction
    bool exited_ = false;
    uint64_t exit_code_ = 0;
    uint64_t trap_streak_ = 0;  // traps in a row without a retired instruction
    uint64_t last_trap_instret_ = ~0ull;

    // LR/SC reservation
    bool reservation_valid_ = false;
    uint64_t reservation_addr_ = 0;

    // tohost
    std::optional<uint64_t> tohost_;
    std::optional<uint64_t> fromhost_;
    std::string console_;

    // timing scoreboard
    bool timing_on_ = true;
    uint32_t latency_[static_cast<int>(TimingClass::Count)] = {};
    uint64_t ready_[kScoreboardRegs] = {};
    uint64_t div_free_ = 0;
    uint64_t fdiv_free_ = 0;

    // cache model: filtered lines of fetch / load / store (see memory_timing.hpp)
    MemoryTiming* mem_timing_ = nullptr;
    unsigned filter_shift_ = 4;
    uint64_t filter_[3] = {~0ull, ~0ull, ~0ull};
    uint64_t filtered_[3] = {0, 0, 0};
    MemoryTiming::MruTable mru_[2];

    // DMI: all regions, and the primary one copied into plain members for the fast path
    std::vector<std::unique_ptr<DmiRegion>> regions_;
    std::unordered_map<uint64_t, DmiRegion*> region_index_;  // guest page -> region
    uint64_t dmi_base_ = 0;
    uint64_t dmi_limit_ = 0;  // fast path valid for offset < dmi_limit_ (size - 7)
    uint8_t* dmi_ptr_ = nullptr;
    uint8_t* dmi_flags_ = nullptr;
    uint64_t dmi_base_page_ = 0;
    std::array<uint64_t, 64> no_dmi_pages_{};  // page number + 1 of pages without DMI (direct-mapped)

    // decoded-instruction cache
    std::map<uint64_t, std::unique_ptr<CodePage>> code_pages_;
    std::array<std::pair<uint64_t, CodePage*>, 256> code_tlb_{};
    CodePage* cur_page_ = nullptr;
    uint64_t cur_page_base_ = 1;  // never a page address: forces a look-up
    DecodedOp scratch_;           // an instruction that crosses a page boundary

    IssStats stats_;
};

}  // namespace edgebert::iss
