// Tests for the safetensors reader/writer: round trips, hand-built F16/BF16/F64
// files, skipped integer tensors, every header malformation, truncation at every
// length and seeded random header corruption (load or FileFormatError, never a crash).
#include "compiler/model/safetensors.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace edgebert::model {
namespace {

// A file name unique to this test and process (ctest runs tests in parallel).
std::string tmp_path(const std::string& tag) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    return ::testing::TempDir() + "st_" + info->name() + "_" + tag + "_" +
           std::to_string(::getpid()) + ".safetensors";
}

void write_file(const std::string& path, const std::string& bytes) {
    // Unlink first: rewriting a truncated file makes ext4 flush it on close
    // (auto_da_alloc), which would make the truncation/corruption loops slow.
    std::remove(path.c_str());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    ASSERT_TRUE(out.good()) << path;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string le64(uint64_t v) {
    std::string s(8, '\0');
    for (int i = 0; i < 8; ++i) s[i] = static_cast<char>((v >> (8 * i)) & 0xff);
    return s;
}

// 8-byte length + header text + data, exactly as given (no padding).
std::string build(const std::string& header, const std::string& data = "") {
    return le64(header.size()) + header + data;
}

template <typename T>
void append_le(std::string& out, T v) {
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));  // host is little-endian (asserted by the library)
    out.append(b, sizeof(T));
}

uint32_t float_bits(float f) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    return u;
}

// Loads `path`, expecting a FileFormatError whose message starts with the path
// and contains every phrase.
void expect_format_error(const std::string& path, const std::vector<std::string>& phrases) {
    try {
        SafetensorsFile::load(path);
        ADD_FAILURE() << "no error for " << path;
    } catch (const FileFormatError& e) {
        const std::string msg = e.what();
        EXPECT_EQ(msg.rfind(path, 0), 0u) << "message does not start with the path: " << msg;
        for (const auto& p : phrases)
            EXPECT_NE(msg.find(p), std::string::npos) << "missing '" << p << "' in: " << msg;
    }
}

// --------------------------------------------------------------------------

TEST(Safetensors, RoundTripShapesValuesAndMetadata) {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const float inf = std::numeric_limits<float>::infinity();
    std::map<std::string, Tensor> in;
    in["scalar"] = Tensor({}, {3.5f});
    in["vec"] = Tensor({5}, {1.0f, -0.0f, inf, nan, std::numeric_limits<float>::denorm_min()});
    in["mat"] = Tensor({2, 3}, {1, 2, 3, 4, 5, 6});
    Tensor cube({2, 3, 4});
    for (size_t i = 0; i < cube.data.size(); ++i)
        cube.data[i] = 0.25f * static_cast<float>(i) - 3.0f;
    in["cube"] = cube;
    in["empty"] = Tensor({0, 3}, {});
    const std::map<std::string, std::string> meta = {{"format", "pt"},
                                                     {"note", "quote \" and \xc3\xbc"}};
    const std::string path = tmp_path("rt");
    save_safetensors(path, in, meta);

    const auto f = SafetensorsFile::load(path);
    EXPECT_EQ(f.path(), path);
    EXPECT_EQ(f.names(), (std::vector<std::string>{"cube", "empty", "mat", "scalar", "vec"}));
    EXPECT_EQ(f.metadata(), meta);
    EXPECT_TRUE(f.skipped().empty());
    for (const auto& kv : in) {
        const Tensor& t = f.get(kv.first, kv.second.shape);
        ASSERT_EQ(t.data.size(), kv.second.data.size()) << kv.first;
        for (size_t i = 0; i < t.data.size(); ++i)  // bitwise, so NaN and -0 count
            EXPECT_EQ(float_bits(t.data[i]), float_bits(kv.second.data[i]))
                << kv.first << "[" << i << "]";
    }

    // Layout: data 8-byte aligned, header padded with spaces, names sorted.
    const std::string bytes = read_file(path);
    uint64_t n = 0;
    std::memcpy(&n, bytes.data(), 8);
    EXPECT_EQ((8 + n) % 8, 0u);
    EXPECT_EQ(bytes.size(), 8 + n + (4 * (1 + 5 + 6 + 24)));
    const std::string header = bytes.substr(8, n);
    EXPECT_EQ(header.find_last_not_of(' '), header.rfind('}'));
    size_t last = 0;
    for (const char* name : {"\"cube\"", "\"empty\"", "\"mat\"", "\"scalar\"", "\"vec\""}) {
        const size_t pos = header.find(name);
        ASSERT_NE(pos, std::string::npos) << name;
        EXPECT_GT(pos, last) << name;
        last = pos;
    }
    EXPECT_NE(header.find("\"__metadata__\""), std::string::npos);
    std::remove(path.c_str());
}

