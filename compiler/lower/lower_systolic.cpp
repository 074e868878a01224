// Systolic target: every matmul as INT8 calls of at most size x size x size on
// the systolic tile (per-tensor scales; activations calibrated, weights
// max-scaled and laid out K x N at compile time), dequantized to FP32 for the
// CPU's other operators; partial sums accumulate in the array (C_in preload).
// Thesis mode (run_thesis) replays the published baseline instead: INT8 from
// end to end with no softmax, layer norm, activation or bias; every call writes
// a partial tile that the CPU accumulates in INT32, operand tiles are copied
// into freshly allocated temporary buffers first, and the CPU narrows each
// INT32 result to the next call's INT8 operand by a calibrated right shift.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "common/error.hpp"
#include "compiler/lower/lowerer.hpp"
#include "hw/formats/int8.hpp"

namespace edgebert::compiler {

namespace {

class SystolicLowerer : public Lowerer {
public:
    using Lowerer::Lowerer;

protected:
    // c32 (M x N) = a8 (M x K) * b8 (K x N), all row-major dense tensors: calls
    // of at most size x size x size, partial sums accumulated in the array.
    void gemm(uint32_t a8, uint32_t b8, uint32_t c32) {
        const eb_tensor A = b_.tensor_at(a8), B = b_.tensor_at(b8), C = b_.tensor_at(c32);
        const int M = static_cast<int>(A.rows), K = static_cast<int>(A.cols), N = static_cast<int>(B.cols);
        const int T = soc_.systolic.size;
        for (int i = 0; i < M; i += T) {
            const int m = std::min(T, M - i);
            for (int j = 0; j < N; j += T) {
                const int n = std::min(T, N - j);
                const uint64_t a_base = A.addr + uint64_t(i) * A.ld, b_base = B.addr + uint64_t(j);
                for (int k = 0; k < K; k += T) {
                    const int kk = std::min(T, K - k);
                    eb_instr in{};
                    in.op = EB_OP_SYS_CALL;
                    const bool acc = k > 0;
                    in.a[0] = uint64_t(m) | (uint64_t(n) << 16) | (uint64_t(kk) << 32) | (uint64_t{acc} << 48);
                    in.a[1] = a_base + uint64_t(k);
                    in.a[2] = b_base + uint64_t(k) * B.ld;
                    in.a[3] = C.addr + (uint64_t(i) * C.ld + j) * 4;
                    in.a[4] = uint64_t(A.ld) | (uint64_t(B.ld) << 21) | (uint64_t(C.ld) << 42);
                    b_.raw(in, fmt::format("{}x{}x{} A+({},{}) B+({},{}){}", m, n, kk, i, k, k, j,
                                           acc ? " accumulate" : ""));
                }
            }
        }
    }

    // An INT8 weight laid out K x N (the array's B operand), created once.
    uint32_t weight_i8(const std::string& name, const model::Tensor& w) {
        auto it = weights_.find(name);
        if (it != weights_.end()) return it->second;
        const int N = static_cast<int>(w.dim(0)), K = static_cast<int>(w.dim(1));
        const auto q = num::int8_quantize_symmetric(w.data.data(), w.size());
        std::vector<int8_t> kn(size_t(K) * N);
        for (int n = 0; n < N; ++n)
            for (int k = 0; k < K; ++k) kn[size_t(k) * N + n] = q.q[size_t(n) * K + k];
        const uint32_t id = i8_tensor(name, K, N, q.scale, kn.data());
        weights_[name] = id;
        return id;
    }

    void linear(uint32_t x, const model::Linear& W, const std::string& wname, uint32_t y, const std::string& x_key,
                const std::string&) override {
        const eb_tensor X = b_.tensor_at(x), Y = b_.tensor_at(y);
        const uint32_t w8 = weight_i8(wname + ".weight_i8", W.weight);
        const float sx = calib(x_key) / 127.0f;
        const uint32_t x8 = i8_tensor(wname + ".x_i8", X.rows, X.cols, sx);
        b_.host(EB_H_QUANTIZE, {x, x8, 0, 0});
        const uint32_t y32 = i32_tensor(wname + ".y_i32", Y.rows, Y.cols, sx * b_.tensor_at(w8).scale);
        gemm(x8, w8, y32);
        b_.host(EB_H_DEQUANTIZE, {y32, y, 0, 0});
        cpu_add_bias(y, weight_f32(wname + ".bias", W.bias));
    }

