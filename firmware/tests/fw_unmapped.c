/* Loads from an address no target maps: the bus answers with an error, the
 * core takes a load access fault (mcause 5) and the handler exits with 100. */
#include "firmware.h"

int main(void) {
    volatile uint32_t* p = (volatile uint32_t*)0x10000000u;
    return (int)*p;
}
