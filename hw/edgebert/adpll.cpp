#include "hw/edgebert/adpll.hpp"

#include <fmt/format.h>

#include <cmath>

#include "common/error.hpp"

namespace edgebert::hw {

namespace {

// Validates the config and returns the power-up frequency (the nearest code's).
double checked_power_up_mhz(const std::string& who, const AdpllConfig& c) {
    auto bad = [&](const char* field, const std::string& what) {
        throw ConfigError(fmt::format("{}: field 'adpll.{}' {}", who, field, what));
    };
    // 30 bits keeps 2^bits - 1 in an int; the register map itself allows 6.
    if (c.code_bits < 1 || c.code_bits > 30) bad("code_bits", fmt::format("= {} is out of range [1, 30]", c.code_bits));
    if (!(c.f_min_mhz > 0 && c.f_min_mhz < c.f_max_mhz) || !std::isfinite(c.f_max_mhz))
        bad("f_min_mhz", fmt::format("= {} and f_max_mhz = {} must satisfy 0 < f_min_mhz < f_max_mhz",
                                     c.f_min_mhz, c.f_max_mhz));
    if (!(c.lock_ns >= 0) || !std::isfinite(c.lock_ns)) bad("lock_ns", fmt::format("= {} must be >= 0", c.lock_ns));
    if (!(c.initial_mhz >= c.f_min_mhz && c.initial_mhz <= c.f_max_mhz))
        bad("initial_mhz", fmt::format("= {} is out of range [{}, {}]", c.initial_mhz, c.f_min_mhz, c.f_max_mhz));
    return Adpll::power_up_mhz(c);
}

}  // namespace

Adpll::Adpll(sc_core::sc_module_name name, const AdpllConfig& config)
    : sc_core::sc_module(name),
      freq_mhz("freq_mhz", checked_power_up_mhz(this->name(), config)),
      locked_event("locked_event"),
      config_(config),
      lock_ev_("lock_ev") {
    // Power up on a legal code: the nearest one to initial_mhz.
    code_ = mhz_to_code(config_, config_.initial_mhz);
    mhz_ = code_to_mhz(code_);
    target_mhz_ = mhz_;
    period_ = mhz_to_period(mhz_);
    SC_HAS_PROCESS(Adpll);
    SC_METHOD(on_locked);
    sensitive << lock_ev_;
    dont_initialize();
}

double Adpll::code_to_mhz(const AdpllConfig& c, int code) {
    const int top = max_code(c);
    if (code < 0 || code > top)
        throw Error(fmt::format("DCO code {} is out of range [0, {}]", code, top));
    return c.f_min_mhz + code * (c.f_max_mhz - c.f_min_mhz) / top;
}

int Adpll::mhz_to_code(const AdpllConfig& c, double mhz) {
    const int top = max_code(c);
    if (std::isnan(mhz) || mhz <= c.f_min_mhz) return 0;
    if (mhz >= c.f_max_mhz) return top;
    return static_cast<int>(std::lround((mhz - c.f_min_mhz) / (c.f_max_mhz - c.f_min_mhz) * top));
}

sc_core::sc_time Adpll::set_code(int code) {
    if (code < 0 || code > max_code())
        throw Error(fmt::format("{}: DCO code {} is out of range [0, {}]", name(), code, max_code()));
    if (code == code_) return sc_core::SC_ZERO_TIME;

    const sc_core::sc_time lock(config_.lock_ns, sc_core::SC_NS);
    code_ = code;
    target_mhz_ = code_to_mhz(code);
    locking_ = true;
    lock_end_ = sc_core::sc_time_stamp() + lock;
    ++relocks_;
    total_lock_time_ += lock;
    // cancel() first: notify() keeps an earlier pending notification otherwise.
    lock_ev_.cancel();
    lock_ev_.notify(lock);
    return lock;
}

void Adpll::on_locked() {
    locking_ = false;
    if (target_mhz_ != mhz_) {
        mhz_ = target_mhz_;
        period_ = mhz_to_period(mhz_);
        freq_mhz.write(mhz_);
    }
    locked_event.notify(sc_core::SC_ZERO_TIME);
}

}  // namespace edgebert::hw
