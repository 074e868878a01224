#include "sim/cli/model_inputs.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <sstream>

#include "common/error.hpp"
#include "common/input_file.hpp"

namespace edgebert::cli {

namespace {

const char* const kFields[] = {"input_ids", "attention_mask", "token_type_ids"};
constexpr const char* kAllowedFields = "input_ids, attention_mask, token_type_ids";

// A sequence as read, before its checks.
struct RawSequence {
    std::vector<int64_t> ids;
    std::optional<std::vector<int64_t>> mask, types;
};

// Names the place of `field` (one of kFields) at element `index` (-1: the whole
// list) in messages: "--attention-mask", "in.json: line 3: field 'attention_mask'".
using Where = std::function<std::string(const std::string& field, long index)>;

// The model's limits on every field; builds the ModelInput.
model::ModelInput check_sequence(const RawSequence& r, const model::AlbertConfig& c, const Where& where) {
    const size_t n = r.ids.size();
    if (n < 1 || n > size_t(c.max_position_embeddings))
        throw Error(fmt::format("{}: {} tokens; allowed 1 to {} (max_position_embeddings of model '{}')",
                                where("input_ids", -1), n, c.max_position_embeddings, c.name));
    model::ModelInput in;
    for (size_t i = 0; i < n; ++i) {
        if (r.ids[i] < 0 || r.ids[i] >= c.vocab_size)
            throw Error(fmt::format("{}: token id {} at position {} is out of range [0, {}] (vocab_size of model '{}')",
                                    where("input_ids", long(i)), r.ids[i], i, c.vocab_size - 1, c.name));
        in.token_ids.push_back(static_cast<int32_t>(r.ids[i]));
    }
    if (r.mask) {
        if (r.mask->size() != n)
            throw Error(fmt::format("{}: {} entries, expected {} (one per token)", where("attention_mask", -1),
                                    r.mask->size(), n));
        for (size_t i = 0; i < n; ++i) {
            const int64_t m = (*r.mask)[i];
            if (m != 0 && m != 1)
                throw Error(fmt::format("{}: value {} at position {} is out of range [0, 1] (1 keep, 0 padding)",
                                        where("attention_mask", long(i)), m, i));
            in.attention_mask.push_back(static_cast<uint8_t>(m));
        }
    }
    if (r.types) {
        if (r.types->size() != n)
            throw Error(fmt::format("{}: {} entries, expected {} (one per token)", where("token_type_ids", -1),
                                    r.types->size(), n));
        for (size_t i = 0; i < n; ++i) {
            const int64_t t = (*r.types)[i];
            if (t < 0 || t >= c.type_vocab_size)
                throw Error(fmt::format("{}: token type id {} at position {} is out of range [0, {}] "
                                        "(type_vocab_size of model '{}')",
                                        where("token_type_ids", long(i)), t, i, c.type_vocab_size - 1, c.name));
            in.token_type_ids.push_back(static_cast<int32_t>(t));
        }
    }
    return in;
}

// -------------------------------------------------------------------- JSON ---

// A step of a path into a JSON document: an object's key or an array's index.
struct Step {
    std::string key;
    long index = -1;
};

// Finds where a value sits in JSON text that Boost.JSON has already parsed
// (so the text is valid JSON), for the line numbers of messages.
class Locator {
public:
    explicit Locator(const std::string& t) : t_(t) {}

    // Offset of the value at `path` below the value starting at `pos`.
    size_t find(size_t pos, const std::vector<Step>& path) const {
        for (const Step& s : path) {
            pos = ws(pos);
            if (pos >= t_.size()) return pos;
            const char open = t_[pos];
            if (open != '{' && open != '[') return pos;
            size_t j = ws(pos + 1);
            long i = 0;
            bool found = false;
            while (j < t_.size() && t_[j] != '}' && t_[j] != ']') {
                if (open == '{') {
                    const size_t key_end = skip(j);
                    const std::string key = t_.substr(j + 1, key_end - j - 2);
                    j = ws(ws(key_end) + 1);  // past the ':'
                    if (key == s.key) found = true;
                } else if (i == s.index) {
                    found = true;
                }
                if (found) break;
                j = ws(skip(j));
                if (j < t_.size() && t_[j] == ',') j = ws(j + 1);
                ++i;
            }
            if (!found) return pos;
            pos = j;
        }
        return pos;
    }

