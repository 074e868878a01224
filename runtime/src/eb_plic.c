#include "eb_plic.h"

#include "eb_hal.h"

enum {
    PLIC_PRIORITY = 0x0,       /* + 4 * source */
    PLIC_ENABLE = 0x2000,      /* context 0, one bit per source */
    PLIC_THRESHOLD = 0x200000, /* context 0 */
    PLIC_CLAIM = 0x200004      /* context 0: read claims, write completes */
};

void eb_plic_enable(const eb_platform* p, uint32_t source) {
    const uint64_t en = p->plic_base + PLIC_ENABLE + 4u * (source / 32u);
    eb_hal_write32(p->plic_base + PLIC_PRIORITY + 4u * source, 1u);
    eb_hal_write32(en, eb_hal_read32(en) | (1u << (source % 32u)));
    eb_hal_write32(p->plic_base + PLIC_THRESHOLD, 0u);
}

uint32_t eb_plic_claim(const eb_platform* p) { return eb_hal_read32(p->plic_base + PLIC_CLAIM); }

void eb_plic_complete(const eb_platform* p, uint32_t source) {
    eb_hal_write32(p->plic_base + PLIC_CLAIM, source);
}
