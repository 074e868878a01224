/* bench_mix over an L1-resident 16 KiB array (see bench_mix.c). */
#define BENCH_WORDS 4096
#include "bench_mix.c"
