// The compiler and the main job end to end on the tiny test model: accuracy of
// the EdgeBERT result, accounting that sums to the total, determinism,
// independence of results from timing, and clear errors at the tiling limits.
#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <cstring>

#include "common/error.hpp"
#include "compiler/lower/lowering.hpp"
#include "hw/formats/pruning.hpp"
#include "sim/functional/functional_platform.hpp"
#include "sim/run/soc_runner.hpp"

using namespace edgebert;

namespace {

struct Setup {
    model::AlbertConfig cfg;
    model::AlbertWeights w;
    model::ModelInput in;
    hw::SocConfig soc;
    std::map<std::string, float> act_max;
    model::ReferenceResult ref;
};

// `kept` < seq: the last seq - kept tokens are padding (attention_mask 0), and the
// kept tokens' second half is segment B (token type 1).
Setup tiny(int seq, int layers, int kept = 0) {
    Setup s;
    s.cfg = model::load_albert_config(std::string(EDGEBERT_SOURCE_DIR) + "/configs/models/albert-tiny-test.json");
    s.w = model::synthetic_albert_weights(s.cfg, 1);
    s.in = model::synthetic_input(s.cfg, seq, 1);
    if (kept > 0 && kept < seq) {
        s.in.attention_mask.assign(size_t(seq), 0);
        s.in.token_type_ids.assign(size_t(seq), 0);
        for (int i = 0; i < kept; ++i) {
            s.in.attention_mask[size_t(i)] = 1;
            s.in.token_type_ids[size_t(i)] = i >= kept / 2 ? 1 : 0;
        }
        for (int i = kept; i < seq; ++i) s.in.token_ids[size_t(i)] = 0;  // <pad>
    }
    s.soc = hw::load_soc_config(std::string(EDGEBERT_SOURCE_DIR) + "/configs/soc/default.json");
    model::ReferenceOptions o;
    o.layers = layers;
    o.act_max = &s.act_max;
    s.ref = model::run_reference(s.cfg, s.w, s.in, o);
    return s;
}

sim::RunResult run(const Setup& s, compiler::Target t, int layers, compiler::Mode mode = compiler::Mode::Optimized,
                   const hw::SocConfig* soc = nullptr) {
    compiler::CompileOptions o;
    o.target = t;
    o.layers = layers;
    o.mode = mode;
    if (mode == compiler::Mode::Thesis) o.thesis_input = s.ref.embedding_output.data;
    const auto m = compiler::compile_model(s.cfg, s.w, s.in, soc ? *soc : s.soc, o, s.act_max);
    return sim::run_on_soc(soc ? *soc : s.soc, m, compiler::target_name(t));
}

double cosine(const std::vector<float>& a, const std::vector<float>& b) {
    double d = 0, x = 0, y = 0;
    for (size_t i = 0; i < a.size(); ++i) d += double(a[i]) * b[i], x += double(a[i]) * a[i], y += double(b[i]) * b[i];
    return d / std::sqrt(x * y);
}

uint64_t account_sum(const sim::RunResult& r) {
    uint64_t s = 0;
    for (const auto& [k, cats] : r.accounts)
        for (auto c : cats) s += c;
    return s;
}

}  // namespace

TEST(Compiler, EdgebertResultIsCloseToFp32Reference) {
    const auto s = tiny(32, 2);
    const auto r = run(s, compiler::Target::Edgebert, 2);
    const double cos = cosine(r.hidden, s.ref.last_hidden.data);
    std::printf("tiny model, 32 tokens, 2 layers: EdgeBERT hidden-state cosine vs FP32 = %.5f\n", cos);
    EXPECT_GE(cos, 0.99);
    ASSERT_EQ(r.logits.size(), s.ref.logits.size());
    // Systolic (INT8) and CPU (FP32) agree with the reference too; the CPU exactly up to float rounding.
    EXPECT_GE(cosine(run(s, compiler::Target::Systolic, 2).hidden, s.ref.last_hidden.data), 0.99);
    const auto c = run(s, compiler::Target::Cpu, 2);
    EXPECT_GE(cosine(c.hidden, s.ref.last_hidden.data), 0.99999);
}

