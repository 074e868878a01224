/* EB_H_AF_GATHER: tile-format activations re-blocked between tile operators.
 *
 * The tile writes a result block by block, each block one bitmask stream
 * (mask words, then lane banks of packed codes). The next operator often needs
 * other blocks: whole rows of several column chunks (the FFN's 16 x 3072 rows
 * out of 16 x 64 chunks), a head's keys over every row band, a head's V^T out
 * of 64 x 16 chunks. The lane banks make a stream's bytes depend on every
 * earlier vector, so the DMA cannot splice streams; this kernel walks the
 * source streams vector by vector and appends each code to the destination's
 * lane bank, without decoding to dense codes or touching FP32. An optional
 * 256-entry code map is applied on the way (a GELU table at the tensors' two
 * biases: the software counterpart of the SFU's lookup table).
 *
 * Shapes: dst covers src[r0 .. r0 + dst.rows, c0 .. c0 + dst.cols]; each dst
 * block holds whole src blocks (block rows and columns multiples of src's,
 * offsets multiples of src's blocks), so every src stream is consumed within
 * one dst block, in its own vector order. */
#include <string.h>

#include "eb_exec_gather.h"
#include "eb_executor.h"
#include "eb_hal.h"
#include "eb_kernels.h"

enum { GATHER_MAX_CHUNKS = 256, GATHER_MAX_LANES = EB_K_MAX_LANES };

static const uint8_t* s_src_mask[GATHER_MAX_CHUNKS];
static const uint8_t* s_src_rows[GATHER_MAX_CHUNKS];
static const uint8_t* s_src_cur[GATHER_MAX_CHUNKS][GATHER_MAX_LANES];

static uint64_t mask_bytes(const eb_tensor* t, uint32_t lanes) {
    return eb_k_bitmask_mask_bytes((size_t)t->block_rows * t->ld / lanes, (int)lanes);
}
static uint64_t rows_offset(const eb_tensor* t, uint32_t lanes) { return (mask_bytes(t, lanes) + 63u) & ~63ull; }
static uint64_t rows_bytes(const eb_tensor* t) { return (uint64_t)t->block_rows * t->ld; }
static uint64_t block_base(const eb_tensor* t, uint32_t br, uint32_t bc) {
    return t->addr + ((uint64_t)br * (t->cols / t->ld) + bc) * t->block_stride;
}

/* One band of dense source streams (every mask bit set, row k = vector k):
 * rows copied as they are, or through the code map; the mask words all ones.
 * Returns the codes written. */
static size_t copy_dense_band(const eb_tensor* s, uint32_t chunks, uint32_t lanes, const uint8_t* table,
                              uint8_t* dmask, uint8_t* drows) {
    const size_t row_bytes = s->ld, vectors = (size_t)s->block_rows * chunks * (s->ld / lanes);
    uint8_t* out = drows;
    for (uint32_t r = 0; r < s->block_rows; ++r)
        for (uint32_t c = 0; c < chunks; ++c, out += row_bytes) {
            const uint8_t* in_row = s_src_rows[c] + (size_t)r * row_bytes;
            if (table) {
                eb_k_code_map(table, in_row, out, row_bytes);
            } else { /* whole 8-byte words: rows are multiples of 8 lanes at 64-byte-aligned blocks */
                const uint64_t* from = (const uint64_t*)(const void*)in_row;
                uint64_t* to = (uint64_t*)(void*)out;
                for (size_t k = 0; k < row_bytes / 8u; ++k) to[k] = from[k];
            }
        }
    memset(dmask, 0xFF, vectors * (lanes / 8u));
    if (!table) eb_hal_charge(EB_COST_MEMCPY_BYTE, vectors * lanes); /* memcpy's word loop */
    eb_hal_charge(EB_COST_MEMSET_BYTE, vectors * (lanes / 8u));
    return vectors * lanes;
}

/* One band of compressed source streams appended to the destination's lane
 * banks (cursors dcur). Returns the codes written. */
static size_t splice_band(const eb_tensor* s, uint32_t chunks, uint32_t lanes, const uint8_t* table, uint8_t mag,
                          uint8_t* dmask, uint8_t** dcur) {
    for (uint32_t c = 0; c < chunks; ++c)
        for (uint32_t l = 0; l < lanes; ++l) s_src_cur[c][l] = s_src_rows[c] + l;
    /* Per source stream the set-up above (its cursors, its place in the band): an estimate at a
     * short call's cost, not calibrated on its own (docs/host-costs.md). */
    eb_hal_charge(EB_COST_MEMCPY_CALL, chunks);
    return eb_k_bitmask_splice(s_src_mask, s_src_cur, chunks, s->block_rows, s->ld / lanes, (int)lanes, table, mag,
                               dmask, dcur);
}

