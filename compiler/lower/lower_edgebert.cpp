// EdgeBERT target: matmuls, softmax, element add and layer norm on the tile,
// in AdaptivFloat with bitmask-encoded operands; embedding, GELU, re-layouts
// and the classifier on the CPU. Activation biases come from the calibration.
//
// Linear y = x W^T + b (optimized): x is quantized into row blocks of rA rows
// (decoder 0), weights are encoded at compile time in blocks of rW rows and
// streamed double-buffered into decoder 1 under the running matmul, and the
// bias is added on the tile (element add with a broadcast bias block, fused
// after each matmul). Attention per head keeps scores -> softmax -> context
// on the tile; V is transposed by the CPU. Thesis mode: lower_edgebert_thesis.cpp.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "common/error.hpp"
#include "compiler/lower/lowerer.hpp"
#include "eb_edgebert.h"
#include "hw/formats/bitmask.hpp"

namespace edgebert::compiler {

namespace {

constexpr int kMaskSram = 0, kInputSram = 1, kAuxSram = 2;

uint64_t align64(uint64_t v) { return (v + 63) & ~uint64_t{63}; }

class EdgebertLowerer : public Lowerer {
public:
    EdgebertLowerer(const model::AlbertConfig& c, const model::AlbertWeights& w, const model::ModelInput& in,
                    const hw::SocConfig& s, const CompileOptions& o, const std::map<std::string, float>& a)
        : Lowerer(c, w, in, s, o, a), tile_(s.edgebert), L_(s.edgebert.lanes) {
        if (seq_ % L_ != 0)
            throw ShapeError(fmt::format("sequence length {} must be a multiple of {} (the tile's lanes) for the "
                                         "edgebert target", seq_, L_));
        if (seq_ > tile_.max_num_timestep)
            throw ShapeError(fmt::format("sequence length {} exceeds the softmax unit's {} rows (num_timestep field)",
                                         seq_, tile_.max_num_timestep));
    }

protected:
    // ---- AF tensors in DRAM ---------------------------------------------
    struct AfInfo {
        std::vector<uint32_t> depth;  // packed input rows per block (empty: unknown, use the dense worst case)
    };

    int bias_for(float max_abs) const {
        return num::af_choose_exp_bias(max_abs, tile_.act_format, tile_.bias_range);
    }
    uint32_t field(int exp_bias) const { return static_cast<uint32_t>(exp_bias - tile_.bias_range.min); }

    uint32_t af_tensor(const std::string& name, int rows, int cols, int block_rows, int block_cols, int exp_bias,
                       const float* data = nullptr) {
        eb_tensor t{};
        t.format = EB_FMT_AF_BLOCKS;
        t.rows = static_cast<uint32_t>(rows);
        t.cols = static_cast<uint32_t>(cols);
        t.ld = static_cast<uint32_t>(block_cols);
        t.block_rows = static_cast<uint32_t>(block_rows);
        t.exp_bias = exp_bias;
        t.af_total_bits = static_cast<uint32_t>(tile_.act_format.total_bits);
        t.af_exp_bits = static_cast<uint32_t>(tile_.act_format.exp_bits);
        t.scale = 1.0f;
        const uint64_t vectors = uint64_t(block_rows) * block_cols / L_;
        t.block_stride = align64(align64(vectors * tile_.mask_word_bytes()) + vectors * L_);
        const uint64_t blocks = uint64_t(rows / block_rows) * (cols / block_cols);
        t.addr = alloc(blocks * t.block_stride);
        const uint32_t id = b_.tensor(name, t);
        AfInfo info;
        if (data) {
            std::vector<uint8_t> codes(size_t(block_rows) * block_cols);
            for (int br = 0; br < rows / block_rows; ++br)
                for (int bc = 0; bc < cols / block_cols; ++bc) {
                    for (int r = 0; r < block_rows; ++r)
                        for (int c = 0; c < block_cols; ++c)
                            codes[size_t(r) * block_cols + c] = num::af_encode(
                                data[size_t(br * block_rows + r) * cols + bc * block_cols + c], tile_.act_format, exp_bias);
                    const auto enc = num::bitmask_encode(codes.data(), vectors, L_, tile_.act_format.magnitude_mask());
                    auto img = num::bitmask_to_dram(enc);
                    const uint64_t base = block_addr(t, br, bc);
                    b_.image(base, std::move(img.mask_bytes));
                    if (!img.input_bytes.empty()) b_.image(input_addr(t, base), std::move(img.input_bytes));
                    info.depth.push_back(static_cast<uint32_t>(enc.depth()));
                }
        }
        af_info_[id] = info;
        return id;
    }

