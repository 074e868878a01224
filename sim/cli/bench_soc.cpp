// `edgebert-sim bench soc`: the native host, through the C runtime and the
// NoC, runs 100 systolic calls of 32 x 32 x 32 and one EdgeBERT
// W (768 x 768) . X^T (768 x 128) matmul, all data in DRAM; results are
// checked against the functional models after the timed run.
#include <fmt/format.h>

#include <chrono>
#include <iostream>

#include "common/error.hpp"
#include "common/rng.hpp"
#include "eb_edgebert.h"
#include "eb_hal.h"
#include "eb_systolic.h"
#include "hw/edgebert/functional/matmul.hpp"
#include "hw/formats/bitmask.hpp"
#include "hw/soc/native_hal.hpp"
#include "hw/soc/soc.hpp"
#include "hw/systolic/functional/systolic_gemm.hpp"
#include "sim/cli/bench.hpp"

namespace edgebert::cli {

using namespace hw;

namespace {

std::vector<uint8_t> random_af(Rng& rng, size_t n) {
    std::vector<uint8_t> c(n);
    for (auto& x : c) {
        x = static_cast<uint8_t>(rng.uniform_int(1, 255));
        if ((x & 0x7F) == 0) x = 0;
    }
    return c;
}

struct Uploaded {
    uint64_t mask, input;
    uint32_t vectors, rows;
};

Uploaded upload(uint64_t addr, const uint8_t* codes, size_t n, int lanes) {
    const auto enc = num::bitmask_encode(codes, n / lanes, lanes, 0x7F);
    const auto img = num::bitmask_to_dram(enc);
    Uploaded u{addr, (addr + img.mask_bytes.size() + 63) & ~uint64_t{63}, static_cast<uint32_t>(enc.num_vectors),
               static_cast<uint32_t>(enc.depth())};
    eb_hal_copy_to_dev(u.mask, img.mask_bytes.data(), img.mask_bytes.size());
    eb_hal_copy_to_dev(u.input, img.input_bytes.data(), img.input_bytes.size());
    return u;
}

void check(int rc, const char* what) {
    if (rc != 0) throw Error(fmt::format("bench soc: {} failed with tile error cause {}", what, rc));
}

}  // namespace

boost::json::object bench_soc(const SocConfig& cfg) {
    constexpr int kN0 = 768, kM = 768, kN1 = 128, kChunk = 32, kHalf = 64, kCalls = 100, S = 32;
    if (cfg.systolic.size < S)
        throw ConfigError(fmt::format("bench soc: its systolic calls are {0} x {0} x {0}; 'systolic.size' = {1} "
                                      "cannot hold them (give 32 or 64)",
                                      S, cfg.systolic.size));
    const int L = cfg.edgebert.lanes;
    Rng rng(4);
    const auto w = random_af(rng, size_t{kN0} * kM), x = random_af(rng, size_t{kN1} * kM);
    std::vector<int8_t> sa(kCalls * S * S), sb(kCalls * S * S);
    for (auto& v : sa) v = static_cast<int8_t>(rng.uniform_int(-128, 127));
    for (auto& v : sb) v = static_cast<int8_t>(rng.uniform_int(-128, 127));

    Soc soc("soc", cfg);
    const eb_platform p = platform_of(cfg);
    std::vector<uint8_t> eb_out(size_t{kN0} * kN1);
    std::vector<int32_t> sys_out(size_t{kCalls} * S * S);
    uint64_t upload_end = 0, sys_start = 0, sys_end = 0, eb_start = 0, eb_end = 0;
    const auto t0 = std::chrono::steady_clock::now();
    soc.run([&](NativeHost& host) {
        NativeHalScope hal(host);
        eb_tile_init(&p);
        eb_systolic_init(&p);
        // Inputs into DRAM (not part of the measured kernels).
        const uint64_t sys_base = p.dram_base + 0x1000000;
        eb_hal_copy_to_dev(sys_base, sa.data(), sa.size());
        eb_hal_copy_to_dev(sys_base + 0x100000, sb.data(), sb.size());
        std::vector<Uploaded> wc, xh;
        uint64_t addr = p.dram_base;
        for (int c = 0; c < kN0 / kChunk; ++c, addr += 0x20000)
            wc.push_back(upload(addr, &w[size_t(c) * kChunk * kM], size_t{kChunk} * kM, L));
        for (int h = 0; h < kN1 / kHalf; ++h, addr += 0x20000)
            xh.push_back(upload(addr, &x[size_t(h) * kHalf * kM], size_t{kHalf} * kM, L));
        const uint64_t out_addr = addr;
        upload_end = host.cycles();

        // 100 systolic calls.
        sys_start = host.cycles();
        for (int i = 0; i < kCalls; ++i) {
            const uint64_t a = sys_base + uint64_t(i) * S * S, b = sys_base + 0x100000 + uint64_t(i) * S * S;
            const uint64_t c = sys_base + 0x200000 + uint64_t(i) * S * S * 4;
            eb_systolic_call call{S, S, S, a, b, c, S, S, S, 0};
            check(eb_systolic_run(&p, &call), "systolic call");
        }
        sys_end = host.cycles();

        // EdgeBERT: X halves resident in decoder 1, W chunks double-buffered in decoder 0.
        eb_start = host.cycles();
        const uint32_t a_vec = kChunk * kM / L, c_vec = kChunk * kHalf / L, out_row0 = 2 * a_vec;
        const int chunks = kN0 / kChunk;
        auto load_w = [&](int c, uint32_t buf) {
            check(eb_dma(&p, EB_SRAM_MASK, 1, 0, buf * a_vec, wc[c].mask, wc[c].vectors), "W mask DMA");
            check(eb_dma(&p, EB_SRAM_INPUT, 1, 0, buf * a_vec, wc[c].input, wc[c].rows), "W input DMA");
        };
        auto store = [&](int idx, uint32_t buf) {
            const uint32_t row = out_row0 + buf * c_vec;
            const uint64_t o = out_addr + uint64_t(idx) * 0x2000;
            check(eb_dma(&p, EB_SRAM_MASK, 0, 0, row, o, c_vec), "C mask DMA");
            check(eb_dma(&p, EB_SRAM_INPUT, 0, 0, row, o + 0x400, c_vec), "C input DMA");
        };
        for (int h = 0; h < kN1 / kHalf; ++h) {
            check(eb_dma(&p, EB_SRAM_MASK, 1, 1, 0, xh[h].mask, xh[h].vectors), "X mask DMA");
            check(eb_dma(&p, EB_SRAM_INPUT, 1, 1, 0, xh[h].input, xh[h].rows), "X input DMA");
            load_w(0, 0);
            for (int c = 0; c < chunks; ++c) {
                const uint32_t buf = c % 2;
                eb_matmul_desc d{};
                d.n0 = kChunk, d.n1 = kHalf, d.m = kM;
                d.a_mask = d.a_input = buf * a_vec;
                d.out_dec = 0, d.out_mask = d.out_input = out_row0 + buf * c_vec;
                d.a_bias = 2, d.b_bias = 2, d.out_bias = 6;  // exp_bias -8, -8, -4
                eb_matmul_start(&p, &d);
                if (c + 1 < chunks) load_w(c + 1, 1 - buf);
                if (c > 0) store(h * chunks + c - 1, 1 - buf);
                check(eb_wait(&p, 0), "matmul");
            }
            store(h * chunks + chunks - 1, (chunks - 1) % 2);
        }
        eb_end = host.cycles();

        // Results back (outside the measured windows).
        for (int h = 0; h < kN1 / kHalf; ++h)
            for (int c = 0; c < chunks; ++c) {
                const uint64_t o = out_addr + uint64_t(h * chunks + c) * 0x2000;
                std::vector<uint8_t> mask(c_vec * 2), in(size_t(c_vec) * L);
                eb_hal_copy_from_dev(mask.data(), o, mask.size());
                eb_hal_copy_from_dev(in.data(), o + 0x400, in.size());
                const auto codes = num::bitmask_decode(
                    num::bitmask_from_dram(mask.data(), mask.size(), in.data(), in.size(), c_vec, L));
                for (int i = 0; i < kChunk; ++i)
                    for (int j = 0; j < kHalf; ++j)
                        eb_out[size_t(c * kChunk + i) * kN1 + h * kHalf + j] = codes[size_t(i) * kHalf + j];
            }
        eb_hal_copy_from_dev(sys_out.data(), sys_base + 0x200000, sys_out.size() * 4);
    });
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    fn::MatmulParams mp;
    mp.n0 = kN0, mp.n1 = kN1, mp.m = kM, mp.a_bias = -8, mp.b_bias = -8, mp.out_bias = -4;
    bool ok = fn::matmul(cfg.edgebert, w.data(), x.data(), mp) == eb_out;
    for (int i = 0; i < kCalls && ok; ++i) {
        std::vector<int32_t> c(S * S, 0);
        fn::systolic_gemm(S, S, S, &sa[size_t(i) * S * S], S, &sb[size_t(i) * S * S], S, c.data(), S, false);
        ok = std::equal(c.begin(), c.end(), sys_out.begin() + size_t(i) * S * S);
    }
    const uint64_t cycles = (sys_end - sys_start) + (eb_end - eb_start);
    const double sim_wall = wall;  // includes uploads and read-back through the NoC
    boost::json::object j;
    j["benchmark"] = "soc";
    j["soc"] = cfg.name;
    j["wall_s"] = sim_wall;
    j["cycles"] = cycles;
    j["total_simulated_cycles"] = soc.host.cycles();
    j["simulated_cycles_per_s"] = static_cast<double>(soc.host.cycles()) / sim_wall;
    j["systolic_calls"] = kCalls;
    j["systolic_cycles"] = sys_end - sys_start;
    j["systolic_cycles_per_call"] = static_cast<double>(sys_end - sys_start) / kCalls;
    j["edgebert_matmul_cycles"] = eb_end - eb_start;
    j["edgebert_mac_utilization"] = double(kN0) * kN1 * kM / 256.0 / static_cast<double>(eb_end - eb_start);
    j["upload_cycles"] = upload_end;
    j["noc"] = soc.noc.stats_json();
    j["dram"] = soc.dram.stats_json();
    j["verified_against_functional_models"] = ok;
    std::cout << fmt::format(
        "bench soc: 100 systolic 32x32x32 calls {} cycles ({:.0f}/call), EdgeBERT 768x768x128 {} cycles "
        "({:.1f} % MAC utilisation); {} simulated cycles in {:.3f} s wall = {:.2f} M cycles/s; results {}\n",
        sys_end - sys_start, double(sys_end - sys_start) / kCalls, eb_end - eb_start,
        100.0 * double(kN0) * kN1 * kM / 256.0 / double(eb_end - eb_start), soc.host.cycles(), sim_wall,
        soc.host.cycles() / sim_wall / 1e6, ok ? "match the functional models" : "DIFFER from the functional models");
    if (!ok) throw Error("bench soc: results differ from the functional models");
    return j;
}

}  // namespace edgebert::cli
