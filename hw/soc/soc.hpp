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
    Soc(sc_core::sc_module_name name, const SocConfig& cfg);

    const SocConfig& config() const { return cfg_; }

    // Runs `program` on the host until it returns, then lets the SoC drain.
    // Throws whatever the program throws (e.g. a bus error), after the run.
    void run(const std::function<void(NativeHost&)>& program);

    EdgebertTile& edgebert(size_t i = 0) { return *edgebert_.at(i); }
    SystolicTile& systolic(size_t i = 0) { return *systolic_.at(i); }
    const TileSpec& edgebert_spec(size_t i = 0) const { return *cfg_.tiles_of(TileKind::Edgebert).at(i); }
    const TileSpec& systolic_spec(size_t i = 0) const { return *cfg_.tiles_of(TileKind::Systolic).at(i); }

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
};

}  // namespace edgebert::hw
