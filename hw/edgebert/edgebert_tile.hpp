// The EdgeBERT accelerator tile: control (registers, commands, interrupt), two
// bitmask decoders, the processing unit, the special-function unit with the aux
// SRAM, three DMA engines behind an AXI arbiter, and the LDO + ADPLL that the
// DVFS command drives. The tile's clock period is the ADPLL's.
//
//   cfg_socket()  AXI-lite slave, 32 x 32-bit registers (hw/edgebert/register_map.hpp)
//   axi_master()  64-bit AXI master for the DMA engines (TLM-2.0, loosely timed)
//   irq()         interrupt line, pulsed for irq_pulse_cycles per command or error
#pragma once

#include <systemc>

#include "hw/edgebert/adpll.hpp"
#include "hw/edgebert/axi_arbiter.hpp"
#include "hw/edgebert/bitmask_decoder.hpp"
#include "hw/edgebert/control.hpp"
#include "hw/edgebert/dma_engine.hpp"
#include "hw/edgebert/ldo.hpp"
#include "hw/edgebert/processing_unit.hpp"
#include "hw/edgebert/special_function_unit.hpp"
#include "hw/edgebert/tile_config.hpp"

namespace edgebert::hw {

class EdgebertTile : public sc_core::sc_module {
public:
    EdgebertTile(sc_core::sc_module_name name, const EdgebertTileConfig& cfg);

    tlm_utils::simple_target_socket<Control>& cfg_socket() { return control.cfg_socket; }
    tlm_utils::simple_initiator_socket<AxiArbiter>& axi_master() { return arbiter.master; }
    TraceSignal<bool>& irq() { return control.irq; }
    const EdgebertTileConfig& config() const { return cfg_; }

    // Adds every block's key signals to a VCD (off by default; free when off).
    void trace(sc_core::sc_trace_file* tf) const;

    // Cycles of the tile clock from time zero to now (exact while the clock is constant).
    uint64_t cycles_now() const;

private:
    const EdgebertTileConfig cfg_;  // the blocks keep references into this copy

public:
    Adpll adpll;
    Ldo ldo;
    BitmaskDecoder dec0, dec1;
    AxiArbiter arbiter;
    DmaEngine dma_mask, dma_input, dma_aux;
    ProcessingUnit pu;
    SpecialFunctionUnit sfu;
    Control control;
};

}  // namespace edgebert::hw
