// Private to edgebert_systolic: the size-dependent half of SystolicRtl. Each
// array size is its own verilated class (Vsystolic_array_<N>, ports N lanes
// wide), so the code that drives the ports is a template instantiated once per
// size (systolic_array_model_size.cpp.in); SystolicRtl picks the instance for
// its size at run time and keeps the size-independent part (trace window,
// gate, size limit) itself. The buffer model is described in systolic_rtl.hpp.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <type_traits>

#include <fmt/format.h>

#include "verilated.h"
#include "verilated_fst_c.h"

#include "hw/systolic/systolic_rtl.hpp"

namespace edgebert::hw::detail {

// The cycles of run() that go into an open FST (fst == nullptr: none).
struct SystolicTraceWindow {
    VerilatedFstC* fst = nullptr;
    uint64_t from = 0, to = 0;             // tile cycles [from, to)
    double period_ps = 1000;
    uint64_t first_traced = UINT64_MAX;    // in / out: the first cycle ever dumped
    uint64_t dumped = 0;                   // out: cycles dumped by this call

    uint64_t time_ps(uint64_t cycle, double frac) const {
        return static_cast<uint64_t>(std::llround((static_cast<double>(cycle) + frac) * period_ps));
    }
};

class SystolicArrayModel {
public:
    virtual ~SystolicArrayModel() = default;
    virtual int size() const = 0;
    // Registers every signal with an FST writer (before it is opened).
    virtual void trace(VerilatedFstC* fst) = 0;
    // One call, shape already validated: fills the buffers, pulses start and
    // clocks until done (throws std::logic_error after `expected` + 64 cycles
    // without done). Returns the cycles, start and done edges included.
    virtual uint64_t run(const SystolicRtl::Call& call, uint64_t first_cycle, uint64_t expected,
                         SystolicTraceWindow& tw) = 0;
    uint64_t edges() const { return edges_; }

protected:
    uint64_t edges_ = 0;
};

// One factory per verilated size (defined in the generated per-size files).
std::unique_ptr<SystolicArrayModel> make_systolic_array_model_8();
std::unique_ptr<SystolicArrayModel> make_systolic_array_model_16();
std::unique_ptr<SystolicArrayModel> make_systolic_array_model_32();
std::unique_ptr<SystolicArrayModel> make_systolic_array_model_64();

template <class Top, int N>
class SystolicArrayModelN final : public SystolicArrayModel {
    static_assert(N >= 8 && N % 4 == 0, "operand ports are whole 32-bit words");
    // The verilated ports must be those of an N x N array (a_col: N bytes, cout_row: N words).
    static_assert(sizeof(std::declval<Top&>().a_col) == N, "Vsystolic_array_<N> was verilated with another N");
    static_assert(sizeof(std::declval<Top&>().cout_row) == 4 * N, "Vsystolic_array_<N> was verilated with another N");

public:
    SystolicArrayModelN() {
        // Allows a trace later; costs nothing until one is open.
        ctx_.traceEverOn(true);
        top_ = std::make_unique<Top>(&ctx_, "systolic_array");
        auto& t = *top_;
        t.clk = 0;
        t.rst_n = 0;
        t.start = 0;
        t.accumulate = 0;
        t.dim_m = t.dim_n = t.dim_k = 1;
        put_bytes(t.a_col, zero_lanes_.data());
        put_bytes(t.b_row, zero_lanes_.data());
        for (int w = 0; w < N; ++w) t.cin_row.at(w) = 0;
        t.eval();
        for (int i = 0; i < 2; ++i) {
            t.clk = 1;
            t.eval();
            ++edges_;
            t.clk = 0;
            t.eval();
        }
        t.rst_n = 1;
        t.eval();
    }
    ~SystolicArrayModelN() override { top_->final(); }

    int size() const override { return N; }
    void trace(VerilatedFstC* fst) override { top_->trace(fst, 99); }

