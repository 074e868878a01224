/* Thesis mode's EdgeBERT host kernels (EB_H_EB_*_STAGED), dispatched by the executor. */
#ifndef EB_EXECUTOR_THESIS_H
#define EB_EXECUTOR_THESIS_H

#include "eb_platform.h"
#include "eb_program.h"

#ifdef __cplusplus
extern "C" {
#endif

int eb_run_thesis_kernel(const eb_platform* p, const eb_program* prog, const eb_instr* in);

#ifdef __cplusplus
}
#endif

#endif /* EB_EXECUTOR_THESIS_H */
