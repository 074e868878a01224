/* The program executor: runs a compiled program (eb_program.h) on the
 * platform, programming the tiles through their drivers and running the
 * CPU-side kernels. */
#ifndef EB_EXECUTOR_H
#define EB_EXECUTOR_H

#include <stdint.h>

#include "eb_platform.h"
#include "eb_program.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EB_EXEC_MAX_RESULTS 64

typedef struct {
    uint32_t instrs_done;
    int error;                     /* 0, or a tile error cause / negative executor error */
    uint32_t error_instr;          /* index of the failing instruction */
    float results[EB_EXEC_MAX_RESULTS]; /* entropy results (EB_H_ENTROPY slots) */
} eb_exec_state;

/* Parses a program image in memory (checks magic, version and sizes). Returns
 * 0, or -1 if the image is malformed. */
int eb_program_parse(const void* image, uint64_t size, eb_program* out);

/* Runs the whole program; returns 0 or the first error (state->error). */
int eb_execute(const eb_platform* p, const eb_program* prog, eb_exec_state* state);

#ifdef __cplusplus
}
#endif

#endif /* EB_EXECUTOR_H */
