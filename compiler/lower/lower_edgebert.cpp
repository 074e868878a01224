// EdgeBERT target, optimized mode: AF tensors, the tile's commands and the
// linear layers. The encoder layer's dataflow is in lower_edgebert_layer.cpp;
// the design is in lower_edgebert.hpp and docs/compiler.md.
//
// A linear y = x W^T + b runs in chunks: one weight block of rw rows in
// decoder 1 against one band of x (lanes rows) in decoder 0, the bias added on
// the tile (element add against a broadcast bias block), the chunk written
// out. Weight-stationary when two bands fit decoder 0 (the next band's DMA
// runs under the matmul), else band-stationary (the FFN's 3072-wide input).
#include "compiler/lower/lower_edgebert.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "common/error.hpp"
#include "hw/formats/bitmask.hpp"

namespace edgebert::compiler {

namespace {
uint64_t align64(uint64_t v) { return (v + 63) & ~uint64_t{63}; }
}  // namespace

float EdgebertLowerer::max_abs(const std::vector<float>& v) {
    float m = 0;
    for (float x : v) m = std::max(m, std::fabs(x));
    return m;
}

EdgebertLowerer::EdgebertLowerer(const model::AlbertConfig& c, const model::AlbertWeights& w,
                                 const model::ModelInput& in, const hw::SocConfig& s, const CompileOptions& o,
                                 const std::map<std::string, float>& a)
    : Lowerer(c, w, in, s, o, a), tile_(s.edgebert), L_(s.edgebert.lanes),
      depth_(std::min(s.edgebert.input_sram_depth, s.edgebert.mask_sram_depth)) {
    if (seq_ % L_ != 0)
        throw ShapeError(fmt::format("sequence length {} must be a multiple of {} (the tile's lanes) for the "
                                     "edgebert target", seq_, L_));
}

int EdgebertLowerer::bias_for(float max_abs) const {
    return num::af_choose_exp_bias(max_abs, tile_.act_format, tile_.bias_range);
}

// ---- AF tensors in DRAM -----------------------------------------------------

uint32_t EdgebertLowerer::af_tensor(const std::string& name, int rows, int cols, int block_rows, int block_cols,
                                    int exp_bias, const float* data) {
    if (rows % block_rows || cols % block_cols || block_cols % L_)
        throw Error(fmt::format("internal: compiler: AF tensor '{}' ({} x {}) in blocks of {} x {}", name, rows, cols,
                                block_rows, block_cols));
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
    if (data) {
        std::vector<uint32_t> depth;
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
                depth.push_back(static_cast<uint32_t>(enc.depth()));
            }
        af_depth_[id] = std::move(depth);
    }
    return id;
}

uint64_t EdgebertLowerer::block_addr(const eb_tensor& t, int br, int bc) const {
    return t.addr + (uint64_t(br) * (t.cols / t.ld) + bc) * t.block_stride;
}
uint64_t EdgebertLowerer::input_addr(const eb_tensor& t, uint64_t block) const {
    const uint64_t vectors = uint64_t(t.block_rows) * t.ld / L_;
    return block + align64(vectors * tile_.mask_word_bytes());
}
uint32_t EdgebertLowerer::block_vectors(uint32_t id) const {
    const eb_tensor& t = b_.tensor_at(id);
    return t.block_rows * t.ld / L_;
}
// Packed value rows of a block: known for compile-time data, else the dense
// worst case (the program does not read the encoder's depth back).
uint32_t EdgebertLowerer::block_depth(uint32_t id, int br, int bc) const {
    auto it = af_depth_.find(id);
    if (it == af_depth_.end()) return block_vectors(id);
    return it->second.at(size_t(br) * (b_.tensor_at(id).cols / b_.tensor_at(id).ld) + bc);
}

