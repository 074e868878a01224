/* Host kernels of thesis mode's EdgeBERT flow: each runs one operator of the
 * published driver (eb_thesis.h) on AF_DENSE tensors. */
#include "eb_executor_thesis.h"

#include "eb_hal.h"
#include "eb_kernels.h"
#include "eb_thesis.h"

static uint32_t bias_field(const eb_platform* p, const eb_tensor* t) { return (uint32_t)(t->exp_bias - p->bias_min); }
static uint8_t magnitude(const eb_tensor* t) { return (uint8_t)((1u << (t->af_total_bits - 1u)) - 1u); }
static size_t bytes_of(const eb_tensor* t) { return (size_t)t->rows * t->ld; }

static int dense_af(const eb_tensor* t) { return t->format == EB_FMT_AF_DENSE; }
/* The staging area is sized for the tile the program was compiled for; a deeper tile's
 * buffers would run past it (a program for 4096 rows on an 8192-row tile): refused. */
static int staging_fits(const eb_platform* p, const eb_tensor* st) {
    return (uint64_t)st->rows * st->ld >= eb_thesis_staging_bytes(p);
}

int eb_run_thesis_kernel(const eb_platform* p, const eb_program* prog, const eb_instr* in) {
    const eb_tensor* T = prog->tensors;
    const uint32_t nt = prog->header.num_tensors;
    switch (in->sub) {
        case EB_H_EB_MATMUL_STAGED: {
            if (in->a[0] >= nt || in->a[1] >= nt || in->a[2] >= nt || in->a[3] >= nt) return -2;
            const eb_tensor *a = &T[in->a[0]], *b = &T[in->a[1]], *c = &T[in->a[2]], *st = &T[in->a[3]];
            if (!dense_af(a) || !dense_af(b) || !dense_af(c) || a->cols != b->rows || c->rows != a->rows ||
                c->cols != b->cols || !staging_fits(p, st))
                return -5;
            const uint8_t* pa = (const uint8_t*)eb_hal_map(a->addr, bytes_of(a));
            const uint8_t* pb = (const uint8_t*)eb_hal_map(b->addr, bytes_of(b));
            uint8_t* pc = (uint8_t*)eb_hal_map(c->addr, bytes_of(c));
            const eb_thesis_operand A = {pa, a->ld, a->rows, a->cols, bias_field(p, a), magnitude(a)};
            const eb_thesis_operand B = {pb, b->ld, b->rows, b->cols, bias_field(p, b), magnitude(b)};
            const int rc = eb_thesis_matmul(p, st->addr, &A, &B, pc, c->ld, bias_field(p, c), (uint32_t)in->a[4]);
            eb_hal_unmap(pc, c->addr, bytes_of(c), 1);
            eb_hal_unmap((void*)pb, b->addr, bytes_of(b), 0);
            eb_hal_unmap((void*)pa, a->addr, bytes_of(a), 0);
            return rc;
        }
        case EB_H_EB_SOFTMAX_STAGED: {
            if (in->a[0] >= nt || in->a[1] >= nt || in->a[2] >= nt) return -2;
            const eb_tensor *x = &T[in->a[0]], *y = &T[in->a[1]], *st = &T[in->a[2]];
            if (!dense_af(x) || !dense_af(y) || x->addr != y->addr || x->rows != y->rows || x->cols != y->cols ||
                !staging_fits(p, st))
                return -5;
            const eb_af_format f = {(int)x->af_total_bits, (int)x->af_exp_bits};
            const int one_bias = eb_k_af_choose_bias(1.0f, f, p->bias_min, p->bias_min + 7);
            uint8_t* px = (uint8_t*)eb_hal_map(x->addr, bytes_of(x));
            const int rc = eb_thesis_softmax(p, st->addr, px, x->ld, x->rows, x->cols, bias_field(p, x),
                                             bias_field(p, y), eb_k_af_encode(1.0f, f, one_bias),
                                             (uint32_t)(one_bias - p->bias_min), magnitude(x));
            eb_hal_unmap(px, x->addr, bytes_of(x), 1);
            return rc;
        }
        case EB_H_EB_ADD_LN_STAGED: {
            for (int i = 0; i < 5; ++i)
                if (in->a[i] >= nt) return -2;
            if ((in->a[5] & 0xFFFFFFFFu) >= nt) return -2;
            const eb_tensor *x = &T[in->a[0]], *y = &T[in->a[1]], *r = &T[in->a[2]], *g = &T[in->a[3]],
                            *be = &T[in->a[4]], *st = &T[in->a[5] & 0xFFFFFFFFu];
            if (!dense_af(x) || !dense_af(y) || !dense_af(r) || !dense_af(g) || !dense_af(be) || x->addr != y->addr ||
                r->rows != x->rows || r->cols != x->cols || g->cols != x->cols || be->cols != x->cols ||
                !staging_fits(p, st))
                return -5;
            uint8_t* px = (uint8_t*)eb_hal_map(x->addr, bytes_of(x));
            const uint8_t* pr = (const uint8_t*)eb_hal_map(r->addr, bytes_of(r));
            const uint8_t* pg = (const uint8_t*)eb_hal_map(g->addr, bytes_of(g));
            const uint8_t* pbe = (const uint8_t*)eb_hal_map(be->addr, bytes_of(be));
            const int rc = eb_thesis_add_layer_norm(p, st->addr, px, x->ld, bias_field(p, x), pr, r->ld,
                                                    bias_field(p, r), x->rows, x->cols, pg, bias_field(p, g), pbe,
                                                    bias_field(p, be), (uint32_t)(in->a[5] >> 32), bias_field(p, y),
                                                    magnitude(x));
            eb_hal_unmap((void*)pbe, be->addr, bytes_of(be), 0);
            eb_hal_unmap((void*)pg, g->addr, bytes_of(g), 0);
            eb_hal_unmap((void*)pr, r->addr, bytes_of(r), 0);
            eb_hal_unmap(px, x->addr, bytes_of(x), 1);
            return rc;
        }
        case EB_H_EB_DMA_REFERENCE:
            if (in->a[0] >= nt) return -2;
            if (!staging_fits(p, &T[in->a[0]])) return -5;
            return eb_thesis_dma_reference(p, T[in->a[0]].addr);
        default: return -2;
    }
}
