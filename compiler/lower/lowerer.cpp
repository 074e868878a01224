#include "compiler/lower/lowerer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "common/error.hpp"
#include "hw/formats/pruning.hpp"

namespace edgebert::compiler {

namespace {

eb_target to_eb(Target t) {
    return t == Target::Edgebert ? EB_TARGET_EDGEBERT : t == Target::Systolic ? EB_TARGET_SYSTOLIC : EB_TARGET_CPU;
}

}  // namespace

uint64_t float_bits(float f) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    return u;
}

const char* target_name(Target t) {
    return t == Target::Edgebert ? "edgebert" : t == Target::Systolic ? "systolic" : "cpu";
}

Target parse_target(const std::string& s) {
    if (s == "edgebert") return Target::Edgebert;
    if (s == "systolic") return Target::Systolic;
    if (s == "cpu") return Target::Cpu;
    throw Error(fmt::format("unknown target '{}' (allowed: edgebert, systolic, cpu)", s));
}

const char* mode_name(Mode m) { return m == Mode::Optimized ? "optimized" : "thesis"; }

Mode parse_mode(const std::string& s) {
    if (s == "optimized") return Mode::Optimized;
    if (s == "thesis") return Mode::Thesis;
    throw Error(fmt::format("unknown mode '{}' (allowed: optimized, thesis)", s));
}

Lowerer::Lowerer(const model::AlbertConfig& cfg, const model::AlbertWeights& w, const model::ModelInput& in,
                 const hw::SocConfig& soc, const CompileOptions& opt, const std::map<std::string, float>& act_max)
    : cfg_(cfg), w_(w), in_(in), soc_(soc), opt_(opt), act_max_(act_max), b_(to_eb(opt.target)),
      next_addr_(soc.dram.base + kFirmwareReserved), seq_(in.seq_len()) {}

uint64_t Lowerer::alloc(uint64_t bytes, uint64_t align) {
    const uint64_t a = (next_addr_ + align - 1) / align * align;
    next_addr_ = a + bytes;
    if (next_addr_ > soc_.dram.base + soc_.dram.size)
        throw ShapeError(fmt::format("model '{}' does not fit: the program needs more than the SoC's {} MiB of DRAM",
                                     cfg_.name, soc_.dram.size >> 20));
    return a;
}

uint32_t Lowerer::dense(const std::string& name, eb_format format, int rows, int cols, float scale, const void* data) {
    const size_t esz = format == EB_FMT_I8 || format == EB_FMT_AF_DENSE ? 1 : 4;
    eb_tensor t{};
    t.format = format;
    t.rows = static_cast<uint32_t>(rows);
    t.cols = t.ld = static_cast<uint32_t>(cols);
    t.scale = scale;
    t.addr = alloc(uint64_t(rows) * cols * esz);
    if (data) {
        const auto* p = static_cast<const uint8_t*>(data);
        b_.image(t.addr, std::vector<uint8_t>(p, p + size_t(rows) * cols * esz));
    }
    return b_.tensor(name, t);
}

uint32_t Lowerer::f32(const std::string& name, int rows, int cols, const float* data) {
    return dense(name, EB_FMT_F32, rows, cols, 1.0f, data);
}

uint32_t Lowerer::view(uint32_t id, int r0, int c0, int rows, int cols, const std::string& name) {
    eb_tensor t = b_.tensor_at(id);
    const uint32_t esz = t.format == EB_FMT_I8 || t.format == EB_FMT_AF_DENSE ? 1 : 4;
    t.addr += (uint64_t(r0) * t.ld + c0) * esz;
    t.rows = static_cast<uint32_t>(rows);
    t.cols = static_cast<uint32_t>(cols);
    return b_.tensor(name, t);
}

uint32_t Lowerer::i32_tensor(const std::string& name, int rows, int cols, float scale, const int32_t* data) {
    return dense(name, EB_FMT_I32, rows, cols, scale, data);
}

uint32_t Lowerer::i8_tensor(const std::string& name, int rows, int cols, float scale, const int8_t* data) {
    return dense(name, EB_FMT_I8, rows, cols, scale, data);
}

uint32_t Lowerer::weight_f32(const std::string& name, const model::Tensor& t) {
    auto it = weights_.find(name);
    if (it != weights_.end()) return it->second;
    const int rows = t.shape.size() == 1 ? 1 : static_cast<int>(t.dim(0));
    const int cols = t.shape.size() == 1 ? static_cast<int>(t.dim(0)) : static_cast<int>(t.dim(1));
    const uint32_t id = f32(name, rows, cols, t.data.data());
    weights_[name] = id;
    return id;
}

