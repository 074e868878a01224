#include "eb_executor.h"

#include <stdlib.h>
#include <string.h>

#include "eb_edgebert.h"
#include "eb_exec_gather.h"
#include "eb_exec_tile.h"
#include "eb_executor_thesis.h"
#include "eb_thesis.h"
#include "eb_hal.h"
#include "eb_kernels.h"
#include "eb_systolic.h"
#include "eb_cache.h"

/* ------------------------------------------------------------ parsing */

int eb_program_parse(const void* image, uint64_t size, eb_program* out) {
    const uint8_t* b = (const uint8_t*)image;
    if (size < sizeof(eb_program_header)) return -1;
    memcpy(&out->header, b, sizeof(eb_program_header));
    if (out->header.magic != EB_PROGRAM_MAGIC || out->header.version != 1) return -1;
    const uint64_t need = sizeof(eb_program_header) + (uint64_t)out->header.num_tensors * sizeof(eb_tensor) +
                          (uint64_t)out->header.num_instrs * sizeof(eb_instr) + out->header.strings_bytes;
    if (need != size) return -1;
    out->tensors = (const eb_tensor*)(b + sizeof(eb_program_header));
    out->instrs = (const eb_instr*)(out->tensors + out->header.num_tensors);
    out->strings = (const char*)(out->instrs + out->header.num_instrs);
    if (out->header.strings_bytes && out->strings[out->header.strings_bytes - 1] != '\0') return -1;
    return 0;
}

/* ------------------------------------------------------------ tensors */

static uint32_t elem_bytes(uint32_t fmt) { return fmt == EB_FMT_I8 || fmt == EB_FMT_AF_DENSE ? 1u : 4u; }

/* Dense (F32 / I8 / I32) tensor mapped into the core. */
static void* map_dense(const eb_tensor* t) {
    return eb_hal_map(t->addr, (size_t)t->rows * t->ld * elem_bytes(t->format));
}
static void unmap_dense(const eb_tensor* t, void* ptr, int write_back) {
    eb_hal_unmap(ptr, t->addr, (size_t)t->rows * t->ld * elem_bytes(t->format), write_back);
}

/* ------------------------------------------------------ memory traffic */

/* What a host operation loads and stores, for hosts that charge memory traffic
 * (eb_hal_charge_mem; the kernels charge their own re-reads). Data an operation
 * touches once cycles through the operation's working set: the bytes of its
 * tensor operands (an AF tensor: one code per element plus its mask bits). */
static uint64_t s_op_bytes;

static uint64_t op_bytes(const eb_tensor* t) {
    const uint64_t elems = (uint64_t)t->rows * t->cols;
    return t->format == EB_FMT_AF_BLOCKS ? elems + elems / 8u : elems * elem_bytes(t->format);
}

/* rows x cols elements of dense tensor t, loaded (store == 0) or stored once. */
static void charge_dense(eb_cost_t kind, int store, const eb_tensor* t, uint32_t rows, uint32_t cols) {
    const uint64_t es = elem_bytes(t->format);
    eb_hal_charge_mem(kind, store, (uint64_t)rows * cols * es, s_op_bytes, (uint64_t)cols * es, (uint64_t)t->ld * es);
}

/* Contiguous bytes touched once, or within a working set of `ws` bytes. */
static void charge_bytes(eb_cost_t kind, int store, uint64_t bytes, uint64_t ws) {
    eb_hal_charge_mem(kind, store, bytes, ws ? ws : s_op_bytes, bytes, bytes);
}

static uint32_t af_block_cols(const eb_tensor* t) { return t->ld; } /* AF: ld holds the block's column count */

static uint64_t af_mask_bytes(const eb_tensor* t, uint32_t lanes) {
    return eb_k_bitmask_mask_bytes((size_t)t->block_rows * af_block_cols(t) / lanes, (int)lanes);
}

static uint64_t af_rows_offset(const eb_tensor* t, uint32_t lanes) { return (af_mask_bytes(t, lanes) + 63u) & ~63ull; }

/* Encodes rows [r0, r0 + block_rows) x cols [c0, c0 + bc) of `src` (F32, ld
 * elements) into AF block (br, bc) of t. */
