// EdgeBERT target, optimized mode: the encoder layer stays on the tile, its
// activations in the tile's own format (AdaptivFloat codes, bitmask-encoded)
// from the embedding projection to the pooler (docs/compiler.md, "edgebert").
//
// Activations live in DRAM as "bands": blocks of `lanes` rows x all columns,
// each block one bitmask stream, the A operand of the next matmul as it is.
// The tile writes results in chunks (a band x the columns one weight block
// yields); EB_H_AF_GATHER splices chunks into bands, keys into one stream
// per head and V^T chunks into one block, in the code domain. FP32 appears
// only at the embedding (CPU) and at the pooler / classifier.
// Thesis mode has a lowerer of its own (lower_edgebert_thesis.cpp).
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "compiler/lower/lowerer.hpp"
#include "eb_edgebert.h"

namespace edgebert::compiler {

class EdgebertLowerer : public Lowerer {
public:
    EdgebertLowerer(const model::AlbertConfig& c, const model::AlbertWeights& w, const model::ModelInput& in,
                    const hw::SocConfig& s, const CompileOptions& o, const std::map<std::string, float>& a);

protected:
    static constexpr int kMaskSram = 0, kInputSram = 1, kAuxSram = 2;

    // ---- AF tensors and the tile's commands (lower_edgebert.cpp) ----------
    int bias_for(float max_abs) const;
    static float max_abs(const std::vector<float>& v);
    // A bias register field; an unused operand's bias (e.g. -10) is clamped into the window.
    uint32_t field(int exp_bias) const {
        return static_cast<uint32_t>(tile_.bias_range.clamp(exp_bias) - tile_.bias_range.min);
    }
    bool is_af(uint32_t id) const { return b_.tensor_at(id).format == EB_FMT_AF_BLOCKS; }
    // rows x cols in blocks of block_rows x block_cols; `data` (row-major F32)
    // encodes it at compile time (weights), else the program writes it.
    uint32_t af_tensor(const std::string& name, int rows, int cols, int block_rows, int block_cols, int exp_bias,
                       const float* data = nullptr);
    uint32_t bands(const std::string& name, int rows, int cols, int exp_bias) {
        return af_tensor(name, rows, cols, L_, cols, exp_bias);
    }
    uint64_t block_addr(const eb_tensor& t, int br, int bc) const;
    uint64_t input_addr(const eb_tensor& t, uint64_t block) const;
    uint32_t block_depth(uint32_t id, int br, int bc) const;
    uint32_t block_vectors(uint32_t id) const;
    void load_block(uint32_t id, int br, int bc, int dec, uint32_t row, bool wait, const std::string& what);
    void store_block(uint32_t id, int br, int bc, int dec, uint32_t row, const std::string& what);
    uint64_t ones_mask();
    // `dense`: the result is written as a dense stream (edgebert.dense_results).
    void matmul(uint32_t n0, uint32_t n1, uint32_t m, uint32_t a_row, uint32_t b_row, uint32_t out_dec,
                uint32_t out_row, int a_bias, int b_bias, int out_bias, uint32_t shift, bool wait,
                const std::string& note, bool dense = false);
    void sfu(eb_sfu_op op, uint32_t nv, uint32_t rows, uint32_t x_row, uint32_t y_row, uint32_t out_dec,
             uint32_t out_row, int x_bias, int y_bias, int out_bias, uint32_t gamma_row, uint32_t beta_row,
             int gamma_bias, int beta_bias, uint32_t span_row, int span_bias, const std::string& note,
             bool dense = false);
    // Chunks are written dense when the tile can (edgebert.dense_results): splicing
    // dense streams copies rows instead of walking codes.
    bool dense_chunks() const { return tile_.dense_results; }
    void load_aux(const std::string& name, const std::vector<uint8_t>& codes, uint32_t row);
    void gather(uint32_t src, uint32_t dst, int r0, int c0, uint32_t table, const std::string& note);

