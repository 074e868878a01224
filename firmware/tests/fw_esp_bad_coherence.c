/* Writes ACC_COH_AUTO (a software-only value) straight to the EdgeBERT tile's
 * coherence CSR: the CSR refuses it, the core takes a store access fault
 * (mcause 7) and the trap handler exits with 100. */
#include "esp_probe.h"

int main(void) {
    struct esp_device *devs = 0, csr;
    if (probe(&devs, VENDOR_SLD, SLD_EDGEBERT, DEVNAME_EDGEBERT) < 1) return 1;
    if (esp_tile_csr(esp_tile_index(&devs[0]), &csr) != 0) return 2;
    iowrite32(&csr, COHERENCE_REG, ACC_COH_AUTO);
    return 3; /* not reached */
}
