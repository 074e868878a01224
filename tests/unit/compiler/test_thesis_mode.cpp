// Thesis mode for the CPU and systolic targets: the published software's flow.
//
// ThesisHostOps: the executor's host operations the flow needs (the naive int32
// matmul, the transpose through a malloc'd temporary, INT32 -> INT8, real
// allocations by slot and their failure paths) on a flat memory behind the HAL.
// ThesisMode: the compiled programs run only the published operators, every
// allocation is freed, and their outputs on the functional platform equal an
// independent computation of the same integer flow.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <random>
#include <set>

#include "common/error.hpp"
#include "compiler/lower/lowering.hpp"
#include "compiler/program/program.hpp"
#include "eb_executor.h"
#include "hw/formats/int8.hpp"
#include "hw/soc/hal_backend.hpp"
#include "sim/functional/functional_platform.hpp"
#include "sim/run/soc_runner.hpp"

using namespace edgebert;

namespace {

// ----------------------------------------------------------------- host ops --

constexpr uint64_t kBase = 0x80000000ull;

// A flat memory behind the runtime's HAL that records the charged work. With
// copy_maps, eb_hal_map hands out copies written back on unmap (as the native
// host does); without, the memory itself (as the firmware does).
class FlatBackend : public hw::HalBackend {
public:
    explicit FlatBackend(size_t bytes, bool copy_maps) : mem_(bytes, 0), copy_maps_(copy_maps) {}

    uint8_t* at(uint64_t addr) { return &mem_.at(addr - kBase); }

    uint32_t read32(uint64_t) override { return fail(); }
    void write32(uint64_t, uint32_t) override { fail(); }
    uint64_t read64(uint64_t) override { return fail(); }
    void write64(uint64_t, uint64_t) override { fail(); }
    void wait_for_interrupt() override { fail(); }
    uint64_t cycles() override { return 0; }
    void copy_to_dev(uint64_t dst, const void* src, size_t len) override { std::memcpy(at(dst), src, len); }
    void copy_from_dev(void* dst, uint64_t src, size_t len) override { std::memcpy(dst, at(src), len); }
    void charge(eb_cost_t kind, uint64_t units) override { units_[kind] += units; }
    void region(uint32_t, uint32_t, const char*) override {}
    void wait_category(int) override {}
    void category_override(int c) override {
        if (c >= 0) categories_.push_back(c);
    }
    void* map(uint64_t addr, size_t len) override {
        if (addr < kBase || addr - kBase + len > mem_.size()) {
            ADD_FAILURE() << "map outside the flat memory";
            return nullptr;
        }
        if (!copy_maps_) return at(addr);
        auto* p = new uint8_t[len ? len : 1];
        std::memcpy(p, at(addr), len);
        return p;
    }
    void unmap(void* ptr, uint64_t addr, size_t len, int write_back) override {
        if (!copy_maps_) return;
        if (write_back) std::memcpy(at(addr), ptr, len);
        delete[] static_cast<uint8_t*>(ptr);
    }

    std::map<int, uint64_t> units_;
    std::vector<int> categories_;

private:
    uint32_t fail() {
        ADD_FAILURE() << "host operations must not touch registers";
        return 0;
    }
    std::vector<uint8_t> mem_;
    bool copy_maps_;
};

// Builds programs of host operations on tensors in the flat memory.
struct HostProgram {
    compiler::ProgramBuilder b{EB_TARGET_CPU};
    uint64_t next = kBase;
    int count = 0;

    uint32_t tensor(eb_format f, uint32_t rows, uint32_t cols, uint32_t ld = 0) {
        eb_tensor t{};
        t.format = f;
        t.rows = rows;
        t.cols = cols;
        t.ld = ld ? ld : cols;
        t.scale = 1.0f;
        t.addr = next;
        next += (uint64_t(rows) * t.ld * (f == EB_FMT_I8 || f == EB_FMT_AF_DENSE ? 1 : 4) + 63) / 64 * 64;
        return b.tensor("t" + std::to_string(count++), t);
    }
    // The same storage seen as another shape (e.g. an in-place transpose's destination).
    uint32_t alias(uint32_t id, uint32_t rows, uint32_t cols) {
        eb_tensor t = b.tensor_at(id);
        t.rows = rows;
        t.cols = t.ld = cols;
        return b.tensor("alias", t);
    }
};

eb_exec_state execute(HostProgram& hp, FlatBackend& be) {
    hp.b.end();
    const auto prog = hp.b.take();
    const auto bytes = prog.serialize();
    eb_program p{};
    EXPECT_EQ(eb_program_parse(bytes.data(), bytes.size(), &p), 0);
    const eb_platform plat{};
    eb_exec_state st{};
    hw::HalScope scope(be);
    eb_execute(&plat, &p, &st);
    return st;
}

template <typename T>
std::vector<T> random_elems(std::mt19937_64& rng, size_t n) {
    std::vector<T> v(n);
    for (auto& x : v) x = static_cast<T>(rng());
    return v;
}

}  // namespace

