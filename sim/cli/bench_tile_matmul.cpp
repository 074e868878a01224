// `edgebert-sim bench tile-matmul`: W (768 x 768) x X^T (768 x 128) through the
// tile's registers against a plain memory model, the way a driver would run it:
// X is split into two 64-row halves that stay in decoder 1; W streams through
// decoder 0 in 32-row chunks, double-buffered, so the DMA of the next chunk and
// of the previous result overlap the current matmul.
#include <fmt/format.h>

#include <chrono>
#include <iostream>

#include "common/error.hpp"
#include "common/rng.hpp"
#include "hw/edgebert/functional/matmul.hpp"
#include "hw/edgebert/register_map.hpp"
#include "hw/edgebert/testbench/tile_testbench.hpp"
#include "hw/formats/bitmask.hpp"
#include "sim/cli/bench.hpp"

namespace edgebert::cli {

using namespace hw;
using namespace hw::regs;

namespace {

std::vector<uint8_t> random_codes(Rng& rng, size_t n, double sparsity) {
    std::vector<uint8_t> c(n);
    for (auto& x : c) {
        x = rng.uniform() < sparsity ? 0 : static_cast<uint8_t>(rng.uniform_int(1, 255));
        if ((x & 0x7F) == 0) x = 0;
    }
    return c;
}

}  // namespace

boost::json::object bench_tile_matmul(const EdgebertTileConfig& cfg, double sparsity, const std::string& waves_dir) {
    constexpr int kN0 = 768, kM = 768, kN1 = 128, kChunk = 32, kHalf = 64, L = 16;
    constexpr uint64_t kDram = 0x80000000ull;
    Rng rng(2021);
    const auto w = random_codes(rng, size_t{kN0} * kM, sparsity);
    const auto x = random_codes(rng, size_t{kN1} * kM, 0.0);
    fn::MatmulParams p;
    p.n0 = kChunk, p.n1 = kHalf, p.m = kM;
    p.a_bias = -8, p.b_bias = -8, p.out_bias = -4;

    TileTestbench tb("bench", cfg);
    if (!waves_dir.empty()) tb.open_vcd(waves_dir + "/tile-matmul");
    std::vector<uint8_t> result(size_t{kN0} * kN1, 0);
    uint64_t cycles = 0;
    const auto t0 = std::chrono::steady_clock::now();
    tb.run([&] {
        // Upload: W chunks and X halves, bitmask-encoded, into DRAM.
        std::vector<DramOperand> wops, xops;
        uint64_t addr = kDram;
        for (int c = 0; c < kN0 / kChunk; ++c) {
            std::vector<uint8_t> chunk(w.begin() + static_cast<size_t>(c) * kChunk * kM, w.begin() + static_cast<size_t>(c + 1) * kChunk * kM);
            wops.push_back(tb.put_operand(addr, chunk));
            addr += 0x20000;
        }
        for (int h = 0; h < kN1 / kHalf; ++h) {
            std::vector<uint8_t> half(x.begin() + static_cast<size_t>(h) * kHalf * kM, x.begin() + static_cast<size_t>(h + 1) * kHalf * kM);
            xops.push_back(tb.put_operand(addr, half));
            addr += 0x20000;
        }
        const uint64_t out_addr = addr;
        const int a_vec = kChunk * kM / L, c_vec = kChunk * kHalf / L;
        const int out_row0 = 2 * a_vec;  // decoder 0: two A buffers, then two result buffers
        auto set = [&](uint32_t off, int lsb, int width, uint32_t v) {
            const uint32_t cur = tb.tile.control.peek(off);
            const uint32_t mask = ((1u << width) - 1u) << lsb;
            tb.write_reg(off, (cur & ~mask) | ((v << lsb) & mask));
        };
        auto dma = [&](uint32_t cmd, int dec, int mask_base, int input_base, uint32_t addr_reg, uint64_t a, int len) {
            tb.write_reg(kUseAxi, 1);
            tb.write_reg(kFlipMem, static_cast<uint32_t>(dec));
            set(kBaseMask, dec ? 16 : 0, 12, static_cast<uint32_t>(mask_base));
            set(kBaseInput, dec ? 16 : 0, 12, static_cast<uint32_t>(input_base));
            // Write-outs read from the output bases (the running matmul took its own at its command).
            if (cmd == kCmdMaskWrite) set(kBaseOutput, 16, 12, static_cast<uint32_t>(mask_base));
            if (cmd == kCmdInputWrite) set(kBaseOutput, 0, 12, static_cast<uint32_t>(input_base));
            tb.write_reg(addr_reg, static_cast<uint32_t>(a));
            tb.write_reg(kDmaLength, static_cast<uint32_t>(len - 1));
            tb.start(cmd);
            if (tb.wait_done(true) & ctrl::kErrorBit) throw Error("bench: DMA failed");
        };
        auto load_w = [&](int c, int buf) {
            dma(kCmdMaskRead, 0, buf * a_vec, buf * a_vec, kMaskRdAddr, wops[c].mask_addr, wops[c].vectors);
            if (wops[c].input_rows)
                dma(kCmdInputRead, 0, buf * a_vec, buf * a_vec, kInputRdAddr, wops[c].input_addr, wops[c].input_rows);
        };
        auto store_c = [&](int idx, int buf) {
            const int row = out_row0 + buf * c_vec;
            const uint64_t a = out_addr + static_cast<uint64_t>(idx) * 0x2000;
            dma(kCmdMaskWrite, 0, row, row, kMaskWrAddr, a, c_vec);
            dma(kCmdInputWrite, 0, row, row, kInputWrAddr, a + 0x400, c_vec);
        };
        const int chunks = kN0 / kChunk;
        for (int h = 0; h < kN1 / kHalf; ++h) {
            dma(kCmdMaskRead, 1, 0, 0, kMaskRdAddr, xops[h].mask_addr, xops[h].vectors);
            dma(kCmdInputRead, 1, 0, 0, kInputRdAddr, xops[h].input_addr, xops[h].input_rows);
            load_w(0, 0);
            for (int c = 0; c < chunks; ++c) {
                const int buf = c % 2;
                tb.write_reg(kUseAxi, 0);
                tb.write_reg(kUseGb, 0);
                tb.write_reg(kFlipMem, 0);
                tb.write_reg(kMatmulDims, field_bits(kChunk, 0, 10) | field_bits(kHalf, 10, 10) | field_bits(kM, 20, 12));
                tb.write_reg(kMatmulConfig, field_bits(static_cast<uint32_t>(p.out_bias + 10), 16, 3));
                tb.write_reg(kSfuShape, field_bits(static_cast<uint32_t>(p.a_bias + 10), 16, 3) |
                                            field_bits(static_cast<uint32_t>(p.b_bias + 10), 20, 3));
                tb.write_reg(kBaseInput, field_bits(buf * a_vec, 0, 12));
                tb.write_reg(kBaseMask, field_bits(buf * a_vec, 0, 12));
                const int row = out_row0 + buf * c_vec;
                tb.write_reg(kBaseOutput, field_bits(row, 0, 12) | field_bits(row, 16, 12));
                tb.start(kCmdMatmul);
                // Under the matmul: fetch the next W chunk, store the previous result.
                if (c + 1 < chunks) load_w(c + 1, 1 - buf);
                if (c > 0) store_c(h * chunks + c - 1, 1 - buf);
                if (tb.wait_done(false) & ctrl::kErrorBit) throw Error("bench: matmul failed");
            }
            store_c(h * chunks + chunks - 1, (chunks - 1) % 2);
        }
        cycles = tb.tile.cycles_now();
        // Read back every result block (outside the timed simulation).
        for (int h = 0; h < kN1 / kHalf; ++h)
            for (int c = 0; c < chunks; ++c) {
                const uint64_t a = out_addr + static_cast<uint64_t>(h * chunks + c) * 0x2000;
                std::vector<uint8_t> mask(static_cast<size_t>(c_vec) * 2), in(static_cast<size_t>(c_vec) * L);
                tb.mem.read(a, mask.data(), mask.size());
                tb.mem.read(a + 0x400, in.data(), in.size());
                const auto codes = num::bitmask_decode(num::bitmask_from_dram(mask.data(), mask.size(), in.data(),
                                                                              in.size(), c_vec, L));
                for (int i = 0; i < kChunk; ++i)
                    for (int j = 0; j < kHalf; ++j)
                        result[size_t(c * kChunk + i) * kN1 + h * kHalf + j] = codes[size_t(i) * kHalf + j];
            }
    });
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    tb.close_vcd();

    fn::MatmulParams full = p;
    full.n0 = kN0, full.n1 = kN1;
    const bool verified = fn::matmul(cfg, w.data(), x.data(), full) == result;
    const double macs = double(kN0) * kN1 * kM;
    boost::json::object j;
    j["benchmark"] = "tile-matmul";
    j["shape"] = "768x768 by 768x128";
    j["weight_sparsity"] = sparsity;
    j["wall_s"] = wall;
    j["cycles"] = cycles;
    j["macs"] = macs;
    j["simulated_cycles_per_s"] = cycles / wall;
    j["mac_utilization"] = macs / 256.0 / static_cast<double>(cycles);
    j["pu_cycles"] = tb.tile.pu.total_cycles();
    j["dma_bytes"] = tb.tile.dma_mask.total_bytes() + tb.tile.dma_input.total_bytes();
    j["commands"] = tb.tile.control.log().size();
    j["verified_against_functional_model"] = verified;
    std::cout << fmt::format(
        "bench tile-matmul: {} cycles ({:.1f} % of 256 MAC/cycle peak), {} commands, wall {:.3f} s, "
        "{:.2f} M simulated cycles/s, result {}\n",
        cycles, 100.0 * macs / 256.0 / cycles, tb.tile.control.log().size(), wall, cycles / wall / 1e6,
        verified ? "matches the functional model" : "DIFFERS from the functional model");
    if (!verified) throw Error("bench tile-matmul: result differs from the functional model");
    return j;
}

}  // namespace edgebert::cli
