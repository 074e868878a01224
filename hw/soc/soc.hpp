// The SoC assembled from a SocConfig: a mesh NoC joining the cpu tile (native
// host), the memory tile (DRAM), EdgeBERT and systolic accelerator tiles and
// the io tile (UART, PLIC); the timer sits in the cpu tile. Accelerator DMA
// runs on the NoC's DMA plane, host loads and stores on the MMIO plane, and
// accelerator interrupts cross the interrupt plane to the PLIC.
#pragma once

#include <systemc>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hw/edgebert/edgebert_tile.hpp"
#include "hw/mem/dram.hpp"
#include "hw/noc/mesh_noc.hpp"
#include "hw/mem/memory_tile.hpp"
#include "hw/soc/cache_controller.hpp"
#include "hw/soc/dma_port.hpp"
#include "hw/soc/esp_csr.hpp"
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
    bool has_iss() const { return iss_host_ != nullptr; }

    // DMA coherence mode of an accelerator tile (edgebert / systolic): its
    // configured power-on mode (TileSpec::coherence) until software writes the
    // tile's ESP coherence CSR or set_dma_coherence() is called. Both throw
    // Error for a name that is not an accelerator tile. set_dma_coherence also
    // updates the CSR (if the SoC has the ESP CSR block) without re-entering it.
    DmaCoherence dma_coherence(const std::string& tile_name) const;
    void set_dma_coherence(const std::string& tile_name, DmaCoherence mode);
    // The memory tile (LLC, DMA coherence checks) in front of the DRAM.
    MemoryTile& memory_tile() { return *memory_tile_; }
    const MemoryTile& memory_tile() const { return *memory_tile_; }
    // The accelerator tiles' DMA ports, by tile name.
    const std::map<std::string, std::unique_ptr<DmaPort>>& dma_ports() const { return dma_ports_; }
    // ESP's cache controllers (flush commands) of the CPU tile's L2 and the LLC.
    CacheController& l2_controller() { return *l2_ctrl_; }
    CacheController& llc_controller() { return *llc_ctrl_; }
    // ESP's per-tile CSR block; nullptr when the config has no "esp" section.
    EspCsr* esp_csr() { return esp_csr_.get(); }

    // Adds the SoC's signals (every tile, the PLIC output, interrupt links) to a VCD.
    void trace(sc_core::sc_trace_file* tf) const;
    // The interrupt lines from the accelerator tiles to the PLIC (edgebert tiles, then systolic).
    const std::vector<std::unique_ptr<IrqLink>>& irq_links() const { return irq_links_; }

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
    std::unique_ptr<EspCsr> esp_csr_;
    std::unique_ptr<MemoryTile> memory_tile_;
    std::unique_ptr<CacheController> l2_ctrl_, llc_ctrl_;
    DmaPort& dma_port(const std::string& tile_name) const;  // Error if not an accelerator tile
    std::map<std::string, std::unique_ptr<DmaPort>> dma_ports_;  // accelerator tile name -> its DMA port
};

}  // namespace edgebert::hw