// DMA of one block into decoder `dec` at SRAM row `row` (mask and values).
void EdgebertLowerer::load_block(uint32_t id, int br, int bc, int dec, uint32_t row, bool wait,
                                 const std::string& what) {
    const eb_tensor& t = b_.tensor_at(id);
    const uint64_t base = block_addr(t, br, bc);
    // A dense stream's mask words are all ones: they come from one shared image
    // (the tile's write-out skips them, below).
    b_.eb_dma(kMaskSram, true, dec, row, dense_.count(id) ? ones_mask() : base, block_vectors(id), wait, what);
    const uint32_t depth = block_depth(id, br, bc);
    if (depth) b_.eb_dma(kInputSram, true, dec, row, input_addr(t, base), depth, wait, what);
}
// DMA of a result out of decoder `dec` into block (br, bc); dense worst case of value rows.
void EdgebertLowerer::store_block(uint32_t id, int br, int bc, int dec, uint32_t row, const std::string& what) {
    const eb_tensor& t = b_.tensor_at(id);
    const uint64_t base = block_addr(t, br, bc);
    if (!dense_.count(id)) b_.eb_dma(kMaskSram, false, dec, row, base, block_vectors(id), true, what);
    b_.eb_dma(kInputSram, false, dec, row, input_addr(t, base), block_vectors(id), true, what);
}

// All-ones mask words for a whole decoder SRAM, the mask of any dense block.
uint64_t EdgebertLowerer::ones_mask() {
    if (!ones_mask_addr_) {
        const size_t bytes = size_t(tile_.mask_sram_depth) * size_t(tile_.mask_word_bytes());
        ones_mask_addr_ = alloc(bytes);
        b_.image(ones_mask_addr_, std::vector<uint8_t>(bytes, 0xFF));
    }
    return ones_mask_addr_;
}

void EdgebertLowerer::matmul(uint32_t n0, uint32_t n1, uint32_t m, uint32_t a_row, uint32_t b_row, uint32_t out_dec,
                             uint32_t out_row, int a_bias, int b_bias, int out_bias, uint32_t shift, bool wait,
                             const std::string& note, bool dense) {
    for (auto [name, v, lim] : {std::tuple{"N0", n0, tile_.max_n}, {"N1", n1, tile_.max_n}, {"M", m, tile_.max_m}})
        if (v == 0 || v % L_ || static_cast<int>(v) > lim)
            throw ShapeError(fmt::format("operator '{}': {} = {} must be a positive multiple of {} and <= {} "
                                         "(the tile's field limit)", note, name, v, L_, lim));
    eb_instr in{};
    in.op = EB_OP_EB_MATMUL;
    in.a[0] = uint64_t(n0) | (uint64_t(n1) << 16) | (uint64_t(m) << 32);
    in.a[1] = uint64_t(a_row) | (uint64_t(a_row) << 16) | (uint64_t(b_row) << 32) | (uint64_t(b_row) << 48);
    in.a[2] = uint64_t(out_dec) | (uint64_t(out_row) << 16) | (uint64_t(out_row) << 32) | (uint64_t{dense} << 48);
    in.a[3] = uint64_t(field(a_bias)) | (uint64_t(field(b_bias)) << 8) | (uint64_t(field(out_bias)) << 16) |
              (uint64_t(shift) << 32);
    in.a[4] = wait;
    b_.raw(in, fmt::format("({}x{})({}x{})^T A dec0@{} B dec1@{} -> dec{}@{}{} bias {}/{}/{}{}{}  ; {}", n0, m, n1, m,
                           a_row, b_row, out_dec, out_row, dense ? " dense" : "", a_bias, b_bias, out_bias,
                           shift ? fmt::format(" >>{}", shift) : "", wait ? "" : " (async)", note));
}

