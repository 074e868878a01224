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

#include <functional>
#include <map>
#include <string>

#include "hw/edgebert/trace_signal.hpp"
#include "hw/soc/host_interface.hpp"
#include "hw/soc/soc_config.hpp"

namespace edgebert::hw {

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
    // cache-line-sized transactions, charged copy_per_byte on top.
    void write_block(uint64_t addr, const void* data, size_t len);
    void read_block(uint64_t addr, void* data, size_t len);

    // Charges `units` of a cost-table entry (e.g. "fp32_mac") to `category`.
    void charge(const std::string& entry, double units, const std::string& category);
    void charge_cycles(double cycles, const std::string& category);
    const std::map<std::string, uint64_t>& charged_cycles() const { return charged_; }

    sc_core::sc_time period() const { return period_; }

private:
    void access(tlm::tlm_command cmd, uint64_t addr, void* data, unsigned len);

    const SocConfig& cfg_;
    sc_core::sc_time period_;
    TraceSignal<bool>* ext_irq_ = nullptr;
    std::map<std::string, uint64_t> charged_;
    double fractional_ = 0.0;  // sub-cycle remainder of charged work, carried forward
};

}  // namespace edgebert::hw