TEST(Safetensors, EmptyMetadataIsOmittedAndEmptyFileLoads) {
    const std::string path = tmp_path("nometa");
    save_safetensors(path, {{"w", Tensor({2}, {1.0f, 2.0f})}});
    EXPECT_EQ(read_file(path).find("__metadata__"), std::string::npos);
    EXPECT_TRUE(SafetensorsFile::load(path).metadata().empty());

    save_safetensors(path, {});  // overwrites; no tensors at all
    const auto f = SafetensorsFile::load(path);
    EXPECT_TRUE(f.names().empty());
    std::remove(path.c_str());
}

TEST(Safetensors, HeaderWithTrailingSpacesAndNoPadding) {
    const std::string path = tmp_path("pad");
    std::string data;
    append_le(data, 1.25f);
    write_file(path,
               build(R"({"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}      )", data));
    EXPECT_EQ(SafetensorsFile::load(path).get("x", {1}).data[0], 1.25f);
    write_file(path, build(R"({"x":{"dtype":"F32","shape":[],"data_offsets":[0,4]}})", data));
    EXPECT_EQ(SafetensorsFile::load(path).get("x", {}).data[0], 1.25f);
    std::remove(path.c_str());
}

// Independent reference for binary16 (arithmetic, not bit manipulation).
double half_reference(uint16_t h) {
    const int sign = (h >> 15) ? -1 : 1;
    const int exp = (h >> 10) & 0x1f;
    const int mant = h & 0x3ff;
    if (exp == 0) return sign * std::ldexp(static_cast<double>(mant), -24);
    if (exp == 31)
        return mant ? std::numeric_limits<double>::quiet_NaN()
                    : sign * std::numeric_limits<double>::infinity();
    return sign * std::ldexp(1.0 + mant / 1024.0, exp - 15);
}

TEST(Safetensors, HalfConversionMatchesReferenceForAllInputs) {
    std::string data;
    for (uint32_t h = 0; h < 65536; ++h) append_le(data, static_cast<uint16_t>(h));
    const std::string path = tmp_path("f16all");
    write_file(path,
               build(R"({"h":{"dtype":"F16","shape":[256,256],"data_offsets":[0,131072]}})", data));
    const auto f = SafetensorsFile::load(path);
    const Tensor& t = f.get("h", {256, 256});
    for (uint32_t h = 0; h < 65536; ++h) {
        const double ref = half_reference(static_cast<uint16_t>(h));
        const float got = t.data[h];
        if (std::isnan(ref)) {
            EXPECT_TRUE(std::isnan(got)) << std::hex << h;
        } else {
            EXPECT_EQ(static_cast<double>(got), ref) << std::hex << h;
            EXPECT_EQ(std::signbit(got), std::signbit(ref)) << std::hex << h;
        }
    }
    std::remove(path.c_str());
}

