#include "sim/sweep/sweep_spec.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "common/error.hpp"
#include "compiler/lower/lowering.hpp"
#include "hw/soc/soc_config.hpp"
#include "sim/cli/cli_common.hpp"

namespace edgebert::sweep {

namespace json = boost::json;

namespace {

// More points than this is a typo in a grid, not a design-space study.
constexpr size_t kMaxPoints = 100000;

std::string key_list(const std::vector<std::string>& keys) {
    std::string out;
    for (const auto& k : keys) out += (out.empty() ? "" : ", ") + k;
    return out;
}

bool is_scalar(const json::value& v) { return v.is_number() || v.is_string() || v.is_bool(); }

std::string point_text(const json::object& values) {
    std::string out;
    for (const auto& kv : values)
        out += fmt::format("{}{} = {}", out.empty() ? "" : ", ", std::string(kv.key()), value_text(kv.value()));
    return out;
}

// Numbers as JSON numbers, everything else as it reads.
json::value parse_literal(const std::string& token) {
    std::error_code ec;
    json::value v = json::parse(token, ec);
    if (!ec && is_scalar(v)) return v;
    return json::string(token);
}

bool as_int(const json::value& v, int64_t& out) {
    if (v.is_int64()) { out = v.as_int64(); return true; }
    if (v.is_uint64() && v.as_uint64() <= uint64_t(INT64_MAX)) { out = int64_t(v.as_uint64()); return true; }
    if (v.is_double() && std::floor(v.as_double()) == v.as_double() && std::fabs(v.as_double()) < 9e15) {
        out = int64_t(v.as_double());
        return true;
    }
    return false;
}

// A workload value (fixed or swept) the run command would refuse: its reason, or "".
std::string workload_problem(const std::string& key, const json::value& v, const model::AlbertConfig& m) {
    int64_t i = 0;
    if (key == "targets" || key == "mode") {
        if (!v.is_string()) return "must be a string";
        const std::string s(v.as_string());
        try {
            if (key == "mode") {
                compiler::parse_mode(s);
                return "";
            }
            size_t n = 0, start = 0;
            while (start <= s.size()) {
                const size_t comma = std::min(s.find(',', start), s.size());
                const std::string t = s.substr(start, comma - start);
                if (t.empty()) return "an empty target in the list (allowed: edgebert, systolic, cpu, comma-separated)";
                compiler::parse_target(t);
                ++n;
                start = comma + 1;
            }
            return n ? "" : "no target named";
        } catch (const Error& e) {
            return e.what();
        }
    }
    if (key == "prune") {
        if (!v.is_number()) return "must be a number";
        const double p = v.to_number<double>();
        return p >= 0 && p < 1 ? "" : "out of range [0, 1)";
    }
    if (key == "seq_len") {
        if (!as_int(v, i)) return "must be an integer";
        return i >= 1 && i <= m.max_position_embeddings
                   ? ""
                   : fmt::format("out of range [1, {}] for model '{}' (max_position_embeddings)",
                                 m.max_position_embeddings, m.name);
    }
    if (key == "layers") {
        if (!as_int(v, i)) return "must be an integer";
        return i >= 1 && i <= m.num_hidden_layers
                   ? ""
                   : fmt::format("out of range [1, {}] for model '{}'", m.num_hidden_layers, m.name);
    }
    if (key == "seed") return as_int(v, i) && i >= 0 ? "" : "must be a non-negative integer";
    return "";
}

}  // namespace

const std::vector<std::string>& workload_keys() {
    static const std::vector<std::string> k = {"targets", "mode", "prune", "seq_len", "layers", "seed"};
    return k;
}

const std::vector<std::string>& fixed_option_keys() {
    static const std::vector<std::string> k = {"soc",    "model",   "weights", "seed", "seq_len",
                                               "layers", "targets", "mode",    "prune"};
    return k;
}

std::string normalize_key(const std::string& key) { return key == "seq-len" ? "seq_len" : key; }

bool is_workload_key(const std::string& key) {
    const auto& k = workload_keys();
    return std::find(k.begin(), k.end(), normalize_key(key)) != k.end();
}

std::string value_text(const json::value& v) {
    if (v.is_string()) return std::string(v.as_string());
    if (v.is_double()) return fmt::format("{}", v.as_double());
    return json::serialize(v);
}

std::pair<std::string, json::array> parse_set(const std::string& arg) {
    const auto eq = arg.find('=');
    if (eq == std::string::npos || eq == 0)
        throw UsageError(fmt::format("--set '{}' must be PATH=V1,V2,... (e.g. edgebert.num_vmacs=8,16,32)", arg));
    const std::string key = normalize_key(arg.substr(0, eq));
    const std::string text = arg.substr(eq + 1);
    json::array values;
    // JSON first, so quoted strings may hold commas ("edgebert,cpu","cpu").
    std::error_code ec;
    json::value whole = json::parse("[" + text + "]", ec);
    if (!ec) {
        values = whole.as_array();
    } else {
        size_t start = 0;
        while (start <= text.size()) {
            const size_t comma = std::min(text.find(',', start), text.size());
            const std::string token = text.substr(start, comma - start);
            if (token.empty() && !text.empty())
                throw UsageError(fmt::format("--set {}: empty value in '{}'", key, text));
            if (!token.empty()) values.push_back(parse_literal(token));
            start = comma + 1;
        }
    }
    if (values.empty()) throw Error(fmt::format("sweep: {} has no values (an empty grid): --set {}=V1,V2,...", key, key));
    for (const auto& v : values)
        if (!is_scalar(v))
            throw UsageError(fmt::format("--set {}: value {} is not a number, string or boolean", key,
                                         json::serialize(v)));
    return {key, values};
}

SweepPlan make_plan(const json::value* spec, const std::string& spec_path,
                    const std::vector<std::pair<std::string, json::array>>& sets, const json::object& fixed) {
    SweepPlan plan;
    const std::string where = spec ? spec_path : std::string("--set");
    std::vector<std::pair<std::string, json::array>> grid;
    std::vector<json::object> explicit_points;
    auto add_key = [&](const std::string& raw, const std::string& origin) {
        const std::string key = normalize_key(raw);
        if (key.empty()) throw Error(fmt::format("{}: empty key", origin));
        if (std::find(plan.keys.begin(), plan.keys.end(), key) != plan.keys.end())
            throw Error(fmt::format("sweep: {} is swept twice ({})", key, origin));
        plan.keys.push_back(key);
        return key;
    };

    if (spec) {
        if (!spec->is_object()) throw Error(fmt::format("{}: a sweep spec must be a JSON object", spec_path));
        const auto& s = spec->as_object();
        for (const auto& kv : s) {
            const std::string k(kv.key());
            if (k != "grid" && k != "points" && k != "workload" && k != "_comment")
                throw Error(fmt::format("{}: unknown field '{}' (known: grid, points, workload, _comment)", spec_path, k));
        }
        if (s.contains("grid") == s.contains("points"))
            throw Error(fmt::format("{}: give either 'grid' (every combination) or 'points' (an explicit list)", spec_path));
        if (s.contains("grid")) {
            if (!s.at("grid").is_object()) throw Error(fmt::format("{}: 'grid' must be an object {{path: [values]}}", spec_path));
            for (const auto& kv : s.at("grid").as_object()) {
                const std::string key = add_key(std::string(kv.key()), spec_path);
                json::array values;
                if (kv.value().is_array()) values = kv.value().as_array();
                else values.push_back(kv.value());
                if (values.empty())
                    throw Error(fmt::format("{}: grid.{} has no values (an empty grid)", spec_path, key));
                for (const auto& v : values)
                    if (!is_scalar(v))
                        throw Error(fmt::format("{}: grid.{}: value {} is not a number, string or boolean", spec_path,
                                                key, json::serialize(v)));
                grid.emplace_back(key, values);
            }
        } else {
            if (!s.at("points").is_array()) throw Error(fmt::format("{}: 'points' must be an array of objects", spec_path));
            const auto& pts = s.at("points").as_array();
            if (pts.empty()) throw Error(fmt::format("{}: 'points' is empty (an empty grid)", spec_path));
            for (size_t i = 0; i < pts.size(); ++i) {
                if (!pts[i].is_object() || pts[i].as_object().empty())
                    throw Error(fmt::format("{}: points[{}] must be a non-empty object {{path: value}}", spec_path, i));
                json::object p;
                std::vector<std::string> keys;
                for (const auto& kv : pts[i].as_object()) {
                    const std::string key = normalize_key(std::string(kv.key()));
                    if (!is_scalar(kv.value()))
                        throw Error(fmt::format("{}: points[{}].{}: value {} is not a number, string or boolean",
                                                spec_path, i, key, json::serialize(kv.value())));
                    if (i == 0) add_key(key, spec_path);
                    keys.push_back(key);
                    p[key] = kv.value();
                }
                std::vector<std::string> a = keys, b = plan.keys;
                std::sort(a.begin(), a.end());
                std::sort(b.begin(), b.end());
                if (a != b)
                    throw Error(fmt::format("{}: points[{}] sets {}, points[0] sets {}: every point must set the same keys",
                                            spec_path, i, key_list(keys), key_list(plan.keys)));
                explicit_points.push_back(std::move(p));
            }
        }
        if (s.contains("workload")) {
            if (!s.at("workload").is_object()) throw Error(fmt::format("{}: 'workload' must be an object", spec_path));
            const auto base = std::filesystem::absolute(spec_path).parent_path();
            for (const auto& kv : s.at("workload").as_object()) {
                const std::string k = normalize_key(std::string(kv.key()));
                const auto& fk = fixed_option_keys();
                if (std::find(fk.begin(), fk.end(), k) == fk.end())
                    throw Error(fmt::format("{}: workload: unknown option '{}' (known: {})", spec_path, k, key_list(fk)));
                json::value v = kv.value();
                if ((k == "soc" || k == "model" || k == "weights")) {
                    if (!v.is_string()) throw Error(fmt::format("{}: workload.{} must be a file path", spec_path, k));
                    v = json::string(std::filesystem::absolute(base / std::string(v.as_string())).lexically_normal().string());
                }
                plan.fixed[k] = v;
            }
        }
    }
    if (!sets.empty() && !explicit_points.empty())
        throw Error(fmt::format("{}: --set adds grid axes, but the spec lists explicit 'points'", spec_path));
    for (const auto& [key, values] : sets) grid.emplace_back(add_key(key, "--set"), values);
    if (plan.keys.empty()) throw Error("sweep: nothing to sweep: give SPEC.json or --set PATH=V1,V2,...");
    for (const auto& kv : fixed) plan.fixed[kv.key()] = kv.value();  // the command line wins
    for (const auto& k : plan.keys)
        if (plan.fixed.contains(k))
            throw Error(fmt::format("sweep: {} is both swept and fixed ({}): drop one", k,
                                    value_text(plan.fixed.at(k))));

    if (explicit_points.empty()) {
        size_t n = 1;
        for (const auto& [key, values] : grid) {
            n *= values.size();
            if (n > kMaxPoints)
                throw Error(fmt::format("{}: the grid has more than {} points", where, kMaxPoints));
        }
        // The last key varies fastest, as nested loops in the order given.
        for (size_t i = 0; i < n; ++i) {
            json::object p;
            size_t rest = i;
            std::vector<json::value> picked(grid.size());
            for (size_t a = grid.size(); a-- > 0;) {
                picked[a] = grid[a].second[rest % grid[a].second.size()];
                rest /= grid[a].second.size();
            }
            for (size_t a = 0; a < grid.size(); ++a) p[grid[a].first] = picked[a];
            explicit_points.push_back(std::move(p));
        }
    } else if (explicit_points.size() > kMaxPoints) {
        throw Error(fmt::format("{}: more than {} points", where, kMaxPoints));
    }
    const int width = std::max<int>(4, int(std::to_string(explicit_points.size() - 1).size()));
    for (size_t i = 0; i < explicit_points.size(); ++i) {
        json::object ordered;
        for (const auto& k : plan.keys) ordered[k] = explicit_points[i].at(k);
        plan.points.push_back({fmt::format("p{:0{}}", i, width), std::move(ordered)});
    }
    return plan;
}

void apply_override(json::value& config, const std::string& path, const json::value& v) {
    json::value* node = &config;
    size_t start = 0;
    std::string walked;
    while (true) {
        const size_t dot = path.find('.', start);
        const std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (part.empty()) throw Error(fmt::format("sweep: '{}' is not a dotted config path (empty part)", path));
        const bool last = dot == std::string::npos;
        if (node->is_array()) {
            auto& arr = node->as_array();
            size_t idx = 0;
            if (part.find_first_not_of("0123456789") != std::string::npos || part.size() > 9 ||
                (idx = std::stoul(part)) >= arr.size())
                throw Error(fmt::format("sweep: {}: '{}' is a list of {} entries: '{}' is not an index in [0, {}]",
                                        path, walked, arr.size(), part, arr.size() ? arr.size() - 1 : 0));
            node = &arr[idx];
        } else if (node->is_object()) {
            auto& obj = node->as_object();
            // Missing objects are created: a field left at its default can be swept.
            if (!obj.contains(part)) obj[part] = last ? v : json::value(json::object());
            node = &obj[part];
        } else {
            throw Error(fmt::format("sweep: {}: '{}' is {}, not an object with fields", path, walked,
                                    value_text(*node)));
        }
        walked += (walked.empty() ? "" : ".") + part;
        if (last) break;
        start = dot + 1;
    }
    *node = v;
}

std::vector<json::value> check_plan(const SweepPlan& plan, const json::value& base_soc,
                                    const std::string& base_origin) {
    const std::string model_path =
        plan.fixed.contains("model") ? std::string(plan.fixed.at("model").as_string()) : std::string();
    const auto model = cli::load_model_config(model_path);
    for (const auto& kv : plan.fixed) {
        const std::string k(kv.key());
        const auto problem = workload_problem(k, kv.value(), model);
        if (!problem.empty())
            throw Error(fmt::format("sweep: the fixed option {} = {} is refused: {}", k, value_text(kv.value()), problem));
    }
    // Each value alone first: the message then names exactly one path and value.
    std::set<std::string> tried;
    for (const auto& p : plan.points)
        for (const auto& kv : p.values) {
            const std::string key(kv.key());
            if (!tried.insert(key + "=" + json::serialize(kv.value())).second) continue;
            const std::string where = fmt::format("sweep: {} = {}", key, value_text(kv.value()));
            if (is_workload_key(key)) {
                const auto problem = workload_problem(key, kv.value(), model);
                if (!problem.empty()) throw Error(fmt::format("{} is refused: {}", where, problem));
                continue;
            }
            json::value doc = base_soc;
            apply_override(doc, key, kv.value());
            try {
                hw::parse_soc_config(json::serialize(doc), base_origin);
            } catch (const Error& e) {
                throw Error(fmt::format("{} is refused: {}", where, e.what()));
            }
        }
    std::vector<json::value> docs;
    for (const auto& p : plan.points) {
        json::value doc = base_soc;
        for (const auto& kv : p.values)
            if (!is_workload_key(std::string(kv.key()))) apply_override(doc, std::string(kv.key()), kv.value());
        try {
            hw::parse_soc_config(json::serialize(doc), base_origin);
        } catch (const Error& e) {
            throw Error(fmt::format("sweep: point {} ({}) is refused: {}", p.id, point_text(p.values), e.what()));
        }
        docs.push_back(std::move(doc));
    }
    return docs;
}

}  // namespace edgebert::sweep
