#include "hw/systolic/systolic_rtl.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <cstring>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include <fmt/format.h>

#include "Vsystolic_array.h"
#include "verilated.h"
#include "verilated_fst_c.h"
#include "gtkwave/fstapi.h"

#include "hw/systolic/functional/systolic_gemm.hpp"
#include "hw/systolic/systolic_config.hpp"

namespace edgebert::hw {

namespace {
constexpr int N = kSystolicRtlSize;

// The verilated ports must be those of an N x N array.
template <typename T>
constexpr size_t port_bytes() {
    return sizeof(std::remove_reference_t<T>);
}
static_assert(port_bytes<decltype(std::declval<Vsystolic_array&>().a_col)>() == N,
              "rtl/systolic_array.sv was verilated with N != kSystolicRtlSize");
static_assert(port_bytes<decltype(std::declval<Vsystolic_array&>().cout_row)>() == N * 4,
              "rtl/systolic_array.sv was verilated with N != kSystolicRtlSize");

// Little-endian lanes into / out of a wide port (lane i at bits [w*i + w-1 : w*i]).
template <typename Wide>
void put_bytes(Wide& port, const uint8_t* lanes) {
    for (int w = 0; w < N / 4; ++w)
        port.at(w) = uint32_t{lanes[4 * w]} | uint32_t{lanes[4 * w + 1]} << 8 | uint32_t{lanes[4 * w + 2]} << 16 |
                     uint32_t{lanes[4 * w + 3]} << 24;
}
template <typename Wide>
void put_words(Wide& port, const int32_t* lanes) {
    for (int w = 0; w < N; ++w) port.at(w) = static_cast<uint32_t>(lanes[w]);
}
template <typename Wide>
void get_words(const Wide& port, int32_t* lanes) {
    for (int w = 0; w < N; ++w) lanes[w] = static_cast<int32_t>(port.at(w));
}
}  // namespace

struct SystolicRtl::Impl {
    std::unique_ptr<VerilatedContext> ctx;
    std::unique_ptr<Vsystolic_array> top;
    std::unique_ptr<VerilatedFstC> fst;
    uint64_t from = 0, to = 0;
    double period_ps = 1000;
    std::string path;
    std::function<bool()> gate;
    uint64_t limit = 0;                 // bytes, 0: none
    uint64_t cut = UINT64_MAX;          // first cycle left out by the limit
    uint64_t traced = 0;                // cycles dumped
    uint64_t first_traced = UINT64_MAX;  // the first of them
    uint64_t unchecked = 0;             // cycles dumped since the last size check
    uint64_t next_check = 64;           // ... when the next check is due
    uint64_t last_size = 0;             // the file at the last check
    uint64_t last_interval = 0;         // traced cycles between the last two checks
    // The buffers: operand words (A columns, B rows) and C rows.
    std::array<std::array<uint8_t, N>, N> a_words{};
    std::array<std::array<uint8_t, N>, N> b_words{};
    std::array<std::array<int32_t, N>, N> c_rows{};

