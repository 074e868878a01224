// Typed, validated reading of JSON config objects (Boost.JSON).
//
// Every field is read with an explicit "required" or a default, and every bad
// value is reported with the file, the field path and the allowed range, e.g.
//   configs/models/x.json: field 'hidden_size' = -3 is out of range [1, 65536]
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace edgebert {

// Parses a whole JSON file; throws ConfigError naming the file on I/O or syntax errors.
boost::json::value parse_json_file(const std::string& path);
// Parses JSON text; `origin` names where it came from in error messages.
boost::json::value parse_json_text(const std::string& text, const std::string& origin);

class JsonReader {
public:
    // `origin` is the file name (or "<embedded default>"); `path` the field prefix.
    JsonReader(const boost::json::value& v, std::string origin, std::string path = "");

    bool has(const std::string& key) const;
    JsonReader child(const std::string& key) const;  // required object
    std::vector<JsonReader> array(const std::string& key) const;  // required array of objects

    int64_t get_int(const std::string& key, int64_t min, int64_t max) const;
    int64_t get_int(const std::string& key, int64_t min, int64_t max, int64_t dflt) const;
    double get_double(const std::string& key, double min, double max) const;
    double get_double(const std::string& key, double min, double max, double dflt) const;
    bool get_bool(const std::string& key, bool dflt) const;
    std::string get_string(const std::string& key) const;
    std::string get_string(const std::string& key, const std::string& dflt) const;
    std::string get_enum(const std::string& key, const std::vector<std::string>& allowed,
                         const std::string& dflt) const;
    std::vector<double> get_double_array(const std::string& key) const;
    // An address or size: a JSON integer or a string such as "0x80000000".
    uint64_t get_address(const std::string& key) const;
    uint64_t get_address(const std::string& key, uint64_t dflt) const;

    // Rejects keys not in `known` (catches typos such as "hiden_size").
    void reject_unknown(const std::vector<std::string>& known) const;
    // Called by every reject_unknown with the object's field path ("" at the top,
    // "tiles[0]", "edgebert.timing") and the keys it accepts; empty: none. Lets a
    // test list every key a parser accepts (tests/unit/soc/test_soc_config_json.cpp).
    using KeyObserver = std::function<void(const std::string& path, const std::vector<std::string>& known)>;
    static void set_key_observer(KeyObserver observer);

    const std::string& origin() const { return origin_; }
    std::string field(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
    [[noreturn]] void fail(const std::string& key, const std::string& what) const;

private:
    const boost::json::value* find(const std::string& key) const;

    const boost::json::object* obj_;
    std::string origin_;
    std::string path_;
};

}  // namespace edgebert
