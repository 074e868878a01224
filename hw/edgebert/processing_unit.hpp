// Processing unit (PU): input setup, num_vmacs VMACs of `lanes` MACs each (16 x 16 =
// 256 MACs/cycle in the published design), accumulators and the encoder back to
// bitmask form. Runs command 7 (matmul):
//   C (N0 x N1) = A (N0 x M, decoder 0) . B^T (B is N1 x M, decoder 1)
// and writes C into decoder flip_mem at the output bases (bitmask-compressed, or a
// dense stream with the dense_results extension: the encoder's cycles are the same).
//
// The arithmetic is computed in bulk by the functional model (fn::matmul),
// and the cycles the datapath would take are charged (docs/tile-timing.md).
// With L lanes and V VMACs the output tile is R = max(L, V) rows of A by V
// columns of B (the accumulator buffer is R x V); per output tile (ib, jb), per
// k-step kb (M/L of them):
//     nA = non-zero A vectors of the tile's rows in column block kb (zero ones are skipped:
//          the decoder sees mask word 0 and the VMAC row is gated)
//     nB = non-zero B vectors of the tile's columns likewise (zero weight vectors gate their VMAC)
//     overlapped (default): step = max(1, nA, nB)       V weight vectors load under the previous step
//     not overlapped:       step = max(1, nA, nB) + max(1, nA) + 1   load, compute, accumulate
//   overlapped:     cycles = depth + sum(steps) + drain        the encoder drains the last tile
//   not overlapped: cycles = sum over tiles (sum(steps) + depth + drain)
//   drain = ceil(rows x cols / L) * enc (R x V / L vectors for a whole tile)
// Edge tiles (N0 not a multiple of R, N1 of V) count their actual rows.
// Dense operands, overlapped: N0*N1*M / (L*V) + depth + R*V/L * enc.
#pragma once

#include <systemc>

#include <cstdint>
#include <vector>

#include "hw/edgebert/trace_signal.hpp"
#include "hw/edgebert/bitmask_decoder.hpp"
#include "hw/edgebert/command_check.hpp"
#include "hw/edgebert/functional/matmul.hpp"
#include "hw/edgebert/register_map.hpp"
#include "hw/edgebert/tile_config.hpp"

namespace edgebert::hw {

class Adpll;

struct MatmulTiming {
    uint64_t cycles = 0;
    uint64_t k_steps = 0;
    uint64_t vector_ops = 0;         // lane-wide dot products issued (both vectors non-zero)
    uint64_t gated_vector_ops = 0;   // dot products skipped or gated by a zero vector
};

struct UnitOutcome {
    regs::ErrorCause error = regs::ErrorCause::kNone;
    uint64_t cycles = 0;
    std::vector<CheckViolation> warnings;  // silicon mode: data-dependent checks the run passed over
};

class ProcessingUnit : public sc_core::sc_module {
public:
    ProcessingUnit(sc_core::sc_module_name name, const EdgebertTileConfig& cfg, BitmaskDecoder& dec0,
                   BitmaskDecoder& dec1, const Adpll& clock);

    // Runs a planned matmul (command_check.hpp) from the calling thread; returns
    // after its cycles. The data-dependent checks (operand_checks) refuse it in
    // strict mode and come back as warnings in silicon mode.
    UnitOutcome run(const MatmulJob& job);

    // The cycle formula above, from the per-vector zero flags of A and B.
    static MatmulTiming timing(const EdgebertTileConfig& cfg, const fn::MatmulParams& p,
                               const std::vector<uint8_t>& a_zero, const std::vector<uint8_t>& b_zero);

    TraceSignal<bool> busy;
    TraceSignal<uint32_t> matmuls_done;
    uint64_t total_cycles() const { return total_cycles_; }
    uint64_t total_vector_ops() const { return total_vector_ops_; }
    uint64_t total_gated_vector_ops() const { return total_gated_; }
    uint64_t total_macs() const { return total_vector_ops_ * static_cast<uint64_t>(cfg_.lanes); }

private:
    const EdgebertTileConfig& cfg_;
    BitmaskDecoder* dec_[2];
    const Adpll& clock_;
    uint64_t total_cycles_ = 0, total_vector_ops_ = 0, total_gated_ = 0;
};

}  // namespace edgebert::hw
