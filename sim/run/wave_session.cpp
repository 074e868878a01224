#include "sim/run/wave_session.hpp"
#include "sim/run/wave_session_vars.hpp"

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

namespace edgebert::sim {

namespace {

bool is_number(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string human_bytes(uint64_t b) {
    if (b >= 10'000'000) return fmt::format("{:.0f} MB", b / 1e6);
    if (b >= 1'000'000) return fmt::format("{:.1f} MB", b / 1e6);
    if (b >= 10'000) return fmt::format("{:.0f} kB", b / 1e3);
    return fmt::format("{} B", b);
}

// A save file under construction.
std::string absolute(const std::string& p) {
    std::error_code ec;
    const auto a = std::filesystem::absolute(p, ec);
    return ec ? p : a.lexically_normal().string();
}

}  // namespace

// ---------------------------------------------------------------- regions

bool RegionSelector::matches(const hw::RegionKey& k) const {
    return (layer < 0 || k.layer == static_cast<uint32_t>(layer)) &&
           (module < 0 || k.module == static_cast<uint32_t>(module)) && (op.empty() || k.op == op);
}

RegionSelector parse_region_selector(const std::string& text) {
    RegionSelector s;
    s.text = text;
    std::vector<std::string> parts;
    std::stringstream ss(text);
    std::string p;
    while (std::getline(ss, p, '.')) parts.push_back(p);
    if (text.empty() || text.back() == '.' || parts.empty() ||
        std::any_of(parts.begin(), parts.end(), [](const std::string& x) { return x.empty(); }))
        throw UsageError(fmt::format("--wave-operator '{}' must be layer<L>[.<module>[.<operator>]] or "
                                     "<module>[.<operator>], e.g. layer0.ffn",
                                     text));
    size_t i = 0;
    if (parts[0].rfind("layer", 0) == 0) {
        const std::string n = parts[0].substr(5);
        if (!is_number(n) || n.size() > 6)
            throw UsageError(fmt::format("--wave-operator '{}': '{}' must be layer<L> with L a number, e.g. layer0",
                                         text, parts[0]));
        s.layer = std::stoi(n);
        i = 1;
    }
    if (i < parts.size()) {
        int m = 0;
        while (m < EB_MOD_COUNT && parts[i] != compiler::module_name(static_cast<uint32_t>(m))) ++m;
        if (m == EB_MOD_COUNT)
            throw Error(fmt::format("--wave-operator '{}': '{}' is not a module (allowed: embedding, attention, "
                                    "post_processing, ffn, classifier)",
                                    text, parts[i]));
        s.module = m;
        ++i;
    }
    if (i < parts.size()) {
        s.op = parts[i++];
        while (i < parts.size()) s.op += "." + parts[i++];
    }
    return s;
}

std::string region_name(const hw::RegionKey& k) {
    const std::string mod = compiler::module_name(k.module);
    return fmt::format("layer{}.{}{}", k.layer, mod, k.op.empty() ? "" : "." + k.op);
}

std::vector<std::string> wave_scopes(const hw::SocConfig& soc) {
    std::vector<std::string> out;
    for (const auto* t : soc.tiles_of(hw::TileKind::Edgebert)) out.push_back(t->name);
    for (const auto* t : soc.tiles_of(hw::TileKind::Systolic)) out.push_back(t->name);
    out.push_back(soc.io() ? soc.io()->name : "io");
    out.push_back("noc");
    return out;
}

bool scope_selected(const std::vector<std::string>& scopes, const std::string& name) {
    return scopes.empty() || std::find(scopes.begin(), scopes.end(), name) != scopes.end();
}

// ---------------------------------------------------------------- session



WaveSession::WaveSession(hw::Soc& soc, const compiler::CompiledModel& m, const WaveOptions& opt)
    : soc_(soc), m_(m), opt_(opt), cpu_period_ps_(1e6 / soc.config().cpu_clock_mhz),
      res_ps_(sc_core::sc_get_time_resolution().to_seconds() * 1e12) {
    // The program's regions, in order of appearance.
    for (const auto& in : m_.program.instrs) {
        if (in.op != EB_OP_REGION) continue;
        const char* op = in.a[2] < m_.program.strings.size() ? m_.program.strings.c_str() + in.a[2] : "";
        hw::RegionKey k{static_cast<uint32_t>(in.a[0]), static_cast<uint32_t>(in.a[1]), op};
        if (region_index_.emplace(k, static_cast<uint32_t>(regions_.size() + 1)).second) regions_.push_back(k);
    }
    // Layer + module without an operator: the RISC-V executor's markers carry no operator name.
    for (size_t i = 0, n = regions_.size(); i < n; ++i) {
        const hw::RegionKey lm{regions_[i].layer, regions_[i].module, ""};
        if (region_index_.emplace(lm, static_cast<uint32_t>(regions_.size() + 1)).second) regions_.push_back(lm);
    }
    if (opt_.region) {
        const bool any = std::any_of(regions_.begin(), regions_.end(),
                                     [&](const hw::RegionKey& k) { return opt_.region->matches(k); });
        if (!any) {
            std::string list;
            std::set<std::string> seen;
            for (const auto& k : regions_) {
                const std::string lm = region_name(hw::RegionKey{k.layer, k.module, ""});
                if (seen.insert(lm).second) list += (list.empty() ? "" : ", ") + lm;
            }
            throw Error(fmt::format("--wave-operator '{}' matches no region of the {} program (its regions: {}; "
                                    "`edgebert-sim compile --listing` names every operator)",
                                    opt_.region->text, opt_.target, list));
        }
        region_open_ = false;
    }
    const auto all = wave_scopes(soc.config());
    for (const auto& s : all)
        if (scope_selected(opt_.scopes, s)) scopes_.push_back(s);
    io_name_ = soc.config().io() ? soc.config().io()->name : "io";

    VcdWriter::Options vo;
    vo.from_ps = static_cast<uint64_t>(std::llround(static_cast<double>(opt_.from_cycle) * cpu_period_ps_));
    vo.to_ps = opt_.to_cycle == UINT64_MAX
                   ? UINT64_MAX
                   : static_cast<uint64_t>(std::llround(static_cast<double>(opt_.to_cycle) * cpu_period_ps_));
    vo.gate_open = region_open_;
    vo.limit_bytes = opt_.limit_bytes;
    vcd_file_ = path(opt_.target + ".vcd");
    vcd_ = std::make_unique<VcdWriter>(vcd_file_, vo);
    declare();
    attach();

    // The systolic RTL: the same window in the tile's cycles, the same region gate, its own limit.
    rtl_ = opt_.rtl && !soc.config().tiles_of(hw::TileKind::Systolic).empty() &&
           scope_selected(opt_.scopes, soc.systolic_spec().name);
    if (rtl_) {
        auto& tile = soc.systolic();
        const double tp = tile.period().to_seconds() * 1e12;
        const uint64_t from = static_cast<uint64_t>(std::floor(static_cast<double>(vo.from_ps) / tp));
        const uint64_t to =
            vo.to_ps == UINT64_MAX ? UINT64_MAX : static_cast<uint64_t>(std::ceil(static_cast<double>(vo.to_ps) / tp));
        rtl_file_ = path("systolic_rtl.fst");
        tile.open_fst(rtl_file_, from, to);
        tile.rtl().set_fst_limit(opt_.limit_bytes);
        if (opt_.region) tile.rtl().set_fst_gate([this] { return region_open_; });
    }
}

WaveSession::~WaveSession() {
    soc_.noc.set_transfer_observer(nullptr);
    soc_.noc.set_packet_observer(nullptr);
    if (rtl_) soc_.systolic().rtl().set_fst_gate(nullptr);
}

std::string WaveSession::path(const std::string& file) const { return absolute(opt_.dir + "/" + file); }
std::string WaveSession::filter_path(const std::string& name) const { return path(name + ".filter"); }

uint64_t WaveSession::ps(const sc_core::sc_time& t) const {
    return res_ps_ == 1.0 ? t.value() : static_cast<uint64_t>(std::llround(static_cast<double>(t.value()) * res_ps_));
}
uint64_t WaveSession::now_ps() const { return ps(sc_core::sc_time_stamp()); }

namespace {

uint64_t bits_of(bool v) { return v ? 1 : 0; }
uint64_t bits_of(uint32_t v) { return v; }

// Records a signal's changes: its initial value at time 0, then every change
// (an SC_METHOD sensitive to it).
template <typename T>
int watch(VcdWriter& w, const sc_core::sc_signal_in_if<T>& s, const std::string& scope, const std::string& name,
          int width, std::function<uint64_t()> now) {
    const int id = w.add(scope, name, width);
    w.set(id, 0, bits_of(s.read()));
    sc_core::sc_spawn_options o;
    o.spawn_method();
    o.dont_initialize();
    o.set_sensitivity(&s.value_changed_event());
    sc_core::sc_spawn(
        [&w, &s, id, now] {
            const uint64_t t = now();
            w.set(id, t, bits_of(s.read()));
            w.advance(t);
        },
        sc_core::sc_gen_unique_name("wave_watch"), &o);
    return id;
}

int watch_real(VcdWriter& w, const sc_core::sc_signal_in_if<double>& s, const std::string& scope,
               const std::string& name, std::function<uint64_t()> now) {
    const int id = w.add(scope, name, 64, VcdWriter::Type::Real);
    w.set_real(id, 0, s.read());
    sc_core::sc_spawn_options o;
    o.spawn_method();
    o.dont_initialize();
    o.set_sensitivity(&s.value_changed_event());
    sc_core::sc_spawn(
        [&w, &s, id, now] {
            const uint64_t t = now();
            w.set_real(id, t, s.read());
            w.advance(t);
        },
        sc_core::sc_gen_unique_name("wave_watch"), &o);
    return id;
}

}  // namespace

void WaveSession::declare() {
    VcdWriter& w = *vcd_;
    const auto now = [this] { return now_ps(); };
    v_region_ = w.add("soc.program", "region", 16);
    v_layer_ = w.add("soc.program", "layer", 16);
    v_module_ = w.add("soc.program", "module", 8);

    const std::string regions = filter_path(opt_.target + "_regions");
    const std::string modules = filter_path("modules");
    auto new_tile = [](const hw::TileSpec& spec, bool edgebert, int beat_bytes) {
        auto t = std::make_unique<TileVars>();
        t->name = spec.name;
        t->edgebert = edgebert;
        t->reg_base = spec.reg_base;
        t->beat_bytes = beat_bytes;
        return t;
    };
    auto add_bus_vars = [&](TileVars& t, const std::string& s, const std::string& reg_filter) {
        t.regs_addr = w.add(s + ".regs", "wr_addr", 16);
        t.regs_data = w.add(s + ".regs", "wr_data", 32);
        t.regs_writes = w.add(s + ".regs", "writes", 32);
        t.dma_addr = w.add(s + ".dma", "addr", 64);
        t.dma_beats = w.add(s + ".dma", "beats", 16);
        t.dma_write = w.add(s + ".dma", "write", 1);
        t.dma_bursts = w.add(s + ".dma", "bursts", 32);
        t.dma_in_flight = w.add(s + ".dma", "in_flight", 16);
        t.groups.push_back({t.name + " register writes",
                            {{t.regs_addr, kDec, reg_filter}, {t.regs_data, kHex, ""}, {t.regs_writes, kDec, ""}}});
    };
    auto dma_group = [](TileVars& t, std::vector<TileVars::Row> extra) {
        std::vector<TileVars::Row> rows = {{t.dma_addr, kHex, ""},
                                           {t.dma_beats, kDec, ""},
                                           {t.dma_write, kHex, ""},
                                           {t.dma_bursts, kDec, ""},
                                           {t.dma_in_flight, kDec, ""}};
        rows.insert(rows.end(), extra.begin(), extra.end());
        t.groups.push_back({t.name + " DMA bursts", rows});
    };

    const auto eb_specs = soc_.config().tiles_of(hw::TileKind::Edgebert);
    for (size_t i = 0; i < eb_specs.size(); ++i) {
        const auto& spec = *eb_specs[i];
        if (!scope_selected(scopes_, spec.name)) continue;
        auto& tile = soc_.edgebert(i);
        auto t = new_tile(spec, true, tile.config().axi_beat_bytes());
        const std::string s = "soc." + spec.name;
        const std::string cmds = filter_path("edgebert_commands"), causes = filter_path("edgebert_causes");
        t->irq = watch(w, tile.control.irq, s, "irq", 1, now);
        const int dma_cmd = watch(w, tile.control.dma_command, s + ".control", "dma_command", 32, now);
        const int cmp_cmd = watch(w, tile.control.compute_command, s + ".control", "compute_command", 32, now);
        const int cause = watch(w, tile.control.error_cause, s + ".control", "error_cause", 32, now);
        t->commands = {dma_cmd, cmp_cmd};
        t->groups.push_back({spec.name + " control",
                             {{t->irq, kHex, ""}, {dma_cmd, kDec, cmds}, {cmp_cmd, kDec, cmds}, {cause, kDec, causes}}});
        add_bus_vars(*t, s, filter_path("edgebert_registers"));
        std::vector<TileVars::Row> engines;
        for (const hw::DmaEngine* d : {&tile.dma_mask, &tile.dma_input, &tile.dma_aux}) {
            engines.push_back({watch(w, d->busy, s + "." + d->basename(), "busy", 1, now), kHex, ""});
            engines.push_back({watch(w, d->bytes_moved, s + "." + d->basename(), "bytes_moved", 32, now), kDec, ""});
        }
        dma_group(*t, engines);
        std::vector<TileVars::Row> dp;
        dp.push_back({watch(w, tile.pu.busy, s + ".pu", "busy", 1, now), kHex, ""});
        dp.push_back({watch(w, tile.pu.matmuls_done, s + ".pu", "matmuls_done", 32, now), kDec, ""});
        dp.push_back({watch(w, tile.sfu.busy, s + ".sfu", "busy", 1, now), kHex, ""});
        dp.push_back({watch(w, tile.sfu.mode, s + ".sfu", "mode", 32, now), kDec, ""});
        dp.push_back({watch(w, tile.sfu.rows_done, s + ".sfu", "rows_done", 32, now), kDec, ""});
        std::vector<TileVars::Row> sram;
        for (const hw::BitmaskDecoder* d : {&tile.dec0, &tile.dec1}) {
            const std::string ds = s + "." + d->basename();
            dp.push_back({watch(w, d->vectors_decoded, ds, "vectors_decoded", 32, now), kDec, ""});
            sram.push_back({watch(w, d->input_rows_used, ds, "input_rows_used", 32, now), kDec, ""});
            sram.push_back({watch(w, d->mask_rows_used, ds, "mask_rows_used", 32, now), kDec, ""});
        }
        sram.push_back({watch(w, tile.sfu.aux_rows_used, s + ".sfu", "aux_rows_used", 32, now), kDec, ""});
        t->groups.push_back({spec.name + " datapath", dp});
        t->groups.push_back({spec.name + " SRAM occupancy (rows)", sram});
        t->groups.push_back({spec.name + " DVFS",
                             {{watch_real(w, tile.ldo.vout, s + ".ldo", "vout", now), kReal, ""},
                              {watch_real(w, tile.adpll.freq_mhz, s + ".adpll", "freq_mhz", now), kReal, ""}}});
        tiles_.push_back(std::move(t));
    }
    const auto sy_specs = soc_.config().tiles_of(hw::TileKind::Systolic);
    for (size_t i = 0; i < sy_specs.size(); ++i) {
        const auto& spec = *sy_specs[i];
        if (!scope_selected(scopes_, spec.name)) continue;
        auto& tile = soc_.systolic(i);
        auto t = new_tile(spec, false, tile.config().axi_beat_bytes());
        const std::string s = "soc." + spec.name;
        t->irq = watch(w, tile.irq, s, "irq", 1, now);
        const int busy = watch(w, tile.busy, s, "busy", 1, now);
        const int cmd = watch(w, tile.command, s, "command", 32, now);
        const int phase = watch(w, tile.phase, s, "phase", 32, now);
        const int cause = watch(w, tile.error_cause, s, "error_cause", 32, now);
        t->commands = {cmd};
        t->groups.push_back({spec.name + " control",
                             {{t->irq, kHex, ""},
                              {busy, kHex, ""},
                              {cmd, kDec, filter_path("systolic_commands")},
                              {phase, kDec, filter_path("systolic_phases")},
                              {cause, kDec, filter_path("systolic_causes")}}});
        add_bus_vars(*t, s, filter_path("systolic_registers"));
        dma_group(*t, {});
        tiles_.push_back(std::move(t));
    }
    if (scope_selected(scopes_, io_name_)) {
        Plic p;
        const std::string s = "soc." + io_name_ + ".plic";
        p.ext_irq = watch(w, soc_.plic.ext_irq, s, "ext_irq", 1, now);
        size_t li = 0;
        for (hw::TileKind kind : {hw::TileKind::Edgebert, hw::TileKind::Systolic})
            for (const auto* spec : soc_.config().tiles_of(kind)) {
                if (li < soc_.irq_links().size())
                    p.lines.push_back({spec->name, watch(w, soc_.irq_links()[li]->out, s, "irq_" + spec->name, 1, now)});
                ++li;
            }
        p.claim = w.add(s, "claim", 8);
        p.claims = w.add(s, "claims", 32);
        p.complete = w.add(s, "complete", 8);
        plic_ = p;
    }
    if (scope_selected(scopes_, "noc")) {
        for (auto plane : {hw::NocPlane::Dma, hw::NocPlane::Mmio, hw::NocPlane::Irq, hw::NocPlane::Coh}) {
            const std::string s = std::string("soc.noc.") + hw::to_string(plane);
            planes_.push_back(Plane{w.add(s, "packets", 32), w.add(s, "in_flight", 16)});
        }
    }
}

void WaveSession::attach() {
    // The NoC's initiators and targets that carry a traced tile's DMA bursts and register writes.
    for (int i = 0; i < soc_.noc.num_initiators(); ++i)
        for (const auto& t : tiles_)
            if (soc_.noc.initiator_name(i) == t->name + ".dma") dma_of_initiator_[i] = t.get();
    for (int i = 0; i < soc_.noc.num_targets(); ++i) {
        for (const auto& t : tiles_)
            if (soc_.noc.target_name(i) == t->name + ".regs") regs_of_target_[i] = t.get();
        if (soc_.noc.target_name(i) == "plic") plic_target_ = i;
    }
    if (!tiles_.empty() || plic_)
        soc_.noc.set_transfer_observer([this](const hw::NocTransfer& x) { on_transfer(x); });
    if (!planes_.empty())
        soc_.noc.set_packet_observer(
            [this](hw::NocPlane plane, uint64_t, sc_core::sc_time start, sc_core::sc_time tail) {
                const Plane& p = planes_[static_cast<size_t>(plane)];
                const uint64_t t0 = ps(start), t1 = ps(tail);
                vcd_->add_to(p.packets, t0, 1);
                vcd_->add_to(p.in_flight, t0, 1);
                vcd_->add_to(p.in_flight, t1, -1);
                vcd_->advance(now_ps());
            });
}

void WaveSession::on_transfer(const hw::NocTransfer& x) {
    VcdWriter& w = *vcd_;
    const auto& tr = *x.trans;
    const uint64_t t0 = ps(x.start), t1 = ps(x.end);
    const uint64_t addr = tr.get_address();
    uint32_t word = 0;
    if (tr.get_data_length() >= 4 && tr.get_data_ptr()) std::memcpy(&word, tr.get_data_ptr(), 4);
    if (auto it = regs_of_target_.find(x.target); it != regs_of_target_.end() && tr.is_write()) {
        const TileVars& t = *it->second;
        w.set(t.regs_addr, t0, addr - t.reg_base);
        w.set(t.regs_data, t0, word);
        w.add_to(t.regs_writes, t0, 1);
    }
    if (auto it = dma_of_initiator_.find(x.initiator); it != dma_of_initiator_.end()) {
        const TileVars& t = *it->second;
        const uint64_t len = tr.get_data_length(), beat = static_cast<uint64_t>(t.beat_bytes);
        w.set(t.dma_addr, t0, addr);
        w.set(t.dma_beats, t0, (len + beat - 1) / beat);
        w.set(t.dma_write, t0, tr.is_write() ? 1 : 0);
        w.add_to(t.dma_bursts, t0, 1);
        w.add_to(t.dma_in_flight, t0, 1);
        w.add_to(t.dma_in_flight, t1, -1);
    }
    if (plic_ && x.target == plic_target_ && addr == soc_.config().map.plic_base + hw::Plic::kClaimOffset) {
        if (tr.is_read()) {
            w.set(plic_->claim, t1, word);
            if (word) w.add_to(plic_->claims, t1, 1);
        } else if (tr.is_write()) {
            w.set(plic_->complete, t0, word);
        }
    }
    w.advance(now_ps());
}

void WaveSession::region(const hw::RegionKey& k, sc_core::sc_time t) {
    const uint64_t tp = ps(t);
    const auto it = region_index_.find(k);
    vcd_->set(v_region_, tp, it == region_index_.end() ? 0 : it->second);
    vcd_->set(v_layer_, tp, k.layer);
    vcd_->set(v_module_, tp, k.module);
    if (opt_.region) {
        // A marker without an operator (the RISC-V host's) selects by layer and module.
        const RegionSelector& sel = *opt_.region;
        const bool open = k.op.empty() ? RegionSelector{sel.layer, sel.module, "", sel.text}.matches(k) : sel.matches(k);
        if (open != region_open_) vcd_->gate(tp, open);
        region_open_ = open;
    }
    vcd_->advance(now_ps());
}

WaveResult WaveSession::finish() {
    WaveResult r;
    const uint64_t end = now_ps();
    r.end_cycle = static_cast<uint64_t>(static_cast<double>(end) / cpu_period_ps_);
    soc_.noc.set_transfer_observer(nullptr);
    soc_.noc.set_packet_observer(nullptr);
    vcd_->finish(end);
    if (rtl_) soc_.systolic().close_fst();
    auto cycle = [&](uint64_t t) { return static_cast<uint64_t>(static_cast<double>(t) / cpu_period_ps_); };
    if (!vcd_->wrote_any()) {
        r.empty = true;
        std::error_code ec;
        std::filesystem::remove(vcd_file_, ec);
        if (rtl_) std::filesystem::remove(rtl_file_, ec);
        return r;
    }
    write_filters();
    write_view();
    auto size = [](const std::string& p) {
        std::error_code ec;
        const auto s = std::filesystem::file_size(p, ec);
        return ec ? uint64_t{0} : static_cast<uint64_t>(s);
    };
    r.files.push_back({vcd_file_, size(vcd_file_),
                       fmt::format("VCD of the SoC, cycles {}:{}", cycle(vcd_->first_ps()), cycle(vcd_->last_ps()))});
    const std::string gtkw = path(opt_.target + ".gtkw");
    r.files.push_back({gtkw, size(gtkw), "GTKWave save file: gtkwave " + gtkw});
    for (const auto& f : filters_) r.files.push_back({f, size(f), "GTKWave translate filter"});
    if (vcd_->late_records())
        r.notes.push_back(fmt::format("{}: {} record(s) reached the writer after their time had been written and "
                                      "are shown up to {} ps late",
                                      std::filesystem::path(vcd_file_).filename().string(), vcd_->late_records(),
                                      vcd_->max_late_ps()));
    if (vcd_->capped())
        r.notes.push_back(fmt::format(
            "{}: stopped at the {} limit at cycle {} of the run's 0:{}; the cycles after it are not in the file "
            "(choose a part with --wave-window FROM:TO or --wave-operator, or raise --wave-limit)",
            std::filesystem::path(vcd_file_).filename().string(), human_bytes(opt_.limit_bytes), cycle(vcd_->cut_ps()),
            r.end_cycle));
    if (rtl_) {
        const auto& rtl = soc_.systolic().rtl();
        const double tp = soc_.systolic().period().to_seconds() * 1e12;
        r.files.push_back({rtl_file_, size(rtl_file_),
                           fmt::format("FST of the systolic RTL, {} array cycles", rtl.fst_traced_cycles())});
        write_rtl_view();
        r.files.push_back({path("systolic_rtl.gtkw"), size(path("systolic_rtl.gtkw")), "GTKWave save file of the RTL"});
        if (rtl.fst_cut_cycle() != UINT64_MAX)
            r.notes.push_back(fmt::format(
                "systolic_rtl.fst: stopped at the {} limit at cycle {} of the run's 0:{} ({} array cycles traced); "
                "later calls are not in the file (choose a part with --wave-window or --wave-operator, or raise "
                "--wave-limit)",
                human_bytes(opt_.limit_bytes),
                cycle(static_cast<uint64_t>(static_cast<double>(rtl.fst_cut_cycle()) * tp)), r.end_cycle,
                rtl.fst_traced_cycles()));
        else if (rtl.fst_traced_cycles() == 0)
            r.notes.push_back("systolic_rtl.fst: the array did not compute inside the window (it is clocked only "
                              "during calls), so the file holds no value changes");
    }
    return r;
}

}  // namespace edgebert::sim