    void attention(int layer, uint32_t q, uint32_t k, uint32_t v, uint32_t ctx) override {
        const int S = seq_, d = cfg_.head_dim();
        const float scale = 1.0f / std::sqrt(static_cast<float>(d));
        const float sq = calib(key(layer, "q")) / 127.0f, sk = calib(key(layer, "k")) / 127.0f,
                    sv = calib(key(layer, "v")) / 127.0f;
        const float sp = 1.0f / 127.0f;  // probabilities lie in [0, 1]
        const std::string p = fmt::format("L{}.", layer);
        const uint32_t kt = f32(p + "kT", d, S), scores = f32(p + "scores", S, S);
        for (int h = 0; h < cfg_.num_attention_heads; ++h) {
            const std::string hp = fmt::format("{}h{}.", p, h);
            const uint32_t q8 = i8_tensor(hp + "q_i8", S, d, sq);
            b_.host(EB_H_QUANTIZE, {q, q8, 0, uint64_t(h) * d});
            b_.host(EB_H_TRANSPOSE, {view(k, 0, h * d, S, d, hp + "k"), kt}, EB_CAT_TRANSPOSE);
            const uint32_t kt8 = i8_tensor(hp + "kT_i8", d, S, sk);
            b_.host(EB_H_QUANTIZE, {kt, kt8, 0, 0});
            const uint32_t s32 = i32_tensor(hp + "scores_i32", S, S, sq * sk);
            gemm(q8, kt8, s32);
            b_.host(EB_H_DEQUANTIZE, {s32, scores, 0, 0});
            cpu_softmax(scores, scale);
            const uint32_t p8 = i8_tensor(hp + "p_i8", S, S, sp);
            b_.host(EB_H_QUANTIZE, {scores, p8, 0, 0});
            const uint32_t v8 = i8_tensor(hp + "v_i8", S, d, sv);
            b_.host(EB_H_QUANTIZE, {v, v8, 0, uint64_t(h) * d});
            const uint32_t c32 = i32_tensor(hp + "ctx_i32", S, d, sp * sv);
            gemm(p8, v8, c32);
            b_.host(EB_H_DEQUANTIZE, {c32, ctx, 0, uint64_t(h) * d});
        }
    }

    // ---- thesis mode: the published systolic baseline ---------------------
    // Per head: Q, K, V = X W (INT8 operands, INT32 results narrowed to INT8),
    // K^T by a CPU transpose (through a malloc'd temporary, copied back in
    // place), S = Q K^T, C_h = S V; then A = C Wo, F1 = A W1, F2 = F1 W2. Every
    // intermediate is malloc'd before its first write and freed after its last
    // use. The last layer's F2 stays INT32 (thesis_output).
    //
    // The shifts that narrow INT32 results to INT8 come from a calibration of
    // this flow itself: the compiler mirrors the integer values the program
    // computes (`Live::v`) and picks each shift from the intermediate's largest
    // magnitude. The FP32 reference's calibration does not describe this flow:
    // without softmax the context is no weighted mean of V, and without biases
    // and layer norms every later intermediate differs (its shifts zeroed the
    // output after the first attention).

    struct Live {
        uint32_t t = 0;          // tensor
        int slot = -1;           // allocation slot (-1: none)
        int rows = 0, cols = 0;
        std::vector<int32_t> v;  // the values the program computes (row-major rows x cols)
    };
    Live tx_;      // the layer input (I8, S x H)
    Live tctx_;    // the concatenated heads (I32, S x H)
    Live tattn_;   // the output projection (I8)
    Live tout_;    // the last layer's output (I32)
    std::map<std::string, num::Int8Tensor> tq_;  // quantized weights by name
    std::map<uint32_t, Live> tw_;                // INT8 weight slices by tensor id

