#include "hw/soc/timer.hpp"

#include <fmt/format.h>

#include "hw/soc/register_access.hpp"

#include <cmath>
#include <cstring>
#include <limits>

#include "common/error.hpp"

namespace edgebert::hw {

namespace {

__extension__ typedef unsigned __int128 u128;

constexpr uint64_t kMaxFreqHz = 1'000'000'000'000ull;  // 1 THz: one tick per picosecond

}  // namespace

void TimerConfig::validate(const std::string& origin, const std::string& prefix) const {
    auto bad = [&](const std::string& field, const std::string& what) {
        throw ConfigError(fmt::format("{}: field '{}{}' {}", origin, prefix, field, what));
    };
    if (freq_hz < 1 || freq_hz > kMaxFreqHz)
        bad("freq_hz", fmt::format("= {} is out of range [1, {}]", freq_hz, kMaxFreqHz));
    if (access_latency_cycles < 0 || access_latency_cycles > 1000000)
        bad("access_latency_cycles", fmt::format("= {} is out of range [0, 1000000]", access_latency_cycles));
    if (!std::isfinite(clock_mhz) || clock_mhz < 1.0 || clock_mhz > 100000.0)
        bad("clock_mhz", fmt::format("= {} is out of range [1, 100000]", clock_mhz));
    if (base % 8 != 0) bad("base", fmt::format("= 0x{:x} must be 8-byte aligned", base));
    if (base > ~uint64_t{0} - (Timer::kWindowBytes - 1))
        bad("base", fmt::format("= 0x{:x} leaves no room for the 0x{:x}-byte window", base, Timer::kWindowBytes));
}

Timer::Timer(sc_core::sc_module_name name, const TimerConfig& config)
    : sc_core::sc_module(name), socket("socket"), timer_irq("timer_irq", false), soft_irq("soft_irq", false),
      cfg_(config) {
    cfg_.validate(this->name());
    cycle_ = sc_core::sc_time(1000.0 / cfg_.clock_mhz, sc_core::SC_NS);
    units_per_second_ = static_cast<uint64_t>(std::llround(1.0 / sc_core::sc_get_time_resolution().to_seconds()));

    SC_HAS_PROCESS(Timer);
    SC_METHOD(evaluate);  // runs at initialisation too: drives the reset level
    sensitive << crossing_ev_;

    socket.register_b_transport(this, &Timer::b_transport);
    socket.register_transport_dbg(this, &Timer::transport_dbg);
}

uint64_t Timer::mtime_at(const sc_core::sc_time& t) const {
    const uint64_t dt = t > epoch_ ? t.value() - epoch_.value() : 0;
    const u128 ticks = static_cast<u128>(dt) * cfg_.freq_hz / units_per_second_;
    return offset_ + static_cast<uint64_t>(ticks);
}

sc_core::sc_time Timer::time_of(uint64_t value) const {
    if (value <= offset_) return epoch_;
    const u128 k = value - offset_;
    // Smallest dt with floor(dt * freq / ups) >= k.
    const u128 units = (k * units_per_second_ + cfg_.freq_hz - 1) / cfg_.freq_hz;
    const u128 at = units + epoch_.value();
    if (at > std::numeric_limits<uint64_t>::max()) return sc_core::sc_max_time();
    return sc_core::sc_time::from_value(static_cast<uint64_t>(at));
}

void Timer::evaluate() {
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    const bool level = mtime_at(now) >= mtimecmp_;
    timer_irq.write(level);
    crossing_ev_.cancel();
    if (level) return;
    const sc_core::sc_time at = time_of(mtimecmp_);
    if (at > now && at != sc_core::sc_max_time()) crossing_ev_.notify(at - now);
}

void Timer::set_mtime(uint64_t value, const sc_core::sc_time& at) {
    epoch_ = at;
    offset_ = value;
    evaluate();
}

void Timer::set_mtimecmp(uint64_t value) {
    mtimecmp_ = value;
    evaluate();
}

void Timer::set_msip(bool on) {
    msip_ = on;
    soft_irq.write(on);
}

uint32_t Timer::read_word(uint64_t offset, const sc_core::sc_time& at) const {
    switch (offset) {
        case kMsipOffset: return msip_ ? 1u : 0u;
        case kMtimecmpOffset: return static_cast<uint32_t>(mtimecmp_);
        case kMtimecmpOffset + 4: return static_cast<uint32_t>(mtimecmp_ >> 32);
        case kMtimeOffset: return static_cast<uint32_t>(mtime_at(at));
        case kMtimeOffset + 4: return static_cast<uint32_t>(mtime_at(at) >> 32);
        default: return 0;
    }
}

void Timer::write_word(uint64_t offset, uint32_t value, const sc_core::sc_time& at) {
    auto replace = [](uint64_t old, uint32_t v, bool high) {
        return high ? (old & 0xffff'ffffull) | (uint64_t{v} << 32) : (old & ~0xffff'ffffull) | v;
    };
    switch (offset) {
        case kMsipOffset: set_msip(value & 1u); break;
        case kMtimecmpOffset: mtimecmp_ = replace(mtimecmp_, value, false); break;
        case kMtimecmpOffset + 4: mtimecmp_ = replace(mtimecmp_, value, true); break;
        case kMtimeOffset:
        case kMtimeOffset + 4: {
            const uint64_t now = mtime_at(at);
            offset_ = replace(now, value, offset != kMtimeOffset);
            epoch_ = at;
            break;
        }
        default: break;
    }
}

tlm::tlm_response_status Timer::check(const tlm::tlm_generic_payload& trans) const {
    return check_register_access(trans, cfg_.base, kWindowBytes, {4, 8});
}

void Timer::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    if (!admit_register_access(trans, check(trans))) return;
    const tlm::tlm_command cmd = trans.get_command();
    const sc_core::sc_time at = sc_core::sc_time_stamp() + delay;  // the initiator's local time
    const uint64_t offset = trans.get_address() - cfg_.base;
    const unsigned words = trans.get_data_length() / 4;
    uint8_t* data = trans.get_data_ptr();
    if (cmd == tlm::TLM_READ_COMMAND) {
        for (unsigned w = 0; w < words; ++w) {
            const uint32_t v = read_word(offset + 4 * w, at);
            std::memcpy(data + 4 * w, &v, 4);
        }
    } else {
        for (unsigned w = 0; w < words; ++w) {
            uint32_t v;
            std::memcpy(&v, data + 4 * w, 4);
            write_word(offset + 4 * w, v, at);
        }
        evaluate();
    }
    delay += sc_core::sc_time::from_value(cycle_.value() * static_cast<uint64_t>(cfg_.access_latency_cycles));
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned int Timer::transport_dbg(tlm::tlm_generic_payload& trans) {
    if (trans.get_command() != tlm::TLM_READ_COMMAND || check(trans) != tlm::TLM_OK_RESPONSE) return 0;
    const uint64_t offset = trans.get_address() - cfg_.base;
    const unsigned words = trans.get_data_length() / 4;
    for (unsigned w = 0; w < words; ++w) {
        const uint32_t v = read_word(offset + 4 * w, sc_core::sc_time_stamp());
        std::memcpy(trans.get_data_ptr() + 4 * w, &v, 4);
    }
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    return trans.get_data_length();
}

}  // namespace edgebert::hw
