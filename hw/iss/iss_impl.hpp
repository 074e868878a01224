// Private to the ISS sources: helpers shared by the interpreter
// (iss_exec.cpp), the A extension (iss_exec_a.cpp) and the memory paths
// (iss_memory.cpp). Not for users of the ISS: include iss.hpp.
#pragma once

#include <cstdint>
#include <cstring>

#include "hw/iss/iss.hpp"

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the ISS's DMI path assumes a little-endian host");

namespace edgebert::iss {
namespace detail {

inline uint64_t sext32(uint64_t v) {
    return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(static_cast<uint32_t>(v))));
}

}  // namespace detail

// ---- data access fast paths ----------------------------------------------------------
// Inline: the interpreter's loads and stores to the primary DMI region compile
// to an alignment check, a range check and a memcpy. Everything else goes to
// load_slow / store_slow (iss_memory.cpp).

template <class T>
inline bool Iss::load(uint64_t addr, T& out, uint64_t access_cause) {
    if ((addr & (sizeof(T) - 1)) != 0) {
        take_trap(cause::kLoadMisaligned, addr);
        return false;
    }
    const uint64_t off = addr - dmi_base_;
    if (off < dmi_limit_) {
        memory_access(1, addr);
        std::memcpy(&out, dmi_ptr_ + off, sizeof(T));
        return true;
    }
    uint64_t v = 0;
    if (!load_slow(addr, sizeof(T), v)) {
        take_trap(access_cause, addr);
        return false;
    }
    out = static_cast<T>(v);
    return true;
}

template <class T>
inline bool Iss::store(uint64_t addr, T value) {
    if ((addr & (sizeof(T) - 1)) != 0) {
        take_trap(cause::kStoreMisaligned, addr);
        return false;
    }
    const uint64_t off = addr - dmi_base_;
    if (off < dmi_limit_) {
        memory_access(2, addr);
        std::memcpy(dmi_ptr_ + off, &value, sizeof(T));
        if (dmi_flags_[(addr >> 12) - dmi_base_page_] != 0) store_hook(addr, sizeof(T));
        return true;
    }
    if (!store_slow(addr, sizeof(T), static_cast<uint64_t>(value))) {
        take_trap(cause::kStoreAccess, addr);
        return false;
    }
    return true;
}

}  // namespace edgebert::iss