float Lowerer::calib(const std::string& k) const {
    auto it = act_max_.find(k);
    if (it == act_max_.end()) throw Error(fmt::format("compiler: no calibration for '{}'", k));
    return std::max(it->second, 1e-12f);
}

void Lowerer::cpu_add_bias(uint32_t x, uint32_t bias) { b_.host(EB_H_ADD_BIAS, {x, bias}); }

void Lowerer::cpu_matmul(uint32_t a, uint32_t b, uint32_t c, bool b_is_kn, bool accumulate) {
    b_.host(EB_H_MATMUL, {a, b, c, uint64_t{accumulate} | (uint64_t{b_is_kn} << 1)});
}

void Lowerer::cpu_softmax(uint32_t scores, float scale) {
    const uint32_t mask = attention_mask_tensor();
    if (mask == kNoTensor) {
        b_.host(EB_H_SOFTMAX, {scores, float_bits(scale)});
    } else {
        b_.host(EB_H_SOFTMAX, {scores, float_bits(scale), uint64_t{mask} + 1}, -1,
                "key mask attention_mask_add");
    }
}

uint64_t Lowerer::activation_arg() const {
    switch (cfg_.hidden_act) {
        case model::Activation::GeluNew: return EB_ACT_GELU_TANH;
        case model::Activation::Gelu: return EB_ACT_GELU_ERF;
        case model::Activation::Relu: return EB_ACT_RELU;
    }
    throw Error("internal: compiler: unknown hidden_act");
}

void Lowerer::cpu_activation(uint32_t x) {
    b_.host(EB_H_GELU, {x, activation_arg()}, -1, model::activation_name(cfg_.hidden_act));
}

bool Lowerer::has_padding() const {
    return std::find(in_.attention_mask.begin(), in_.attention_mask.end(), 0) != in_.attention_mask.end();
}

uint32_t Lowerer::attention_mask_tensor() {
    if (mask_tensor_ != kNoTensor || !has_padding()) return mask_tensor_;
    std::vector<float> add(static_cast<size_t>(seq_), 0.0f);
    for (int s = 0; s < seq_; ++s)
        if (!in_.attention_mask[static_cast<size_t>(s)]) add[static_cast<size_t>(s)] = std::numeric_limits<float>::lowest();
    mask_tensor_ = f32("attention_mask_add", 1, seq_, add.data());
    return mask_tensor_;
}

void Lowerer::add_layer_norm(int, uint32_t x, uint32_t r, const model::LayerNormParams& ln, const std::string& ln_name,
                             const std::string&, const std::string&, const std::string&) {
    b_.host(EB_H_ADD, {x, x, r});
    const uint32_t g = weight_f32(ln_name + ".gamma", ln.gamma), be = weight_f32(ln_name + ".beta", ln.beta);
    b_.host(EB_H_LAYER_NORM, {x, g, be, float_bits(static_cast<float>(cfg_.layer_norm_eps))});
}

