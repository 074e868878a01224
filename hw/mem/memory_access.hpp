// The checks a memory target applies to a TLM access before anything touches
// its data pointer: inside the region, a full streaming width, a usable
// byte-enable array, a data pointer. Returns the response to give.
#pragma once

#include <tlm>

namespace edgebert::hw {

inline tlm::tlm_response_status check_memory_access(const tlm::tlm_generic_payload& trans, bool inside_region) {
    const unsigned int len = trans.get_data_length();
    if (!inside_region) return tlm::TLM_ADDRESS_ERROR_RESPONSE;
    if (trans.get_streaming_width() < len) return tlm::TLM_BURST_ERROR_RESPONSE;
    if (trans.get_byte_enable_ptr() && trans.get_byte_enable_length() == 0) return tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE;
    if (len > 0 && !trans.get_data_ptr()) return tlm::TLM_GENERIC_ERROR_RESPONSE;
    return tlm::TLM_OK_RESPONSE;
}

}  // namespace edgebert::hw