    uint64_t run(const SystolicRtl::Call& call, uint64_t first_cycle, uint64_t expected,
                 SystolicTraceWindow& tw) override {
        auto& t = *top_;
        // Fill the buffers (what the DMA did in hardware); unused lanes are zero.
        for (auto& w : a_words_) w.fill(0);
        for (auto& w : b_words_) w.fill(0);
        for (auto& r : c_rows_) r.fill(0);
        for (int i = 0; i < call.m; ++i)
            for (int k = 0; k < call.k; ++k) a_words_[k][i] = static_cast<uint8_t>(call.a[i * call.lda + k]);
        for (int k = 0; k < call.k; ++k)
            std::memcpy(b_words_[k].data(), call.b + k * call.ldb, static_cast<size_t>(call.n));
        if (call.accumulate)
            for (int i = 0; i < call.m; ++i)
                std::memcpy(c_rows_[i].data(), call.c + i * call.ldc, static_cast<size_t>(call.n) * 4);

        t.dim_m = static_cast<uint8_t>(call.m);
        t.dim_n = static_cast<uint8_t>(call.n);
        t.dim_k = static_cast<uint8_t>(call.k);
        t.accumulate = call.accumulate ? 1 : 0;

        VerilatedFstC* const fst = tw.fst;
        tw.dumped = 0;
        uint64_t cycles = 0;
        for (uint64_t c = 0;; ++c) {
            const uint64_t cyc = first_cycle + c;
            const bool trace = fst && cyc >= tw.from && cyc < tw.to;
            // First half of the cycle: clock low, requests settle.
            t.clk = 0;
            t.start = c == 0 ? 1 : 0;
            t.eval();
            if (trace) {
                if (tw.first_traced == UINT64_MAX) tw.first_traced = cyc;
                fst->dump(tw.time_ps(cyc, 0.0));
            }
            const bool op_rd = t.op_rd_en, cin_rd = t.cin_rd_en, wr = t.cout_wr_en;
            const int op_k = t.op_rd_k, cin_row = t.cin_rd_row, wr_row = t.cout_wr_row;
            if (wr) get_words(t.cout_row, c_rows_[wr_row].data());
            // Rising edge; the buffers answer the reads sampled at it.
            t.clk = 1;
            t.eval();
            ++edges_;
            if (op_rd) {
                put_bytes(t.a_col, a_words_[op_k].data());
                put_bytes(t.b_row, b_words_[op_k].data());
            }
            if (cin_rd) put_words(t.cin_row, c_rows_[cin_row].data());
            if (trace) {
                t.eval();  // settle the new buffer outputs for the waveform only
                fst->dump(tw.time_ps(cyc, 0.5));
                ++tw.dumped;
            }
            if (t.done) {
                cycles = c + 1;
                break;
            }
            if (c > expected + 64)
                throw std::logic_error(fmt::format("systolic RTL (N={}): no done after {} cycles (M={} N={} K={})",
                                                   N, c + 1, call.m, call.n, call.k));
        }
        t.start = 0;
        for (int i = 0; i < call.m; ++i)
            std::memcpy(call.c + i * call.ldc, c_rows_[i].data(), static_cast<size_t>(call.n) * 4);
        return cycles;
    }

private:
    // Little-endian lanes into / out of a port (lane i at bits [w*i + w-1 : w*i]).
    // Verilator gives ports up to 64 bits as an integer, wider ones as words.
    template <typename Port>
    static void put_bytes(Port& port, const uint8_t* lanes) {
        if constexpr (std::is_integral_v<Port>) {
            Port v = 0;
            for (int i = 0; i < N; ++i) v |= static_cast<Port>(lanes[i]) << (8 * i);
            port = v;
        } else {
            for (int w = 0; w < N / 4; ++w)
                port.at(w) = uint32_t{lanes[4 * w]} | uint32_t{lanes[4 * w + 1]} << 8 |
                             uint32_t{lanes[4 * w + 2]} << 16 | uint32_t{lanes[4 * w + 3]} << 24;
        }
    }
    template <typename Wide>
    static void put_words(Wide& port, const int32_t* lanes) {
        for (int w = 0; w < N; ++w) port.at(w) = static_cast<uint32_t>(lanes[w]);
    }
    template <typename Wide>
    static void get_words(const Wide& port, int32_t* lanes) {
        for (int w = 0; w < N; ++w) lanes[w] = static_cast<int32_t>(port.at(w));
    }

    VerilatedContext ctx_;  // outlives top_
    std::unique_ptr<Top> top_;
    std::array<uint8_t, N> zero_lanes_{};
    // The buffers: operand words (A columns, B rows) and C rows.
    std::array<std::array<uint8_t, N>, N> a_words_{};
    std::array<std::array<uint8_t, N>, N> b_words_{};
    std::array<std::array<int32_t, N>, N> c_rows_{};
};

}  // namespace edgebert::hw::detail