void EdgebertLowerer::sfu(eb_sfu_op op, uint32_t nv, uint32_t rows, uint32_t x_row, uint32_t y_row, uint32_t out_dec,
                          uint32_t out_row, int x_bias, int y_bias, int out_bias, uint32_t gamma_row,
                          uint32_t beta_row, int gamma_bias, int beta_bias, uint32_t span_row, int span_bias,
                          const std::string& note, bool dense) {
    if (nv == 0 || static_cast<int>(nv) > tile_.max_num_vector || rows == 0 ||
        static_cast<int>(rows) > tile_.max_num_timestep)
        throw ShapeError(fmt::format("operator '{}': {} rows of {} vectors exceed the SFU's fields (num_timestep <= "
                                     "{}, num_vector <= {})", note, rows, nv, tile_.max_num_timestep,
                                     tile_.max_num_vector));
    eb_instr in{};
    in.op = EB_OP_EB_SFU;
    in.a[0] = uint64_t(op) | (uint64_t(nv & 0xFF) << 8) | (uint64_t(rows & 0xFF) << 16) | (uint64_t(out_dec) << 24) |
              (uint64_t{1} << 32) | (uint64_t{dense} << 33);
    in.a[1] = uint64_t(x_row) | (uint64_t(x_row) << 16) | (uint64_t(y_row) << 32) | (uint64_t(y_row) << 48);
    in.a[2] = uint64_t(out_row) | (uint64_t(out_row) << 16) | (uint64_t(gamma_row & 0xFF) << 32) |
              (uint64_t(beta_row & 0xFF) << 40) | (uint64_t(span_row & 0xFF) << 48);
    in.a[3] = uint64_t(field(x_bias)) | (uint64_t(field(y_bias)) << 8) | (uint64_t(field(out_bias)) << 16) |
              (uint64_t(field(gamma_bias)) << 24) | (uint64_t(field(beta_bias)) << 32) |
              (uint64_t(field(span_bias)) << 40);
    // The high bytes of the fields the extended register layout widens.
    in.a[5] = uint64_t(nv >> 8) | (uint64_t(rows >> 8) << 8) | (uint64_t(gamma_row >> 8) << 16) |
              (uint64_t(beta_row >> 8) << 24) | (uint64_t(span_row >> 8) << 32);
    static const char* names[] = {"layer_norm", "softmax", "element_add", "entropy", "dvfs", "lut"};
    b_.raw(in, fmt::format("{} {} rows x {} vectors, x dec0@{} y dec1@{} -> dec{}@{}{}  ; {}", names[op], rows, nv,
                           x_row, y_row, out_dec, out_row, dense ? " dense" : "", note));
}

// Dense codes (aux rows are not bitmask-encoded) into aux rows from `row`, the
// image placed in DRAM once per name.
void EdgebertLowerer::load_aux(const std::string& name, const std::vector<uint8_t>& codes, uint32_t row) {
    const uint32_t rows = static_cast<uint32_t>(codes.size() / L_);
    if (codes.size() % L_ || row + rows > static_cast<uint32_t>(tile_.aux_sram_depth))
        throw ShapeError(fmt::format("'{}' ({} aux rows from row {}) does not fit the {}-row aux SRAM", name, rows, row,
                                     tile_.aux_sram_depth));
    auto it = aux_addr_.find(name);
    uint64_t addr;
    if (it == aux_addr_.end()) {
        addr = alloc(codes.size());
        b_.image(addr, codes);
        aux_addr_[name] = addr;
    } else {
        addr = it->second;
    }
    b_.eb_dma(kAuxSram, true, 0, row, addr, rows, true, name);
}

void EdgebertLowerer::gather(uint32_t src, uint32_t dst, int r0, int c0, uint32_t table, const std::string& note) {
    const bool dense = dense_.count(src) != 0;
    b_.host(EB_H_AF_GATHER,
            {src, dst, uint64_t(r0), uint64_t(c0), table == kNoTensor ? 0 : uint64_t{table} + 1, uint64_t{dense}}, -1,
            dense ? note + " (dense rows)" : note);
    if (dense) dense_.insert(dst);
}

// ---- linear layers ------------------------------------------------------------

const EdgebertLowerer::Weights& EdgebertLowerer::weights(const model::Linear& W, const std::string& wname, int rw) {
    const std::string k = fmt::format("{}.{}", wname, rw);
    auto it = weight_cache_.find(k);
    if (it != weight_cache_.end()) return it->second;
    const int N = static_cast<int>(W.weight.dim(0)), K = static_cast<int>(W.weight.dim(1));
    Weights wt;
    wt.rw = rw;
    wt.w_bias = bias_for(max_abs(W.weight.data));
    wt.b_bias = bias_for(max_abs(W.bias.data));
    wt.w = af_tensor(wname + ".weight_af", N, K, rw, K, wt.w_bias, W.weight.data.data());
    std::vector<float> bcast(size_t(L_) * N);  // the bias broadcast over one band
    for (int r = 0; r < L_; ++r) std::copy(W.bias.data.begin(), W.bias.data.end(), bcast.begin() + size_t(r) * N);
    wt.bias = af_tensor(wname + ".bias_af", L_, N, L_, rw, wt.b_bias, bcast.data());
    return weight_cache_[k] = wt;
}