TEST(ThesisHostOps, MallocAndFreeAreRealAllocationsBySlot) {
    FlatBackend be(1 << 16, true);
    {
        // Several MB at once (the FFN's intermediates), slots reused once freed.
        HostProgram hp;
        hp.tensor(EB_FMT_I32, 1, 1);
        hp.b.host(EB_H_MALLOC, {3u << 20, 0});
        hp.b.host(EB_H_MALLOC, {6u << 20, EB_ALLOC_SLOTS - 1});
        hp.b.host(EB_H_FREE, {0});
        hp.b.host(EB_H_MALLOC, {1u << 20, 0});
        hp.b.host(EB_H_FREE, {EB_ALLOC_SLOTS - 1});
        hp.b.host(EB_H_FREE, {0});
        const auto st = execute(hp, be);
        EXPECT_EQ(st.error, 0);
        EXPECT_EQ(st.instrs_done, 6u);  // the six operations (END is not counted)
        EXPECT_EQ(be.units_[EB_COST_MALLOC], 3u) << "one malloc_call per allocation (measured as a malloc/free pair)";
        EXPECT_EQ(be.units_[EB_COST_MEMSET_BYTE], uint64_t{10} << 20) << "picolibc's malloc clears every block";
        EXPECT_EQ(be.categories_, std::vector<int>(6, EB_CAT_MALLOC));
    }
    {
        // A program that leaves a slot allocated: the next program starts with an empty table.
        HostProgram a;
        a.tensor(EB_FMT_I32, 1, 1);
        a.b.host(EB_H_MALLOC, {4096, 5});
        EXPECT_EQ(execute(a, be).error, 0);
        HostProgram b;
        b.tensor(EB_FMT_I32, 1, 1);
        b.b.host(EB_H_MALLOC, {4096, 5});
        b.b.host(EB_H_FREE, {5});
        EXPECT_EQ(execute(b, be).error, 0);
    }
    // Failures: a clear error naming the instruction, never a crash.
    struct Bad {
        std::vector<std::vector<uint64_t>> ops;  // {kernel, args...}
        int error;
        uint32_t instr;
        const char* what;
    };
    for (const Bad& bad : std::vector<Bad>{
             {{{EB_H_FREE, 4}}, EB_EXEC_ERR_SLOT, 0, "free of an empty slot"},
             {{{EB_H_MALLOC, 64, 2}, {EB_H_MALLOC, 64, 2}}, EB_EXEC_ERR_SLOT, 1, "malloc into a slot in use"},
             {{{EB_H_MALLOC, 64, EB_ALLOC_SLOTS}}, EB_EXEC_ERR_SLOT, 0, "slot out of range"},
             {{{EB_H_FREE, 1ull << 40}}, EB_EXEC_ERR_SLOT, 0, "free slot out of range"},
             {{{EB_H_MALLOC, 16, 1}, {EB_H_MALLOC, 1ull << 62, 3}}, EB_EXEC_ERR_NOMEM, 1,
              "malloc returning NULL (4 EiB)"},
             {{{EB_H_MALLOC, ~0ull, 3}}, EB_EXEC_ERR_NOMEM, 0, "a size beyond size_t"},
         }) {
        HostProgram hp;
        hp.tensor(EB_FMT_I32, 1, 1);
        for (const auto& op : bad.ops) {
            if (op.size() == 2) hp.b.host(static_cast<eb_host_kernel>(op[0]), {op[1]});
            else hp.b.host(static_cast<eb_host_kernel>(op[0]), {op[1], op[2]});
        }
        const auto st = execute(hp, be);
        EXPECT_EQ(st.error, bad.error) << bad.what;
        EXPECT_EQ(st.error_instr, bad.instr) << bad.what;
    }
}