    void release(Live& v) {
        if (v.slot >= 0) host_free(static_cast<uint32_t>(v.slot));
        v.slot = -1;
    }

    // Columns [c0, c0 + cols) of W^T (W: N x K as stored, out x in), INT8 with
    // W's per-tensor scale, laid out K x cols; created once (ALBERT shares layers).
    const Live& thesis_weight(const std::string& name, const model::Tensor& w, int c0, int cols) {
        const std::string id = fmt::format("{}.i8[{}:{}]", name, c0, c0 + cols);
        if (auto it = weights_.find(id); it != weights_.end()) return tw_.at(it->second);
        auto qit = tq_.find(name);
        if (qit == tq_.end()) qit = tq_.emplace(name, num::int8_quantize_symmetric(w.data.data(), w.size())).first;
        const int K = static_cast<int>(w.dim(1));
        std::vector<int8_t> kn(size_t(K) * cols);
        for (int k = 0; k < K; ++k)
            for (int n = 0; n < cols; ++n) kn[size_t(k) * cols + n] = qit->second.q[size_t(c0 + n) * K + k];
        Live lw;
        lw.t = weights_[id] = i8_tensor(id, K, cols, qit->second.scale, kn.data());
        lw.rows = K, lw.cols = cols;
        lw.v.assign(kn.begin(), kn.end());
        return tw_[lw.t] = std::move(lw);
    }

    // c (M x N) = a (M x K) b (K x N) as the program computes it: INT8 products
    // summed in INT32. The CPU's saturating accumulation of the calls' partial
    // sums never saturates below this depth (K x 127 x 127 < 2^31).
    static std::vector<int32_t> mirror_gemm(const Live& a, const Live& b) {
        if (int64_t{a.cols} * 127 * 127 > INT32_MAX)
            throw ShapeError(fmt::format("thesis mode: a contraction over {} exceeds what INT32 holds", a.cols));
        std::vector<int32_t> c(size_t(a.rows) * b.cols, 0);
        for (int i = 0; i < a.rows; ++i) {
            int32_t* ci = &c[size_t(i) * b.cols];
            for (int p = 0; p < a.cols; ++p) {
                const int32_t x = a.v[size_t(i) * a.cols + p];
                const int32_t* bp = &b.v[size_t(p) * b.cols];
                for (int j = 0; j < b.cols; ++j) ci[j] += x * bp[j];
            }
        }
        return c;
    }

    // A fresh INT32 result (zeroed DRAM: the CPU accumulates into it), allocated.
    Live thesis_i32(const std::string& name, int rows, int cols, float scale) {
        Live v;
        v.t = i32_tensor(name, rows, cols, scale);
        v.slot = static_cast<int>(host_malloc(uint64_t(rows) * cols * 4, name));
        v.rows = rows, v.cols = cols;
        v.v.assign(size_t(rows) * cols, 0);
        return v;
    }