// The widest chunk (<= 64 columns, a multiple of lanes) whose weight block fits
// decoder 1 beside the matmul's result and the LUT's; 0 if none does.
int EdgebertLowerer::chunk_width(int n, int k) const {
    for (int rw : {64, 32, 16, 8})
        if (rw % L_ == 0 && n % rw == 0 && rw * k / L_ + 2 * rw <= depth_) return rw;
    return 0;
}

void EdgebertLowerer::refuse_depth(const std::string& what, int need) const {
    throw ShapeError(fmt::format("{}: needs {} rows of each decoder SRAM even split as far as the {}-lane vectors "
                                 "allow, the tile has {} (edgebert.input_sram_depth = {}, edgebert.mask_sram_depth = "
                                 "{}): set both to >= {} or use more edgebert.lanes",
                                 what, need, L_, depth_, tile_.input_sram_depth, tile_.mask_sram_depth, need));
}

const model::Linear& EdgebertLowerer::head_rows(const model::Linear& W, const std::string& name) {
    const int d = cfg_.head_dim(), dp = head_width(), heads = cfg_.num_attention_heads;
    if (dp == d) return W;
    auto it = padded_.find(name + ".rows");
    if (it != padded_.end()) return it->second;
    const int K = static_cast<int>(W.weight.dim(1));
    model::Linear p{model::Tensor({int64_t(heads) * dp, K}), model::Tensor({int64_t(heads) * dp})};
    for (int h = 0; h < heads; ++h)
        for (int i = 0; i < d; ++i) {
            std::copy_n(W.weight.data.begin() + size_t(h * d + i) * K, K, p.weight.data.begin() + size_t(h * dp + i) * K);
            p.bias.data[size_t(h * dp + i)] = W.bias.data[size_t(h * d + i)];
        }
    return padded_[name + ".rows"] = std::move(p);
}

const model::Linear& EdgebertLowerer::padded_cols(const model::Linear& W, const std::string& name, bool per_head,
                                                  int cols) {
    const int N = static_cast<int>(W.weight.dim(0)), K = static_cast<int>(W.weight.dim(1));
    const int d = cfg_.head_dim(), dp = head_width();
    if (cols == K) return W;
    auto it = padded_.find(name + ".cols");
    if (it != padded_.end()) return it->second;
    model::Linear p{model::Tensor({N, cols}), W.bias};
    for (int n = 0; n < N; ++n)
        for (int k = 0; k < K; ++k)
            p.weight.data[size_t(n) * cols + (per_head ? k / d * dp + k % d : k)] = W.weight.data[size_t(n) * K + k];
    return padded_[name + ".cols"] = std::move(p);
}