TEST(ThesisHostOps, TransposeThroughATemporaryInPlaceForEveryDenseFormat) {
    std::mt19937_64 rng(7);
    for (bool copy_maps : {false, true}) {
        for (eb_format f : {EB_FMT_I32, EB_FMT_I8, EB_FMT_AF_DENSE, EB_FMT_F32}) {
            const uint32_t es = f == EB_FMT_I8 || f == EB_FMT_AF_DENSE ? 1 : 4;
            for (const auto& [rows, cols] : std::vector<std::pair<uint32_t, uint32_t>>{{1, 1}, {5, 3}, {32, 64}, {40, 17}}) {
                const std::string what = "format " + std::to_string(f) + " " + std::to_string(rows) + "x" +
                                         std::to_string(cols) + (copy_maps ? " (copied maps)" : "");
                FlatBackend be(1 << 16, copy_maps);
                HostProgram hp;
                const uint32_t src = hp.tensor(f, rows, cols);
                const uint32_t dst = hp.alias(src, cols, rows);  // K^T over K's own storage
                const auto data = random_elems<uint8_t>(rng, size_t(rows) * cols * es);
                std::memcpy(be.at(hp.b.tensor_at(src).addr), data.data(), data.size());
                hp.b.host(EB_H_TRANSPOSE, {src, dst, 1});
                const uint64_t addr = hp.b.tensor_at(src).addr;
                const auto st = execute(hp, be);
                ASSERT_EQ(st.error, 0) << what;
                const uint8_t* out = be.at(addr);
                for (uint32_t r = 0; r < rows; ++r)
                    for (uint32_t c = 0; c < cols; ++c)
                        ASSERT_EQ(std::memcmp(out + (size_t(c) * rows + r) * es, &data[(size_t(r) * cols + c) * es], es), 0)
                            << what << " element (" << r << ", " << c << ")";
                EXPECT_EQ(be.units_[EB_COST_TRANSPOSE_ELEM], uint64_t(rows) * cols) << what;
                EXPECT_EQ(be.units_[EB_COST_MEMCPY_BYTE], uint64_t(rows) * cols * es) << what << ": the copy back";
                EXPECT_EQ(be.units_[EB_COST_MEMCPY_CALL], uint64_t(cols)) << what << ": one memcpy per row of the copy back";
                EXPECT_EQ(be.units_[EB_COST_COPY_BYTE], 0u) << what << ": a memcpy, not the bitmask codec";
                EXPECT_EQ(be.units_[EB_COST_MALLOC], 1u) << what << ": the temporary";
                EXPECT_EQ(be.units_[EB_COST_MEMSET_BYTE], uint64_t(rows) * cols * es) << what << ": cleared by malloc";
                EXPECT_EQ(be.categories_, std::vector<int>{EB_CAT_TRANSPOSE}) << what;
            }
        }
    }
    // Straight into another tensor (strided), INT32 and INT8.
    for (eb_format f : {EB_FMT_I32, EB_FMT_I8}) {
        const uint32_t es = f == EB_FMT_I8 ? 1 : 4, rows = 7, cols = 9;
        FlatBackend be(1 << 16, true);
        HostProgram hp;
        const uint32_t src = hp.tensor(f, rows, cols, cols + 3), dst = hp.tensor(f, cols, rows, rows + 5);
        const auto data = random_elems<uint8_t>(rng, size_t(rows) * (cols + 3) * es);
        std::memcpy(be.at(hp.b.tensor_at(src).addr), data.data(), data.size());
        hp.b.host(EB_H_TRANSPOSE, {src, dst, 0});
        const uint64_t d_addr = hp.b.tensor_at(dst).addr;
        ASSERT_EQ(execute(hp, be).error, 0);
        for (uint32_t r = 0; r < rows; ++r)
            for (uint32_t c = 0; c < cols; ++c)
                ASSERT_EQ(std::memcmp(be.at(d_addr) + (size_t(c) * (rows + 5) + r) * es,
                                      &data[(size_t(r) * (cols + 3) + c) * es], es),
                          0);
        EXPECT_EQ(be.units_[EB_COST_MALLOC], 0u);
        EXPECT_EQ(be.units_[EB_COST_MEMCPY_BYTE], 0u);
        EXPECT_EQ(be.units_[EB_COST_MEMCPY_CALL], 0u);
    }
    // Shapes or formats that do not match are refused.
    {
        FlatBackend be(1 << 16, true);
        HostProgram hp;
        const uint32_t a = hp.tensor(EB_FMT_I32, 4, 6), b = hp.tensor(EB_FMT_I32, 4, 6), c = hp.tensor(EB_FMT_I8, 6, 4);
        hp.b.host(EB_H_TRANSPOSE, {a, b, 1});
        EXPECT_EQ(execute(hp, be).error, EB_EXEC_ERR_FORMAT);
        HostProgram hp2;
        const uint32_t a2 = hp2.tensor(EB_FMT_I32, 4, 6), c2 = hp2.tensor(EB_FMT_I8, 6, 4);
        hp2.b.host(EB_H_TRANSPOSE, {a2, c2, 0});
        EXPECT_EQ(execute(hp2, be).error, EB_EXEC_ERR_FORMAT);
        (void)c;
    }
}

