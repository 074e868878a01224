// EdgeBERT target in thesis mode: the published software's flow
// (docs/thesis-mode.md). Activations and weights are 8-bit AdaptivFloat codes
// in dense byte arrays from the layer input to its output; every tile call is
// one host operation of the published driver (runtime/src/eb_thesis_edgebert.c):
// the CPU transposes B, encodes both operands into bitmask form, copies them
// into the DMA staging area, programs one DMA per operand, polls the PLIC, and
// copies and decodes the result. Softmax, residual element add and layer norm
// run on the tile row batch by row batch; there is no activation function.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "common/error.hpp"
#include "compiler/lower/lowerer.hpp"
#include "eb_thesis.h"
#include "hw/formats/adaptivfloat.hpp"

namespace edgebert::compiler {

namespace {

class EdgebertThesisLowerer : public Lowerer {
public:
    EdgebertThesisLowerer(const model::AlbertConfig& c, const model::AlbertWeights& w, const model::ModelInput& in,
                          const hw::SocConfig& s, const CompileOptions& o, const std::map<std::string, float>& a)
        : Lowerer(c, w, in, s, o, a), tile_(s.edgebert), L_(s.edgebert.lanes) {
        if (seq_ % L_ != 0 || cfg_.head_dim() % L_ != 0)
            throw ShapeError(fmt::format("thesis mode on the edgebert target: sequence length {} and head size {} must "
                                         "be multiples of {} (the tile's lanes)", seq_, cfg_.head_dim(), L_));
    }

protected:
    // The optimized operators are not part of a thesis program.
    void linear(uint32_t, const model::Linear&, const std::string&, uint32_t, const std::string&,
                const std::string&) override {
        throw Error("internal: thesis lowering has no linear()");
    }
    void attention(int, uint32_t, uint32_t, uint32_t, uint32_t) override {
        throw Error("internal: thesis lowering has no attention()");
    }

    void thesis_input(const std::vector<float>& x) override {
        const eb_platform plat = platform();
        staging_ = dense("staging", EB_FMT_I8, 1, static_cast<int>(eb_thesis_staging_bytes(&plat)), 1.0f, nullptr);
        float mx = 0;
        for (float v : x) mx = std::max(mx, std::fabs(v));
        x_ = af("x", seq_, cfg_.hidden_size, bias_for(mx), x.data());
        x_max_ = mx;
        if (opt_.silicon_dma_projection) {
            b_.region(0, EB_MOD_EMBEDDING, "dma_reference");
            b_.host(EB_H_EB_DMA_REFERENCE, {staging_});
        }
    }

    void thesis_head(int l, int h, const model::AlbertLayerWeights& L) override {
        const int S = seq_, H = cfg_.hidden_size, d = cfg_.head_dim();
        if (h == 0) {
            ctx_ = af(key(l, "ctx"), S, H, bias_for(calib(key(l, "ctx"))));
        }
        const std::string p = fmt::format("L{}.h{}.", l, h);
        const uint32_t q = af(p + "q", S, d, bias_for(calib(key(l, "q"))));
        const uint32_t k = af(p + "k", S, d, bias_for(calib(key(l, "k"))));
        const uint32_t v = af(p + "v", S, d, bias_for(calib(key(l, "v"))));
        gemm(x_, head_weight(L.query, "query", h), q, 0, p + "q");
        gemm(x_, head_weight(L.key, "key", h), k, 0, p + "k");
        gemm(x_, head_weight(L.value, "value", h), v, 0, p + "v");
        // K^T through a malloc'd temporary, copied back over K (as the published code did).
        eb_tensor kt = b_.tensor_at(k);
        kt.rows = static_cast<uint32_t>(d), kt.cols = kt.ld = static_cast<uint32_t>(S);
        const uint32_t kt_id = b_.tensor(p + "kT", kt);
        b_.host(EB_H_TRANSPOSE, {k, kt_id, 1}, EB_CAT_TRANSPOSE);
        // Scores with the 1/sqrt(d) scale as the tile's right shift.
        const int shift = static_cast<int>(std::lround(std::log2(std::sqrt(static_cast<double>(d)))));
        if (std::ldexp(1.0, 2 * shift) != d)
            throw ShapeError(fmt::format("thesis mode: head dimension {} must be a power of 4 (the tile's right "
                                         "shift scales QK^T by 1/sqrt(d))", d));
        const uint32_t scores = af(p + "scores", S, S, bias_for(calib(key(l, "scores"))));
        gemm(q, kt_id, scores, static_cast<uint32_t>(shift), p + "scores");
        eb_tensor probs = b_.tensor_at(scores);
        probs.exp_bias = bias_for(1.0f);
        const uint32_t probs_id = b_.tensor(p + "probs", probs);
        b_.host(EB_H_EB_SOFTMAX_STAGED, {scores, probs_id, staging_});
        gemm(probs_id, v, view(ctx_, 0, h * d, S, d, p + "ctx"), 0, p + "ctx");
    }