TEST(Safetensors, ReadsHandBuiltF16Bf16F64) {
    const uint16_t halves[] = {0x3C00, 0xC000, 0x0001, 0x03FF, 0x0400, 0x7BFF,
                               0x7C00, 0xFC00, 0x7E00, 0x8000, 0x3555, 0x8200};
    const uint16_t bf16s[] = {0x3F80, 0xC040, 0x0001, 0x7F80, 0xFF80, 0x7FC0, 0x4049};
    const double doubles[] = {
        1.5, -1e300, 1e-50, std::numeric_limits<double>::quiet_NaN(), 3.141592653589793, 1e-40};
    std::string data;
    for (uint16_t h : halves) append_le(data, h);  // [0, 24)
    for (uint16_t b : bf16s) append_le(data, b);   // [24, 38)
    for (double d : doubles) append_le(data, d);   // [38, 86): deliberately unaligned
    const std::string header = R"({"__metadata__":{"format":"pt"},)"
                               R"("h":{"dtype":"F16","shape":[3,4],"data_offsets":[0,24]},)"
                               R"("b":{"dtype":"BF16","shape":[7],"data_offsets":[24,38]},)"
                               R"("d":{"dtype":"F64","shape":[2,1,3],"data_offsets":[38,86]}})";
    const std::string path = tmp_path("mixed");
    write_file(path, build(header, data));
    const auto f = SafetensorsFile::load(path);
    EXPECT_EQ(f.metadata().at("format"), "pt");

    const auto& h = f.get("h", {3, 4}).data;
    const float inf = std::numeric_limits<float>::infinity();
    EXPECT_EQ(h[0], 1.0f);
    EXPECT_EQ(h[1], -2.0f);
    EXPECT_EQ(h[2], std::ldexp(1.0f, -24));            // smallest subnormal
    EXPECT_EQ(h[3], 1023.0f * std::ldexp(1.0f, -24));  // largest subnormal
    EXPECT_EQ(h[4], std::ldexp(1.0f, -14));            // smallest normal
    EXPECT_EQ(h[5], 65504.0f);
    EXPECT_EQ(h[6], inf);
    EXPECT_EQ(h[7], -inf);
    EXPECT_TRUE(std::isnan(h[8]));
    EXPECT_EQ(h[9], 0.0f);
    EXPECT_TRUE(std::signbit(h[9]));
    EXPECT_EQ(h[10], 0.333251953125f);
    EXPECT_EQ(h[11], -std::ldexp(1.0f, -15));  // negative subnormal

    const auto& b = f.get("b", {7}).data;
    EXPECT_EQ(b[0], 1.0f);
    EXPECT_EQ(b[1], -3.0f);
    EXPECT_EQ(b[2], std::ldexp(1.0f, -133));  // bf16 subnormal
    EXPECT_EQ(b[3], inf);
    EXPECT_EQ(b[4], -inf);
    EXPECT_TRUE(std::isnan(b[5]));
    EXPECT_EQ(b[6], 3.140625f);

    const auto& d = f.get("d", {2, 1, 3}).data;
    EXPECT_EQ(d[0], 1.5f);
    EXPECT_EQ(d[1], -inf);  // out of FP32 range
    EXPECT_EQ(d[2], 0.0f);
    EXPECT_FALSE(std::signbit(d[2]));
    EXPECT_TRUE(std::isnan(d[3]));
    EXPECT_EQ(d[4], static_cast<float>(3.141592653589793));
    EXPECT_EQ(d[5], static_cast<float>(1e-40));  // FP32 subnormal
    EXPECT_GT(d[5], 0.0f);
    std::remove(path.c_str());
}

TEST(Safetensors, IntegerAndBoolTensorsAreSkipped) {
    std::string data;
    for (int64_t i = 0; i < 4; ++i) append_le(data, i);  // [0, 32)
    append_le(data, 2.0f);                               // [32, 40)
    append_le(data, -1.0f);
    data += std::string("\x01\x00\x01", 3);  // [40, 43)
    const std::string header =
        R"({"position_ids":{"dtype":"I64","shape":[1,4],"data_offsets":[0,32]},)"
        R"("w":{"dtype":"F32","shape":[2],"data_offsets":[32,40]},)"
        R"("mask":{"dtype":"BOOL","shape":[3],"data_offsets":[40,43]}})";
    const std::string path = tmp_path("skip");
    write_file(path, build(header, data));
    const auto f = SafetensorsFile::load(path);
    EXPECT_EQ(f.skipped(), (std::vector<std::string>{"mask", "position_ids"}));
    EXPECT_EQ(f.names(), (std::vector<std::string>{"w"}));
    EXPECT_FALSE(f.contains("position_ids"));
    EXPECT_TRUE(f.contains("w"));
    EXPECT_EQ(f.get("w").data, (std::vector<float>{2.0f, -1.0f}));
    std::remove(path.c_str());
}

