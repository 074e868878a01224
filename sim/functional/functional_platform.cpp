#include "sim/functional/functional_platform.hpp"

#include <fmt/format.h>

#include <cstring>

#include "common/error.hpp"
#include "eb_edgebert.h"
#include "eb_executor.h"
#include "eb_systolic.h"
#include "hw/edgebert/register_map.hpp"
#include "hw/soc/native_hal.hpp"
#include "hw/systolic/functional/systolic_gemm.hpp"
#include "hw/systolic/systolic_regs.hpp"
#include "sim/run/tensor_readout.hpp"

namespace edgebert::sim {

namespace regs = hw::regs;
namespace sregs = hw::systolic_regs;

namespace {
constexpr uint32_t kPlicClaim = 0x200004;
constexpr uint32_t kPlicPending = 0x1000;
}

FunctionalPlatform::FunctionalPlatform(const hw::SocConfig& soc)
    : soc_(soc),
      eb_layout_(soc.edgebert.register_layout()),
      in0_("in0", soc.edgebert.input_sram_depth, soc.edgebert.lanes),
      mk0_("mk0", soc.edgebert.mask_sram_depth, soc.edgebert.mask_word_bytes()),
      in1_("in1", soc.edgebert.input_sram_depth, soc.edgebert.lanes),
      mk1_("mk1", soc.edgebert.mask_sram_depth, soc.edgebert.mask_word_bytes()),
      aux_("aux", soc.edgebert.aux_sram_depth, soc.edgebert.lanes) {
    // Silicon mode: addresses wrap modulo the SRAM depth, as in the SystemC tile.
    for (hw::Sram* s : {&in0_, &mk0_, &in1_, &mk1_, &aux_}) s->set_wrap(soc.edgebert.checks == hw::CheckMode::Silicon);
}

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

uint32_t FunctionalPlatform::eb_offset(uint64_t addr, const char* what) const {
    const uint64_t off = addr - soc_.tiles_of(hw::TileKind::Edgebert)[0]->reg_base;
    const auto layout = eb_layout_;
    if (off >= regs::window_bytes(layout) || (off & 3))
        throw Error(fmt::format("functional platform: {} at 0x{:x}: offset 0x{:x} of the EdgeBERT tile is not a "
                                "register of its {} register layout (0x00-0x{:x}): the tile answers with an "
                                "address error", what, addr, off, regs::register_layout_name(layout),
                                regs::window_bytes(layout) - 4));
    return static_cast<uint32_t>(off);
}

uint64_t FunctionalPlatform::read64(uint64_t addr) {
    uint64_t v = 0;
    copy_from_dev(&v, addr, 8);
    return v;
}
void FunctionalPlatform::write64(uint64_t addr, uint64_t v) { copy_to_dev(addr, &v, 8); }

uint32_t FunctionalPlatform::read32(uint64_t addr) {
    const auto& e = soc_.tiles_of(hw::TileKind::Edgebert);
    const auto& s = soc_.tiles_of(hw::TileKind::Systolic);
    if (!e.empty() && addr >= e[0]->reg_base && addr < e[0]->reg_base + e[0]->reg_size) {
        const uint32_t off = eb_offset(addr, "load");
        if (off == regs::kCtrl) return eb_ctrl_;
        if (off == regs::kStatus) return eb_status_;
        return eb_regs_.at(off / 4);
    }
    if (!s.empty() && addr >= s[0]->reg_base && addr < s[0]->reg_base + s[0]->reg_size) {
        const uint32_t off = static_cast<uint32_t>(addr - s[0]->reg_base);
        return off == sregs::kCtrl ? sys_ctrl_ : sys_regs_.at(off / 4);
    }
    if (addr >= soc_.map.plic_base && addr < soc_.map.plic_base + soc_.map.plic_size) {
        const uint64_t off = addr - soc_.map.plic_base;
        if (off == kPlicClaim && !pending_irqs_.empty()) {
            const uint32_t id = pending_irqs_.front();
            pending_irqs_.erase(pending_irqs_.begin());
            return id;
        }
        if (off >= kPlicPending && off < kPlicPending + 0x80) {  // drivers that poll the pending bits
            uint32_t bits = 0;
            for (uint32_t id : pending_irqs_)
                if (id / 32 == (off - kPlicPending) / 4) bits |= 1u << (id % 32);
            return bits;
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
        const uint32_t off = eb_offset(addr, "store");
        if (off == regs::kCtrl) {
            if (value & regs::ctrl::kSoftResetBit) {
                eb_ctrl_ = 0;
                hw::clear_extension_registers(eb_regs_);
            }
            eb_ctrl_ &= ~(value & (regs::ctrl::kDmaDoneBit | regs::ctrl::kComputeDoneBit));
            return;
        }
        eb_regs_.at(off / 4) = value;
        if (off == regs::kCommand) {
            edgebert_command(value);
            hw::clear_extension_registers(eb_regs_);  // high bits for that command only, as the tile
        }
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

// edgebert_command: sim/functional/functional_edgebert.cpp

void FunctionalPlatform::systolic_run() {
    auto r = [&](uint32_t off) { return sys_regs_[off / 4]; };
    const int m = static_cast<int>(r(sregs::kM)), n = static_cast<int>(r(sregs::kN)), k = static_cast<int>(r(sregs::kK));
    const bool acc = r(sregs::kFlags) & sregs::flags::kAccumulate;
    const uint64_t a = r(sregs::kAddrALo) | (uint64_t(r(sregs::kAddrAHi)) << 32);
    const uint64_t b = r(sregs::kAddrBLo) | (uint64_t(r(sregs::kAddrBHi)) << 32);
    const uint64_t c = r(sregs::kAddrCLo) | (uint64_t(r(sregs::kAddrCHi)) << 32);
    const size_t lda = r(sregs::kLda), ldb = r(sregs::kLdb), ldc = r(sregs::kLdc);
    // The array of the config's size holds the call or the tile refuses it (bad dims).
    hw::fn::validate_systolic_call(m, n, k, soc_.systolic.size);
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
    const DramReader rd = [&](uint64_t a, void* d, size_t n) { copy_from_dev(d, a, n); };
    Outputs o;
    o.hidden = tensor_values(m.program.tensors.at(m.hidden_out), rd, soc_.edgebert.lanes);
    o.output_bytes = tensor_bytes(m.program.tensors.at(m.hidden_out), rd, soc_.edgebert.lanes);
    if (m.logits_out != compiler::kNoTensor) o.logits = tensor_values(m.program.tensors.at(m.logits_out), rd);
    o.entropies.assign(st.results, st.results + m.entropy_slots);
    o.edgebert_commands = eb_commands_;
    o.systolic_calls = sys_calls_;
    return o;
}

}  // namespace edgebert::sim