    uint64_t block_addr(const eb_tensor& t, int br, int bc) const {
        return t.addr + (uint64_t(br) * (t.cols / t.ld) + bc) * t.block_stride;
    }
    uint64_t input_addr(const eb_tensor& t, uint64_t block) const {
        const uint64_t vectors = uint64_t(t.block_rows) * t.ld / L_;
        return block + align64(vectors * tile_.mask_word_bytes());
    }
    uint32_t block_depth(uint32_t id, int br, int bc) const {
        const eb_tensor& t = b_.tensor_at(id);
        const auto& d = af_info_.at(id).depth;
        const uint32_t vectors = t.block_rows * t.ld / L_;
        return d.empty() ? vectors : d.at(size_t(br) * (t.cols / t.ld) + bc);
    }

    // DMA of one block into decoder `dec` at SRAM row `row` (mask and values).
    void load_block(uint32_t id, int br, int bc, int dec, uint32_t row, bool wait, const std::string& what) {
        const eb_tensor& t = b_.tensor_at(id);
        const uint64_t base = block_addr(t, br, bc);
        const uint32_t vectors = t.block_rows * t.ld / L_;
        b_.eb_dma(kMaskSram, true, dec, row, base, vectors, wait, what);
        const uint32_t depth = block_depth(id, br, bc);
        if (depth) b_.eb_dma(kInputSram, true, dec, row, input_addr(t, base), depth, wait, what);
    }
    // DMA of a result out of decoder `dec` into block (br, bc); dense worst case of value rows.
    void store_block(uint32_t id, int br, int bc, int dec, uint32_t row, const std::string& what) {
        const eb_tensor& t = b_.tensor_at(id);
        const uint64_t base = block_addr(t, br, bc);
        const uint32_t vectors = t.block_rows * t.ld / L_;
        b_.eb_dma(kMaskSram, false, dec, row, base, vectors, true, what);
        b_.eb_dma(kInputSram, false, dec, row, input_addr(t, base), vectors, true, what);
    }

    void matmul(uint32_t n0, uint32_t n1, uint32_t m, uint32_t a_row, uint32_t b_row, uint32_t out_dec,
                uint32_t out_row, int a_bias, int b_bias, int out_bias, uint32_t shift, bool wait,
                const std::string& note) {
        for (auto [name, v, lim] : {std::tuple{"N0", n0, tile_.max_n}, {"N1", n1, tile_.max_n}, {"M", m, tile_.max_m}})
            if (v == 0 || v % L_ || static_cast<int>(v) > lim)
                throw ShapeError(fmt::format("operator '{}': {} = {} must be a positive multiple of {} and <= {} "
                                             "(the tile's field limit)", note, name, v, L_, lim));
        eb_instr in{};
        in.op = EB_OP_EB_MATMUL;
        in.a[0] = uint64_t(n0) | (uint64_t(n1) << 16) | (uint64_t(m) << 32);
        in.a[1] = uint64_t(a_row) | (uint64_t(a_row) << 16) | (uint64_t(b_row) << 32) | (uint64_t(b_row) << 48);
        in.a[2] = uint64_t(out_dec) | (uint64_t(out_row) << 16) | (uint64_t(out_row) << 32);
        in.a[3] = uint64_t(field(a_bias)) | (uint64_t(field(b_bias)) << 8) | (uint64_t(field(out_bias)) << 16) |
                  (uint64_t(shift) << 32);
        in.a[4] = wait;
        b_.raw(in, fmt::format("({}x{})({}x{})^T A dec0@{} B dec1@{} -> dec{}@{} bias {}/{}/{}{}{}  ; {}", n0, m, n1, m,
                               a_row, b_row, out_dec, out_row, a_bias, b_bias, out_bias,
                               shift ? fmt::format(" >>{}", shift) : "", wait ? "" : " (async)", note));
    }