TEST(Safetensors, GetReportsMissingTensorAndShapeMismatch) {
    const std::string path = tmp_path("get");
    save_safetensors(path, {{"mat", Tensor({2, 3})}});
    const auto f = SafetensorsFile::load(path);
    try {
        f.get("nope");
        ADD_FAILURE() << "no error";
    } catch (const FileFormatError& e) {
        EXPECT_EQ(std::string(e.what()), path + ": missing tensor 'nope'");
    }
    try {
        f.get("mat", {3, 2});
        ADD_FAILURE() << "no error";
    } catch (const FileFormatError& e) {
        EXPECT_EQ(std::string(e.what()), path + ": tensor 'mat' has shape [2, 3], expected [3, 2]");
    }
    EXPECT_NO_THROW(f.get("mat", {2, 3}));
    std::remove(path.c_str());
}

TEST(Safetensors, WriterRejectsBadTensorsAndUnwritablePaths) {
    const std::string path = tmp_path("werr");
    try {
        save_safetensors(path, {{"bad", Tensor({2, 3}, {1.0f, 2.0f})}});
        ADD_FAILURE() << "no error";
    } catch (const ShapeError& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("'bad'"), std::string::npos) << msg;
        EXPECT_NE(msg.find("[2, 3]"), std::string::npos) << msg;
    }
    EXPECT_FALSE(std::ifstream(path).good());  // nothing written

    const std::string bad_path =
        ::testing::TempDir() + "st_no_such_dir_" + std::to_string(::getpid()) + "/w.safetensors";
    try {
        save_safetensors(bad_path, {{"w", Tensor({1})}});
        ADD_FAILURE() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()).rfind(bad_path, 0), 0u) << e.what();
    }
}

TEST(Safetensors, UnreadablePathsAreFileFormatErrors) {
    const std::string missing = tmp_path("does_not_exist");
    expect_format_error(missing, {"cannot open"});
    std::string dir = ::testing::TempDir();
    expect_format_error(dir, {"not a regular file"});
}

// One malformed file per case: header text (or raw bytes) -> expected phrases.
struct BadCase {
    const char* label;
    std::string bytes;
    std::vector<std::string> phrases;
};

