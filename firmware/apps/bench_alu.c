/* ISS speed benchmark (`edgebert-sim bench iss`): a plain integer loop with
 * no memory traffic beyond instruction fetch, then exits. */
#include "firmware.h"

volatile uint64_t bench_sink; /* keeps the loop from being optimised away */

int main(void) {
    uint64_t x = 1, acc = 0;
    for (uint64_t i = 0; i < 40000000u; ++i) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        acc += (x >> 17) ^ i;
    }
    bench_sink = acc;
    return 0;
}
