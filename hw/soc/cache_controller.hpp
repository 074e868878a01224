// The register window of one of ESP's cache controllers (the CPU tile's
// private L2, or a memory tile's LLC), as ESP's bare-metal esp_flush drives it:
//
// | offset | register | access | contents                                             |
// |--------|----------|--------|------------------------------------------------------|
// | 0x00   | CMD      | RW     | bit 1 FLUSH starts a flush; writing 0 clears DONE     |
// | 0x04   | STATUS   | RO     | bit 0 DONE (flush finished), bits 31:28 the CPU id    |
//
// A flush starts at the writer's local time and takes what the cache model
// says (a walk over the lines plus a writeback per dirty line through the
// hierarchy); DONE reads 1 from the moment it ends. Accesses are 32-bit; any
// other offset, size or a write to STATUS is an error response (and a message
// in last_error()).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

namespace edgebert::hw {

class CacheController : public sc_core::sc_module {
public:
    static constexpr uint64_t kCmd = 0x00;
    static constexpr uint64_t kStatus = 0x04;
    static constexpr uint64_t kWindowBytes = 0x100;
    static constexpr uint32_t kCmdFlush = 1u << 1;
    static constexpr uint32_t kStatusDone = 1u;

    // `flush(start)` performs the flush at absolute time `start` and returns how long it takes.
    CacheController(sc_core::sc_module_name name, uint64_t base, uint32_t cpu_id,
                    std::function<sc_core::sc_time(sc_core::sc_time)> flush);

    tlm_utils::simple_target_socket<CacheController> socket;
    uint64_t base() const { return base_; }
    uint64_t flushes() const { return flushes_; }
    const std::string& last_error() const { return last_error_; }

private:
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);

    uint64_t base_;
    uint32_t cpu_id_;
    std::function<sc_core::sc_time(sc_core::sc_time)> flush_;
    uint32_t cmd_ = 0;
    bool started_ = false;
    sc_core::sc_time done_at_;
    uint64_t flushes_ = 0;
    std::string last_error_;
};

}  // namespace edgebert::hw
