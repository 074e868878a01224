/* Cache timing: the same n x n int32 matrix walked row-major (streaming: four
 * elements per 16-byte line) and column-major (a whole row of stride between
 * two accesses: every access a new line), each walk timed with mcycle.
 * tests/unit/soc/test_cache_timing.cpp runs it with the caches on (the strided
 * walk is several times slower) and off (ideal memory: the two take the same
 * time, since they run the same instructions).
 *
 * Two sizes, each in its own matrix above the firmware's 16 MiB (so no other
 * data shares their cache sets or DRAM rows):
 *   128 x 128 (64 KiB): larger than the L1 D$ and the L2 (32 KiB each) but
 *                       inside the LLC (256 KiB). An untimed warm-up walk
 *                       brings it into the LLC first, so the timed walks
 *                       measure L2 misses that hit the LLC.
 *   512 x 512 (1 MiB):  larger than the LLC as well: misses go to DRAM.
 * Each size: warm-up (streaming, untimed), streaming (timed), strided (timed).
 * The matrices are never written: they read as zeros (the sums check that
 * both walks read every element once, nothing more).
 *
 * Output, one line per size:
 *   stride n=<n> streaming=<cycles> strided=<cycles> sum=<s>,<s> */
#include "firmware.h"

#define MATRIX_SMALL 0x81000000ul /* DRAM base + 16 MiB */
#define MATRIX_LARGE 0x81100000ul /* + 1 MiB */

/* Sums a[o * outer + i * inner] for o, i in [0, n): outer = n, inner = 1 walks
 * row-major, outer = 1, inner = n column-major. noipa: both orders run exactly
 * this code (no clone specialised for a constant stride). */
__attribute__((noipa)) static int64_t walk(const volatile int32_t *a, unsigned n, unsigned long outer,
                                           unsigned long inner) {
    int64_t s = 0;
    for (unsigned o = 0; o < n; ++o) {
        const volatile int32_t *p = a + o * outer;
        for (unsigned i = 0; i < n; ++i, p += inner) s += *p;
    }
    return s;
}

static void run(uintptr_t base, unsigned n) {
    const volatile int32_t *a = (const volatile int32_t *)base;
    (void)walk(a, n, n, 1); /* warm-up: instructions, and the LLC when the matrix fits */
    uint64_t t0 = fw_cycles();
    const int64_t s1 = walk(a, n, n, 1);
    const uint64_t streaming = fw_cycles() - t0;
    t0 = fw_cycles();
    const int64_t s2 = walk(a, n, 1, n);
    const uint64_t strided = fw_cycles() - t0;
    fw_puts("stride n=");
    fw_put_dec(n);
    fw_puts(" streaming=");
    fw_put_dec((int64_t)streaming);
    fw_puts(" strided=");
    fw_put_dec((int64_t)strided);
    fw_puts(" sum=");
    fw_put_dec(s1);
    fw_puts(",");
    fw_put_dec(s2);
    fw_puts("\n");
}

int main(void) {
    run(MATRIX_SMALL, 128);
    run(MATRIX_LARGE, 512);
    return 0;
}