    int line(size_t pos) const {
        return 1 + static_cast<int>(std::count(t_.begin(), t_.begin() + static_cast<long>(std::min(pos, t_.size())), '\n'));
    }

private:
    size_t ws(size_t i) const {
        while (i < t_.size() && std::isspace(static_cast<unsigned char>(t_[i]))) ++i;
        return i;
    }
    // Past the value starting at i.
    size_t skip(size_t i) const {
        if (i >= t_.size()) return i;
        const char c = t_[i];
        if (c == '"') {
            ++i;
            while (i < t_.size() && t_[i] != '"') i += t_[i] == '\\' ? 2 : 1;
            return i + 1;
        }
        if (c == '{' || c == '[') {
            int depth = 0;
            while (i < t_.size()) {
                const char d = t_[i];
                if (d == '"') {
                    i = skip(i);
                    continue;
                }
                if (d == '{' || d == '[') ++depth;
                if (d == '}' || d == ']') {
                    if (--depth == 0) return i + 1;
                }
                ++i;
            }
            return i;
        }
        while (i < t_.size() && !std::strchr(",]} \t\r\n", t_[i])) ++i;
        return i;
    }

    const std::string& t_;
};

class JsonInputReader {
public:
    JsonInputReader(const std::string& path, const std::string& text, const model::AlbertConfig& cfg)
        : path_(path), text_(text), loc_(text), cfg_(cfg) {}

    std::vector<InputSequence> read() {
        size_t pos = 0;
        while (true) {
            while (pos < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos]))) ++pos;
            if (pos >= text_.size()) break;
            boost::json::parser p;
            boost::system::error_code ec;
            const size_t used = p.write_some(text_.data() + pos, text_.size() - pos, ec);
            if (ec)
                throw FileFormatError(fmt::format("{}: line {}: invalid JSON: {}", path_, loc_.line(pos + used),
                                                  ec.message()));
            document(p.release(), pos);
            pos += used;
        }
        if (out_.empty()) throw FileFormatError(fmt::format("{}: no sequence in the file", path_));
        return std::move(out_);
    }

