// A C program built with picolibc (crt0-hosted, picolibc.ld): proves that
// compiled code, the C library and libm run on the ISS. It computes
// checkable results (read by the test through the symbol table), prints a
// line through the riscv-tests syscall proxy, and exits through tohost with 0
// or the number of the first failed check.
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

volatile uint64_t tohost;
volatile uint64_t fromhost;

uint32_t result_crc;
int64_t result_matmul;
uint64_t result_zeta_bits;

void _exit(int code) {
    tohost = ((uint64_t)(uint32_t)code << 1) | 1;
    for (;;) {
    }
}

// ---- stdout through the syscall proxy ----
static volatile uint64_t magic[4] __attribute__((aligned(8)));

static void sys_write(const char* s, size_t n) {
    magic[0] = 64;
    magic[1] = 1;
    magic[2] = (uintptr_t)s;
    magic[3] = n;
    tohost = (uintptr_t)magic;
    while (fromhost == 0) {
    }
    fromhost = 0;
}

static char line[128];
static size_t line_len;

static int put(char c, FILE* f) {
    (void)f;
    line[line_len++] = c;
    if (c == '\n' || line_len == sizeof line) {
        sys_write(line, line_len);
        line_len = 0;
    }
    return (unsigned char)c;
}

static FILE io = FDEV_SETUP_STREAM(put, NULL, NULL, _FDEV_SETUP_WRITE);
FILE* const stdin = &io;
FILE* const stdout = &io;
FILE* const stderr = &io;

// ---- computations (the test repeats them on the host) ----
static uint32_t crc32(const uint8_t* p, size_t n) {
    uint32_t crc = 0xffffffffu;
    for (size_t i = 0; i < n; ++i) {
        crc ^= p[i];
        for (int b = 0; b < 8; ++b) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

static int cmp_int(const void* a, const void* b) {
    const int x = *(const int*)a, y = *(const int*)b;
    return (x > y) - (x < y);
}

static uint8_t buffer[4096];
static float ma[8][8], mb[8][8], mc[8][8];
static int values[100];

int main(void) {
    // 1. CRC-32 of an LCG stream
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof buffer; ++i) {
        x = x * 1103515245u + 12345u;
        buffer[i] = (uint8_t)(x >> 16);
    }
    result_crc = crc32(buffer, sizeof buffer);

    // 2. float matmul with small integers (exact)
    for (int i = 0; i < 8; ++i) {
        for (int j = 0; j < 8; ++j) {
            ma[i][j] = (float)((i * 3 + j * 5) % 7 - 3);
            mb[i][j] = (float)((i * 2 + j * 7) % 5 - 2);
        }
    }
    for (int i = 0; i < 8; ++i) {
        for (int j = 0; j < 8; ++j) {
            float s = 0.0f;
            for (int k = 0; k < 8; ++k) s += ma[i][k] * mb[k][j];
            mc[i][j] = s;
        }
    }
    int64_t m = 0;
    for (int i = 0; i < 8; ++i) {
        for (int j = 0; j < 8; ++j) m += (int64_t)mc[i][j] * (i * 8 + j + 1);
    }
    result_matmul = m;

    // 3. double sum of 1/k^2
    double zeta = 0.0;
    for (int k = 1; k <= 1000; ++k) {
        const double dk = (double)k;
        const double sq = dk * dk;
        zeta += 1.0 / sq;
    }
    memcpy(&result_zeta_bits, &zeta, sizeof zeta);

    // 4. libm
    volatile double two = 2.0;
    const double r2 = sqrt(two);
    uint64_t r2_bits;
    memcpy(&r2_bits, &r2, 8);
    if (r2_bits != 0x3ff6a09e667f3bcdull) return 4;
    volatile float one = 1.0f, half = 0.5f;
    if (fabsf(expf(one) - 2.7182817f) > 4e-7f) return 5;
    if (fabsf(sinf(half) - 0.47942555f) > 4e-7f) return 6;
    if (fabs(log(exp(3.25)) - 3.25) > 1e-14) return 7;

    // 5. formatted output into a buffer
    char text[64];
    snprintf(text, sizeof text, "%d|%x|%s|%lu", -12345, 0xbeef, "ok", (unsigned long)1234567890123ul);
    if (strcmp(text, "-12345|beef|ok|1234567890123") != 0) return 8;

    // 6. qsort
    x = 7;
    long sum_before = 0, sum_after = 0;
    for (int i = 0; i < 100; ++i) {
        x = x * 1664525u + 1013904223u;
        values[i] = (int)(x >> 8) - (1 << 23);
        sum_before += values[i];
    }
    qsort(values, 100, sizeof values[0], cmp_int);
    for (int i = 0; i < 100; ++i) {
        sum_after += values[i];
        if (i > 0 && values[i - 1] > values[i]) return 9;
    }
    if (sum_before != sum_after) return 10;

    // 7. heap
    char* p = malloc(1000);
    if (p == NULL) return 11;
    memset(p, 0x5a, 1000);
    if (p[999] != 0x5a) return 12;
    free(p);

    // 8. 64-bit integer division
    volatile int64_t num = -1000000000007ll, den = 13;
    if (num / den != -76923076923ll || num % den != -8) return 13;

    printf("cprog: crc=%08lx matmul=%ld\n", (unsigned long)result_crc, (long)result_matmul);
    return 0;
}