    void sfu(eb_sfu_op op, uint32_t nv, uint32_t rows, uint32_t x_row, uint32_t y_row, uint32_t out_dec,
             uint32_t out_row, int x_bias, int y_bias, int out_bias, uint32_t gamma_row, uint32_t beta_row,
             int gamma_bias, int beta_bias, uint32_t span_row, int span_bias, const std::string& note) {
        eb_instr in{};
        in.op = EB_OP_EB_SFU;
        in.a[0] = uint64_t(op) | (uint64_t(nv) << 8) | (uint64_t(rows) << 16) | (uint64_t(out_dec) << 24) |
                  (uint64_t{1} << 32);
        in.a[1] = uint64_t(x_row) | (uint64_t(x_row) << 16) | (uint64_t(y_row) << 32) | (uint64_t(y_row) << 48);
        in.a[2] = uint64_t(out_row) | (uint64_t(out_row) << 16) | (uint64_t(gamma_row) << 32) |
                  (uint64_t(beta_row) << 40) | (uint64_t(span_row) << 48);
        in.a[3] = uint64_t(field(x_bias)) | (uint64_t(field(y_bias)) << 8) | (uint64_t(field(out_bias)) << 16) |
                  (uint64_t(field(gamma_bias)) << 24) | (uint64_t(field(beta_bias)) << 32) |
                  (uint64_t(field(span_bias)) << 40);
        static const char* names[] = {"layer_norm", "softmax", "element_add", "entropy", "dvfs"};
        b_.raw(in, fmt::format("{} {} rows x {} vectors, x dec0@{} y dec1@{} -> dec{}@{}  ; {}", names[op], rows, nv,
                               x_row, y_row, out_dec, out_row, note));
    }

    // F32 rows [r0, ..) x cols [c0, ..) of src quantized into the AF tensor af_dst.
    void stage(uint32_t src, int r0, int c0, int, int, uint32_t af_dst) {
        b_.host(EB_H_QUANTIZE, {src, af_dst, uint64_t(r0), uint64_t(c0)});
    }

    // ---- linear ------------------------------------------------------------
    void linear(uint32_t x, const model::Linear& W, const std::string& wname, uint32_t y, const std::string& x_key,
                const std::string& y_key) override {
        const eb_tensor X = b_.tensor_at(x);
        const int S = static_cast<int>(X.rows), K = static_cast<int>(X.cols), N = static_cast<int>(W.weight.dim(0));
        const int depth = std::min(tile_.input_sram_depth, tile_.mask_sram_depth);
        if (K % L_ || N % L_)
            throw ShapeError(fmt::format("operator '{}': {} x {} weights must have both dimensions multiples of {}",
                                         wname, N, K, L_));
        if (K > tile_.max_m)
            throw ShapeError(fmt::format("operator '{}': inner dimension {} exceeds the tile's M limit {} (M field)",
                                         wname, K, tile_.max_m));
        // Tile sizes: the largest A row block, preferring double-buffered weights.
        int rA = 0, rW = 0, nbuf = 0;
        for (int buffers : {2, 1}) {
            for (int ra : {64, 48, 32, 16}) {
                if (ra > S || S % ra) continue;
                for (int rw : {64, 32, 16}) {
                    if (rw > N || N % rw) continue;
                    const int va = ra * K / L_, vw = rw * K / L_, out = ra * rw / L_;
                    if (va + out <= depth && buffers * vw + 2 * out <= depth) {
                        rA = ra, rW = rw, nbuf = buffers;
                        break;
                    }
                }
                if (rA) break;
            }
            if (rA) break;
        }
        if (!rA)
            throw ShapeError(fmt::format("operator '{}': no tiling of ({} x {}) . ({} x {})^T fits the tile's {}-row "
                                         "SRAMs", wname, S, K, N, K, depth));
        const int va = rA * K / L_, vw = rW * K / L_, vo = rA * rW / L_;
        const int xb = bias_for(calib(x_key)), yb = bias_for(calib(y_key));
        float wmax = 0, bmax = 0;
        for (float v : W.weight.data) wmax = std::max(wmax, std::fabs(v));
        for (float v : W.bias.data) bmax = std::max(bmax, std::fabs(v));
        const int wb = bias_for(wmax), bb = bias_for(bmax);

        auto wit = weights_.find(wname + ".af");
        if (wit == weights_.end()) {
            weights_[wname + ".af"] = af_tensor(wname + ".weight_af", N, K, rW, K, wb, W.weight.data.data());
            // Bias broadcast over rA rows, one block per column block of the output.
            std::vector<float> bcast(size_t(rA) * N);
            for (int r = 0; r < rA; ++r) std::copy(W.bias.data.begin(), W.bias.data.end(), bcast.begin() + size_t(r) * N);
            weights_[wname + ".bias_af"] = af_tensor(wname + ".bias_af", rA, N, rA, rW, bb, bcast.data());
        }
        const uint32_t waf = weights_[wname + ".af"], baf = weights_[wname + ".bias_af"];
        const uint32_t xa = af_tensor(wname + ".x_af", S, K, rA, K, xb);
        const uint32_t ya = af_tensor(wname + ".y_af", S, N, rA, rW, yb);
        b_.host(EB_H_QUANTIZE, {x, xa, 0, 0});

        // dec0: A block [0, va), bias block [va, va + vo). dec1: weight buffers, matmul out, sum out.
        const uint32_t bias_row = va, mm_row = nbuf * vw, sum_row = nbuf * vw + vo;
        for (int i = 0; i < S / rA; ++i) {
            load_block(xa, i, 0, 0, 0, true, "A rows");
            load_block(waf, 0, 0, 1, 0, true, "W block 0");
            for (int j = 0; j < N / rW; ++j) {
                const uint32_t wrow = nbuf == 2 ? (j % 2) * vw : 0;
                if (nbuf == 1 && j > 0) load_block(waf, j, 0, 1, 0, true, fmt::format("W block {}", j));
                load_block(baf, 0, j, 0, bias_row, true, "bias block");
                const std::string note = fmt::format("{} block ({}, {})", wname, i, j);
                matmul(rA, rW, K, 0, wrow, 1, mm_row, xb, wb, yb, 0, false, note);
                if (nbuf == 2 && j + 1 < N / rW)
                    load_block(waf, j + 1, 0, 1, ((j + 1) % 2) * vw, true, fmt::format("prefetch W block {}", j + 1));
                b_.eb_wait(false, EB_CAT_COMPUTE);
                sfu(EB_SFU_ELEMENT_ADD, rW / L_, rA, bias_row, mm_row, 1, sum_row, bb, yb, yb, 0, 0, -10, -10, 0, -10,
                    note + " + bias");
                store_block(ya, i, j, 1, sum_row, "Y block");
            }
        }
        b_.host(EB_H_DEQUANTIZE, {ya, y, 0, 0});
    }