private:
    [[noreturn]] void fail(size_t doc, const std::vector<Step>& path, const std::string& what) const {
        throw FileFormatError(fmt::format("{}: line {}: {}", path_, loc_.line(loc_.find(doc, path)), what));
    }

    // "field 'attention_mask'[1]": the path from its first key on.
    static std::string field_name(const std::vector<Step>& path) {
        std::string s;
        for (const Step& st : path) {
            if (st.index < 0) s += fmt::format("'{}'", st.key);
            else if (!s.empty()) s += fmt::format("[{}]", st.index);
        }
        return "field " + s;
    }

    // A top-level JSON value starting at offset `doc`.
    void document(const boost::json::value& v, size_t doc) {
        if (v.is_array()) {
            long i = 0;
            for (const auto& e : v.as_array()) {
                if (!e.is_object())
                    fail(doc, {{"", i}}, fmt::format("element [{}] must be an object with the fields {}", i, kAllowedFields));
                object(e.as_object(), doc, {{"", i}}, false);
                ++i;
            }
            if (v.as_array().empty()) fail(doc, {}, "the array holds no sequence");
        } else if (v.is_object()) {
            object(v.as_object(), doc, {}, true);
        } else {
            fail(doc, {}, fmt::format("expected a JSON object with the fields {} (or an array of them)", kAllowedFields));
        }
    }

    // The integers of a list at `path`.
    std::vector<int64_t> ints(const boost::json::value& v, size_t doc, const std::vector<Step>& path) const {
        if (!v.is_array()) fail(doc, path, field_name(path) + " must be a list of integers");
        std::vector<int64_t> out;
        long i = 0;
        for (const auto& e : v.as_array()) {
            auto p = path;
            p.push_back({"", i});
            if (e.is_int64()) out.push_back(e.as_int64());
            else if (e.is_uint64()) out.push_back(e.as_uint64() > uint64_t(INT64_MAX) ? INT64_MAX : int64_t(e.as_uint64()));
            else fail(doc, p, fmt::format("{} must be an integer (is {})", field_name(p), boost::json::serialize(e)));
            ++i;
        }
        return out;
    }

    // One object: a sequence, or (`batch_ok`, input_ids a list of lists) one sequence per row.
    void object(const boost::json::object& o, size_t doc, const std::vector<Step>& base, bool batch_ok) {
        for (const auto& kv : o) {
            const std::string k(kv.key());
            if (std::find(std::begin(kFields), std::end(kFields), k) == std::end(kFields)) {
                auto p = base;
                p.push_back({k, -1});
                fail(doc, p, fmt::format("unknown field '{}' (allowed: {})", k, kAllowedFields));
            }
        }
        auto path_of = [&](const char* f) {
            auto p = base;
            p.push_back({f, -1});
            return p;
        };
        const auto* ids = o.if_contains("input_ids");
        if (!ids) fail(doc, base, fmt::format("field 'input_ids' is missing (the fields: {})", kAllowedFields));
        const bool batch = batch_ok && ids->is_array() && !ids->as_array().empty() && ids->as_array()[0].is_array();
        if (!batch) {
            sequence(o, doc, base, -1);
            return;
        }
        const size_t rows = ids->as_array().size();
        for (const char* f : kFields) {
            const auto* v = o.if_contains(f);
            if (!v) continue;
            if (!v->is_array() || v->as_array().size() != rows)
                fail(doc, path_of(f),
                     fmt::format("{} must be a list of {} lists, one per sequence of 'input_ids'", field_name(path_of(f)),
                                 rows));
        }
        for (size_t r = 0; r < rows; ++r) sequence(o, doc, base, long(r));
    }

    // The sequence of object `o` (row `row` of its lists of lists, or -1).
    void sequence(const boost::json::object& o, size_t doc, const std::vector<Step>& base, long row) {
        auto path_of = [&](const char* f) {
            auto p = base;
            p.push_back({f, -1});
            if (row >= 0) p.push_back({"", row});
            return p;
        };
        auto list = [&](const char* f) -> const boost::json::value& {
            const auto& v = o.at(f);
            return row >= 0 ? v.as_array()[size_t(row)] : v;
        };
        RawSequence r;
        r.ids = ints(list("input_ids"), doc, path_of("input_ids"));
        if (o.contains("attention_mask")) r.mask = ints(list("attention_mask"), doc, path_of("attention_mask"));
        if (o.contains("token_type_ids")) r.types = ints(list("token_type_ids"), doc, path_of("token_type_ids"));
        const Where where = [&](const std::string& f, long i) {
            auto p = path_of(f.c_str());
            const std::string name = field_name(p);
            if (i >= 0) p.push_back({"", i});
            return fmt::format("{}: line {}: {}", path_, loc_.line(loc_.find(doc, p)), name);
        };
        InputSequence s;
        s.input = check_sequence(r, cfg_, where);
        s.line = loc_.line(loc_.find(doc, path_of("input_ids")));
        s.origin = fmt::format("{} line {}", path_, s.line);
        out_.push_back(std::move(s));
    }

    const std::string& path_;
    const std::string& text_;
    Locator loc_;
    const model::AlbertConfig& cfg_;
    std::vector<InputSequence> out_;
};

// --------------------------------------------------------------------- CSV ---