TEST(ThesisHostOps, NaiveInt32MatmulAndInt32ToInt8ThroughTheExecutor) {
    std::mt19937_64 rng(11);
    const uint32_t m = 6, k = 37, n = 10;
    FlatBackend be(1 << 16, true);
    HostProgram hp;
    const uint32_t a = hp.tensor(EB_FMT_I32, m, k, k + 2), b = hp.tensor(EB_FMT_I32, k, n), c = hp.tensor(EB_FMT_I32, m, n);
    const uint32_t q = hp.tensor(EB_FMT_I8, m, n, n + 1);
    const auto av = random_elems<int32_t>(rng, size_t(m) * (k + 2)), bv = random_elems<int32_t>(rng, size_t(k) * n);
    std::memcpy(be.at(hp.b.tensor_at(a).addr), av.data(), av.size() * 4);
    std::memcpy(be.at(hp.b.tensor_at(b).addr), bv.data(), bv.size() * 4);
    const uint64_t c_addr = hp.b.tensor_at(c).addr, q_addr = hp.b.tensor_at(q).addr;
    hp.b.host(EB_H_I32_MATMUL, {a, b, c});
    hp.b.host(EB_H_I32_TO_I8, {c, q, 23});
    const auto st = execute(hp, be);
    ASSERT_EQ(st.error, 0);
    std::vector<int32_t> cv(size_t(m) * n);
    std::memcpy(cv.data(), be.at(c_addr), cv.size() * 4);
    for (uint32_t i = 0; i < m; ++i) {
        for (uint32_t j = 0; j < n; ++j) {
            uint32_t sum = 0;
            for (uint32_t p = 0; p < k; ++p)
                sum += static_cast<uint32_t>(av[i * (k + 2) + p]) * static_cast<uint32_t>(bv[p * n + j]);
            int32_t want;
            std::memcpy(&want, &sum, 4);
            ASSERT_EQ(cv[i * n + j], want) << i << ", " << j;
            const double f = std::floor(double(want) / double(1 << 23));
            ASSERT_EQ(static_cast<int8_t>(*be.at(q_addr + i * (n + 1) + j)), static_cast<int>(std::clamp(f, -127.0, 127.0)));
        }
    }
    EXPECT_EQ(be.units_[EB_COST_INT32_MAC], uint64_t(m) * n * k);
    EXPECT_EQ(be.units_[EB_COST_INT8_CONVERT_ELEM], uint64_t(m) * n);
    EXPECT_EQ(be.categories_, (std::vector<int>{EB_CAT_CPU_COMPUTE, EB_CAT_CPU_COMPUTE}));
    // Refused: a shift beyond 31, mismatched shapes or formats.
    for (int variant = 0; variant < 3; ++variant) {
        HostProgram bad;
        const uint32_t x = bad.tensor(EB_FMT_I32, 4, 8), y = bad.tensor(EB_FMT_I32, 8, 4), z = bad.tensor(EB_FMT_I8, 4, 4);
        if (variant == 0) bad.b.host(EB_H_I32_TO_I8, {y, bad.tensor(EB_FMT_I8, 8, 4), 32});
        if (variant == 1) bad.b.host(EB_H_I32_MATMUL, {x, x, y});
        if (variant == 2) bad.b.host(EB_H_I32_MATMUL, {x, y, z});
        EXPECT_EQ(execute(bad, be).error, EB_EXEC_ERR_FORMAT) << "variant " << variant;
    }
}

// ------------------------------------------------------------- thesis mode --

