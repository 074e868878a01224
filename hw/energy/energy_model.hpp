// Energy model: energy per event class at the nominal supply, scaled with
// V^2 for dynamic energy and with V for leakage power, and the V-f curve of
// the tile's DVFS levels. Every figure comes from one config file with its
// source (configs/energy/edgebert-12nm.json). Only the EdgeBERT tile sits
// behind the DVFS regulator; the CPU, NoC and DRAM run at their nominal points.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace edgebert::hw {

struct EnergyConfig {
    std::string technology = "12nm";
    double v_nominal = 0.8;
    std::map<std::string, double> events;   // name -> pJ
    std::map<std::string, double> leakage;  // block -> mW at v_nominal
    std::map<std::string, std::string> sources;
    std::vector<double> vf_v, vf_mhz;        // DVFS levels, ascending

    double event(const std::string& name) const;
    double leak(const std::string& block) const;
    int levels() const { return static_cast<int>(vf_v.size()); }
};

EnergyConfig load_energy_config(const std::string& path);
EnergyConfig parse_energy_config(const std::string& json_text, const std::string& origin);

// What a program did, for the energy model (from the SoC run's statistics).
struct EnergyEvents {
    // Which accelerator tiles count (their dynamic energy and their leakage
    // over `seconds`): a target's program powers its own tile only.
    bool edgebert_tile = true, systolic_tile = false;
    double tile_macs = 0, tile_gated_macs = 0;
    double tile_sram_read_bits = 0, tile_sram_write_bits = 0;
    double tile_sfu_vectors = 0;
    double tile_sfu_lut_accesses = 0;  // LUT extension: table reads, one per element (SFU class)
    double dram_bits = 0, noc_flit_hops = 0;
    double cpu_cycles = 0;
    // The systolic tile (nominal supply, not behind the tile's LDO): MACs of its
    // PEs, PE-cycles of the compute phase without a MAC (clocked, operand not
    // valid), and bits through its operand and C buffers.
    double systolic_macs = 0, systolic_idle_pe_cycles = 0;
    double systolic_buffer_read_bits = 0, systolic_buffer_write_bits = 0;
    double seconds = 0;  // how long the blocks were powered
};

struct EnergyBreakdown {
    // tile (the EdgeBERT tile, when counted), systolic (when counted), dram, noc, cpu (joules)
    std::map<std::string, double> by_block;
    // mac, sram, sfu, dram, noc, cpu_dynamic, leakage (joules); the systolic
    // tile's MACs and idle PE clocking are in mac, its buffers in sram.
    std::map<std::string, double> by_class;
    double dynamic_j = 0, leakage_j = 0, total_j = 0;
};

// Energy with the tile at supply `v_tile` (dynamic x (v/v_nom)^2, leakage x v/v_nom).
EnergyBreakdown compute_energy(const EnergyConfig& cfg, const EnergyEvents& ev, double v_tile);

}  // namespace edgebert::hw
