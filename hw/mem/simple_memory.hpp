// A plain loosely-timed memory target for unit tests and benchmarks.
//
// Maps [base, base + size). Every b_transport costs
//     latency + ceil(length / bytes_per_cycle) * cycle
// added to the caller's delay; the model never waits itself. A zero-length
// transaction at a mapped address is legal, moves nothing and costs the
// latency alone. Errors (address, burst, byte-enable) are returned without
// any delay and without touching memory or statistics.
//
// Storage is sparse: 4 KiB pages are allocated on the first write that enables
// a byte in them; reads of untouched memory return zeros and allocate nothing,
// so a 4 GiB window costs only the pages actually written.
//
// Byte enables are honoured (disabled bytes are neither written nor, on a
// read, copied into the caller's buffer; the pattern repeats every
// byte_enable_length bytes). Streaming width below the length is not
// supported (TLM_BURST_ERROR_RESPONSE). No DMI.
#pragma once

#include <cstddef>
#include <cstdint>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "hw/mem/sparse_storage.hpp"

namespace edgebert::hw {

class SimpleMemory : public sc_core::sc_module {
public:
    static constexpr uint64_t kPageBytes = SparseStorage::kPageBytes;

    // Traffic through the socket (b_transport only; debug and backdoor
    // accesses are not counted) and the storage in use.
    struct Stats {
        uint64_t reads = 0;            // successful read transactions
        uint64_t writes = 0;           // successful write transactions
        uint64_t bytes_read = 0;       // their lengths summed
        uint64_t bytes_written = 0;
        uint64_t pages_allocated = 0;  // by any path, backdoor included
    };

    tlm_utils::simple_target_socket<SimpleMemory> socket;

    // Throws ConfigError naming the field: size must be > 0 and end at or
    // below 2^64, bytes_per_cycle must be finite and > 0.
    SimpleMemory(sc_core::sc_module_name name, uint64_t base, uint64_t size, sc_core::sc_time latency,
                 double bytes_per_cycle, sc_core::sc_time cycle);

    uint64_t base() const { return base_; }
    uint64_t size() const { return size_; }
    // True if [addr, addr + len) lies inside the window and addr itself is mapped
    // (so a zero-length range must start at a mapped byte). Never overflows.
    bool contains(uint64_t addr, uint64_t len) const;
    // The delay one transaction of `len` bytes adds.
    sc_core::sc_time access_delay(uint64_t len) const;

    // Backdoor for tests and loaders: no timing, not counted in the traffic
    // statistics. Throw Error naming the address and the window when
    // [addr, addr + len) is not inside it (same rule as contains()).
    void write(uint64_t addr, const void* data, size_t len);
    void read(uint64_t addr, void* data, size_t len) const;

    const Stats& stats() const { return stats_; }
    uint64_t pages_allocated() const { return storage_.pages_allocated(); }

private:
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    // Truncates at the end of the window; returns the bytes moved (0 if unmapped).
    unsigned int transport_dbg(tlm::tlm_generic_payload& trans);

    void check_backdoor(const char* what, uint64_t addr, size_t len) const;

    uint64_t base_;
    uint64_t size_;
    sc_core::sc_time latency_;
    double bytes_per_cycle_;
    sc_core::sc_time cycle_;
    SparseStorage storage_;  // offsets relative to base_
    Stats stats_;
};

}  // namespace edgebert::hw