static void af_store_block(const eb_platform* p, const eb_tensor* t, uint32_t br, uint32_t bcol, const float* src,
                           size_t ld, uint8_t* codes, uint8_t* mask, uint8_t* rows) {
    const uint32_t lanes = p->lanes, bc = af_block_cols(t), nrows = t->block_rows;
    const eb_af_format f = {(int)t->af_total_bits, (int)t->af_exp_bits};
    for (uint32_t r = 0; r < nrows; ++r) eb_k_af_quantize(src + (size_t)r * ld, bc, f, t->exp_bias, codes + (size_t)r * bc);
    const size_t vectors = (size_t)nrows * bc / lanes;
    const uint8_t mag = (uint8_t)((1u << (t->af_total_bits - 1)) - 1u);
    const size_t depth = eb_k_bitmask_encode(codes, vectors, (int)lanes, mag, mask, rows);
    const uint32_t blocks_per_row = t->cols / bc;
    const uint64_t base = t->addr + (uint64_t)(br * blocks_per_row + bcol) * t->block_stride;
    const size_t mbytes = (size_t)af_mask_bytes(t, lanes);
    void* m = eb_hal_map(base, mbytes);
    memcpy(m, mask, mbytes);
    eb_hal_unmap(m, base, mbytes, 1);
    if (depth) {
        void* d = eb_hal_map(base + af_rows_offset(t, lanes), depth * lanes);
        memcpy(d, rows, depth * lanes);
        eb_hal_unmap(d, base + af_rows_offset(t, lanes), depth * lanes, 1);
    }
    {
        /* The two copies into the image; the block's F32 rows in, the codes, mask and
         * rows through the scratch buffers (stored, then loaded again), the image out. */
        const uint64_t elems = (uint64_t)nrows * bc, image = mbytes + (uint64_t)depth * lanes;
        const uint64_t scratch = 4u * elems + elems + image;
        eb_hal_charge(EB_COST_MEMCPY_BYTE, image);
        eb_hal_charge(EB_COST_MEMCPY_CALL, depth ? 2u : 1u);
        eb_hal_charge_mem(EB_COST_QUANTIZE_ELEM, 0, 4u * elems, s_op_bytes, 4u * (uint64_t)bc, 4u * (uint64_t)ld);
        charge_bytes(EB_COST_QUANTIZE_ELEM, 1, elems + image, scratch);
        charge_bytes(EB_COST_QUANTIZE_ELEM, 0, elems + image, scratch);
        charge_bytes(EB_COST_QUANTIZE_ELEM, 1, image, 0);
    }
}

/* Decodes block (br, bcol) of t and converts its first `nrows` rows to F32 at dst. */
static int af_load_block(const eb_platform* p, const eb_tensor* t, uint32_t br, uint32_t bcol, float* dst, size_t ld,
                         uint8_t* codes, uint32_t nrows) {
    const uint32_t lanes = p->lanes, bc = af_block_cols(t);
    const eb_af_format f = {(int)t->af_total_bits, (int)t->af_exp_bits};
    const size_t vectors = (size_t)t->block_rows * bc / lanes;
    const uint32_t blocks_per_row = t->cols / bc;
    const uint64_t base = t->addr + (uint64_t)(br * blocks_per_row + bcol) * t->block_stride;
    const size_t mbytes = (size_t)af_mask_bytes(t, lanes), rbytes = vectors * lanes;
    const uint8_t* m = (const uint8_t*)eb_hal_map(base, mbytes);
    const uint8_t* rows = (const uint8_t*)eb_hal_map(base + af_rows_offset(t, lanes), rbytes);
    const int rc = eb_k_bitmask_decode(m, rows, vectors, vectors, (int)lanes, codes);
    eb_hal_unmap((void*)rows, base + af_rows_offset(t, lanes), rbytes, 0);
    eb_hal_unmap((void*)m, base, mbytes, 0);
    if (rc) return -3;
    for (uint32_t r = 0; r < nrows; ++r) eb_k_af_dequantize(codes + (size_t)r * bc, bc, f, t->exp_bias, dst + (size_t)r * ld);
    {
        /* The image in (the bytes mapped), the codes through the scratch buffer, the F32 rows out. */
        const uint64_t elems = (uint64_t)nrows * bc, image = mbytes + rbytes;
        const uint64_t scratch = 4u * elems + elems + image;
        charge_bytes(EB_COST_QUANTIZE_ELEM, 0, image, 0);
        charge_bytes(EB_COST_QUANTIZE_ELEM, 1, elems, scratch);
        charge_bytes(EB_COST_QUANTIZE_ELEM, 0, elems, scratch);
        eb_hal_charge_mem(EB_COST_QUANTIZE_ELEM, 1, 4u * elems, s_op_bytes, 4u * (uint64_t)bc, 4u * (uint64_t)ld);
    }
    return 0;
}

/* Scratch for one AF block (the largest block the compiler emits fits). */
#define EB_EXEC_BLOCK_BYTES (64u * 4096u)
static uint8_t s_codes[EB_EXEC_BLOCK_BYTES], s_mask[EB_EXEC_BLOCK_BYTES / 8], s_rows[EB_EXEC_BLOCK_BYTES];

