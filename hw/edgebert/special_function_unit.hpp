// Special-function unit (SFU, the "global buffer" path of the original): layer
// norm, softmax with the attention-span mask, element add, entropy and DVFS
// level selection, plus the aux SRAM holding gamma, beta, span masks and tables.
//
// The decoders stream each row (num_vector vectors) as many times as the
// operation needs; the SFU accepts one vector every II cycles:
//   layer norm   2 passes (mean+variance, normalise)   II = ii_layer_norm
//   softmax      3 passes (max, sum of exp, output)     II = ii_softmax
//   element add  1 pass                                 II = ii_element_add
//   entropy      2 passes (max, sums)                   II = ii_entropy
//   DVFS         2 passes (entropy of the row)          II = ii_dvfs
//   cycles = sfu_pipeline_depth + num_timestep * passes * num_vector * II
// A softmax whose span mask is all zero (a pruned head) skips the exp
// pipeline and writes zeros: depth + num_vector + num_timestep * num_vector * enc.
// Results are encoded into decoder flip_mem as the arithmetic is done by the
// functional model (fn::sfu_*), so SystemC and functional results are equal.
#pragma once

#include <systemc>

#include <cstdint>

#include "hw/edgebert/trace_signal.hpp"
#include "hw/edgebert/bitmask_decoder.hpp"
#include "hw/edgebert/processing_unit.hpp"
#include "hw/edgebert/sram.hpp"
#include "hw/edgebert/tile_config.hpp"

namespace edgebert::hw {

class Adpll;

enum class SfuOp { LayerNorm, Softmax, ElementAdd, Entropy, Dvfs };

struct SfuJob {
    SfuOp op = SfuOp::LayerNorm;
    int num_vector = 1, num_timestep = 1;
    int x_bias = -10, y_bias = -10, out_bias = -10;   // act1, act2, act3
    int x_mask_base = 0, x_input_base = 0;            // decoder 0
    int y_mask_base = 0, y_input_base = 0;            // decoder 1 (element add)
    int out_decoder = 0, out_mask_base = 0, out_input_base = 0;
    int gamma_row = 0, beta_row = 0, span_row = 0;    // aux SRAM rows
    int gamma_bias = -10, beta_bias = -10, span_bias = -10;
    uint16_t threshold_q10 = 0;
    int entropy_scale = 0;
};

struct SfuOutcome : UnitOutcome {
    bool entropy_valid = false;
    bool exit = false;
    uint16_t entropy_q10 = 0;   // of row 0
    int dvfs_level = -1;        // DVFS: the level the key selects
};

class SpecialFunctionUnit : public sc_core::sc_module {
public:
    SpecialFunctionUnit(sc_core::sc_module_name name, const EdgebertTileConfig& cfg, BitmaskDecoder& dec0,
                        BitmaskDecoder& dec1, const Adpll& clock);

    Sram aux_sram;

    // Runs a validated job from the calling thread; returns after its cycles.
    SfuOutcome run(const SfuJob& job);

    static int passes(SfuOp op);
    static uint64_t cycles(const EdgebertTileConfig& cfg, SfuOp op, int num_vector, int num_timestep,
                           bool skipped_softmax = false);

    TraceSignal<bool> busy;
    TraceSignal<uint32_t> mode;       // gb_mode of the running operation
    TraceSignal<uint32_t> rows_done;  // running total, for waveforms
    TraceSignal<uint32_t> aux_rows_used;  // aux SRAM high-water rows
    uint64_t total_cycles() const { return total_cycles_; }
    uint64_t total_vectors() const { return total_vectors_; }

private:
    std::vector<uint8_t> read_aux(int row, int rows);

    const EdgebertTileConfig& cfg_;
    BitmaskDecoder* dec_[2];
    const Adpll& clock_;
    uint64_t total_cycles_ = 0, total_vectors_ = 0;
};

}  // namespace edgebert::hw
