// Compute loops for the ISS speed measurement (never exit by themselves).
// Built twice: integer mix (default) and a double dot product (-DBENCH_FP).
#include <stdint.h>

volatile uint64_t tohost;
uint64_t sink;
double fsink;

void _exit(int code) {
    tohost = ((uint64_t)(uint32_t)code << 1) | 1;
    for (;;) {
    }
}

static uint32_t a[1024];
static double v[256], w[256];

int main(void) {
#ifndef BENCH_FP
    uint32_t x = 1;
    uint64_t acc = 0;
    for (;;) {
        for (int i = 0; i < 1024; ++i) {
            x = x * 1664525u + 1013904223u;
            a[i] ^= x;
            acc += a[(i * 7) & 1023] >> 3;
            if (acc & 1) acc ^= 0x5555;
        }
        sink = acc;
    }
#else
    for (int i = 0; i < 256; ++i) {
        v[i] = i * 0.5;
        w[i] = 1.0 / (i + 1);
    }
    double s = 0;
    for (;;) {
        for (int i = 0; i < 256; ++i) s += v[i] * w[i];
        fsink = s;
    }
#endif
}
