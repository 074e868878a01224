// Reader and writer for the safetensors format used by Hugging Face checkpoints.
//
// Layout: 8-byte little-endian header length N, N bytes of UTF-8 JSON header
// {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...,
//  "__metadata__": {"key": "value"}}, then the raw little-endian tensor bytes;
// offsets are relative to the end of the header.
//
// The reader accepts F32, F16, BF16 and F64 tensors (converted to FP32) and
// skips integer tensors (e.g. HF's position_ids buffer), listing them in
// skipped(). Every malformation is reported as edgebert::FileFormatError naming
// the file and, where it applies, the tensor.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "compiler/model/tensor.hpp"

namespace edgebert::model {

class SafetensorsFile {
public:
    // Parses and validates the whole file; throws FileFormatError on any problem.
    static SafetensorsFile load(const std::string& path);
    // The same from `size` bytes in memory; `origin` stands for the file in messages.
    static SafetensorsFile parse(const unsigned char* bytes, size_t size, const std::string& origin);

    const std::string& path() const { return path_; }
    bool contains(const std::string& name) const { return tensors_.count(name) != 0; }
    // Throws FileFormatError("<file>: missing tensor '<name>'") when absent.
    const Tensor& get(const std::string& name) const;
    // Like get(), and also checks the shape, naming file, tensor, expected and actual shape.
    const Tensor& get(const std::string& name, const std::vector<int64_t>& expected_shape) const;
    std::vector<std::string> names() const;
    const std::map<std::string, std::string>& metadata() const { return metadata_; }
    const std::vector<std::string>& skipped() const { return skipped_; }

private:
    std::string path_;
    std::map<std::string, Tensor> tensors_;
    std::map<std::string, std::string> metadata_;
    std::vector<std::string> skipped_;
};

// Writes FP32 tensors (names sorted, data 8-byte aligned as the format recommends).
// Throws edgebert::Error naming the file if it cannot be written.
void save_safetensors(const std::string& path, const std::map<std::string, Tensor>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

}  // namespace edgebert::model
