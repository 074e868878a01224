/* The executor's tile instructions (runtime/src/eb_exec_tile.c). */
#ifndef EB_EXEC_TILE_H
#define EB_EXEC_TILE_H

#include "eb_platform.h"
#include "eb_program.h"

#ifdef __cplusplus
extern "C" {
#endif

int eb_exec_eb_dma(const eb_platform* p, const eb_instr* in);
int eb_exec_eb_matmul(const eb_platform* p, const eb_instr* in);
int eb_exec_eb_sfu(const eb_platform* p, const eb_instr* in);
int eb_exec_sys_call(const eb_platform* p, const eb_instr* in);

#ifdef __cplusplus
}
#endif

#endif /* EB_EXEC_TILE_H */
