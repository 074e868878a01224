// Floating-point helpers of the ISS. This file is compiled with
// -frounding-math (see CMakeLists.txt): the compiler must not fold or move
// floating-point operations as if the rounding mode were always RNE.
#include "hw/iss/fp.hpp"

#include <cfenv>
#include <cfloat>
#include <cmath>

namespace edgebert::iss::fp {
namespace {

__extension__ typedef unsigned __int128 u128;

// Forces `v` through memory so the compiler cannot move the floating-point
// operation producing or consuming it across a change of the rounding mode.
template <class T>
inline void opaque(T& v) {
    asm volatile("" : "+m"(v) : : "memory");
}

int host_mode(uint32_t rm) {
    switch (rm) {
    case kRtz: return FE_TOWARDZERO;
    case kRdn: return FE_DOWNWARD;
    case kRup: return FE_UPWARD;
    default: return FE_TONEAREST;
    }
}

// Sets the host rounding mode for one operation and restores RNE afterwards.
class HostRound {
public:
    explicit HostRound(int mode) { std::fesetround(mode); }
    ~HostRound() { std::fesetround(FE_TONEAREST); }
    HostRound(const HostRound&) = delete;
    HostRound& operator=(const HostRound&) = delete;
};

uint32_t to_riscv_flags(int host) {
    uint32_t f = 0;
    if (host & FE_INEXACT) f |= kNX;
    if (host & FE_UNDERFLOW) f |= kUF;
    if (host & FE_OVERFLOW) f |= kOF;
    if (host & FE_DIVBYZERO) f |= kDZ;
    if (host & FE_INVALID) f |= kNV;
    return f;
}

// q = sig * 2^-shift (+ sticky below the LSB) rounded to an integer in rm.
uint64_t shift_round(uint64_t sig, int shift, bool sticky, bool sign, uint32_t rm, bool& inexact) {
    const u128 v = (static_cast<u128>(sig) << 2) | (sticky ? 1u : 0u);
    int s = shift + 2;
    if (s > 120) s = 120;
    u128 q = v >> s;
    const u128 rem = v & ((static_cast<u128>(1) << s) - 1);
    const u128 half = static_cast<u128>(1) << (s - 1);
    inexact = rem != 0;
    bool up = false;
    switch (rm) {
    case kRne: up = rem > half || (rem == half && (q & 1) != 0); break;
    case kRtz: up = false; break;
    case kRdn: up = sign && inexact; break;
    case kRup: up = !sign && inexact; break;
    default: up = rem >= half; break;  // RMM
    }
    q += up ? 1 : 0;
    return static_cast<uint64_t>(q);
}

template <class F>
inline bool is_inf(typename F::U v) {
    return (v & ~F::kSign) == F::kExpMask;
}

template <class F>
inline typename F::U sign_of(typename F::U v) {
    return v & F::kSign;
}

// Finite non-zero value -> sig * 2^exp (sig with the implicit bit).
template <class F>
void unpack(typename F::U v, uint64_t& sig, int& exp) {
    const int e = static_cast<int>((v & F::kExpMask) >> F::kFracBits);
    sig = static_cast<uint64_t>(v & F::kFracMask);
    if (e != 0) sig |= static_cast<uint64_t>(1) << F::kFracBits;
    exp = (e != 0 ? e : 1) - F::kBias - F::kFracBits;
}

template <class F>
bool lt_ordered(typename F::U a, typename F::U b) {
    if (is_zero<F>(a) && is_zero<F>(b)) return false;
    const bool sa = sign_of<F>(a) != 0;
    const bool sb = sign_of<F>(b) != 0;
    if (sa != sb) return sa;
    return sa ? a > b : a < b;
}

template <class F>
bool eq_ordered(typename F::U a, typename F::U b) {
    return a == b || (is_zero<F>(a) && is_zero<F>(b));
}

// ---- RMM through a wider format ----------------------------------------

// Rounds a finite, non-zero double that was computed in round-toward-zero
// (with `sticky` = the operation was inexact) to single precision in RMM.
uint32_t narrow_double_rmm(double w, bool sticky, uint32_t& flags) {
    const uint64_t b = bits64(w);
    uint64_t sig;
    int exp;
    unpack<D>(b, sig, exp);
    return round_pack<S>((b >> 63) != 0, exp, sig, sticky, kRmm, flags);
}

// Same for long double -> double.
uint64_t narrow_long_double_rmm(long double w, bool sticky, uint32_t& flags) {
    const bool sign = std::signbit(w);
    int e = 0;
    const long double m = std::frexp(sign ? -w : w, &e);  // [0.5, 1)
    const long double t = std::ldexp(m, 64);               // [2^63, 2^64)
    const long double ti = std::trunc(t);
    if (ti != t) sticky = true;  // only for long doubles wider than 64 bits
    const long double two63 = std::ldexp(1.0L, 63);
    const uint64_t sig = static_cast<uint64_t>(ti - two63) | (static_cast<uint64_t>(1) << 63);
    return round_pack<D>(sign, e - 64, sig, sticky, kRmm, flags);
}

template <class Wide, class Fn>
Wide run_rtz(Fn fn, uint32_t& host_flags) {
    host_flags = 0;
    std::fesetround(FE_TOWARDZERO);
    Wide w = fn();
    opaque(w);
    host_flags = FpEnv::take_host_flags();
    std::fesetround(FE_TONEAREST);
    return w;
}

// Wide result (NaN / inf / zero handled) -> narrow in RMM.
template <class Op>
uint32_t rmm_s(Op op, uint32_t& flags) {
    flags |= FpEnv::take_host_flags();  // earlier guest flags first
    uint32_t hf = 0;
    const double w = run_rtz<double>(op, hf);
    flags |= hf & (kNV | kDZ);
    const uint64_t b = bits64(w);
    if (is_nan<D>(b)) return kCanonicalNanS;
    const uint32_t sign = static_cast<uint32_t>(b >> 32) & S::kSign;
    if (is_inf<D>(b)) return sign | S::kExpMask;
    if (is_zero<D>(b)) return sign;
    return narrow_double_rmm(w, (hf & kNX) != 0, flags);
}

template <class Op>
uint64_t rmm_d(Op op, uint32_t& flags) {
    flags |= FpEnv::take_host_flags();
    uint32_t hf = 0;
    const long double w = run_rtz<long double>(op, hf);
    flags |= hf & (kNV | kDZ);
    if (std::isnan(w)) return kCanonicalNanD;
    const uint64_t sign = std::signbit(w) ? D::kSign : 0;
    if (std::isinf(w)) return sign | D::kExpMask;
    if (w == 0) return sign;
    return narrow_long_double_rmm(w, (hf & kNX) != 0, flags);
}

// A long double with at least p+2 = 55 significand bits makes round-to-odd
// exact for double precision (x87: 64 bits). Without one, RMM falls back to
// RNE for double-precision arithmetic (documented limitation).
constexpr bool kWideLongDouble = LDBL_MANT_DIG >= 55;

template <class T>
T host_arith(Arith op, T a, T b) {
    switch (op) {
    case Arith::Add: return a + b;
    case Arith::Sub: return a - b;
    case Arith::Mul: return a * b;
    case Arith::Div: return a / b;
    default: return std::sqrt(a);
    }
}

}  // namespace

// ---- classify / compare / min-max -------------------------------------------

template <class F>
uint32_t classify(typename F::U v) {
    const bool neg = sign_of<F>(v) != 0;
    const auto e = v & F::kExpMask;
    const auto m = v & F::kFracMask;
    if (e == F::kExpMask) {
        if (m == 0) return neg ? 1u << 0 : 1u << 7;
        return (m & F::kQuiet) != 0 ? 1u << 9 : 1u << 8;
    }
    if (e == 0) {
        if (m == 0) return neg ? 1u << 3 : 1u << 4;
        return neg ? 1u << 2 : 1u << 5;
    }
    return neg ? 1u << 1 : 1u << 6;
}

template <class F>
bool feq(typename F::U a, typename F::U b, uint32_t& flags) {
    if (is_nan<F>(a) || is_nan<F>(b)) {
        if (is_snan<F>(a) || is_snan<F>(b)) flags |= kNV;
        return false;
    }
    return eq_ordered<F>(a, b);
}

template <class F>
bool flt(typename F::U a, typename F::U b, uint32_t& flags) {
    if (is_nan<F>(a) || is_nan<F>(b)) {
        flags |= kNV;
        return false;
    }
    return lt_ordered<F>(a, b);
}

template <class F>
bool fle(typename F::U a, typename F::U b, uint32_t& flags) {
    if (is_nan<F>(a) || is_nan<F>(b)) {
        flags |= kNV;
        return false;
    }
    return lt_ordered<F>(a, b) || eq_ordered<F>(a, b);
}

template <class F>
typename F::U fmin(typename F::U a, typename F::U b, uint32_t& flags) {
    if (is_snan<F>(a) || is_snan<F>(b)) flags |= kNV;
    const bool na = is_nan<F>(a), nb = is_nan<F>(b);
    if (na && nb) return F::kCanonicalNan;
    if (na) return b;
    if (nb) return a;
    if (is_zero<F>(a) && is_zero<F>(b)) return a | b;  // -0 if either is -0
    return lt_ordered<F>(a, b) ? a : b;
}

template <class F>
typename F::U fmax(typename F::U a, typename F::U b, uint32_t& flags) {
    if (is_snan<F>(a) || is_snan<F>(b)) flags |= kNV;
    const bool na = is_nan<F>(a), nb = is_nan<F>(b);
    if (na && nb) return F::kCanonicalNan;
    if (na) return b;
    if (nb) return a;
    if (is_zero<F>(a) && is_zero<F>(b)) return a & b;  // +0 if either is +0
    return lt_ordered<F>(a, b) ? b : a;
}

// ---- software rounding -----------------------------------------------------

template <class F>
typename F::U round_pack(bool sign, int exp, uint64_t sig, bool sticky, uint32_t rm, uint32_t& flags) {
    using U = typename F::U;
    constexpr int p = F::kFracBits + 1;
    constexpr int emin = 1 - F::kBias;
    constexpr int emax = F::kBias;
    const U sign_bit = sign ? F::kSign : 0;

    const int lz = __builtin_clzll(sig);
    sig <<= lz;
    exp -= lz;
    const int e = exp + 63;  // value in [2^e, 2^(e+1))

    int shift = 64 - p;
    bool tiny = false;
    bool inexact = false;
    if (e < emin) {
        if (e < emin - 1) {
            tiny = true;
        } else {
            // Tininess after rounding: round to p bits with an unbounded
            // exponent; still below 2^emin -> tiny.
            const uint64_t q = shift_round(sig, shift, sticky, sign, rm, inexact);
            tiny = (q >> p) == 0;
        }
        shift += emin - e;
    }
    uint64_t q = shift_round(sig, shift, sticky, sign, rm, inexact);
    int lsb_exp = exp + shift;
    if ((q >> p) != 0) {  // carry out of the significand: q == 2^p
        q >>= 1;
        ++lsb_exp;
    }
    if (inexact) flags |= kNX;
    if (tiny && inexact) flags |= kUF;
    if (q == 0) return sign_bit;

    if (q >> (p - 1)) {  // normal
        const int unbiased = lsb_exp + p - 1;
        if (unbiased > emax) {
            flags |= kOF | kNX;
            const bool to_max = rm == kRtz || (rm == kRdn && !sign) || (rm == kRup && sign);
            return sign_bit | (to_max ? (F::kExpMask - (static_cast<U>(1) << F::kFracBits)) | F::kFracMask
                                      : F::kExpMask);
        }
        const U biased = static_cast<U>(unbiased + F::kBias);
        return sign_bit | (biased << F::kFracBits) | (static_cast<U>(q) & F::kFracMask);
    }
    return sign_bit | static_cast<U>(q);  // subnormal (lsb_exp == emin - p + 1)
}

// ---- conversions -------------------------------------------------------------

template <class F>
uint64_t to_int(typename F::U v, bool is_signed, int bits, uint32_t rm, uint32_t& flags) {
    const uint64_t umax = bits == 32 ? 0xffffffffull : ~0ull;
    const uint64_t smax = bits == 32 ? 0x7fffffffull : 0x7fffffffffffffffull;
    const uint64_t smin_mag = smax + 1;  // magnitude of the most negative value
    auto finish = [bits](uint64_t r) {
        return bits == 32 ? static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(r))) : r;
    };
    const bool neg = sign_of<F>(v) != 0;
    if (is_nan<F>(v)) {
        flags |= kNV;
        return finish(is_signed ? smax : umax);
    }
    if (is_inf<F>(v)) {
        flags |= kNV;
        if (is_signed) return finish(neg ? static_cast<uint64_t>(0) - smin_mag : smax);
        return finish(neg ? 0 : umax);
    }
    if (is_zero<F>(v)) return 0;

    uint64_t sig;
    int exp;
    unpack<F>(v, sig, exp);
    uint64_t mag;
    bool inexact = false;
    bool overflow = false;
    if (exp >= 0) {
        if (exp >= 64) {
            overflow = true;
            mag = 0;
        } else {
            const u128 m = static_cast<u128>(sig) << exp;
            overflow = (m >> 64) != 0;
            mag = static_cast<uint64_t>(m);
        }
    } else {
        mag = shift_round(sig, -exp, false, neg, rm, inexact);
    }

    if (is_signed) {
        if (overflow || (!neg && mag > smax) || (neg && mag > smin_mag)) {
            flags |= kNV;
            return finish(neg ? static_cast<uint64_t>(0) - smin_mag : smax);
        }
        if (inexact) flags |= kNX;
        return finish(neg ? static_cast<uint64_t>(0) - mag : mag);
    }
    if (neg && (overflow || mag != 0)) {
        flags |= kNV;
        return 0;
    }
    if (overflow || mag > umax) {
        flags |= kNV;
        return finish(umax);
    }
    if (inexact) flags |= kNX;
    return finish(mag);
}