uint32_t EdgebertLowerer::linear_chunks(uint32_t x, const model::Linear& W, const std::string& wname, int rw,
                                        int x_bias, int y_bias, const std::string& tag, int lut_row, int lut_bias,
                                        bool for_splice) {
    const eb_tensor X = b_.tensor_at(x);
    const int S = static_cast<int>(X.rows), K = static_cast<int>(X.cols), N = static_cast<int>(W.weight.dim(0));
    if (X.block_rows != static_cast<uint32_t>(L_) || X.ld != X.cols)
        throw Error(fmt::format("internal: compiler: '{}' input is not in bands", wname));
    if (K != static_cast<int>(W.weight.dim(1)) || K % L_ || N % L_)
        throw ShapeError(fmt::format("operator '{}': {} x {} weights against {} input features (dimensions must be "
                                     "multiples of {})", wname, N, W.weight.dim(1), K, L_));
    if (K > tile_.max_m)
        throw ShapeError(fmt::format("operator '{}': inner dimension {} exceeds the tile's M limit {} (M field)",
                                     wname, K, tile_.max_m));
    if (rw <= 0 || N % rw || rw * K / L_ + 2 * rw > depth_) {
        if (K + 2 * L_ > depth_)  // not even a block of `lanes` weight rows fits
            refuse_depth(fmt::format("operator '{}' (weight blocks of {} inputs beside their results)", wname, K),
                         K + 2 * L_);
        throw Error(fmt::format("internal: compiler: operator '{}': chunk width {} for {} x {} weights", wname, rw, N, K));
    }
    const Weights& wt = weights(W, wname, rw);
    const bool lut = lut_row >= 0;
    const uint32_t y = af_tensor(tag, S, N, L_, rw, lut ? lut_bias : y_bias);
    const bool dense = for_splice && dense_chunks();
    if (dense) dense_.insert(y);
    const uint32_t vx = static_cast<uint32_t>(K), vw = static_cast<uint32_t>(rw * K / L_), vo = static_cast<uint32_t>(rw);
    const int bands_n = S / L_, blocks_n = N / rw;
    // Decoder 0: x band(s), the bias block, the biased sum. Decoder 1: the
    // weight block, the matmul's result, the LUT's result.
    const bool stationary_w = 2 * vx + 2 * vo <= static_cast<uint32_t>(depth_);
    if (!stationary_w && vx + 2 * vo > static_cast<uint32_t>(depth_))
        refuse_depth(fmt::format("operator '{}' (a band of {} features beside its results)", wname, K), K + 2 * L_);
    // Band-stationary: every bias block stays in decoder 0 for the whole layer when they fit.
    const bool all_bias = !stationary_w && vx + (blocks_n + 1) * vo <= static_cast<uint32_t>(depth_);
    const uint32_t bias_row = stationary_w ? 2 * vx : vx;
    const uint32_t sum_row = all_bias ? vx + static_cast<uint32_t>(blocks_n) * vo : bias_row + vo;
    const uint32_t mm_row = vw, lut_out = vw + vo;
    auto bias_row_of = [&](int j) { return all_bias ? bias_row + static_cast<uint32_t>(j) * vo : bias_row; };
    auto finish = [&](int i, int j) {
        const std::string note = fmt::format("{} chunk ({}, {})", wname, i, j);
        sfu(EB_SFU_ELEMENT_ADD, vo / L_, L_, bias_row_of(j), mm_row, 0, sum_row, wt.b_bias, y_bias, y_bias, 0, 0, -10,
            -10, 0, -10, note + " + bias", dense && !lut);
        if (lut) {
            sfu(EB_SFU_LUT, vo / L_, L_, sum_row, 0, 1, lut_out, y_bias, y_bias, lut_bias, static_cast<uint32_t>(lut_row),
                0, -10, -10, 0, -10, note + " activation (SFU table)", dense);
            store_block(y, i, j, 1, lut_out, "chunk");
        } else {
            store_block(y, i, j, 0, sum_row, "chunk");
        }
    };
    if (stationary_w) {
        for (int j = 0; j < blocks_n; ++j) {
            load_block(wt.w, j, 0, 1, 0, true, fmt::format("W block {}", j));
            load_block(wt.bias, 0, j, 0, bias_row, true, "bias block");
            load_block(x, 0, 0, 0, 0, true, "x band 0");
            for (int i = 0; i < bands_n; ++i) {
                const uint32_t slot = static_cast<uint32_t>(i % 2) * vx;
                matmul(L_, rw, K, slot, 0, 1, mm_row, x_bias, wt.w_bias, y_bias, 0, false,
                       fmt::format("{} chunk ({}, {})", wname, i, j));
                if (i + 1 < bands_n)
                    load_block(x, i + 1, 0, 0, static_cast<uint32_t>((i + 1) % 2) * vx, true,
                               fmt::format("prefetch x band {}", i + 1));
                b_.eb_wait(false, EB_CAT_COMPUTE);
                finish(i, j);
            }
        }
    } else {
        if (all_bias)
            for (int j = 0; j < blocks_n; ++j) load_block(wt.bias, 0, j, 0, bias_row_of(j), true, "bias block");
        for (int i = 0; i < bands_n; ++i) {
            load_block(x, i, 0, 0, 0, true, fmt::format("x band {}", i));
            for (int j = 0; j < blocks_n; ++j) {
                load_block(wt.w, j, 0, 1, 0, true, fmt::format("W block {}", j));
                if (!all_bias) load_block(wt.bias, 0, j, 0, bias_row, true, "bias block");
                matmul(L_, rw, K, 0, 0, 1, mm_row, x_bias, wt.w_bias, y_bias, 0, true,
                       fmt::format("{} chunk ({}, {})", wname, i, j));
                finish(i, j);
            }
        }
    }
    return y;
}

