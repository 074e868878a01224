#include "sim/cli/report_csv.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <vector>

#include "common/error.hpp"

namespace edgebert::cli {

namespace {

namespace json = boost::json;

const std::vector<std::string> kTargetOrder = {"edgebert", "systolic", "cpu"};
const std::vector<std::string> kModuleOrder = {"embedding", "attention", "post_processing", "ffn",
                                               "classifier"};
const std::vector<std::string> kCategoryOrder = {"register", "read",   "write",     "compute",
                                                 "malloc",   "memset", "transpose", "cpu_compute", "flush"};

// The keys of `names` in the canonical `order`, then the rest alphabetically.
std::vector<std::string> ordered(std::vector<std::string> names, const std::vector<std::string>& order) {
    auto rank = [&](const std::string& n) {
        return static_cast<size_t>(std::find(order.begin(), order.end(), n) - order.begin());
    };
    std::sort(names.begin(), names.end(), [&](const std::string& a, const std::string& b) {
        const size_t ra = rank(a), rb = rank(b);
        return ra != rb ? ra < rb : a < b;
    });
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
}

std::vector<std::string> keys(const json::object& o) {
    std::vector<std::string> k;
    for (const auto& kv : o) k.emplace_back(kv.key());
    return k;
}

// A cycle count as CSV text: integers as integers, other numbers in shortest form.
std::string count_text(const json::value& v, const std::string& field) {
    if (v.is_uint64()) return fmt::format("{}", v.get_uint64());
    if (v.is_int64()) {
        if (v.get_int64() < 0) throw Error(fmt::format("report: '{}' = {} is negative", field, v.get_int64()));
        return fmt::format("{}", v.get_int64());
    }
    if (v.is_double()) {
        const double d = v.get_double();
        if (!std::isfinite(d) || d < 0)
            throw Error(fmt::format("report: '{}' = {} is not a non-negative number", field, d));
        if (d == std::floor(d) && d < 9.007199254740992e15) return fmt::format("{}", static_cast<uint64_t>(d));
        return fmt::format("{}", d);
    }
    throw Error(fmt::format("report: '{}' must be a number, not {}", field, json::serialize(v)));
}

const json::object* optional_object(const json::object& o, const std::string& key, const std::string& field) {
    const auto* v = o.if_contains(key);
    if (!v) return nullptr;
    if (!v->is_object()) throw Error(fmt::format("report: '{}' must be an object", field));
    return &v->get_object();
}

// One CSV field, quoted if it holds a comma, quote or line break (RFC 4180).
std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) {
        if (c == '"') q += '"';
        q += c;
    }
    return q + '"';
}

}  // namespace

std::string report_csv(const json::object& report) {
    const auto* targets = optional_object(report, "targets", "targets");
    if (!targets) throw Error("report: missing the 'targets' object");

    std::string out = "target,module,category,cycles\n";
    auto row = [&](const std::string& t, const std::string& m, const std::string& c, const std::string& n) {
        out += fmt::format("{},{},{},{}\n", csv_field(t), csv_field(m), csv_field(c), n);
    };

    for (const auto& name : ordered(keys(*targets), kTargetOrder)) {
        const std::string where = "targets." + name;
        const auto* t = optional_object(*targets, name, where);
        const auto* by_mc = optional_object(*t, "by_module_category", where + ".by_module_category");
        const auto* by_m = optional_object(*t, "by_module", where + ".by_module");
        const auto* by_c = optional_object(*t, "by_category", where + ".by_category");
        const auto* total = t->if_contains("total_cycles");
        if (!total) throw Error(fmt::format("report: missing '{}.total_cycles'", where));

        std::vector<std::string> modules;
        if (by_mc) modules = keys(*by_mc);
        if (by_m) {
            auto more = keys(*by_m);
            modules.insert(modules.end(), more.begin(), more.end());
        }
        for (const auto& m : ordered(modules, kModuleOrder)) {
            if (by_mc && by_mc->contains(m)) {
                const std::string mf = where + ".by_module_category." + m;
                const auto* cats = optional_object(*by_mc, m, mf);
                for (const auto& c : ordered(keys(*cats), kCategoryOrder))
                    row(name, m, c, count_text(cats->at(c), mf + "." + c));
            }
            if (by_m && by_m->contains(m))
                row(name, m, "all", count_text(by_m->at(m), where + ".by_module." + m));
        }
        if (by_c) {
            for (const auto& c : ordered(keys(*by_c), kCategoryOrder))
                row(name, "all", c, count_text(by_c->at(c), where + ".by_category." + c));
        }
        row(name, "all", "all", count_text(*total, where + ".total_cycles"));
    }
    return out;
}

void write_report_csv(const std::string& path, const json::object& report) {
    const std::string text = report_csv(report);  // malformed reports fail before any file is touched
    const std::string tmp = path + ".tmp";
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        if (!f) throw Error(fmt::format("{}: cannot open for writing: {}", path, std::strerror(errno)));
        f << text;
        f.flush();
        if (!f) {
            f.close();
            std::remove(tmp.c_str());
            throw Error(fmt::format("{}: write failed", path));
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        std::remove(tmp.c_str());
        throw Error(fmt::format("{}: cannot write: {}", path, std::strerror(err)));
    }
}

}  // namespace edgebert::cli
