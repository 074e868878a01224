/* Bare-metal support: console on the SoC's UART, exit through tohost, the
 * cycle counter, and the platform description generated from the SoC config. */
#ifndef FIRMWARE_H
#define FIRMWARE_H

#include <stdint.h>

#include "eb_platform.h"

void fw_putc(char c);
void fw_puts(const char* s);
void fw_put_dec(int64_t v);
void fw_put_hex(uint64_t v);
_Noreturn void fw_exit(int code);
uint64_t fw_cycles(void);
/* The UART (console, accounting markers): the generated header's, unless a
 * loader says otherwise (the executor takes the SoC's from its descriptor). */
extern uint64_t fw_uart_base;
void fw_set_uart_base(uint64_t base);
/* The SoC this firmware was built for (firmware/generated/fw_platform.h). */
const eb_platform* fw_platform(void);

#endif