CompiledModel Lowerer::run() {
    const int S = seq_, H = cfg_.hidden_size, E = cfg_.embedding_size, I = cfg_.intermediate_size;
    if (opt_.layers < 1 || opt_.layers > cfg_.num_hidden_layers)
        throw ShapeError(fmt::format("--layers {} is out of range [1, {}] for model '{}'", opt_.layers,
                                     cfg_.num_hidden_layers, cfg_.name));
    model::validate_input(cfg_, in_);
    if (has_padding() && thesis())
        throw Error("thesis mode replays the published software, which takes no attention mask: give an input "
                    "without padding (attention_mask all ones)");
    if (thesis()) return run_thesis();

    // Embedding (CPU): gather + sum, LayerNorm over E, then the E -> H projection (a linear).
    b_.region(0, EB_MOD_EMBEDDING, "embedding");
    const uint32_t ids = i32_tensor("token_ids", 1, S, 1.0f, in_.token_ids.data());
    const uint32_t word = weight_f32("word_embeddings", w_.word_embeddings);
    const uint32_t pos = weight_f32("position_embeddings", w_.position_embeddings);
    const uint32_t type = weight_f32("token_type_embeddings", w_.token_type_embeddings);
    // Token types (all 0 without token_type_ids): the table's rows up to the largest id used.
    const std::vector<int32_t> types =
        in_.token_type_ids.empty() ? std::vector<int32_t>(static_cast<size_t>(S), 0) : in_.token_type_ids;
    const int type_rows = 1 + *std::max_element(types.begin(), types.end());
    const uint32_t type_table = view(type, 0, 0, type_rows, E, fmt::format("token_type_embeddings[0:{}]", type_rows));
    const uint32_t type_ids = i32_tensor("token_type_ids", 1, S, 1.0f, types.data());
    const uint32_t emb = f32("emb", S, E);
    b_.host(EB_H_EMBED, {ids, word, pos, type_table, emb, type_ids});
    b_.host(EB_H_LAYER_NORM, {emb, weight_f32("embed_ln.gamma", w_.embed_ln.gamma),
                              weight_f32("embed_ln.beta", w_.embed_ln.beta),
                              float_bits(static_cast<float>(cfg_.layer_norm_eps))});
    uint32_t h = hidden_tensor("h0", S, H);
    b_.region(0, EB_MOD_EMBEDDING, "embedding_projection");
    linear(emb, w_.embedding_hidden_mapping_in, "embedding_hidden_mapping_in", h, "emb_ln", "emb");

    for (int l = 0; l < opt_.layers; ++l) {
        const auto& L = w_.layer(cfg_, l, 0);
        const std::string p = fmt::format("L{}.", l);
        const std::string in_key = l == 0 ? "emb" : key(l - 1, "out");
        if (lower_layer(l, h, in_key)) {
            offramp(l, h);
            continue;
        }
        const uint32_t q = f32(p + "q", S, H), k = f32(p + "k", S, H), v = f32(p + "v", S, H);
        b_.region(l, EB_MOD_ATTENTION, "q_proj");
        linear(h, L.query, "query", q, in_key, key(l, "q"));
        b_.region(l, EB_MOD_ATTENTION, "k_proj");
        linear(h, L.key, "key", k, in_key, key(l, "k"));
        b_.region(l, EB_MOD_ATTENTION, "v_proj");
        linear(h, L.value, "value", v, in_key, key(l, "v"));
        const uint32_t ctx = f32(p + "ctx", S, H);
        b_.region(l, EB_MOD_ATTENTION, "attention_heads");
        attention(l, q, k, v, ctx);
        const uint32_t ap = f32(p + "attn_proj", S, H);
        b_.region(l, EB_MOD_POST_PROCESSING, "out_proj");
        linear(ctx, L.attn_dense, "attn_dense", ap, key(l, "ctx"), key(l, "attn_proj"));
        b_.region(l, EB_MOD_POST_PROCESSING, "residual_layer_norm");
        add_layer_norm(l, ap, h, L.attn_ln, "attn_ln", key(l, "attn_proj"), in_key, key(l, "attn_out"));
        const uint32_t f1 = f32(p + "ffn1", S, I), f2 = f32(p + "ffn2", S, H);
        b_.region(l, EB_MOD_FFN, "ffn1");
        linear(ap, L.ffn, "ffn", f1, key(l, "attn_out"), key(l, "ffn1"));
        b_.region(l, EB_MOD_FFN, "gelu");
        cpu_activation(f1);
        b_.region(l, EB_MOD_FFN, "ffn2");
        linear(f1, L.ffn_output, "ffn_output", f2, key(l, "gelu"), key(l, "ffn2"));
        b_.region(l, EB_MOD_FFN, "residual_layer_norm");
        add_layer_norm(l, f2, ap, L.full_ln, "full_ln", key(l, "ffn2"), key(l, "attn_out"), key(l, "out"));
        h = f2;
        offramp(l, h);
    }

    b_.region(opt_.layers - 1, EB_MOD_CLASSIFIER, "pooler_classifier");
    const uint32_t logits = head(h, w_.pooler, w_.classifier, "pooler",
                                 key(opt_.layers - 1, "out"), "pool", 0);
    b_.end();

    CompiledModel out;
    out.hidden_out = h;
    out.logits_out = logits;
    out.entropy_slots = opt_.offramps ? opt_.layers + 1 : 1;
    if (opt_.exit_threshold > 0 && opt_.offramps) {
        out.exit_slot = opt_.layers + 1;
        out.entropy_slots = opt_.layers + 3;
    }
    out.program = b_.take();
    return out;
}

void Lowerer::offramp(int l, uint32_t h) {
    if (opt_.offramps) {
        b_.region(l, EB_MOD_CLASSIFIER, "offramp");
        const auto& ramp = w_.offramps.at(static_cast<size_t>(l));
        const uint32_t ramp_logits = head(h, ramp.pooler, ramp.classifier, fmt::format("highway{}.pooler", l),
                                          key(l, "out"), key(l, "offramp_pool"), static_cast<uint32_t>(l + 1));
        if (opt_.exit_threshold > 0 && l + 1 < opt_.layers) exit_check(l, ramp_logits, opt_.layers + 1);
    }
}

