/* EB_H_AF_GATHER: re-blocking tile-format activations in the code domain. */
#ifndef EB_EXEC_GATHER_H
#define EB_EXEC_GATHER_H

#include "eb_platform.h"
#include "eb_program.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Returns 0, or EB_EXEC_ERR_FORMAT for operands the kernel cannot re-block. A
 * source stream cannot overrun its block: a lane takes at most one code per
 * vector. */
int eb_run_af_gather(const eb_platform* p, const eb_program* prog, const eb_instr* in);

#ifdef __cplusplus
}
#endif

#endif /* EB_EXEC_GATHER_H */
