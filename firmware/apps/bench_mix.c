/* ISS speed benchmark (`edgebert-sim bench iss`): a mixed load / store / ALU
 * loop, then exits. Built twice: over 64 KiB (bench_mix: beyond the default
 * L1 D$ and L2, so nearly every strided load leaves the CPU tile) and over
 * 16 KiB (bench_mix_l1: L1-resident after the first pass). */
#include "firmware.h"

#ifndef BENCH_WORDS
#define BENCH_WORDS 16384 /* 64 KiB */
#endif
#define BENCH_REPS (3276800 / BENCH_WORDS)

volatile uint64_t bench_sink; /* keeps the loop from being optimised away */

static uint32_t buf[BENCH_WORDS];

int main(void) {
    uint32_t x = 1, acc = 0;
    for (int rep = 0; rep < BENCH_REPS; ++rep) {
        for (int i = 0; i < BENCH_WORDS; ++i) {
            x = x * 1664525u + 1013904223u;
            buf[i] ^= x;
            acc += buf[(i * 7) & (BENCH_WORDS - 1)] >> 3;
            if (acc & 1) acc ^= 0x5555u;
        }
    }
    bench_sink = acc;
    return 0;
}
