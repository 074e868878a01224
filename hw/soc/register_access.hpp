// The checks every peripheral's register window applies to a TLM access:
// inside the window, an allowed size, naturally aligned, a full streaming
// width, all bytes enabled, a data pointer. Returns the response to give.
#pragma once

#include <tlm>

#include <cstdint>
#include <initializer_list>

namespace edgebert::hw {

inline tlm::tlm_response_status check_register_access(const tlm::tlm_generic_payload& trans, uint64_t base,
                                                      uint64_t window_bytes, std::initializer_list<unsigned> sizes) {
    const uint64_t addr = trans.get_address();
    const unsigned len = trans.get_data_length();
    if (addr < base || addr - base >= window_bytes) return tlm::TLM_ADDRESS_ERROR_RESPONSE;
    bool size_ok = false;
    for (unsigned s : sizes) size_ok = size_ok || s == len;
    if (!size_ok) return tlm::TLM_BURST_ERROR_RESPONSE;
    if ((addr - base) % len != 0 || addr - base + len > window_bytes) return tlm::TLM_ADDRESS_ERROR_RESPONSE;
    if (trans.get_streaming_width() < len) return tlm::TLM_BURST_ERROR_RESPONSE;
    if (const uint8_t* be = trans.get_byte_enable_ptr()) {
        const unsigned be_len = trans.get_byte_enable_length();
        if (be_len == 0) return tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE;
        for (unsigned i = 0; i < len; ++i)
            if (be[i % be_len] != TLM_BYTE_ENABLED) return tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE;
    }
    if (!trans.get_data_ptr()) return tlm::TLM_GENERIC_ERROR_RESPONSE;
    return tlm::TLM_OK_RESPONSE;
}

// The start of every peripheral's b_transport: answers the accesses that go no
// further (TLM_IGNORE_COMMAND with OK, a failed check with its error) and
// returns true for one the register window should perform.
inline bool admit_register_access(tlm::tlm_generic_payload& trans, tlm::tlm_response_status check_status) {
    if (trans.get_command() == tlm::TLM_IGNORE_COMMAND) {
        trans.set_response_status(tlm::TLM_OK_RESPONSE);
        return false;
    }
    if (check_status != tlm::TLM_OK_RESPONSE) {
        trans.set_response_status(check_status);
        return false;
    }
    return true;
}

}  // namespace edgebert::hw
