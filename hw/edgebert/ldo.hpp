// Fast-switching low-dropout regulator (LDO) of the EdgeBERT tile.
//
// The DVFS unit writes a code_bits-wide code; the LDO moves its output between
// v_min (code 0) and v_max (top code) in settle_fixed_ns + |dV| / slew.
//
// Simplification: the output is modelled as a step at the end of settling, not
// as a ramp. voltage() and vout keep the old value for the whole transition and
// jump to the target when it settles, so anything sampling the supply while it
// moves sees the old (for a rise, the lower, safe-side) value. The settling
// *time* is the exact ramp time of the formula above.
//
// At power-up the output is initial_v itself (not rounded to a code) and
// code() reports the nearest code; the first code change lands on a code's
// voltage. (The ADPLL instead powers up on a legal code; see adpll.hpp.)
//
// One sc_event schedules the end of a transition and one SC_METHOD applies it:
// the model costs nothing while the output is steady.
#pragma once

#include <cstdint>

#include <systemc>

#include "hw/edgebert/tile_config.hpp"

namespace edgebert::hw {

class Ldo : public sc_core::sc_module {
public:
    // Present output voltage (V), for VCD tracing. Written by the model only.
    sc_core::sc_signal<double> vout;
    // Notified (delta-delayed, so vout already reads the new value) when a
    // transition settles. Not notified by set_code calls that cost no time.
    sc_core::sc_event settled_event;

    // Throws ConfigError naming the 'ldo.*' field if the config is unusable.
    Ldo(sc_core::sc_module_name name, const LdoConfig& config);

    // Code <-> voltage of a config: v = v_min + code * (v_max - v_min) / (2^bits - 1).
    static int max_code(const LdoConfig& config) { return (1 << config.code_bits) - 1; }
    static double code_to_voltage(const LdoConfig& config, int code);
    // Nearest code, clamped to [0, max_code].
    static int voltage_to_code(const LdoConfig& config, double volts);
    int max_code() const { return max_code(config_); }
    double code_to_voltage(int code) const { return code_to_voltage(config_, code); }
    int voltage_to_code(double volts) const { return voltage_to_code(config_, volts); }

    // The last code requested (what the status register reports).
    int code() const { return code_; }
    // The settled output now; stays at the previous value until a transition ends.
    double voltage() const { return voltage_; }
    // Where the output is heading (equals voltage() once settled).
    double target_voltage() const { return target_v_; }
    bool settling() const { return settling_; }
    // Absolute simulation time at which the present transition ends (valid while settling()).
    sc_core::sc_time settle_end() const { return settle_end_; }

    // Requests a new code. Throws Error ("LDO code ... out of range [0, max]") if
    // it does not fit. Returns the settling time, settle_fixed_ns +
    // |v_target - voltage()| / slew (rounded to the time resolution), or zero
    // if the code equals code(); in that case a transition already under way
    // simply continues. A new code during a transition abandons the old target
    // and starts from the present output voltage.
    sc_core::sc_time set_code(int code);

    // Counters: code changes requested and the sum of their settling times
    // (an abandoned transition counts its full returned time).
    uint64_t transitions() const { return transitions_; }
    sc_core::sc_time total_settle_time() const { return total_settle_time_; }

    const LdoConfig& config() const { return config_; }

private:
    void on_settled();  // SC_METHOD on settle_ev_

    LdoConfig config_;
    int code_;
    double voltage_;
    double target_v_;
    bool settling_ = false;
    sc_core::sc_time settle_end_;
    sc_core::sc_event settle_ev_;
    uint64_t transitions_ = 0;
    sc_core::sc_time total_settle_time_;
};

}  // namespace edgebert::hw
