// Sparse byte storage for memory models: the window is cut into 4 KiB pages
// that are allocated (zero-filled) on the first write that enables a byte in
// them. Reads of pages never written return zeros and allocate nothing, so a
// multi-GiB window costs only the pages actually written.
//
// Offsets are relative to the start of the owner's window; the owner checks
// the range before calling (this class does no bounds checking of its own
// beyond what the 64-bit page index implies).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <unordered_map>

namespace edgebert::hw {

class SparseStorage {
public:
    static constexpr uint64_t kPageBytes = 4096;

    // Plain copies.
    void read(uint64_t offset, uint8_t* dst, uint64_t len) const;
    void write(uint64_t offset, const uint8_t* src, uint64_t len);

    // TLM byte-enable copies: byte i moves only if be[i % be_len] is not
    // TLM_BYTE_DISABLED (0x00). Disabled bytes are neither written nor, on a
    // read, copied into `dst`. be_len must be > 0.
    void read_enabled(uint64_t offset, uint8_t* dst, uint64_t len, const uint8_t* be, unsigned be_len) const;
    void write_enabled(uint64_t offset, const uint8_t* src, uint64_t len, const uint8_t* be, unsigned be_len);

    // A TLM data phase: read into / write from `data`, honouring byte enables when `be` is set.
    void transfer(bool read, uint64_t offset, uint8_t* data, uint64_t len, const uint8_t* be, unsigned be_len) {
        if (read) {
            if (be) read_enabled(offset, data, len, be, be_len);
            else this->read(offset, data, len);
        } else {
            if (be) write_enabled(offset, data, len, be, be_len);
            else write(offset, data, len);
        }
    }

    uint64_t pages_allocated() const { return static_cast<uint64_t>(pages_.size()); }
    uint64_t bytes_allocated() const { return pages_allocated() * kPageBytes; }
    void clear() { pages_.clear(); }

    // A page's bytes (allocated zeroed on first use): direct access for a core's DMI.
    // Pages never move once allocated, so the pointer stays valid.
    uint8_t* page_for_write(uint64_t page);

private:
    const uint8_t* find_page(uint64_t page) const;

    std::unordered_map<uint64_t, std::unique_ptr<uint8_t[]>> pages_;  // page index -> kPageBytes bytes
};

}  // namespace edgebert::hw
