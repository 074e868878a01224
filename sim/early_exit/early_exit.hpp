// Sentence-level early exit with DVFS (EdgeBERT's policy) replayed over
// measured off-ramp entropies: each sentence's exit follows its trace, the
// decisions go through the tile's entropy unit (bit-accurate), and cycles and
// energy come from layers simulated on the SoC once per V/f level.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "hw/edgebert/tile_config.hpp"
#include "hw/energy/energy_model.hpp"

namespace edgebert::sim {

// Off-ramp entropies per sentence, layers 1..layers (CSV, one sentence per line).
struct EntropyTrace {
    std::string path;
    int layers = 11;
    std::vector<std::vector<double>> rows;
};
// Uses the first `layers` columns; every line must have at least that many numbers.
EntropyTrace load_entropy_trace(const std::string& path, int layers = 11);
// The same from CSV text in memory; `origin` stands for the file in messages.
EntropyTrace parse_entropy_trace(const std::string& text, const std::string& origin, int layers = 11);

// Exit-prediction table: column 1 the layer-1 entropy, then the predicted entropies of layers 2..
struct ExitLut {
    std::string path;
    std::vector<double> h1;
    std::vector<std::vector<double>> predicted;
};
ExitLut load_exit_lut(const std::string& path);
ExitLut parse_exit_lut(const std::string& text, const std::string& origin);
// The row nearest h1 (as the original software); the first layer whose predicted
// entropy is below the threshold, or num_layers if none.
int predict_exit_layer(const ExitLut& lut, double h1, double threshold, int num_layers);

// The tile's entropy unit on the two-class logits whose entropy is `h`:
// AdaptivFloat logits, fixed-point entropy, exit if H <= threshold (Q6.10).
struct EntropyDecision {
    uint16_t h_q10 = 0;
    bool exit = false;
};
std::vector<float> binary_logits_with_entropy(double h);
EntropyDecision entropy_unit_decision(const hw::EdgebertTileConfig& tile, double h, uint16_t threshold_q10);

// One encoder layer (+ its off-ramp) simulated at one DVFS level.
struct LayerCost {
    double v = 0, f_mhz = 0;   // supply and the ADPLL frequency actually reached
    double latency_s = 0;
    double energy_j = 0;
    hw::EnergyBreakdown energy;
    uint64_t host_cycles = 0;
};

enum class Policy { None, Conventional, Edgebert };
const char* policy_name(Policy p);

struct SentenceOutcome {
    int exit_layer = 0;
    int level = 0;           // DVFS level of layers 2.. (edgebert policy)
    double latency_s = 0, energy_j = 0;
    double tile_energy_j = 0;  // the EdgeBERT tile alone (the part behind the DVFS regulator)
    std::map<std::string, double> energy_by_block, energy_by_class;  // joules
    bool miss = false;
};

struct ReplayConfig {
    int num_layers = 12;
    double threshold = 0.28;      // E_T
    double target_latency_s = 0;  // T
    double switch_time_s = 0;     // LDO settle + ADPLL lock between the top level and another
};

// Replays every sentence of the trace under `policy` with the per-level layer costs.
std::vector<SentenceOutcome> replay(const EntropyTrace& trace, const ExitLut& lut, const std::vector<LayerCost>& costs,
                                    const hw::EdgebertTileConfig& tile, const ReplayConfig& rc, Policy policy);

}  // namespace edgebert::sim
