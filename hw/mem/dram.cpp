#include "hw/mem/dram.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/error.hpp"
#include "common/json_reader.hpp"
#include "hw/mem/memory_access.hpp"

namespace edgebert::hw {

namespace {

bool is_pow2(int64_t v) { return v > 0 && (v & (v - 1)) == 0; }

}  // namespace

void DramConfig::validate(const std::string& origin, const std::string& prefix) const {
    auto bad = [&](const std::string& field, const std::string& what) {
        throw ConfigError(fmt::format("{}: field '{}{}' {}", origin, prefix, field, what));
    };
    auto range = [&](const char* field, int64_t v, int64_t lo, int64_t hi) {
        if (v < lo || v > hi) bad(field, fmt::format("= {} is out of range [{}, {}]", v, lo, hi));
    };
    if (size == 0) bad("size", "= 0 must be > 0");
    // The last byte must be addressable: base + size - 1 <= 2^64 - 1.
    if (size - 1 > std::numeric_limits<uint64_t>::max() - base)
        bad("size", fmt::format("= 0x{:x} runs past the end of the 64-bit address space from base 0x{:x}", size, base));
    range("channels", channels, 1, 64);
    range("banks", banks, 1, 256);
    range("row_bytes", row_bytes, 64, 1 << 20);
    if (!is_pow2(row_bytes)) bad("row_bytes", fmt::format("= {} must be a power of two", row_bytes));
    range("burst_bytes", burst_bytes, 1, row_bytes);
    if (!is_pow2(burst_bytes)) bad("burst_bytes", fmt::format("= {} must be a power of two", burst_bytes));
    if (!std::isfinite(clock_mhz) || clock_mhz < 1.0 || clock_mhz > 100000.0)
        bad("clock_mhz", fmt::format("= {} is out of range [1, 100000]", clock_mhz));
    range("t_rcd", t_rcd, 0, 1000);
    range("t_cas", t_cas, 0, 1000);
    range("t_rp", t_rp, 0, 1000);
    range("controller_latency_cycles", controller_latency_cycles, 0, 100000);
    if (!std::isfinite(bytes_per_cycle) || !(bytes_per_cycle >= 0.01) || bytes_per_cycle > 65536.0)
        bad("bytes_per_cycle", fmt::format("= {} is out of range [0.01, 65536]", bytes_per_cycle));
}

sc_core::sc_time DramConfig::cycle() const { return sc_core::sc_time(1000.0 / clock_mhz, sc_core::SC_NS); }

DramConfig parse_dram_config(const JsonReader& r) {
    r.reject_unknown({"base", "size", "channels", "banks", "row_bytes", "burst_bytes", "clock_mhz", "t_rcd", "t_cas",
                      "t_rp", "controller_latency_cycles", "bytes_per_cycle"});
    DramConfig c;
    c.base = r.get_address("base", c.base);
    c.size = r.get_address("size", c.size);
    auto geti = [&](const char* key, int lo, int hi, int dflt) {
        return static_cast<int>(r.get_int(key, lo, hi, dflt));
    };
    c.channels = geti("channels", 1, 64, c.channels);
    c.banks = geti("banks", 1, 256, c.banks);
    c.row_bytes = geti("row_bytes", 64, 1 << 20, c.row_bytes);
    c.burst_bytes = geti("burst_bytes", 1, 1 << 20, c.burst_bytes);
    c.clock_mhz = r.get_double("clock_mhz", 1.0, 100000.0, c.clock_mhz);
    c.t_rcd = geti("t_rcd", 0, 1000, c.t_rcd);
    c.t_cas = geti("t_cas", 0, 1000, c.t_cas);
    c.t_rp = geti("t_rp", 0, 1000, c.t_rp);
    c.controller_latency_cycles = geti("controller_latency_cycles", 0, 100000, c.controller_latency_cycles);
    c.bytes_per_cycle = r.get_double("bytes_per_cycle", 0.01, 65536.0, c.bytes_per_cycle);
    c.validate(r.origin(), r.field(""));
    return c;
}

Dram::Dram(sc_core::sc_module_name name, const DramConfig& config)
    : sc_core::sc_module(name), socket("socket"), cfg_(config) {
    cfg_.validate(this->name());
    cycle_ = cfg_.cycle();
    if (cycle_ == sc_core::SC_ZERO_TIME)
        throw ConfigError(fmt::format("{}: field 'clock_mhz' = {} gives a clock period below the time resolution {}",
                                      this->name(), cfg_.clock_mhz, sc_core::sc_get_time_resolution().to_string()));
    open_row_.assign(static_cast<size_t>(cfg_.channels) * static_cast<size_t>(cfg_.banks), -1);
    bus_busy_.assign(static_cast<size_t>(cfg_.channels), sc_core::SC_ZERO_TIME);
    socket.register_b_transport(this, &Dram::b_transport);
    socket.register_transport_dbg(this, &Dram::transport_dbg);
}

bool Dram::contains(uint64_t addr, uint64_t len) const {
    if (addr < cfg_.base) return false;
    const uint64_t offset = addr - cfg_.base;
    return offset < cfg_.size && len <= cfg_.size - offset;
}

void Dram::check_range(const char* what, uint64_t addr, size_t len) const {
    if (contains(addr, len)) return;
    // The inclusive last address cannot overflow, unlike base + size.
    throw Error(fmt::format("{}: {} of {} bytes at 0x{:x} is outside the window [0x{:x}, 0x{:x}]", name(), what, len,
                            addr, cfg_.base, cfg_.base + (cfg_.size - 1)));
}

Dram::Location Dram::map(uint64_t addr) const {
    check_range("map", addr, 0);
    const uint64_t offset = addr - cfg_.base;
    const auto row_bytes = static_cast<uint64_t>(cfg_.row_bytes);
    const auto channels = static_cast<uint64_t>(cfg_.channels);
    const auto banks = static_cast<uint64_t>(cfg_.banks);
    const uint64_t chunk = offset / row_bytes;
    Location loc;
    loc.column = offset % row_bytes;
    loc.channel = static_cast<int>(chunk % channels);
    loc.bank = static_cast<int>((chunk / channels) % banks);
    loc.row = chunk / (channels * banks);
    return loc;
}

int64_t Dram::open_row(int channel, int bank) const {
    if (channel < 0 || channel >= cfg_.channels || bank < 0 || bank >= cfg_.banks)
        throw Error(fmt::format("{}: no bank {} in channel {} ({} channels x {} banks)", name(), bank, channel,
                                cfg_.channels, cfg_.banks));
    return open_row_[static_cast<size_t>(channel) * static_cast<size_t>(cfg_.banks) + static_cast<size_t>(bank)];
}

sc_core::sc_time Dram::bus_busy_until(int channel) const {
    if (channel < 0 || channel >= cfg_.channels)
        throw Error(fmt::format("{}: no channel {} ({} channels)", name(), channel, cfg_.channels));
    return bus_busy_[static_cast<size_t>(channel)];
}

void Dram::reset_timing() {
    std::fill(open_row_.begin(), open_row_.end(), -1);
    std::fill(bus_busy_.begin(), bus_busy_.end(), sc_core::SC_ZERO_TIME);
}

uint64_t Dram::transfer_cycles(uint64_t bytes) const {
    // ceil(bytes / bytes_per_cycle), forgiving the rounding error of a division
    // that is exact on paper (3 / 0.1 is 30.000000000000004 in binary).
    const double q = static_cast<double>(bytes) / cfg_.bytes_per_cycle;
    const double nearest = std::round(q);
    const double c = std::fabs(q - nearest) <= 1e-9 * std::max(1.0, q) ? nearest : std::ceil(q);
    return static_cast<uint64_t>(c);
}

sc_core::sc_time Dram::access_delay(uint64_t addr, size_t len, sc_core::sc_time start) {
    check_range("access", addr, len);
    const auto ctrl = static_cast<uint64_t>(cfg_.controller_latency_cycles);
    if (len == 0) {
        stats_.command_cycles += ctrl;
        return cycles(ctrl);
    }
    // Per channel: row-command cycles and bytes moved.
    struct Lane {
        uint64_t command = 0;
        uint64_t bytes = 0;
    };
    std::vector<Lane> lanes(static_cast<size_t>(cfg_.channels));
    const auto row_bytes = static_cast<uint64_t>(cfg_.row_bytes);
    const auto burst = static_cast<uint64_t>(cfg_.burst_bytes);
    const auto hit = static_cast<uint64_t>(cfg_.t_cas);
    const auto miss = static_cast<uint64_t>(cfg_.t_rcd) + hit;
    const auto conflict = static_cast<uint64_t>(cfg_.t_rp) + miss;

    uint64_t offset = addr - cfg_.base;
    uint64_t left = len;
    while (left > 0) {
        const uint64_t column = offset % row_bytes;
        const uint64_t n = std::min<uint64_t>(left, row_bytes - column);
        const uint64_t chunk = offset / row_bytes;
        const auto channel = static_cast<size_t>(chunk % static_cast<uint64_t>(cfg_.channels));
        const auto bank = static_cast<size_t>((chunk / static_cast<uint64_t>(cfg_.channels)) %
                                              static_cast<uint64_t>(cfg_.banks));
        const auto row = static_cast<int64_t>(chunk / (static_cast<uint64_t>(cfg_.channels) *
                                                      static_cast<uint64_t>(cfg_.banks)));
        int64_t& open = open_row_[channel * static_cast<size_t>(cfg_.banks) + bank];
        Lane& lane = lanes[channel];
        if (open == row) {
            lane.command += hit;
            ++stats_.row_hits;
        } else if (open < 0) {
            lane.command += miss;
            ++stats_.row_misses;
        } else {
            lane.command += conflict;
            ++stats_.row_conflicts;
        }
        open = row;  // open-page policy: the row stays open
        lane.bytes += n;
        stats_.column_accesses += (column + n - 1) / burst - column / burst + 1;
        offset += n;
        left -= n;
    }

    sc_core::sc_time end = start;
    for (size_t ch = 0; ch < lanes.size(); ++ch) {
        const Lane& lane = lanes[ch];
        if (lane.bytes == 0) continue;
        const sc_core::sc_time ready = start + cycles(ctrl + lane.command);
        const sc_core::sc_time begin = std::max(ready, bus_busy_[ch]);
        const uint64_t xfer = transfer_cycles(lane.bytes);
        const sc_core::sc_time done = begin + cycles(xfer);
        bus_busy_[ch] = done;
        stats_.bus_wait += begin - ready;
        stats_.busy_cycles += xfer;
        stats_.command_cycles += ctrl + lane.command;
        end = std::max(end, done);
    }
    return end - start;
}

void Dram::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    const tlm::tlm_command cmd = trans.get_command();
    if (cmd == tlm::TLM_IGNORE_COMMAND) {
        trans.set_response_status(tlm::TLM_OK_RESPONSE);
        return;
    }
    const uint64_t addr = trans.get_address();
    const unsigned int len = trans.get_data_length();
    if (const auto s = check_memory_access(trans, contains(addr, len)); s != tlm::TLM_OK_RESPONSE) {
        ++stats_.errors;
        trans.set_response_status(s);
        return;
    }
    uint8_t* data = trans.get_data_ptr();
    const uint8_t* be = trans.get_byte_enable_ptr();
    const unsigned int be_len = trans.get_byte_enable_length();