/* F32 (rows x cols at src, ld) -> tensor t (AF blocks or I8), placed at (r0, c0) of src. */
static int quantize(const eb_platform* p, const eb_tensor* src, const eb_tensor* dst, uint32_t r0, uint32_t c0) {
    float* s = (float*)map_dense(src);
    int rc = 0;
    if (dst->format == EB_FMT_AF_BLOCKS) {
        const uint32_t bc = af_block_cols(dst);
        if ((size_t)dst->block_rows * bc > EB_EXEC_BLOCK_BYTES) rc = -4;
        for (uint32_t br = 0; !rc && br < dst->rows / dst->block_rows; ++br)
            for (uint32_t bcol = 0; bcol < dst->cols / bc; ++bcol)
                af_store_block(p, dst, br, bcol, s + (size_t)(r0 + br * dst->block_rows) * src->ld + c0 + bcol * bc,
                               src->ld, s_codes, s_mask, s_rows);
    } else if (dst->format == EB_FMT_I8) {
        int8_t* q = (int8_t*)map_dense(dst);
        for (uint32_t r = 0; r < dst->rows; ++r)
            eb_k_i8_quantize(s + (size_t)(r0 + r) * src->ld + c0, dst->cols, dst->scale, q + (size_t)r * dst->ld);
        charge_dense(EB_COST_INT8_CONVERT_ELEM, 0, src, dst->rows, dst->cols);
        charge_dense(EB_COST_INT8_CONVERT_ELEM, 1, dst, dst->rows, dst->cols);
        unmap_dense(dst, q, 1);
    } else {
        rc = EB_EXEC_ERR_FORMAT;
    }
    unmap_dense(src, s, 0);
    return rc;
}

static int dequantize(const eb_platform* p, const eb_tensor* src, const eb_tensor* dst, uint32_t r0, uint32_t c0) {
    float* d = (float*)map_dense(dst);
    int rc = 0;
    if (src->format == EB_FMT_AF_BLOCKS) {
        const uint32_t bc = af_block_cols(src);
        for (uint32_t br = 0; !rc && br < src->rows / src->block_rows; ++br)
            for (uint32_t bcol = 0; !rc && bcol < src->cols / bc; ++bcol) {
                /* Only the rows dst has (the pooler reads one row of a 16-row block). */
                const uint32_t first = r0 + br * src->block_rows;
                const uint32_t nrows = first >= dst->rows ? 0
                                       : dst->rows - first < src->block_rows ? dst->rows - first
                                                                            : src->block_rows;
                if (nrows)
                    rc = af_load_block(p, src, br, bcol, d + (size_t)first * dst->ld + c0 + bcol * bc, dst->ld,
                                       s_codes, nrows);
            }
    } else if (src->format == EB_FMT_I32) {
        int32_t* a = (int32_t*)map_dense(src);
        for (uint32_t r = 0; r < src->rows; ++r)
            eb_k_i32_dequantize(a + (size_t)r * src->ld, src->cols, src->scale, d + (size_t)(r0 + r) * dst->ld + c0);
        charge_dense(EB_COST_FP32_MAC, 0, src, src->rows, src->cols);
        charge_dense(EB_COST_FP32_MAC, 1, dst, src->rows, src->cols);
        unmap_dense(src, a, 0);
    } else {
        rc = EB_EXEC_ERR_FORMAT;
    }
    unmap_dense(dst, d, 1);
    return rc;
}

/* ------------------------------------------------------- allocations */

/* EB_H_MALLOC / EB_H_FREE: real allocations from the C library's heap (the
 * published software malloc'd every intermediate), kept by slot. The table is
 * emptied, and whatever a program left allocated freed, when a program starts
 * and when it ends. */
static void* s_slots[EB_ALLOC_SLOTS];

static void release_slots(void) {
    for (uint32_t i = 0; i < EB_ALLOC_SLOTS; ++i) {
        free(s_slots[i]);
        s_slots[i] = 0;
    }
}

/* What an allocation costs: the allocator's call, and the clearing of the
 * block, which picolibc's malloc (the firmware's) does for every block it
 * returns. The clearing's word stores come faster than the L2's write-allocate
 * fills drain from the store buffer, so a line not in the caches costs its fill
 * (a load of the line) besides the store (docs/host-costs.md). */
static void charge_malloc(uint64_t bytes) {
    eb_hal_charge(EB_COST_MALLOC, 1);
    if (!bytes) return;
    eb_hal_charge(EB_COST_MEMSET_BYTE, bytes);
    charge_bytes(EB_COST_MEMSET_BYTE, 0, bytes, bytes);
    charge_bytes(EB_COST_MEMSET_BYTE, 1, bytes, bytes);
}

