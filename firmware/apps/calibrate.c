/* Measures, on the simulated RISC-V core, the cycles per unit of every entry
 * of the native host's cost table, so `edgebert-sim calibrate` can re-derive
 * the table from real instructions. Prints "cost <entry> <milli-cycles>". */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eb_hal.h"
#include "eb_kernels.h"
#include "firmware.h"

#define N 4096
static float xa[N], xb[N], xc[N];
static uint8_t codes[N], bytes_a[65536], bytes_b[65536];
static int32_t ia[N], ib[N];
static float ma[64 * 64], mb[64 * 64], mc[64 * 64];

static void report(const char* name, uint64_t cycles, uint64_t units) {
    fw_puts("cost ");
    fw_puts(name);
    fw_puts(" ");
    fw_put_dec((int64_t)(cycles * 1000 / units));
    fw_puts("\n");
}

#define MEASURE(name, units, body)              \
    do {                                        \
        const uint64_t t0 = fw_cycles();        \
        body;                                   \
        report(name, fw_cycles() - t0, units);  \
    } while (0)

int main(void) {
    for (int i = 0; i < N; ++i) {
        xa[i] = (float)((i * 37) % 101) / 50.0f - 1.0f;
        xb[i] = (float)((i * 53) % 97) / 40.0f - 1.2f;
        ia[i] = i * 7, ib[i] = -i;
    }
    for (int i = 0; i < 64 * 64; ++i) ma[i] = xa[i % N], mb[i] = xb[(i * 3) % N];
    const eb_af_format f = {8, 3};
    /* Volatile sinks keep the compiler from removing the measured work. */
    void* volatile sink;
    MEASURE("copy_per_byte", sizeof bytes_a, sink = memcpy(bytes_b, bytes_a, sizeof bytes_a));
    MEASURE("memset_per_byte", sizeof bytes_a, sink = memset(bytes_a, 1, sizeof bytes_a));
    MEASURE("malloc_call", 64, for (int i = 0; i < 64; ++i) {
        sink = malloc(256 + (size_t)i);
        free(sink);
    });
    (void)sink;
    MEASURE("transpose_per_element", 64 * 64, eb_k_transpose_f32(ma, 64, mc, 64, 64, 64));
    MEASURE("fp32_mac", 64 * 64 * 64, eb_k_matmul_f32(ma, 64, mb, 64, mc, 64, 64, 64, 64, 1, 0));
    MEASURE("int32_add", N, eb_k_i32_accumulate(ia, ib, N));
    MEASURE("fp32_add", N, eb_k_add_f32(xc, xa, xb, N));
    MEASURE("fp32_exp", N, for (int i = 0; i < N; ++i) xc[i] = expf(xa[i]));
    MEASURE("fp32_div", N, for (int i = 0; i < N; ++i) xc[i] = xa[i] / (xb[i] + 3.0f));
    MEASURE("fp32_sqrt", N, for (int i = 0; i < N; ++i) xc[i] = sqrtf(xa[i] + 2.0f));
    MEASURE("fp32_tanh", N, for (int i = 0; i < N; ++i) xc[i] = tanhf(xa[i]));
    MEASURE("quantize_per_element", N, eb_k_af_quantize(xa, N, f, -7, codes));
    static int8_t q8[N];
    MEASURE("int8_convert_per_element", N, eb_k_i8_quantize(xa, N, 0.01f, q8));
    fw_puts("checksum ");
    fw_put_dec((int64_t)(bytes_b[100] + codes[7] + (int)mc[5] + (int)xc[9] + ia[3] + q8[11]));
    fw_puts("\n");
    return 0;
}