CompiledModel Lowerer::run_thesis() {
    const int S = seq_, H = cfg_.hidden_size;
    if (opt_.thesis_input.size() != size_t(S) * H)
        throw Error(fmt::format("compiler: thesis mode needs the layer input ({} x {} values), got {}", S, H,
                                opt_.thesis_input.size()));
    if (opt_.offramps) throw Error("compiler: thesis mode has no off-ramps (the published software ran none)");
    thesis_input(opt_.thesis_input);
    for (int l = 0; l < opt_.layers; ++l) {
        const auto& L = w_.layer(cfg_, l, 0);
        for (int h = 0; h < cfg_.num_attention_heads; ++h) {
            b_.region(l, EB_MOD_ATTENTION, fmt::format("head{}", h));
            thesis_head(l, h, L);
        }
        b_.region(l, EB_MOD_POST_PROCESSING, "out_proj");
        thesis_post_processing(l, L);
        b_.region(l, EB_MOD_FFN, "ffn");
        thesis_ffn(l, L);
    }
    b_.end();
    CompiledModel out;
    out.thesis = true;
    out.hidden_out = thesis_output();
    out.logits_out = kNoTensor;
    out.entropy_slots = 0;
    out.program = b_.take();
    return out;
}

uint32_t Lowerer::host_malloc(uint64_t bytes, const std::string& what) {
    size_t slot = 0;
    while (slot < alloc_slots_.size() && !alloc_slots_[slot].empty()) ++slot;
    if (slot >= EB_ALLOC_SLOTS)
        throw Error(fmt::format("compiler: more than {} allocations live at once (allocating '{}')", EB_ALLOC_SLOTS, what));
    if (slot == alloc_slots_.size()) alloc_slots_.emplace_back();
    alloc_slots_[slot] = what.empty() ? "?" : what;
    b_.host(EB_H_MALLOC, {bytes, slot}, -1, fmt::format("slot {}: {}", slot, what));
    return static_cast<uint32_t>(slot);
}

void Lowerer::host_free(uint32_t slot) {
    if (slot >= alloc_slots_.size() || alloc_slots_[slot].empty())
        throw Error(fmt::format("internal: compiler frees allocation slot {}, which holds nothing", slot));
    b_.host(EB_H_FREE, {slot}, -1, fmt::format("slot {}: {}", slot, alloc_slots_[slot]));
    alloc_slots_[slot].clear();
}

uint32_t Lowerer::head(uint32_t h, const model::Linear& pooler, const model::Linear& classifier,
                       const std::string& name, const std::string& in_key, const std::string& pool_key, uint32_t slot) {
    const int H = cfg_.hidden_size;
    // The EdgeBERT tile computes a band of `lanes` rows; the [CLS] row is the first.
    const int rows = opt_.target == Target::Edgebert ? std::min(seq_, soc_.edgebert.lanes) : 1;
    // The pooler's [CLS] row only: the EdgeBERT tile computes a band, one row is decoded.
    const uint32_t pooled_rows = f32(name + ".pooled", 1, H);
    linear(view(h, 0, 0, rows, H, name + ".in"), pooler, name, pooled_rows, in_key, pool_key);
    const uint32_t pooled = view(pooled_rows, 0, 0, 1, H, name + ".cls");
    b_.host(EB_H_TANH, {pooled});
    const uint32_t logits = f32(name + ".logits", 1, cfg_.num_labels);
    cpu_matmul(pooled, weight_f32(name + ".classifier.weight", classifier.weight), logits);
    cpu_add_bias(logits, weight_f32(name + ".classifier.bias", classifier.bias));
    b_.host(EB_H_ENTROPY, {logits, slot});
    return logits;
}

CompiledModel compile_model(const model::AlbertConfig& cfg, const model::AlbertWeights& w,
                            const model::ModelInput& in, const hw::SocConfig& soc, const CompileOptions& opt,
                            const std::map<std::string, float>& act_max) {
    std::unique_ptr<Lowerer> l;
    switch (opt.target) {
        case Target::Cpu: l = make_cpu_lowerer(cfg, w, in, soc, opt, act_max); break;
        case Target::Systolic: l = make_systolic_lowerer(cfg, w, in, soc, opt, act_max); break;
        case Target::Edgebert: l = make_edgebert_lowerer(cfg, w, in, soc, opt, act_max); break;
    }
    return l->run();
}

void prune_encoder_weights(model::AlbertWeights& w, double sparsity) {
    for (auto& group : w.groups)
        for (auto& L : group)
            for (model::Linear* lin : {&L.query, &L.key, &L.value, &L.attn_dense, &L.ffn, &L.ffn_output})
                num::prune_magnitude(lin->weight.data.data(), lin->weight.size(), sparsity);
}

}  // namespace edgebert::compiler
