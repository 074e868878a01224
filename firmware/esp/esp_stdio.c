/* picolibc's standard streams on the SoC's UART, so ESP-style drivers can use
 * printf as ESP's bare-metal programs do. Output only (the UART has no
 * receiver); stdin reads end of file. */
#include <stdio.h>

#include "firmware.h"

static int console_put(char c, FILE *f) {
    (void)f;
    fw_putc(c);
    return (unsigned char)c;
}

static int console_get(FILE *f) {
    (void)f;
    return EOF;
}

static FILE console = FDEV_SETUP_STREAM(console_put, console_get, NULL, _FDEV_SETUP_RW);

FILE *const stdin = &console;
FILE *const stdout = &console;
FILE *const stderr = &console;
