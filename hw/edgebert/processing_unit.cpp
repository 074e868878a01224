#include "hw/edgebert/processing_unit.hpp"

#include <algorithm>

#include "hw/edgebert/adpll.hpp"
#include "hw/edgebert/encoder.hpp"

namespace edgebert::hw {

ProcessingUnit::ProcessingUnit(sc_core::sc_module_name name, const EdgebertTileConfig& cfg,
                               BitmaskDecoder& dec0, BitmaskDecoder& dec1, const Adpll& clock)
    : sc_module(name), busy("busy", false), matmuls_done("matmuls_done", 0), cfg_(cfg),
      dec_{&dec0, &dec1}, clock_(clock) {}

MatmulTiming ProcessingUnit::timing(const EdgebertTileConfig& cfg, const fn::MatmulParams& p,
                                    const std::vector<uint8_t>& a_zero, const std::vector<uint8_t>& b_zero) {
    const int L = cfg.lanes, V = cfg.num_vmacs;
    // Output tile: R rows of A by V columns of B (each VMAC owns one B vector per
    // k-step; R >= L so that the encoder drains whole vectors). V = L is the
    // published 16 x 16 array.
    const int R = std::max(L, V);
    const int kb_count = p.m / L;
    const int ib_count = (p.n0 + R - 1) / R, jb_count = (p.n1 + V - 1) / V;
    // Non-zero vectors per (row block, column block) of A (blocks of R rows) and of B (blocks of V rows).
    auto count_nonzero = [&](const std::vector<uint8_t>& zero, int rows, int block, int row_blocks) {
        std::vector<int> nz(static_cast<size_t>(row_blocks) * kb_count, 0);
        for (int r = 0; r < rows; ++r)
            for (int kb = 0; kb < kb_count; ++kb)
                nz[static_cast<size_t>(r / block) * kb_count + kb] += !zero[static_cast<size_t>(r) * kb_count + kb];
        return nz;
    };
    const auto nza = count_nonzero(a_zero, p.n0, R, ib_count), nzb = count_nonzero(b_zero, p.n1, V, jb_count);
    const auto& t = cfg.timing;
    // The encoder drains a tile's rows x cols results, a vector of L per cycle.
    auto drain = [&](int rows, int cols) {
        return static_cast<uint64_t>((rows * cols + L - 1) / L) * static_cast<uint64_t>(t.encoder_cycles_per_vector);
    };
    MatmulTiming out;
    uint64_t steps = 0, last_drain = 0;
    for (int ib = 0; ib < ib_count; ++ib) {
        const int rows = std::min(R, p.n0 - ib * R);  // edge tiles count their actual rows
        for (int jb = 0; jb < jb_count; ++jb) {
            const int cols = std::min(V, p.n1 - jb * V);
            uint64_t tile = 0;
            for (int kb = 0; kb < kb_count; ++kb) {
                const int na = nza[static_cast<size_t>(ib) * kb_count + kb];
                const int nb = nzb[static_cast<size_t>(jb) * kb_count + kb];
                const uint64_t load = static_cast<uint64_t>(std::max({1, na, nb}));
                tile += t.overlap_load_compute ? load : load + static_cast<uint64_t>(std::max(1, na)) + 1;
                out.vector_ops += static_cast<uint64_t>(na) * nb;
                out.gated_vector_ops += static_cast<uint64_t>(rows) * cols - static_cast<uint64_t>(na) * nb;
                ++out.k_steps;
            }
            last_drain = drain(rows, cols);
            if (!t.overlap_load_compute) tile += static_cast<uint64_t>(t.matmul_pipeline_depth) + last_drain;
            steps += tile;
        }
    }
    out.cycles = steps;
    if (t.overlap_load_compute) out.cycles += static_cast<uint64_t>(t.matmul_pipeline_depth) + last_drain;
    return out;
}

UnitOutcome ProcessingUnit::run(const MatmulJob& job) {
    const auto& p = job.params;
    const int L = cfg_.lanes;
    UnitOutcome out;
    if (p.n0 == 0 || p.n1 == 0) return out;  // silicon mode: no output expected, done at once
    const auto a = dec_[0]->decode(job.a_mask_base, job.a_input_base, p.n0 * p.m / L);
    const auto b = dec_[1]->decode(job.b_mask_base, job.b_input_base, p.n1 * p.m / L);
    // Operands past the input SRAM, a result over an operand still being read.
    const auto checks = decide(cfg_.checks, operand_checks(cfg_, job, {a.input_rows_used, a.overrun || a.wrapped},
                                                           {b.input_rows_used, b.overrun || b.wrapped}));
    if (!checks.run) {
        out.error = checks.refuse;
        return out;
    }
    out.warnings = checks.warnings;
    const int out_vectors = p.n0 * p.n1 / L;
    const int d = job.out_decoder;

    busy.write(true);
    const auto tm = timing(cfg_, p, a.zero_vector, b.zero_vector);
    const auto c = fn::matmul(cfg_, a.codes.data(), b.codes.data(), p);
    sc_core::wait(clock_.period() * static_cast<double>(tm.cycles));
    encode_vectors(cfg_, dec_[d]->input_sram, dec_[d]->mask_sram, job.out_mask_base, job.out_input_base,
                   c.data(), out_vectors, job.dense_out);
    total_cycles_ += tm.cycles;
    total_vector_ops_ += tm.vector_ops;
    total_gated_ += tm.gated_vector_ops;
    matmuls_done.write(matmuls_done.read() + 1);
    busy.write(false);
    out.cycles = tm.cycles;
    return out;
}

}  // namespace edgebert::hw
