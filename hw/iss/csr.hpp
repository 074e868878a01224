// CSR numbers, bit fields and exception causes of the machine-mode-only core.
#pragma once

#include <cstdint>

namespace edgebert::iss {

namespace csr {
constexpr uint32_t kFflags = 0x001;
constexpr uint32_t kFrm = 0x002;
constexpr uint32_t kFcsr = 0x003;
constexpr uint32_t kCycle = 0xC00;
constexpr uint32_t kTime = 0xC01;
constexpr uint32_t kInstret = 0xC02;
constexpr uint32_t kMstatus = 0x300;
constexpr uint32_t kMisa = 0x301;
constexpr uint32_t kMie = 0x304;
constexpr uint32_t kMtvec = 0x305;
constexpr uint32_t kMcountinhibit = 0x320;
constexpr uint32_t kMscratch = 0x340;
constexpr uint32_t kMepc = 0x341;
constexpr uint32_t kMcause = 0x342;
constexpr uint32_t kMtval = 0x343;
constexpr uint32_t kMip = 0x344;
constexpr uint32_t kMcycle = 0xB00;
constexpr uint32_t kMinstret = 0xB02;
constexpr uint32_t kMvendorid = 0xF11;
constexpr uint32_t kMarchid = 0xF12;
constexpr uint32_t kMimpid = 0xF13;
constexpr uint32_t kMhartid = 0xF14;
constexpr uint32_t kMconfigptr = 0xF15;
}  // namespace csr

namespace mstatus {
constexpr uint64_t kMie = 1ull << 3;
constexpr uint64_t kMpie = 1ull << 7;
constexpr uint64_t kMpp = 3ull << 11;  // hard-wired to M (11)
constexpr uint64_t kFs = 3ull << 13;
constexpr uint64_t kFsInitial = 1ull << 13;
constexpr uint64_t kFsClean = 2ull << 13;
constexpr uint64_t kFsDirty = 3ull << 13;
constexpr uint64_t kSd = 1ull << 63;
}  // namespace mstatus

namespace irq {
constexpr uint64_t kMsip = 1ull << 3;
constexpr uint64_t kMtip = 1ull << 7;
constexpr uint64_t kMeip = 1ull << 11;
}  // namespace irq

namespace cause {
constexpr uint64_t kInterrupt = 1ull << 63;
constexpr uint64_t kInstrMisaligned = 0;
constexpr uint64_t kInstrAccess = 1;
constexpr uint64_t kIllegal = 2;
constexpr uint64_t kBreakpoint = 3;
constexpr uint64_t kLoadMisaligned = 4;
constexpr uint64_t kLoadAccess = 5;
constexpr uint64_t kStoreMisaligned = 6;
constexpr uint64_t kStoreAccess = 7;
constexpr uint64_t kEcallM = 11;
// interrupt codes (mcause = kInterrupt | code)
constexpr uint64_t kMachineSoftware = 3;
constexpr uint64_t kMachineTimer = 7;
constexpr uint64_t kMachineExternal = 11;
}  // namespace cause

}  // namespace edgebert::iss
