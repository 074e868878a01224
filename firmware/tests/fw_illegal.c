/* Executes an illegal instruction: the core traps (mcause 2), the trap
 * handler reports it on the UART and exits with code 100. */
#include "firmware.h"

int main(void) {
    __asm__ volatile(".word 0x00000000");
    return 0;
}
