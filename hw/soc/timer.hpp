// A CLINT-like machine timer for hart 0 (TLM-2.0 register target), laid out
// like the SiFive CLINT that ESP's Ariane tiles use:
//
// | offset | register            | access | contents                                  |
// |--------|---------------------|--------|-------------------------------------------|
// | 0x0000 | msip (hart 0)       | RW     | bit 0 drives soft_irq; other bits read 0  |
// | 0x4000 | mtimecmp (hart 0)   | RW     | 64 bits (low word at 0x4000); reset ~0    |
// | 0xBFF8 | mtime               | RW     | 64 bits (low word at 0xBFF8)              |
//
// Accesses of 4 or 8 bytes, naturally aligned, inside [base, base + 0x10000)
// are accepted; an 8-byte access is the two 32-bit words at offset and
// offset + 4 (little-endian). The rest of the window reads as zero and ignores
// writes. Errors: TLM_ADDRESS_ERROR_RESPONSE outside the window or misaligned,
// TLM_BURST_ERROR_RESPONSE for another length or a narrow streaming width,
// TLM_BYTE_ENABLE_ERROR_RESPONSE for a partial byte enable.
//
// mtime counts at freq_hz from simulated time, exactly in integers:
//     mtime(t) = offset + floor((t - epoch) * freq_hz / 1 s)      (mod 2^64)
// with epoch = 0, offset = 0 at reset; a write to mtime (or one of its words)
// at time t sets epoch = t and offset so that mtime(t) is the value written.
// Register accesses act at the initiator's local time sc_time_stamp() + delay,
// so a loosely-timed CPU reads the cycle count of its own local time.
//
// timer_irq is high exactly while mtime >= mtimecmp. When it is low, one
// sc_event is scheduled at the first instant mtime reaches mtimecmp,
//     t = epoch + ceil((mtimecmp - offset) * 1 s / freq_hz)
// (rounded up to the time resolution), and an SC_METHOD raises the line then;
// any register write re-evaluates the line and reschedules the event. No
// polling. The line itself changes at sc_time_stamp(): a write made ahead of
// it in local time takes effect on the line when the initiator syncs (or at
// once if that is later than the crossing).
#pragma once

#include <cstdint>
#include <string>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "hw/edgebert/trace_signal.hpp"

namespace edgebert::hw {

struct TimerConfig {
    uint64_t base = 0x0200'0000;
    // mtime tick rate. The default counts the 1 GHz SoC clock, so mtime
    // doubles as the SoC's cycle counter; a 1-10 MHz RTC is typical silicon.
    uint64_t freq_hz = 1'000'000'000;
    int access_latency_cycles = 1;  // added to the delay of every access
    double clock_mhz = 1000.0;      // clock of access_latency_cycles

    void validate(const std::string& origin, const std::string& prefix = "") const;
};

class Timer : public sc_core::sc_module {
public:
    static constexpr uint64_t kMsipOffset = 0x0;
    static constexpr uint64_t kMtimecmpOffset = 0x4000;
    static constexpr uint64_t kMtimeOffset = 0xBFF8;
    static constexpr uint64_t kWindowBytes = 0x10000;

    tlm_utils::simple_target_socket<Timer> socket;
    TraceSignal<bool> timer_irq;  // machine timer interrupt: mtime >= mtimecmp
    TraceSignal<bool> soft_irq;   // machine software interrupt: msip bit 0

    Timer(sc_core::sc_module_name name, const TimerConfig& config = TimerConfig{});

    // mtime at sc_time_stamp(), or at an absolute time.
    uint64_t mtime() const { return mtime_at(sc_core::sc_time_stamp()); }
    uint64_t mtime_at(const sc_core::sc_time& t) const;
    // The first absolute time at which mtime reaches `value` (the epoch if it
    // already has), or sc_max_time() if that lies beyond the representable
    // time. Wrap-around of the 64-bit count is not modelled.
    sc_core::sc_time time_of(uint64_t value) const;

    // Direct (C++) access; the registers use these. Writes re-evaluate timer_irq.
    void set_mtime(uint64_t value, const sc_core::sc_time& at);
    void set_mtimecmp(uint64_t value);
    uint64_t mtimecmp() const { return mtimecmp_; }
    void set_msip(bool on);

    const TimerConfig& config() const { return cfg_; }

private:
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    unsigned int transport_dbg(tlm::tlm_generic_payload& trans);  // reads only
    tlm::tlm_response_status check(const tlm::tlm_generic_payload& trans) const;
    uint32_t read_word(uint64_t offset, const sc_core::sc_time& at) const;
    void write_word(uint64_t offset, uint32_t value, const sc_core::sc_time& at);
    void evaluate();  // drives timer_irq for sc_time_stamp() and schedules the next crossing

    TimerConfig cfg_;
    sc_core::sc_time cycle_;
    uint64_t units_per_second_;  // time-resolution units per second
    sc_core::sc_time epoch_;
    uint64_t offset_ = 0;
    uint64_t mtimecmp_ = ~uint64_t{0};
    bool msip_ = false;
    sc_core::sc_event crossing_ev_;
};

}  // namespace edgebert::hw