int eb_run_af_gather(const eb_platform* p, const eb_program* prog, const eb_instr* in) {
    const uint32_t n = prog->header.num_tensors;
    if (in->a[0] >= n || in->a[1] >= n || (in->a[4] && in->a[4] - 1 >= n)) return EB_EXEC_ERR_FORMAT;
    const eb_tensor *s = &prog->tensors[in->a[0]], *d = &prog->tensors[in->a[1]];
    const eb_tensor* tab = in->a[4] ? &prog->tensors[in->a[4] - 1] : 0;
    const uint32_t lanes = p->lanes, r0 = (uint32_t)in->a[2], c0 = (uint32_t)in->a[3];
    const int dense = (int)(in->a[5] & 1u); /* the sources are dense streams (the encoder's dense results) */
    if (s->format != EB_FMT_AF_BLOCKS || d->format != EB_FMT_AF_BLOCKS) return EB_EXEC_ERR_FORMAT;
    if (lanes < 8 || lanes > GATHER_MAX_LANES || lanes % 8) return EB_EXEC_ERR_FORMAT;
    if (!s->block_rows || !s->ld || !d->block_rows || !d->ld || s->ld % lanes || d->ld % lanes) return EB_EXEC_ERR_FORMAT;
    if (d->block_rows % s->block_rows || d->ld % s->ld || r0 % s->block_rows || c0 % s->ld) return EB_EXEC_ERR_FORMAT;
    if ((uint64_t)r0 + d->rows > s->rows || (uint64_t)c0 + d->cols > s->cols) return EB_EXEC_ERR_FORMAT;
    if (d->rows % d->block_rows || d->cols % d->ld || d->ld / s->ld > GATHER_MAX_CHUNKS) return EB_EXEC_ERR_FORMAT;
    if (s->af_total_bits != d->af_total_bits || s->af_exp_bits != d->af_exp_bits) return EB_EXEC_ERR_FORMAT;
    if (!tab && s->exp_bias != d->exp_bias) return EB_EXEC_ERR_FORMAT; /* only a table may change the bias */
    if (tab && (tab->format != EB_FMT_AF_DENSE || (uint64_t)tab->rows * tab->cols != 256u)) return EB_EXEC_ERR_FORMAT;

    const uint8_t mag = (uint8_t)((1u << (d->af_total_bits - 1)) - 1u);
    const uint8_t* table = tab ? (const uint8_t*)eb_hal_map(tab->addr, 256) : 0;
    const uint32_t chunks = d->ld / s->ld, bands = d->block_rows / s->block_rows;
    const uint32_t src_row_vectors = s->ld / lanes;  /* vectors per row of a src block */
    const uint64_t smb = mask_bytes(s, lanes), srb = rows_bytes(s), dmb = mask_bytes(d, lanes), drb = rows_bytes(d);
    const uint64_t working_set = (uint64_t)d->rows * d->cols / lanes * (lanes / 8u) * 2u + 2u * (uint64_t)d->rows * d->cols;
    uint64_t src_bytes = 0, dst_bytes = 0;
    uint8_t* dcur[GATHER_MAX_LANES];
    for (uint32_t bi = 0; bi < d->rows / d->block_rows; ++bi)
        for (uint32_t bj = 0; bj < d->cols / d->ld; ++bj) {
            const uint64_t dbase = block_base(d, bi, bj);
            uint8_t* dmask = (uint8_t*)eb_hal_map(dbase, dmb);
            uint8_t* drows = (uint8_t*)eb_hal_map(dbase + rows_offset(d, lanes), drb);
            size_t dvec = 0, moved = 0;
            for (uint32_t l = 0; l < lanes; ++l) dcur[l] = drows + l;
            for (uint32_t band = 0; band < bands; ++band) {
                const uint32_t sbr = (r0 + bi * d->block_rows) / s->block_rows + band;
                const uint32_t sbc = (c0 + bj * d->ld) / s->ld;
                for (uint32_t c = 0; c < chunks; ++c) {
                    const uint64_t sbase = block_base(s, sbr, sbc + c);
                    s_src_mask[c] = (const uint8_t*)eb_hal_map(sbase, smb);
                    s_src_rows[c] = (const uint8_t*)eb_hal_map(sbase + rows_offset(s, lanes), srb);
                }
                uint8_t* band_mask = dmask + dvec * (lanes / 8u);
                moved += dense ? copy_dense_band(s, chunks, lanes, table, band_mask, drows + dvec * lanes)
                               : splice_band(s, chunks, lanes, table, mag, band_mask, dcur);
                dvec += (size_t)s->block_rows * chunks * src_row_vectors;
                for (uint32_t c = 0; c < chunks; ++c) {
                    const uint64_t sbase = block_base(s, sbr, sbc + c);
                    eb_hal_unmap((void*)s_src_rows[c], sbase + rows_offset(s, lanes), srb, 0);
                    eb_hal_unmap((void*)s_src_mask[c], sbase, smb, 0);
                }
            }
            uint32_t depth = (uint32_t)dvec; /* a dense stream: one row per vector */
            if (!dense) {
                /* Pad the shorter lanes to the block's depth, as the tile's encoder leaves them. */
                depth = 0;
                for (uint32_t l = 0; l < lanes; ++l) {
                    const uint32_t k = (uint32_t)((dcur[l] - (drows + l)) / lanes);
                    if (k > depth) depth = k;
                }
                for (uint32_t l = 0; l < lanes; ++l)
                    for (uint8_t* q = dcur[l]; q < drows + (size_t)depth * lanes; q += lanes) *q = 0;
                /* The block's own set-up and close (its cursors, its depth, the padding): an estimate at two
                 * short calls' cost, not calibrated on its own. */
                eb_hal_charge(EB_COST_MEMCPY_CALL, 2u);
                eb_hal_charge(EB_COST_SPLICE_LANE,
                              (uint64_t)depth * lanes - (moved < (uint64_t)depth * lanes ? moved : 0));
            }
            eb_hal_unmap(drows, dbase + rows_offset(d, lanes), drb, 1);
            eb_hal_unmap(dmask, dbase, dmb, 1);
            src_bytes += (uint64_t)dvec * (lanes / 8u) + moved;
            dst_bytes += (uint64_t)dvec * (lanes / 8u) + (uint64_t)depth * lanes;
        }
    if (table) eb_hal_unmap((void*)table, tab->addr, 256, 0);
    eb_hal_charge_mem(EB_COST_SPLICE_LANE, 0, src_bytes, working_set, s->ld, s->ld);
    eb_hal_charge_mem(EB_COST_SPLICE_LANE, 1, dst_bytes, working_set, d->ld, d->ld);
    return 0;
}
