// Safetensors reader and writer. See safetensors.hpp for the format summary.
//
// The reader maps the file read-only, validates the JSON header completely
// (types, dtypes, shapes, offsets, sizes, overlaps) before converting any tensor
// data, and never touches a byte outside the mapping: every offset is checked
// against the data-buffer size with overflow-safe arithmetic first.
#include "compiler/model/safetensors.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <utility>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "common/error.hpp"

// Tensor bytes are copied straight into / out of float arrays.
#if !defined(__BYTE_ORDER__) || !defined(__ORDER_LITTLE_ENDIAN__)
#error "safetensors.cpp needs the __BYTE_ORDER__ macro to check the host byte order"
#endif
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "the safetensors reader/writer assumes a little-endian host");
static_assert(sizeof(float) == 4 && std::numeric_limits<float>::is_iec559, "IEEE-754 float needed");
static_assert(sizeof(double) == 8 && std::numeric_limits<double>::is_iec559,
              "IEEE-754 double needed");

namespace edgebert::model {

namespace json = boost::json;

namespace {

constexpr uint64_t kMaxHeaderBytes = 100ull * 1024 * 1024;
constexpr const char* kMetadataKey = "__metadata__";

// ---------------------------------------------------------------- dtypes ----

// How a dtype's bytes become FP32; Skip marks integer / bool tensors.
enum class Conv { F32, F16, BF16, F64, Skip };

struct DtypeInfo {
    const char* name;
    uint64_t size;
    Conv conv;
};

constexpr DtypeInfo kDtypes[] = {
    {"F32", 4, Conv::F32},   {"F16", 2, Conv::F16},  {"BF16", 2, Conv::BF16}, {"F64", 8, Conv::F64},
    {"I64", 8, Conv::Skip},  {"I32", 4, Conv::Skip}, {"I16", 2, Conv::Skip},  {"I8", 1, Conv::Skip},
    {"U64", 8, Conv::Skip},  {"U32", 4, Conv::Skip}, {"U16", 2, Conv::Skip},  {"U8", 1, Conv::Skip},
    {"BOOL", 1, Conv::Skip},
};

const DtypeInfo* find_dtype(json::string_view name) {
    for (const auto& d : kDtypes)
        if (name == d.name) return &d;
    return nullptr;
}

std::string dtype_list() {
    std::string out;
    for (const auto& d : kDtypes) out += (out.empty() ? "" : ", ") + std::string(d.name);
    return out;
}

// ------------------------------------------------------- FP conversions ----

float bits_to_float(uint32_t bits) {
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

// IEEE-754 binary16 -> binary32. Exact for every input (binary32 is a superset);
// NaN payloads are kept (shifted into the top of the binary32 mantissa).
float half_to_float(uint16_t h) {
    const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
    const uint32_t exp = (h >> 10) & 0x1fu;
    uint32_t mant = h & 0x3ffu;
    if (exp == 0x1f) return bits_to_float(sign | 0x7f800000u | (mant << 13));        // inf / NaN
    if (exp != 0) return bits_to_float(sign | ((exp + 112u) << 23) | (mant << 13));  // normal
    if (mant == 0) return bits_to_float(sign);                                       // signed zero
    // Subnormal: value = mant * 2^-24. Shift the leading one up to the implicit-bit
    // position (bit 10); every shift halves the exponent 2^-14 of the smallest normal.
    uint32_t shift = 0;
    while ((mant & 0x400u) == 0) {
        mant <<= 1;
        ++shift;
    }
    return bits_to_float(sign | ((113u - shift) << 23) | ((mant & 0x3ffu) << 13));
}

// bfloat16 is the top half of a binary32, so widening is a shift.
float bf16_to_float(uint16_t b) { return bits_to_float(static_cast<uint32_t>(b) << 16); }

template <typename T>
T load_le(const unsigned char* p) {
    T v;
    std::memcpy(&v, p, sizeof v);  // offsets need not be aligned
    return v;
}

void convert(const DtypeInfo& dt, const unsigned char* src, size_t n, float* dst) {
    switch (dt.conv) {
        case Conv::F32:
            if (n) std::memcpy(dst, src, n * 4);
            break;
        case Conv::F16:
            for (size_t i = 0; i < n; ++i) dst[i] = half_to_float(load_le<uint16_t>(src + 2 * i));
            break;
        case Conv::BF16:
            for (size_t i = 0; i < n; ++i) dst[i] = bf16_to_float(load_le<uint16_t>(src + 2 * i));
            break;
        case Conv::F64:
            for (size_t i = 0; i < n; ++i)
                dst[i] = static_cast<float>(load_le<double>(src + 8 * i));
            break;
        case Conv::Skip: break;
    }
}

// ------------------------------------------------------------ file map ----

// Read-only view of a whole file: mmap for regular non-empty files.
class MappedFile {
public:
    explicit MappedFile(const std::string& path) {
        int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            throw FileFormatError(
                fmt::format("{}: cannot open file: {}", path, std::strerror(errno)));
        struct stat st {};
        if (::fstat(fd, &st) != 0) {
            const int err = errno;
            ::close(fd);
            throw FileFormatError(
                fmt::format("{}: cannot stat file: {}", path, std::strerror(err)));
        }
        if (!S_ISREG(st.st_mode)) {
            ::close(fd);
            throw FileFormatError(fmt::format("{}: not a regular file", path));
        }
        size_ = static_cast<size_t>(st.st_size);
        if (size_ > 0) {
            void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
            if (p == MAP_FAILED) {
                const int err = errno;
                ::close(fd);
                throw FileFormatError(
                    fmt::format("{}: cannot map file: {}", path, std::strerror(err)));
            }
            data_ = static_cast<const unsigned char*>(p);
        }
        ::close(fd);  // the mapping stays valid
    }
    ~MappedFile() {
        if (data_) ::munmap(const_cast<unsigned char*>(data_), size_);
    }
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    const unsigned char* data() const { return data_; }
    size_t size() const { return size_; }

private:
    const unsigned char* data_ = nullptr;
    size_t size_ = 0;
};

// ------------------------------------------------------ header parsing ----

struct Entry {
    std::string name;
    const DtypeInfo* dtype = nullptr;
    std::vector<int64_t> shape;
    uint64_t numel = 0;
    uint64_t begin = 0;
    uint64_t end = 0;
};

const char* kind_name(json::kind k) {
    switch (k) {
        case json::kind::null: return "null";
        case json::kind::bool_: return "a boolean";
        case json::kind::int64:
        case json::kind::uint64: return "an integer";
        case json::kind::double_: return "a floating-point number";
        case json::kind::string: return "a string";
        case json::kind::array: return "an array";
        case json::kind::object: return "an object";
    }
    return "an unknown JSON value";
}

// A JSON integer split into "is it an integer at all", "is it negative" and its
// non-negative value, so callers can word each error precisely.
struct IntResult {
    bool is_int = false;
    bool negative = false;
    int64_t neg_value = 0;
    uint64_t value = 0;
};

IntResult as_uint(const json::value& v) {
    IntResult r;
    if (v.is_uint64()) {
        r.is_int = true;
        r.value = v.get_uint64();
    } else if (v.is_int64()) {
        r.is_int = true;
        const int64_t i = v.get_int64();
        if (i < 0) {
            r.negative = true;
            r.neg_value = i;
        } else {
            r.value = static_cast<uint64_t>(i);
        }
    }
    return r;
}

std::string json_text(const json::value& v) {
    std::string s = json::serialize(v);
    if (s.size() > 60) s = s.substr(0, 57) + "...";
    return s;
}

Entry parse_entry(const std::string& path, const std::string& name, const json::value& v,
                  uint64_t data_size) {
    auto fail = [&](const std::string& what) {
        return FileFormatError(fmt::format("{}: tensor '{}': {}", path, name, what));
    };
    if (!v.is_object())
        throw fail(fmt::format("entry must be a JSON object, got {}", kind_name(v.kind())));
    const json::object& obj = v.get_object();
    Entry e;
    e.name = name;

    // dtype
    const json::value* dt = obj.if_contains("dtype");
    if (!dt) throw fail("missing \"dtype\"");
    if (!dt->is_string())
        throw fail(fmt::format("\"dtype\" must be a string, got {}", kind_name(dt->kind())));
    e.dtype = find_dtype(dt->get_string());
    if (!e.dtype)
        throw fail(fmt::format("unknown dtype '{}' (supported: {})", std::string(dt->get_string()),
                               dtype_list()));

    // shape
    const json::value* sh = obj.if_contains("shape");
    if (!sh) throw fail("missing \"shape\"");
    if (!sh->is_array())
        throw fail(
            fmt::format("\"shape\" must be an array of integers, got {}", kind_name(sh->kind())));
    for (const json::value& d : sh->get_array()) {
        const IntResult r = as_uint(d);
        if (!r.is_int)
            throw fail(fmt::format("\"shape\" must be an array of integers, found {} ({})",
                                   kind_name(d.kind()), json_text(d)));
        if (r.negative)
            throw fail(
                fmt::format("negative dimension {} in shape {}", r.neg_value, json_text(*sh)));
        if (r.value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
            throw fail(fmt::format("dimension {} in shape is too large", r.value));
        e.shape.push_back(static_cast<int64_t>(r.value));
    }
    // Element count. The product of the non-zero dimensions must fit in int64 even
    // when a zero dimension makes the tensor empty, so Tensor::numel stays defined.
    uint64_t product = 1;
    for (int64_t d : e.shape) {
        if (d == 0) continue;
        if (__builtin_mul_overflow(product, static_cast<uint64_t>(d), &product) ||
            product > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
            throw fail(fmt::format("shape {} has too many elements", shape_str(e.shape)));
    }
    const bool empty = std::find(e.shape.begin(), e.shape.end(), 0) != e.shape.end();
    e.numel = empty ? 0 : product;

    // data_offsets
    const json::value* off = obj.if_contains("data_offsets");
    if (!off) throw fail("missing \"data_offsets\"");
    if (!off->is_array() || off->get_array().size() != 2)
        throw fail(fmt::format("\"data_offsets\" must be an array of two integers, got {}",
                               json_text(*off)));
    const IntResult b = as_uint(off->get_array()[0]);
    const IntResult en = as_uint(off->get_array()[1]);
    if (!b.is_int || !en.is_int)
        throw fail(fmt::format("\"data_offsets\" must be an array of two integers, got {}",
                               json_text(*off)));
    if (b.negative || en.negative)
        throw fail(fmt::format("negative value in \"data_offsets\" {}", json_text(*off)));
    e.begin = b.value;
    e.end = en.value;
    if (e.begin > e.end) throw fail(fmt::format("data_offsets begin {} > end {}", e.begin, e.end));
    if (e.end > data_size)
        throw fail(fmt::format("data_offsets end {} is beyond the data buffer ({} bytes)", e.end,
                               data_size));

    uint64_t expected = 0;
    if (__builtin_mul_overflow(e.numel, e.dtype->size, &expected))
        throw fail(fmt::format("shape {} has too many elements", shape_str(e.shape)));
    const uint64_t actual = e.end - e.begin;
    if (actual != expected)
        throw fail(fmt::format(
            "byte size mismatch: data_offsets [{}, {}] span {} bytes, expected {} "
            "(shape {} x {} bytes for {})",
            e.begin, e.end, actual, expected, shape_str(e.shape), e.dtype->size, e.dtype->name));
    return e;
}

void parse_metadata(const std::string& path, const json::value& v,
                    std::map<std::string, std::string>& out) {
    if (!v.is_object())
        throw FileFormatError(fmt::format("{}: \"{}\" must be an object of strings, got {}", path,
                                          kMetadataKey, kind_name(v.kind())));
    for (const auto& kv : v.get_object()) {
        if (!kv.value().is_string())
            throw FileFormatError(
                fmt::format("{}: \"{}\" value for key '{}' must be a string, got {}", path,
                            kMetadataKey, std::string(kv.key()), kind_name(kv.value().kind())));
        out.emplace(std::string(kv.key()), std::string(kv.value().get_string()));
    }
}

// ---------------------------------------------------------- file writing ----

class TempFile {
public:
    explicit TempFile(std::string path) : path_(std::move(path)) {}
    ~TempFile() {
        if (fd_ >= 0) ::close(fd_);
        if (!committed_) ::unlink(path_.c_str());
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;

    bool open() {
        fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        return fd_ >= 0;
    }
    bool write_all(const void* data, size_t n) {
        const char* p = static_cast<const char*>(data);
        while (n > 0) {
            const ssize_t w = ::write(fd_, p, n);
            if (w < 0) {
                if (errno == EINTR) continue;
                return false;
            }
            p += w;
            n -= static_cast<size_t>(w);
        }
        return true;
    }
    bool close() {
        const int rc = ::close(fd_);
        fd_ = -1;
        return rc == 0;
    }
    void commit() { committed_ = true; }
    const std::string& path() const { return path_; }

private:
    std::string path_;
    int fd_ = -1;
    bool committed_ = false;
};

}  // namespace

// ================================================================ reader ====

SafetensorsFile SafetensorsFile::load(const std::string& path) {
    const MappedFile file(path);
    return parse(file.data(), file.size(), path);
}

SafetensorsFile SafetensorsFile::parse(const unsigned char* bytes, size_t size, const std::string& path) {
    const uint64_t file_size = size;

    if (file_size < 8)
        throw FileFormatError(fmt::format(
            "{}: file is too short ({} bytes) to hold the 8-byte header length", path, file_size));
    const uint64_t header_len = load_le<uint64_t>(bytes);
    if (header_len > kMaxHeaderBytes)
        throw FileFormatError(
            fmt::format("{}: header length {} is implausibly large (limit {} bytes)", path,
                        header_len, kMaxHeaderBytes));
    if (header_len > file_size - 8)
        throw FileFormatError(
            fmt::format("{}: header length {} exceeds the file size ({} bytes after "
                        "the 8-byte length field)",
                        path, header_len, file_size - 8));
    const uint64_t data_size = file_size - 8 - header_len;
    const unsigned char* data = bytes + 8 + header_len;

    json::value root;
    {
        json::parser parser;
        json::error_code ec;
        const char* text = reinterpret_cast<const char*>(bytes + 8);
        const size_t used = parser.write(text, static_cast<size_t>(header_len), ec);
        if (ec)
            throw FileFormatError(fmt::format("{}: header is not valid JSON (at byte {} of {}): {}",
                                              path, used, header_len, ec.message()));
        root = parser.release();
    }
    if (!root.is_object())
        throw FileFormatError(
            fmt::format("{}: header is not a JSON object (got {})", path, kind_name(root.kind())));

    SafetensorsFile out;
    out.path_ = path;
    std::vector<Entry> entries;
    for (const auto& kv : root.get_object()) {
        const std::string name(kv.key());
        if (name == kMetadataKey) {
            parse_metadata(path, kv.value(), out.metadata_);
            continue;
        }
        entries.push_back(parse_entry(path, name, kv.value(), data_size));
    }

    // Overlap check: sort by begin and compare each tensor with the one reaching
    // furthest so far. Empty tensors occupy no bytes and cannot overlap.
    std::vector<const Entry*> order;
    for (const Entry& e : entries)
        if (e.end > e.begin) order.push_back(&e);
    std::sort(order.begin(), order.end(), [](const Entry* a, const Entry* b) {
        return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
    });
    const Entry* furthest = nullptr;
    for (const Entry* e : order) {
        if (furthest && e->begin < furthest->end)
            throw FileFormatError(fmt::format(
                "{}: tensors '{}' (bytes [{}, {})) and '{}' (bytes [{}, {})) overlap", path,
                furthest->name, furthest->begin, furthest->end, e->name, e->begin, e->end));
        if (!furthest || e->end > furthest->end) furthest = e;
    }

    for (const Entry& e : entries) {
        if (e.dtype->conv == Conv::Skip) {
            out.skipped_.push_back(e.name);
            continue;
        }
        Tensor t;
        t.shape = e.shape;
        t.data.resize(static_cast<size_t>(e.numel));
        convert(*e.dtype, data + e.begin, static_cast<size_t>(e.numel), t.data.data());
        out.tensors_.emplace(e.name, std::move(t));
    }
    std::sort(out.skipped_.begin(), out.skipped_.end());
    return out;
}

const Tensor& SafetensorsFile::get(const std::string& name) const {
    auto it = tensors_.find(name);
    if (it == tensors_.end())
        throw FileFormatError(fmt::format("{}: missing tensor '{}'", path_, name));
    return it->second;
}

const Tensor& SafetensorsFile::get(const std::string& name,
                                   const std::vector<int64_t>& expected_shape) const {
    const Tensor& t = get(name);
    if (t.shape != expected_shape)
        throw FileFormatError(fmt::format("{}: tensor '{}' has shape {}, expected {}", path_, name,
                                          shape_str(t.shape), shape_str(expected_shape)));
    return t;
}

std::vector<std::string> SafetensorsFile::names() const {
    std::vector<std::string> out;
    out.reserve(tensors_.size());
    for (const auto& kv : tensors_) out.push_back(kv.first);
    return out;
}

// ================================================================ writer ====

void save_safetensors(const std::string& path, const std::map<std::string, Tensor>& tensors,
                      const std::map<std::string, std::string>& metadata) {
    json::object header;
    if (!metadata.empty()) {
        json::object meta;
        for (const auto& kv : metadata) meta[kv.first] = kv.second;
        header[kMetadataKey] = std::move(meta);
    }
    uint64_t offset = 0;
    for (const auto& kv : tensors) {  // std::map: names already sorted
        const std::string& name = kv.first;
        const Tensor& t = kv.second;
        if (name == kMetadataKey)
            throw Error(fmt::format("{}: tensor name '{}' is reserved", path, name));
        json::array shape;
        for (int64_t d : t.shape) {
            if (d < 0)
                throw ShapeError(fmt::format("{}: tensor '{}' has negative dimension in shape {}",
                                             path, name, shape_str(t.shape)));
            shape.push_back(d);
        }
        const size_t expected = Tensor::numel(t.shape);
        if (t.data.size() != expected)
            throw ShapeError(fmt::format("{}: tensor '{}' has {} values, but shape {} needs {}",
                                         path, name, t.data.size(), shape_str(t.shape), expected));
        const uint64_t bytes = static_cast<uint64_t>(t.data.size()) * sizeof(float);
        json::object entry;
        entry["dtype"] = "F32";
        entry["shape"] = std::move(shape);
        entry["data_offsets"] = json::array{offset, offset + bytes};
        header[name] = std::move(entry);
        offset += bytes;
    }

    std::string text = json::serialize(header);
    text.append((8 - (text.size() % 8)) % 8, ' ');  // data starts at 8 + len: 8-byte aligned
    const uint64_t header_len = text.size();

    TempFile tmp(fmt::format("{}.tmp{}", path, static_cast<long>(::getpid())));
    auto io_fail = [&](const char* what) {
        return Error(fmt::format("{}: cannot write safetensors file ({} {}): {}", path, what,
                                 tmp.path(), std::strerror(errno)));
    };
    if (!tmp.open()) throw io_fail("creating");
    unsigned char len_bytes[8];
    std::memcpy(len_bytes, &header_len, 8);
    if (!tmp.write_all(len_bytes, 8) || !tmp.write_all(text.data(), text.size()))
        throw io_fail("writing");
    for (const auto& kv : tensors)
        if (!kv.second.data.empty() &&
            !tmp.write_all(kv.second.data.data(), kv.second.data.size() * sizeof(float)))
            throw io_fail("writing");
    if (!tmp.close()) throw io_fail("closing");
    if (std::rename(tmp.path().c_str(), path.c_str()) != 0) throw io_fail("renaming");
    tmp.commit();
}

}  // namespace edgebert::model