    void thesis_post_processing(int l, const model::AlbertLayerWeights& L) override {
        const int S = seq_, H = cfg_.hidden_size;
        const uint32_t ap = af(key(l, "attn_proj"), S, H, bias_for(calib(key(l, "attn_proj"))));
        gemm(ctx_, weight(L.attn_dense, "attn_dense"), ap, 0, key(l, "attn_proj"));
        attn_out_ = add_layer_norm(ap, x_, x_max_, L.attn_ln, "attn_ln", l, "attn_proj", "attn_out");
    }

    void thesis_ffn(int l, const model::AlbertLayerWeights& L) override {
        const int S = seq_, H = cfg_.hidden_size, I = cfg_.intermediate_size;
        // No activation between the two matmuls: the published driver ran none.
        const uint32_t f1 = af(key(l, "ffn1"), S, I, bias_for(calib(key(l, "ffn1"))));
        gemm(attn_out_, weight(L.ffn, "ffn"), f1, 0, key(l, "ffn1"));
        const uint32_t f2 = af(key(l, "ffn2"), S, H, bias_for(calib(key(l, "ffn2"))));
        gemm(f1, weight(L.ffn_output, "ffn_output"), f2, 0, key(l, "ffn2"));
        x_ = add_layer_norm(f2, attn_out_, calib(key(l, "attn_out")), L.full_ln, "full_ln", l, "ffn2", "out");
        x_max_ = calib(key(l, "out"));
    }

    uint32_t thesis_output() override { return x_; }

private:
    eb_platform platform() const {
        eb_platform p{};
        p.lanes = static_cast<uint32_t>(L_);
        p.input_sram_depth = static_cast<uint32_t>(tile_.input_sram_depth);
        p.mask_sram_depth = static_cast<uint32_t>(tile_.mask_sram_depth);
        p.aux_sram_depth = static_cast<uint32_t>(tile_.aux_sram_depth);
        return p;
    }
    int bias_for(float max_abs) const {
        return num::af_choose_exp_bias(std::max(max_abs, 1e-12f), tile_.act_format, tile_.bias_range);
    }

    // A dense AF tensor (rows x cols codes), encoded from `data` if given.
    uint32_t af(const std::string& name, int rows, int cols, int exp_bias, const float* data = nullptr) {
        eb_tensor t{};
        t.format = EB_FMT_AF_DENSE;
        t.rows = static_cast<uint32_t>(rows);
        t.cols = t.ld = static_cast<uint32_t>(cols);
        t.exp_bias = exp_bias;
        t.af_total_bits = static_cast<uint32_t>(tile_.act_format.total_bits);
        t.af_exp_bits = static_cast<uint32_t>(tile_.act_format.exp_bits);
        t.scale = 1.0f;
        t.addr = alloc(uint64_t(rows) * cols);
        if (data) {
            std::vector<uint8_t> codes(size_t(rows) * cols);
            for (size_t i = 0; i < codes.size(); ++i) codes[i] = num::af_encode(data[i], tile_.act_format, exp_bias);
            b_.image(t.addr, std::move(codes));
        }
        return b_.tensor(name, t);
    }

    // W^T (in x out, the K x N layout the published API took), one tensor per weight.
    uint32_t weight(const model::Linear& W, const std::string& name) {
        const int out = static_cast<int>(W.weight.dim(0)), in = static_cast<int>(W.weight.dim(1));
        return weight_columns(W, name, 0, out, in);
    }
    uint32_t head_weight(const model::Linear& W, const std::string& name, int h) {
        const int d = cfg_.head_dim(), in = static_cast<int>(W.weight.dim(1));
        return weight_columns(W, fmt::format("{}.h{}", name, h), h * d, d, in);
    }
    uint32_t weight_columns(const model::Linear& W, const std::string& name, int first, int count, int in) {
        auto it = weights_af_.find(name);
        if (it != weights_af_.end()) return it->second;
        float mx = 0;
        for (float v : W.weight.data) mx = std::max(mx, std::fabs(v));
        std::vector<float> kn(size_t(in) * count);
        for (int k = 0; k < in; ++k)
            for (int j = 0; j < count; ++j) kn[size_t(k) * count + j] = W.weight.data[size_t(first + j) * in + k];
        const uint32_t id = af(name + ".weightT", in, count, bias_for(mx), kn.data());
        weights_af_[name] = id;
        return id;
    }

