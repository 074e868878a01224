#include "sim/sweep/sweep_results.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/error.hpp"
#include "common/json_reader.hpp"
#include "common/json_writer.hpp"
#include "sim/sweep/sweep_plan.hpp"

namespace edgebert::sweep {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* kFormat = "edgebert-sim sweep results 1";
const std::vector<std::string> kTargetOrder = {"edgebert", "systolic", "cpu"};
// The figures of a row, in column order, and where a run report keeps them
// (relative to targets.<t>; "/" starts at the report's root).
const std::vector<std::pair<std::string, std::string>> kFigures = {
    {"total_cycles", "total_cycles"},   {"energy_j", "energy.total_j"},       {"area_mm2", "area.total_mm2"},
    {"cosine", "accuracy.cosine"},      {"bound_cycles", "bound.bound_cycles"}};

const json::value* at_path(const json::value& v, const std::string& path) {
    const json::value* node = &v;
    std::stringstream ss(path);
    std::string part;
    while (std::getline(ss, part, '.')) {
        const auto* o = node->if_object();
        if (!o || !(node = o->if_contains(part))) return nullptr;
    }
    return node;
}

json::value number_or_null(const json::value* v) { return v && v->is_number() ? *v : json::value(nullptr); }

std::string last_line(const std::string& path) {
    std::ifstream f(path);
    std::string line, last;
    while (std::getline(f, line))
        if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
    return last;
}

bool same_value(const json::value& a, const json::value& b) {
    if (a.is_number() && b.is_number()) return a.to_number<double>() == b.to_number<double>();
    return a == b;
}

std::vector<std::string> split_targets(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string t;
    while (std::getline(ss, t, ','))
        if (!t.empty()) out.push_back(t);
    return out;
}

std::string csv_cell(const json::value& v) {
    if (v.is_null()) return "";
    std::string s = value_text(v);
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

}  // namespace

const char* status_name(PointStatus s) {
    switch (s) {
        case PointStatus::Ok: return "ok";
        case PointStatus::Failed: return "failed";
        case PointStatus::Incomplete: return "incomplete";
        case PointStatus::NotRun: return "not_run";
    }
    return "?";
}

size_t Collected::count(PointStatus s) const {
    return size_t(std::count_if(points.begin(), points.end(), [&](const PointResult& p) { return p.status == s; }));
}

Collected collect(const std::string& dir, const SweepPlan& plan) {
    Collected c;
    json::array rows;
    const json::object published = published_values(plan);
    json::value published_point = nullptr;
    for (const auto& p : plan.points) {
        const fs::path pdir = point_dir(dir, p.id);
        PointResult pr{p.id, PointStatus::NotRun, {}};
        json::value report;
        std::error_code ec;
        if (fs::exists(pdir / "report.json")) {
            try {
                report = parse_json_file((pdir / "report.json").string());
                if (!report.is_object() || !report.as_object().contains("targets"))
                    throw Error(fmt::format("{}: not a run report (no 'targets')", (pdir / "report.json").string()));
                pr.status = PointStatus::Ok;
            } catch (const Error& e) {
                pr.status = PointStatus::Failed;
                pr.error = e.what();
            }
        } else if (fs::exists(pdir / "stderr.txt") && fs::file_size(pdir / "stderr.txt", ec) > 0) {
            pr.status = PointStatus::Failed;
            pr.error = last_line((pdir / "stderr.txt").string());
        } else if (fs::exists(pdir / "stdout.txt")) {
            pr.status = PointStatus::Incomplete;
        }
        bool is_published = true;
        for (const auto& k : plan.keys)
            is_published = is_published && same_value(p.values.at(k), published.at(k));
        if (is_published && published_point.is_null()) published_point = json::string(p.id);

        std::vector<std::string> targets;
        if (pr.status == PointStatus::Ok) {
            for (const auto& kv : report.at("targets").as_object()) targets.push_back(std::string(kv.key()));
            std::stable_sort(targets.begin(), targets.end(), [](const std::string& a, const std::string& b) {
                auto rank = [](const std::string& t) {
                    return std::find(kTargetOrder.begin(), kTargetOrder.end(), t) - kTargetOrder.begin();
                };
                return rank(a) < rank(b);
            });
        } else {
            const json::value* t = p.values.if_contains("targets");
            if (!t) t = plan.fixed.if_contains("targets");
            targets = split_targets(t ? value_text(*t) : std::string("edgebert,systolic,cpu"));
        }
        for (const auto& t : targets) {
            json::object row;
            row["point"] = p.id;
            row["values"] = p.values;
            row["target"] = t;
            row["status"] = status_name(pr.status);
            const json::value* tj = pr.status == PointStatus::Ok ? at_path(report, "targets." + t) : nullptr;
            for (const auto& [name, where] : kFigures) {
                json::value v = tj ? number_or_null(at_path(*tj, where)) : json::value(nullptr);
                // Reports before per-target accuracy keep EdgeBERT's at the root.
                if (name == "cosine" && v.is_null() && tj && t == "edgebert")
                    v = number_or_null(at_path(report, "accuracy.cosine"));
                row[name] = v;
            }
            const json::value* hash = pr.status == PointStatus::Ok ? at_path(report, "config.hash") : nullptr;
            row["config_hash"] = hash && hash->is_string() ? *hash : json::value(nullptr);
            row["error"] = pr.error.empty() ? json::value(nullptr) : json::value(json::string(pr.error));
            row["report"] = (fs::path("points") / p.id / "report.json").string();
            rows.push_back(std::move(row));
        }
        c.points.push_back(std::move(pr));
    }
    json::array keys;
    for (const auto& k : plan.keys) keys.push_back(json::string(k));
    json::object& r = c.results;
    r["format"] = kFormat;
    r["dir"] = fs::absolute(dir).lexically_normal().string();
    r["keys"] = keys;
    r["fixed"] = plan.fixed;
    r["published"] = {{"values", published}, {"point", published_point}};
    r["summary"] = {{"points", plan.points.size()},
                    {"ok", c.count(PointStatus::Ok)},
                    {"failed", c.count(PointStatus::Failed)},
                    {"incomplete", c.count(PointStatus::Incomplete)},
                    {"not_run", c.count(PointStatus::NotRun)}};
    r["rows"] = rows;
    return c;
}

void write_results(const std::string& dir, const Collected& c) {
    write_json_file((fs::path(dir) / "results.json").string(), c.results);
    std::string csv = "point";
    const auto& keys = c.results.at("keys").as_array();
    for (const auto& k : keys) csv += "," + csv_cell(k);
    csv += ",target,status";
    for (const auto& f : kFigures) csv += "," + f.first;
    csv += ",config_hash,error\n";
    for (const auto& rv : c.results.at("rows").as_array()) {
        const auto& row = rv.as_object();
        csv += csv_cell(row.at("point"));
        for (const auto& k : keys) csv += "," + csv_cell(row.at("values").as_object().at(k.as_string()));
        csv += "," + csv_cell(row.at("target")) + "," + csv_cell(row.at("status"));
        for (const auto& f : kFigures) csv += "," + csv_cell(row.at(f.first));
        csv += "," + csv_cell(row.at("config_hash")) + "," + csv_cell(row.at("error")) + "\n";
    }
    const std::string path = (fs::path(dir) / "results.csv").string();
    const std::string tmp = path + ".tmp";
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        if (!f) throw Error(fmt::format("{}: cannot open for writing", path));
        f << csv;
        if (!f) throw Error(fmt::format("{}: write failed", path));
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) throw Error(fmt::format("{}: cannot rename the temporary file into place: {}", path, ec.message()));
}

