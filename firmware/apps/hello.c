/* Smallest firmware: prints through the UART, checks arithmetic, exits 0. */
#include "firmware.h"

int main(void) {
    volatile double x = 1.5;
    volatile int64_t a = 123456789, b = 1000;
    fw_puts("hello from the EdgeBERT SoC's RISC-V core\n");
    if ((int64_t)(x * 4.0) != 6 || a / b != 123456 || a % b != 789) return 1;
    fw_puts("cycles: ");
    fw_put_dec((int64_t)fw_cycles());
    fw_puts("\n");
    return 0;
}
