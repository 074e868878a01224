#include "hw/soc/uart.hpp"

#include <fmt/format.h>

#include "hw/soc/register_access.hpp"

#include <cmath>
#include <cstring>

#include "common/error.hpp"

namespace edgebert::hw {

void UartConfig::validate(const std::string& origin, const std::string& prefix) const {
    auto bad = [&](const std::string& field, const std::string& what) {
        throw ConfigError(fmt::format("{}: field '{}{}' {}", origin, prefix, field, what));
    };
    if (access_latency_cycles < 0 || access_latency_cycles > 1000000)
        bad("access_latency_cycles", fmt::format("= {} is out of range [0, 1000000]", access_latency_cycles));
    if (!std::isfinite(clock_mhz) || clock_mhz < 1.0 || clock_mhz > 100000.0)
        bad("clock_mhz", fmt::format("= {} is out of range [1, 100000]", clock_mhz));
    if (base % 4 != 0) bad("base", fmt::format("= 0x{:x} must be 4-byte aligned", base));
    if (base > ~uint64_t{0} - (Uart::kWindowBytes - 1))
        bad("base", fmt::format("= 0x{:x} leaves no room for the 0x{:x}-byte window", base, Uart::kWindowBytes));
}

Uart::Uart(sc_core::sc_module_name name, const UartConfig& config, std::ostream* echo)
    : sc_core::sc_module(name), socket("socket"), cfg_(config), echo_(echo) {
    cfg_.validate(this->name());
    cycle_ = sc_core::sc_time(1000.0 / cfg_.clock_mhz, sc_core::SC_NS);
    socket.register_b_transport(this, &Uart::b_transport);
    socket.register_transport_dbg(this, &Uart::transport_dbg);
}

void Uart::set_echo(std::ostream* echo) {
    flush();
    echo_ = echo;
}

std::string Uart::take_output() {
    std::string out;
    out.swap(output_);
    return out;
}

void Uart::flush() {
    if (!echo_) {
        line_.clear();
        return;
    }
    if (!line_.empty()) *echo_ << line_;
    echo_->flush();
    line_.clear();
}

void Uart::send(uint8_t byte) {
    const char c = static_cast<char>(byte);
    output_.push_back(c);
    ++bytes_sent_;
    if (!echo_) return;
    line_.push_back(c);
    if (c == '\n') flush();
}

tlm::tlm_response_status Uart::check(const tlm::tlm_generic_payload& trans) const {
    return check_register_access(trans, cfg_.base, kWindowBytes, {1, 2, 4});
}

namespace {

// The 32-bit register at a word-aligned offset, as read.
uint32_t register_value(uint64_t word_offset) {
    if (word_offset == Uart::kStatusOffset) return Uart::kStatusTxReady;  // RX never valid
    return 0;                                                              // TXDATA and holes read 0
}

}  // namespace

void Uart::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    if (!admit_register_access(trans, check(trans))) return;
    const tlm::tlm_command cmd = trans.get_command();
    const uint64_t offset = trans.get_address() - cfg_.base;
    const uint64_t word = offset & ~uint64_t{3};
    const unsigned lane = static_cast<unsigned>(offset & 3);  // little-endian byte lanes
    const unsigned len = trans.get_data_length();
    if (cmd == tlm::TLM_READ_COMMAND) {
        const uint32_t v = register_value(word) >> (8 * lane);
        std::memcpy(trans.get_data_ptr(), &v, len);
    } else if (word == kTxDataOffset && lane == 0) {
        send(trans.get_data_ptr()[0]);
    }
    delay += sc_core::sc_time::from_value(cycle_.value() * static_cast<uint64_t>(cfg_.access_latency_cycles));
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned int Uart::transport_dbg(tlm::tlm_generic_payload& trans) {
    if (trans.get_command() != tlm::TLM_READ_COMMAND || check(trans) != tlm::TLM_OK_RESPONSE) return 0;
    const uint64_t offset = trans.get_address() - cfg_.base;
    const uint32_t v = register_value(offset & ~uint64_t{3}) >> (8 * (offset & 3));
    std::memcpy(trans.get_data_ptr(), &v, trans.get_data_length());
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    return trans.get_data_length();
}

}  // namespace edgebert::hw