std::string results_table(const Collected& c, size_t max_rows) {
    const auto& keys = c.results.at("keys").as_array();
    const auto& rows = c.results.at("rows").as_array();
    std::vector<std::string> head = {"point"};
    for (const auto& k : keys) head.push_back(std::string(k.as_string()));
    for (const char* h : {"target", "cycles", "energy_j", "area_mm2", "cosine", "status"}) head.push_back(h);
    std::vector<std::vector<std::string>> table = {head};
    auto cell = [](const json::value& v) {
        return v.is_null() ? std::string("-") : v.is_double() ? fmt::format("{:.4g}", v.as_double()) : value_text(v);
    };
    for (size_t i = 0; i < rows.size() && i < max_rows; ++i) {
        const auto& row = rows[i].as_object();
        std::vector<std::string> line = {cell(row.at("point"))};
        for (const auto& k : keys) line.push_back(cell(row.at("values").as_object().at(k.as_string())));
        for (const char* f : {"target", "total_cycles", "energy_j", "area_mm2", "cosine", "status"})
            line.push_back(f == std::string("cosine") && row.at(f).is_number()
                               ? fmt::format("{:.5f}", row.at(f).to_number<double>())
                               : cell(row.at(f)));
        table.push_back(line);
    }
    std::vector<size_t> width(head.size(), 0);
    for (const auto& l : table)
        for (size_t i = 0; i < l.size(); ++i) width[i] = std::max(width[i], l[i].size());
    std::string out;
    for (const auto& l : table) {
        for (size_t i = 0; i < l.size(); ++i)
            out += fmt::format("{:<{}}{}", l[i], width[i], i + 1 < l.size() ? "  " : "\n");
    }
    if (rows.size() > max_rows) out += fmt::format("... {} more rows in results.csv\n", rows.size() - max_rows);
    return out;
}

}  // namespace edgebert::sweep
