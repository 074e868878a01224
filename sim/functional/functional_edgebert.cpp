// The functional platform's EdgeBERT tile: a command written to the command
// register is decoded and checked by command_check.hpp, as the SystemC tile's
// control unit does, and runs at once on the same SRAM, decode, arithmetic and
// encode code. Commands complete before the next register access, so no unit is
// ever busy and no DMA races a computation: of the control unit's checks only
// the latched error remains. In silicon mode the result of a program whose DMAs
// race its computations on the SystemC tile is the one of issue order here.
#include <algorithm>

#include "hw/edgebert/bitmask_decoder.hpp"
#include "hw/edgebert/encoder.hpp"
#include "hw/edgebert/functional/matmul.hpp"
#include "hw/edgebert/functional/sfu_ops.hpp"
#include "sim/functional/functional_platform.hpp"

namespace edgebert::sim {

namespace regs = hw::regs;

hw::Sram& FunctionalPlatform::sram(hw::SramId s) {
    switch (s) {
        case hw::SramId::Input0: return in0_;
        case hw::SramId::Mask0: return mk0_;
        case hw::SramId::Input1: return in1_;
        case hw::SramId::Mask1: return mk1_;
        case hw::SramId::Aux: break;
    }
    return aux_;
}

const hw::Sram& FunctionalPlatform::edgebert_sram(hw::SramId s) const {
    return const_cast<FunctionalPlatform*>(this)->sram(s);
}

void FunctionalPlatform::edgebert_refuse(regs::ErrorCause cause) {
    if (!(eb_ctrl_ & regs::ctrl::kErrorBit))  // the first cause is kept until a soft reset
        eb_ctrl_ = (eb_ctrl_ & ~regs::ctrl::kCauseMask) | regs::ctrl::kErrorBit | static_cast<uint32_t>(cause);
    pending_irqs_.push_back(static_cast<uint32_t>(soc_.tiles_of(hw::TileKind::Edgebert)[0]->irq));
}

void FunctionalPlatform::edgebert_command(uint32_t cmd) {
    const auto& cfg = soc_.edgebert;
    const int L = cfg.lanes;
    const hw::CommandPlan plan = hw::plan_command(cfg, eb_regs_, cmd);
    std::vector<hw::CheckViolation> v;
    if (eb_ctrl_ & regs::ctrl::kErrorBit)
        v.push_back(hw::error_pending_violation(eb_ctrl_, static_cast<regs::ErrorCause>(eb_ctrl_ & regs::ctrl::kCauseMask)));
    v.insert(v.end(), plan.violations.begin(), plan.violations.end());
    std::vector<regs::ErrorCause> warned;
    auto warn = [&](const std::vector<hw::CheckViolation>& ws) {  // one per cause and command, as Control
        for (const auto& w : ws)
            if (std::find(warned.begin(), warned.end(), w.cause) == warned.end()) {
                warned.push_back(w.cause);
                eb_warnings_.push_back(hw::make_warning(w, cmd, 0, 0));
            }
    };
    const hw::CheckDecision d = hw::decide(cfg.checks, v);
    warn(d.warnings);
    if (d.refuse != regs::ErrorCause::kNone) return edgebert_refuse(d.refuse);
    if (!d.run) return;  // silicon mode: an unknown command is ignored

    auto use = [](const hw::DecodedOperand& o) { return hw::OperandUse{o.input_rows_used, o.overrun || o.wrapped}; };
    // The data-dependent checks of the units; false: refused.
    auto operands_ok = [&](const std::vector<hw::CheckViolation>& checks) {
        const hw::CheckDecision od = hw::decide(cfg.checks, checks);
        warn(od.warnings);
        if (od.run) return true;
        edgebert_refuse(od.refuse);
        return false;
    };
    if (plan.dma) {
        const hw::DmaPlan& j = plan.dma_job;
        hw::Sram& s = sram(j.sram);
        std::vector<uint8_t> buf(static_cast<size_t>(j.rows) * s.row_bytes());
        if (j.to_sram) {
            copy_from_dev(buf.data(), j.dram_addr, buf.size());
            s.write_rows(j.first_row, buf.data(), j.rows);
        } else {
            s.read_rows(j.first_row, buf.data(), j.rows);
            copy_to_dev(j.dram_addr, buf.data(), buf.size());
        }
    } else if (cmd == regs::kCmdMatmul) {
        const hw::MatmulJob& j = plan.matmul;
        const auto& p = j.params;
        if (p.n0 && p.n1) {  // else silicon mode: no output expected
            const auto a = hw::decode_bitmask(in0_, mk0_, L, j.a_mask_base, j.a_input_base, p.n0 * p.m / L);
            const auto b = hw::decode_bitmask(in1_, mk1_, L, j.b_mask_base, j.b_input_base, p.n1 * p.m / L);
            if (!operands_ok(hw::operand_checks(cfg, j, use(a), use(b)))) return;
            const auto c = hw::fn::matmul(cfg, a.codes.data(), b.codes.data(), p);
            hw::encode_vectors(cfg, sram(hw::input_sram_of(j.out_decoder)), sram(hw::mask_sram_of(j.out_decoder)),
                               j.out_mask_base, j.out_input_base, c.data(), p.n0 * p.n1 / L, j.dense_out);
        }
    } else {
        const hw::SfuJob& j = plan.sfu;
        const int nv = j.num_vector, rows = j.num_timestep, vec = nv * rows, row_len = nv * L;
        const auto x = hw::decode_bitmask(in0_, mk0_, L, j.x_mask_base, j.x_input_base, vec);
        hw::DecodedOperand y;
        if (j.op == hw::SfuOp::ElementAdd) y = hw::decode_bitmask(in1_, mk1_, L, j.y_mask_base, j.y_input_base, vec);
        if (!operands_ok(hw::operand_checks(cfg, j, use(x), use(y)))) return;
        auto aux_rows = [&](int row) {
            std::vector<uint8_t> r(static_cast<size_t>(row_len));
            aux_.read_rows(row, r.data(), nv);
            return r;
        };
        std::vector<uint8_t> out;
        switch (j.op) {
            case hw::SfuOp::LayerNorm: {
                const auto g = aux_rows(j.gamma_row), be = aux_rows(j.beta_row);
                out = hw::fn::sfu_layer_norm(cfg, x.codes.data(), j.x_bias, rows, row_len, g.data(), j.gamma_bias,
                                             be.data(), j.beta_bias, j.out_bias);
                break;
            }
            case hw::SfuOp::Softmax: {
                const auto m = aux_rows(j.span_row);
                out = hw::fn::sfu_softmax(cfg, x.codes.data(), j.x_bias, rows, row_len, m.data(), j.span_bias,
                                          j.out_bias);
                break;
            }
            case hw::SfuOp::ElementAdd:
                out = hw::fn::sfu_element_add(cfg, x.codes.data(), j.x_bias, y.codes.data(), j.y_bias, vec * L,
                                              j.out_bias);
                break;
            case hw::SfuOp::Entropy:
            case hw::SfuOp::Dvfs: {
                const auto r = hw::fn::sfu_entropy(cfg, x.codes.data(), j.x_bias, rows, row_len, j.threshold_q10);
                eb_status_ = (r.exit ? 3u : 2u) | (std::min<uint32_t>(r.h_q10[0], 0x3FFF) << 18);
                break;
            }
            case hw::SfuOp::Lut: {  // the extension (cfg.sfu_lut): plan_command runs it only when configured
                std::vector<uint8_t> table(static_cast<size_t>(hw::fn::lut_table_bytes(cfg)));
                aux_.read_rows(j.gamma_row, table.data(), hw::fn::lut_table_rows(cfg));
                out = hw::fn::sfu_lut(cfg, x.codes.data(), rows, row_len, table.data());
                break;
            }
        }
        if (hw::sfu_writes_output(j.op))
            hw::encode_vectors(cfg, sram(hw::input_sram_of(j.out_decoder)), sram(hw::mask_sram_of(j.out_decoder)),
                               j.out_mask_base, j.out_input_base, out.data(), vec, j.dense_out);
    }
    ++eb_commands_;
    eb_ctrl_ |= regs::is_dma_command(cmd) ? regs::ctrl::kDmaDoneBit : regs::ctrl::kComputeDoneBit;
    pending_irqs_.push_back(static_cast<uint32_t>(soc_.tiles_of(hw::TileKind::Edgebert)[0]->irq));
}

}  // namespace edgebert::sim