std::vector<BadCase> bad_cases() {
    const std::string data16(16, '\0');  // a 16-byte data buffer
    auto entry = [&](const std::string& body) { return build("{\"w\":" + body + "}", data16); };
    std::string deep = std::string(200, '[') + std::string(200, ']');
    return {
        {"empty", "", {"too short", "(0 bytes)"}},
        {"short", std::string("\x10\x00\x00", 3), {"too short", "(3 bytes)"}},
        {"len_past_eof",
         le64(1000) + "{}",
         {"header length 1000 exceeds the file size", "(2 bytes"}},
        {"len_absurd",
         le64(1ull << 40) + "{}",
         {"header length 1099511627776 is implausibly large"}},
        {"len_max", le64(~0ull) + "{}", {"implausibly large"}},
        {"json_syntax", build(R"({"w": {"dtype": )"), {"not valid JSON", "incomplete JSON"}},
        {"json_garbage", build("{\"w\" 1}"), {"not valid JSON", "syntax error"}},
        {"json_empty", build(""), {"not valid JSON"}},
        {"json_extra", build("{} x"), {"not valid JSON"}},
        {"json_deep", build(deep), {"not valid JSON"}},
        {"json_bad_utf8", build("{\"\xff\xfe\":1}"), {"not valid JSON"}},
        {"not_object", build("[1, 2]"), {"header is not a JSON object", "an array"}},
        {"entry_not_object", entry("5"), {"tensor 'w'", "entry must be a JSON object"}},
        {"no_dtype",
         entry(R"({"shape":[4],"data_offsets":[0,16]})"),
         {"tensor 'w'", "missing \"dtype\""}},
        {"no_shape",
         entry(R"({"dtype":"F32","data_offsets":[0,16]})"),
         {"tensor 'w'", "missing \"shape\""}},
        {"no_offsets",
         entry(R"({"dtype":"F32","shape":[4]})"),
         {"tensor 'w'", "missing \"data_offsets\""}},
        {"dtype_type",
         entry(R"({"dtype":32,"shape":[4],"data_offsets":[0,16]})"),
         {"tensor 'w'", "\"dtype\" must be a string"}},
        {"shape_type",
         entry(R"({"dtype":"F32","shape":4,"data_offsets":[0,16]})"),
         {"tensor 'w'", "\"shape\" must be an array of integers"}},
        {"shape_float",
         entry(R"({"dtype":"F32","shape":[4.0],"data_offsets":[0,16]})"),
         {"tensor 'w'", "\"shape\" must be an array of integers"}},
        {"shape_string",
         entry(R"({"dtype":"F32","shape":["4"],"data_offsets":[0,16]})"),
         {"tensor 'w'", "\"shape\" must be an array of integers"}},
        {"negative_dim",
         entry(R"({"dtype":"F32","shape":[-2,-2],"data_offsets":[0,16]})"),
         {"tensor 'w'", "negative dimension -2"}},
        {"huge_dim",
         entry(R"({"dtype":"F32","shape":[18446744073709551615],"data_offsets":[0,16]})"),
         {"tensor 'w'", "too large"}},
        {"numel_overflow",
         entry(R"({"dtype":"F32","shape":[4294967296,4294967296,16],"data_offsets":[0,16]})"),
         {"tensor 'w'", "too many elements"}},
        {"bytes_overflow",
         entry(R"({"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,16]})"),
         {"tensor 'w'", "too many elements"}},
        {"empty_but_huge",
         entry(R"({"dtype":"F32","shape":[0,4611686018427387904,4],"data_offsets":[0,0]})"),
         {"tensor 'w'", "too many elements"}},
        {"unknown_dtype",
         entry(R"({"dtype":"F7","shape":[4],"data_offsets":[0,16]})"),
         {"tensor 'w'", "unknown dtype 'F7'"}},
        {"offsets_type",
         entry(R"({"dtype":"F32","shape":[4],"data_offsets":"0-16"})"),
         {"tensor 'w'", "\"data_offsets\" must be an array of two integers"}},
        {"offsets_len",
         entry(R"({"dtype":"F32","shape":[4],"data_offsets":[0,16,32]})"),
         {"tensor 'w'", "\"data_offsets\" must be an array of two integers"}},
        {"offsets_float",
         entry(R"({"dtype":"F32","shape":[4],"data_offsets":[0,16.0]})"),
         {"tensor 'w'", "\"data_offsets\" must be an array of two integers"}},
        {"offsets_negative",
         entry(R"({"dtype":"F32","shape":[4],"data_offsets":[-16,0]})"),
         {"tensor 'w'", "negative value"}},
        {"begin_gt_end",
         entry(R"({"dtype":"F32","shape":[1],"data_offsets":[12,8]})"),
         {"tensor 'w'", "begin 12 > end 8"}},
        {"end_past_data",
         entry(R"({"dtype":"F32","shape":[100],"data_offsets":[0,400]})"),
         {"tensor 'w'", "end 400 is beyond the data buffer (16 bytes)"}},
        {"end_u64_max",
         entry(R"({"dtype":"U8","shape":[1],)"
               R"("data_offsets":[18446744073709551614,18446744073709551615]})"),
         {"tensor 'w'", "beyond the data buffer"}},
        {"size_mismatch",
         entry(R"({"dtype":"F32","shape":[2,3],"data_offsets":[0,16]})"),
         {"tensor 'w'", "span 16 bytes, expected 24", "[2, 3]"}},
        {"size_mismatch_f16",
         entry(R"({"dtype":"F16","shape":[4],"data_offsets":[0,16]})"),
         {"tensor 'w'", "span 16 bytes, expected 8", "F16"}},
        {"overlap",
         build(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
               R"("b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]},)"
               R"("c":{"dtype":"I32","shape":[2],"data_offsets":[4,12]}})",
               data16),
         {"'a'", "'c'", "overlap"}},
        {"overlap_nested",
         build(R"({"big":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},)"
               R"("small":{"dtype":"U8","shape":[2],"data_offsets":[12,14]},)"
               R"("mid":{"dtype":"U8","shape":[1],"data_offsets":[6,7]}})",
               data16),
         {"'big'", "overlap"}},
        {"metadata_type",
         build(R"({"__metadata__":["a"]})"),
         {"\"__metadata__\" must be an object"}},
        {"metadata_value",
         build(R"({"__metadata__":{"k":1}})"),
         {"\"__metadata__\" value for key 'k' must be a string"}},
    };
}

