#include "hw/mem/simple_memory.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/error.hpp"
#include "hw/mem/memory_access.hpp"

namespace edgebert::hw {

SimpleMemory::SimpleMemory(sc_core::sc_module_name name, uint64_t base, uint64_t size, sc_core::sc_time latency,
                           double bytes_per_cycle, sc_core::sc_time cycle)
    : sc_core::sc_module(name),
      socket("socket"),
      base_(base),
      size_(size),
      latency_(latency),
      bytes_per_cycle_(bytes_per_cycle),
      cycle_(cycle) {
    auto bad = [&](const char* field, const std::string& what) {
        throw ConfigError(fmt::format("{}: field '{}' {}", this->name(), field, what));
    };
    if (size == 0) bad("size", "must be > 0");
    // The last byte must be addressable: base + size - 1 <= 2^64 - 1.
    if (size - 1 > std::numeric_limits<uint64_t>::max() - base)
        bad("size", fmt::format("= 0x{:x} runs past the end of the 64-bit address space from base 0x{:x}", size, base));
    if (!(bytes_per_cycle > 0) || !std::isfinite(bytes_per_cycle))
        bad("bytes_per_cycle", fmt::format("= {} must be finite and > 0", bytes_per_cycle));

    socket.register_b_transport(this, &SimpleMemory::b_transport);
    socket.register_transport_dbg(this, &SimpleMemory::transport_dbg);
}

bool SimpleMemory::contains(uint64_t addr, uint64_t len) const {
    if (addr < base_) return false;
    const uint64_t offset = addr - base_;
    return offset < size_ && len <= size_ - offset;
}

sc_core::sc_time SimpleMemory::access_delay(uint64_t len) const {
    // ceil(len / bytes_per_cycle), forgiving the rounding error of a division
    // that is exact on paper (3 / 0.1 is 30.000000000000004 in binary).
    const double q = static_cast<double>(len) / bytes_per_cycle_;
    const double nearest = std::round(q);
    const double cycles = std::fabs(q - nearest) <= 1e-9 * std::max(1.0, q) ? nearest : std::ceil(q);
    return latency_ + sc_core::sc_time::from_value(cycle_.value() * static_cast<uint64_t>(cycles));
}

void SimpleMemory::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    const tlm::tlm_command cmd = trans.get_command();
    if (cmd == tlm::TLM_IGNORE_COMMAND) {
        trans.set_response_status(tlm::TLM_OK_RESPONSE);
        return;
    }
    const uint64_t addr = trans.get_address();
    const unsigned int len = trans.get_data_length();
    if (const auto s = check_memory_access(trans, contains(addr, len)); s != tlm::TLM_OK_RESPONSE) {
        trans.set_response_status(s);
        return;
    }
    uint8_t* data = trans.get_data_ptr();
    const uint8_t* be = trans.get_byte_enable_ptr();
    const unsigned int be_len = trans.get_byte_enable_length();

    const uint64_t offset = addr - base_;
    storage_.transfer(cmd == tlm::TLM_READ_COMMAND, offset, data, len, be, be_len);
    if (cmd == tlm::TLM_READ_COMMAND) {
        ++stats_.reads;
        stats_.bytes_read += len;
    } else {
        stats_.pages_allocated = storage_.pages_allocated();
        ++stats_.writes;
        stats_.bytes_written += len;
    }
    delay += access_delay(len);
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned int SimpleMemory::transport_dbg(tlm::tlm_generic_payload& trans) {
    const tlm::tlm_command cmd = trans.get_command();
    const uint64_t addr = trans.get_address();
    if (cmd == tlm::TLM_IGNORE_COMMAND || !contains(addr, 0) || !trans.get_data_ptr()) return 0;
    const uint64_t offset = addr - base_;
    const unsigned int n = static_cast<unsigned int>(std::min<uint64_t>(trans.get_data_length(), size_ - offset));
    if (cmd == tlm::TLM_READ_COMMAND) {
        storage_.read(offset, trans.get_data_ptr(), n);
    } else {
        storage_.write(offset, trans.get_data_ptr(), n);
        stats_.pages_allocated = storage_.pages_allocated();
    }
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    return n;
}

void SimpleMemory::check_backdoor(const char* what, uint64_t addr, size_t len) const {
    if (contains(addr, len)) return;
    // The inclusive last address cannot overflow, unlike base + size.
    throw Error(fmt::format("{}: backdoor {} of {} bytes at 0x{:x} is outside the window [0x{:x}, 0x{:x}]", name(),
                            what, len, addr, base_, base_ + (size_ - 1)));
}

void SimpleMemory::write(uint64_t addr, const void* data, size_t len) {
    check_backdoor("write", addr, len);
    storage_.write(addr - base_, static_cast<const uint8_t*>(data), len);
    stats_.pages_allocated = storage_.pages_allocated();
}

void SimpleMemory::read(uint64_t addr, void* data, size_t len) const {
    check_backdoor("read", addr, len);
    storage_.read(addr - base_, static_cast<uint8_t*>(data), len);
}

}  // namespace edgebert::hw