    uint64_t time_ps(uint64_t cycle, double frac) const {
        return static_cast<uint64_t>(std::llround((static_cast<double>(cycle) + frac) * period_ps));
    }
};

SystolicRtl::SystolicRtl() : impl_(std::make_unique<Impl>()) {
    auto& I = *impl_;
    I.ctx = std::make_unique<VerilatedContext>();
    // Allows open_fst() later; costs nothing until a trace is open.
    I.ctx->traceEverOn(true);
    I.top = std::make_unique<Vsystolic_array>(I.ctx.get(), "systolic_array");
    auto& t = *I.top;
    t.clk = 0;
    t.rst_n = 0;
    t.start = 0;
    t.accumulate = 0;
    t.dim_m = t.dim_n = t.dim_k = 1;
    for (int w = 0; w < N / 4; ++w) t.a_col.at(w) = t.b_row.at(w) = 0;
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

SystolicRtl::~SystolicRtl() { close_fst(); }

void SystolicRtl::open_fst(const std::string& path, uint64_t from_cycle, uint64_t to_cycle, double period_ps) {
    close_fst();
    if (!(period_ps > 0) || !std::isfinite(period_ps))
        throw std::invalid_argument(fmt::format("open_fst: period {} ps must be finite and > 0", period_ps));
    auto& I = *impl_;
    I.fst = std::make_unique<VerilatedFstC>();
    I.top->trace(I.fst.get(), 99);
    I.fst->open(path.c_str());
    if (!I.fst->isOpen()) {
        I.fst.reset();
        throw std::runtime_error(fmt::format("open_fst: cannot open '{}'", path));
    }
    I.from = from_cycle;
    I.to = to_cycle;
    I.period_ps = period_ps;
    I.path = path;
    I.cut = UINT64_MAX;
    I.traced = I.unchecked = 0;
    I.first_traced = UINT64_MAX;
    I.next_check = 64;
    I.last_size = I.last_interval = 0;
}

void SystolicRtl::set_fst_gate(std::function<bool()> gate) { impl_->gate = std::move(gate); }
void SystolicRtl::set_fst_limit(uint64_t bytes) { impl_->limit = bytes; }
uint64_t SystolicRtl::fst_cut_cycle() const { return impl_->cut; }
uint64_t SystolicRtl::fst_traced_cycles() const { return impl_->traced; }
uint64_t SystolicRtl::fst_first_cycle() const { return impl_->first_traced; }

std::vector<std::string> SystolicRtl::fst_signal_names(const std::string& path) {
    void* ctx = fstReaderOpen(path.c_str());
    if (!ctx) throw std::runtime_error(fmt::format("{}: cannot read the FST", path));
    std::vector<std::string> scopes, names;
    while (const fstHier* h = fstReaderIterateHier(ctx)) {
        if (h->htyp == FST_HT_SCOPE) {
            scopes.emplace_back(h->u.scope.name);
        } else if (h->htyp == FST_HT_UPSCOPE) {
            if (!scopes.empty()) scopes.pop_back();
        } else if (h->htyp == FST_HT_VAR) {
            std::string n;
            for (const auto& sc : scopes) n += sc + ".";
            std::string v = h->u.var.name;  // "name [msb:lsb]" as Verilator declares vectors
            const auto sp = v.find(' ');
            const std::string base = v.substr(0, sp), range = sp == std::string::npos ? "" : v.substr(sp + 1);
            const unsigned t = h->u.var.typ;
            const bool ranged = !(t == FST_VT_VCD_INTEGER || t == FST_VT_VCD_PARAMETER || t == FST_VT_VCD_REAL ||
                                  t == FST_VT_VCD_REAL_PARAMETER || t == FST_VT_SV_INT || t == FST_VT_SV_SHORTINT ||
                                  t == FST_VT_SV_LONGINT || t == FST_VT_SV_BYTE || t == FST_VT_GEN_STRING ||
                                  t == FST_VT_VCD_EVENT || t == FST_VT_SV_SHORTREAL);
            names.push_back(n + base + (ranged ? range : ""));
        }
    }
    fstReaderClose(ctx);
    return names;
}

void SystolicRtl::close_fst() {
    if (!impl_ || !impl_->fst) return;
    impl_->fst->close();
    impl_->fst.reset();
}

bool SystolicRtl::tracing() const { return impl_->fst != nullptr; }

uint64_t SystolicRtl::run(const Call& call, uint64_t first_cycle) {
    auto& I = *impl_;
    auto& t = *I.top;
    const uint64_t expected =
        fn::systolic_call_cycles(call.m, call.n, call.k, call.accumulate, N).total();  // validates the shape

    // Fill the buffers (what the DMA did in hardware); unused lanes are zero.
    for (auto& w : I.a_words) w.fill(0);
    for (auto& w : I.b_words) w.fill(0);
    for (auto& r : I.c_rows) r.fill(0);
    for (int i = 0; i < call.m; ++i)
        for (int k = 0; k < call.k; ++k) I.a_words[k][i] = static_cast<uint8_t>(call.a[i * call.lda + k]);
    for (int k = 0; k < call.k; ++k)
        std::memcpy(I.b_words[k].data(), call.b + k * call.ldb, static_cast<size_t>(call.n));
    if (call.accumulate)
        for (int i = 0; i < call.m; ++i)
            std::memcpy(I.c_rows[i].data(), call.c + i * call.ldc, static_cast<size_t>(call.n) * 4);

    t.dim_m = static_cast<uint8_t>(call.m);
    t.dim_n = static_cast<uint8_t>(call.n);
    t.dim_k = static_cast<uint8_t>(call.k);
    t.accumulate = call.accumulate ? 1 : 0;

    // The call is traced only while the trace is under its size limit and the gate is open.
    VerilatedFstC* const fst = I.fst && I.cut == UINT64_MAX && (!I.gate || I.gate()) ? I.fst.get() : nullptr;
    uint64_t dumped = 0;
    uint64_t cycles = 0;
    for (uint64_t c = 0;; ++c) {
        const uint64_t cyc = first_cycle + c;
        const bool trace = fst && cyc >= I.from && cyc < I.to;
        // First half of the cycle: clock low, requests settle.
        t.clk = 0;
        t.start = c == 0 ? 1 : 0;
        t.eval();
        if (trace) {
            if (I.first_traced == UINT64_MAX) I.first_traced = cyc;
            fst->dump(I.time_ps(cyc, 0.0));
        }
        const bool op_rd = t.op_rd_en, cin_rd = t.cin_rd_en, wr = t.cout_wr_en;
        const int op_k = t.op_rd_k, cin_row = t.cin_rd_row, wr_row = t.cout_wr_row;
        if (wr) get_words(t.cout_row, I.c_rows[wr_row].data());
        // Rising edge; the buffers answer the reads sampled at it.
        t.clk = 1;
        t.eval();
        ++edges_;
        if (op_rd) {
            put_bytes(t.a_col, I.a_words[op_k].data());
            put_bytes(t.b_row, I.b_words[op_k].data());
        }
        if (cin_rd) put_words(t.cin_row, I.c_rows[cin_row].data());
        if (trace) {
            t.eval();  // settle the new buffer outputs for the waveform only
            fst->dump(I.time_ps(cyc, 0.5));
            ++dumped;
        }
        if (t.done) {
            cycles = c + 1;
            break;
        }
        if (c > expected + 64)
            throw std::logic_error(fmt::format("systolic RTL: no done after {} cycles (M={} N={} K={})", c + 1,
                                               call.m, call.n, call.k));
    }
    t.start = 0;
    if (dumped) {
        I.traced += dumped;
        I.unchecked += dumped;
        // Under a size limit: every `next_check` traced cycles, measure the file
        // and ask the writer for a block (fstapi writes it at the next time
        // stamp, so a measurement sees the blocks up to the previous check), and
        // stop while two more intervals and the hierarchy still fit. The interval
        // starts at 64 cycles and grows to ~1/40 of the limit.
        if (I.limit && I.unchecked >= I.next_check) {
            std::error_code ec;
            const uint64_t size = std::filesystem::file_size(I.path, ec);
            const uint64_t grown = size > I.last_size ? size - I.last_size : 0;
            const double per_cycle =
                I.last_interval ? static_cast<double>(grown) / static_cast<double>(I.last_interval) : 0.0;
            I.last_size = size;
            I.last_interval = I.unchecked;
            I.unchecked = 0;
            fst->flush();
            if (per_cycle > 0)
                I.next_check = std::clamp<uint64_t>(
                    static_cast<uint64_t>(static_cast<double>(I.limit) / 40.0 / per_cycle), 64, I.next_check * 4);
            const double reserve = 2.0 * per_cycle * static_cast<double>(I.next_check + expected) + 512e3;
            if (ec || static_cast<double>(size) + reserve >= static_cast<double>(I.limit)) I.cut = first_cycle + cycles;
        }
    }

    for (int i = 0; i < call.m; ++i)
        std::memcpy(call.c + i * call.ldc, I.c_rows[i].data(), static_cast<size_t>(call.n) * 4);
    return cycles;
}

}  // namespace edgebert::hw