std::string trim(const std::string& s) {
    size_t a = 0, b = s.size();
    while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
    while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
    std::string t = s.substr(a, b - a);
    if (t.size() >= 2 && t.front() == '"' && t.back() == '"') t = t.substr(1, t.size() - 2);
    return t;
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::string item;
    std::stringstream ss(s);
    while (std::getline(ss, item, sep)) out.push_back(item);
    if (!s.empty() && s.back() == sep) out.emplace_back();
    return out;
}

std::vector<InputSequence> read_csv(const std::string& path, const std::string& text, const model::AlbertConfig& cfg) {
    std::vector<std::string> lines = split(text, '\n');
    std::vector<std::string> columns;
    std::vector<InputSequence> out;
    for (size_t ln = 0; ln < lines.size(); ++ln) {
        std::string line = lines[ln];
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (trim(line).empty()) continue;
        const int lineno = static_cast<int>(ln) + 1;
        auto cells = split(line, ',');
        for (auto& c : cells) c = trim(c);
        if (columns.empty()) {
            for (const auto& c : cells) {
                if (std::find(std::begin(kFields), std::end(kFields), c) == std::end(kFields))
                    throw FileFormatError(fmt::format("{}: line {}: unknown column '{}' (the header names the columns; "
                                                      "allowed: {})", path, lineno, c, kAllowedFields));
                if (std::find(columns.begin(), columns.end(), c) != columns.end())
                    throw FileFormatError(fmt::format("{}: line {}: column '{}' appears twice", path, lineno, c));
                columns.push_back(c);
            }
            if (std::find(columns.begin(), columns.end(), "input_ids") == columns.end())
                throw FileFormatError(fmt::format("{}: line {}: the header has no column 'input_ids' (the columns: {})",
                                                  path, lineno, kAllowedFields));
            continue;
        }
        if (cells.size() != columns.size())
            throw FileFormatError(fmt::format("{}: line {}: {} cells, the header names {} columns", path, lineno,
                                              cells.size(), columns.size()));
        RawSequence r;
        for (size_t c = 0; c < cells.size(); ++c) {
            std::vector<int64_t> v;
            std::stringstream ss(cells[c]);
            std::string tok;
            while (ss >> tok) {
                try {
                    size_t used = 0;
                    const long long x = std::stoll(tok, &used);
                    if (used != tok.size()) throw std::invalid_argument(tok);
                    v.push_back(x);
                } catch (const std::exception&) {
                    throw FileFormatError(fmt::format("{}: line {}: column '{}': '{}' is not an integer (the ids of a "
                                                      "cell are separated by spaces)",
                                                      path, lineno, columns[c], tok));
                }
            }
            if (columns[c] == "input_ids") r.ids = std::move(v);
            else if (columns[c] == "attention_mask") r.mask = std::move(v);
            else r.types = std::move(v);
        }
        const Where where = [&](const std::string& f, long) {
            return fmt::format("{}: line {}: column '{}'", path, lineno, f);
        };
        InputSequence s;
        s.input = check_sequence(r, cfg, where);
        s.line = lineno;
        s.origin = fmt::format("{} line {}", path, lineno);
        out.push_back(std::move(s));
    }
    if (columns.empty() || out.empty())
        throw FileFormatError(fmt::format("{}: no sequence in the file (expected JSON, JSON lines, or CSV with a header "
                                          "naming the columns {})", path, kAllowedFields));
    return out;
}

}  // namespace

std::vector<int64_t> parse_int_list(const std::string& option, const std::string& text) {
    std::vector<int64_t> out;
    for (const std::string& raw : split(text, ',')) {
        const std::string item = trim(raw);
        try {
            size_t used = 0;
            const long long v = std::stoll(item, &used);
            if (used != item.size()) throw std::invalid_argument(item);
            out.push_back(v);
        } catch (const std::exception&) {
            throw UsageError(fmt::format("{}: '{}' is not an integer (expected a comma-separated list of integers)",
                                         option, item));
        }
    }
    if (out.empty()) throw UsageError(fmt::format("{}: empty list (expected a comma-separated list of integers)", option));
    return out;
}