TEST(Safetensors, EveryMalformationIsAFileFormatError) {
    for (const auto& c : bad_cases()) {
        SCOPED_TRACE(c.label);
        const std::string path = tmp_path(c.label);
        write_file(path, c.bytes);
        expect_format_error(path, c.phrases);
        std::remove(path.c_str());
    }
}

// A small valid file whose last tensor ends exactly at the end of the file.
std::string valid_file_bytes(const std::string& path) {
    std::map<std::string, Tensor> t;
    t["a.weight"] = Tensor({2, 3}, {1, 2, 3, 4, 5, 6});
    t["b.bias"] = Tensor({3}, {-1, 0, 1});
    t["c.scalar"] = Tensor({}, {7});
    save_safetensors(path, t, {{"format", "pt"}});
    return read_file(path);
}

TEST(Safetensors, EveryTruncationThrows) {
    const std::string path = tmp_path("trunc");
    const std::string full = valid_file_bytes(path);
    ASSERT_NO_THROW(SafetensorsFile::load(path));
    for (size_t len = 0; len < full.size(); ++len) {
        SCOPED_TRACE(len);
        write_file(path, full.substr(0, len));
        expect_format_error(path, {});
    }
    std::remove(path.c_str());
}

TEST(Safetensors, RandomHeaderCorruptionLoadsOrThrows) {
    const std::string path = tmp_path("fuzz");
    const std::string full = valid_file_bytes(path);
    uint64_t n = 0;
    std::memcpy(&n, full.data(), 8);
    const std::string specials = "{}[]\",:-+.0123456789eE \\/u\x80\xff";
    std::mt19937 rng(20240611u);
    int loaded = 0, rejected = 0;
    for (int iter = 0; iter < 200; ++iter) {
        std::string bytes = full;
        const int mutations = 1 + static_cast<int>(rng() % 4);
        for (int m = 0; m < mutations; ++m) {
            const bool in_length = rng() % 10 == 0;
            const size_t pos = in_length ? rng() % 8 : 8 + rng() % n;
            bytes[pos] =
                (rng() % 2) ? specials[rng() % specials.size()] : static_cast<char>(rng() & 0xff);
        }
        write_file(path, bytes);
        try {
            const auto f = SafetensorsFile::load(path);
            for (const auto& name : f.names())
                EXPECT_EQ(f.get(name).data.size(), Tensor::numel(f.get(name).shape)) << name;
            ++loaded;
        } catch (const FileFormatError& e) {
            EXPECT_EQ(std::string(e.what()).rfind(path, 0), 0u) << e.what();
            ++rejected;
        } catch (const std::exception& e) {
            ADD_FAILURE() << "iteration " << iter << ": unexpected exception: " << e.what();
        }
    }
    EXPECT_EQ(loaded + rejected, 200);
    EXPECT_GT(rejected, 0);
    std::remove(path.c_str());
}

}  // namespace
}  // namespace edgebert::model
