/* The runtime's hardware-access layer on the bare-metal RISC-V core: loads
 * and stores are real MMIO, waits are wfi with machine external interrupts
 * enabled in mie (mstatus.MIE stays off: the PLIC line only wakes the core),
 * the cycle counter is mcycle. CPU work costs real instructions and the caches
 * time real loads and stores, so the cost hooks do nothing; the accounting
 * hooks write to the simulator's marker register (ignored by silicon). */
#include <string.h>

#include "eb_hal.h"
#include "firmware.h"
#include "fw_platform.h"

uint32_t eb_hal_read32(uint64_t addr) { return *(volatile uint32_t*)(uintptr_t)addr; }
void eb_hal_write32(uint64_t addr, uint32_t value) { *(volatile uint32_t*)(uintptr_t)addr = value; }
uint64_t eb_hal_read64(uint64_t addr) { return *(volatile uint64_t*)(uintptr_t)addr; }
void eb_hal_write64(uint64_t addr, uint64_t value) { *(volatile uint64_t*)(uintptr_t)addr = value; }

void eb_hal_wait_for_interrupt(void) {
    __asm__ volatile("csrs mie, %0" ::"r"(1u << 11)); /* MEIE */
    __asm__ volatile("wfi");
}

uint64_t eb_hal_cycles(void) {
    uint64_t c;
    __asm__ volatile("csrr %0, mcycle" : "=r"(c));
    return c;
}

void eb_hal_copy_to_dev(uint64_t dst, const void* src, size_t len) { memcpy((void*)(uintptr_t)dst, src, len); }
void eb_hal_copy_from_dev(void* dst, uint64_t src, size_t len) { memcpy(dst, (const void*)(uintptr_t)src, len); }
void eb_hal_charge(eb_cost_t kind, uint64_t units) {
    (void)kind;
    (void)units;
}
/* eb_hal_charge_mem: the runtime's weak no-op (runtime/src/eb_kernels.c); the
 * caches time the real loads and stores here. */

/* Marker register in the io tile: [31:16] layer, [15:8] module, [7:0] kind. */
static void marker(uint32_t v) { *(volatile uint32_t*)(uintptr_t)(fw_uart_base + 0x10) = v; }
void eb_hal_region(uint32_t layer, uint32_t module, const char* op) {
    (void)op;
    marker((layer << 16) | (module << 8) | 1u);
}
void eb_hal_wait_category(int category) { marker(((uint32_t)category << 8) | 2u); }
void eb_hal_category_override(int category) { marker((((uint32_t)(category + 1)) << 8) | 3u); }
void eb_hal_cpu_kind(int kind) { marker((((uint32_t)(kind + 1)) << 8) | 4u); }

void* eb_hal_map(uint64_t addr, size_t len) {
    (void)len;
    return (void*)(uintptr_t)addr;
}
void eb_hal_unmap(void* ptr, uint64_t addr, size_t len, int write_back) {
    (void)ptr;
    (void)addr;
    (void)len;
    (void)write_back;
}