namespace {

struct Setup {
    model::AlbertConfig cfg;
    model::AlbertWeights w;
    model::ModelInput in;
    hw::SocConfig soc;
    std::map<std::string, float> act_max;
    model::ReferenceResult ref;
};

Setup make_setup(const std::string& model, int seq, int layers) {
    Setup s;
    s.cfg = model::load_albert_config(std::string(EDGEBERT_SOURCE_DIR) + "/configs/models/" + model);
    s.w = model::synthetic_albert_weights(s.cfg, 1);
    s.in = model::synthetic_input(s.cfg, seq, 1);
    s.soc = hw::load_soc_config(std::string(EDGEBERT_SOURCE_DIR) + "/configs/soc/default.json");
    model::ReferenceOptions o;
    o.layers = layers;
    o.act_max = &s.act_max;
    s.ref = model::run_reference(s.cfg, s.w, s.in, o);
    return s;
}

compiler::CompiledModel compile_thesis(const Setup& s, compiler::Target t, int layers) {
    compiler::CompileOptions o;
    o.target = t;
    o.layers = layers;
    o.mode = compiler::Mode::Thesis;
    o.thesis_input = s.ref.embedding_output.data;
    return compiler::compile_model(s.cfg, s.w, s.in, s.soc, o, s.act_max);
}

// The output tensor's elements, read from the functional platform's DRAM.
template <typename T>
std::vector<T> run_functional(const Setup& s, const compiler::CompiledModel& m) {
    sim::FunctionalPlatform fp(s.soc);
    fp.run(m);
    const eb_tensor& t = m.program.tensors.at(m.hidden_out);
    EXPECT_EQ(t.format, EB_FMT_I32);
    std::vector<T> out(size_t(t.rows) * t.cols);
    for (uint32_t r = 0; r < t.rows; ++r)
        fp.copy_from_dev(&out[size_t(r) * t.cols], t.addr + uint64_t(r) * t.ld * sizeof(T), t.cols * sizeof(T));
    return out;
}

// Row-major matrices for the independent computations.
template <typename T>
struct Mat {
    int rows = 0, cols = 0;
    std::vector<T> v;
    Mat(int r, int c) : rows(r), cols(c), v(size_t(r) * c) {}
    T& at(int r, int c) { return v[size_t(r) * cols + c]; }
    T at(int r, int c) const { return v[size_t(r) * cols + c]; }
};

// Columns [c0, c0 + cols) of W^T, INT8 codes of W's per-tensor quantization.
Mat<int32_t> weight_kn(const model::Tensor& w, int c0, int cols) {
    const auto q = num::int8_quantize_symmetric(w.data.data(), w.size());
    const int K = static_cast<int>(w.dim(1));
    Mat<int32_t> out(K, cols);
    for (int k = 0; k < K; ++k)
        for (int n = 0; n < cols; ++n) out.at(k, n) = q.q[size_t(c0 + n) * K + k];
    return out;
}

Mat<int32_t> input_codes(const Setup& s) {
    const auto& x = s.ref.embedding_output.data;
    const auto q = num::int8_quantize_symmetric(x.data(), x.size());
    Mat<int32_t> out(s.in.seq_len(), s.cfg.hidden_size);
    for (size_t i = 0; i < out.v.size(); ++i) out.v[i] = q.q[i];
    return out;
}

struct Ops {
    std::vector<uint32_t> kernels;             // host kernels in program order
    std::vector<std::string> regions;          // region names in order
    std::vector<uint32_t> region_modules;
    std::vector<uint64_t> shifts;              // EB_H_I32_TO_I8 shifts in order
    size_t sys_calls = 0;
};

Ops scan(const compiler::Program& p) {
    Ops o;
    for (const auto& in : p.instrs) {
        if (in.op == EB_OP_REGION) {
            o.regions.emplace_back(p.strings.c_str() + in.a[2]);
            o.region_modules.push_back(static_cast<uint32_t>(in.a[1]));
        } else if (in.op == EB_OP_HOST) {
            o.kernels.push_back(in.sub);
            if (in.sub == EB_H_I32_TO_I8) o.shifts.push_back(in.a[2]);
        } else if (in.op == EB_OP_SYS_CALL) {
            ++o.sys_calls;
        }
    }
    return o;
}

}  // namespace