    // c32 (M x N) += a8 (M x K) * b8 (K x N) as the published software ran it:
    // per output tile, the rows of A and the columns of B copied into a freshly
    // allocated temporary buffer, then one call per depth step of at most
    // size x size x size into a partial tile that the CPU adds onto C.
    void thesis_gemm(uint32_t a8, uint32_t b8, uint32_t c32) {
        const eb_tensor A = b_.tensor_at(a8), B = b_.tensor_at(b8), C = b_.tensor_at(c32);
        const int M = static_cast<int>(A.rows), K = static_cast<int>(A.cols), N = static_cast<int>(B.cols);
        const int T = soc_.systolic.size;
        const uint32_t partial = i32_tensor("sys.partial", T, T, C.scale);
        const uint32_t ta = i8_tensor("sys.tmp_a", T, K, A.scale), tb = i8_tensor("sys.tmp_b", K, T, B.scale);
        const uint64_t a_base = b_.tensor_at(ta).addr, b_base = b_.tensor_at(tb).addr;
        for (int i = 0; i < M; i += T) {
            const int m = std::min(T, M - i);
            for (int j = 0; j < N; j += T) {
                const int n = std::min(T, N - j);
                const uint32_t slot =
                    host_malloc(uint64_t(m) * K + uint64_t(K) * n, fmt::format("staging A rows {}.., B cols {}..", i, j));
                b_.host(EB_H_COPY, {a8, view(ta, 0, 0, m, K, "tmp_a"), uint64_t(i), 0});
                b_.host(EB_H_COPY, {b8, view(tb, 0, 0, K, n, "tmp_b"), 0, uint64_t(j)});
                const uint32_t acc_view = view(c32, i, j, m, n, "acc");
                const uint32_t partial_view = view(partial, 0, 0, m, n, "partial");
                for (int k = 0; k < K; k += T) {
                    const int kk = std::min(T, K - k);
                    eb_instr in{};
                    in.op = EB_OP_SYS_CALL;
                    in.a[0] = uint64_t(m) | (uint64_t(n) << 16) | (uint64_t(kk) << 32);
                    in.a[1] = a_base + uint64_t(k);
                    in.a[2] = b_base + uint64_t(k) * T;
                    in.a[3] = b_.tensor_at(partial).addr;
                    in.a[4] = uint64_t(K) | (uint64_t(T) << 21) | (uint64_t(T) << 42);
                    b_.raw(in, fmt::format("{}x{}x{} A+({},{}) B+({},{}) -> partial", m, n, kk, i, k, k, j));
                    b_.host(EB_H_I32_ACCUMULATE, {acc_view, partial_view});
                }
                host_free(slot);
            }
        }
    }

    // y32 = a8 b8 into the fresh result y (its values mirrored).
    void thesis_gemm(const Live& a, const Live& b, Live& y) {
        thesis_gemm(a.t, b.t, y.t);
        y.v = mirror_gemm(a, b);
    }

    // The CPU's INT32 -> INT8 conversion before the next call: an arithmetic
    // right shift, the smallest that brings the intermediate's largest
    // magnitude within 127, then saturation. The INT8 tensor's scale is the
    // INT32 one times 2^shift.
    Live narrow(const Live& src, const std::string& name) {
        int64_t max_abs = 0;
        for (int32_t x : src.v) max_abs = std::max<int64_t>(max_abs, x < 0 ? -int64_t(x) : int64_t(x));
        int shift = 0;
        while ((max_abs >> shift) > 127) ++shift;
        const eb_tensor S32 = b_.tensor_at(src.t);
        Live v;
        v.t = i8_tensor(name, src.rows, src.cols, static_cast<float>(double(S32.scale) * std::ldexp(1.0, shift)));
        v.slot = static_cast<int>(host_malloc(uint64_t(src.rows) * src.cols, name));
        v.rows = src.rows, v.cols = src.cols;
        v.v.resize(src.v.size());
        const int64_t div = int64_t{1} << shift;
        for (size_t i = 0; i < src.v.size(); ++i) {
            const int64_t x = src.v[i], q = x >= 0 ? x / div : -((-x + div - 1) / div);  // floor(x / 2^shift)
            v.v[i] = static_cast<int32_t>(std::clamp<int64_t>(q, -127, 127));
        }
        b_.host(EB_H_I32_TO_I8, {src.t, v.t, uint64_t(shift)}, -1, fmt::format("shift {}", shift));
        return v;
    }

    // y = x8 W (a fresh allocation) narrowed to INT8.
    Live project(const Live& x8, const Live& w8, const std::string& name) {
        Live y32 = thesis_i32(name + "_i32", x8.rows, w8.cols, b_.tensor_at(x8.t).scale * b_.tensor_at(w8.t).scale);
        thesis_gemm(x8, w8, y32);
        Live y8 = narrow(y32, name + "_i8");
        release(y32);
        return y8;
    }

    void thesis_input(const std::vector<float>& x) override {
        const auto q = num::int8_quantize_symmetric(x.data(), x.size());
        tx_.t = i8_tensor("thesis.x_i8", seq_, cfg_.hidden_size, q.scale, q.q.data());
        tx_.slot = -1;
        tx_.rows = seq_, tx_.cols = cfg_.hidden_size;
        tx_.v.assign(q.q.begin(), q.q.end());
    }