    // ---- attention ---------------------------------------------------------
    void attention(int layer, uint32_t q, uint32_t k, uint32_t v, uint32_t ctx) override {
        const int S = seq_, d = cfg_.head_dim();
        const int shift = static_cast<int>(std::lround(std::log2(std::sqrt(static_cast<double>(d)))));
        if (d % L_ || std::ldexp(1.0, 2 * shift) != d)
            throw ShapeError(fmt::format("attention: head dimension {} must be a multiple of {} and a power of 4 (the "
                                         "1/sqrt(d) scale is the matmul's right shift)", d, L_));
        ensure_span_mask();
        const int qb = bias_for(calib(key(layer, "q"))), kb = bias_for(calib(key(layer, "k")));
        const int vb = bias_for(calib(key(layer, "v"))), sb = bias_for(calib(key(layer, "scores")));
        const int pb = -7 < tile_.bias_range.min ? tile_.bias_range.min : std::min(-7, tile_.bias_range.max);
        const int cb = bias_for(calib(key(layer, "ctx")));
        const uint32_t vq = S * d / L_, vs = S * S / L_;
        const uint32_t q_row = 0, s_row = vq, p_row = vq + vs;          // decoder 0
        const uint32_t k_row = 0, vt_row = vq, c_row = 2 * vq;          // decoder 1
        if (p_row + vs > static_cast<uint32_t>(tile_.input_sram_depth))
            throw ShapeError(fmt::format("attention: sequence length {} needs {} SRAM rows for Q, scores and "
                                         "probabilities, the tile has {}", S, p_row + vs, tile_.input_sram_depth));
        const std::string p = fmt::format("L{}.", layer);
        const uint32_t vt = f32(p + "vT", d, S);
        for (int h = 0; h < cfg_.num_attention_heads; ++h) {
            const std::string hp = fmt::format("{}h{}.", p, h);
            const uint32_t qa = af_tensor(hp + "q_af", S, d, S, d, qb), ka = af_tensor(hp + "k_af", S, d, S, d, kb);
            const uint32_t vta = af_tensor(hp + "vT_af", d, S, d, S, vb), ca = af_tensor(hp + "ctx_af", S, d, S, d, cb);
            stage(q, 0, h * d, S, d, qa);
            stage(k, 0, h * d, S, d, ka);
            b_.host(EB_H_TRANSPOSE, {view(v, 0, h * d, S, d, hp + "v"), vt}, EB_CAT_TRANSPOSE);
            stage(vt, 0, 0, d, S, vta);
            load_block(qa, 0, 0, 0, q_row, true, "Q_h");
            load_block(ka, 0, 0, 1, k_row, true, "K_h");
            load_block(vta, 0, 0, 1, vt_row, true, "V_h^T");
            matmul(S, S, d, q_row, k_row, 0, s_row, qb, kb, sb, static_cast<uint32_t>(shift), true,
                   hp + "scores = Q K^T / sqrt(d)");
            sfu(EB_SFU_SOFTMAX, S / L_, S, s_row, 0, 0, p_row, sb, sb, pb, 0, 0, -10, -10, 0, span_bias_,
                hp + "softmax");
            matmul(S, d, S, p_row, vt_row, 1, c_row, pb, vb, cb, 0, true, hp + "context = P V");
            store_block(ca, 0, 0, 1, c_row, "ctx_h");
            b_.host(EB_H_DEQUANTIZE, {ca, ctx, 0, uint64_t(h) * d});
        }
    }

