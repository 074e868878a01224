// The SoC assembled from a SocConfig: a mesh NoC joining the cpu tile (native
// host), the memory tile (DRAM), EdgeBERT and systolic accelerator tiles and
// the io tile (UART, PLIC); the timer sits in the cpu tile. Accelerator DMA
// runs on the NoC's DMA plane, host loads and stores on the MMIO plane, and
// accelerator interrupts cross the interrupt plane to the PLIC.
#pragma once

#include <systemc>

#include <functional>
#include <memory>
#include <vector>

#include "hw/edgebert/edgebert_tile.hpp"
#include "hw/mem/dram.hpp"
#include "hw/noc/mesh_noc.hpp"
#include "hw/soc/irq_link.hpp"
#include "hw/soc/iss_host.hpp"
#include "hw/soc/native_host.hpp"
#include "hw/soc/plic.hpp"
#include "hw/soc/soc_config.hpp"
#include "hw/soc/timer.hpp"
#include "hw/soc/uart.hpp"
#include "hw/soc/window_adapter.hpp"
#include "hw/systolic/systolic_tile.hpp"

namespace edgebert::hw {

class Soc : public sc_core::sc_module {
public:
    // with_iss: the cpu tile also gets the RISC-V core (run_firmware), beside the native host.
    Soc(sc_core::sc_module_name name, const SocConfig& cfg, bool with_iss = false);

    const SocConfig& config() const { return cfg_; }

    // Runs `program` on the host until it returns, then lets the SoC drain.
    // Throws whatever the program throws (e.g. a bus error), after the run.
    void run(const std::function<void(NativeHost&)>& program);

    EdgebertTile& edgebert(size_t i = 0) { return *edgebert_.at(i); }
    SystolicTile& systolic(size_t i = 0) { return *systolic_.at(i); }
    const TileSpec& edgebert_spec(size_t i = 0) const { return *cfg_.tiles_of(TileKind::Edgebert).at(i); }
    const TileSpec& systolic_spec(size_t i = 0) const { return *cfg_.tiles_of(TileKind::Systolic).at(i); }

    // Loads an ELF and runs it on the RISC-V core until it exits or max_cycles pass.
    IssRunResult run_firmware(const std::string& elf, uint64_t max_cycles);
    IssHost& iss() { return *iss_host_; }

    // Adds the SoC's signals (every tile, the PLIC output, interrupt links) to a VCD.
    void trace(sc_core::sc_trace_file* tf) const;

private:
    const SocConfig cfg_;

public:
    MeshNoc noc;
    Dram dram;
    Plic plic;
    Uart uart;
    Timer timer;
    NativeHost host;

private:
    std::vector<std::unique_ptr<EdgebertTile>> edgebert_;
    std::vector<std::unique_ptr<SystolicTile>> systolic_;
    std::vector<std::unique_ptr<WindowAdapter>> adapters_;
    std::vector<std::unique_ptr<IrqLink>> irq_links_;
    std::unique_ptr<IssHost> iss_host_;
};

}  // namespace edgebert::hw
