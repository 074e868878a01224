#include "eb_cache.h"

#include "eb_hal.h"
#include "eb_program.h"

enum { CACHE_CMD = 0x0, CACHE_STATUS = 0x4, CACHE_CMD_FLUSH = 1u << 1, CACHE_STATUS_DONE = 1u };

static void flush_one(uint64_t ctrl) {
    eb_hal_write32(ctrl + CACHE_CMD, CACHE_CMD_FLUSH);
    while (!(eb_hal_read32(ctrl + CACHE_STATUS) & CACHE_STATUS_DONE)) {
    }
    eb_hal_write32(ctrl + CACHE_CMD, 0u); /* clear DONE for the next flush */
}

int eb_cache_flush(const eb_platform* p, uint32_t coherence) {
    if (coherence >= EB_COH_RECALL) return 0;
    int n = 0;
    eb_hal_category_override(EB_CAT_FLUSH);
    if (p->l2_ctrl_base) {
        flush_one(p->l2_ctrl_base);
        ++n;
    }
    if (coherence == EB_COH_NONE && p->llc_ctrl_base) {
        flush_one(p->llc_ctrl_base);
        ++n;
    }
    eb_hal_category_override(-1);
    return n;
}

void eb_set_coherence(uint64_t csr, uint32_t coherence) {
    if (csr) eb_hal_write32(csr, coherence);
}