    // ---- linear layers -------------------------------------------------------
    struct Weights {
        uint32_t w = 0, bias = 0;  // W in blocks of rw rows; the bias broadcast over a band, per block
        int rw = 0, w_bias = 0, b_bias = 0;
    };
    const Weights& weights(const model::Linear& W, const std::string& wname, int rw);
    // y chunks (S x N in blocks of `lanes` x rw) = x (bands) W^T + b, then the
    // SFU lookup table `lut_row` (aux) if >= 0.
    // `for_splice`: the chunks only feed EB_H_AF_GATHER (written dense if the tile can).
    uint32_t linear_chunks(uint32_t x, const model::Linear& W, const std::string& wname, int rw, int x_bias,
                           int y_bias, const std::string& tag, int lut_row = -1, int lut_bias = 0,
                           bool for_splice = true);
    int chunk_width(int n, int k) const;
    // The widest piece of `width` (a multiple of lanes dividing it) that `fits`; 0 if none.
    int widest_piece(int width, const std::function<bool(int)>& fits) const {
        for (int w = width; w >= L_; w -= L_)
            if (width % w == 0 && fits(w)) return w;
        return 0;
    }
    // Refuses a workload no split fits: names the SRAM depth fields and the rows it needs.
    [[noreturn]] void refuse_depth(const std::string& what, int need) const;

    // ---- heads narrower than a lane vector ---------------------------------
    // A head's width on the tile: head_dim rounded up to a multiple of lanes. The
    // extra columns of Q, K, V and the context are zero (zero weight rows and bias
    // entries; the output projection's matching input columns are zero), so every
    // integer dot product, and every code, is what the unpadded head gives.
    int head_width() const { return (cfg_.head_dim() + L_ - 1) / L_ * L_; }
    // W with each head's `head_dim` output rows padded to head_width() (Q, K, V).
    const model::Linear& head_rows(const model::Linear& W, const std::string& name);
    // W with its input columns padded: per head (`per_head`, the output projection)
    // or at the end (to `cols`, the embedding projection's input).
    const model::Linear& padded_cols(const model::Linear& W, const std::string& name, bool per_head, int cols);
    // Lowerer::linear for the embedding projection and the poolers: x F32 or
    // bands, y bands (spliced) or F32 (decoded: the CPU's classifier input).
    void linear(uint32_t x, const model::Linear& W, const std::string& wname, uint32_t y, const std::string& x_key,
                const std::string& y_key) override;
    uint32_t hidden_tensor(const std::string& name, int rows, int cols) override;

    // ---- the encoder layer (lower_edgebert_layer.cpp) ---------------------
    bool lower_layer(int layer, uint32_t& h, const std::string& in_key) override;
    void attention(int, uint32_t, uint32_t, uint32_t, uint32_t) override;
    // K chunks per head (bands x d) and V^T per head (d x S), then per head and
    // band scores -> softmax -> context on the tile; returns the context bands.
    uint32_t attention_block(int layer, uint32_t x, int x_bias, const model::AlbertLayerWeights& L);
    uint32_t v_transposed(int layer, int head, uint32_t x, int x_bias, const model::Linear& W);
    // x + r -> layer norm, band by band on the tile; returns the output bands.
    uint32_t add_norm(uint32_t x, int x_bias, uint32_t r, int r_bias, float sum_max, const model::LayerNormParams& ln,
                      const std::string& ln_name, int out_bias, const std::string& tag);
    // The activation's code map at (in_bias -> out_bias): the SFU table and the splice's table.
    std::vector<uint8_t> activation_table(int in_bias, int out_bias) const;
    uint32_t activation_table_tensor(int in_bias, int out_bias);
    void ensure_span_mask();

    void thesis_input(const std::vector<float>&) override;
    void thesis_head(int, int, const model::AlbertLayerWeights&) override {}
    void thesis_post_processing(int, const model::AlbertLayerWeights&) override {}
    void thesis_ffn(int, const model::AlbertLayerWeights&) override {}
    uint32_t thesis_output() override { return 0; }
    void exit_check(int layer, uint32_t logits, int slot) override;

    const hw::EdgebertTileConfig& tile_;
    const int L_;
    const int depth_;  // rows of the decoder SRAMs (mask and input alike)
    std::map<uint32_t, std::vector<uint32_t>> af_depth_;  // compile-time packed rows per block
    std::map<std::string, Weights> weight_cache_;
    std::map<std::string, model::Linear> padded_;  // head_rows / padded_cols, by name
    std::map<std::string, uint64_t> aux_addr_;
    std::map<std::string, uint32_t> table_cache_;
    std::set<uint32_t> dense_;  // tensors whose blocks are dense streams
    uint64_t ones_mask_addr_ = 0;
    bool span_loaded_ = false;
    int span_bias_ = -7;
};

}  // namespace edgebert::compiler
