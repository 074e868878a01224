#include "hw/edgebert/ldo.hpp"

#include <fmt/format.h>

#include <cmath>

#include "common/error.hpp"

namespace edgebert::hw {

namespace {

// Validates the config and returns the power-up output voltage.
double checked_initial_v(const std::string& who, const LdoConfig& c) {
    auto bad = [&](const char* field, const std::string& what) {
        throw ConfigError(fmt::format("{}: field 'ldo.{}' {}", who, field, what));
    };
    // 30 bits keeps 2^bits - 1 in an int; the register map itself allows 8.
    if (c.code_bits < 1 || c.code_bits > 30) bad("code_bits", fmt::format("= {} is out of range [1, 30]", c.code_bits));
    if (!(c.v_min < c.v_max)) bad("v_min", fmt::format("= {} must be below v_max = {}", c.v_min, c.v_max));
    if (!(c.slew_v_per_ns > 0) || !std::isfinite(c.slew_v_per_ns))
        bad("slew_v_per_ns", fmt::format("= {} must be > 0", c.slew_v_per_ns));
    if (!(c.settle_fixed_ns >= 0) || !std::isfinite(c.settle_fixed_ns))
        bad("settle_fixed_ns", fmt::format("= {} must be >= 0", c.settle_fixed_ns));
    if (!(c.initial_v >= c.v_min && c.initial_v <= c.v_max))
        bad("initial_v", fmt::format("= {} is out of range [{}, {}]", c.initial_v, c.v_min, c.v_max));
    return c.initial_v;
}

}  // namespace

Ldo::Ldo(sc_core::sc_module_name name, const LdoConfig& config)
    : sc_core::sc_module(name),
      vout("vout", checked_initial_v(this->name(), config)),
      settled_event("settled_event"),
      config_(config),
      settle_ev_("settle_ev") {
    // The regulator powers up at initial_v itself; code() is the nearest code.
    code_ = voltage_to_code(config_, config_.initial_v);
    voltage_ = config_.initial_v;
    target_v_ = voltage_;
    SC_HAS_PROCESS(Ldo);
    SC_METHOD(on_settled);
    sensitive << settle_ev_;
    dont_initialize();
}

double Ldo::code_to_voltage(const LdoConfig& c, int code) {
    const int top = max_code(c);
    if (code < 0 || code > top)
        throw Error(fmt::format("LDO code {} is out of range [0, {}]", code, top));
    return c.v_min + code * (c.v_max - c.v_min) / top;
}

int Ldo::voltage_to_code(const LdoConfig& c, double volts) {
    const int top = max_code(c);
    if (std::isnan(volts) || volts <= c.v_min) return 0;
    if (volts >= c.v_max) return top;
    return static_cast<int>(std::lround((volts - c.v_min) / (c.v_max - c.v_min) * top));
}

sc_core::sc_time Ldo::set_code(int code) {
    if (code < 0 || code > max_code())
        throw Error(fmt::format("{}: LDO code {} is out of range [0, {}]", name(), code, max_code()));
    if (code == code_) return sc_core::SC_ZERO_TIME;

    const double target = code_to_voltage(code);
    // The step model keeps voltage_ at the last settled value, which is the
    // present output even if a transition was under way.
    const double ns = config_.settle_fixed_ns + std::fabs(target - voltage_) / config_.slew_v_per_ns;
    const sc_core::sc_time settle(ns, sc_core::SC_NS);

    code_ = code;
    target_v_ = target;
    settling_ = true;
    settle_end_ = sc_core::sc_time_stamp() + settle;
    ++transitions_;
    total_settle_time_ += settle;
    // cancel() first: notify() keeps an earlier pending notification otherwise.
    settle_ev_.cancel();
    settle_ev_.notify(settle);
    return settle;
}

void Ldo::on_settled() {
    settling_ = false;
    if (target_v_ != voltage_) {
        voltage_ = target_v_;
        vout.write(voltage_);
    }
    settled_event.notify(sc_core::SC_ZERO_TIME);
}

}  // namespace edgebert::hw
