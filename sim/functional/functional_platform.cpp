#include "sim/functional/functional_platform.hpp"

#include <fmt/format.h>

#include <cstring>

#include "common/error.hpp"
#include "eb_edgebert.h"
#include "eb_executor.h"
#include "eb_systolic.h"
#include "hw/edgebert/bitmask_decoder.hpp"
#include "hw/edgebert/encoder.hpp"
#include "hw/edgebert/functional/matmul.hpp"
#include "hw/edgebert/functional/sfu_ops.hpp"
#include "hw/edgebert/register_map.hpp"
#include "hw/soc/native_hal.hpp"
#include "hw/systolic/functional/systolic_gemm.hpp"
#include "hw/systolic/systolic_regs.hpp"

namespace edgebert::sim {

namespace regs = hw::regs;
namespace sregs = hw::systolic_regs;

namespace {
constexpr uint32_t kPlicClaim = 0x200004;
}

FunctionalPlatform::FunctionalPlatform(const hw::SocConfig& soc)
    : soc_(soc),
      in0_("in0", soc.edgebert.input_sram_depth, soc.edgebert.lanes),
      mk0_("mk0", soc.edgebert.mask_sram_depth, soc.edgebert.mask_word_bytes()),
      in1_("in1", soc.edgebert.input_sram_depth, soc.edgebert.lanes),
      mk1_("mk1", soc.edgebert.mask_sram_depth, soc.edgebert.mask_word_bytes()),
      aux_("aux", soc.edgebert.aux_sram_depth, soc.edgebert.lanes) {}

uint64_t FunctionalPlatform::dram_off(uint64_t addr, size_t len) const {
    if (addr < soc_.dram.base || addr + len > soc_.dram.base + soc_.dram.size)
        throw Error(fmt::format("functional platform: access to 0x{:x} (+{}) outside DRAM", addr, len));
    return addr - soc_.dram.base;
}

void FunctionalPlatform::copy_to_dev(uint64_t dst, const void* src, size_t len) {
    dram_.write(dram_off(dst, len), static_cast<const uint8_t*>(src), len);
}
void FunctionalPlatform::copy_from_dev(void* dst, uint64_t src, size_t len) {
    dram_.read(dram_off(src, len), static_cast<uint8_t*>(dst), len);
}
void* FunctionalPlatform::map(uint64_t addr, size_t len) {
    auto* p = static_cast<uint8_t*>(std::malloc(len ? len : 1));
    copy_from_dev(p, addr, len);
    return p;
}
void FunctionalPlatform::unmap(void* ptr, uint64_t addr, size_t len, int write_back) {
    if (write_back) copy_to_dev(addr, ptr, len);
    std::free(ptr);
}

uint64_t FunctionalPlatform::read64(uint64_t addr) {
    uint64_t v = 0;
    copy_from_dev(&v, addr, 8);
    return v;
}
void FunctionalPlatform::write64(uint64_t addr, uint64_t v) { copy_to_dev(addr, &v, 8); }

uint32_t FunctionalPlatform::field(const char* name) const {
    for (int i = 0; i < regs::kNumRegisterFields; ++i) {
        const auto& f = regs::kRegisterFields[i];
        if (std::strcmp(f.name, name) == 0)
            return static_cast<uint32_t>(regs::field_value(eb_regs_[f.offset / 4], f.lsb, f.width));
    }
    throw Error(std::string("unknown field ") + name);
}

uint32_t FunctionalPlatform::read32(uint64_t addr) {
    const auto& e = soc_.tiles_of(hw::TileKind::Edgebert);
    const auto& s = soc_.tiles_of(hw::TileKind::Systolic);
    if (!e.empty() && addr >= e[0]->reg_base && addr < e[0]->reg_base + e[0]->reg_size) {
        const uint32_t off = static_cast<uint32_t>(addr - e[0]->reg_base);
        if (off == regs::kCtrl) return eb_ctrl_;
        if (off == regs::kStatus) return eb_status_;
        return eb_regs_.at(off / 4);
    }
    if (!s.empty() && addr >= s[0]->reg_base && addr < s[0]->reg_base + s[0]->reg_size) {
        const uint32_t off = static_cast<uint32_t>(addr - s[0]->reg_base);
        return off == sregs::kCtrl ? sys_ctrl_ : sys_regs_.at(off / 4);
    }
    if (addr >= soc_.map.plic_base && addr < soc_.map.plic_base + soc_.map.plic_size) {
        if (addr - soc_.map.plic_base == kPlicClaim && !pending_irqs_.empty()) {
            const uint32_t id = pending_irqs_.front();
            pending_irqs_.erase(pending_irqs_.begin());
            return id;
        }
        return 0;
    }
    uint32_t v = 0;
    copy_from_dev(&v, addr, 4);
    return v;
}

void FunctionalPlatform::write32(uint64_t addr, uint32_t value) {
    const auto& e = soc_.tiles_of(hw::TileKind::Edgebert);
    const auto& s = soc_.tiles_of(hw::TileKind::Systolic);
    if (!e.empty() && addr >= e[0]->reg_base && addr < e[0]->reg_base + e[0]->reg_size) {
        const uint32_t off = static_cast<uint32_t>(addr - e[0]->reg_base);
        if (off == regs::kCtrl) {
            if (value & regs::ctrl::kSoftResetBit) eb_ctrl_ = 0;
            eb_ctrl_ &= ~(value & (regs::ctrl::kDmaDoneBit | regs::ctrl::kComputeDoneBit));
            return;
        }
        eb_regs_.at(off / 4) = value;
        if (off == regs::kCommand) edgebert_command(value);
        return;
    }
    if (!s.empty() && addr >= s[0]->reg_base && addr < s[0]->reg_base + s[0]->reg_size) {
        const uint32_t off = static_cast<uint32_t>(addr - s[0]->reg_base);
        if (off == sregs::kCtrl) {
            if (value & sregs::ctrl::kSoftResetBit) sys_ctrl_ = 0;
            sys_ctrl_ &= ~(value & sregs::ctrl::kDoneBit);
            return;
        }
        sys_regs_.at(off / 4) = value;
        if (off == sregs::kCommand && value == sregs::kCmdRun) systolic_run();
        return;
    }
    if (addr >= soc_.map.plic_base && addr < soc_.map.plic_base + soc_.map.plic_size) return;
    copy_to_dev(addr, &value, 4);
}

void FunctionalPlatform::edgebert_command(uint32_t cmd) {
    const auto& cfg = soc_.edgebert;
    const int L = cfg.lanes, bmin = cfg.bias_range.min;
    const int flip = static_cast<int>(field("flip_mem"));
    hw::Sram& in_out = flip ? in1_ : in0_;
    hw::Sram& mk_out = flip ? mk1_ : mk0_;
    auto dma = [&](hw::Sram& sram, int row, int rows, uint64_t addr, bool to_sram) {
        std::vector<uint8_t> buf(static_cast<size_t>(rows) * sram.row_bytes());
        if (to_sram) {
            copy_from_dev(buf.data(), addr, buf.size());
            sram.write_rows(row, buf.data(), rows);
        } else {
            sram.read_rows(row, buf.data(), rows);
            copy_to_dev(addr, buf.data(), buf.size());
        }
    };
    const int len = static_cast<int>(field("dma_length")) + 1;
    switch (cmd) {
        case regs::kCmdMaskRead:
        case regs::kCmdMaskWrite:
            dma(flip ? mk1_ : mk0_, static_cast<int>(field(flip ? "base_mask1" : "base_mask0")), len,
                eb_regs_[(cmd == regs::kCmdMaskRead ? regs::kMaskRdAddr : regs::kMaskWrAddr) / 4],
                cmd == regs::kCmdMaskRead);
            break;
        case regs::kCmdInputRead:
        case regs::kCmdInputWrite:
            dma(flip ? in1_ : in0_, static_cast<int>(field(flip ? "base_input1" : "base_input0")), len,
                eb_regs_[(cmd == regs::kCmdInputRead ? regs::kInputRdAddr : regs::kInputWrAddr) / 4],
                cmd == regs::kCmdInputRead);
            break;
        case regs::kCmdAuxRead:
        case regs::kCmdAuxWrite:
            dma(aux_, static_cast<int>(field("aux_dma_base")), static_cast<int>(field("aux_dma_length")) + 1,
                eb_regs_[(cmd == regs::kCmdAuxRead ? regs::kAuxRdAddr : regs::kAuxWrAddr) / 4], cmd == regs::kCmdAuxRead);
            break;
        case regs::kCmdMatmul: {
            hw::fn::MatmulParams p;
            p.n0 = static_cast<int>(field("n0")), p.n1 = static_cast<int>(field("n1")), p.m = static_cast<int>(field("m"));
            p.a_bias = bmin + static_cast<int>(field("bias_act1"));
            p.b_bias = bmin + static_cast<int>(field("bias_act2"));
            p.out_bias = bmin + static_cast<int>(field("accum_bias"));
            p.relu = field("is_relu"), p.add_bias = field("is_bias");
            p.weight_bias = regs::field_value(eb_regs_[regs::kMatmulConfig / 4], 8, 8, true);
            p.shift = static_cast<int>(field("accum_shift"));
            const auto a = hw::decode_bitmask(in0_, mk0_, L, static_cast<int>(field("base_mask0")),
                                              static_cast<int>(field("base_input0")), p.n0 * p.m / L);
            const auto b = hw::decode_bitmask(in1_, mk1_, L, static_cast<int>(field("base_mask1")),
                                              static_cast<int>(field("base_input1")), p.n1 * p.m / L);
            const auto c = hw::fn::matmul(cfg, a.codes.data(), b.codes.data(), p);
            hw::encode_vectors(cfg, in_out, mk_out, static_cast<int>(field("base_output_mask")),
                               static_cast<int>(field("base_output")), c.data(), p.n0 * p.n1 / L);
            break;
        }
        default: {
            const int nv = static_cast<int>(field("num_vector")), rows = static_cast<int>(field("num_timestep"));
            const int vec = nv * rows, row_len = nv * L;
            const auto x = hw::decode_bitmask(in0_, mk0_, L, static_cast<int>(field("base_mask0")),
                                              static_cast<int>(field("base_input0")), vec);
            const int xb = bmin + static_cast<int>(field("bias_act1")), yb = bmin + static_cast<int>(field("bias_act2"));
            const int ob = bmin + static_cast<int>(field("bias_act3"));
            auto aux_rows = [&](const char* base) {
                std::vector<uint8_t> v(static_cast<size_t>(row_len));
                aux_.read_rows(static_cast<int>(field(base)), v.data(), nv);
                return v;
            };
            std::vector<uint8_t> out;
            if (cmd == regs::kCmdLayerNorm) {
                const auto g = aux_rows("base_gamma"), be = aux_rows("base_beta");
                out = hw::fn::sfu_layer_norm(cfg, x.codes.data(), xb, rows, row_len, g.data(),
                                             bmin + static_cast<int>(field("bias_gamma")), be.data(),
                                             bmin + static_cast<int>(field("bias_beta")), ob);
            } else if (cmd == regs::kCmdSoftmax) {
                const auto m = aux_rows("base_attn_span");
                out = hw::fn::sfu_softmax(cfg, x.codes.data(), xb, rows, row_len, m.data(),
                                          bmin + static_cast<int>(field("bias_attn_span")), ob);
            } else if (cmd == regs::kCmdElementAdd) {
                const auto y = hw::decode_bitmask(in1_, mk1_, L, static_cast<int>(field("base_mask1")),
                                                  static_cast<int>(field("base_input1")), vec);
                out = hw::fn::sfu_element_add(cfg, x.codes.data(), xb, y.codes.data(), yb, vec * L, ob);
            } else {
                const auto r = hw::fn::sfu_entropy(cfg, x.codes.data(), xb, rows, row_len,
                                                   static_cast<uint16_t>(field("entropy_threshold")));
                eb_status_ = (r.exit ? 3u : 2u) | (std::min<uint32_t>(r.h_q10[0], 0x3FFF) << 18);
            }
            if (!out.empty())
                hw::encode_vectors(cfg, in_out, mk_out, static_cast<int>(field("base_output_mask")),
                                   static_cast<int>(field("base_output")), out.data(), vec);
        }
    }
    ++eb_commands_;
    eb_ctrl_ |= regs::is_dma_command(cmd) ? regs::ctrl::kDmaDoneBit : regs::ctrl::kComputeDoneBit;
    pending_irqs_.push_back(static_cast<uint32_t>(soc_.tiles_of(hw::TileKind::Edgebert)[0]->irq));
}

void FunctionalPlatform::systolic_run() {
    auto r = [&](uint32_t off) { return sys_regs_[off / 4]; };
    const int m = static_cast<int>(r(sregs::kM)), n = static_cast<int>(r(sregs::kN)), k = static_cast<int>(r(sregs::kK));
    const bool acc = r(sregs::kFlags) & sregs::flags::kAccumulate;
    const uint64_t a = r(sregs::kAddrALo) | (uint64_t(r(sregs::kAddrAHi)) << 32);
    const uint64_t b = r(sregs::kAddrBLo) | (uint64_t(r(sregs::kAddrBHi)) << 32);
    const uint64_t c = r(sregs::kAddrCLo) | (uint64_t(r(sregs::kAddrCHi)) << 32);
    const size_t lda = r(sregs::kLda), ldb = r(sregs::kLdb), ldc = r(sregs::kLdc);
    std::vector<int8_t> A(size_t(m) * lda), B(size_t(k) * ldb);
    std::vector<int32_t> C(size_t(m) * ldc, 0);
    for (int i = 0; i < m; ++i) copy_from_dev(&A[size_t(i) * lda], a + uint64_t(i) * lda, size_t(k));
    for (int i = 0; i < k; ++i) copy_from_dev(&B[size_t(i) * ldb], b + uint64_t(i) * ldb, size_t(n));
    if (acc)
        for (int i = 0; i < m; ++i) copy_from_dev(&C[size_t(i) * ldc], c + uint64_t(i) * ldc * 4, size_t(n) * 4);
    hw::fn::systolic_gemm(m, n, k, A.data(), lda, B.data(), ldb, C.data(), ldc, acc);
    for (int i = 0; i < m; ++i) copy_to_dev(c + uint64_t(i) * ldc * 4, &C[size_t(i) * ldc], size_t(n) * 4);
    ++sys_calls_;
    sys_ctrl_ |= sregs::ctrl::kDoneBit;
    pending_irqs_.push_back(static_cast<uint32_t>(soc_.tiles_of(hw::TileKind::Systolic)[0]->irq));
}

FunctionalPlatform::Outputs FunctionalPlatform::run(const compiler::CompiledModel& m) {
    for (const auto& seg : m.program.image) copy_to_dev(seg.addr, seg.bytes.data(), seg.bytes.size());
    const auto image = m.program.serialize();
    eb_program prog{};
    if (eb_program_parse(image.data(), image.size(), &prog) != 0) throw Error("internal: program does not parse");
    const eb_platform platform = hw::platform_of(soc_);
    hw::HalScope scope(*this);
    eb_exec_state st{};
    const int rc = eb_execute(&platform, &prog, &st);
    if (rc) throw Error(fmt::format("functional platform: program failed at instruction {} (error {})", st.error_instr, rc));
    auto read_f32 = [&](uint32_t id) {
        const auto& t = m.program.tensors.at(id);
        std::vector<float> out(size_t(t.rows) * t.cols);
        for (uint32_t r = 0; r < t.rows; ++r) copy_from_dev(&out[size_t(r) * t.cols], t.addr + uint64_t(r) * t.ld * 4, t.cols * 4);
        return out;
    };
    Outputs o;
    o.hidden = read_f32(m.hidden_out);
    o.logits = read_f32(m.logits_out);
    o.entropies.assign(st.results, st.results + m.entropy_slots);
    o.edgebert_commands = eb_commands_;
    o.systolic_calls = sys_calls_;
    return o;
}

}  // namespace edgebert::sim