std::vector<InputSequence> read_input_file(const std::string& path, const model::AlbertConfig& cfg) {
    checked_input_file(path, "input file", kMaxTableBytes);
    std::ifstream f(path, std::ios::binary);
    if (!f) throw FileFormatError(fmt::format("{}: cannot open the input file", path));
    std::ostringstream ss;
    ss << f.rdbuf();
    return parse_input_text(ss.str(), path, cfg);
}

std::vector<InputSequence> parse_input_text(const std::string& text, const std::string& origin,
                                            const model::AlbertConfig& cfg) {
    const size_t first = text.find_first_not_of(" \t\r\n");
    if (first != std::string::npos && (text[first] == '{' || text[first] == '['))
        return JsonInputReader(origin, text, cfg).read();
    return read_csv(origin, text, cfg);
}

void InputOptions::add_to(boost::program_options::options_description& desc) {
    namespace po = boost::program_options;
    desc.add_options()
        ("tokens", po::value(&tokens)->notifier([this](const std::string&) { tokens_given_ = true; }),
         "comma-separated token ids (overrides --seq-len and the synthetic tokens)")
        ("attention-mask", po::value(&attention_mask)->notifier([this](const std::string&) { mask_given_ = true; }),
         "comma-separated 1 (keep) / 0 (padding), one per token")
        ("token-type-ids", po::value(&token_type_ids)->notifier([this](const std::string&) { types_given_ = true; }),
         "comma-separated token type ids (segment A 0, B 1), one per token")
        ("input", po::value(&input_path),
         "input_ids, attention_mask, token_type_ids from a file (overrides --seq-len): JSON (an object, an array of "
         "objects, JSON lines) or CSV (docs/compiler.md)");
}

std::vector<InputSequence> InputOptions::sequences(const model::AlbertConfig& cfg, int seq_len, uint64_t seed) const {
    if (!input_path.empty()) {
        if (tokens_given_ || mask_given_ || types_given_)
            throw UsageError("--input gives the tokens, attention mask and token type ids: it cannot be combined with "
                             "--tokens, --attention-mask or --token-type-ids");
        return read_input_file(input_path, cfg);
    }
    RawSequence r;
    InputSequence s;
    if (tokens_given_) {
        r.ids = parse_int_list("--tokens", tokens);
        s.origin = "--tokens";
    } else {
        if (seq_len < 1 || seq_len > cfg.max_position_embeddings)
            throw Error(fmt::format("--seq-len {} is out of range [1, {}] for model '{}' (max_position_embeddings)",
                                    seq_len, cfg.max_position_embeddings, cfg.name));
        const auto syn = model::synthetic_input(cfg, seq_len, seed);
        r.ids.assign(syn.token_ids.begin(), syn.token_ids.end());
        s.origin = fmt::format("synthetic(seed={})", seed);
    }
    if (mask_given_) r.mask = parse_int_list("--attention-mask", attention_mask);
    if (types_given_) r.types = parse_int_list("--token-type-ids", token_type_ids);
    const Where where = [&](const std::string& f, long) {
        return f == "input_ids" ? std::string(tokens_given_ ? "--tokens" : "--seq-len")
               : f == "attention_mask" ? std::string("--attention-mask")
                                       : std::string("--token-type-ids");
    };
    s.input = check_sequence(r, cfg, where);
    return {std::move(s)};
}

InputSequence InputOptions::first(const model::AlbertConfig& cfg, int seq_len, uint64_t seed,
                                  const std::string& command) const {
    auto all = sequences(cfg, seq_len, seed);
    if (all.size() > 1)
        std::cerr << fmt::format("note: {} holds {} sequences; {} uses the first (line {})\n", input_path, all.size(),
                                 command, all.front().line);
    return std::move(all.front());
}

}  // namespace edgebert::cli