    // An all-ones attention-span mask (plain softmax) in aux rows [0, S/16).
    void ensure_span_mask() {
        if (span_loaded_) return;
        span_bias_ = std::max(tile_.bias_range.min, std::min(-tile_.act_format.max_exp_code(), tile_.bias_range.max));
        // Aux rows are dense codes (not bitmask-encoded).
        std::vector<uint8_t> codes(size_t(seq_), num::af_encode(1.0, tile_.act_format, span_bias_));
        const uint64_t addr = alloc(codes.size());
        b_.image(addr, codes);
        b_.eb_dma(kAuxSram, true, 0, 0, addr, static_cast<uint32_t>(seq_ / L_), true, "span mask (all ones)");
        span_loaded_ = true;
    }

    // ---- residual + layer norm on the tile ---------------------------------
    void add_layer_norm(int layer, uint32_t x, uint32_t r, const model::LayerNormParams& ln,
                        const std::string& ln_name, const std::string& x_key, const std::string& r_key,
                        const std::string& out_key) override {
        const eb_tensor X = b_.tensor_at(x);
        const int S = static_cast<int>(X.rows), H = static_cast<int>(X.cols), nv = H / L_;
        const int rb = L_;  // one lane-row block per call keeps both operands and results in SRAM
        if (H % L_ || nv > tile_.max_num_vector)
            throw ShapeError(fmt::format("layer norm over {} features does not fit the tile's fields", H));
        const int xb = bias_for(calib(x_key) + calib(r_key)), rbias = bias_for(calib(r_key));
        const int ab = xb, ob = bias_for(calib(out_key));
        const int gb = bias_for(max_abs(ln.gamma)), bb = bias_for(max_abs(ln.beta));
        // gamma / beta into aux rows after the span mask.
        const uint32_t g_row = static_cast<uint32_t>(seq_ / L_), b_row = g_row + static_cast<uint32_t>(nv);
        if (b_row + nv > static_cast<uint32_t>(tile_.aux_sram_depth))
            throw ShapeError(fmt::format("layer norm: gamma and beta ({} rows each) do not fit the {}-row aux SRAM", nv,
                                         tile_.aux_sram_depth));
        load_aux(ln_name + ".gamma_aux", ln.gamma, gb, g_row);
        load_aux(ln_name + ".beta_aux", ln.beta, bb, b_row);
        const uint32_t xa = af_tensor(fmt::format("L{}.{}.x_af", layer, ln_name), S, H, rb, H, xb);
        const uint32_t ra = af_tensor(fmt::format("L{}.{}.r_af", layer, ln_name), S, H, rb, H, rbias);
        const uint32_t ya = af_tensor(fmt::format("L{}.{}.y_af", layer, ln_name), S, H, rb, H, ob);
        b_.host(EB_H_QUANTIZE, {x, xa, 0, 0});
        b_.host(EB_H_QUANTIZE, {r, ra, 0, 0});
        const uint32_t v = static_cast<uint32_t>(rb * H / L_);
        for (int i = 0; i < S / rb; ++i) {
            load_block(xa, i, 0, 0, 0, true, "x rows");
            load_block(ra, i, 0, 1, 0, true, "residual rows");
            sfu(EB_SFU_ELEMENT_ADD, nv, rb, 0, 0, 0, v, xb, rbias, ab, 0, 0, -10, -10, 0, -10, "residual add");
            sfu(EB_SFU_LAYER_NORM, nv, rb, v, 0, 1, v, ab, ab, ob, g_row, b_row, gb, bb, 0, -10, "layer norm");
            store_block(ya, i, 0, 1, v, "normalised rows");
        }
        b_.host(EB_H_DEQUANTIZE, {ya, x, 0, 0});
    }

