/* PLIC access (ESP-compatible layout, hart 0 machine context). */
#ifndef EB_PLIC_H
#define EB_PLIC_H

#include <stdint.h>

#include "eb_platform.h"

#ifdef __cplusplus
extern "C" {
#endif

void eb_plic_enable(const eb_platform* p, uint32_t source);
uint32_t eb_plic_claim(const eb_platform* p);
void eb_plic_complete(const eb_platform* p, uint32_t source);

#ifdef __cplusplus
}
#endif

#endif /* EB_PLIC_H */