TEST(Compiler, EveryCycleIsAccountedOnceAndRunsAreDeterministic) {
    const auto s = tiny(32, 1);
    for (auto t : {compiler::Target::Edgebert, compiler::Target::Systolic, compiler::Target::Cpu}) {
        const auto a = run(s, t, 1), b = run(s, t, 1);
        EXPECT_EQ(account_sum(a), a.total_cycles) << compiler::target_name(t);
        EXPECT_EQ(a.total_cycles, b.total_cycles) << compiler::target_name(t);
        EXPECT_EQ(a.hidden, b.hidden) << compiler::target_name(t);
        EXPECT_EQ(a.logits, b.logits) << compiler::target_name(t);
        EXPECT_EQ(a.accounts, b.accounts) << compiler::target_name(t);
        // cpu_compute split by kind: the kinds add up to the category.
        uint64_t cpu = 0, kinds = 0;
        for (const auto& [k, cats] : a.accounts) cpu += cats[static_cast<size_t>(hw::HostCategory::CpuCompute)];
        for (auto v : a.cpu_kinds) kinds += v;
        EXPECT_EQ(kinds, cpu) << compiler::target_name(t);
        EXPECT_EQ(a.cpu_kinds, b.cpu_kinds) << compiler::target_name(t);
        if (t == compiler::Target::Edgebert)  // the activation's code map rides on the FFN input's splice
            EXPECT_GT(a.cpu_kinds[EB_KIND_SPLICE], 0u) << "edgebert: splices of tile-format activations";
        else
            EXPECT_GT(a.cpu_kinds[EB_KIND_GELU], 0u) << compiler::target_name(t) << ": GELU runs on the CPU";
        if (t == compiler::Target::Cpu) {
            EXPECT_GT(a.cpu_kinds[3], 0u) << "softmax";
            EXPECT_GT(a.cpu_kinds[5], a.cpu_kinds[1]) << "the CPU target's time is in its matmuls";
        } else {
            EXPECT_GT(a.cpu_kinds[0], 0u) << compiler::target_name(t) << ": conversions";
        }
    }
}

TEST(Compiler, ResultsDoNotDependOnTiming) {
    const auto s = tiny(32, 1);
    hw::SocConfig slow = s.soc;
    slow.dram.t_rcd = slow.dram.t_cas = slow.dram.t_rp = 60;
    slow.noc.router_latency_cycles = 9;
    for (auto t : {compiler::Target::Edgebert, compiler::Target::Systolic}) {
        const auto a = run(s, t, 1), b = run(s, t, 1, compiler::Mode::Optimized, &slow);
        EXPECT_EQ(a.hidden, b.hidden) << compiler::target_name(t);
        EXPECT_GT(b.total_cycles, a.total_cycles) << compiler::target_name(t);
    }
}

TEST(Compiler, ThesisModeStagesOperandsAndAccountsEveryCycle) {
    const auto s = tiny(32, 1);
    auto category = [](const sim::RunResult& r, hw::HostCategory c) {
        uint64_t v = 0;
        for (const auto& [k, cats] : r.accounts) v += cats[static_cast<size_t>(c)];
        return v;
    };
    for (auto t : {compiler::Target::Edgebert, compiler::Target::Systolic}) {
        const auto th = run(s, t, 1, compiler::Mode::Thesis), again = run(s, t, 1, compiler::Mode::Thesis);
        EXPECT_GT(category(th, hw::HostCategory::Memset), 0u) << "operands staged through temporary buffers";
        EXPECT_GT(category(th, hw::HostCategory::Malloc), 0u) << "temporary buffers allocated";
        EXPECT_EQ(account_sum(th), th.total_cycles) << compiler::target_name(t) << ": categories sum to the total";
        EXPECT_EQ(th.total_cycles, again.total_cycles) << compiler::target_name(t) << ": deterministic";
        EXPECT_EQ(th.output_bytes, again.output_bytes) << compiler::target_name(t);
        EXPECT_EQ(th.accounts, again.accounts) << compiler::target_name(t);
    }
    // EdgeBERT: the tile's DMA reads, computes and writes-out are waited for by polling the PLIC.
    const auto eb = run(s, compiler::Target::Edgebert, 1, compiler::Mode::Thesis);
    for (auto c : {hw::HostCategory::Read, hw::HostCategory::Write, hw::HostCategory::Compute,
                   hw::HostCategory::Register, hw::HostCategory::Transpose})
        EXPECT_GT(category(eb, c), 0u) << static_cast<int>(c);
}

