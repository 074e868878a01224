// Deterministic synthetic ALBERT weights. No trained checkpoint can be downloaded
// on the build machines, so every workload without --weights runs on these.
#include <cmath>

#include "common/rng.hpp"
#include "compiler/model/albert_weights.hpp"

namespace edgebert::model {

namespace {

constexpr double kStd = 0.02;              // BERT/ALBERT initializer_range
constexpr double kOutlierFraction = 0.002;  // trained transformers show rare large weights
constexpr double kOutlierScale = 10.0;

void fill(Tensor& t, const std::vector<int64_t>& shape, TensorRole role, uint64_t seed) {
    t = Tensor(shape);
    Rng rng(seed);
    for (float& x : t.data) {
        double v = rng.normal();
        switch (role) {
            case TensorRole::Weight:
            case TensorRole::Embedding:
                v *= kStd;
                if (rng.uniform() < kOutlierFraction) v *= kOutlierScale;
                break;
            case TensorRole::Bias:
            case TensorRole::LnBeta: v *= kStd; break;
            case TensorRole::LnGamma: v = 1.0 + 0.1 * v; break;
        }
        x = static_cast<float>(v);
    }
}

}  // namespace

AlbertWeights synthetic_albert_weights(const AlbertConfig& c, uint64_t seed) {
    AlbertWeights w;
    // Each tensor draws from its own stream keyed by its name, so a tensor's
    // values do not change when another tensor's size does.
    visit_albert_tensors(c, w, [&](const std::string& name, Tensor& t,
                                   const std::vector<int64_t>& shape, TensorRole role, bool) {
        fill(t, shape, role, hash_name(name, seed));
    });
    return w;
}

}  // namespace edgebert::model
