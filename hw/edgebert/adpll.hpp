// All-digital PLL (ADPLL) clocking the EdgeBERT tile.
//
// The DVFS unit writes a code_bits-wide DCO code; the clock runs at
// f_min + code * (f_max - f_min) / (2^bits - 1) MHz once the loop re-locks,
// lock_ns after the change.
//
// Simplifications:
//  - While the loop re-locks, the tile keeps running on the old clock: period()
//    returns the old period until the lock instant, then switches in one step.
//    (Silicon glitch-gates or slews the clock; the model keeps the tile busy
//    at a known frequency instead.)
//  - The frequency is always that of a legal code, including at power-up:
//    initial_mhz is rounded to the nearest code, so frequency_mhz() may differ
//    slightly from initial_mhz.
//  - period() is 1e6 / MHz picoseconds rounded to the SystemC time resolution
//    (1 ps by default), e.g. 750 MHz -> 1333 ps.
//
// One sc_event schedules the lock and one SC_METHOD applies it: the model costs
// nothing between code changes. Consumers wait on period() themselves.
#pragma once

#include <cstdint>

#include <systemc>

#include "hw/edgebert/tile_config.hpp"

namespace edgebert::hw {

class Adpll : public sc_core::sc_module {
public:
    // Present output frequency (MHz), for VCD tracing. Written by the model only.
    sc_core::sc_signal<double> freq_mhz;
    // Notified (delta-delayed, so freq_mhz already reads the new value) when
    // the loop locks after a code change. Not notified by zero-cost set_code calls.
    sc_core::sc_event locked_event;

    // Throws ConfigError naming the 'adpll.*' field if the config is unusable.
    Adpll(sc_core::sc_module_name name, const AdpllConfig& config);

    // Code <-> frequency of a config: f = f_min + code * (f_max - f_min) / (2^bits - 1).
    static int max_code(const AdpllConfig& config) { return (1 << config.code_bits) - 1; }
    static double code_to_mhz(const AdpllConfig& config, int code);
    // Nearest code, clamped to [0, max_code].
    static int mhz_to_code(const AdpllConfig& config, double mhz);
    // The frequency the ADPLL powers up at: initial_mhz rounded to its nearest code.
    static double power_up_mhz(const AdpllConfig& config) {
        return code_to_mhz(config, mhz_to_code(config, config.initial_mhz));
    }
    // Clock period of a frequency, rounded to the time resolution.
    static sc_core::sc_time mhz_to_period(double mhz) { return sc_core::sc_time(1e6 / mhz, sc_core::SC_PS); }
    int max_code() const { return max_code(config_); }
    double code_to_mhz(int code) const { return code_to_mhz(config_, code); }
    int mhz_to_code(double mhz) const { return mhz_to_code(config_, mhz); }

    // The last code requested (what the status register reports).
    int code() const { return code_; }
    // The clock in effect now: the old one until the loop locks.
    double frequency_mhz() const { return mhz_; }
    sc_core::sc_time period() const { return period_; }
    // Frequency of the requested code (equals frequency_mhz() once locked).
    double target_mhz() const { return target_mhz_; }
    bool locking() const { return locking_; }
    // Absolute simulation time of the pending lock (valid while locking()).
    sc_core::sc_time lock_end() const { return lock_end_; }

    // Requests a new DCO code. Throws Error ("DCO code ... out of range [0, max]")
    // if it does not fit. Returns the lock time, lock_ns, or zero if the code
    // equals code() (a lock under way then simply continues). A new code while
    // locking restarts the lock from now.
    sc_core::sc_time set_code(int code);

    // Counters: code changes requested and the sum of their lock times.
    uint64_t relocks() const { return relocks_; }
    sc_core::sc_time total_lock_time() const { return total_lock_time_; }

    const AdpllConfig& config() const { return config_; }

private:
    void on_locked();  // SC_METHOD on lock_ev_

    AdpllConfig config_;
    int code_;
    double mhz_;
    double target_mhz_;
    sc_core::sc_time period_;
    bool locking_ = false;
    sc_core::sc_time lock_end_;
    sc_core::sc_event lock_ev_;
    uint64_t relocks_ = 0;
    sc_core::sc_time total_lock_time_;
};

}  // namespace edgebert::hw
