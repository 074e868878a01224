/* ISS speed benchmark (`edgebert-sim bench iss`): a mixed load / store / ALU
 * loop over 64 KiB (beyond the L1 D$, inside the L2... of the default
 * geometry: it exercises hits, misses and the store buffer), then exits. */
#include "firmware.h"

volatile uint64_t bench_sink; /* keeps the loop from being optimised away */

static uint32_t buf[16384];

int main(void) {
    uint32_t x = 1, acc = 0;
    for (int rep = 0; rep < 200; ++rep) {
        for (int i = 0; i < 16384; ++i) {
            x = x * 1664525u + 1013904223u;
            buf[i] ^= x;
            acc += buf[(i * 7) & 16383] >> 3;
            if (acc & 1) acc ^= 0x5555u;
        }
    }
    bench_sink = acc;
    return 0;
}
