#include "hw/soc/native_hal.hpp"

#include <cstdlib>
#include <memory>

#include "common/error.hpp"
#include "hw/mem/dram.hpp"
#include "eb_hal.h"

namespace edgebert::hw {

namespace {

HalBackend* g_backend = nullptr;

HalBackend& backend() {
    if (!g_backend) throw Error("runtime HAL used outside a host program (no backend installed)");
    return *g_backend;
}

struct CostEntry {
    const char* entry;
    HostCategory category;
};

CostEntry cost_entry(eb_cost_t kind) {
    switch (kind) {
        case EB_COST_COPY_BYTE: return {"copy_per_byte", HostCategory::Memset};
        case EB_COST_MEMCPY_BYTE: return {"memcpy_per_byte", HostCategory::Memset};
        case EB_COST_MEMCPY_CALL: return {"memcpy_call", HostCategory::Memset};
        case EB_COST_MEMSET_BYTE: return {"memset_per_byte", HostCategory::Memset};
        case EB_COST_MALLOC: return {"malloc_call", HostCategory::Malloc};
        case EB_COST_TRANSPOSE_ELEM: return {"transpose_per_element", HostCategory::Transpose};
        case EB_COST_FP32_MAC: return {"fp32_mac", HostCategory::CpuCompute};
        case EB_COST_INT32_ADD: return {"int32_add", HostCategory::CpuCompute};
        case EB_COST_FP32_ADD: return {"fp32_add", HostCategory::CpuCompute};
        case EB_COST_FP32_EXP: return {"fp32_exp", HostCategory::CpuCompute};
        case EB_COST_FP32_DIV: return {"fp32_div", HostCategory::CpuCompute};
        case EB_COST_FP32_SQRT: return {"fp32_sqrt", HostCategory::CpuCompute};
        case EB_COST_FP32_TANH: return {"fp32_tanh", HostCategory::CpuCompute};
        case EB_COST_QUANTIZE_ELEM: return {"quantize_per_element", HostCategory::CpuCompute};
        case EB_COST_INT8_CONVERT_ELEM: return {"int8_convert_per_element", HostCategory::CpuCompute};
        case EB_COST_INT32_MAC: return {"int32_mac", HostCategory::CpuCompute};
        case EB_COST_SPLICE_LANE: return {"splice_per_lane", HostCategory::CpuCompute};
        case EB_COST_CODE_MAP_BYTE: return {"code_map_per_byte", HostCategory::CpuCompute};
        case EB_COST_PROGRAM_READ: return {"", HostCategory::CpuCompute};  // memory traffic only
    }
    throw Error("unknown runtime cost kind");
}

}  // namespace

// The timed SoC's backend: every call becomes a transaction or a charge on the native host.
class NativeBackend : public HalBackend {
public:
    explicit NativeBackend(NativeHost& h) : h_(h) {}
    uint32_t read32(uint64_t a) override { return h_.read32(a); }
    void write32(uint64_t a, uint32_t v) override { h_.write32(a, v); }
    uint64_t read64(uint64_t a) override { return h_.read64(a); }
    void write64(uint64_t a, uint64_t v) override { h_.write64(a, v); }
    void wait_for_interrupt() override { h_.wait_for_interrupt(); }
    uint64_t cycles() override { return h_.cycles(); }
    void copy_to_dev(uint64_t dst, const void* src, size_t len) override { h_.write_block(dst, src, len); }
    void copy_from_dev(void* dst, uint64_t src, size_t len) override { h_.read_block(src, dst, len); }
    void charge(eb_cost_t kind, uint64_t units) override {
        const auto e = cost_entry(kind);
        h_.charge(e.entry, static_cast<double>(units), e.category);
    }
    void charge_mem(eb_cost_t kind, int store, uint64_t bytes, uint64_t working_set, uint64_t run,
                    uint64_t stride) override {
        h_.charge_memory(store != 0, bytes, working_set, run, stride, cost_entry(kind).category);
    }
    void region(uint32_t layer, uint32_t module, const char* op) override { h_.set_region(layer, module, op ? op : ""); }
    void wait_category(int c) override { h_.set_wait_category(static_cast<HostCategory>(c)); }
    void category_override(int c) override { h_.set_category_override(c); }
    void cpu_kind(int k) override { h_.set_cpu_kind(k); }
    void* map(uint64_t addr, size_t len) override {
        auto* dram = h_.backdoor();
        if (!dram) throw Error("runtime HAL: eb_hal_map without a DRAM backdoor");
        auto* buf = static_cast<uint8_t*>(std::malloc(len ? len : 1));
        if (!buf) throw Error("runtime HAL: out of memory mapping a tensor");
        dram->read(addr, buf, len);
        return buf;
    }
    void unmap(void* ptr, uint64_t addr, size_t len, int write_back) override {
        if (write_back) h_.backdoor()->write(addr, ptr, len);
        std::free(ptr);
    }

private:
    NativeHost& h_;
};

HalScope::HalScope(HalBackend& b) : previous_(g_backend) { g_backend = &b; }
HalScope::~HalScope() { g_backend = previous_; }

NativeHalScope::NativeHalScope(NativeHost& h) : backend_(std::make_unique<NativeBackend>(h)), scope_(*backend_) {}
NativeHalScope::~NativeHalScope() = default;

eb_platform platform_of(const SocConfig& cfg) {
    eb_platform p{};
    p.dram_base = cfg.dram.base;
    p.dram_size = cfg.dram.size;
    p.plic_base = cfg.map.plic_base;
    if (auto e = cfg.tiles_of(TileKind::Edgebert); !e.empty()) {
        p.edgebert_base = e.front()->reg_base;
        p.edgebert_irq = static_cast<uint32_t>(e.front()->irq);
    }
    p.lanes = static_cast<uint32_t>(cfg.edgebert.lanes);
    p.input_sram_depth = static_cast<uint32_t>(cfg.edgebert.input_sram_depth);
    p.mask_sram_depth = static_cast<uint32_t>(cfg.edgebert.mask_sram_depth);
    p.aux_sram_depth = static_cast<uint32_t>(cfg.edgebert.aux_sram_depth);
    p.max_n = static_cast<uint32_t>(cfg.edgebert.max_n);
    p.max_m = static_cast<uint32_t>(cfg.edgebert.max_m);
    p.register_layout = cfg.edgebert.register_layout() == regs::RegisterLayout::Extended ? 1u : 0u;
    p.bias_min = cfg.edgebert.bias_range.min;
    if (auto s = cfg.tiles_of(TileKind::Systolic); !s.empty()) {
        p.systolic_base = s.front()->reg_base;
        p.systolic_irq = static_cast<uint32_t>(s.front()->irq);
    }
    p.systolic_size = static_cast<uint32_t>(cfg.systolic.size);
    p.l2_ctrl_base = cfg.map.l2_ctrl_base;
    p.llc_ctrl_base = cfg.map.llc_ctrl_base;
    auto csr_of = [&](const TileSpec* t) -> uint64_t {
        if (!cfg.esp || !t) return 0;
        const uint64_t index = static_cast<uint64_t>(t - cfg.tiles.data());
        return cfg.esp->csr_base + index * cfg.esp->csr_tile_stride + EspConfig::kCoherenceOffset;
    };
    if (auto e = cfg.tiles_of(TileKind::Edgebert); !e.empty()) {
        p.edgebert_coherence = static_cast<uint32_t>(e.front()->coherence);
        p.edgebert_coherence_csr = csr_of(e.front());
    }
    if (auto s = cfg.tiles_of(TileKind::Systolic); !s.empty()) {
        p.systolic_coherence = static_cast<uint32_t>(s.front()->coherence);
        p.systolic_coherence_csr = csr_of(s.front());
    }
    return p;
}

}  // namespace edgebert::hw