template <class F>
typename F::U from_int(uint64_t x, bool is_signed, int bits, uint32_t rm, uint32_t& flags) {
    uint64_t val = x;
    if (bits == 32) {
        val = is_signed ? static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(x))) : (x & 0xffffffffull);
    }
    const bool neg = is_signed && static_cast<int64_t>(val) < 0;
    const uint64_t mag = neg ? static_cast<uint64_t>(0) - val : val;
    if (mag == 0) return 0;
    return round_pack<F>(neg, 0, mag, false, rm, flags);
}

uint32_t d_to_s(uint64_t v, uint32_t rm, uint32_t& flags) {
    if (is_nan<D>(v)) {
        if (is_snan<D>(v)) flags |= kNV;
        return kCanonicalNanS;
    }
    const uint32_t sign = static_cast<uint32_t>(v >> 32) & S::kSign;
    if (is_inf<D>(v)) return sign | S::kExpMask;
    if (is_zero<D>(v)) return sign;
    uint64_t sig;
    int exp;
    unpack<D>(v, sig, exp);
    return round_pack<S>(sign != 0, exp, sig, false, rm, flags);
}

uint64_t s_to_d(uint32_t v, uint32_t& flags) {
    if (is_nan<S>(v)) {
        if (is_snan<S>(v)) flags |= kNV;
        return kCanonicalNanD;
    }
    const uint64_t sign = static_cast<uint64_t>(v & S::kSign) << 32;
    if (is_inf<S>(v)) return sign | D::kExpMask;
    if (is_zero<S>(v)) return sign;
    uint64_t sig;
    int exp;
    unpack<S>(v, sig, exp);
    return round_pack<D>(sign != 0, exp, sig, false, kRne, flags);  // exact
}

