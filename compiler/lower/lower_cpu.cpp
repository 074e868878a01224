// CPU target: every operator in FP32 on the host. Thesis mode (run_thesis)
// replays the published CPU baseline instead: int32 arrays, the naive triple
// loop, no softmax, layer norm, activation or bias, every intermediate
// malloc'd and freed, K transposed through a malloc'd temporary.
#include <fmt/format.h>

#include <cmath>
#include <cstring>

#include "compiler/lower/lowerer.hpp"
#include "hw/formats/int8.hpp"

namespace edgebert::compiler {

namespace {

class CpuLowerer : public Lowerer {
public:
    using Lowerer::Lowerer;

protected:
    void linear(uint32_t x, const model::Linear& W, const std::string& wname, uint32_t y, const std::string&,
                const std::string&) override {
        cpu_matmul(x, weight_f32(wname + ".weight", W.weight), y);
        cpu_add_bias(y, weight_f32(wname + ".bias", W.bias));
    }

    void attention(int layer, uint32_t q, uint32_t k, uint32_t v, uint32_t ctx) override {
        const int S = seq_, d = cfg_.head_dim();
        const float scale = 1.0f / std::sqrt(static_cast<float>(d));
        const uint32_t scores = f32(fmt::format("L{}.scores", layer), S, S);
        for (int h = 0; h < cfg_.num_attention_heads; ++h) {
            const std::string p = fmt::format("L{}.h{}.", layer, h);
            const uint32_t qh = view(q, 0, h * d, S, d, p + "q"), kh = view(k, 0, h * d, S, d, p + "k");
            const uint32_t vh = view(v, 0, h * d, S, d, p + "v"), ch = view(ctx, 0, h * d, S, d, p + "ctx");
            cpu_matmul(qh, kh, scores);
            cpu_softmax(scores, scale);
            cpu_matmul(scores, vh, ch, /*b_is_kn=*/true);
        }
    }

    // ---- thesis mode: the published CPU baseline ---------------------------
    // Per head: Q_h = X Wq_h, K_h = X Wk_h, V_h = X Wv_h, K_h transposed through
    // a malloc'd temporary and copied back over its own storage, S_h = Q_h K_h^T,
    // C_h = S_h V_h into the concatenated heads C; then A = C Wo, F1 = A W1,
    // F2 = F1 W2. int32 from end to end: the input and the weights are INT8
    // codes (per-tensor scales) stored as int32, and no intermediate is
    // rescaled, so the arithmetic wraps modulo 2^32 as the baseline's did (the
    // values are not meaningful numerically; the tensors' scales are the
    // products of their operands' nonetheless).

    struct Live {
        uint32_t t = 0;  // tensor
        int slot = -1;   // allocation slot (-1: none)
    };
    Live tx_;     // the layer input (S x H)
    Live tctx_;   // the concatenated heads (S x H)
    Live tattn_;  // the output projection (S x H)
    Live tout_;   // the last layer's output
    std::map<std::string, num::Int8Tensor> tq_;  // quantized weights by name

    void release(Live& v) {
        if (v.slot >= 0) host_free(static_cast<uint32_t>(v.slot));
        v.slot = -1;
    }

    // Columns [c0, c0 + cols) of W^T (W: N x K as stored, out x in): INT8 codes
    // with W's per-tensor scale as int32, laid out K x cols (the matmul's B,
    // walked down its columns); created once (ALBERT shares layers).
    uint32_t thesis_weight(const std::string& name, const model::Tensor& w, int c0, int cols) {
        const std::string id = fmt::format("{}.i32[{}:{}]", name, c0, c0 + cols);
        if (auto it = weights_.find(id); it != weights_.end()) return it->second;
        auto qit = tq_.find(name);
        if (qit == tq_.end()) qit = tq_.emplace(name, num::int8_quantize_symmetric(w.data.data(), w.size())).first;
        const int K = static_cast<int>(w.dim(1));
        std::vector<int32_t> kn(size_t(K) * cols);
        for (int k = 0; k < K; ++k)
            for (int n = 0; n < cols; ++n) kn[size_t(k) * cols + n] = qit->second.q[size_t(c0 + n) * K + k];
        return weights_[id] = i32_tensor(id, K, cols, qit->second.scale, kn.data());
    }