    const uint64_t offset = addr - cfg_.base;
    storage_.transfer(cmd == tlm::TLM_READ_COMMAND, offset, data, len, be, be_len);
    if (cmd == tlm::TLM_READ_COMMAND) {
        ++stats_.reads;
        stats_.bytes_read += len;
    } else {
        ++stats_.writes;
        stats_.bytes_written += len;
    }
    delay += access_delay(addr, len, sc_core::sc_time_stamp() + delay);
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned int Dram::transport_dbg(tlm::tlm_generic_payload& trans) {
    const tlm::tlm_command cmd = trans.get_command();
    const uint64_t addr = trans.get_address();
    if (cmd == tlm::TLM_IGNORE_COMMAND || !contains(addr, 0) || !trans.get_data_ptr()) return 0;
    const uint64_t offset = addr - cfg_.base;
    const auto n = static_cast<unsigned int>(std::min<uint64_t>(trans.get_data_length(), cfg_.size - offset));
    if (cmd == tlm::TLM_READ_COMMAND)
        storage_.read(offset, trans.get_data_ptr(), n);
    else
        storage_.write(offset, trans.get_data_ptr(), n);
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    return n;
}

void Dram::write(uint64_t addr, const void* data, size_t len) {
    check_range("backdoor write", addr, len);
    storage_.write(addr - cfg_.base, static_cast<const uint8_t*>(data), len);
}

void Dram::read(uint64_t addr, void* data, size_t len) const {
    check_range("backdoor read", addr, len);
    storage_.read(addr - cfg_.base, static_cast<uint8_t*>(data), len);
}

boost::json::object Dram::stats_json() const {
    boost::json::object o;
    o["reads"] = stats_.reads;
    o["writes"] = stats_.writes;
    o["bytes_read"] = stats_.bytes_read;
    o["bytes_written"] = stats_.bytes_written;
    o["row_hits"] = stats_.row_hits;
    o["row_misses"] = stats_.row_misses;
    o["row_conflicts"] = stats_.row_conflicts;
    o["column_accesses"] = stats_.column_accesses;
    o["busy_cycles"] = stats_.busy_cycles;
    o["command_cycles"] = stats_.command_cycles;
    o["errors"] = stats_.errors;
    o["bus_wait_ns"] = stats_.bus_wait.to_seconds() * 1e9;
    const uint64_t rows = stats_.row_hits + stats_.row_misses + stats_.row_conflicts;
    o["row_hit_rate"] = rows ? static_cast<double>(stats_.row_hits) / static_cast<double>(rows) : 0.0;
    // Loosely-timed initiators reserve the bus ahead of sc_time_stamp(); count
    // the elapsed time up to the latest reservation so the figure stays <= 1.
    sc_core::sc_time horizon = sc_core::sc_time_stamp();
    for (const auto& t : bus_busy_) horizon = std::max(horizon, t);
    const double elapsed_cycles = horizon / cycle_;
    o["bus_utilization"] = elapsed_cycles > 0
                               ? static_cast<double>(stats_.busy_cycles) / (elapsed_cycles * cfg_.channels)
                               : 0.0;
    o["pages_allocated"] = storage_.pages_allocated();
    o["bytes_allocated"] = storage_.bytes_allocated();
    return o;
}

bool Dram::transfer_untimed(tlm::tlm_generic_payload& trans) {
    const uint64_t addr = trans.get_address();
    const unsigned len = trans.get_data_length();
    const auto status = check_memory_access(trans, contains(addr, len));
    if (status != tlm::TLM_OK_RESPONSE) {
        trans.set_response_status(status);
        return false;
    }
    unsigned char* data = trans.get_data_ptr();
    const unsigned char* be = trans.get_byte_enable_ptr();
    if (trans.is_read()) {
        read(addr, data, len);
    } else if (!be) {
        write(addr, data, len);
    } else {
        const unsigned bel = trans.get_byte_enable_length();
        std::vector<unsigned char> merged(len);
        read(addr, merged.data(), len);
        for (unsigned i = 0; i < len; ++i)
            if (be[i % bel] == TLM_BYTE_ENABLED) merged[i] = data[i];
        write(addr, merged.data(), len);
    }
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    return true;
}

}  // namespace edgebert::hw
