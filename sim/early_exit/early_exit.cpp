#include "sim/early_exit/early_exit.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "common/error.hpp"
#include "common/input_file.hpp"
#include "hw/edgebert/functional/sfu_ops.hpp"

namespace edgebert::sim {

namespace {

std::string read_csv_file(const std::string& path) {
    try {
        checked_input_file(path, "CSV table", kMaxTableBytes);
    } catch (const Error& e) {
        throw FileFormatError(e.what());
    }
    std::ifstream f(path, std::ios::binary);
    if (!f) throw FileFormatError(fmt::format("{}: cannot open file", path));
    std::ostringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

// `path` names the text in messages.
std::vector<std::vector<double>> read_csv(const std::string& text, const std::string& path, size_t min_cols) {
    std::istringstream f(text);
    std::vector<std::vector<double>> rows;
    std::string line;
    int lineno = 0;
    while (std::getline(f, line)) {
        ++lineno;
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        std::vector<double> row;
        std::stringstream ss(line);
        std::string cell;
        int col = 0;
        while (std::getline(ss, cell, ',')) {
            ++col;
            const auto b = cell.find_first_not_of(" \t\r"), e = cell.find_last_not_of(" \t\r");
            const std::string c = b == std::string::npos ? "" : cell.substr(b, e - b + 1);
            char* end = nullptr;
            const double v = std::strtod(c.c_str(), &end);
            if (c.empty() || *end != '\0' || !std::isfinite(v))
                throw FileFormatError(fmt::format("{}:{}: column {} '{}' is not a number", path, lineno, col, c));
            row.push_back(v);
        }
        if (row.size() < min_cols)
            throw FileFormatError(fmt::format("{}:{}: {} columns, at least {} expected", path, lineno, row.size(), min_cols));
        rows.push_back(std::move(row));
    }
    if (rows.empty()) throw FileFormatError(fmt::format("{}: no data rows", path));
    return rows;
}

}  // namespace

EntropyTrace load_entropy_trace(const std::string& path, int layers) {
    return parse_entropy_trace(read_csv_file(path), path, layers);
}

EntropyTrace parse_entropy_trace(const std::string& text, const std::string& path, int layers) {
    EntropyTrace t;
    t.path = path;
    t.layers = layers;
    t.rows = read_csv(text, path, static_cast<size_t>(layers));
    for (auto& r : t.rows) r.resize(static_cast<size_t>(layers));
    for (size_t i = 0; i < t.rows.size(); ++i)
        for (double h : t.rows[i])
            if (h < 0) throw FileFormatError(fmt::format("{}: sentence {}: negative entropy {}", path, i + 1, h));
    return t;
}

ExitLut load_exit_lut(const std::string& path) { return parse_exit_lut(read_csv_file(path), path); }

ExitLut parse_exit_lut(const std::string& text, const std::string& path) {
    ExitLut l;
    l.path = path;
    const auto rows = read_csv(text, path, 2);
    const size_t cols = rows.front().size();
    for (size_t i = 0; i < rows.size(); ++i) {
        if (rows[i].size() != cols)
            throw FileFormatError(fmt::format("{}: row {} has {} columns, the first has {}", path, i + 1, rows[i].size(), cols));
        l.h1.push_back(rows[i][0]);
        l.predicted.emplace_back(rows[i].begin() + 1, rows[i].end());
    }
    return l;
}

int predict_exit_layer(const ExitLut& lut, double h1, double threshold, int num_layers) {
    size_t best = 0;
    for (size_t i = 1; i < lut.h1.size(); ++i)
        if (std::fabs(lut.h1[i] - h1) < std::fabs(lut.h1[best] - h1)) best = i;
    const auto& p = lut.predicted[best];
    for (size_t j = 0; j < p.size() && static_cast<int>(j) + 2 < num_layers; ++j)
        if (p[j] < threshold) return static_cast<int>(j) + 2;
    return num_layers;
}

const char* policy_name(Policy p) {
    return p == Policy::None ? "none" : p == Policy::Conventional ? "conventional" : "edgebert";
}

std::vector<float> binary_logits_with_entropy(double h) {
    // H(p) = -p ln p - (1-p) ln(1-p) falls from ln 2 at p = 1/2 to 0 at p = 1: bisect p.
    h = std::clamp(h, 0.0, std::log(2.0));
    double lo = 0.5, hi = 1.0;
    for (int i = 0; i < 80; ++i) {
        const double p = 0.5 * (lo + hi);
        const double hp = -p * std::log(p) - (1 - p) * std::log1p(-p);
        (hp > h ? lo : hi) = p;
    }
    const double p = 0.5 * (lo + hi);
    const double z = std::log(p) - std::log1p(-p);
    return {static_cast<float>(z / 2), static_cast<float>(-z / 2)};
}

EntropyDecision entropy_unit_decision(const hw::EdgebertTileConfig& tile, double h, uint16_t threshold_q10) {
    // Two logits in lanes 0-1; the other lanes hold the most negative code so that
    // their exp() vanishes, as the compiler pads an off-ramp's logits.
    const auto z = binary_logits_with_entropy(h);
    const float zmax = std::max(std::fabs(z[0]), std::fabs(z[1]));
    const int bias = tile.bias_range.max;  // the widest range: room for the padding value
    (void)zmax;
    std::vector<uint8_t> row(static_cast<size_t>(tile.lanes), 0);
    row[0] = num::af_encode(z[0], tile.act_format, bias);
    row[1] = num::af_encode(z[1], tile.act_format, bias);
    const uint8_t most_negative = static_cast<uint8_t>(tile.act_format.sign_bit() | tile.act_format.magnitude_mask());
    for (int i = 2; i < tile.lanes; ++i) row[static_cast<size_t>(i)] = most_negative;
    const auto r = hw::fn::sfu_entropy(tile, row.data(), bias, 1, tile.lanes, threshold_q10);
    return {r.h_q10.at(0), r.exit};
}

std::vector<SentenceOutcome> replay(const EntropyTrace& trace, const ExitLut& lut, const std::vector<LayerCost>& costs,
                                    const hw::EdgebertTileConfig& tile, const ReplayConfig& rc, Policy policy) {
    if (costs.empty()) throw Error("early-exit replay: no layer costs");
    if (!(rc.target_latency_s > 0))
        throw Error(fmt::format("--target-latency {} must be > 0", rc.target_latency_s));
    const int top = static_cast<int>(costs.size()) - 1;
    auto tile_j = [](const LayerCost& c) {
        auto it = c.energy.by_block.find("tile");
        return it == c.energy.by_block.end() ? 0.0 : it->second;
    };
    const uint16_t thr = static_cast<uint16_t>(std::lround(std::clamp(rc.threshold, 0.0, 63.0) * 1024.0));
    const int ramps = std::min(trace.layers, rc.num_layers - 1);  // the last layer has the final classifier
    auto exits_at = [&](const std::vector<double>& hs, int layer) {  // 1-based layer
        return layer <= ramps && entropy_unit_decision(tile, hs[static_cast<size_t>(layer - 1)], thr).exit;
    };
    std::vector<SentenceOutcome> out;
    out.reserve(trace.rows.size());
    for (const auto& hs : trace.rows) {
        SentenceOutcome s;
        s.level = top;
        if (policy == Policy::None) {
            s.exit_layer = rc.num_layers;
        } else if (policy == Policy::Conventional) {
            int l = 1;
            while (l < rc.num_layers && !exits_at(hs, l)) ++l;
            s.exit_layer = l;
        } else {
            // Layer 1 at the top level; exit or predict the exit layer and slow down to meet T.
            if (exits_at(hs, 1)) {
                s.exit_layer = 1;
            } else {
                const int L = predict_exit_layer(lut, hs[0], rc.threshold, rc.num_layers);
                const int n = L - 1;
                const double t_left = rc.target_latency_s - costs[static_cast<size_t>(top)].latency_s;
                int chosen = -1;
                double best_e = 0;
                for (int i = 0; i <= top; ++i) {
                    const double t = n * costs[static_cast<size_t>(i)].latency_s + (i == top ? 0.0 : rc.switch_time_s);
                    const double e = n * costs[static_cast<size_t>(i)].energy_j;
                    if (t <= t_left && (chosen < 0 || e < best_e)) chosen = i, best_e = e;
                }
                s.level = chosen < 0 ? top : chosen;  // infeasible: run flat out, counted as a miss below
                int l = 2;
                while (l < L && !exits_at(hs, l)) ++l;
                s.exit_layer = l;
            }
        }
        const auto& c_top = costs[static_cast<size_t>(top)];
        const auto& c_lvl = costs[static_cast<size_t>(s.level)];
        if (policy == Policy::Edgebert && s.exit_layer > 1) {
            s.latency_s = c_top.latency_s + (s.exit_layer - 1) * c_lvl.latency_s + (s.level == top ? 0.0 : rc.switch_time_s);
            s.energy_j = c_top.energy_j + (s.exit_layer - 1) * c_lvl.energy_j;
            s.tile_energy_j = tile_j(c_top) + (s.exit_layer - 1) * tile_j(c_lvl);
        } else {
            s.latency_s = s.exit_layer * c_top.latency_s;
            s.energy_j = s.exit_layer * c_top.energy_j;
            s.tile_energy_j = s.exit_layer * tile_j(c_top);
        }
        // Split of the energy: layers at the top level, the rest at the chosen one.
        const int n_top = (policy == Policy::Edgebert && s.exit_layer > 1) ? 1 : s.exit_layer;
        const int n_lvl = s.exit_layer - n_top;
        for (const auto& [k, v] : c_top.energy.by_block) s.energy_by_block[k] += n_top * v;
        for (const auto& [k, v] : c_top.energy.by_class) s.energy_by_class[k] += n_top * v;
        for (const auto& [k, v] : c_lvl.energy.by_block) s.energy_by_block[k] += n_lvl * v;
        for (const auto& [k, v] : c_lvl.energy.by_class) s.energy_by_class[k] += n_lvl * v;
        s.miss = s.latency_s > rc.target_latency_s * (1 + 1e-12);
        out.push_back(s);
    }
    return out;
}

}  // namespace edgebert::sim
