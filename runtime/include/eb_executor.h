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

/* Executor errors (state->error, negative; a tile's error cause is positive):
 * -1 unknown instruction, -2 unknown host kernel or tensor index, -3 a corrupt
 * AF block image, -4 an AF block larger than the executor's scratch,
 * EB_EXEC_ERR_FORMAT a tensor format, shape or parameter the operation does not
 * take, EB_EXEC_ERR_NOMEM the C library's malloc returned NULL (EB_H_MALLOC, a
 * transpose's temporary), EB_EXEC_ERR_SLOT an allocation slot out of range,
 * already in use (EB_H_MALLOC) or empty (EB_H_FREE). */
#define EB_EXEC_ERR_FORMAT (-5)
#define EB_EXEC_ERR_NOMEM (-6)
#define EB_EXEC_ERR_SLOT (-7)
/* A polling driver (thesis mode) waited 2^32 cycles for an interrupt that never came. */
#define EB_EXEC_ERR_TIMEOUT (-8)

typedef struct {
    uint32_t instrs_done;
    int error;                     /* 0, or a tile error cause / negative executor error */
    uint32_t error_instr;          /* index of the failing instruction */
    float results[EB_EXEC_MAX_RESULTS]; /* entropy results (EB_H_ENTROPY slots) */
    uint32_t reserved;
    /* Thesis mode's DMA bookkeeping for the silicon DMA projection (eb_thesis.h). */
    uint64_t dma_words_read, dma_words_written, ref_read_cycles, ref_write_cycles;
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
