// The functional platform: the same compiled program, run by the same C
// executor and drivers, on the tiles' functional models instead of the timed
// SystemC SoC. Register writes are decoded as the tiles decode them, commands
// complete at once, and no time passes. Results must equal the SoC's bit for
// bit: the check that timing, the NoC, DMA splitting and interrupts never
// change what is computed.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "compiler/lower/lowering.hpp"
#include "hw/edgebert/command_check.hpp"
#include "hw/edgebert/sram.hpp"
#include "hw/mem/sparse_storage.hpp"
#include "hw/soc/hal_backend.hpp"
#include "hw/soc/soc_config.hpp"

namespace edgebert::sim {

class FunctionalPlatform : public hw::HalBackend {
public:
    explicit FunctionalPlatform(const hw::SocConfig& soc);

    // Loads the program's DRAM image, runs it, returns (hidden, logits).
    struct Outputs {
        std::vector<float> hidden, logits, entropies;
        std::vector<uint8_t> output_bytes;  // hidden_out's raw elements
        uint64_t edgebert_commands = 0, systolic_calls = 0;
    };
    Outputs run(const compiler::CompiledModel& m);

    // HalBackend
    uint32_t read32(uint64_t addr) override;
    void write32(uint64_t addr, uint32_t value) override;
    uint64_t read64(uint64_t addr) override;
    void write64(uint64_t addr, uint64_t value) override;
    void wait_for_interrupt() override {}
    uint64_t cycles() override { return 0; }
    void copy_to_dev(uint64_t dst, const void* src, size_t len) override;
    void copy_from_dev(void* dst, uint64_t src, size_t len) override;
    void charge(eb_cost_t, uint64_t) override {}
    void region(uint32_t, uint32_t, const char*) override {}
    void wait_category(int) override {}
    void category_override(int) override {}
    void* map(uint64_t addr, size_t len) override;
    void unmap(void* ptr, uint64_t addr, size_t len, int write_back) override;

    // The EdgeBERT tile's SRAMs and silicon-mode warnings (cycle and time 0), for tests.
    const hw::Sram& edgebert_sram(hw::SramId s) const;
    const std::vector<hw::CheckWarning>& edgebert_warnings() const { return eb_warnings_; }

private:
    uint64_t dram_off(uint64_t addr, size_t len) const;
    // Offset of an EdgeBERT register access; beyond the layout's window it is an error, as on the bus.
    uint32_t eb_offset(uint64_t addr, const char* what) const;
    // The tile's command semantics (functional_edgebert.cpp): command_check.hpp decides, as in the SystemC tile.
    void edgebert_command(uint32_t cmd);
    void edgebert_refuse(hw::regs::ErrorCause cause);
    hw::Sram& sram(hw::SramId s);
    void systolic_run();

    const hw::SocConfig& soc_;
    hw::SparseStorage dram_;
    hw::RegisterFile eb_regs_{};
    hw::regs::RegisterLayout eb_layout_;
    uint32_t eb_ctrl_ = 0, eb_status_ = 0;
    hw::Sram in0_, mk0_, in1_, mk1_, aux_;
    std::array<uint32_t, 16> sys_regs_{};
    uint32_t sys_ctrl_ = 0;
    std::vector<uint32_t> pending_irqs_;
    uint64_t eb_commands_ = 0, sys_calls_ = 0;
    std::vector<hw::CheckWarning> eb_warnings_;
};

}  // namespace edgebert::sim
