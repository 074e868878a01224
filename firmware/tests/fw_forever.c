/* Never exits: the simulator must stop it at --max-cycles with a clear message. */
#include "firmware.h"

int main(void) {
    volatile uint64_t n = 0;
    for (;;) ++n;
}
