#include "hw/edgebert/special_function_unit.hpp"

#include <cstring>

#include "hw/edgebert/adpll.hpp"
#include "hw/edgebert/encoder.hpp"
#include "hw/edgebert/functional/sfu_ops.hpp"
#include "hw/edgebert/register_map.hpp"

namespace edgebert::hw {

SpecialFunctionUnit::SpecialFunctionUnit(sc_core::sc_module_name name, const EdgebertTileConfig& cfg,
                                         BitmaskDecoder& dec0, BitmaskDecoder& dec1, const Adpll& clock)
    : sc_module(name), aux_sram(std::string(this->name()) + ".aux_sram", cfg.aux_sram_depth, cfg.lanes,
                                                cfg.checks == CheckMode::Silicon),
      busy("busy", false), mode("mode", 0), rows_done("rows_done", 0), aux_rows_used("aux_rows_used", 0), cfg_(cfg), dec_{&dec0, &dec1},
      clock_(clock) {}

int SpecialFunctionUnit::passes(SfuOp op) {
    switch (op) {
        case SfuOp::LayerNorm: return 2;
        case SfuOp::Softmax: return 3;
        case SfuOp::ElementAdd: return 1;
        case SfuOp::Entropy: return 2;
        case SfuOp::Dvfs: return 2;
        case SfuOp::Lut: return 1;
    }
    return 1;
}

uint64_t SpecialFunctionUnit::cycles(const EdgebertTileConfig& cfg, SfuOp op, int num_vector,
                                     int num_timestep, bool skipped_softmax) {
    const auto& t = cfg.timing;
    const uint64_t nv = static_cast<uint64_t>(num_vector), rows = static_cast<uint64_t>(num_timestep);
    if (skipped_softmax)
        return static_cast<uint64_t>(t.sfu_pipeline_depth) + nv + rows * nv * t.encoder_cycles_per_vector;
    int ii = 1;
    switch (op) {
        case SfuOp::LayerNorm: ii = t.ii_layer_norm; break;
        case SfuOp::Softmax: ii = t.ii_softmax; break;
        case SfuOp::ElementAdd: ii = t.ii_element_add; break;
        case SfuOp::Entropy: ii = t.ii_entropy; break;
        case SfuOp::Dvfs: ii = t.ii_dvfs; break;
        case SfuOp::Lut: ii = 1; break;  // one vector per cycle after the pipeline fill
    }
    return static_cast<uint64_t>(t.sfu_pipeline_depth) + rows * static_cast<uint64_t>(passes(op)) * nv * ii;
}

std::vector<uint8_t> SpecialFunctionUnit::read_aux(int row, int rows) {
    std::vector<uint8_t> out(static_cast<size_t>(rows) * cfg_.lanes);
    aux_sram.read_rows(row, out.data(), rows);
    return out;
}

SfuOutcome SpecialFunctionUnit::run(const SfuJob& job) {
    SfuOutcome out;
    const int L = cfg_.lanes, nv = job.num_vector, rows = job.num_timestep;
    const int row_len = nv * L, vectors = nv * rows;
    const auto x = dec_[0]->decode(job.x_mask_base, job.x_input_base, vectors);
    DecodedOperand y;
    if (job.op == SfuOp::ElementAdd) y = dec_[1]->decode(job.y_mask_base, job.y_input_base, vectors);
    // Operands past the input SRAM, a result over an operand still being read.
    const auto checks = decide(cfg_.checks, operand_checks(cfg_, job, {x.input_rows_used, x.overrun || x.wrapped},
                                                           {y.input_rows_used, y.overrun || y.wrapped}));
    if (!checks.run) {
        out.error = checks.refuse;
        return out;
    }
    out.warnings = checks.warnings;
    const bool writes_output = sfu_writes_output(job.op);

    busy.write(true);
    std::vector<uint8_t> result;
    bool skipped = false;
    switch (job.op) {
        case SfuOp::LayerNorm: {
            mode.write(regs::kGbLayerNorm);
            const auto g = read_aux(job.gamma_row, nv), b = read_aux(job.beta_row, nv);
            result = fn::sfu_layer_norm(cfg_, x.codes.data(), job.x_bias, rows, row_len, g.data(), job.gamma_bias,
                                        b.data(), job.beta_bias, job.out_bias);
            break;
        }
        case SfuOp::Softmax: {
            mode.write(regs::kGbSoftmax);
            const auto mask = read_aux(job.span_row, nv);
            skipped = fn::span_mask_all_zero(cfg_, mask.data(), row_len);
            result = fn::sfu_softmax(cfg_, x.codes.data(), job.x_bias, rows, row_len, mask.data(), job.span_bias,
                                     job.out_bias);
            break;
        }
        case SfuOp::ElementAdd:
            mode.write(regs::kGbElementAdd);
            result = fn::sfu_element_add(cfg_, x.codes.data(), job.x_bias, y.codes.data(), job.y_bias,
                                         vectors * L, job.out_bias);
            break;
        case SfuOp::Entropy:
        case SfuOp::Dvfs: {
            mode.write(regs::kGbEntropy);
            const auto e = fn::sfu_entropy(cfg_, x.codes.data(), job.x_bias, rows, row_len, job.threshold_q10);
            out.entropy_valid = true;
            out.exit = e.exit;
            out.entropy_q10 = e.h_q10.at(0);
            if (job.op == SfuOp::Dvfs && job.entropy_scale > 0)
                out.dvfs_level = fn::dvfs_level(cfg_, e.h_q10.at(0), job.entropy_scale);
            break;
        }
        case SfuOp::Lut: {
            mode.write(regs::kGbLut);
            // The lookups read the table rows in place (counted per element below, not as row reads).
            std::vector<uint8_t> table(static_cast<size_t>(fn::lut_table_bytes(cfg_)));
            for (int r = 0; r < fn::lut_table_rows(cfg_); ++r)
                std::memcpy(&table[static_cast<size_t>(r) * L], aux_sram.row(job.gamma_row + r),
                            static_cast<size_t>(L));
            result = fn::sfu_lut(cfg_, x.codes.data(), rows, row_len, table.data());
            total_lut_vectors_ += static_cast<uint64_t>(vectors);
            total_lut_accesses_ += static_cast<uint64_t>(vectors) * L;
            break;
        }
    }
    out.cycles = cycles(cfg_, job.op, nv, rows, skipped);
    sc_core::wait(clock_.period() * static_cast<double>(out.cycles));
    if (writes_output) {
        const int d = job.out_decoder;
        encode_vectors(cfg_, dec_[d]->input_sram, dec_[d]->mask_sram, job.out_mask_base, job.out_input_base,
                       result.data(), vectors, job.dense_out);
    }
    total_cycles_ += out.cycles;
    total_vectors_ += static_cast<uint64_t>(vectors) * passes(job.op);
    rows_done.write(rows_done.read() + static_cast<uint32_t>(rows));
    mode.write(0);
    busy.write(false);
    return out;
}

}  // namespace edgebert::hw
