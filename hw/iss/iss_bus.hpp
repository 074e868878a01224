// The memory interface of the ISS: what the platform (SoC, unit-test bench)
// implements so the core can fetch, load and store.
//
// Contract:
//  * load/store/fetch32 are the slow path, used for every address that has no
//    DMI pointer (MMIO). They return false for an address nothing answers at;
//    the ISS then raises an access fault (fetch 1, load 5, store/AMO 7).
//    Accesses are naturally aligned (the ISS traps misaligned ones before),
//    size is 1, 2, 4 or 8, values are little-endian in the low bits of `v`.
//    fetch32 is called with 4-byte-aligned addresses; the default uses load().
//  * dmi(addr, len): a host pointer p such that p[0 .. len) is guest memory
//    [addr, addr + len), or nullptr. The ISS asks once per region (on the
//    first slow access to it) and afterwards reads, writes and fetches there
//    directly, without virtual calls. Memory behind a DMI pointer must be
//    plain RAM: no side effects on access. If the mapping changes, call
//    Iss::invalidate_dmi(); if something other than the ISS (DMA) writes code
//    there, call Iss::invalidate_code().
//  * stall_cycles: an implementation adds the extra latency of a slow access
//    (NoC, device) here; the ISS adds it to mcycle and resets it to zero after
//    each call.
//  * mtime()/mtimecmp(): the machine timer. The ISS raises mip.MTIP while
//    mtime() >= mtimecmp(), polling at least every
//    IssConfig::interrupt_check_interval instructions, at run() entry, after
//    every slow store, and on reads of mip. The time CSR reads mtime().
//    Defaults: no timer.
//  * The ISS never calls these from more than one thread.
#pragma once

#include <cstddef>
#include <cstdint>

namespace edgebert::iss {

class IssBus {
public:
    virtual ~IssBus() = default;

    virtual bool fetch32(uint64_t addr, uint32_t& v) {
        uint64_t w = 0;
        if (!load(addr, 4, w)) return false;
        v = static_cast<uint32_t>(w);
        return true;
    }
    virtual bool load(uint64_t addr, int size, uint64_t& v) = 0;
    virtual bool store(uint64_t addr, int size, uint64_t v) = 0;
    virtual uint8_t* dmi(uint64_t addr, size_t& len) {
        (void)addr;
        len = 0;
        return nullptr;
    }

    virtual uint64_t mtime() { return 0; }
    virtual uint64_t mtimecmp() { return ~static_cast<uint64_t>(0); }

    // Extra cycles of the slow accesses since the ISS last looked (see above).
    uint64_t stall_cycles = 0;
};

}  // namespace edgebert::iss
