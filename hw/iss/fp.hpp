// Floating-point helpers of the ISS (F and D extensions).
//
// How results and flags are computed (see hw/iss/README.md for the rationale):
//  * add/sub/mul/div/sqrt/fma in RNE, RTZ, RDN and RUP run on the host FPU in
//    the requested mode (fesetround around the operation only when the mode is
//    not RNE, restored at once). The host's IEEE exception flags accumulate
//    and are folded into fflags lazily (FpEnv::fold) - RISC-V flags are
//    sticky too, so no per-operation clear/test is needed.
//  * RMM has no host equivalent: the operation runs in a wider host format in
//    round-toward-zero, the inexact flag becomes a sticky bit ("round to odd",
//    exact for a wide format with >= p+2 bits) and round_pack() rounds the
//    result to the target format in software with RMM.
//  * conversions, comparisons, min/max, classify and sign injection are pure
//    integer code on the bit patterns: exact, host-independent flags.
//  * every NaN result is replaced by the canonical NaN; single-precision
//    operands that are not NaN-boxed read as the canonical NaN.
#pragma once

#include <cfenv>
#if defined(__x86_64__) && defined(__SSE__)
#include <xmmintrin.h>
#endif
#include <cstdint>
#include <cstring>

namespace edgebert::iss::fp {

// Rounding modes (frm / rm field encoding).
enum Rm : uint32_t { kRne = 0, kRtz = 1, kRdn = 2, kRup = 3, kRmm = 4, kDyn = 7 };

// fflags bits.
enum Flag : uint32_t { kNX = 1, kUF = 2, kOF = 4, kDZ = 8, kNV = 16 };

constexpr uint32_t kCanonicalNanS = 0x7fc00000u;
constexpr uint64_t kCanonicalNanD = 0x7ff8000000000000ull;
constexpr uint64_t kBoxUpper = 0xffffffff00000000ull;

inline uint32_t unbox_s(uint64_t reg) {
    return (reg & kBoxUpper) == kBoxUpper ? static_cast<uint32_t>(reg) : kCanonicalNanS;
}
inline uint64_t box_s(uint32_t bits) { return kBoxUpper | bits; }

inline float f32(uint32_t b) {
    float f;
    std::memcpy(&f, &b, 4);
    return f;
}
inline double f64(uint64_t b) {
    double d;
    std::memcpy(&d, &b, 8);
    return d;
}
inline uint32_t bits32(float f) {
    uint32_t b;
    std::memcpy(&b, &f, 4);
    return b;
}
inline uint64_t bits64(double d) {
    uint64_t b;
    std::memcpy(&b, &d, 8);
    return b;
}

// Format traits.
struct S {
    using U = uint32_t;
    static constexpr int kFracBits = 23;
    static constexpr int kExpBits = 8;
    static constexpr int kBias = 127;
    static constexpr U kSign = 0x80000000u;
    static constexpr U kExpMask = 0x7f800000u;
    static constexpr U kFracMask = 0x007fffffu;
    static constexpr U kQuiet = 0x00400000u;
    static constexpr U kCanonicalNan = kCanonicalNanS;
};
struct D {
    using U = uint64_t;
    static constexpr int kFracBits = 52;
    static constexpr int kExpBits = 11;
    static constexpr int kBias = 1023;
    static constexpr U kSign = 0x8000000000000000ull;
    static constexpr U kExpMask = 0x7ff0000000000000ull;
    static constexpr U kFracMask = 0x000fffffffffffffull;
    static constexpr U kQuiet = 0x0008000000000000ull;
    static constexpr U kCanonicalNan = kCanonicalNanD;
};

template <class F>
inline bool is_nan(typename F::U v) {
    return (v & F::kExpMask) == F::kExpMask && (v & F::kFracMask) != 0;
}
template <class F>
inline bool is_snan(typename F::U v) {
    return is_nan<F>(v) && (v & F::kQuiet) == 0;
}
template <class F>
inline bool is_zero(typename F::U v) {
    return (v & ~F::kSign) == 0;
}
template <class F>
inline typename F::U canonicalize(typename F::U v) {
    return is_nan<F>(v) ? F::kCanonicalNan : v;
}

// fclass bit mask (bit 0 = -inf ... bit 9 = quiet NaN).
template <class F>
uint32_t classify(typename F::U v);

// Comparisons; set kNV as the spec says (feq: signaling NaN only; flt/fle: any NaN).
template <class F>
bool feq(typename F::U a, typename F::U b, uint32_t& flags);
template <class F>
bool flt(typename F::U a, typename F::U b, uint32_t& flags);
template <class F>
bool fle(typename F::U a, typename F::U b, uint32_t& flags);

// fmin/fmax (IEEE 754-2019 minimumNumber/maximumNumber: -0 < +0, a NaN
// operand is ignored, two NaNs give the canonical NaN, sNaN raises kNV).
template <class F>
typename F::U fmin(typename F::U a, typename F::U b, uint32_t& flags);
template <class F>
typename F::U fmax(typename F::U a, typename F::U b, uint32_t& flags);

// Rounds sign * (sig + sticky) * 2^exp to format F in mode rm (0..4). `sig`
// must be non-zero; `sticky` says that non-zero bits lie below sig's LSB.
// Raises kNX, kUF (tininess after rounding, as RISC-V) and kOF.
template <class F>
typename F::U round_pack(bool sign, int exp, uint64_t sig, bool sticky, uint32_t rm, uint32_t& flags);

// Float -> integer with the rounding mode; saturates and raises kNV on NaN
// and out-of-range values as the RISC-V spec defines; kNX when inexact.
// Bits = 32 or 64; the result is returned as the 64-bit register value
// (32-bit results sign-extended, including the unsigned ones).
template <class F>
uint64_t to_int(typename F::U v, bool is_signed, int bits, uint32_t rm, uint32_t& flags);

// Integer -> float (the 64-bit register value interpreted per is_signed/bits).
template <class F>
typename F::U from_int(uint64_t x, bool is_signed, int bits, uint32_t rm, uint32_t& flags);

// fcvt.s.d and fcvt.d.s.
uint32_t d_to_s(uint64_t v, uint32_t rm, uint32_t& flags);
uint64_t s_to_d(uint32_t v, uint32_t& flags);

// Arithmetic. rm is the resolved mode (0..4). Results canonical.
enum class Arith { Add, Sub, Mul, Div, Sqrt };
uint32_t arith_s(Arith op, uint32_t a, uint32_t b, uint32_t rm, uint32_t& flags);
uint64_t arith_d(Arith op, uint64_t a, uint64_t b, uint32_t rm, uint32_t& flags);
// a*b + c with the negations of fmsub/fnmsub/fnmadd applied by the caller.
uint32_t fma_s(uint32_t a, uint32_t b, uint32_t c, uint32_t rm, uint32_t& flags);
uint64_t fma_d(uint64_t a, uint64_t b, uint64_t c, uint32_t rm, uint32_t& flags);

// The host floating-point environment while the ISS runs.
//   Scope: saves the host's rounding mode and exception flags on entry, sets
//   round-to-nearest with clear flags, and restores both on exit.
//   fold(): moves the host flags raised by guest operations into `fflags`
//   and clears them. Call before anything that could run foreign host code
//   (bus callbacks) and before fflags is read.
class FpEnv {
public:
    static uint32_t take_host_flags();  // reads and clears the host flags (as RISC-V bits)
    static void clear_host_flags();

