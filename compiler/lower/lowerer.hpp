// The target-independent part of lowering: DRAM planning, tensor creation,
// the encoder's operator sequence and the CPU (FP32) operators. Each target
// derives from Lowerer and lowers the operators its accelerator runs.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "compiler/lower/lowering.hpp"
#include "compiler/program/program.hpp"

namespace edgebert::compiler {

// The bits of a float, as host-kernel arguments carry scalars.
uint64_t float_bits(float f);

class Lowerer {
public:
    Lowerer(const model::AlbertConfig& cfg, const model::AlbertWeights& w, const model::ModelInput& in,
            const hw::SocConfig& soc, const CompileOptions& opt, const std::map<std::string, float>& act_max);
    virtual ~Lowerer() = default;

    CompiledModel run();

protected:
    // ---- operators a target lowers (x, y: F32 tensors in DRAM) ----------
    // y = x W^T + b. `x_key` / `y_key`: calibration keys of x and y.
    virtual void linear(uint32_t x, const model::Linear& W, const std::string& wname, uint32_t y,
                        const std::string& x_key, const std::string& y_key) = 0;
    // ctx[:, h*d:(h+1)*d] = softmax(q_h k_h^T / sqrt(d)) v_h for every head.
    virtual void attention(int layer, uint32_t q, uint32_t k, uint32_t v, uint32_t ctx) = 0;
    // x = LayerNorm(x + r) in place.
    virtual void add_layer_norm(int layer, uint32_t x, uint32_t r, const model::LayerNormParams& ln,
                                const std::string& ln_name, const std::string& x_key, const std::string& r_key,
                                const std::string& out_key);

    // Pooler (tanh dense on [CLS], on the target's accelerator), classifier and
    // entropy (CPU) into executor result `slot`; returns the logits tensor.
    uint32_t head(uint32_t h, const model::Linear& pooler, const model::Linear& classifier, const std::string& name,
                  const std::string& in_key, const std::string& pool_key, uint32_t slot);

    // A target that lowers a whole encoder layer itself (its activations in its
    // own format between operators) returns true and leaves the layer's output in h.
    virtual bool lower_layer(int layer, uint32_t& h, const std::string& in_key) { return false; }
    // The tensor the embedding projection writes (the first layer's input).
    virtual uint32_t hidden_tensor(const std::string& name, int rows, int cols) { return f32(name, rows, cols); }
    // The off-ramp after layer l (if the program has off-ramps) and its exit check.
    void offramp(int layer, uint32_t h);

    // The early-exit check after an off-ramp (targets with an entropy unit override it).
    virtual void exit_check(int layer, uint32_t logits, int slot) {}

    // ---- thesis mode: the published software's flow (docs/thesis-mode.md) ----
    // One encoder layer as the silicon study ran it: per head the Q, K, V
    // projections, QK^T and the product with V; the output projection; the
    // FFN's two matmuls. Data stays in the target's integer format from the
    // layer input (`x`, seq x hidden, placed by thesis_input) to the output.
    virtual void thesis_input(const std::vector<float>& x) = 0;
    virtual void thesis_head(int layer, int head, const model::AlbertLayerWeights& L) = 0;
    virtual void thesis_post_processing(int layer, const model::AlbertLayerWeights& L) = 0;
    virtual void thesis_ffn(int layer, const model::AlbertLayerWeights& L) = 0;
    virtual uint32_t thesis_output() = 0;  // the last layer's output tensor
    CompiledModel run_thesis();
    // A real allocation of `bytes` (EB_H_MALLOC into a free executor slot) before
    // an intermediate's first write, and its EB_H_FREE after the last use; the
    // tensor itself stays at its DRAM address (docs/compiler.md).
    uint32_t host_malloc(uint64_t bytes, const std::string& what);
    void host_free(uint32_t slot);

    // ---- helpers ---------------------------------------------------------
    uint64_t alloc(uint64_t bytes, uint64_t align = 4096);
    uint32_t dense(const std::string& name, eb_format format, int rows, int cols, float scale, const void* data);
    uint32_t f32(const std::string& name, int rows, int cols, const float* data = nullptr);
    uint32_t view(uint32_t id, int r0, int c0, int rows, int cols, const std::string& name);
    uint32_t i32_tensor(const std::string& name, int rows, int cols, float scale, const int32_t* data = nullptr);
    uint32_t i8_tensor(const std::string& name, int rows, int cols, float scale, const int8_t* data = nullptr);
    // An F32 weight/bias tensor, created once and shared by every layer (ALBERT shares them).
    uint32_t weight_f32(const std::string& name, const model::Tensor& t);
    float calib(const std::string& key) const;  // max |x| (throws if the key is unknown)
    std::string key(int layer, const char* name) const { return "L" + std::to_string(layer) + "." + name; }
    bool thesis() const { return opt_.mode == Mode::Thesis; }

    // CPU operators (FP32).
    void cpu_add_bias(uint32_t x, uint32_t bias);
    void cpu_matmul(uint32_t a, uint32_t b, uint32_t c, bool b_is_kn = false, bool accumulate = false);
    // In place: softmax(x * scale + the attention mask) per row (EB_H_SOFTMAX, the mask
    // as its a2 when the input has padding).
    void cpu_softmax(uint32_t scores, float scale);
    // In place: the model's hidden_act (EB_H_GELU with activation_arg() as a1).
    void cpu_activation(uint32_t x);
    // EB_H_GELU's a1 for cfg_.hidden_act (eb_activation: 0 tanh GELU, 1 erf GELU, 2 ReLU).
    uint64_t activation_arg() const;

    // ---- model inputs: padding and token types ----------------------------
    // The input's attention_mask has a zero: some keys are padding.
    bool has_padding() const;
    // The additive key mask: F32, 1 x seq, 0 for a kept key and the most negative float
    // for a padded one, as the FP32 reference (and HF) add it to the scaled scores.
    // Created on first use, then shared; kNoTensor when the input has no padding.
    uint32_t attention_mask_tensor();

    const model::AlbertConfig& cfg_;
    const model::AlbertWeights& w_;
    const model::ModelInput& in_;
    const hw::SocConfig& soc_;
    const CompileOptions opt_;
    const std::map<std::string, float>& act_max_;
    ProgramBuilder b_;
    uint64_t next_addr_;
    std::map<std::string, uint32_t> weights_;
    int seq_ = 0;
    std::vector<std::string> alloc_slots_;  // host_malloc: what each executor slot holds ("" free)
    uint32_t mask_tensor_ = kNoTensor;       // attention_mask_tensor(), once created
};

std::unique_ptr<Lowerer> make_cpu_lowerer(const model::AlbertConfig&, const model::AlbertWeights&,
                                          const model::ModelInput&, const hw::SocConfig&, const CompileOptions&,
                                          const std::map<std::string, float>&);
std::unique_ptr<Lowerer> make_systolic_lowerer(const model::AlbertConfig&, const model::AlbertWeights&,
                                               const model::ModelInput&, const hw::SocConfig&, const CompileOptions&,
                                               const std::map<std::string, float>&);
std::unique_ptr<Lowerer> make_edgebert_thesis_lowerer(const model::AlbertConfig&, const model::AlbertWeights&,
                                                      const model::ModelInput&, const hw::SocConfig&,
                                                      const CompileOptions&, const std::map<std::string, float>&);
std::unique_ptr<Lowerer> make_edgebert_lowerer(const model::AlbertConfig&, const model::AlbertWeights&,
                                               const model::ModelInput&, const hw::SocConfig&, const CompileOptions&,
                                               const std::map<std::string, float>&);

}  // namespace edgebert::compiler
