#include "hw/mem/sparse_storage.hpp"

#include <algorithm>
#include <cstring>

namespace edgebert::hw {

namespace {
constexpr uint8_t kByteDisabled = 0x00;  // TLM_BYTE_DISABLED, without pulling in <tlm>
}

const uint8_t* SparseStorage::find_page(uint64_t page) const {
    const auto it = pages_.find(page);
    return it == pages_.end() ? nullptr : it->second.get();
}

uint8_t* SparseStorage::page_for_write(uint64_t page) {
    auto& slot = pages_[page];
    if (!slot) slot = std::make_unique<uint8_t[]>(kPageBytes);  // value-initialised: zeros
    return slot.get();
}

void SparseStorage::read(uint64_t offset, uint8_t* dst, uint64_t len) const {
    while (len > 0) {
        const uint64_t in_page = offset % kPageBytes;
        const uint64_t n = std::min(len, kPageBytes - in_page);
        if (const uint8_t* p = find_page(offset / kPageBytes))
            std::memcpy(dst, p + in_page, n);
        else
            std::memset(dst, 0, n);
        offset += n;
        dst += n;
        len -= n;
    }
}

void SparseStorage::write(uint64_t offset, const uint8_t* src, uint64_t len) {
    while (len > 0) {
        const uint64_t in_page = offset % kPageBytes;
        const uint64_t n = std::min(len, kPageBytes - in_page);
        std::memcpy(page_for_write(offset / kPageBytes) + in_page, src, n);
        offset += n;
        src += n;
        len -= n;
    }
}

// Byte-enabled copies go byte by byte; they are rare and short in practice.
void SparseStorage::read_enabled(uint64_t offset, uint8_t* dst, uint64_t len, const uint8_t* be,
                                 unsigned be_len) const {
    for (uint64_t i = 0; i < len; ++i) {
        if (be[i % be_len] == kByteDisabled) continue;
        const uint64_t at = offset + i;
        const uint8_t* p = find_page(at / kPageBytes);
        dst[i] = p ? p[at % kPageBytes] : 0;
    }
}

void SparseStorage::write_enabled(uint64_t offset, const uint8_t* src, uint64_t len, const uint8_t* be,
                                  unsigned be_len) {
    for (uint64_t i = 0; i < len; ++i) {
        if (be[i % be_len] == kByteDisabled) continue;
        const uint64_t at = offset + i;
        page_for_write(at / kPageBytes)[at % kPageBytes] = src[i];
    }
}

}  // namespace edgebert::hw