TEST(ThesisMode, ProgramsRunOnlyThePublishedOperatorsAndFreeEveryAllocation) {
    // albert-base-v2's shapes (12 heads), one layer, a short sequence.
    const auto s = make_setup("albert-base-v2.json", 16, 1);
    const int heads = s.cfg.num_attention_heads;
    ASSERT_EQ(heads, 12);
    for (auto t : {compiler::Target::Cpu, compiler::Target::Systolic}) {
        const std::string name = compiler::target_name(t);
        const auto m = compile_thesis(s, t, 1);
        EXPECT_TRUE(m.thesis) << name;
        EXPECT_EQ(m.logits_out, compiler::kNoTensor) << name;
        EXPECT_EQ(m.entropy_slots, 0) << name;
        EXPECT_EQ(m.program.tensors.at(m.hidden_out).format, EB_FMT_I32) << name;
        EXPECT_EQ(m.program.tensors.at(m.hidden_out).rows, 16u) << name;
        EXPECT_EQ(m.program.tensors.at(m.hidden_out).cols, 768u) << name;
        const Ops o = scan(m.program);
        // What the published baselines left out.
        for (uint32_t k : {EB_H_SOFTMAX, EB_H_LAYER_NORM, EB_H_GELU, EB_H_TANH, EB_H_ADD_BIAS, EB_H_EMBED, EB_H_QUANTIZE,
                           EB_H_DEQUANTIZE, EB_H_MATMUL, EB_H_ADD, EB_H_ENTROPY})
            EXPECT_EQ(std::count(o.kernels.begin(), o.kernels.end(), k), 0) << name << ": kernel " << k;
        // Regions: one per head, then the output projection and the FFN.
        std::vector<std::string> want;
        std::vector<uint32_t> modules;
        for (int h = 0; h < heads; ++h) want.push_back("head" + std::to_string(h)), modules.push_back(EB_MOD_ATTENTION);
        want.insert(want.end(), {"out_proj", "ffn"});
        modules.insert(modules.end(), {EB_MOD_POST_PROCESSING, EB_MOD_FFN});
        EXPECT_EQ(o.regions, want) << name;
        EXPECT_EQ(o.region_modules, modules) << name;
        // Every allocation freed, no slot allocated twice or freed empty.
        std::set<uint64_t> live;
        size_t mallocs = 0;
        for (const auto& in : m.program.instrs) {
            if (in.op != EB_OP_HOST) continue;
            if (in.sub == EB_H_MALLOC) {
                EXPECT_LT(in.a[1], uint64_t{EB_ALLOC_SLOTS}) << name;
                EXPECT_TRUE(live.insert(in.a[1]).second) << name << ": slot " << in.a[1] << " allocated twice";
                EXPECT_GT(in.a[0], 0u) << name;
                ++mallocs;
            } else if (in.sub == EB_H_FREE) {
                EXPECT_EQ(live.erase(in.a[0]), 1u) << name << ": slot " << in.a[0] << " freed while empty";
            } else if (in.sub == EB_H_TRANSPOSE) {
                EXPECT_EQ(in.a[2] & 1u, 1u) << name << ": transposes go through a malloc'd temporary";
            }
        }
        EXPECT_TRUE(live.empty()) << name << ": " << live.size() << " allocations never freed";
        EXPECT_GT(mallocs, 0u) << name;
        EXPECT_EQ(std::count(o.kernels.begin(), o.kernels.end(), EB_H_TRANSPOSE), heads) << name << ": one K^T per head";
        if (t == compiler::Target::Cpu) {
            // Q, K, V, QK^T, times V per head; the output projection; two FFN matmuls.
            EXPECT_EQ(std::count(o.kernels.begin(), o.kernels.end(), EB_H_I32_MATMUL), 5 * heads + 3);
            EXPECT_EQ(o.sys_calls, 0u);
            // Intermediates: Q, K, V, S per head, the concatenated heads, A, F1, F2.
            EXPECT_EQ(mallocs, size_t(4 * heads + 4));
            for (const auto& in : m.program.instrs) {
                if (in.op != EB_OP_HOST || in.sub != EB_H_I32_MATMUL) continue;
                for (int a = 0; a < 3; ++a) {
                    EXPECT_EQ(m.program.tensors.at(in.a[a]).format, EB_FMT_I32);
                }
            }
        } else {
            EXPECT_EQ(std::count(o.kernels.begin(), o.kernels.end(), EB_H_I32_MATMUL), 0);
            // INT32 -> INT8 between chained calls: Q, K, V, scores per head; context, projection, FFN1.
            EXPECT_EQ(o.shifts.size(), size_t(4 * heads + 3));
            // Every call at most 32 x 32 x 32 into a partial tile the CPU accumulates.
            size_t calls = 0;
            for (size_t i = 0; i < m.program.instrs.size(); ++i) {
                const auto& in = m.program.instrs[i];
                if (in.op != EB_OP_SYS_CALL) continue;
                ++calls;
                EXPECT_LE(in.a[0] & 0xFFFF, 32u);
                EXPECT_LE((in.a[0] >> 16) & 0xFFFF, 32u);
                EXPECT_LE((in.a[0] >> 32) & 0xFFFF, 32u);
                EXPECT_EQ((in.a[0] >> 48) & 1u, 0u) << "no accumulation in the array";
                ASSERT_LT(i + 1, m.program.instrs.size());
                EXPECT_EQ(m.program.instrs[i + 1].sub, uint32_t{EB_H_I32_ACCUMULATE});
            }
            EXPECT_EQ(calls, o.sys_calls);
            EXPECT_GT(std::count(o.kernels.begin(), o.kernels.end(), EB_H_COPY), 0) << "staging copies";
        }
    }
    // The layer input is required.
    compiler::CompileOptions o;
    o.target = compiler::Target::Cpu;
    o.mode = compiler::Mode::Thesis;
    EXPECT_THROW(compiler::compile_model(s.cfg, s.w, s.in, s.soc, o, s.act_max), Error);
}