void EdgebertLowerer::linear(uint32_t x, const model::Linear& W, const std::string& wname, uint32_t y,
                             const std::string& x_key, const std::string& y_key) {
    const eb_tensor X = b_.tensor_at(x);
    int xb = bias_for(calib(x_key));
    const int yb = is_af(y) ? b_.tensor_at(y).exp_bias : bias_for(calib(y_key));
    uint32_t xa = x;
    const int rows = static_cast<int>(X.rows), N = static_cast<int>(W.weight.dim(0));
    int K = static_cast<int>(X.cols);
    const model::Linear* Wx = &W;
    if (is_af(x)) {
        xb = X.exp_bias;
    } else {  // the CPU's FP32 (the embedding) into bands: a counted conversion
        uint32_t xf = x;
        if (K % L_) {  // features narrower than whole vectors: zero columns, and zero weight columns
            const int kp = (K + L_ - 1) / L_ * L_;
            xf = f32(wname + ".x_padded", rows, kp, std::vector<float>(size_t(rows) * kp, 0.0f).data());
            b_.host(EB_H_COPY, {x, view(xf, 0, 0, rows, K, wname + ".x_padded_head"), 0, 0});
            Wx = &padded_cols(W, wname, false, kp);
            K = kp;
        }
        xa = bands(wname + ".x_bands", rows, K, xb);
        b_.host(EB_H_QUANTIZE, {xf, xa, 0, 0});
    }
    const uint32_t yc = linear_chunks(xa, *Wx, wname, chunk_width(N, K), xb, yb, wname + ".y_chunks", -1, 0, is_af(y));
    if (is_af(y)) gather(yc, y, 0, 0, kNoTensor, "rows");
    else b_.host(EB_H_DEQUANTIZE, {yc, y, 0, 0});
}

uint32_t EdgebertLowerer::hidden_tensor(const std::string& name, int rows, int cols) {
    return bands(name, rows, cols, bias_for(calib("emb")));
}

void EdgebertLowerer::thesis_input(const std::vector<float>&) { throw Error("internal: not a thesis lowerer"); }

// The off-ramp's logits, padded to a lane vector with the most negative value
// (their exp() vanishes), through the tile's entropy unit; the program ends
// when its status says exit.
void EdgebertLowerer::exit_check(int layer, uint32_t logits, int slot) {
    const int labels = cfg_.num_labels;
    if (labels > L_) throw ShapeError(fmt::format("early exit: {} labels exceed one {}-lane vector", labels, L_));
    const int wide = tile_.bias_range.max;
    std::vector<float> pad(size_t(L_), -1e30f);
    const uint32_t row = f32(fmt::format("L{}.exit_logits", layer), 1, L_, pad.data());
    b_.host(EB_H_COPY, {logits, view(row, 0, 0, 1, labels, "exit_logits_head"), 0, 0});
    // An AF block of one row: the entropy unit reads a single lane vector.
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

std::unique_ptr<Lowerer> make_edgebert_lowerer(const model::AlbertConfig& c, const model::AlbertWeights& w,
                                               const model::ModelInput& in, const hw::SocConfig& s,
                                               const CompileOptions& o, const std::map<std::string, float>& a) {
    if (o.mode == Mode::Thesis) return make_edgebert_thesis_lowerer(c, w, in, s, o, a);
    return std::make_unique<EdgebertLowerer>(c, w, in, s, o, a);
}

}  // namespace edgebert::compiler
