// Native host: the cpu tile's software runs as compiled C/C++ code in a
// SystemC thread. Every load and store goes through the NoC as a TLM
// transaction (so register accesses and DRAM traffic cost what the network
// and targets say), and CPU-side work that is not modelled instruction by
// instruction (copies, transposes, arithmetic) is charged from the SoC
// config's host cost table. The RISC-V ISS is the exact alternative.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <array>
#include <functional>
#include <map>
#include <string>
#include <tuple>

#include "hw/edgebert/trace_signal.hpp"
#include "hw/soc/host_interface.hpp"
#include "hw/soc/soc_config.hpp"

namespace edgebert::hw {

class Dram;

// Categories of the published breakdown (same order as eb_category).
enum class HostCategory { Register, Read, Write, Compute, Malloc, Memset, Transpose, CpuCompute, Flush, Count };
const char* host_category_name(HostCategory c);
constexpr size_t kHostCategories = static_cast<size_t>(HostCategory::Count);

// Where the host's time went: one row per program region, cycles per category.
struct RegionKey {
    uint32_t layer = 0;
    uint32_t module = 0;
    std::string op;
    bool operator<(const RegionKey& o) const { return std::tie(layer, module, op) < std::tie(o.layer, o.module, o.op); }
    bool operator==(const RegionKey& o) const { return std::tie(layer, module, op) == std::tie(o.layer, o.module, o.op); }
};
using CategoryCycles = std::array<uint64_t, kHostCategories>;
// cpu_compute cycles by the kind of CPU work (eb_cpu_kind in eb_program.h).
constexpr size_t kCpuKinds = 8;
using CpuKindCycles = std::array<uint64_t, kCpuKinds>;
const char* cpu_kind_name(size_t k);

// The traffic model of eb_hal_charge_mem: `bytes` in runs of `run` bytes `stride`
// apart (stride <= run or run == 0: contiguous), cycling through `working_set`
// bytes, as the first enabled data cache level sees it: the lines it moves (a
// run costs whole lines) and the working set enlarged by the sets the runs
// crowd into. lines == 0 without a cache model (ideal memory).
struct MemoryTraffic {
    double lines = 0;
    double working_set = 0;
};
MemoryTraffic memory_traffic(const CacheHierarchyConfig& caches, uint64_t bytes, uint64_t working_set, uint64_t run,
                             uint64_t stride);

class NativeHost : public sc_core::sc_module, public HostInterface {
public:
    NativeHost(sc_core::sc_module_name name, const SocConfig& cfg);

    tlm_utils::simple_initiator_socket<NativeHost> data;  // to the NoC (MMIO plane)
    void connect_interrupt(TraceSignal<bool>& ext_irq) { ext_irq_ = &ext_irq; }

    // HostInterface
    uint32_t read32(uint64_t addr) override;
    void write32(uint64_t addr, uint32_t value) override;
    uint64_t read64(uint64_t addr) override;
    void write64(uint64_t addr, uint64_t value) override;
    void wait_for_interrupt() override;
    uint64_t cycles() const override;

    // Bulk transfers (memcpy to/from the memory map) through the NoC in
    // cache-line-sized transactions, charged memcpy_per_byte on top ("memset").
    void write_block(uint64_t addr, const void* data, size_t len);
    void read_block(uint64_t addr, void* data, size_t len);

    // Charges `units` of a cost-table entry (e.g. "fp32_mac") to `category`
    // (or to the override category while one is set).
    void charge(const std::string& entry, double units, HostCategory category);
    void charge_cycles(double cycles, HostCategory category);
    // Memory traffic of CPU work (eb_hal_charge_mem): `bytes` loaded or stored
    // in runs of `run` bytes `stride` apart, by a loop cycling through
    // `working_set` bytes. Charged per cache line (of the first enabled data
    // cache level) from the table's load_line / store_line curve at the working
    // set as the cache sees it (enlarged when the stride crowds the runs into
    // few sets). Nothing without a cache model (ideal memory).
    void charge_memory(bool store, uint64_t bytes, uint64_t working_set, uint64_t run, uint64_t stride,
                       HostCategory category);

    // Accounting: every simulated cycle of the host program lands in exactly
    // one (region, category) cell, so categories sum to the total.
    void set_region(uint32_t layer, uint32_t module, const std::string& op);
    void set_region_observer(std::function<void(const RegionKey&)> fn) { region_observer_ = std::move(fn); }
    void set_wait_category(HostCategory c) { wait_category_ = c; }
    void set_category_override(int c) { override_ = c; }
    void set_cpu_kind(int k) { kind_ = k >= 0 && k < static_cast<int>(kCpuKinds) ? k : static_cast<int>(kCpuKinds) - 1; }
    const std::map<RegionKey, CategoryCycles>& accounts() const { return accounts_; }
    const CpuKindCycles& cpu_kinds() const { return cpu_kinds_; }
    void reset_accounts() {
        accounts_.clear();
        cpu_kinds_ = {};
    }
    const RegionKey& region() const { return region_; }
    bool has_region() const { return region_seen_; }  // false until the program sets one

    // Untimed DRAM access for host kernels whose cost is charged per operation.
    void attach_backdoor(Dram* dram) { backdoor_ = dram; }
    Dram* backdoor() const { return backdoor_; }

    sc_core::sc_time period() const { return period_; }

private:
    void access(tlm::tlm_command cmd, uint64_t addr, void* data, unsigned len);
    void account(HostCategory c, sc_core::sc_time dt);
    HostCategory effective(HostCategory c) const {
        return override_ >= 0 ? static_cast<HostCategory>(override_) : c;
    }

    const SocConfig& cfg_;
    sc_core::sc_time period_;
    TraceSignal<bool>* ext_irq_ = nullptr;
    Dram* backdoor_ = nullptr;
    double fractional_ = 0.0;  // sub-cycle remainder of charged work, carried forward
    RegionKey region_;
    bool region_seen_ = false;
    HostCategory wait_category_ = HostCategory::Compute;
    int override_ = -1;
    std::map<RegionKey, CategoryCycles> accounts_;
    int kind_ = static_cast<int>(kCpuKinds) - 1;
    CpuKindCycles cpu_kinds_{};
    std::function<void(const RegionKey&)> region_observer_;
};

}  // namespace edgebert::hw
