#include "hw/soc/native_hal.hpp"

#include "common/error.hpp"
#include "eb_hal.h"

namespace edgebert::hw {

namespace {

NativeHost* g_host = nullptr;

NativeHost& host() {
    if (!g_host) throw Error("runtime HAL used outside a native host program");
    return *g_host;
}

struct CostEntry {
    const char* entry;
    const char* category;
};

CostEntry cost_entry(eb_cost_t kind) {
    switch (kind) {
        case EB_COST_COPY_BYTE: return {"copy_per_byte", "memset"};
        case EB_COST_MEMSET_BYTE: return {"memset_per_byte", "memset"};
        case EB_COST_MALLOC: return {"malloc_call", "malloc"};
        case EB_COST_TRANSPOSE_ELEM: return {"transpose_per_element", "transpose"};
        case EB_COST_FP32_MAC: return {"fp32_mac", "cpu_compute"};
        case EB_COST_INT32_ADD: return {"int32_add", "cpu_compute"};
        case EB_COST_FP32_ADD: return {"fp32_add", "cpu_compute"};
        case EB_COST_FP32_EXP: return {"fp32_exp", "cpu_compute"};
        case EB_COST_FP32_DIV: return {"fp32_div", "cpu_compute"};
        case EB_COST_FP32_SQRT: return {"fp32_sqrt", "cpu_compute"};
        case EB_COST_FP32_TANH: return {"fp32_tanh", "cpu_compute"};
        case EB_COST_QUANTIZE_ELEM: return {"quantize_per_element", "cpu_compute"};
    }
    throw Error("unknown runtime cost kind");
}

}  // namespace

NativeHalScope::NativeHalScope(NativeHost& h) : previous_(g_host) { g_host = &h; }
NativeHalScope::~NativeHalScope() { g_host = previous_; }

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
    p.bias_min = cfg.edgebert.bias_range.min;
    if (auto s = cfg.tiles_of(TileKind::Systolic); !s.empty()) {
        p.systolic_base = s.front()->reg_base;
        p.systolic_irq = static_cast<uint32_t>(s.front()->irq);
    }
    p.systolic_size = static_cast<uint32_t>(cfg.systolic.size);
    return p;
}

}  // namespace edgebert::hw

using edgebert::hw::host;

extern "C" {

uint32_t eb_hal_read32(uint64_t addr) { return host().read32(addr); }
void eb_hal_write32(uint64_t addr, uint32_t value) { host().write32(addr, value); }
uint64_t eb_hal_read64(uint64_t addr) { return host().read64(addr); }
void eb_hal_write64(uint64_t addr, uint64_t value) { host().write64(addr, value); }
void eb_hal_wait_for_interrupt(void) { host().wait_for_interrupt(); }
uint64_t eb_hal_cycles(void) { return host().cycles(); }
void eb_hal_copy_to_dev(uint64_t dst, const void* src, size_t len) { host().write_block(dst, src, len); }
void eb_hal_copy_from_dev(void* dst, uint64_t src, size_t len) { host().read_block(src, dst, len); }
void eb_hal_charge(eb_cost_t kind, uint64_t units) {
    const auto e = edgebert::hw::cost_entry(kind);
    host().charge(e.entry, static_cast<double>(units), e.category);
}

}  // extern "C"
