#include "firmware.h"

#include "fw_platform.h"

volatile uint64_t tohost __attribute__((section(".tohost"), aligned(64)));
volatile uint64_t fromhost __attribute__((section(".tohost"), aligned(64)));

static const eb_platform kPlatform = FW_PLATFORM_INIT;

const eb_platform* fw_platform(void) { return &kPlatform; }

uint64_t fw_uart_base = FW_UART_BASE;

void fw_set_uart_base(uint64_t base) { fw_uart_base = base; }

void fw_putc(char c) {
    volatile uint32_t* tx = (volatile uint32_t*)(uintptr_t)fw_uart_base;
    *tx = (uint8_t)c;
}

void fw_puts(const char* s) {
    while (*s) fw_putc(*s++);
}

void fw_put_dec(int64_t v) {
    char buf[24];
    int n = 0;
    uint64_t u = v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
    if (v < 0) fw_putc('-');
    do buf[n++] = (char)('0' + u % 10); while (u /= 10);
    while (n) fw_putc(buf[--n]);
}

void fw_put_hex(uint64_t v) {
    fw_puts("0x");
    for (int i = 60; i >= 0; i -= 4) fw_putc("0123456789abcdef"[(v >> i) & 15]);
}

_Noreturn void fw_exit(int code) {
    tohost = ((uint64_t)(uint32_t)code << 1) | 1u;
    for (;;) {
    }
}

uint64_t fw_cycles(void) {
    uint64_t c;
    __asm__ volatile("csrr %0, mcycle" : "=r"(c));
    return c;
}

void fw_trap(uint64_t mcause, uint64_t mepc, uint64_t mtval) {
    fw_puts("\nfirmware trap: mcause ");
    fw_put_hex(mcause);
    fw_puts(" mepc ");
    fw_put_hex(mepc);
    fw_puts(" mtval ");
    fw_put_hex(mtval);
    fw_puts("\n");
    fw_exit(100);
}
