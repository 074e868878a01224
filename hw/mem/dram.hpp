// A banked DRAM target with row buffers (TLM-2.0, loosely timed).
//
// Maps [base, base + size). The address mapping, the timing formula and the
// statistics are documented in hw/mem/README.md; in short, with
// offset = address - base and chunk = offset / row_bytes:
//     column  = offset % row_bytes
//     channel = chunk % channels
//     bank    = (chunk / channels) % banks
//     row     = chunk / (channels * banks)
// (row:bank:channel:column, consecutive rows of bytes interleave across
// channels, then banks). Each bank keeps one row open (open-page policy).
//
// A transaction of len bytes starting at absolute time `start` costs, per
// channel it touches,
//     ready = start + (controller_latency_cycles + sum over the rows touched of
//             { t_cas                 row hit: the open row is this row
//             { t_rcd + t_cas         row miss: the bank has no open row
//             { t_rp + t_rcd + t_cas  row conflict: another row is open
//             ) cycles
//     begin = max(ready, the time this channel's data bus is busy until)
//     end   = begin + ceil(bytes on this channel / bytes_per_cycle) cycles
// and the channel's bus is then busy until `end`. The delay added to the
// initiator's annotation is max(end) - start. A zero-length transaction at a
// mapped address costs the controller latency alone and touches no row.
// The model never waits; it only annotates.
//
// Storage is sparse (SparseStorage): reads of untouched memory are zero and
// allocate nothing. Byte enables are honoured (timing as for the full
// length); streaming width below the length is a burst error. Every error is
// returned without delay and without touching memory, bank state or traffic
// statistics (errors are counted separately).
#pragma once

#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "hw/mem/sparse_storage.hpp"

namespace edgebert {
class JsonReader;
}

namespace edgebert::hw {

struct DramConfig {
    uint64_t base = 0x8000'0000;
    uint64_t size = uint64_t{1} << 30;    // 1 GiB
    int channels = 1;                      // each with its own data bus
    int banks = 8;                         // per channel
    int row_bytes = 2048;                  // row buffer size, power of two
    int burst_bytes = 64;                  // one column access (statistics only)
    double clock_mhz = 1000.0;             // memory tile clock: the unit of every cycle figure
    int t_rcd = 14;                        // activate to column command (cycles)
    int t_cas = 14;                        // column command to data (cycles)
    int t_rp = 14;                         // precharge (cycles)
    int controller_latency_cycles = 10;    // once per transaction
    double bytes_per_cycle = 16.0;         // peak data bandwidth of one channel

    // Throws ConfigError "<origin>: field '<prefix><name>' = v is out of range
    // [lo, hi]" (or another reason) for the first bad field. `prefix` is the
    // config path of the section, e.g. "dram.".
    void validate(const std::string& origin, const std::string& prefix = "") const;
    // One memory clock period.
    sc_core::sc_time cycle() const;
};

// Reads a DramConfig from a JSON object (absent fields keep the defaults;
// unknown fields are rejected) and validates it.
DramConfig parse_dram_config(const JsonReader& r);

class Dram : public sc_core::sc_module {
public:
    static constexpr uint64_t kPageBytes = SparseStorage::kPageBytes;

    // Where a byte lives.
    struct Location {
        int channel = 0;
        int bank = 0;
        uint64_t row = 0;
        uint64_t column = 0;  // byte offset inside the row
    };

    // Traffic through the socket (b_transport only; debug and backdoor
    // accesses are not counted).
    struct Stats {
        uint64_t reads = 0;            // successful read transactions
        uint64_t writes = 0;           // successful write transactions
        uint64_t bytes_read = 0;
        uint64_t bytes_written = 0;
        uint64_t row_hits = 0;         // row segments that found their row open
        uint64_t row_misses = 0;       // ... found the bank closed (activate)
        uint64_t row_conflicts = 0;    // ... found another row open (precharge + activate)
        uint64_t column_accesses = 0;  // burst_bytes-sized columns touched
        uint64_t busy_cycles = 0;      // data-bus transfer cycles, all channels
        uint64_t command_cycles = 0;   // controller + row/column command cycles
        uint64_t errors = 0;           // transactions answered with an error response
        sc_core::sc_time bus_wait;     // time spent queued behind the data bus
    };

    tlm_utils::simple_target_socket<Dram> socket;

    // Validates the config (ConfigError naming the field, origin = module name).
    Dram(sc_core::sc_module_name name, const DramConfig& config);

    const DramConfig& config() const { return cfg_; }
    uint64_t base() const { return cfg_.base; }
    uint64_t size() const { return cfg_.size; }
    sc_core::sc_time cycle() const { return cycle_; }
    // True if [addr, addr + len) lies inside the window and addr itself is
    // mapped (a zero-length range must start at a mapped byte). Never overflows.
    bool contains(uint64_t addr, uint64_t len) const;
    // The location of a mapped address (throws Error outside the window).
    Location map(uint64_t addr) const;

    // The delay of one transaction of `len` bytes at `addr` issued at absolute
    // time `start` (formula above). Mutates the bank state, the data-bus
    // reservation and the row / bus statistics exactly as b_transport does.
    // Throws Error naming the address and the window if the range is unmapped.
    sc_core::sc_time access_delay(uint64_t addr, size_t len, sc_core::sc_time start);

    // The open row of a bank, or -1 when the bank is closed.
    int64_t open_row(int channel, int bank) const;
    // The absolute time a channel's data bus is reserved until.
    sc_core::sc_time bus_busy_until(int channel = 0) const;
    // Closes every row and frees the data buses (the contents stay).
    void reset_timing();

    // Backdoor for tests and loaders: no timing, not counted. Throw Error
    // naming the address and the window when [addr, addr + len) is unmapped.
    void write(uint64_t addr, const void* data, size_t len);
    void read(uint64_t addr, void* data, size_t len) const;
    // A TLM access performed through the backdoor (no timing, not counted): for
    // the cache models, which time a transfer themselves and move its data here.
    // Applies the usual checks (check_memory_access) and honours byte enables;
    // sets the response and returns false on a bad access.
    bool transfer_untimed(tlm::tlm_generic_payload& trans);

    const Stats& stats() const { return stats_; }
    // Every statistic plus the storage in use and the derived row-hit rate and
    // bus utilisation (busy cycles over elapsed cycles at sc_time_stamp()).
    boost::json::object stats_json() const;
    uint64_t pages_allocated() const { return storage_.pages_allocated(); }
    // Direct access for a core's hot path (DMI): the 4 KiB page holding `addr`
    // (allocated on first use), or nullptr outside the window.
    uint8_t* dmi_page(uint64_t addr) {
        if (addr < cfg_.base || addr - cfg_.base >= cfg_.size) return nullptr;
        return storage_.page_for_write((addr - cfg_.base) / kPageBytes);
    }

private:
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    // Truncates at the end of the window; returns the bytes moved (0 if unmapped).
    unsigned int transport_dbg(tlm::tlm_generic_payload& trans);
    void check_range(const char* what, uint64_t addr, size_t len) const;
    sc_core::sc_time cycles(uint64_t n) const { return sc_core::sc_time::from_value(cycle_.value() * n); }
    uint64_t transfer_cycles(uint64_t bytes) const;

    DramConfig cfg_;
    sc_core::sc_time cycle_;
    std::vector<int64_t> open_row_;           // [channel * banks + bank], -1 = closed
    std::vector<sc_core::sc_time> bus_busy_;  // [channel], absolute
    SparseStorage storage_;                   // offsets relative to base
    Stats stats_;
};

}  // namespace edgebert::hw
