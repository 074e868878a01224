/* Driver of the systolic-array tile: one call computes at most a size x size
 * by size x size INT8 product into INT32 (optionally accumulating onto C),
 * size = the platform's systolic_size (8, 16, 32 or 64); larger products are
 * tiled by the compiler into such calls (compiler/lower/lower_systolic.cpp). */
#ifndef EB_SYSTOLIC_H
#define EB_SYSTOLIC_H

#include <stdint.h>

#include "eb_platform.h"

#ifdef __cplusplus
extern "C" {
#endif

void eb_systolic_init(const eb_platform* p);

typedef struct {
    uint32_t m, n, k;
    uint64_t a, b, c;          /* DRAM addresses */
    uint32_t lda, ldb, ldc;    /* row strides in elements */
    uint32_t accumulate;       /* 1: C += A B (C read first) */
} eb_systolic_call;

/* One call; returns 0 or the tile's error cause (the tile is reset after an
 * error). A shape beyond the platform's systolic_size (SYS_CAUSE_BAD_DIMS) or
 * a stride below it (SYS_CAUSE_BAD_STRIDE) is refused before the tile is touched. */
int eb_systolic_run(const eb_platform* p, const eb_systolic_call* c);
/* Cycles the tile reports for its last call. */
uint32_t eb_systolic_last_cycles(const eb_platform* p);

#ifdef __cplusplus
}
#endif

#endif /* EB_SYSTOLIC_H */
