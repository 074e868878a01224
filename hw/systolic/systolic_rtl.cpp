#include "hw/systolic/systolic_rtl.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "common/error.hpp"
#include "hw/systolic/functional/systolic_gemm.hpp"
#include "hw/systolic/systolic_array_model.hpp"
#include "hw/systolic/systolic_config.hpp"
#include "gtkwave/fstapi.h"

namespace edgebert::hw {

namespace {
// hw/systolic/CMakeLists.txt verilates exactly these sizes (EDGEBERT_SYSTOLIC_RTL_SIZES).
constexpr bool same_sizes(const std::array<int, kSystolicRtlSizes.size()>& built) {
    for (size_t i = 0; i < built.size(); ++i)
        if (built[i] != kSystolicRtlSizes[i]) return false;
    return true;
}
static_assert(same_sizes({EDGEBERT_SYSTOLIC_RTL_SIZES}),
              "kSystolicRtlSizes and the sizes verilated by hw/systolic/CMakeLists.txt differ");

std::unique_ptr<detail::SystolicArrayModel> make_model(int size) {
    switch (size) {
        case 8: return detail::make_systolic_array_model_8();
        case 16: return detail::make_systolic_array_model_16();
        case 32: return detail::make_systolic_array_model_32();
        case 64: return detail::make_systolic_array_model_64();
        default:
            throw ConfigError(fmt::format("systolic RTL: no array of size {} is built in (sizes: {})", size,
                                          systolic_rtl_sizes_text()));
    }
}
}  // namespace

struct SystolicRtl::Impl {
    std::unique_ptr<detail::SystolicArrayModel> model;
    std::unique_ptr<VerilatedFstC> fst;
    detail::SystolicTraceWindow window;
    std::string path;
    std::function<bool()> gate;
    uint64_t limit = 0;                 // bytes, 0: none
    uint64_t cut = UINT64_MAX;          // first cycle left out by the limit
    uint64_t traced = 0;                // cycles dumped
    uint64_t unchecked = 0;             // cycles dumped since the last size check
    uint64_t next_check = 64;           // ... when the next check is due
    uint64_t last_size = 0;             // the file at the last check
    uint64_t last_interval = 0;         // traced cycles between the last two checks
};

SystolicRtl::SystolicRtl(int size) : impl_(std::make_unique<Impl>()) { impl_->model = make_model(size); }

SystolicRtl::~SystolicRtl() { close_fst(); }

void SystolicRtl::open_fst(const std::string& path, uint64_t from_cycle, uint64_t to_cycle, double period_ps) {
    close_fst();
    if (!(period_ps > 0) || !std::isfinite(period_ps))
        throw std::invalid_argument(fmt::format("open_fst: period {} ps must be finite and > 0", period_ps));
    auto& I = *impl_;
    I.fst = std::make_unique<VerilatedFstC>();
    I.model->trace(I.fst.get());
    I.fst->open(path.c_str());
    if (!I.fst->isOpen()) {
        I.fst.reset();
        throw std::runtime_error(fmt::format("open_fst: cannot open '{}'", path));
    }
    I.window.from = from_cycle;
    I.window.to = to_cycle;
    I.window.period_ps = period_ps;
    I.window.first_traced = UINT64_MAX;
    I.path = path;
    I.cut = UINT64_MAX;
    I.traced = I.unchecked = 0;
    I.next_check = 64;
    I.last_size = I.last_interval = 0;
}

void SystolicRtl::set_fst_gate(std::function<bool()> gate) { impl_->gate = std::move(gate); }
void SystolicRtl::set_fst_limit(uint64_t bytes) { impl_->limit = bytes; }
uint64_t SystolicRtl::fst_cut_cycle() const { return impl_->cut; }
uint64_t SystolicRtl::fst_traced_cycles() const { return impl_->traced; }
uint64_t SystolicRtl::fst_first_cycle() const { return impl_->window.first_traced; }
uint64_t SystolicRtl::edges() const { return impl_->model->edges(); }
int SystolicRtl::size() const { return impl_->model->size(); }

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
    const uint64_t expected =  // validates the shape
        fn::systolic_call_cycles(call.m, call.n, call.k, call.accumulate, I.model->size()).total();
    // The call is traced only while the trace is under its size limit and the gate is open.
    I.window.fst = I.fst && I.cut == UINT64_MAX && (!I.gate || I.gate()) ? I.fst.get() : nullptr;
    const uint64_t cycles = I.model->run(call, first_cycle, expected, I.window);
    const uint64_t dumped = I.window.dumped;
    VerilatedFstC* const fst = I.window.fst;
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
    return cycles;
}

}  // namespace edgebert::hw
