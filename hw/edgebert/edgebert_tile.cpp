#include "hw/edgebert/edgebert_tile.hpp"

namespace edgebert::hw {

namespace {
TileBlocks blocks_of(EdgebertTile& t) {
    return TileBlocks{{&t.dec0, &t.dec1}, &t.pu, &t.sfu, &t.dma_mask, &t.dma_input, &t.dma_aux, &t.ldo, &t.adpll};
}
}  // namespace

EdgebertTile::EdgebertTile(sc_core::sc_module_name name, const EdgebertTileConfig& cfg)
    : sc_module(name),
      cfg_((cfg.validate("edgebert tile"), cfg)),
      adpll("adpll", cfg_.adpll),
      ldo("ldo", cfg_.ldo),
      dec0("decoder0", cfg_),
      dec1("decoder1", cfg_),
      arbiter("axi_arbiter", cfg_, adpll),
      dma_mask("dma_mask", cfg_, 0, arbiter, adpll),
      dma_input("dma_input", cfg_, 1, arbiter, adpll),
      dma_aux("dma_aux", cfg_, 2, arbiter, adpll),
      pu("pu", cfg_, dec0, dec1, adpll),
      sfu("sfu", cfg_, dec0, dec1, adpll),
      control("control", cfg_, blocks_of(*this)) {}

uint64_t EdgebertTile::cycles_now() const {
    return static_cast<uint64_t>(sc_core::sc_time_stamp() / adpll.period() + 0.5);
}

void EdgebertTile::trace(sc_core::sc_trace_file* tf) const {
    const std::string n = name();
    sc_core::sc_trace(tf, control.irq, n + ".irq");
    sc_core::sc_trace(tf, control.dma_command, n + ".control.dma_command");
    sc_core::sc_trace(tf, control.compute_command, n + ".control.compute_command");
    sc_core::sc_trace(tf, control.error_cause, n + ".control.error_cause");
    sc_core::sc_trace(tf, dec0.vectors_decoded, n + ".decoder0.vectors_decoded");
    sc_core::sc_trace(tf, dec1.vectors_decoded, n + ".decoder1.vectors_decoded");
    for (const BitmaskDecoder* d : {&dec0, &dec1}) {
        sc_core::sc_trace(tf, d->input_rows_used, n + "." + d->basename() + ".input_rows_used");
        sc_core::sc_trace(tf, d->mask_rows_used, n + "." + d->basename() + ".mask_rows_used");
    }
    sc_core::sc_trace(tf, sfu.aux_rows_used, n + ".sfu.aux_rows_used");
    sc_core::sc_trace(tf, pu.busy, n + ".pu.busy");
    sc_core::sc_trace(tf, pu.matmuls_done, n + ".pu.matmuls_done");
    sc_core::sc_trace(tf, sfu.busy, n + ".sfu.busy");
    sc_core::sc_trace(tf, sfu.mode, n + ".sfu.mode");
    sc_core::sc_trace(tf, sfu.rows_done, n + ".sfu.rows_done");
    for (const DmaEngine* d : {&dma_mask, &dma_input, &dma_aux}) {
        sc_core::sc_trace(tf, d->busy, n + "." + d->basename() + ".busy");
        sc_core::sc_trace(tf, d->bytes_moved, n + "." + d->basename() + ".bytes_moved");
    }
    sc_core::sc_trace(tf, ldo.vout, n + ".ldo.vout");
    sc_core::sc_trace(tf, adpll.freq_mhz, n + ".adpll.freq_mhz");
}

}  // namespace edgebert::hw
