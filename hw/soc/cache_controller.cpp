#include "hw/soc/cache_controller.hpp"

#include <fmt/format.h>

#include <cstring>

#include "hw/soc/register_access.hpp"

namespace edgebert::hw {

CacheController::CacheController(sc_core::sc_module_name name, uint64_t base, uint32_t cpu_id,
                                 std::function<sc_core::sc_time(sc_core::sc_time)> flush)
    : sc_module(name), socket("socket"), base_(base), cpu_id_(cpu_id), flush_(std::move(flush)) {
    socket.register_b_transport(this, &CacheController::b_transport);
}

void CacheController::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    if (!admit_register_access(trans, check_register_access(trans, base_, kWindowBytes, {4}))) {
        if (trans.is_response_error())
            last_error_ = fmt::format("{}: bad access at 0x{:x} ({} bytes): registers are 32-bit, CMD at +0x0, "
                                      "STATUS at +0x4", name(), trans.get_address(), trans.get_data_length());
        return;
    }
    const uint64_t off = trans.get_address() - base_;
    const sc_core::sc_time now = sc_core::sc_time_stamp() + delay;
    uint32_t v = 0;
    if (trans.is_write()) std::memcpy(&v, trans.get_data_ptr(), 4);
    if (off == kCmd) {
        if (trans.is_write()) {
            if ((v & kCmdFlush) && !(started_ && now < done_at_)) {
                ++flushes_;
                started_ = true;
                done_at_ = now + flush_(now);
            }
            if (v == 0) started_ = false;  // ESP's drivers clear CMD after DONE
            cmd_ = v;
        } else {
            std::memcpy(trans.get_data_ptr(), &cmd_, 4);
        }
    } else if (off == kStatus && trans.is_read()) {
        v = (cpu_id_ & 0xFu) << 28;
        if (started_ && now >= done_at_) v |= kStatusDone;
        std::memcpy(trans.get_data_ptr(), &v, 4);
    } else {
        last_error_ = fmt::format("{}: {} of offset 0x{:x}: only CMD (+0x0, RW) and STATUS (+0x4, RO) exist", name(),
                                  trans.is_write() ? "write" : "read", off);
        trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace edgebert::hw
