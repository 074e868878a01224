// The GTKWave side of a wave session: the translate filters and the save files
// (one view per target, grouped by block, zoomed on the first command to the last
// interrupt written). Split from wave_session.cpp, which declares and writes the dump.
#include "sim/run/wave_session.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <systemc>
#include <sysc/kernel/sc_dynamic_processes.h>
#include "common/error.hpp"
#include "compiler/program/program.hpp"
#include "eb_program.h"
#include "hw/edgebert/register_map.hpp"
#include "hw/systolic/systolic_config.hpp"
#include "hw/systolic/systolic_regs.hpp"

#include "sim/run/wave_session_vars.hpp"

namespace edgebert::sim {

namespace {

// The EdgeBERT tile's registers by offset (hw/edgebert/register_map.hpp).
const std::pair<uint32_t, const char*> kEdgebertRegisters[] = {
    {hw::regs::kCtrl, "ctrl"},
    {hw::regs::kCommand, "command"},
    {hw::regs::kFlipMem, "flip_mem"},
    {hw::regs::kMatmulConfig, "matmul_config"},
    {hw::regs::kMatmulDims, "matmul_dims"},
    {hw::regs::kBaseInput, "base_input"},
    {hw::regs::kBaseMask, "base_mask"},
    {hw::regs::kAuxBases, "aux_bases"},
    {hw::regs::kSfuShape, "sfu_shape"},
    {hw::regs::kEntropy, "entropy"},
    {hw::regs::kMaskRdAddr, "mask_rd_addr"},
    {hw::regs::kMaskWrAddr, "mask_wr_addr"},
    {hw::regs::kInputRdAddr, "input_rd_addr"},
    {hw::regs::kInputWrAddr, "input_wr_addr"},
    {hw::regs::kAuxRdAddr, "aux_rd_addr"},
    {hw::regs::kAuxWrAddr, "aux_wr_addr"},
    {hw::regs::kDmaLength, "dma_length"},
    {hw::regs::kAuxDmaLength, "aux_dma_length"},
    {hw::regs::kBaseOutput, "base_output"},
    {hw::regs::kUseAxi, "use_axi"},
    {hw::regs::kUseGb, "use_gb"},
    {hw::regs::kGbMode, "gb_mode"},
    {hw::regs::kResetMode, "reset_mode"},
    {hw::regs::kStatus, "status"},
    {hw::regs::kMacMode, "mac_mode"},
    {hw::regs::kDcoCodes0, "dco_codes0"},
    {hw::regs::kDcoCodes1, "dco_codes1"},
    {hw::regs::kDcoCodes2, "dco_codes2"},
    {hw::regs::kLdoCodes0, "ldo_codes0"},
    {hw::regs::kLdoCodes1, "ldo_codes1"},
    {hw::regs::kLdoCodes2, "ldo_codes2"},
    {hw::regs::kLdoCodes3, "ldo_codes3"},
};

// A save file under construction.
class Gtkw {
public:
    void group_begin(const std::string& name) {
        flags(kGrpBegin | kBlank);
        out_ += "-" + name + "\n";
    }
    void group_end(const std::string& name) {
        flags(kGrpEnd | kBlank);
        out_ += "-" + name + "\n";
    }
    // `filter`: a translate filter file (values in decimal).
    // Shown as `alias` (the name without its first `strip` characters, e.g. "soc.")
    // so that same-named signals of different blocks stay apart.
    void trace(const std::string& name, uint32_t format, const std::string& filter = "", size_t strip = 0) {
        flags(format | kRjustify | (filter.empty() ? 0u : kFtranslated));
        if (!filter.empty()) {
            auto it = std::find(filters_.begin(), filters_.end(), filter);
            if (it == filters_.end()) it = filters_.insert(filters_.end(), filter);
            out_ += fmt::format("^{} {}\n", (it - filters_.begin()) + 1, filter);
        }
        if (strip && strip < name.size()) out_ += "+{" + name.substr(strip) + "} ";
        out_ += name + "\n";
        names_.push_back(name);
    }
    const std::string& text() const { return out_; }
    const std::vector<std::string>& names() const { return names_; }

private:
    void flags(uint32_t f) {
        if (f != flags_) out_ += fmt::format("@{:x}\n", f);
        flags_ = f;
    }
    std::string out_;
    uint32_t flags_ = 0xFFFFFFFF;
    std::vector<std::string> filters_;
    std::vector<std::string> names_;
};

void write_text(const std::string& path, const std::string& text) {
    std::ofstream f(path, std::ios::trunc | std::ios::binary);
    if (!f) throw Error(fmt::format("{}: cannot write the file", path));
    f << text;
    if (!f) throw Error(fmt::format("{}: writing failed", path));
}


}  // namespace

// ---------------------------------------------------------------- output

void WaveSession::write_filters() {
    const auto write_text = [this](const std::string& p, const std::string& text) {
        ::edgebert::sim::write_text(p, text);
        filters_.push_back(p);
    };
    std::string s = "# edgebert-sim: program regions of the " + opt_.target + " program (soc.program.region)\n0 (none)\n";
    for (size_t i = 0; i < regions_.size(); ++i) s += fmt::format("{} {}\n", i + 1, region_name(regions_[i]));
    write_text(filter_path(opt_.target + "_regions"), s);
    s = "# edgebert-sim: modules (soc.program.module)\n";
    for (uint32_t i = 0; i < EB_MOD_COUNT; ++i) s += fmt::format("{} {}\n", i, compiler::module_name(i));
    write_text(filter_path("modules"), s);
    bool eb = false, sy = false;
    for (const auto& t : tiles_) (t->edgebert ? eb : sy) = true;
    if (eb) {
        s = "# edgebert-sim: EdgeBERT tile commands (control.dma_command, control.compute_command)\n0 idle\n";
        for (uint32_t c = 1; c <= hw::regs::kMaxExtCommand; ++c) s += fmt::format("{} {}\n", c, hw::regs::command_name(c));
        write_text(filter_path("edgebert_commands"), s);
        s = "# edgebert-sim: EdgeBERT error causes (control.error_cause)\n";
        for (int c = 0; c < hw::regs::kNumErrorCauses; ++c)
            s += fmt::format("{} {}\n", c, hw::regs::error_cause_name(static_cast<hw::regs::ErrorCause>(c)));
        write_text(filter_path("edgebert_causes"), s);
        s = "# edgebert-sim: EdgeBERT register offsets (regs.wr_addr)\n";
        for (const auto& [off, name] : kEdgebertRegisters) s += fmt::format("{} {}\n", off, name);
        write_text(filter_path("edgebert_registers"), s);
    }
    if (sy) {
        write_text(filter_path("systolic_commands"), "# edgebert-sim: systolic tile commands (command)\n0 idle\n1 run\n");
        write_text(filter_path("systolic_phases"),
                   "# edgebert-sim: phases of a systolic call (phase)\n0 idle\n1 dma_in\n2 compute\n3 dma_out\n");
        s = "# edgebert-sim: systolic error causes (error_cause)\n0 none\n";
        for (uint32_t c = 1; c < 16; ++c) {
            const std::string n = hw::systolic_regs::error_cause_name(static_cast<hw::systolic_regs::ErrorCause>(c));
            if (n != "unknown cause") s += fmt::format("{} {}\n", c, n);
        }
        write_text(filter_path("systolic_causes"), s);
        s = "# edgebert-sim: systolic register offsets (regs.wr_addr)\n";
        for (const auto& r : hw::systolic_regs::kRegisters) s += fmt::format("{} {}\n", r.offset, r.name);
        write_text(filter_path("systolic_registers"), s);
    }
    if (plic_) {
        s = "# edgebert-sim: PLIC sources (plic.claim, plic.complete)\n0 none\n";
        for (const auto& t : soc_.config().tiles)
            if (t.kind == hw::TileKind::Edgebert || t.kind == hw::TileKind::Systolic)
                s += fmt::format("{} {}\n", t.irq, t.name);
        write_text(filter_path("irq_sources"), s);
    }
}

void WaveSession::write_view() {
    VcdWriter& w = *vcd_;
    Gtkw g;
    const bool primary_eb = opt_.target == "edgebert", primary_sy = opt_.target == "systolic";
    g.group_begin("Program region");
    g.trace(w.gtkwave_name(v_region_), kDec, filter_path(opt_.target + "_regions"), 4);
    g.trace(w.gtkwave_name(v_layer_), kDec, "", 4);
    g.trace(w.gtkwave_name(v_module_), kDec, filter_path("modules"), 4);
    g.group_end("Program region");
    // The target's own tiles (the others are idle in this run; their signals are in the dump).
    auto tile_groups = [&](bool want_eb) {
        for (const auto& t : tiles_) {
            if (t->edgebert != want_eb) continue;
            for (const auto& [title, rows] : t->groups) {
                g.group_begin(title);
                for (const auto& r : rows) g.trace(w.gtkwave_name(r.var), r.format, r.filter, 4);
                g.group_end(title);
            }
        }
    };
    if (primary_eb) tile_groups(true);
    if (primary_sy) tile_groups(false);
    if (plic_) {
        g.group_begin("Interrupts");
        g.trace(w.gtkwave_name(plic_->ext_irq), kHex, "", 4);
        for (const auto& [name, var] : plic_->lines) g.trace(w.gtkwave_name(var), kHex, "", 4);
        g.trace(w.gtkwave_name(plic_->claim), kDec, filter_path("irq_sources"), 4);
        g.trace(w.gtkwave_name(plic_->claims), kDec, "", 4);
        g.trace(w.gtkwave_name(plic_->complete), kDec, filter_path("irq_sources"), 4);
        g.group_end("Interrupts");
    }
    if (!planes_.empty()) {
        g.group_begin("NoC packets per plane");
        for (const auto& p : planes_) {
            g.trace(w.gtkwave_name(p.packets), kDec, "", 4);
            g.trace(w.gtkwave_name(p.in_flight), kDec, "", 4);
        }
        g.group_end("NoC packets per plane");
    }

    // Initial zoom: the window's first command to its last interrupt (the
    // target's tiles), else everything written.
    uint64_t z0 = UINT64_MAX, z1 = 0;
    for (const auto& t : tiles_) {
        if (!((primary_eb && t->edgebert) || (primary_sy && !t->edgebert))) continue;
        for (int c : t->commands) z0 = std::min(z0, w.first_change_ps(c));
        z1 = std::max(z1, w.last_change_ps(t->irq));
    }
    const bool commands = z0 != UINT64_MAX && z1 > z0;
    if (!commands) {
        z0 = w.first_ps();
        z1 = w.last_ps();
    }
    double span = std::max<double>(static_cast<double>(z1 - z0), 1000.0) * 1.02;
    // GTKWave scrolls back to the file's start when the view would run past its
    // end: then open on [start of the file, last interrupt].
    uint64_t view0 = z0;
    if (static_cast<double>(z0) + 1.6 * span > static_cast<double>(w.last_ps())) {
        view0 = w.first_ps();
        span = std::max<double>(static_cast<double>(z1 - view0), 1000.0) * 1.02;
    }
    // GTKWave: picoseconds per pixel = 2^-zoom / 200; about 900 pixels of waves
    // (a 1600-pixel window shows a little more).
    const double zoom = -std::log2(200.0 * span / 900.0);
    std::string h = fmt::format(
        "[*] edgebert-sim run --waves: the {} view of {}\n"
        "[*] cycles are CPU cycles ({:.4g} ps); the view opens on cycles {}:{}{}\n"
        "[dumpfile] \"{}\"\n[savefile] \"{}\"\n[timestart] {}\n[size] 1600 900\n[pos] -1 -1\n"
        "*{:.6f} {} -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1\n"
        "[treeopen] soc.\n[sst_width] 260\n[signals_width] 330\n[sst_expanded] 1\n[sst_vpaned_height] 260\n",
        opt_.target, std::filesystem::path(vcd_file_).filename().string(), cpu_period_ps_,
        static_cast<uint64_t>(static_cast<double>(view0) / cpu_period_ps_),
        static_cast<uint64_t>(std::ceil(static_cast<double>(z1) / cpu_period_ps_)),
        commands ? " (to the last interrupt; the marker on the first tile command)" : "", vcd_file_,
        path(opt_.target + ".gtkw"), view0, zoom, z0);
    write_text(path(opt_.target + ".gtkw"), h + g.text());
}

void WaveSession::write_rtl_view() {
    // The names as GTKWave reads them from the FST Verilator wrote (top scope
    // systolic_array, the module's instance under it), so the view resolves
    // whatever the RTL's parameters.
    std::map<std::string, std::string> by_base;  // "systolic_array.dim_m" -> "systolic_array.dim_m[5:0]"
    for (const auto& n : hw::SystolicRtl::fst_signal_names(rtl_file_)) {
        const auto br = n.rfind('[');
        const bool ranged = br != std::string::npos && n.find(':', br) != std::string::npos;
        by_base.emplace(ranged ? n.substr(0, br) : n, n);
    }
    const std::string top = "systolic_array", in = "systolic_array.systolic_array";
    const int n = soc_.systolic().rtl().size();
    Gtkw g;
    auto group = [&](const std::string& title, const std::vector<std::pair<std::string, uint32_t>>& sigs) {
        g.group_begin(title);
        for (const auto& [base, f] : sigs)
            if (auto it = by_base.find(base); it != by_base.end()) g.trace(it->second, f, "", top.size() + 1);
        g.group_end(title);
    };
    group("Systolic array: control", {{top + ".clk", kHex},
                                      {top + ".start", kHex},
                                      {top + ".busy", kHex},
                                      {top + ".done", kHex},
                                      {top + ".accumulate", kHex},
                                      {top + ".dim_m", kDec},
                                      {top + ".dim_n", kDec},
                                      {top + ".dim_k", kDec},
                                      {in + ".state", kDec},
                                      {in + ".cnt", kDec}});
    group("Systolic array: buffers", {{top + ".op_rd_en", kHex},
                                      {top + ".op_rd_k", kDec},
                                      {top + ".a_col", kHex},
                                      {top + ".b_row", kHex},
                                      {top + ".cin_rd_en", kHex},
                                      {top + ".cin_rd_row", kDec},
                                      {top + ".cout_wr_en", kHex},
                                      {top + ".cout_wr_row", kDec}});
    std::vector<std::pair<std::string, uint32_t>> pes;
    for (const auto& pe : {fmt::format("[0][0]"), fmt::format("[0][{}]", n - 1), fmt::format("[{}][0]", n - 1),
                           fmt::format("[{}][{}]", n - 1, n - 1)}) {
        pes.push_back({in + ".pe_valid" + pe, kHex});
        pes.push_back({in + ".pe_acc" + pe, kDec});
    }
    group("Systolic array: corner PEs", pes);
    // Opens on the first traced call: 4 x N x 3 array cycles from its first cycle.
    auto& tile = soc_.systolic();
    const double tp = tile.period().to_seconds() * 1e12;
    const uint64_t first = tile.rtl().fst_first_cycle();
    const uint64_t t0 = first == UINT64_MAX ? 0 : static_cast<uint64_t>(std::llround(static_cast<double>(first) * tp));
    const double zoom = -std::log2(200.0 * (12.0 * n * tp) / 900.0);
    const std::string gtkw = path("systolic_rtl.gtkw");
    const std::string h = fmt::format(
        "[*] edgebert-sim run --waves: the systolic array's RTL (Verilator FST); times in ps as in systolic.vcd\n"
        "[*] (state: 0 idle, 1 load, 2 feed, 3 drain, 4 store)\n"
        "[dumpfile] \"{}\"\n[savefile] \"{}\"\n[timestart] {}\n[size] 1600 900\n[pos] -1 -1\n"
        "*{:.6f} {} -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1\n"
        "[treeopen] systolic_array.\n[signals_width] 330\n[sst_expanded] 1\n",
        rtl_file_, gtkw, t0, zoom, t0);
    write_text(gtkw, h + g.text());
}

}  // namespace edgebert::sim