TEST(ThesisMode, CpuOutputEqualsTheWrappingInt32Flow) {
    const int layers = 2, seq = 40;
    const auto s = make_setup("albert-tiny-test.json", seq, layers);
    const auto m = compile_thesis(s, compiler::Target::Cpu, layers);
    const auto got = run_functional<int32_t>(s, m);

    // The same flow, independently: uint32 arithmetic wraps modulo 2^32.
    using M = Mat<uint32_t>;
    auto to_u = [](const Mat<int32_t>& a) {
        M out(a.rows, a.cols);
        for (size_t i = 0; i < a.v.size(); ++i) out.v[i] = static_cast<uint32_t>(a.v[i]);
        return out;
    };
    auto mm = [](const M& a, const M& b) {
        M c(a.rows, b.cols);
        for (int i = 0; i < a.rows; ++i)
            for (int j = 0; j < b.cols; ++j) {
                uint32_t sum = 0;
                for (int p = 0; p < a.cols; ++p) sum += a.at(i, p) * b.at(p, j);
                c.at(i, j) = sum;
            }
        return c;
    };
    const int H = s.cfg.hidden_size, d = s.cfg.head_dim();
    M x = to_u(input_codes(s));
    for (int l = 0; l < layers; ++l) {
        const auto& L = s.w.layer(s.cfg, l, 0);
        M ctx(seq, H);
        for (int h = 0; h < s.cfg.num_attention_heads; ++h) {
            const M q = mm(x, to_u(weight_kn(L.query.weight, h * d, d)));
            const M k = mm(x, to_u(weight_kn(L.key.weight, h * d, d)));
            const M v = mm(x, to_u(weight_kn(L.value.weight, h * d, d)));
            M kt(d, seq);
            for (int r = 0; r < seq; ++r)
                for (int c = 0; c < d; ++c) kt.at(c, r) = k.at(r, c);
            const M c = mm(mm(q, kt), v);
            for (int r = 0; r < seq; ++r)
                for (int j = 0; j < d; ++j) ctx.at(r, h * d + j) = c.at(r, j);
        }
        const M a = mm(ctx, to_u(weight_kn(L.attn_dense.weight, 0, H)));
        const M f1 = mm(a, to_u(weight_kn(L.ffn.weight, 0, s.cfg.intermediate_size)));
        x = mm(f1, to_u(weight_kn(L.ffn_output.weight, 0, H)));
    }
    ASSERT_EQ(got.size(), x.v.size());
    size_t wrapped = 0;
    for (size_t i = 0; i < got.size(); ++i) {
        int32_t want;
        std::memcpy(&want, &x.v[i], 4);
        ASSERT_EQ(got[i], want) << "element " << i;
        wrapped += want == 0 ? 0 : 1;
    }
    EXPECT_GT(wrapped, got.size() / 2) << "the output should not be all zeros";
}

