// Special-function unit (SFU, the "global buffer" path of the original): layer
// norm, softmax with the attention-span mask, element add, entropy and DVFS
// level selection, the lookup-table extension (command 13, cfg.sfu_lut), plus
// the aux SRAM holding gamma, beta, span masks and tables.
//
// The decoders stream each row (num_vector vectors) as many times as the
// operation needs; the SFU accepts one vector every II cycles:
//   layer norm   2 passes (mean+variance, normalise)   II = ii_layer_norm
//   softmax      3 passes (max, sum of exp, output)     II = ii_softmax
//   element add  1 pass                                 II = ii_element_add
//   entropy      2 passes (max, sums)                   II = ii_entropy
//   DVFS         2 passes (entropy of the row)          II = ii_dvfs
//   LUT (ext)    1 pass                                 II = 1
//   cycles = sfu_pipeline_depth + num_timestep * passes * num_vector * II
// A softmax whose span mask is all zero (a pruned head) skips the exp
// pipeline and writes zeros: depth + num_vector + num_timestep * num_vector * enc.
// Results are encoded into decoder flip_mem (a dense stream with dense_results,
// same cycles) as the arithmetic is done by the functional model (fn::sfu_*),
// so SystemC and functional results are equal.
// The LUT reads each element's output code from the table rows of the aux SRAM
// (one table read per element, every lane of a vector in the same cycle; zero
// lanes are decoded as 0x00 and read table[0]): counted as lut_accesses, not as
// aux row reads; its vectors are vector passes but not arithmetic ones (energy).
#pragma once

#include <systemc>

#include <cstdint>

#include "hw/edgebert/trace_signal.hpp"
#include "hw/edgebert/bitmask_decoder.hpp"
#include "hw/edgebert/command_check.hpp"
#include "hw/edgebert/processing_unit.hpp"
#include "hw/edgebert/sram.hpp"
#include "hw/edgebert/tile_config.hpp"

namespace edgebert::hw {

class Adpll;

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

    // Runs a planned job (command_check.hpp) from the calling thread; returns
    // after its cycles. The data-dependent checks (operand_checks) refuse it in
    // strict mode and come back as warnings in silicon mode.
    SfuOutcome run(const SfuJob& job);

    static int passes(SfuOp op);
    static uint64_t cycles(const EdgebertTileConfig& cfg, SfuOp op, int num_vector, int num_timestep,
                           bool skipped_softmax = false);

    TraceSignal<bool> busy;
    TraceSignal<uint32_t> mode;       // gb_mode of the running operation
    TraceSignal<uint32_t> rows_done;  // running total, for waveforms
    TraceSignal<uint32_t> aux_rows_used;  // aux SRAM high-water rows
    uint64_t total_cycles() const { return total_cycles_; }
    // Vector passes through the unit, every operation included (at best one per cycle).
    uint64_t total_vectors() const { return total_vectors_; }
    // Energy events: passes through the arithmetic datapath (sfu_vector_pj; the LUT excluded), and
    // LUT table reads, one per element, zero lanes included (sfu_lut_access_pj).
    uint64_t total_arith_vectors() const { return total_vectors_ - total_lut_vectors_; }
    uint64_t total_lut_accesses() const { return total_lut_accesses_; }

private:
    std::vector<uint8_t> read_aux(int row, int rows);

    const EdgebertTileConfig& cfg_;
    BitmaskDecoder* dec_[2];
    const Adpll& clock_;
    uint64_t total_cycles_ = 0, total_vectors_ = 0, total_lut_vectors_ = 0, total_lut_accesses_ = 0;
};

}  // namespace edgebert::hw
