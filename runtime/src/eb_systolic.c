#include "eb_systolic.h"

#include "eb_cache.h"
#include "eb_hal.h"
#include "eb_plic.h"
#include "eb_systolic_regs.h"

static void wr(const eb_platform* p, uint32_t off, uint32_t v) { eb_hal_write32(p->systolic_base + off, v); }
static uint32_t rd(const eb_platform* p, uint32_t off) { return eb_hal_read32(p->systolic_base + off); }

void eb_systolic_init(const eb_platform* p) {
    eb_set_coherence(p->systolic_coherence_csr, p->systolic_coherence);
    wr(p, SYS_REG_CTRL, SYS_CTRL_SOFT_RESET);
    eb_plic_enable(p, p->systolic_irq);
}

int eb_systolic_run(const eb_platform* p, const eb_systolic_call* c) {
    /* The tile would refuse these too (after a command and an interrupt round
     * trip); the array size comes from the platform, as the compiler's tiling does. */
    const uint32_t size = p->systolic_size;
    if (c->m < 1 || c->m > size || c->n < 1 || c->n > size || c->k < 1 || c->k > size) return (int)SYS_CAUSE_BAD_DIMS;
    if (c->lda < c->k || c->ldb < c->n || c->ldc < c->n) return (int)SYS_CAUSE_BAD_STRIDE;
    wr(p, SYS_REG_M, c->m);
    wr(p, SYS_REG_N, c->n);
    wr(p, SYS_REG_K, c->k);
    wr(p, SYS_REG_FLAGS, c->accumulate ? SYS_FLAG_ACCUMULATE : 0u);
    wr(p, SYS_REG_A_ADDR_LO, (uint32_t)c->a);
    wr(p, SYS_REG_A_ADDR_HI, (uint32_t)(c->a >> 32));
    wr(p, SYS_REG_B_ADDR_LO, (uint32_t)c->b);
    wr(p, SYS_REG_B_ADDR_HI, (uint32_t)(c->b >> 32));
    wr(p, SYS_REG_C_ADDR_LO, (uint32_t)c->c);
    wr(p, SYS_REG_C_ADDR_HI, (uint32_t)(c->c >> 32));
    wr(p, SYS_REG_LDA, c->lda);
    wr(p, SYS_REG_LDB, c->ldb);
    wr(p, SYS_REG_LDC, c->ldc);
    wr(p, SYS_REG_COMMAND, SYS_CMD_RUN);
    for (;;) {
        const uint32_t s = rd(p, SYS_REG_CTRL);
        if (s & SYS_CTRL_ERROR) {
            wr(p, SYS_REG_CTRL, SYS_CTRL_SOFT_RESET);
            return (int)(s & SYS_CTRL_CAUSE_MASK);
        }
        if (s & SYS_CTRL_DONE) {
            wr(p, SYS_REG_CTRL, SYS_CTRL_DONE);
            return 0;
        }
        eb_hal_wait_for_interrupt();
        const uint32_t id = eb_plic_claim(p);
        if (id) eb_plic_complete(p, id);
    }
}

uint32_t eb_systolic_last_cycles(const eb_platform* p) { return rd(p, SYS_REG_CYCLES); }
