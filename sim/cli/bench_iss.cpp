// `edgebert-sim bench iss`: the RISC-V core's speed (MIPS, simulated cycles
// per second) with the cache model on and off, on four programs: a mixed
// load / store / ALU loop over an L1-resident array and over one that misses
// the L2 on nearly every strided load, the firmware operator test and a plain
// integer loop.
#include <fmt/format.h>

#include <chrono>
#include <iostream>

#include "common/error.hpp"
#include "hw/soc/soc.hpp"
#include "sim/cli/bench.hpp"

namespace edgebert::cli {

namespace {

struct Sample {
    double wall_s = 0;
    uint64_t instructions = 0, cycles = 0;
};

Sample run_once(const hw::SocConfig& cfg, const std::string& elf) {
    sc_core::sc_curr_simcontext = new sc_core::sc_simcontext();
    sc_core::sc_default_global_context = sc_core::sc_curr_simcontext;
    hw::Soc soc("soc", cfg, /*with_iss=*/true);
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = soc.run_firmware(elf, 1ull << 40);
    Sample s;
    s.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!r.exited || r.exit_code != 0)
        throw Error(fmt::format("bench iss: {} ended with {} (exit code {})", elf, r.stop, r.exit_code));
    s.instructions = r.instructions;
    s.cycles = r.cycles;
    return s;
}

}  // namespace

boost::json::object bench_iss(const hw::SocConfig& cfg, const std::string& firmware_dir, int repeats) {
    const std::vector<std::pair<std::string, std::string>> programs = {
        {"mixed loop, L1-resident", "bench_mix_l1.elf"},
        {"mixed loop, misses the L2", "bench_mix.elf"},
        {"firmware operator test", "fw_ops_test.elf"},
        {"plain integer loop", "bench_alu.elf"}};
    hw::SocConfig off = cfg;
    off.caches.enabled = false;
    boost::json::array rows;
    std::cout << fmt::format("{:<28} {:>8} {:>14} {:>10} {:>10} {:>10}\n", "program", "caches", "instructions",
                             "cycles/ins", "MIPS", "M cyc/s");
    for (const auto& [label, file] : programs) {
        const std::string elf = firmware_dir + "/" + file;
        boost::json::object row{{"program", label}, {"elf", file}};
        double mips_on = 0, mips_off = 0;
        for (const bool on : {true, false}) {
            Sample best;
            for (int i = 0; i < repeats; ++i) {
                const Sample s = run_once(on ? cfg : off, elf);
                if (i == 0 || s.wall_s < best.wall_s) best = s;
            }
            const double mips = best.instructions / best.wall_s / 1e6;
            (on ? mips_on : mips_off) = mips;
            row[on ? "caches_on" : "caches_off"] = {{"instructions", best.instructions}, {"cycles", best.cycles},
                                                    {"wall_s", best.wall_s}, {"mips", mips},
                                                    {"cycles_per_s", best.cycles / best.wall_s}};
            std::cout << fmt::format("{:<28} {:>8} {:>14} {:>10.2f} {:>10.1f} {:>10.1f}\n", label, on ? "on" : "off",
                                     best.instructions, double(best.cycles) / double(best.instructions), mips,
                                     best.cycles / best.wall_s / 1e6);
        }
        row["speed_on_over_off"] = mips_on / mips_off;
        std::cout << fmt::format("{:<28} caches on keep {:.0f} % of the speed with caches off\n", "", 100 * mips_on / mips_off);
        rows.push_back(std::move(row));
    }
    return {{"benchmark", "iss"}, {"soc", cfg.name}, {"repeats", repeats}, {"programs", std::move(rows)}};
}

}  // namespace edgebert::cli
