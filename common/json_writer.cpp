#include "common/json_writer.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <fstream>

#include "common/error.hpp"

namespace edgebert {

namespace {

void emit(std::string& out, const boost::json::value& v, int indent, int depth) {
    const std::string pad(static_cast<size_t>(indent * (depth + 1)), ' ');
    const std::string close(static_cast<size_t>(indent * depth), ' ');
    if (v.is_object()) {
        const auto& o = v.as_object();
        if (o.empty()) { out += "{}"; return; }
        out += "{\n";
        size_t i = 0;
        for (const auto& kv : o) {
            out += pad + boost::json::serialize(boost::json::string(kv.key())) + ": ";
            emit(out, kv.value(), indent, depth + 1);
            out += (++i < o.size()) ? ",\n" : "\n";
        }
        out += close + "}";
    } else if (v.is_array()) {
        const auto& a = v.as_array();
        // Arrays of scalars stay on one line: logits and entropies read better so.
        bool scalars = true;
        for (const auto& e : a) scalars = scalars && !e.is_object() && !e.is_array();
        if (scalars) { out += boost::json::serialize(v); return; }
        out += "[\n";
        for (size_t i = 0; i < a.size(); ++i) {
            out += pad;
            emit(out, a[i], indent, depth + 1);
            out += (i + 1 < a.size()) ? ",\n" : "\n";
        }
        out += close + "]";
    } else {
        out += boost::json::serialize(v);
    }
}

}  // namespace

std::string pretty_json(const boost::json::value& v, int indent) {
    std::string out;
    emit(out, v, indent, 0);
    out += "\n";
    return out;
}

void write_json_file(const std::string& path, const boost::json::value& v) {
    const std::string tmp = path + ".tmp";
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        if (!f) throw Error(fmt::format("{}: cannot open for writing", path));
        f << pretty_json(v);
        if (!f) throw Error(fmt::format("{}: write failed", path));
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::remove(tmp.c_str());
        throw Error(fmt::format("{}: cannot rename temporary file into place", path));
    }
}

}  // namespace edgebert