// ---- arithmetic ---------------------------------------------------------------

uint32_t arith_s(Arith op, uint32_t a, uint32_t b, uint32_t rm, uint32_t& flags) {
    float fa = f32(a), fb = f32(b);
    float r;
    if (rm == kRne) {
        r = host_arith(op, fa, fb);
    } else if (rm != kRmm) {
        HostRound round(host_mode(rm));
        opaque(fa);
        opaque(fb);
        r = host_arith(op, fa, fb);
        opaque(r);
    } else {
        return rmm_s([&] { return host_arith(op, static_cast<double>(fa), static_cast<double>(fb)); }, flags);
    }
    return canonicalize<S>(bits32(r));
}

uint64_t arith_d(Arith op, uint64_t a, uint64_t b, uint32_t rm, uint32_t& flags) {
    double fa = f64(a), fb = f64(b);
    double r;
    if (rm == kRne || (rm == kRmm && !kWideLongDouble)) {
        r = host_arith(op, fa, fb);
    } else if (rm != kRmm) {
        HostRound round(host_mode(rm));
        opaque(fa);
        opaque(fb);
        r = host_arith(op, fa, fb);
        opaque(r);
    } else {
        return rmm_d(
            [&] { return host_arith(op, static_cast<long double>(fa), static_cast<long double>(fb)); }, flags);
    }
    return canonicalize<D>(bits64(r));
}