    // y = a b into a freshly allocated int32 tensor.
    Live thesis_matmul(uint32_t a, uint32_t b, const std::string& name) {
        const eb_tensor A = b_.tensor_at(a), B = b_.tensor_at(b);
        Live y;
        y.t = i32_tensor(name, static_cast<int>(A.rows), static_cast<int>(B.cols), A.scale * B.scale);
        y.slot = static_cast<int>(host_malloc(uint64_t(A.rows) * B.cols * 4, name));
        b_.host(EB_H_I32_MATMUL, {a, b, y.t});
        return y;
    }

    void thesis_input(const std::vector<float>& x) override {
        const auto q = num::int8_quantize_symmetric(x.data(), x.size());
        const std::vector<int32_t> v(q.q.begin(), q.q.end());
        tx_.t = i32_tensor("thesis.x_i32", seq_, cfg_.hidden_size, q.scale, v.data());
        tx_.slot = -1;
    }

    void thesis_head(int l, int h, const model::AlbertLayerWeights& L) override {
        const int S = seq_, H = cfg_.hidden_size, d = cfg_.head_dim();
        const std::string p = fmt::format("L{}.h{}.", l, h);
        Live q = thesis_matmul(tx_.t, thesis_weight("query", L.query.weight, h * d, d), p + "q");
        Live k = thesis_matmul(tx_.t, thesis_weight("key", L.key.weight, h * d, d), p + "k");
        Live v = thesis_matmul(tx_.t, thesis_weight("value", L.value.weight, h * d, d), p + "v");
        // The layer input's last use: the previous layer's output is freed.
        if (h == cfg_.num_attention_heads - 1) release(tx_);
        // K^T through a malloc'd temporary, copied back over K's own storage (d x S).
        eb_tensor kt = b_.tensor_at(k.t);
        kt.rows = static_cast<uint32_t>(d);
        kt.cols = kt.ld = static_cast<uint32_t>(S);
        const uint32_t kt_id = b_.tensor(p + "kT", kt);
        b_.host(EB_H_TRANSPOSE, {k.t, kt_id, 1});
        Live s = thesis_matmul(q.t, kt_id, p + "scores");
        release(q);
        release(k);
        if (h == 0) {
            const std::string name = fmt::format("L{}.ctx", l);
            tctx_.t = i32_tensor(name, S, H, b_.tensor_at(s.t).scale * b_.tensor_at(v.t).scale);
            tctx_.slot = static_cast<int>(host_malloc(uint64_t(S) * H * 4, name));
        }
        b_.host(EB_H_I32_MATMUL, {s.t, v.t, view(tctx_.t, 0, h * d, S, d, p + "ctx")});
        release(s);
        release(v);
    }

    void thesis_post_processing(int l, const model::AlbertLayerWeights& L) override {
        tattn_ = thesis_matmul(tctx_.t, thesis_weight("attn_dense", L.attn_dense.weight, 0, cfg_.hidden_size),
                               fmt::format("L{}.attn_proj", l));
        release(tctx_);
    }

    void thesis_ffn(int l, const model::AlbertLayerWeights& L) override {
        Live f1 = thesis_matmul(tattn_.t, thesis_weight("ffn", L.ffn.weight, 0, cfg_.intermediate_size),
                                fmt::format("L{}.ffn1", l));
        release(tattn_);
        Live f2 = thesis_matmul(f1.t, thesis_weight("ffn_output", L.ffn_output.weight, 0, cfg_.hidden_size),
                                fmt::format("L{}.ffn2", l));
        release(f1);
        if (l + 1 < opt_.layers) {
            tx_ = f2;  // the next layer's input, freed after its last use
        } else {
            // The output: its buffer freed at the end, the tensor stays at its DRAM address.
            release(f2);
            tout_ = f2;
        }
    }

    uint32_t thesis_output() override { return tout_.t; }
};

}  // namespace

std::unique_ptr<Lowerer> make_cpu_lowerer(const model::AlbertConfig& c, const model::AlbertWeights& w,
                                          const model::ModelInput& in, const hw::SocConfig& s, const CompileOptions& o,
                                          const std::map<std::string, float>& a) {
    return std::make_unique<CpuLowerer>(c, w, in, s, o, a);
}

}  // namespace edgebert::compiler