    void thesis_head(int l, int h, const model::AlbertLayerWeights& L) override {
        const int S = seq_, H = cfg_.hidden_size, d = cfg_.head_dim();
        const std::string p = fmt::format("L{}.h{}.", l, h);
        Live q8 = project(tx_, thesis_weight("query", L.query.weight, h * d, d), p + "q");
        Live k8 = project(tx_, thesis_weight("key", L.key.weight, h * d, d), p + "k");
        Live v8 = project(tx_, thesis_weight("value", L.value.weight, h * d, d), p + "v");
        // The layer input's last use: the previous layer's output is freed.
        if (h == cfg_.num_attention_heads - 1) release(tx_);
        // K^T through a malloc'd temporary, copied back over K's own storage (d x S).
        eb_tensor kt = b_.tensor_at(k8.t);
        kt.rows = static_cast<uint32_t>(d);
        kt.cols = kt.ld = static_cast<uint32_t>(S);
        Live kt8;
        kt8.t = b_.tensor(p + "kT_i8", kt);
        kt8.rows = d, kt8.cols = S;
        kt8.v.resize(k8.v.size());
        for (int r = 0; r < S; ++r)
            for (int c = 0; c < d; ++c) kt8.v[size_t(c) * S + r] = k8.v[size_t(r) * d + c];
        b_.host(EB_H_TRANSPOSE, {k8.t, kt8.t, 1});
        // Raw scores: no 1/sqrt(d), no softmax.
        Live s32 = thesis_i32(p + "scores_i32", S, S, b_.tensor_at(q8.t).scale * kt.scale);
        thesis_gemm(q8, kt8, s32);
        release(q8);
        release(k8);
        Live p8 = narrow(s32, p + "scores_i8");
        release(s32);
        if (h == 0)
            tctx_ = thesis_i32(fmt::format("L{}.ctx_i32", l), S, H, b_.tensor_at(p8.t).scale * b_.tensor_at(v8.t).scale);
        thesis_gemm(p8.t, v8.t, view(tctx_.t, 0, h * d, S, d, p + "ctx_i32"));
        const auto c = mirror_gemm(p8, v8);
        for (int r = 0; r < S; ++r)
            std::copy_n(&c[size_t(r) * d], d, &tctx_.v[size_t(r) * H + size_t(h) * d]);
        release(p8);
        release(v8);
    }

    void thesis_post_processing(int l, const model::AlbertLayerWeights& L) override {
        Live c8 = narrow(tctx_, fmt::format("L{}.ctx_i8", l));
        release(tctx_);
        tattn_ = project(c8, thesis_weight("attn_dense", L.attn_dense.weight, 0, cfg_.hidden_size),
                         fmt::format("L{}.attn_proj", l));
        release(c8);
    }

    void thesis_ffn(int l, const model::AlbertLayerWeights& L) override {
        Live f1 = project(tattn_, thesis_weight("ffn", L.ffn.weight, 0, cfg_.intermediate_size), fmt::format("L{}.ffn1", l));
        release(tattn_);
        const Live& w2 = thesis_weight("ffn_output", L.ffn_output.weight, 0, cfg_.hidden_size);
        Live f2 = thesis_i32(fmt::format("L{}.ffn2_i32", l), seq_, cfg_.hidden_size,
                             b_.tensor_at(f1.t).scale * b_.tensor_at(w2.t).scale);
        thesis_gemm(f1, w2, f2);
        release(f1);
        if (l + 1 < opt_.layers) {
            tx_ = narrow(f2, fmt::format("L{}.out_i8", l));  // the next layer's input
            release(f2);
        } else {
            // The output: its buffer freed at the end, the tensor stays at its DRAM address.
            release(f2);
            tout_ = std::move(f2);
        }
    }

    uint32_t thesis_output() override { return tout_.t; }
};

}  // namespace

std::unique_ptr<Lowerer> make_systolic_lowerer(const model::AlbertConfig& c, const model::AlbertWeights& w,
                                               const model::ModelInput& in, const hw::SocConfig& s,
                                               const CompileOptions& o, const std::map<std::string, float>& a) {
    return std::make_unique<SystolicLowerer>(c, w, in, s, o, a);
}

}  // namespace edgebert::compiler
