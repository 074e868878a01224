// Runs a compiled program on a freshly elaborated SoC with the native host,
// and returns its cycles, per-region / per-category accounting and outputs.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/lower/lowering.hpp"
#include "hw/soc/native_host.hpp"
#include "hw/soc/soc_config.hpp"
#include "sim/run/wave_session.hpp"

namespace edgebert::sim {

struct RunResult {
    std::string target;
    uint64_t total_cycles = 0;               // host cycles from program start to end
    std::map<hw::RegionKey, hw::CategoryCycles> accounts;
    hw::CpuKindCycles cpu_kinds{};           // cpu_compute by kind of work (eb_cpu_kind)
    std::vector<float> hidden;               // last hidden states (seq x hidden; thesis: the last output)
    std::vector<uint8_t> output_bytes;       // the same tensor's raw elements, for bit-exact comparisons
    std::vector<float> logits;               // empty in thesis mode
    std::vector<float> entropies;
    double wall_s = 0;
    uint64_t instructions = 0;
    boost::json::object noc, dram;           // statistics of the run
    boost::json::object memory;              // caches, DMA coherence, warnings (sim/run/memory_report.hpp)
    boost::json::object tile_checks;         // the EdgeBERT tile's checks (sim/run/tile_checks_report.hpp)
    WaveResult waves;                        // RunHooks::waves: the files written
    uint64_t edgebert_commands = 0, systolic_calls = 0;
    uint64_t edgebert_dma_bytes = 0;         // bytes the tile's DMA engines moved
    // Thesis mode's DMA bookkeeping (runtime/include/eb_thesis.h), for the silicon DMA projection.
    struct ThesisDma {
        uint64_t words_read = 0, words_written = 0, ref_read_cycles = 0, ref_write_cycles = 0;
    } thesis_dma;

    // Event counts for the energy model (hw/energy).
    struct Events {
        uint64_t tile_macs = 0;            // MACs issued (both vectors non-zero)
        uint64_t tile_gated_macs = 0;      // MACs skipped or gated by zero vectors
        uint64_t tile_sram_read_bits = 0;  // decoder input + mask + aux SRAM reads
        uint64_t tile_sram_write_bits = 0;
        uint64_t tile_sfu_vectors = 0;     // vectors through the special-function unit (every pass, LUT included)
        uint64_t tile_sfu_arith_vectors = 0;  // of which arithmetic (not the LUT extension's)
        uint64_t tile_sfu_lut_accesses = 0;   // LUT extension: table reads, one per element
        uint64_t tile_busy_cycles = 0;     // PU + SFU busy (tile clock)
        uint64_t dram_bits = 0;            // bits read + written at the DRAM
        uint64_t noc_flit_hops = 0;        // flits x links crossed, every plane
        uint64_t systolic_macs = 0;           // the systolic array's MACs (completed calls)
        uint64_t systolic_compute_cycles = 0; // its clocked compute cycles (tile clock)
        uint64_t systolic_dma_bytes = 0;      // its DMA traffic, read + written (through its buffers)
        uint64_t host_cycles = 0;          // the CPU's cycles (whole program)
        double seconds = 0;                // simulated time of the program
    } events;
};

struct RunHooks {
    // Called when the program enters a region (for the progress line).
    std::function<void(const hw::RegionKey&, uint64_t cycles)> on_region;
    // Set: write the run's waveforms (sim/run/wave_session.hpp); RunResult::waves says what was written.
    std::optional<WaveOptions> waves;
    // Non-empty: run on the RISC-V core with this executor firmware (firmware/apps/executor.c)
    // instead of the native host.
    std::string iss_executor;
};

// Elaborates a new SoC (in a fresh SystemC context), loads the program's DRAM
// image, runs it to completion and collects the results. Throws Error if the
// program fails (naming the instruction and the tile's error cause).
RunResult run_on_soc(const hw::SocConfig& soc, const compiler::CompiledModel& m, const std::string& target_name,
                     const RunHooks& hooks = {});

}  // namespace edgebert::sim