    // The off-ramp's logits, padded to a lane vector with the most negative
    // value (their exp() vanishes), through the tile's entropy unit; the
    // program ends when its status says exit.
    // Thesis mode has a lowerer of its own (lower_edgebert_thesis.cpp).
    void thesis_input(const std::vector<float>&) override { throw Error("internal: not a thesis lowerer"); }
    void thesis_head(int, int, const model::AlbertLayerWeights&) override {}
    void thesis_post_processing(int, const model::AlbertLayerWeights&) override {}
    void thesis_ffn(int, const model::AlbertLayerWeights&) override {}
    uint32_t thesis_output() override { return 0; }

    void exit_check(int layer, uint32_t logits, int slot) override {
        const int labels = cfg_.num_labels;
        if (labels > L_) throw ShapeError(fmt::format("early exit: {} labels exceed one {}-lane vector", labels, L_));
        const int wide = tile_.bias_range.max;
        std::vector<float> pad(size_t(L_), -1e30f);
        const uint32_t row = f32(fmt::format("L{}.exit_logits", layer), 1, L_, pad.data());
        b_.host(EB_H_COPY, {logits, view(row, 0, 0, 1, labels, "exit_logits_head"), 0, 0});
        // An AF block of one row: the entropy unit reads a single 16-element vector.
        const uint32_t la = af_tensor(fmt::format("L{}.exit_logits_af", layer), 1, L_, 1, L_, wide);
        b_.host(EB_H_QUANTIZE, {row, la, 0, 0});
        load_block(la, 0, 0, 0, 0, true, "off-ramp logits");
        eb_instr in{};
        in.op = EB_OP_EB_SFU;
        in.a[0] = uint64_t(EB_SFU_ENTROPY) | (uint64_t{1} << 8) | (uint64_t{1} << 16) | (uint64_t{1} << 32);
        in.a[3] = uint64_t(field(wide));
        in.a[4] = uint64_t(std::lround(std::min(opt_.exit_threshold, 63.0) * 1024.0)) & 0xFFFF;
        b_.raw(in, fmt::format("entropy of layer {}'s off-ramp, threshold {}", layer + 1, opt_.exit_threshold));
        eb_instr x{};
        x.op = EB_OP_EXIT_IF;
        x.a[0] = static_cast<uint64_t>(slot);
        x.a[1] = static_cast<uint64_t>(layer + 1);
        b_.raw(x, fmt::format("exit after layer {} if the entropy unit says so", layer + 1));
    }

    static float max_abs(const model::Tensor& t) {
        float m = 0;
        for (float v : t.data) m = std::max(m, std::fabs(v));
        return m;
    }

    void load_aux(const std::string& name, const model::Tensor& t, int exp_bias, uint32_t row) {
        std::vector<uint8_t> codes(t.size());
        for (size_t i = 0; i < t.size(); ++i) codes[i] = num::af_encode(t.data[i], tile_.act_format, exp_bias);
        auto it = aux_addr_.find(name);
        uint64_t addr;
        if (it == aux_addr_.end()) {
            addr = alloc(codes.size());
            b_.image(addr, codes);
            aux_addr_[name] = addr;
        } else {
            addr = it->second;
        }
        b_.eb_dma(kAuxSram, true, 0, row, addr, static_cast<uint32_t>(t.size() / L_), true, name);
    }

    const hw::EdgebertTileConfig& tile_;
    const int L_;
    std::map<uint32_t, AfInfo> af_info_;
    std::map<std::string, uint64_t> aux_addr_;
    bool span_loaded_ = false;
    int span_bias_ = -7;
};

}  // namespace

std::unique_ptr<Lowerer> make_edgebert_lowerer(const model::AlbertConfig& c, const model::AlbertWeights& w,
                                               const model::ModelInput& in, const hw::SocConfig& s,
                                               const CompileOptions& o, const std::map<std::string, float>& a) {
    if (o.mode == Mode::Thesis) return make_edgebert_thesis_lowerer(c, w, in, s, o, a);
    return std::make_unique<EdgebertLowerer>(c, w, in, s, o, a);
}

}  // namespace edgebert::compiler