using edgebert::hw::backend;

extern "C" {

uint32_t eb_hal_read32(uint64_t addr) { return backend().read32(addr); }
void eb_hal_write32(uint64_t addr, uint32_t value) { backend().write32(addr, value); }
uint64_t eb_hal_read64(uint64_t addr) { return backend().read64(addr); }
void eb_hal_write64(uint64_t addr, uint64_t value) { backend().write64(addr, value); }
void eb_hal_wait_for_interrupt(void) { backend().wait_for_interrupt(); }
uint64_t eb_hal_cycles(void) { return backend().cycles(); }
void eb_hal_copy_to_dev(uint64_t dst, const void* src, size_t len) { backend().copy_to_dev(dst, src, len); }
void eb_hal_copy_from_dev(void* dst, uint64_t src, size_t len) { backend().copy_from_dev(dst, src, len); }
void eb_hal_charge(eb_cost_t kind, uint64_t units) { backend().charge(kind, units); }
void eb_hal_charge_mem(eb_cost_t kind, int store, uint64_t bytes, uint64_t working_set, uint64_t run,
                       uint64_t stride) {
    backend().charge_mem(kind, store, bytes, working_set, run, stride);
}
void eb_hal_region(uint32_t layer, uint32_t module, const char* op) { backend().region(layer, module, op); }
void eb_hal_wait_category(int category) { backend().wait_category(category); }
void eb_hal_category_override(int category) { backend().category_override(category); }
void eb_hal_cpu_kind(int kind) { backend().cpu_kind(kind); }
void* eb_hal_map(uint64_t addr, size_t len) { return backend().map(addr, len); }
void eb_hal_unmap(void* ptr, uint64_t addr, size_t len, int write_back) { backend().unmap(ptr, addr, len, write_back); }

}  // extern "C"