    // Around a call into foreign code (the bus, the platform): the host flags
    // it raises are discarded, the guest's pending flags are kept.
    // On x86-64 only the SSE flags (MXCSR) are saved: foreign code (SystemC
    // time arithmetic, the NoC and memory models) computes in SSE doubles and
    // never touches the x87 status word, where the guest's long-double path
    // may keep pending flags. A cache miss crosses here, so it must be cheap
    // (glibc's fesetexceptflag rewrites the whole x87 environment).
    class ForeignCall {
    public:
#if defined(__x86_64__) && defined(__SSE__)
        ForeignCall() : saved_(_mm_getcsr()) {}
        ~ForeignCall() { _mm_setcsr(saved_); }
#else
        ForeignCall() { std::fegetexceptflag(&saved_, FE_ALL_EXCEPT); }
        ~ForeignCall() { std::fesetexceptflag(&saved_, FE_ALL_EXCEPT); }
#endif
        ForeignCall(const ForeignCall&) = delete;
        ForeignCall& operator=(const ForeignCall&) = delete;

    private:
#if defined(__x86_64__) && defined(__SSE__)
        unsigned int saved_;
#else
        std::fexcept_t saved_;
#endif
    };

    class Scope {
    public:
        Scope();
        ~Scope();
        Scope(const Scope&) = delete;
        Scope& operator=(const Scope&) = delete;

    private:
        int saved_round_;
        int saved_flags_;
    };
};
}  // namespace edgebert::iss::fp