static int host_malloc(uint64_t bytes, uint64_t slot) {
    if (slot >= EB_ALLOC_SLOTS || s_slots[slot]) return EB_EXEC_ERR_SLOT;
    if (bytes > (uint64_t)(SIZE_MAX / 2)) {
        eb_hal_charge(EB_COST_MALLOC, 1);
        return EB_EXEC_ERR_NOMEM;
    }
    s_slots[slot] = malloc(bytes ? (size_t)bytes : 1u);
    if (!s_slots[slot]) {
        eb_hal_charge(EB_COST_MALLOC, 1);
        return EB_EXEC_ERR_NOMEM;
    }
    charge_malloc(bytes);
    return 0;
}

static int host_free(uint64_t slot) {
    if (slot >= EB_ALLOC_SLOTS || !s_slots[slot]) return EB_EXEC_ERR_SLOT;
    free(s_slots[slot]);
    s_slots[slot] = 0;
    return 0;
}

/* dst (cols x rows, ldd) = src (rows x cols, lds)^T for 1- or 4-byte elements. */
static void transpose_elems(uint32_t es, const void* src, size_t lds, void* dst, size_t ldd, int rows, int cols) {
    if (es == 1) eb_k_transpose_u8((const uint8_t*)src, lds, (uint8_t*)dst, ldd, rows, cols);
    else eb_k_transpose_u32((const uint32_t*)src, lds, (uint32_t*)dst, ldd, rows, cols);
}

/* EB_H_TRANSPOSE: dst = src^T, straight into dst, or (via_tmp) through a
 * malloc'd temporary copied into dst afterwards: with dst on src's own storage,
 * the published software's in-place transpose. */
static int transpose(const eb_tensor* s, const eb_tensor* d, int via_tmp) {
    if (s->format != d->format || s->format == EB_FMT_AF_BLOCKS || d->rows != s->cols || d->cols != s->rows)
        return EB_EXEC_ERR_FORMAT;
    const uint32_t es = elem_bytes(s->format);
    const uint64_t bytes = (uint64_t)s->rows * s->cols * es;
    uint8_t* tmp = 0;
    if (via_tmp) {
        tmp = (uint8_t*)malloc(bytes ? (size_t)bytes : 1u);
        if (!tmp) return EB_EXEC_ERR_NOMEM;
        s_op_bytes += bytes;
        charge_malloc(bytes);
    }
    const void* ps = map_dense(s);
    uint8_t* pd = (uint8_t*)map_dense(d);
    if (!via_tmp && s->format == EB_FMT_F32) {
        eb_k_transpose_f32((const float*)ps, s->ld, (float*)pd, d->ld, (int)s->rows, (int)s->cols);
    } else {
        transpose_elems(es, ps, s->ld, via_tmp ? tmp : pd, via_tmp ? s->rows : d->ld, (int)s->rows, (int)s->cols);
    }
    charge_dense(EB_COST_TRANSPOSE_ELEM, 0, s, s->rows, s->cols);
    if (via_tmp) {
        charge_bytes(EB_COST_TRANSPOSE_ELEM, 1, bytes, 0);
        /* The copy back: the temporary's rows over dst's. */
        for (uint32_t r = 0; r < d->rows; ++r)
            memcpy(pd + (size_t)r * d->ld * es, tmp + (size_t)r * d->cols * es, (size_t)d->cols * es);
        eb_hal_charge(EB_COST_MEMCPY_BYTE, bytes);
        eb_hal_charge(EB_COST_MEMCPY_CALL, d->rows);
        charge_bytes(EB_COST_MEMCPY_BYTE, 0, bytes, 0);
        charge_dense(EB_COST_MEMCPY_BYTE, 1, d, d->rows, d->cols);
        free(tmp);
    } else {
        charge_dense(EB_COST_TRANSPOSE_ELEM, 1, d, s->cols, s->rows);
    }
    unmap_dense(d, pd, 1);
    unmap_dense(s, (void*)ps, 0);
    return 0;
}

