#include "common/json_reader.hpp"

#include "common/input_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

namespace edgebert {

boost::json::value parse_json_text(const std::string& text, const std::string& origin) {
    boost::json::error_code ec;
    boost::json::parse_options opt;
    opt.allow_comments = true;
    opt.allow_trailing_commas = true;
    boost::json::value v = boost::json::parse(text, ec, {}, opt);
    if (ec) throw ConfigError(fmt::format("{}: invalid JSON: {}", origin, ec.message()));
    return v;
}

boost::json::value parse_json_file(const std::string& path) {
    try {
        checked_input_file(path, "JSON config", kMaxConfigBytes);
    } catch (const Error& e) {
        throw ConfigError(e.what());
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ConfigError(fmt::format("{}: cannot open file", path));
    std::ostringstream ss;
    ss << in.rdbuf();
    return parse_json_text(ss.str(), path);
}

JsonReader::JsonReader(const boost::json::value& v, std::string origin, std::string path)
    : obj_(v.if_object()), origin_(std::move(origin)), path_(std::move(path)) {
    if (!obj_) {
        throw ConfigError(fmt::format("{}: {} must be a JSON object", origin_,
                                      path_.empty() ? std::string("top level") : "field '" + path_ + "'"));
    }
}

void JsonReader::fail(const std::string& key, const std::string& what) const {
    throw ConfigError(fmt::format("{}: field '{}' {}", origin_, field(key), what));
}

const boost::json::value* JsonReader::find(const std::string& key) const {
    auto it = obj_->find(key);
    return it == obj_->end() ? nullptr : &it->value();
}

bool JsonReader::has(const std::string& key) const { return find(key) != nullptr; }

JsonReader JsonReader::child(const std::string& key) const {
    const auto* v = find(key);
    if (!v) fail(key, "is missing");
    if (!v->is_object()) fail(key, "must be an object");
    return JsonReader(*v, origin_, field(key));
}

std::vector<JsonReader> JsonReader::array(const std::string& key) const {
    const auto* v = find(key);
    if (!v) fail(key, "is missing");
    if (!v->is_array()) fail(key, "must be an array");
    std::vector<JsonReader> out;
    size_t i = 0;
    for (const auto& e : v->as_array()) {
        std::string p = fmt::format("{}[{}]", field(key), i++);
        if (!e.is_object()) throw ConfigError(fmt::format("{}: field '{}' must be an object", origin_, p));
        out.emplace_back(e, origin_, p);
    }
    return out;
}

int64_t JsonReader::get_int(const std::string& key, int64_t min, int64_t max) const {
    const auto* v = find(key);
    if (!v) fail(key, fmt::format("is missing (an integer in [{}, {}])", min, max));
    int64_t x = 0;
    if (v->is_int64()) {
        x = v->as_int64();
    } else if (v->is_uint64() && v->as_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
        x = static_cast<int64_t>(v->as_uint64());
    } else if (v->is_double() && std::floor(v->as_double()) == v->as_double() &&
               std::fabs(v->as_double()) < 9e15) {
        x = static_cast<int64_t>(v->as_double());
    } else {
        fail(key, fmt::format("= {} is not an integer in [{}, {}]", boost::json::serialize(*v), min, max));
    }
    if (x < min || x > max) fail(key, fmt::format("= {} is out of range [{}, {}]", x, min, max));
    return x;
}

int64_t JsonReader::get_int(const std::string& key, int64_t min, int64_t max, int64_t dflt) const {
    return has(key) ? get_int(key, min, max) : dflt;
}

double JsonReader::get_double(const std::string& key, double min, double max) const {
    const auto* v = find(key);
    if (!v) fail(key, fmt::format("is missing (a number in [{}, {}])", min, max));
    double x = 0;
    if (v->is_double()) x = v->as_double();
    else if (v->is_int64()) x = static_cast<double>(v->as_int64());
    else if (v->is_uint64()) x = static_cast<double>(v->as_uint64());
    else fail(key, fmt::format("= {} is not a number", boost::json::serialize(*v)));
    if (!(x >= min && x <= max)) fail(key, fmt::format("= {} is out of range [{}, {}]", x, min, max));
    return x;
}

double JsonReader::get_double(const std::string& key, double min, double max, double dflt) const {
    return has(key) ? get_double(key, min, max) : dflt;
}

bool JsonReader::get_bool(const std::string& key, bool dflt) const {
    const auto* v = find(key);
    if (!v) return dflt;
    if (!v->is_bool()) fail(key, fmt::format("= {} must be true or false", boost::json::serialize(*v)));
    return v->as_bool();
}

std::string JsonReader::get_string(const std::string& key) const {
    const auto* v = find(key);
    if (!v) fail(key, "is missing (a string)");
    if (!v->is_string()) fail(key, fmt::format("= {} must be a string", boost::json::serialize(*v)));
    return std::string(v->as_string());
}

std::string JsonReader::get_string(const std::string& key, const std::string& dflt) const {
    return has(key) ? get_string(key) : dflt;
}

std::string JsonReader::get_enum(const std::string& key, const std::vector<std::string>& allowed,
                                 const std::string& dflt) const {
    std::string s = get_string(key, dflt);
    if (std::find(allowed.begin(), allowed.end(), s) == allowed.end()) {
        fail(key, fmt::format("= \"{}\" is not one of: {}", s, fmt::join(allowed, ", ")));
    }
    return s;
}

std::vector<double> JsonReader::get_double_array(const std::string& key) const {
    const auto* v = find(key);
    if (!v) fail(key, "is missing (an array of numbers)");
    if (!v->is_array()) fail(key, "must be an array of numbers");
    std::vector<double> out;
    for (const auto& e : v->as_array()) {
        if (e.is_double()) out.push_back(e.as_double());
        else if (e.is_int64()) out.push_back(static_cast<double>(e.as_int64()));
        else if (e.is_uint64()) out.push_back(static_cast<double>(e.as_uint64()));
        else fail(key, fmt::format("[{}] = {} is not a number", out.size(), boost::json::serialize(e)));
    }
    return out;
}

uint64_t JsonReader::get_address(const std::string& key) const {
    const auto* v = find(key);
    if (!v) fail(key, "is missing (an address, e.g. \"0x80000000\")");
    if (v->is_uint64()) return v->as_uint64();
    if (v->is_int64() && v->as_int64() >= 0) return static_cast<uint64_t>(v->as_int64());
    if (v->is_string()) {
        const std::string s(v->as_string());
        try {
            size_t used = 0;
            const uint64_t a = std::stoull(s, &used, 0);
            if (used == s.size() && !s.empty() && s[0] != '-') return a;
        } catch (const std::exception&) {
        }
    }
    fail(key, fmt::format("= {} is not an address (a non-negative integer or a \"0x...\" string)",
                          boost::json::serialize(*v)));
}

uint64_t JsonReader::get_address(const std::string& key, uint64_t dflt) const {
    return has(key) ? get_address(key) : dflt;
}

namespace {
JsonReader::KeyObserver& key_observer() {
    static JsonReader::KeyObserver observer;
    return observer;
}
}  // namespace

void JsonReader::set_key_observer(KeyObserver observer) { key_observer() = std::move(observer); }

void JsonReader::reject_unknown(const std::vector<std::string>& known) const {
    if (key_observer()) key_observer()(path_, known);
    for (const auto& kv : *obj_) {
        std::string k(kv.key());
        if (std::find(known.begin(), known.end(), k) == known.end()) {
            throw ConfigError(fmt::format("{}: unknown field '{}' (known: {})", origin_, field(k),
                                          fmt::join(known, ", ")));
        }
    }
}

}  // namespace edgebert
