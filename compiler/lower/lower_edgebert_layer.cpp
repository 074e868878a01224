// EdgeBERT target, optimized mode: one encoder layer with its activations in
// the tile's format (lower_edgebert.hpp). Per layer the CPU splices chunks
// (EB_H_AF_GATHER) and nothing else; the FFN's activation runs in the SFU's
// lookup table (edgebert.sfu_lut) or, without it, as the same code map applied
// by the splice that builds the FFN's second input.
#include <fmt/format.h>

#include <cmath>

#include "common/error.hpp"
#include "compiler/lower/lower_edgebert.hpp"
#include "compiler/model/reference.hpp"
#include "hw/edgebert/functional/sfu_ops.hpp"

namespace edgebert::compiler {

void EdgebertLowerer::attention(int, uint32_t, uint32_t, uint32_t, uint32_t) {
    throw Error("internal: the edgebert lowerer lowers attention in lower_layer");
}

std::vector<uint8_t> EdgebertLowerer::activation_table(int in_bias, int out_bias) const {
    // 256 entries (the table is indexed by a code byte); codes of a narrower format
    // occupy the first 2^total_bits, the rest never occur and map to zero.
    std::vector<uint8_t> t(256, 0);
    for (int c = 0; c < (1 << tile_.act_format.total_bits); ++c) {
        const double x = num::af_decode(static_cast<uint8_t>(c), tile_.act_format, in_bias);
        t[size_t(c)] = num::af_encode(model::activation(cfg_.hidden_act, static_cast<float>(x)), tile_.act_format,
                                      out_bias);
    }
    return t;
}

uint32_t EdgebertLowerer::activation_table_tensor(int in_bias, int out_bias) {
    const std::string name = fmt::format("{}_codes_{}_{}", model::activation_name(cfg_.hidden_act), in_bias, out_bias);
    auto it = table_cache_.find(name);
    if (it != table_cache_.end()) return it->second;
    const auto t = activation_table(in_bias, out_bias);
    return table_cache_[name] = dense(name, EB_FMT_AF_DENSE, 1, 256, 1.0f, t.data());
}

// An all-ones attention-span mask (plain softmax) in aux rows [0, S/lanes).
void EdgebertLowerer::ensure_span_mask() {
    if (span_loaded_) return;
    span_bias_ = std::max(tile_.bias_range.min, std::min(-tile_.act_format.max_exp_code(), tile_.bias_range.max));
    load_aux("span mask (all ones)",
             std::vector<uint8_t>(size_t(seq_), num::af_encode(1.0, tile_.act_format, span_bias_)), 0);
    span_loaded_ = true;
}

// V_h^T = W_v,h X^T + b_v,h, band by band: W_v's head block is the A operand
// (decoder 0), a band of x the B operand (decoder 1), so the tile writes V^T
// directly and the CPU transposes nothing. `W` has heads of head_width() rows.
// The head's block is split in row pieces when it does not fit decoder 0 (8
// lanes hold half the bytes a row of 16 does); returns d x S in pieces x lanes
// chunks, spliced into one block by the caller.
uint32_t EdgebertLowerer::v_transposed(int layer, int head, uint32_t x, int x_bias, const model::Linear& W) {
    const int S = seq_, K = cfg_.hidden_size, dp = head_width();
    // The widest piece whose weights and bias fit decoder 0 and whose results fit beside two bands in decoder 1.
    const int dv = widest_piece(dp, [&](int w) { return w * K / L_ + w <= depth_ && 2 * K + 2 * w <= depth_; });
    if (!dv)
        refuse_depth(fmt::format("attention: a head's value weights ({} x {}) beside two bands", dp, K),
                     std::max(K + L_, 2 * K + 2 * L_));
    const int pieces = dp / dv;
    const Weights& wt = weights(W, "value", dv);
    const int vb = bias_for(calib(key(layer, "v")));
    // The bias per output row (feature), broadcast over a band's columns.
    const std::string bname = fmt::format("value.bias_vT.{}", dv);
    auto it = weight_cache_.find(bname);
    if (it == weight_cache_.end()) {
        const int rows = static_cast<int>(W.bias.size());
        std::vector<float> b(size_t(rows) * L_);
        for (int f = 0; f < rows; ++f)
            for (int c = 0; c < L_; ++c) b[size_t(f) * L_ + c] = W.bias.data[size_t(f)];
        Weights bt;
        bt.bias = af_tensor(bname, rows, L_, dv, L_, wt.b_bias, b.data());
        it = weight_cache_.emplace(bname, bt).first;
    }
    const uint32_t bias_vt = it->second.bias;
    const uint32_t vt = af_tensor(fmt::format("L{}.h{}.vT.chunks", layer, head), dp, S, dv, L_, vb);
    if (dense_chunks()) dense_.insert(vt);
    const uint32_t vw = static_cast<uint32_t>(dv * K / L_), vx = static_cast<uint32_t>(K), vo = static_cast<uint32_t>(dv);
    const int bands_n = S / L_;
    for (int pc = 0; pc < pieces; ++pc) {
        const int blk = head * pieces + pc;
        load_block(wt.w, blk, 0, 0, 0, true, fmt::format("W_v head {}{}", head, pieces > 1 ? fmt::format(" piece {}", pc) : ""));
        load_block(bias_vt, blk, 0, 0, vw, true, "b_v head (per row)");
        load_block(x, 0, 0, 1, 0, true, "x band 0");
        for (int i = 0; i < bands_n; ++i) {
            const std::string note = fmt::format("V^T head {} rows {} columns {}", head, pc, i);
            matmul(static_cast<uint32_t>(dv), L_, K, 0, static_cast<uint32_t>(i % 2) * vx, 1, 2 * vx, wt.w_bias,
                   x_bias, vb, 0, false, note);
            if (i + 1 < bands_n)
                load_block(x, i + 1, 0, 1, static_cast<uint32_t>((i + 1) % 2) * vx, true,
                           fmt::format("prefetch x band {}", i + 1));
            b_.eb_wait(false, EB_CAT_COMPUTE);
            sfu(EB_SFU_ELEMENT_ADD, 1, static_cast<uint32_t>(dv), vw, 2 * vx, 1, 2 * vx + vo, wt.b_bias, vb, vb, 0, 0,
                -10, -10, 0, -10, note + " + bias", dense_chunks());
            store_block(vt, pc, i, 1, 2 * vx + vo, "V^T chunk");
        }
    }
    return vt;
}

uint32_t EdgebertLowerer::attention_block(int l, uint32_t x, int x_bias, const model::AlbertLayerWeights& L) {
    const int S = seq_, H = cfg_.hidden_size, heads = cfg_.num_attention_heads;
    const int d0 = cfg_.head_dim(), d = head_width();  // d: the head's width on the tile (zero-padded to lanes)
    const int shift = static_cast<int>(std::lround(std::log2(std::sqrt(static_cast<double>(d0)))));
    if (std::ldexp(1.0, 2 * shift) != d0)
        throw ShapeError(fmt::format("attention: head dimension {} must be a power of 4 (the 1/sqrt(d) scale is the "
                                     "matmul's right shift)", d0));
    // Decoder 1 holds a head's K (S x d) and V^T (d x S) and, with padding, the
    // key mask (one band of scores); decoder 0 a band's Q, scores, masked
    // scores, probabilities and context.
    const bool padded = has_padding();
    const int dec1_rows = 2 * S * d / L_ + (padded ? S : 0);
    if (dec1_rows > depth_ || 2 * d + 3 * S > depth_)
        refuse_depth(fmt::format("attention over {} tokens (a head's K and V^T{} in decoder 1; a band's Q, scores, "
                                 "probabilities and context in decoder 0)", S, padded ? " and the padding mask" : ""),
                     std::max(dec1_rows, 2 * d + 3 * S));
    const model::Linear &Wq = head_rows(L.query, "query"), &Wk = head_rows(L.key, "key"),
                        &Wv = head_rows(L.value, "value");
    // Q and K chunks: a head's columns, or a split of them when its weight block does not fit.
    const int rq = widest_piece(d, [&](int w) { return w * H / L_ + 2 * w <= depth_; });
    if (!rq) refuse_depth(fmt::format("attention: Q and K projections of {} features", H), H + 2 * L_);
    const int qb = bias_for(calib(key(l, "q"))), kb = bias_for(calib(key(l, "k")));
    // With padding, a padded key's score saturates to the most negative value of
    // the scores' format: the range is widened so that it lies at least 8 below
    // any kept score (exp(-8) is below the probabilities' smallest step).
    const float smax = calib(key(l, "scores"));
    const int vb = bias_for(calib(key(l, "v"))), sb = bias_for(padded ? 2 * smax + 8 : smax);
    // The probabilities' format from their calibrated largest value: over many keys they
    // are small, and a format fixed for p <= 1 underflows them (512 tokens).
    const int pb = bias_for(calib(key(l, "probs")));
    const int cb = bias_for(calib(key(l, "ctx")));
    const std::string p = fmt::format("L{}.", l);

    b_.region(l, EB_MOD_ATTENTION, "q_proj");
    uint32_t qc = linear_chunks(x, Wq, "query", rq, x_bias, qb, p + "q.chunks");
    if (rq != d) {  // split heads: their Q spliced back into one block per band and head
        const uint32_t qh = af_tensor(p + "q.heads", S, heads * d, L_, d, qb);
        gather(qc, qh, 0, 0, kNoTensor, "Q: a head's columns per band");
        qc = qh;
    }
    b_.region(l, EB_MOD_ATTENTION, "k_proj");
    const uint32_t kc = linear_chunks(x, Wk, "key", rq, x_bias, kb, p + "k.chunks");
    b_.region(l, EB_MOD_ATTENTION, "v_proj");
    std::vector<uint32_t> vtc;
    for (int h = 0; h < heads; ++h) vtc.push_back(v_transposed(l, h, x, x_bias, Wv));

    b_.region(l, EB_MOD_ATTENTION, "attention_heads");
    ensure_span_mask();
    const uint32_t ctxc = af_tensor(p + "ctx.chunks", S, heads * d, L_, d, cb);
    if (dense_chunks()) dense_.insert(ctxc);
    const uint32_t q_row = 0, s_row = static_cast<uint32_t>(d), m_row = s_row + static_cast<uint32_t>(S),
                   p_row = m_row + static_cast<uint32_t>(S), c_row = p_row + static_cast<uint32_t>(S);
    const uint32_t vt_row = static_cast<uint32_t>(S * d / L_), mask_row = 2 * vt_row;
    uint32_t mask = kNoTensor;
    if (padded) {  // scores + mask: 0 for a kept key, the most negative code for a padded one
        std::vector<float> add(size_t(L_) * S, 0.0f);
        for (int r = 0; r < L_; ++r)
            for (int j = 0; j < S; ++j)
                if (!in_.attention_mask[size_t(j)]) add[size_t(r) * S + j] = -1e30f;
        mask = af_tensor(fmt::format("{}key_mask", p), L_, S, L_, S, sb, add.data());
    }
    for (int h = 0; h < heads; ++h) {
        const std::string hp = fmt::format("{}h{}.", p, h);
        const uint32_t kh = af_tensor(hp + "k", S, d, S, d, kb), vth = af_tensor(hp + "vT", d, S, d, S, vb);
        gather(kc, kh, 0, h * d, kNoTensor, "K_h: the head's keys of every band");
        gather(vtc[size_t(h)], vth, 0, 0, kNoTensor, "V_h^T: one block");
        load_block(kh, 0, 0, 1, 0, true, "K_h");
        load_block(vth, 0, 0, 1, vt_row, true, "V_h^T");
        if (padded) load_block(mask, 0, 0, 1, mask_row, true, "key mask (padding)");
        for (int i = 0; i < S / L_; ++i) {
            load_block(qc, i, h, 0, q_row, true, "Q_h band");
            matmul(L_, static_cast<uint32_t>(S), static_cast<uint32_t>(d), q_row, 0, 0, s_row, qb, kb, sb,
                   static_cast<uint32_t>(shift), true, hp + fmt::format("scores band {} = Q K^T / sqrt(d)", i));
            if (padded)
                sfu(EB_SFU_ELEMENT_ADD, static_cast<uint32_t>(S / L_), L_, s_row, mask_row, 0, m_row, sb, sb, sb, 0, 0,
                    -10, -10, 0, -10, hp + "scores + key mask");
            sfu(EB_SFU_SOFTMAX, static_cast<uint32_t>(S / L_), L_, padded ? m_row : s_row, 0, 0, p_row, sb, sb, pb, 0, 0,
                -10, -10, 0, span_bias_, hp + "softmax");
            matmul(L_, static_cast<uint32_t>(d), static_cast<uint32_t>(S), p_row, vt_row, 0, c_row, pb, vb, cb, 0,
                   true, hp + "context = P V", dense_chunks());
            store_block(ctxc, i, h, 0, c_row, "ctx_h band");
        }
    }
    const uint32_t ctx = bands(p + "ctx", S, heads * d, cb);
    gather(ctxc, ctx, 0, 0, kNoTensor, "context rows (heads spliced)");
    return ctx;
}

// x + r, then layer norm, one band at a time (both operands and results stay in
// the SRAMs); gamma and beta in the aux SRAM after the span mask.
uint32_t EdgebertLowerer::add_norm(uint32_t x, int x_bias, uint32_t r, int r_bias, float sum_max,
                                   const model::LayerNormParams& ln, const std::string& ln_name, int out_bias,
                                   const std::string& tag) {
    const eb_tensor X = b_.tensor_at(x);
    const int S = static_cast<int>(X.rows), H = static_cast<int>(X.cols), nv = H / L_;
    if (H % L_ || nv > tile_.max_num_vector)
        throw ShapeError(fmt::format("layer norm over {} features does not fit the tile's fields", H));
    const int sum_bias = bias_for(sum_max);  // the calibration's bound on |x + r|
    // gamma and beta as dense aux codes, each at the bias its largest magnitude needs.
    auto aux_codes = [&](const model::Tensor& t, int& bias) {
        bias = bias_for(max_abs(t.data));
        std::vector<uint8_t> codes(t.data.size());
        for (size_t i = 0; i < codes.size(); ++i) codes[i] = num::af_encode(t.data[i], tile_.act_format, bias);
        return codes;
    };
    int gb = 0, bb = 0;
    const std::vector<uint8_t> gc = aux_codes(ln.gamma, gb), bc = aux_codes(ln.beta, bb);
    const uint32_t g_row = static_cast<uint32_t>(seq_ / L_), b_row = g_row + static_cast<uint32_t>(nv);
    const uint32_t aux_end = tile_.sfu_lut ? static_cast<uint32_t>(tile_.aux_sram_depth - hw::fn::lut_table_rows(tile_))
                                           : static_cast<uint32_t>(tile_.aux_sram_depth);
    if (b_row + nv > aux_end)
        throw ShapeError(fmt::format("layer norm: the span mask ({} rows), gamma and beta ({} rows each){} do not fit "
                                     "the {}-row aux SRAM", seq_ / L_, nv, tile_.sfu_lut ? " and the SFU table" : "",
                                     tile_.aux_sram_depth));
    load_aux(ln_name + ".gamma_aux", gc, g_row);
    load_aux(ln_name + ".beta_aux", bc, b_row);
    const uint32_t y = bands(tag, S, H, out_bias);
    const uint32_t v = static_cast<uint32_t>(H);  // vectors of one band
    for (int i = 0; i < S / L_; ++i) {
        load_block(x, i, 0, 0, 0, true, "x band");
        load_block(r, i, 0, 1, 0, true, "residual band");
        sfu(EB_SFU_ELEMENT_ADD, nv, L_, 0, 0, 0, v, x_bias, r_bias, sum_bias, 0, 0, -10, -10, 0, -10, "residual add");
        sfu(EB_SFU_LAYER_NORM, nv, L_, v, 0, 1, v, sum_bias, sum_bias, out_bias, g_row, b_row, gb, bb, 0, -10,
            "layer norm");
        store_block(y, i, 0, 1, v, "normalised band");
    }
    return y;
}

bool EdgebertLowerer::lower_layer(int l, uint32_t& h, const std::string& in_key) {
    const auto& L = w_.layer(cfg_, l, 0);
    const int S = seq_, H = cfg_.hidden_size, I = cfg_.intermediate_size;
    const int hb = b_.tensor_at(h).exp_bias;
    const std::string p = fmt::format("L{}.", l);

    const uint32_t ctx = attention_block(l, h, hb, L);
    b_.region(l, EB_MOD_POST_PROCESSING, "out_proj");
    const int cb = b_.tensor_at(ctx).exp_bias, apb = bias_for(calib(key(l, "attn_proj")));
    // The context has head_width() columns per head: the projection's weights get matching zero columns.
    const int ctx_cols = cfg_.num_attention_heads * head_width();
    const uint32_t apc = linear_chunks(ctx, padded_cols(L.attn_dense, "attn_dense", true, ctx_cols), "attn_dense",
                                       chunk_width(H, ctx_cols), cb, apb, p + "attn_proj.chunks");
    const uint32_t ap = bands(p + "attn_proj", S, H, apb);
    gather(apc, ap, 0, 0, kNoTensor, "attention output rows");
    b_.region(l, EB_MOD_POST_PROCESSING, "residual_layer_norm");
    const int aob = bias_for(calib(key(l, "attn_out")));
    const uint32_t ao = add_norm(ap, apb, h, hb, calib(key(l, "attn_proj")) + calib(in_key), L.attn_ln, "attn_ln",
                                 aob, p + "attn_out");

    b_.region(l, EB_MOD_FFN, "ffn1");
    const int f1b = bias_for(calib(key(l, "ffn1"))), gb = bias_for(calib(key(l, "gelu")));
    int lut_row = -1;
    if (tile_.sfu_lut) {
        lut_row = tile_.aux_sram_depth - hw::fn::lut_table_rows(tile_);
        // The tile's table: one entry per code of the format, in whole aux rows.
        std::vector<uint8_t> t = activation_table(f1b, gb);
        t.resize(size_t(hw::fn::lut_table_bytes(tile_)), 0);
        load_aux(fmt::format("{} table {} -> {}", model::activation_name(cfg_.hidden_act), f1b, gb), t,
                 static_cast<uint32_t>(lut_row));
    }
    const uint32_t f1c = linear_chunks(ao, L.ffn, "ffn", chunk_width(I, H), aob, f1b, p + "ffn1.chunks", lut_row, gb);
    b_.region(l, EB_MOD_FFN, tile_.sfu_lut ? "ffn_rows" : "gelu");
    const uint32_t g = bands(p + "gelu", S, I, gb);
    if (tile_.sfu_lut) gather(f1c, g, 0, 0, kNoTensor, "FFN rows");
    else gather(f1c, g, 0, 0, activation_table_tensor(f1b, gb), "FFN rows through the activation's code map");
    b_.region(l, EB_MOD_FFN, "ffn2");
    const int f2b = bias_for(calib(key(l, "ffn2")));
    const uint32_t f2c = linear_chunks(g, L.ffn_output, "ffn_output", chunk_width(H, I), gb, f2b, p + "ffn2.chunks");
    const uint32_t f2 = bands(p + "ffn2", S, H, f2b);
    gather(f2c, f2, 0, 0, kNoTensor, "FFN output rows");
    b_.region(l, EB_MOD_FFN, "residual_layer_norm");
    h = add_norm(f2, f2b, ao, aob, calib(key(l, "ffn2")) + calib(key(l, "attn_out")), L.full_ln, "full_ln",
                 bias_for(calib(key(l, "out"))), p + "out");
    return true;
}

}  // namespace edgebert::compiler