    // C = A B as tile calls of rA rows of A and cB columns of B: the largest
    // blocks (halving the larger side) whose operand and result fit a
    // decoder's SRAMs and the dimension fields.
    void gemm(uint32_t a, uint32_t b, uint32_t c, uint32_t shift, const std::string& what) {
        const eb_tensor A = b_.tensor_at(a), B = b_.tensor_at(b);
        const int n0 = static_cast<int>(A.rows), m = static_cast<int>(A.cols), n1 = static_cast<int>(B.cols);
        const int depth = std::min(tile_.input_sram_depth, tile_.mask_sram_depth);
        if (m > tile_.max_m || m % L_)
            throw ShapeError(fmt::format("thesis mode, operator '{}': M = {} must be a multiple of {} and <= {}", what, m,
                                         L_, tile_.max_m));
        // Divisors of n0 and n1 that are multiples of the lanes; the fitting pair
        // with the largest smaller side, then the largest area.
        int ra = 0, cb = 0;
        for (int r = L_; r <= std::min(n0, tile_.max_n); r += L_)
            for (int c = L_; c <= std::min(n1, tile_.max_n); c += L_) {
                if (n0 % r || n1 % c) continue;
                const bool fits = r * m / L_ + r * c / L_ <= depth && c * m / L_ <= depth && r * m / L_ <= 4096 &&
                                  c * m / L_ <= 4096;
                if (fits && (std::min(r, c) > std::min(ra, cb) || (std::min(r, c) == std::min(ra, cb) && r * c > ra * cb)))
                    ra = r, cb = c;
            }
        if (ra == 0)
            throw ShapeError(fmt::format("thesis mode, operator '{}': ({}x{})({}x{}) has no tiling into the tile's "
                                         "SRAMs ({} rows)", what, n0, m, m, n1, depth));
        for (int i = 0; i < n0; i += ra)
            for (int j = 0; j < n1; j += cb)
                b_.host(EB_H_EB_MATMUL_STAGED,
                        {view(a, i, 0, ra, m, what + ".A"), view(b, 0, j, m, cb, what + ".B"),
                         view(c, i, j, ra, cb, what + ".C"), staging_, shift});
    }

    // y = LayerNorm(x + r) (rmax: the residual's max |r|), in x's storage.
    uint32_t add_layer_norm(uint32_t x, uint32_t r, float rmax, const model::LayerNormParams& ln,
                            const std::string& ln_name, int l, const char* x_key, const char* out_key) {
        auto vec = [&](const model::Tensor& t, const std::string& name) {
            auto it = weights_af_.find(name);
            if (it != weights_af_.end()) return it->second;
            float mx = 0;
            for (float v : t.data) mx = std::max(mx, std::fabs(v));
            const uint32_t id = af(name, 1, static_cast<int>(t.size()), bias_for(mx), t.data.data());
            weights_af_[name] = id;
            return id;
        };
        const uint32_t g = vec(ln.gamma, ln_name + ".gamma"), be = vec(ln.beta, ln_name + ".beta");
        const int sum_bias = bias_for(calib(key(l, x_key)) + rmax);
        eb_tensor y = b_.tensor_at(x);
        y.exp_bias = bias_for(calib(key(l, out_key)));
        const uint32_t y_id = b_.tensor(key(l, out_key), y);
        b_.host(EB_H_EB_ADD_LN_STAGED,
                {x, y_id, r, g, be,
                 uint64_t(staging_) | (uint64_t(sum_bias - tile_.bias_range.min) << 32)});
        return y_id;
    }

    const hw::EdgebertTileConfig& tile_;
    const int L_;
    uint32_t staging_ = 0, x_ = 0, ctx_ = 0, attn_out_ = 0;
    float x_max_ = 0;  // max |x| of the layer input
    std::map<std::string, uint32_t> weights_af_;
};

}  // namespace

std::unique_ptr<Lowerer> make_edgebert_thesis_lowerer(const model::AlbertConfig& c, const model::AlbertWeights& w,
                                                      const model::ModelInput& in, const hw::SocConfig& s,
                                                      const CompileOptions& o, const std::map<std::string, float>& a) {
    return std::make_unique<EdgebertThesisLowerer>(c, w, in, s, o, a);
}

}  // namespace edgebert::compiler
