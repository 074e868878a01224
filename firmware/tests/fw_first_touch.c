/* Exact miss latencies: loads of FT_LINES distinct 16-byte lines, timed with
 * mcycle, in a loop whose cycle count without caches is known, so that
 * tests/unit/soc/test_cache_timing.cpp can compare (caches on) - (caches off)
 * with a figure computed by hand from the cache, NoC and DRAM parameters.
 *
 *   dram: first touch of the lines, all in one DRAM row that a warm-up load
 *         has just opened: each load misses the L1 D$, the L2 and the LLC and
 *         is a DRAM row hit.
 *   llc:  the same lines again after an L2 flush (ESP's L2 cache controller,
 *         eb_cache_flush in LLC-coherent mode, which empties the L1 D$ and
 *         the L2 but not the LLC): each load misses the L1 D$ and the L2 and
 *         hits the LLC.
 *
 * The timed loop is assembly so that its schedule is fixed: the load's result
 * is used two instructions later (no load-use stall to hide part of a miss),
 * nothing but the timed loads touches data memory, and the warm-up pass runs
 * every instruction of the timed pass first (no instruction-cache miss while
 * timing). Output: "first_touch lines=<n> dram=<cycles> llc=<cycles> flushes=<n>". */
#include "eb_cache.h"
#include "firmware.h"

#ifndef FT_LINES
#define FT_LINES 64
#endif
/* DRAM base + 20 MiB + 8 KiB: 2 KiB chunk 10244 = DRAM bank 4, row 1280 (the
 * firmware's code and data sit in banks 0 and 1, its stack in bank 7, so no
 * instruction fetch closes this row between the warm-up and the timed loads). */
#define FT_ROW 0x81402000ul
#define FT_WARM (FT_ROW + 2048 - 16) /* the last line of the same 2 KiB DRAM row */

/* Two passes of the same loop: pass 0 loads the line at `warm` (untimed),
 * pass 1 loads `n` consecutive lines from `lines`; returns pass 1's cycles. */
static uint64_t touch(uintptr_t warm, uintptr_t lines, long n) {
    uint64_t cycles, sum;
    __asm__ volatile(
        "    li   t3, 2\n"          /* passes left */
        "    mv   t4, %[warm]\n"    /* pass 0: one line at warm */
        "    li   t5, 1\n"
        "    li   %[sum], 0\n"
        "1:  csrr t1, mcycle\n"
        "2:  lw   t0, 0(t4)\n"
        "    addi t4, t4, 16\n"
        "    add  %[sum], %[sum], t0\n" /* two instructions after the load: no load-use stall */
        "    addi t5, t5, -1\n"
        "    bnez t5, 2b\n"
        "    csrr t2, mcycle\n"
        "    sub  %[cyc], t2, t1\n"
        "    addi t3, t3, -1\n"
        "    mv   t4, %[lines]\n"   /* pass 1: n lines from lines */
        "    mv   t5, %[n]\n"
        "    bnez t3, 1b\n"
        : [cyc] "=&r"(cycles), [sum] "=&r"(sum)
        : [warm] "r"(warm), [lines] "r"(lines), [n] "r"(n)
        : "t0", "t1", "t2", "t3", "t4", "t5", "memory");
    (void)sum;
    return cycles;
}

int main(void) {
    const uint64_t dram = touch(FT_WARM, FT_ROW, FT_LINES);
    const int flushes = eb_cache_flush(fw_platform(), EB_COH_LLC);
    const uint64_t llc = touch(FT_WARM, FT_ROW, FT_LINES);
    fw_puts("first_touch lines=");
    fw_put_dec(FT_LINES);
    fw_puts(" dram=");
    fw_put_dec((int64_t)dram);
    fw_puts(" llc=");
    fw_put_dec((int64_t)llc);
    fw_puts(" flushes=");
    fw_put_dec(flushes);
    fw_puts("\n");
    return 0;
}
