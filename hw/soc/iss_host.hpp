// The cpu tile with a RISC-V core: the instruction-set simulator (hw/iss)
// running bare-metal firmware inside the SoC. Loads and stores to the tiles'
// registers, the PLIC and the UART are TLM transactions through the NoC's
// MMIO plane. DRAM data is reached through a direct pointer (DMI); its timing
// comes from the CPU tile's caches (hw/mem/cpu_caches.hpp), whose L2 misses
// and writebacks travel to the memory tile's LLC as transactions on the NoC's
// coherence plane, issued at the core's local time without a sync (the NoC,
// LLC and DRAM only annotate). With `caches.enabled` false, DRAM is an ideal
// L1 (every access costs a hit). The core runs ahead of SystemC time by at
// most one quantum and synchronises at every MMIO access, at wfi and at the
// end of each quantum.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "hw/edgebert/trace_signal.hpp"
#include "hw/iss/elf_loader.hpp"
#include "hw/iss/iss.hpp"
#include "hw/mem/cpu_caches.hpp"
#include "hw/soc/native_host.hpp"
#include "hw/soc/soc_config.hpp"

namespace edgebert::hw {

class Dram;

struct IssRunResult {
    bool exited = false;
    int exit_code = -1;
    std::string stop;            // "exit", "cycle limit", "trap loop"
    uint64_t instructions = 0;
    uint64_t cycles = 0;         // mcycle at the end
};

class IssHost : public sc_core::sc_module {
public:
    IssHost(sc_core::sc_module_name name, const SocConfig& cfg, Dram& dram);
    ~IssHost() override;

    tlm_utils::simple_initiator_socket<IssHost> data;  // to the NoC (MMIO plane)
    tlm_utils::simple_initiator_socket<IssHost> coh;   // to the NoC (coherence plane): L2 misses, writebacks
    void connect_interrupt(TraceSignal<bool>& ext_irq) { ext_irq_ = &ext_irq; }

    // Loads an ELF into DRAM (through the backdoor, before the run).
    iss::ElfImage load(const std::string& path);
    // Runs the loaded program from the calling SC_THREAD.
    IssRunResult run(uint64_t max_cycles);

    // Accounting of the firmware's time by region and category, from the
    // runtime's marker writes (firmware/common/hal_riscv.c).
    const std::map<RegionKey, CategoryCycles>& accounts() const { return accounts_; }
    const CpuKindCycles& cpu_kinds() const { return cpu_kinds_; }
    const RegionKey& region() const { return region_; }  // the firmware's latest region marker
    bool has_region() const { return region_seen_; }    // false until the firmware sets one
    // Called at every region marker with the core's time (mcycle x period: ahead of
    // SystemC time within a quantum, behind it by the waits of targets that
    // synchronise inside a register access, which the core's stall leaves out).
    void set_region_observer(std::function<void(const RegionKey&, sc_core::sc_time)> fn) {
        region_observer_ = std::move(fn);
    }
    const iss::Iss& core() const { return *iss_; }
    // The CPU tile's caches (nullptr with caches off).
    CpuCaches* caches() { return caches_.get(); }
    const CpuCaches* caches() const { return caches_.get(); }
    // ESP's L2 flush command (the L2 cache controller): CPU-side flush at `start`.
    sc_core::sc_time flush_caches(sc_core::sc_time start);
    sc_core::sc_time period() const { return period_; }

private:
    class Bus;
    class Backside;
    void sync();
    void account_until_now();
    void add(HostCategory c, uint64_t cycles);  // accounts and the cpu_compute kinds
    void marker(uint32_t v);

    const SocConfig& cfg_;
    Dram& dram_;
    sc_core::sc_time period_;
    std::unique_ptr<Bus> bus_;
    std::unique_ptr<CpuCaches> caches_;
    std::unique_ptr<Backside> backside_;
    std::unique_ptr<iss::Iss> iss_;
    TraceSignal<bool>* ext_irq_ = nullptr;
    int cpu_tile_ = -1;         // index of the cpu tile in the config
    uint64_t synced_ = 0;       // core cycles already matched by SystemC time
    uint64_t accounted_ = 0;    // core cycles already attributed to a category
    RegionKey region_;
    bool region_seen_ = false;
    HostCategory wait_category_ = HostCategory::Compute;
    int override_ = -1;
    int kind_ = static_cast<int>(kCpuKinds) - 1;  // eb_cpu_kind of the instructions now running
    CpuKindCycles cpu_kinds_{};
    std::map<RegionKey, CategoryCycles> accounts_;
    std::function<void(const RegionKey&, sc_core::sc_time)> region_observer_;
};

}  // namespace edgebert::hw
