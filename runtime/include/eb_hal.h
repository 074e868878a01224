/* Hardware access layer of the EdgeBERT runtime.
 *
 * The runtime is portable C11 and touches the hardware only through these
 * functions. Two implementations exist: the native host of the simulator
 * (sim/host/native_hal.cpp: every access is a TLM transaction through the
 * NoC, CPU work is charged from the SoC's cost table) and the bare-metal
 * RISC-V firmware (volatile MMIO, wfi, the mcycle CSR; eb_hal_charge does
 * nothing because the ISS times real instructions). */
#ifndef EB_HAL_H
#define EB_HAL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

uint32_t eb_hal_read32(uint64_t addr);
void eb_hal_write32(uint64_t addr, uint32_t value);
uint64_t eb_hal_read64(uint64_t addr);
void eb_hal_write64(uint64_t addr, uint64_t value);
/* Sleeps until the external interrupt line is high (RISC-V wfi). */
void eb_hal_wait_for_interrupt(void);
/* The core's cycle counter (mcycle). */
uint64_t eb_hal_cycles(void);
/* Bulk copies between the core's memory and the memory map (DRAM). */
void eb_hal_copy_to_dev(uint64_t dst, const void* src, size_t len);
void eb_hal_copy_from_dev(void* dst, uint64_t src, size_t len);

/* CPU-side work the native host does not execute instruction by instruction. */
typedef enum {
    EB_COST_COPY_BYTE,        /* the bitmask codec's byte work (encode / decode) */
    EB_COST_MEMCPY_BYTE,      /* memcpy / memmove of bytes: "memset" category */
    EB_COST_MEMCPY_CALL,      /* a memcpy call's cycles beyond its bytes (call, set-up, head / tail, return) */
    EB_COST_MEMSET_BYTE,
    EB_COST_MALLOC,
    EB_COST_TRANSPOSE_ELEM,
    EB_COST_FP32_MAC,
    EB_COST_INT32_ADD,
    EB_COST_FP32_ADD,
    EB_COST_FP32_EXP,
    EB_COST_FP32_DIV,
    EB_COST_FP32_SQRT,
    EB_COST_FP32_TANH,
    EB_COST_QUANTIZE_ELEM,     /* float <-> AdaptivFloat code */
    EB_COST_INT8_CONVERT_ELEM, /* float -> INT8, INT32 -> float, INT32 -> INT8 (systolic operands and results) */
    EB_COST_INT32_MAC,         /* naive int32 multiply-accumulate (thesis mode's CPU baseline) */
    EB_COST_SPLICE_LANE,       /* the bitmask splice (EB_H_AF_GATHER): per lane slot walked plus per code moved */
    EB_COST_CODE_MAP_BYTE,     /* a byte through a 256-entry code map (the activation's table on dense streams) */
    EB_COST_PROGRAM_READ       /* eb_hal_charge_mem only: the executor's loads of program instructions */
} eb_cost_t;
void eb_hal_charge(eb_cost_t kind, uint64_t units);

/* Memory traffic of CPU work, on top of the work itself (eb_hal_charge figures
 * are cycles per unit with the data in the L1 D$): `bytes` loaded (store == 0)
 * or stored (store != 0) by a loop that cycles through `working_set` bytes of
 * data before it touches the same bytes again (for data touched once: the
 * bytes of the operation the loop belongs to). The data lies in runs of `run`
 * contiguous bytes whose starts are `stride` bytes apart (run == stride, or
 * stride == 0: one contiguous range). The native host turns this into cycles
 * with the cost table's per-line curves over the working set (load_line,
 * store_line; docs/host-costs.md): a run shorter than a cache line costs a
 * whole line, and a stride that maps the runs onto few cache sets enlarges the
 * working set as the cache sees it. Charged to the category of `kind`. The
 * firmware ignores it: the ISS times the real loads and stores. Hosts without
 * a memory model need not define it (the runtime has a weak no-op). */
void eb_hal_charge_mem(eb_cost_t kind, int store, uint64_t bytes, uint64_t working_set, uint64_t run,
                       uint64_t stride);

/* Accounting (native host only; firmware builds these as no-ops or prints):
 * the program's region markers, the category the next interrupt waits are
 * attributed to, and a category that overrides the cost kinds' own (e.g. a
 * re-layout charged as "transpose"); -1 clears the override. */
void eb_hal_region(uint32_t layer, uint32_t module, const char* op);
/* The kind (eb_cpu_kind) of the CPU work that follows, for the cpu_compute split
 * of the reports; -1 returns to EB_KIND_OTHER. */
void eb_hal_cpu_kind(int kind);
void eb_hal_wait_category(int category);
void eb_hal_category_override(int category);

/* Host kernels work on the core's view of DRAM: map_in returns a pointer to
 * `len` bytes at `addr` (firmware: the address itself; native host: a copy
 * taken without bus traffic, since the kernel's cost is charged per
 * operation), unmap releases it, writing it back first if `write_back`. */
void* eb_hal_map(uint64_t addr, size_t len);
void eb_hal_unmap(void* ptr, uint64_t addr, size_t len, int write_back);

#ifdef __cplusplus
}
#endif

#endif /* EB_HAL_H */
