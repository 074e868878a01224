// CPU target: every operator in FP32 on the host. In thesis mode, as in the
// published baseline, softmax and layer norm are skipped and V is transposed
// by the CPU before the context product.
#include <fmt/format.h>

#include <cmath>
#include <cstring>

#include "compiler/lower/lowerer.hpp"

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
        const uint32_t vt = f32(fmt::format("L{}.vT", layer), d, S);
        for (int h = 0; h < cfg_.num_attention_heads; ++h) {
            const std::string p = fmt::format("L{}.h{}.", layer, h);
            const uint32_t qh = view(q, 0, h * d, S, d, p + "q"), kh = view(k, 0, h * d, S, d, p + "k");
            const uint32_t vh = view(v, 0, h * d, S, d, p + "v"), ch = view(ctx, 0, h * d, S, d, p + "ctx");
            cpu_matmul(qh, kh, scores);
            if (!thesis()) b_.host(EB_H_SOFTMAX, {scores, float_bits(scale)});
            if (thesis()) {
                b_.host(EB_H_TRANSPOSE, {vh, vt}, EB_CAT_TRANSPOSE);
                cpu_matmul(scores, vt, ch);
            } else {
                cpu_matmul(scores, vh, ch, /*b_is_kn=*/true);
            }
        }
    }
};

}  // namespace

std::unique_ptr<Lowerer> make_cpu_lowerer(const model::AlbertConfig& c, const model::AlbertWeights& w,
                                          const model::ModelInput& in, const hw::SocConfig& s, const CompileOptions& o,
                                          const std::map<std::string, float>& a) {
    return std::make_unique<CpuLowerer>(c, w, in, s, o, a);
}

}  // namespace edgebert::compiler
