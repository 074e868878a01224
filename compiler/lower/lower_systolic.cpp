// Systolic target: every matmul as INT8 calls of at most size x size x size on
// the systolic tile (per-tensor scales; activations calibrated, weights
// max-scaled and laid out K x N at compile time), dequantized to FP32 for the
// CPU's other operators. Optimized: partial sums accumulate in the array
// (C_in preload). Thesis: as the published baseline, every call writes a
// partial tile that the CPU accumulates, operand tiles are copied into
// temporary buffers first, and softmax / layer norm are skipped.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "compiler/lower/lowerer.hpp"
#include "hw/formats/int8.hpp"

namespace edgebert::compiler {

namespace {

class SystolicLowerer : public Lowerer {
public:
    using Lowerer::Lowerer;

protected:
    // c32 (M x N) = a8 (M x K) * b8 (K x N), all row-major dense tensors.
    void gemm(uint32_t a8, uint32_t b8, uint32_t c32) {
        const eb_tensor A = b_.tensor_at(a8), B = b_.tensor_at(b8), C = b_.tensor_at(c32);
        const int M = static_cast<int>(A.rows), K = static_cast<int>(A.cols), N = static_cast<int>(B.cols);
        const int T = soc_.systolic.size;
        uint32_t partial = 0, ta = 0, tb = 0;
        if (thesis()) {
            partial = i32_tensor("sys.partial", T, T, C.scale);
            ta = i8_tensor("sys.tmp_a", T, K, A.scale);
            tb = i8_tensor("sys.tmp_b", K, T, B.scale);
        }
        for (int i = 0; i < M; i += T) {
            const int m = std::min(T, M - i);
            for (int j = 0; j < N; j += T) {
                const int n = std::min(T, N - j);
                uint64_t a_base = A.addr + uint64_t(i) * A.ld, b_base = B.addr + uint64_t(j);
                uint32_t lda = A.ld, ldb = B.ld;
                uint32_t acc_view = 0, partial_view = 0;
                if (thesis()) {
                    // The published software staged each row tile of A and column tile of B.
                    b_.host(EB_H_MALLOC, {uint64_t(m) * K + uint64_t(K) * n});
                    b_.host(EB_H_COPY, {a8, view(ta, 0, 0, m, K, "tmp_a"), uint64_t(i), 0});
                    b_.host(EB_H_COPY, {b8, view(tb, 0, 0, K, n, "tmp_b"), 0, uint64_t(j)});
                    a_base = b_.tensor_at(ta).addr, b_base = b_.tensor_at(tb).addr;
                    lda = static_cast<uint32_t>(K), ldb = static_cast<uint32_t>(T);
                    acc_view = view(c32, i, j, m, n, "acc");
                    partial_view = view(partial, 0, 0, m, n, "partial");
                }
                for (int k = 0; k < K; k += T) {
                    const int kk = std::min(T, K - k);
                    eb_instr in{};
                    in.op = EB_OP_SYS_CALL;
                    const bool acc = !thesis() && k > 0;
                    in.a[0] = uint64_t(m) | (uint64_t(n) << 16) | (uint64_t(kk) << 32) | (uint64_t{acc} << 48);
                    in.a[1] = a_base + uint64_t(k);
                    in.a[2] = b_base + uint64_t(k) * ldb;
                    const uint64_t c_addr = thesis() ? b_.tensor_at(partial).addr
                                                     : C.addr + (uint64_t(i) * C.ld + j) * 4;
                    const uint32_t ldc = thesis() ? static_cast<uint32_t>(T) : C.ld;
                    in.a[3] = c_addr;
                    in.a[4] = uint64_t(lda) | (uint64_t(ldb) << 21) | (uint64_t(ldc) << 42);
                    b_.raw(in, fmt::format("{}x{}x{} A+({},{}) B+({},{}){}", m, n, kk, i, k, k, j,
                                           acc ? " accumulate" : ""));
                    if (thesis()) b_.host(EB_H_I32_ACCUMULATE, {acc_view, partial_view});
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
        // Probabilities lie in [0, 1]; without softmax (thesis) the raw scores are quantized.
        const float sp = thesis() ? calib(key(layer, "scores")) / scale / 127.0f : 1.0f / 127.0f;
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
            if (!thesis()) b_.host(EB_H_SOFTMAX, {scores, float_bits(scale)});
            const uint32_t p8 = i8_tensor(hp + "p_i8", S, S, sp);
            b_.host(EB_H_QUANTIZE, {scores, p8, 0, 0});
            const uint32_t v8 = i8_tensor(hp + "v_i8", S, d, sv);
            b_.host(EB_H_QUANTIZE, {v, v8, 0, uint64_t(h) * d});
            const uint32_t c32 = i32_tensor(hp + "ctx_i32", S, d, sp * sv);
            gemm(p8, v8, c32);
            b_.host(EB_H_DEQUANTIZE, {c32, ctx, 0, uint64_t(h) * d});
        }
    }
};

}  // namespace

std::unique_ptr<Lowerer> make_systolic_lowerer(const model::AlbertConfig& c, const model::AlbertWeights& w,
                                               const model::ModelInput& in, const hw::SocConfig& s,
                                               const CompileOptions& o, const std::map<std::string, float>& a) {
    return std::make_unique<SystolicLowerer>(c, w, in, s, o, a);
}

}  // namespace edgebert::compiler