TEST(Compiler, ShapesBeyondTheTileLimitsAreRefusedNamingTheLimit) {
    auto s = tiny(24, 1);  // 24 tokens: not a multiple of the 16 lanes
    compiler::CompileOptions o;
    try {
        compiler::compile_model(s.cfg, s.w, s.in, s.soc, o, s.act_max);
        FAIL();
    } catch (const ShapeError& e) {
        EXPECT_NE(std::string(e.what()).find("multiple of 16"), std::string::npos) << e.what();
    }
    // An FFN wider than the M field (4080) cannot be lowered as one contraction.
    auto wide = tiny(32, 1);
    wide.cfg.intermediate_size = 4096;
    wide.w = model::synthetic_albert_weights(wide.cfg, 1);
    try {
        compiler::compile_model(wide.cfg, wide.w, wide.in, wide.soc, o, wide.act_max);
        FAIL();
    } catch (const ShapeError& e) {
        EXPECT_NE(std::string(e.what()).find("ffn_output"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("4080"), std::string::npos) << e.what();
    }
    // The CPU target has no such limits.
    o.target = compiler::Target::Cpu;
    EXPECT_NO_THROW(compiler::compile_model(s.cfg, s.w, s.in, s.soc, o, s.act_max));
}

TEST(Compiler, ProgramFileRoundTripsAndListsRegions) {
    const auto s = tiny(32, 1);
    compiler::CompileOptions o;
    const auto m = compiler::compile_model(s.cfg, s.w, s.in, s.soc, o, s.act_max);
    const auto bytes = m.program.serialize();
    const auto back = compiler::Program::parse(bytes, "prog.bin");
    EXPECT_EQ(back.instrs.size(), m.program.instrs.size());
    EXPECT_EQ(back.serialize(), bytes);
    const std::string listing = m.program.listing();
    EXPECT_NE(listing.find("--- layer 0 attention q_proj"), std::string::npos);
    EXPECT_NE(listing.find("eb.matmul"), std::string::npos);
    EXPECT_NE(listing.find("prefetch x band"), std::string::npos);  // DMA overlapped with compute
    EXPECT_NE(listing.find("af_gather"), std::string::npos);        // chunks spliced in the code domain
    auto corrupt = bytes;
    corrupt[0] ^= 1;
    EXPECT_THROW(compiler::Program::parse(corrupt, "prog.bin"), FileFormatError);
    corrupt = bytes;
    corrupt.pop_back();
    EXPECT_THROW(compiler::Program::parse(corrupt, "prog.bin"), FileFormatError);
    // An unknown target (found by fuzz/fuzz_program) is refused, not loaded into the enum.
    corrupt = bytes;
    const uint32_t bad_target = 196;
    std::memcpy(corrupt.data() + offsetof(eb_program_header, target), &bad_target, sizeof bad_target);
    try {
        compiler::Program::parse(corrupt, "prog.bin");
        ADD_FAILURE() << "an unknown target was accepted";
    } catch (const FileFormatError& e) {
        EXPECT_NE(std::string(e.what()).find("target 196 unknown"), std::string::npos) << e.what();
    }
    // A program of a header alone (no tensors, instructions or strings) reads as empty
    // (fuzz/fuzz_program: no memcpy from a null vector; UBSan in the sanitizer build).
    compiler::Program empty;
    const auto header_only = empty.serialize();
    ASSERT_EQ(header_only.size(), sizeof(eb_program_header));
    const auto e = compiler::Program::parse(header_only, "empty.bin");
    EXPECT_TRUE(e.tensors.empty());
    EXPECT_TRUE(e.instrs.empty());
    EXPECT_EQ(e.serialize(), header_only);
}

TEST(Compiler, EveryTargetEqualsTheFunctionalModelOfTheSameProgram) {
    // The same program on the timed SoC and on the tiles' functional models:
    // bit-identical hidden states, logits and entropies.
    const auto s = tiny(32, 2);
    for (auto t : {compiler::Target::Edgebert, compiler::Target::Systolic, compiler::Target::Cpu}) {
        for (auto mode : {compiler::Mode::Optimized, compiler::Mode::Thesis}) {
            compiler::CompileOptions o;
            o.target = t;
            o.layers = 2;
            o.mode = mode;
            // Thesis mode replays the published flow: no off-ramps, the layer input given.
            o.offramps = mode == compiler::Mode::Optimized;
            if (mode == compiler::Mode::Thesis) o.thesis_input = s.ref.embedding_output.data;
            const auto m = compiler::compile_model(s.cfg, s.w, s.in, s.soc, o, s.act_max);
            const auto timed = sim::run_on_soc(s.soc, m, compiler::target_name(t));
            sim::FunctionalPlatform fp(s.soc);
            const auto fn = fp.run(m);
            EXPECT_EQ(timed.output_bytes, fn.output_bytes) << compiler::target_name(t) << " " << compiler::mode_name(mode);
            EXPECT_FALSE(timed.output_bytes.empty());
            EXPECT_EQ(timed.hidden, fn.hidden) << compiler::target_name(t) << " " << compiler::mode_name(mode);
            EXPECT_EQ(timed.logits, fn.logits) << compiler::target_name(t);
            EXPECT_EQ(timed.entropies, fn.entropies) << compiler::target_name(t);
            if (t == compiler::Target::Edgebert) {
                EXPECT_EQ(timed.edgebert_commands, fn.edgebert_commands);
            }
            if (t == compiler::Target::Systolic) {
                EXPECT_EQ(timed.systolic_calls, fn.systolic_calls);
            }
        }
    }
    // Padding (the attention mask's additive row in every softmax) and token types
    // (a type row per token in the embedding), on the targets that take them.
    const auto p = tiny(32, 2, 22);
    for (auto t : {compiler::Target::Systolic, compiler::Target::Cpu}) {
        compiler::CompileOptions o;
        o.target = t;
        o.layers = 2;
        o.offramps = true;
        const auto m = compiler::compile_model(p.cfg, p.w, p.in, p.soc, o, p.act_max);
        const auto timed = sim::run_on_soc(p.soc, m, compiler::target_name(t));
        sim::FunctionalPlatform fp(p.soc);
        const auto fn = fp.run(m);
        EXPECT_EQ(timed.output_bytes, fn.output_bytes) << compiler::target_name(t) << " padded";
        EXPECT_EQ(timed.hidden, fn.hidden) << compiler::target_name(t) << " padded";
        EXPECT_EQ(timed.logits, fn.logits) << compiler::target_name(t) << " padded";
        EXPECT_EQ(timed.entropies, fn.entropies) << compiler::target_name(t) << " padded";
        EXPECT_GE(cosine(timed.hidden, p.ref.last_hidden.data), t == compiler::Target::Cpu ? 0.99999 : 0.99)
            << compiler::target_name(t) << " padded";
    }
}

TEST(Compiler, EarlyExitThroughTheTilesEntropyUnit) {
    // Off-ramps after every layer; the tile's entropy unit judges each one and
    // the program stops at the first layer whose entropy is below E_T.
    const auto s = tiny(32, 2);
    for (double et : {0.9, 0.01}) {
        compiler::CompileOptions o;
        o.layers = 2;
        o.offramps = true;
        o.exit_threshold = et;
        const auto m = compiler::compile_model(s.cfg, s.w, s.in, s.soc, o, s.act_max);
        ASSERT_GE(m.exit_slot, 0);
        const auto timed = sim::run_on_soc(s.soc, m, "edgebert");
        sim::FunctionalPlatform fp(s.soc);
        const auto fn = fp.run(m);
        EXPECT_EQ(timed.entropies, fn.entropies);
        const int exit_layer = static_cast<int>(timed.entropies[size_t(m.exit_slot)]);
        if (et > 0.7) {
            // Synthetic weights give near-uniform two-class logits: H ~ ln 2 < 0.9.
            EXPECT_EQ(exit_layer, 1);
            EXPECT_NEAR(timed.entropies[size_t(m.exit_slot) + 1], timed.entropies[1], 0.02)
                << "the entropy unit's H against the CPU's off-ramp entropy";
        } else {
            EXPECT_EQ(exit_layer, 0);  // no exit: every layer ran
        }
    }
}