uint32_t fma_s(uint32_t a, uint32_t b, uint32_t c, uint32_t rm, uint32_t& flags) {
    // RISC-V: 0 * inf raises NV even when the addend is a quiet NaN.
    if ((is_inf<S>(a) && is_zero<S>(b)) || (is_zero<S>(a) && is_inf<S>(b))) flags |= kNV;
    float fa = f32(a), fb = f32(b), fc = f32(c);
    float r;
    if (rm == kRne) {
        r = std::fma(fa, fb, fc);
    } else if (rm != kRmm) {
        HostRound round(host_mode(rm));
        opaque(fa);
        opaque(fb);
        opaque(fc);
        r = std::fma(fa, fb, fc);
        opaque(r);
    } else {
        // a*b is exact in double (48 bits), so one double fma rounds once.
        return rmm_s(
            [&] {
                return std::fma(static_cast<double>(fa), static_cast<double>(fb), static_cast<double>(fc));
            },
            flags);
    }
    return canonicalize<S>(bits32(r));
}

uint64_t fma_d(uint64_t a, uint64_t b, uint64_t c, uint32_t rm, uint32_t& flags) {
    if ((is_inf<D>(a) && is_zero<D>(b)) || (is_zero<D>(a) && is_inf<D>(b))) flags |= kNV;
    double fa = f64(a), fb = f64(b), fc = f64(c);
    double r;
    if (rm == kRne || (rm == kRmm && !kWideLongDouble)) {
        r = std::fma(fa, fb, fc);
    } else if (rm != kRmm) {
        HostRound round(host_mode(rm));
        opaque(fa);
        opaque(fb);
        opaque(fc);
        r = std::fma(fa, fb, fc);
        opaque(r);
    } else {
        return rmm_d(
            [&] {
                return std::fma(static_cast<long double>(fa), static_cast<long double>(fb),
                                static_cast<long double>(fc));
            },
            flags);
    }
    return canonicalize<D>(bits64(r));
}

