#include "sim/run/soc_runner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <optional>

#include "common/error.hpp"
#include "eb_edgebert.h"
#include "eb_executor.h"
#include "eb_systolic.h"
#include "hw/soc/native_hal.hpp"
#include "hw/soc/soc.hpp"
#include "sim/run/memory_report.hpp"
#include "sim/run/tile_checks_report.hpp"
#include "sim/run/tensor_readout.hpp"

#include <vector>

namespace edgebert::sim {

namespace {

// SystemC elaborates once per context: every run gets a fresh one. The previous
// context is kept, not destroyed (SystemC 2.3 cannot tear one down cleanly), and
// stays reachable, so LeakSanitizer does not report it.
void fresh_simcontext() {
    static auto* retired = new std::vector<sc_core::sc_simcontext*>;  // never destroyed
    if (sc_core::sc_curr_simcontext) retired->push_back(sc_core::sc_curr_simcontext);
    sc_core::sc_curr_simcontext = new sc_core::sc_simcontext();
    sc_core::sc_default_global_context = sc_core::sc_curr_simcontext;
}

// The program's outputs: thesis-mode programs have no logits and leave their
// result in the target's own format.
void read_outputs(hw::Dram& dram, const compiler::CompiledModel& m, RunResult& r, int lanes_of_tile) {
    const DramReader rd = [&](uint64_t a, void* d, size_t n) { dram.read(a, d, n); };
    const auto& out = m.program.tensors.at(m.hidden_out);
    const int lanes = lanes_of_tile;
    r.hidden = tensor_values(out, rd, lanes);
    r.output_bytes = tensor_bytes(out, rd, lanes);
    if (m.logits_out != compiler::kNoTensor) r.logits = tensor_values(m.program.tensors.at(m.logits_out), rd);
}

// A SoC config may lack an accelerator kind (a cpu-only run needs none): its
// statistics are then zero.
bool has_tile(const hw::Soc& soc, hw::TileKind k) { return !soc.config().tiles_of(k).empty(); }

// The tile's first refused command, for error messages.
std::string refusals(hw::Soc& soc) {
    if (!has_tile(soc, hw::TileKind::Edgebert)) return "";
    for (const auto& r : soc.edgebert().control.log())
        if (r.error != hw::regs::ErrorCause::kNone)
            return fmt::format("; the EdgeBERT tile refused {} command(s), the first {} ({}) at {}",
                               soc.edgebert().control.stats().errors, hw::regs::command_name(r.command),
                               hw::regs::error_cause_name(r.error), r.issued.to_string());
    return "";
}

// The EdgeBERT tile's statistics (energy events, the run report's bound).
void tile_events(hw::Soc& soc, const hw::SocConfig& soc_cfg, RunResult::Events& ev) {
    if (has_tile(soc, hw::TileKind::Systolic)) {
        const auto& sys = soc.systolic().stats();
        ev.systolic_macs = sys.macs;
        ev.systolic_compute_cycles = sys.compute_cycles;
        ev.systolic_dma_bytes = sys.bytes_moved();
    }
    if (!has_tile(soc, hw::TileKind::Edgebert)) return;
    auto& tile = soc.edgebert();
    ev.tile_macs = tile.pu.total_macs();
    ev.tile_gated_macs = tile.pu.total_gated_vector_ops() * static_cast<uint64_t>(soc_cfg.edgebert.lanes);
    for (const hw::Sram* s : {&tile.dec0.input_sram, &tile.dec0.mask_sram, &tile.dec1.input_sram,
                              &tile.dec1.mask_sram, &tile.sfu.aux_sram}) {
        ev.tile_sram_read_bits += s->row_reads() * uint64_t(s->row_bytes()) * 8;
        ev.tile_sram_write_bits += s->row_writes() * uint64_t(s->row_bytes()) * 8;
    }
    ev.tile_sfu_vectors = tile.sfu.total_vectors();
    ev.tile_sfu_arith_vectors = tile.sfu.total_arith_vectors();
    ev.tile_sfu_lut_accesses = tile.sfu.total_lut_accesses();
    ev.tile_busy_cycles = tile.pu.total_cycles() + tile.sfu.total_cycles();
}

// The tiles' command counts and the EdgeBERT tile's checks, for the report.
void tile_counts(hw::Soc& soc, RunResult& r) {
    if (has_tile(soc, hw::TileKind::Edgebert)) {
        r.tile_checks = tile_checks_json(soc.edgebert().control);
        r.edgebert_commands = soc.edgebert().control.log().size();
        for (const auto& rec : soc.edgebert().control.log()) r.edgebert_dma_bytes += rec.dma_bytes;
    }
    if (has_tile(soc, hw::TileKind::Systolic)) r.systolic_calls = soc.systolic().stats().calls;
}

}  // namespace

// The same program through the executor firmware on the RISC-V core.
RunResult run_on_iss(const hw::SocConfig& soc_cfg, const compiler::CompiledModel& m, const std::string& target_name,
                     const RunHooks& hooks) {
    // The executor ELF is linked for DRAM at kExecutorDramBase (firmware/common/link.ld)
    // and finds its descriptor at a fixed address there (FW_PROGRAM_DESC, executor.c).
    constexpr uint64_t kExecutorDramBase = 0x80000000;
    if (soc_cfg.dram.base != kExecutorDramBase)
        throw Error(fmt::format("{} program on the RISC-V core: the SoC config '{}' puts DRAM at field 'dram.base' = "
                                "0x{:x}, but the executor firmware is linked for DRAM at 0x{:x} "
                                "(firmware/common/link.ld); use that base with --host iss (the native host runs any)",
                                target_name, soc_cfg.name, soc_cfg.dram.base, kExecutorDramBase));
    fresh_simcontext();
    hw::Soc soc("soc", soc_cfg, /*with_iss=*/true);
    for (const auto& seg : m.program.image) soc.dram.write(seg.addr, seg.bytes.data(), seg.bytes.size());
    const std::vector<uint8_t> image = m.program.serialize();
    const uint64_t desc = soc_cfg.dram.base + compiler::kProgramArea;
    const uint64_t results = desc + 1024, prog = desc + 4096;
    if (prog + image.size() > soc_cfg.dram.base + compiler::kFirmwareReserved)
        throw Error(fmt::format("{} program ({} bytes) does not fit the loader's {} MiB area", target_name,
                                image.size(), (compiler::kFirmwareReserved - compiler::kProgramArea) >> 20));
    soc.dram.write(prog, image.data(), image.size());
    // The descriptor also carries the SoC's platform description (the same struct the
    // native host uses, identical layout on RV64 and x86-64), so the one executor ELF
    // runs on any SoC config, not only the one its header was generated from.
    const eb_platform platform = hw::platform_of(soc_cfg);
    const uint64_t d[6] = {0x43534544474f5250ull, prog, image.size(), results, soc_cfg.map.uart_base, sizeof platform};
    soc.dram.write(desc, d, sizeof d);
    soc.dram.write(desc + 64, &platform, sizeof platform);
    RunResult r;
    r.target = target_name;
    std::optional<WaveSession> waves;
    if (hooks.waves) {
        waves.emplace(soc, m, *hooks.waves);
        // The core's clock runs ahead of SystemC time, but not the stall of a register
        // access whose target waited (its mcycle lags then): never before now.
        soc.iss().set_region_observer([&](const hw::RegionKey& k, sc_core::sc_time t) {
            waves->region(k, std::max(t, sc_core::sc_time_stamp()));
        });
    }
    const auto t0 = std::chrono::steady_clock::now();
    const auto ir = soc.run_firmware(hooks.iss_executor, 1ull << 42);
    r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (waves) r.waves = waves->finish();
    if (!ir.exited || ir.exit_code != 0)
        throw Error(fmt::format("{} program on the RISC-V core: {} (exit code {}); UART: {}", target_name, ir.stop,
                                ir.exit_code, soc.uart.take_output()));
    r.total_cycles = ir.cycles;
    r.accounts = soc.iss().accounts();
    r.cpu_kinds = soc.iss().cpu_kinds();
    r.instructions = ir.instructions;
    read_outputs(soc.dram, m, r, soc.config().edgebert.lanes);
    // The executor's eb_exec_state (the same layout on RV64 and x86-64).
    eb_exec_state st{};
    soc.dram.read(results, &st, sizeof st);
    r.entropies.assign(st.results, st.results + m.entropy_slots);
    r.thesis_dma = {st.dma_words_read, st.dma_words_written, st.ref_read_cycles, st.ref_write_cycles};
    r.noc = soc.noc.stats_json();
    r.dram = soc.dram.stats_json();
    r.memory = memory_report(soc);
    tile_counts(soc, r);
    tile_events(soc, soc_cfg, r.events);
    r.events.dram_bits = (soc.dram.stats().bytes_read + soc.dram.stats().bytes_written +
                          soc.memory_tile().stats().dram_bytes_read + soc.memory_tile().stats().dram_bytes_written) * 8;
    for (auto plane : {hw::NocPlane::Dma, hw::NocPlane::Mmio, hw::NocPlane::Irq, hw::NocPlane::Coh})
        r.events.noc_flit_hops += soc.noc.plane_stats(plane).link_flits;
    r.events.host_cycles = ir.cycles;
    r.events.seconds = static_cast<double>(ir.cycles) / (soc_cfg.cpu_clock_mhz * 1e6);
    return r;
}

RunResult run_on_soc(const hw::SocConfig& soc_cfg, const compiler::CompiledModel& m, const std::string& target_name,
                     const RunHooks& hooks) {
    if (!hooks.iss_executor.empty()) return run_on_iss(soc_cfg, m, target_name, hooks);
    fresh_simcontext();
    hw::Soc soc("soc", soc_cfg);
    std::optional<WaveSession> waves;
    if (hooks.waves) waves.emplace(soc, m, *hooks.waves);
    for (const auto& seg : m.program.image) soc.dram.write(seg.addr, seg.bytes.data(), seg.bytes.size());
    const std::vector<uint8_t> image = m.program.serialize();
    eb_program prog{};
    if (eb_program_parse(image.data(), image.size(), &prog) != 0) throw Error("internal: compiled program does not parse");
    const eb_platform platform = hw::platform_of(soc_cfg);

    RunResult r;
    r.target = target_name;
    eb_exec_state state{};
    int rc = 0;
    uint64_t start = 0, end = 0;
    const auto t0 = std::chrono::steady_clock::now();
    if (hooks.on_region || waves)
        soc.host.set_region_observer([&](const hw::RegionKey& k) {
            if (waves) waves->region(k, sc_core::sc_time_stamp());
            if (hooks.on_region) hooks.on_region(k, soc.host.cycles());
        });
    soc.run([&](hw::NativeHost& host) {
        hw::NativeHalScope hal(host);
        if (platform.edgebert_base) eb_tile_init(&platform);
        if (platform.systolic_base) eb_systolic_init(&platform);
        host.reset_accounts();
        start = host.cycles();
        rc = eb_execute(&platform, &prog, &state);
        end = host.cycles();
    });
    r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (waves) r.waves = waves->finish();
    if (rc != 0) {
        const auto& in = prog.instrs[state.error_instr];
        throw Error(fmt::format("{} program failed at instruction {} (opcode {}, sub {}): error {}{} — see "
                                "`edgebert-sim compile --listing`",
                                target_name, state.error_instr, in.op, in.sub, rc, refusals(soc)));
    }
    r.total_cycles = end - start;
    r.accounts = soc.host.accounts();
    r.cpu_kinds = soc.host.cpu_kinds();
    r.instructions = state.instrs_done;
    read_outputs(soc.dram, m, r, soc.config().edgebert.lanes);
    r.entropies.assign(state.results, state.results + m.entropy_slots);
    r.thesis_dma = {state.dma_words_read, state.dma_words_written, state.ref_read_cycles, state.ref_write_cycles};
    r.noc = soc.noc.stats_json();
    r.dram = soc.dram.stats_json();
    r.memory = memory_report(soc);
    tile_counts(soc, r);
    auto& ev = r.events;
    tile_events(soc, soc_cfg, ev);
    ev.dram_bits = (soc.dram.stats().bytes_read + soc.dram.stats().bytes_written +
                    soc.memory_tile().stats().dram_bytes_read + soc.memory_tile().stats().dram_bytes_written) * 8;
    for (auto plane : {hw::NocPlane::Dma, hw::NocPlane::Mmio, hw::NocPlane::Irq, hw::NocPlane::Coh})
        ev.noc_flit_hops += soc.noc.plane_stats(plane).link_flits;
    ev.host_cycles = r.total_cycles;
    ev.seconds = static_cast<double>(r.total_cycles) / (soc_cfg.cpu_clock_mhz * 1e6);
    return r;
}

}  // namespace edgebert::sim