static float bits_to_float(uint64_t v) {
    uint32_t u = (uint32_t)v;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static int run_host(const eb_platform* p, const eb_program* prog, const eb_instr* in, eb_exec_state* st) {
    static const uint8_t tensor_args[] = {0, 6, 3, 2, 3, 3, 1, 1, 1, 2, 2, 2, 2, 0, 2, 1, 0, 3, 0, 2};
    const eb_tensor* T = prog->tensors;
    if (in->sub >= sizeof(tensor_args)) return -2;
    for (uint32_t i = 0; i < tensor_args[in->sub]; ++i)
        if (in->a[i] >= prog->header.num_tensors) return -2;
    s_op_bytes = 0;
    for (uint32_t i = 0; i < tensor_args[in->sub]; ++i) s_op_bytes += op_bytes(&T[in->a[i]]);
    switch (in->sub) {
        case EB_H_EMBED: {
            const eb_tensor *ids = &T[in->a[0]], *w = &T[in->a[1]], *pos = &T[in->a[2]], *ty = &T[in->a[3]],
                            *out = &T[in->a[4]], *tids = &T[in->a[5]];
            if (ids->format != EB_FMT_I32 || tids->format != EB_FMT_I32 || ids->cols < out->rows ||
                tids->cols < out->rows)
                return EB_EXEC_ERR_FORMAT;
            int32_t* id = (int32_t*)map_dense(ids);
            const int32_t* tid = (const int32_t*)map_dense(tids);
            for (uint32_t s = 0; s < out->rows; ++s) {
                if (tid[s] < 0 || (uint32_t)tid[s] >= ty->rows) {
                    unmap_dense(tids, (void*)tid, 0);
                    unmap_dense(ids, id, 0);
                    return EB_EXEC_ERR_FORMAT;
                }
            }
            float* o = (float*)map_dense(out);
            const float* pp = (const float*)map_dense(pos);
            const float* tp = (const float*)map_dense(ty);
            for (uint32_t s = 0; s < out->rows; ++s) {
                const uint64_t row = w->addr + (uint64_t)id[s] * w->ld * 4u;
                const float* wr = (const float*)eb_hal_map(row, out->cols * 4u);
                eb_k_add_f32(o + (size_t)s * out->ld, wr, pp + (size_t)s * pos->ld, out->cols);
                eb_k_add_f32(o + (size_t)s * out->ld, o + (size_t)s * out->ld, tp + (size_t)tid[s] * ty->ld, out->cols);
                eb_hal_unmap((void*)wr, row, out->cols * 4u, 0);
            }
            charge_bytes(EB_COST_FP32_ADD, 0, (uint64_t)out->rows * out->cols * 4u, 0); /* the words' rows */
            charge_dense(EB_COST_FP32_ADD, 0, pos, out->rows, out->cols);
            charge_dense(EB_COST_FP32_ADD, 1, out, out->rows, out->cols);
            unmap_dense(ty, (void*)tp, 0);
            unmap_dense(tids, (void*)tid, 0);
            unmap_dense(pos, (void*)pp, 0);
            unmap_dense(out, o, 1);
            unmap_dense(ids, id, 0);
            return 0;
        }
        case EB_H_MATMUL: {
            const eb_tensor *a = &T[in->a[0]], *b = &T[in->a[1]], *c = &T[in->a[2]];
            const float* pa = (const float*)map_dense(a);
            const float* pb = (const float*)map_dense(b);
            float* pc = (float*)map_dense(c);
            /* a3: bit 0 accumulate, bit 1 B is K x N (not transposed) */
            eb_k_matmul_f32(pa, a->ld, pb, b->ld, pc, c->ld, (int)c->rows, (int)c->cols, (int)a->cols,
                            (in->a[3] & 2u) ? 0 : 1, (int)(in->a[3] & 1u));
            charge_dense(EB_COST_FP32_MAC, 0, a, c->rows, a->cols);
            charge_dense(EB_COST_FP32_MAC, 0, b, b->rows, b->cols);
            if (in->a[3] & 1u) charge_dense(EB_COST_FP32_MAC, 0, c, c->rows, c->cols);
            charge_dense(EB_COST_FP32_MAC, 1, c, c->rows, c->cols);
            unmap_dense(c, pc, 1);
            unmap_dense(b, (void*)pb, 0);
            unmap_dense(a, (void*)pa, 0);
            return 0;
        }
        case EB_H_ADD_BIAS: {
            const eb_tensor *x = &T[in->a[0]], *b = &T[in->a[1]];
            float* px = (float*)map_dense(x);
            const float* pb = (const float*)map_dense(b);
            eb_k_add_bias_f32(px, (int)x->rows, (int)x->cols, x->ld, pb);
            charge_dense(EB_COST_FP32_ADD, 0, x, x->rows, x->cols);
            charge_dense(EB_COST_FP32_ADD, 1, x, x->rows, x->cols);
            unmap_dense(b, (void*)pb, 0);
            unmap_dense(x, px, 1);
            return 0;
        }
        case EB_H_ADD: {
            const eb_tensor *y = &T[in->a[0]], *a = &T[in->a[1]], *b = &T[in->a[2]];
            float* py = (float*)map_dense(y);
            const float* pa = (const float*)map_dense(a);
            const float* pb = (const float*)map_dense(b);
            for (uint32_t r = 0; r < y->rows; ++r)
                eb_k_add_f32(py + (size_t)r * y->ld, pa + (size_t)r * a->ld, pb + (size_t)r * b->ld, y->cols);
            charge_dense(EB_COST_FP32_ADD, 0, a, y->rows, y->cols);
            charge_dense(EB_COST_FP32_ADD, 0, b, y->rows, y->cols);
            charge_dense(EB_COST_FP32_ADD, 1, y, y->rows, y->cols);
            unmap_dense(b, (void*)pb, 0);
            unmap_dense(a, (void*)pa, 0);
            unmap_dense(y, py, 1);
            return 0;
        }
        case EB_H_LAYER_NORM: {
            const eb_tensor *x = &T[in->a[0]], *g = &T[in->a[1]], *b = &T[in->a[2]];
            float* px = (float*)map_dense(x);
            const float* pg = (const float*)map_dense(g);
            const float* pb = (const float*)map_dense(b);
            eb_k_layer_norm_f32(px, (int)x->rows, (int)x->cols, x->ld, pg, pb, bits_to_float(in->a[3]));
            charge_dense(EB_COST_FP32_ADD, 0, x, x->rows, x->cols);
            charge_dense(EB_COST_FP32_ADD, 1, x, x->rows, x->cols);
            unmap_dense(b, (void*)pb, 0);
            unmap_dense(g, (void*)pg, 0);
            unmap_dense(x, px, 1);
            return 0;
        }
        case EB_H_SOFTMAX:
        case EB_H_GELU:
        case EB_H_TANH: {
            const eb_tensor* x = &T[in->a[0]];
            const int softmax = in->sub == EB_H_SOFTMAX;
            /* Softmax a2: the key mask's tensor + 1 (0: none). */
            if (softmax && in->a[2] > prog->header.num_tensors) return -2;
            const eb_tensor* mk = softmax && in->a[2] ? &T[in->a[2] - 1] : 0;
            const uint64_t act = in->sub == EB_H_GELU ? in->a[1] : EB_ACT_GELU_TANH;
            const float scale = softmax ? bits_to_float(in->a[1]) : 1.0f;
            if (act >= EB_ACT_COUNT) return EB_EXEC_ERR_FORMAT;
            if (mk && (mk->format != EB_FMT_F32 || mk->cols != x->cols)) return EB_EXEC_ERR_FORMAT;
            if (mk) s_op_bytes += op_bytes(mk);
            float* px = (float*)map_dense(x);
            if (softmax) {
                const float* pm = mk ? (const float*)map_dense(mk) : 0;
                if (scale != 1.0f)
                    for (uint32_t r = 0; r < x->rows; ++r) eb_k_scale_f32(px + (size_t)r * x->ld, x->cols, scale);
                eb_k_softmax_f32(px, (int)x->rows, (int)x->cols, x->ld, pm);
                if (mk) {
                    charge_dense(EB_COST_FP32_ADD, 0, mk, mk->rows, mk->cols);
                    unmap_dense(mk, (void*)pm, 0);
                }
            } else {
                for (uint32_t r = 0; r < x->rows; ++r) {
                    float* row = px + (size_t)r * x->ld;
                    if (in->sub == EB_H_TANH) eb_k_tanh_f32(row, x->cols);
                    else if (act == EB_ACT_GELU_ERF) eb_k_gelu_erf_f32(row, x->cols);
                    else if (act == EB_ACT_RELU) eb_k_relu_f32(row, x->cols);
                    else eb_k_gelu_new_f32(row, x->cols);
                }
            }
            /* One pass over x in place; a softmax with a scale makes two. */
            for (int pass = scale != 1.0f ? 2 : 1; pass > 0; --pass) {
                charge_dense(EB_COST_FP32_ADD, 0, x, x->rows, x->cols);
                charge_dense(EB_COST_FP32_ADD, 1, x, x->rows, x->cols);
            }
            unmap_dense(x, px, 1);
            return 0;
        }
        case EB_H_QUANTIZE: return quantize(p, &T[in->a[0]], &T[in->a[1]], (uint32_t)in->a[2], (uint32_t)in->a[3]);
        case EB_H_DEQUANTIZE: return dequantize(p, &T[in->a[0]], &T[in->a[1]], (uint32_t)in->a[2], (uint32_t)in->a[3]);
        case EB_H_TRANSPOSE: return transpose(&T[in->a[0]], &T[in->a[1]], (int)(in->a[2] & 1u));
        case EB_H_COPY: {
            const eb_tensor *s = &T[in->a[0]], *d = &T[in->a[1]];
            if (s->format == EB_FMT_AF_BLOCKS || s->format != d->format) return EB_EXEC_ERR_FORMAT;
            const uint32_t es = elem_bytes(s->format);
            const uint8_t* ps = (const uint8_t*)map_dense(s);
            uint8_t* pd = (uint8_t*)map_dense(d);
            const uint32_t r0 = (uint32_t)in->a[2], c0 = (uint32_t)in->a[3];
            for (uint32_t r = 0; r < d->rows; ++r)
                memcpy(pd + (size_t)r * d->ld * es, ps + ((size_t)(r0 + r) * s->ld + c0) * es, (size_t)d->cols * es);
            eb_hal_charge(EB_COST_MEMCPY_BYTE, (uint64_t)d->rows * d->cols * es);
            eb_hal_charge(EB_COST_MEMCPY_CALL, d->rows); /* one memcpy per row */
            charge_dense(EB_COST_MEMCPY_BYTE, 0, s, d->rows, d->cols);
            charge_dense(EB_COST_MEMCPY_BYTE, 1, d, d->rows, d->cols);
            unmap_dense(d, pd, 1);
            unmap_dense(s, (void*)ps, 0);
            return 0;
        }
        case EB_H_MALLOC: return host_malloc(in->a[0], in->a[1]);
        case EB_H_FREE: return host_free(in->a[0]);
        case EB_H_I32_MATMUL: {
            const eb_tensor *a = &T[in->a[0]], *b = &T[in->a[1]], *c = &T[in->a[2]];
            if (a->format != EB_FMT_I32 || b->format != EB_FMT_I32 || c->format != EB_FMT_I32 ||
                a->cols != b->rows || c->rows != a->rows || c->cols != b->cols)
                return EB_EXEC_ERR_FORMAT;
            const int32_t* pa = (const int32_t*)map_dense(a);
            const int32_t* pb = (const int32_t*)map_dense(b);
            int32_t* pc = (int32_t*)map_dense(c);
            /* The kernel charges the loop's loads of A and B (eb_kernels.h). */
            eb_k_matmul_i32_naive(pa, a->ld, pb, b->ld, pc, c->ld, (int)c->rows, (int)c->cols, (int)a->cols);
            charge_dense(EB_COST_INT32_MAC, 1, c, c->rows, c->cols);
            unmap_dense(c, pc, 1);
            unmap_dense(b, (void*)pb, 0);
            unmap_dense(a, (void*)pa, 0);
            return 0;
        }
        case EB_H_I32_TO_I8: {
            const eb_tensor *s = &T[in->a[0]], *d = &T[in->a[1]];
            if (s->format != EB_FMT_I32 || d->format != EB_FMT_I8 || s->rows != d->rows || s->cols != d->cols ||
                in->a[2] > 31u)
                return EB_EXEC_ERR_FORMAT;
            const int32_t* ps = (const int32_t*)map_dense(s);
            int8_t* pd = (int8_t*)map_dense(d);
            for (uint32_t r = 0; r < s->rows; ++r)
                eb_k_i32_to_i8(ps + (size_t)r * s->ld, s->cols, (int)in->a[2], pd + (size_t)r * d->ld);
            charge_dense(EB_COST_INT8_CONVERT_ELEM, 0, s, s->rows, s->cols);
            charge_dense(EB_COST_INT8_CONVERT_ELEM, 1, d, d->rows, d->cols);
            unmap_dense(d, pd, 1);
            unmap_dense(s, (void*)ps, 0);
            return 0;
        }
        case EB_H_I32_ACCUMULATE: {
            const eb_tensor *acc = &T[in->a[0]], *part = &T[in->a[1]];
            int32_t* pa = (int32_t*)map_dense(acc);
            const int32_t* pp = (const int32_t*)map_dense(part);
            for (uint32_t r = 0; r < acc->rows; ++r)
                eb_k_i32_accumulate(pa + (size_t)r * acc->ld, pp + (size_t)r * part->ld, acc->cols);
            charge_dense(EB_COST_INT32_ADD, 0, acc, acc->rows, acc->cols);
            charge_dense(EB_COST_INT32_ADD, 0, part, acc->rows, acc->cols);
            charge_dense(EB_COST_INT32_ADD, 1, acc, acc->rows, acc->cols);
            unmap_dense(part, (void*)pp, 0);
            unmap_dense(acc, pa, 1);
            return 0;
        }
        case EB_H_ENTROPY: {
            const eb_tensor* l = &T[in->a[0]];
            const float* pl = (const float*)map_dense(l);
            const float h = eb_k_entropy_f32(pl, (int)l->cols);
            unmap_dense(l, (void*)pl, 0);
            if (in->a[1] < EB_EXEC_MAX_RESULTS) st->results[in->a[1]] = h;
            return 0;
        }
        default: return -2;
    }
}

/* The category of a host operation without an override: copies into temporary
 * buffers are "memset", allocations "malloc", transposes "transpose" (the
 * published breakdown's names), the rest CPU compute, whatever cost kinds its
 * kernels charge (e.g. the bitmask codec's byte copies inside a quantize). */
static int host_category(uint32_t sub) {
    switch (sub) {
        case EB_H_COPY: return EB_CAT_MEMSET;
        case EB_H_MALLOC:
        case EB_H_FREE: return EB_CAT_MALLOC;
        case EB_H_TRANSPOSE: return EB_CAT_TRANSPOSE;
        default: return EB_CAT_CPU_COMPUTE;
    }
}

/* The kind of CPU work a host operation is (the reports' cpu_compute split). */
static int cpu_kind(uint32_t sub) {
    switch (sub) {
        case EB_H_QUANTIZE:
        case EB_H_DEQUANTIZE:
        case EB_H_I32_TO_I8:
        case EB_H_EB_MATMUL_STAGED: /* the published driver's CPU work is the bitmask codec */
        case EB_H_EB_SOFTMAX_STAGED:
        case EB_H_EB_ADD_LN_STAGED: return EB_KIND_CONVERSION;
        case EB_H_GELU: return EB_KIND_GELU;
        case EB_H_AF_GATHER: return EB_KIND_SPLICE;
        case EB_H_TRANSPOSE: return EB_KIND_TRANSPOSE;
        case EB_H_SOFTMAX: return EB_KIND_SOFTMAX;
        case EB_H_LAYER_NORM: return EB_KIND_LAYER_NORM;
        case EB_H_MATMUL:
        case EB_H_I32_MATMUL:
        case EB_H_I32_ACCUMULATE: return EB_KIND_MATMUL;
        default: return EB_KIND_OTHER;
    }
}

static int execute(const eb_platform* p, const eb_program* prog, eb_exec_state* st) {
    const uint64_t program_bytes = (uint64_t)prog->header.num_instrs * sizeof(eb_instr);
    for (uint32_t i = 0; i < prog->header.num_instrs; ++i) {
        const eb_instr* in = &prog->instrs[i];
        int rc = 0;
        /* The instruction itself comes from DRAM through the caches: a program of
         * thousands of tile commands streams through them once. */
        eb_hal_charge_mem(EB_COST_PROGRAM_READ, 0, sizeof(eb_instr), program_bytes, sizeof(eb_instr), sizeof(eb_instr));
        switch (in->op) {
            case EB_OP_END: return 0;
            case EB_OP_REGION:
                eb_hal_region((uint32_t)in->a[0], (uint32_t)in->a[1],
                              in->a[2] < prog->header.strings_bytes ? prog->strings + in->a[2] : "");
                break;
            case EB_OP_EB_DMA: rc = eb_exec_eb_dma(p, in); break;
            case EB_OP_EB_MATMUL: rc = eb_exec_eb_matmul(p, in); break;
            case EB_OP_EB_SFU: rc = eb_exec_eb_sfu(p, in); break;
            case EB_OP_EB_WAIT:
                eb_hal_wait_category((int)in->a[1]);
                rc = eb_wait(p, (int)in->a[0]);
                break;
            case EB_OP_SYS_CALL: rc = eb_exec_sys_call(p, in); break;
            case EB_OP_EXIT_IF: {
                const uint32_t status = eb_status(p);
                if ((status & 3u) == 3u) {
                    if (in->a[0] + 1 < EB_EXEC_MAX_RESULTS) {
                        st->results[in->a[0]] = (float)in->a[1];
                        st->results[in->a[0] + 1] = (float)(status >> 18) / 1024.0f;
                    }
                    st->instrs_done = i + 1;
                    return 0;
                }
                break;
            }
            case EB_OP_HOST:
                /* a6: category override + 1 (0: the operation's own category, told to
                 * the HAL so that both hosts account it alike: the ISS sees
                 * instructions, not cost kinds). */
                eb_hal_category_override(in->a[6] ? (int)in->a[6] - 1 : host_category(in->sub));
                eb_hal_cpu_kind(cpu_kind(in->sub));
                rc = in->sub >= EB_H_EB_MATMUL_STAGED ? eb_run_thesis_kernel(p, prog, in)
                     : in->sub == EB_H_AF_GATHER   ? eb_run_af_gather(p, prog, in)
                                                   : run_host(p, prog, in, st);
                eb_hal_category_override(-1);
                eb_hal_cpu_kind(-1);
                break;
            default: rc = -1;
        }
        st->instrs_done = i + 1;
        if (rc) {
            st->error = rc;
            st->error_instr = i;
            return rc;
        }
    }
    return 0;
}

/* Copies thesis mode's DMA bookkeeping into the state. */
static void thesis_tally(eb_exec_state* st) {
    const eb_thesis_dma_tally t = eb_thesis_tally();
    st->dma_words_read = t.words_read, st->dma_words_written = t.words_written;
    st->ref_read_cycles = t.ref_read_cycles, st->ref_write_cycles = t.ref_write_cycles;
}

int eb_execute(const eb_platform* p, const eb_program* prog, eb_exec_state* st) {
    memset(st, 0, sizeof(*st));
    eb_thesis_tally_reset();
    release_slots();
    const int rc = execute(p, prog, st);
    release_slots();
    thesis_tally(st);
    return rc;
}