// ---- host environment ----------------------------------------------------------

uint32_t FpEnv::take_host_flags() {
    const int raised = std::fetestexcept(FE_ALL_EXCEPT);
    if (raised == 0) return 0;
    std::feclearexcept(FE_ALL_EXCEPT);
    return to_riscv_flags(raised);
}

void FpEnv::clear_host_flags() { std::feclearexcept(FE_ALL_EXCEPT); }

FpEnv::Scope::Scope() : saved_round_(std::fegetround()), saved_flags_(std::fetestexcept(FE_ALL_EXCEPT)) {
    std::feclearexcept(FE_ALL_EXCEPT);
    if (saved_round_ != FE_TONEAREST) std::fesetround(FE_TONEAREST);
}

FpEnv::Scope::~Scope() {
    std::feclearexcept(FE_ALL_EXCEPT);
    if (saved_flags_ != 0) {
        // Raising with the exceptions masked (the default) only sets the flags.
        std::feraiseexcept(saved_flags_);
    }
    if (saved_round_ != FE_TONEAREST) std::fesetround(saved_round_);
}

// ---- explicit instantiations ----------------------------------------------------

#define EDGEBERT_ISS_FP_INSTANTIATE(F)                                                               \
    template uint32_t classify<F>(F::U);                                                             \
    template bool feq<F>(F::U, F::U, uint32_t&);                                                     \
    template bool flt<F>(F::U, F::U, uint32_t&);                                                     \
    template bool fle<F>(F::U, F::U, uint32_t&);                                                     \
    template F::U fmin<F>(F::U, F::U, uint32_t&);                                                    \
    template F::U fmax<F>(F::U, F::U, uint32_t&);                                                    \
    template F::U round_pack<F>(bool, int, uint64_t, bool, uint32_t, uint32_t&);                     \
    template uint64_t to_int<F>(F::U, bool, int, uint32_t, uint32_t&);                               \
    template F::U from_int<F>(uint64_t, bool, int, uint32_t, uint32_t&);
EDGEBERT_ISS_FP_INSTANTIATE(S)
EDGEBERT_ISS_FP_INSTANTIATE(D)
#undef EDGEBERT_ISS_FP_INSTANTIATE

}  // namespace edgebert::iss::fp