TEST(ThesisMode, SystolicOutputEqualsInt8CallsWithInt32AccumulationAndTheShifts) {
    // 40 tokens: a full 32-row tile and an 8-row edge tile.
    const int layers = 2, seq = 40;
    const auto s = make_setup("albert-tiny-test.json", seq, layers);
    const auto m = compile_thesis(s, compiler::Target::Systolic, layers);
    const auto got = run_functional<int32_t>(s, m);
    const Ops o = scan(m.program);

    ASSERT_FALSE(o.shifts.empty());
    // The same flow, independently: INT8 calls of at most 32 deep, each call's
    // exact INT32 partial sum added onto C with saturation, the CPU's shifts.
    using M = Mat<int32_t>;
    const int T = s.soc.systolic.size;
    auto gemm = [T](const M& a, const M& b) {
        M c(a.rows, b.cols);
        for (int i = 0; i < a.rows; ++i)
            for (int j = 0; j < b.cols; ++j) {
                int64_t acc = 0;
                for (int k0 = 0; k0 < a.cols; k0 += T) {
                    int64_t part = 0;
                    for (int p = k0; p < std::min(a.cols, k0 + T); ++p) part += int64_t(a.at(i, p)) * b.at(p, j);
                    acc = std::clamp<int64_t>(acc + part, INT32_MIN, INT32_MAX);
                }
                c.at(i, j) = static_cast<int32_t>(acc);
            }
        return c;
    };
    // Each shift is the smallest that brings the intermediate's largest magnitude within 127.
    size_t next_shift = 0;
    auto narrow = [&](const M& a) {
        EXPECT_LT(next_shift, o.shifts.size());
        const int shift = static_cast<int>(o.shifts.at(next_shift++));
        int64_t max_abs = 0;
        for (int32_t v : a.v) max_abs = std::max<int64_t>(max_abs, std::abs(int64_t{v}));
        EXPECT_LE(std::floor(double(max_abs) / std::ldexp(1.0, shift)), 127.0) << "shift " << next_shift - 1;
        if (shift > 0) {
            EXPECT_GT(std::floor(double(max_abs) / std::ldexp(1.0, shift - 1)), 127.0) << "shift " << next_shift - 1;
        }
        M out(a.rows, a.cols);
        for (size_t i = 0; i < a.v.size(); ++i)
            out.v[i] = static_cast<int32_t>(std::clamp(std::floor(double(a.v[i]) / std::ldexp(1.0, shift)), -127.0, 127.0));
        return out;
    };
    const int H = s.cfg.hidden_size, d = s.cfg.head_dim();
    M x = input_codes(s), out(seq, H);
    for (int l = 0; l < layers; ++l) {
        const auto& L = s.w.layer(s.cfg, l, 0);
        M ctx(seq, H);
        for (int h = 0; h < s.cfg.num_attention_heads; ++h) {
            const M q = narrow(gemm(x, weight_kn(L.query.weight, h * d, d)));
            const M k = narrow(gemm(x, weight_kn(L.key.weight, h * d, d)));
            const M v = narrow(gemm(x, weight_kn(L.value.weight, h * d, d)));
            M kt(d, seq);
            for (int r = 0; r < seq; ++r)
                for (int c = 0; c < d; ++c) kt.at(c, r) = k.at(r, c);
            const M c = gemm(narrow(gemm(q, kt)), v);
            for (int r = 0; r < seq; ++r)
                for (int j = 0; j < d; ++j) ctx.at(r, h * d + j) = c.at(r, j);
        }
        const M a = narrow(gemm(narrow(ctx), weight_kn(L.attn_dense.weight, 0, H)));
        const M f2 = gemm(narrow(gemm(a, weight_kn(L.ffn.weight, 0, s.cfg.intermediate_size))),
                          weight_kn(L.ffn_output.weight, 0, H));
        if (l + 1 < layers) x = narrow(f2);
        else out = f2;
    }
    EXPECT_EQ(next_shift, o.shifts.size()) << "every shift of the program used";
    ASSERT_EQ(got.size(), out.v.size());
    for (size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i], out.v[i]) << "element " << i;
    size_t nonzero = 0;
    for (int32_t v : got) nonzero += v != 0;
    EXPECT_GT(nonzero, got.size() / 2) << "the output should not be all zeros";
}

TEST(ThesisMode, TimedRunsAccountAllocationsTransposesAndStaging) {
    const auto s = make_setup("albert-tiny-test.json", 32, 1);
    for (auto t : {compiler::Target::Cpu, compiler::Target::Systolic}) {
        const auto m = compile_thesis(s, t, 1);
        const auto r = sim::run_on_soc(s.soc, m, compiler::target_name(t));
        hw::CategoryCycles sum{};
        uint64_t total = 0;
        for (const auto& [k, cats] : r.accounts)
            for (size_t c = 0; c < cats.size(); ++c) sum[c] += cats[c], total += cats[c];
        EXPECT_EQ(total, r.total_cycles) << compiler::target_name(t);
        auto cat = [&](hw::HostCategory c) { return sum[static_cast<size_t>(c)]; };
        EXPECT_GT(cat(hw::HostCategory::Malloc), 0u) << compiler::target_name(t);
        EXPECT_GT(cat(hw::HostCategory::Transpose), 0u) << compiler::target_name(t);
        EXPECT_GT(cat(hw::HostCategory::CpuCompute), 0u) << compiler::target_name(t);
        if (t == compiler::Target::Systolic) {
            EXPECT_GT(cat(hw::HostCategory::Memset), 0u) << "operand tiles staged through temporary buffers";
            EXPECT_GT(cat(hw::HostCategory::Compute), 0u);
        }
        // The timed SoC computes what the functional platform does.
        sim::FunctionalPlatform fp(s.soc);
        EXPECT_EQ(r.output_bytes, fp.run(m).output_bytes) << compiler::target_name(t);
    }
}
