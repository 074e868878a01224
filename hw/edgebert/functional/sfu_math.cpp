#include "hw/edgebert/functional/sfu_math.hpp"

#include <cmath>
#include <string>

#include "common/error.hpp"
#include "hw/formats/fixed_point.hpp"

namespace edgebert::hw::fn {

// Floors below rely on >> of a negative int64 being arithmetic (guaranteed from
// C++20 and done by every supported C++17 compiler).
static_assert((int64_t{-3} >> 1) == -2, "arithmetic right shift of signed integers required");

namespace {

// ROM contents. Each entry is the exactly rounded (round half up, computed with
// 60-digit arithmetic; no entry is near a tie) value of the formula given; they
// are written out so no libm result ever reaches the datapath.

// kExp2Hi[j] = round(2^31 * 2^(j/64)), kExp2Lo[k] = round(2^31 * 2^(k/4096)): UQ1.31.
// kLnRecip[j] = round(2^31 / (1 + (j + 1/2)/128)): UQ1.31.
// kLnLog[j] = round(-ln(kLnRecip[j] / 2^31) * 2^40): Q.40 (of the ROM word itself,
//   so the reduction ln m = ln(m R) - ln R is exact whatever R's rounding).
// kRsqrt[i] = round(2^31 / sqrt(u_i)), u_i = 1 + i/32 (i <= 32), 2 + (i-32)/16
//   (i > 32): UQ1.31 at the 65 interpolation breakpoints on [1, 4].
constexpr uint64_t kExp2Hi[64] = {
    0x80000000, 0x8164D1F4, 0x82CD8699, 0x843A28C4,
    0x85AAC368, 0x871F6197, 0x88980E81, 0x8A14D575,
    0x8B95C1E4, 0x8D1ADF5B, 0x8EA4398B, 0x9031DC43,
    0x91C3D374, 0x935A2B2F, 0x94F4EFA9, 0x96942D37,
    0x9837F052, 0x99E04593, 0x9B8D39BA, 0x9D3ED9A7,
    0x9EF53261, 0xA0B05110, 0xA2704303, 0xA43515AE,
    0xA5FED6AA, 0xA7CD93B5, 0xA9A15AB5, 0xAB7A39B6,
    0xAD583EEA, 0xAF3B78AD, 0xB123F582, 0xB311C413,
    0xB504F334, 0xB6FD91E3, 0xB8FBAF47, 0xBAFF5AB2,
    0xBD08A39F, 0xBF1799B6, 0xC12C4CCA, 0xC346CCDA,
    0xC5672A11, 0xC78D74C9, 0xC9B9BD86, 0xCBEC14FF,
    0xCE248C15, 0xD06333DB, 0xD2A81D92, 0xD4F35AAC,
    0xD744FCCB, 0xD99D15C2, 0xDBFBB798, 0xDE60F482,
    0xE0CCDEEC, 0xE33F8973, 0xE5B906E7, 0xE8396A50,
    0xEAC0C6E8, 0xED4F301F, 0xEFE4B99C, 0xF281773C,
    0xF5257D15, 0xF7D0DF73, 0xFA83B2DB, 0xFD3E0C0D,
};

constexpr uint64_t kExp2Lo[64] = {
    0x80000000, 0x80058BAF, 0x800B179D, 0x8010A3C7,
    0x8016302F, 0x801BBCD5, 0x802149B8, 0x8026D6D9,
    0x802C6437, 0x8031F1D3, 0x80377FAC, 0x803D0DC3,
    0x80429C18, 0x80482AAA, 0x804DB97A, 0x80534888,
    0x8058D7D3, 0x805E675C, 0x8063F722, 0x80698727,
    0x806F1768, 0x8074A7E8, 0x807A38A5, 0x807FC9A1,
    0x80855AD9, 0x808AEC50, 0x80907E04, 0x80960FF6,
    0x809BA226, 0x80A13494, 0x80A6C73F, 0x80AC5A29,
    0x80B1ED50, 0x80B780B5, 0x80BD1458, 0x80C2A838,
    0x80C83C57, 0x80CDD0B3, 0x80D3654D, 0x80D8FA25,
    0x80DE8F3C, 0x80E42490, 0x80E9BA21, 0x80EF4FF1,
    0x80F4E5FF, 0x80FA7C4B, 0x810012D4, 0x8105A99C,
    0x810B40A2, 0x8110D7E6, 0x81166F67, 0x811C0727,
    0x81219F25, 0x81273760, 0x812CCFDA, 0x81326892,
    0x81380188, 0x813D9ABC, 0x8143342E, 0x8148CDDF,
    0x814E67CD, 0x815401F9, 0x81599C64, 0x815F370D,
};

constexpr uint64_t kLnRecip[128] = {
    0x7F807F80, 0x7E8472A8, 0x7D8C42B3, 0x7C97D911,
    0x7BA71FE1, 0x7ABA01EB, 0x79D06A96, 0x78EA45E7,
    0x78078078, 0x77280773, 0x764BC88C, 0x7572B202,
    0x749CB290, 0x73C9B971, 0x72F9B658, 0x722C996C,
    0x71625344, 0x709AD4E5, 0x6FD60FBA, 0x6F13F596,
    0x6E5478AC, 0x6D978B8F, 0x6CDD212B, 0x6C252CC7,
    0x6B6FA1FE, 0x6ABC74BE, 0x6A0B9945, 0x695D041E,
    0x68B0AA1F, 0x68068068, 0x675E7C5E, 0x66B893A9,
    0x6614BC36, 0x6572EC30, 0x64D319FE, 0x64353C48,
    0x639949EC, 0x62FF3A02, 0x626703D8, 0x61D09EF3,
    0x613C030A, 0x60A92806, 0x60180602, 0x5F889545,
    0x5EFACE49, 0x5E6EA9AF, 0x5DE42046, 0x5D5B2B08,
    0x5CD3C315, 0x5C4DE1B6, 0x5BC9805C, 0x5B46989A,
    0x5AC5242B, 0x5A451CEA, 0x59C67CD8, 0x59493E15,
    0x58CD5AE2, 0x5852CDA1, 0x57D990D1, 0x57619F10,
    0x56EAF319, 0x567587C5, 0x56015805, 0x558E5EEA,
    0x551C979B, 0x54ABFD5B, 0x543C8B84, 0x53CE3D8B,
    0x53610EFB, 0x52F4FB77, 0x5289FEB6, 0x52201488,
    0x51B738D1, 0x514F678B, 0x50E89CC3, 0x5082D499,
    0x501E0B44, 0x4FBA3D0B, 0x4F576647, 0x4EF58365,
    0x4E9490E2, 0x4E348B4E, 0x4DD56F47, 0x4D77397E,
    0x4D19E6B4, 0x4CBD73B6, 0x4C61DD64, 0x4C0720AB,
    0x4BAD3A88, 0x4B542805, 0x4AFBE639, 0x4AA4724C,
    0x4A4DC96F, 0x49F7E8E3, 0x49A2CDF3, 0x494E75FA,
    0x48FADE5C, 0x48A8048B, 0x4855E601, 0x48048048,
    0x47B3D0F2, 0x4763D59D, 0x47148BF0, 0x46C5F1A0,
    0x46780468, 0x462AC20E, 0x45DE2864, 0x45923544,
    0x4546E690, 0x44FC3A35, 0x44B22E28, 0x4468C067,
    0x441FEEF8, 0x43D7B7EB, 0x43901956, 0x43491159,
    0x43029E1A, 0x42BCBDC9, 0x42776E9B, 0x4232AECE,
    0x41EE7CA7, 0x41AAD672, 0x4167BA82, 0x41252730,
    0x40E31ADE, 0x40A193F2, 0x406090D9, 0x40201008,
};

constexpr uint64_t kLnLog[128] = {
    0xFF805616, 0x2FB88EC00, 0x4F3A90FD4, 0x6E7F008FE,
    0x8D86CC4C0, 0xAC52DD7B2, 0xCAE418828, 0xE93B5C65C,
    0x10759835A9, 0x1253F62DF8, 0x142EDCBFAE, 0x160658A8DB,
    0x17DA766D5B, 0x19AB42464A, 0x1B78C82BC1, 0x1D4313D645,
    0x1F0A30C089, 0x20CE2A24F7, 0x228F0B090B, 0x244CDE3261,
    0x2607AE32B1, 0x27BF8561D0, 0x29746DE817, 0x2B2671B41E,
    0x2CD59A85A9, 0x2E81F1EACC, 0x302B8141F5, 0x31D251BC2D,
    0x33766C5D2E, 0x3517D9F920, 0x36B6A33C53, 0x3852D0ABEA,
    0x39EC6A9CA8, 0x3B83794038, 0x3D1804A669, 0x3EAA14ACA7,
    0x4039B1161D, 0x41C6E17E09, 0x4351AD5E7B, 0x44DA1C0A55,
    0x466034B6FD, 0x47E3FE793F, 0x496580422A, 0x4AE4C0EBFC,
    0x4C61C7248F, 0x4DDC998A95, 0x4F553E982C, 0x50CBBCA824,
    0x52401A0116, 0x53B25CCABC, 0x55228B0E1F, 0x5690AAC3E7,
    0x57FCC1C158, 0x5966D5CC74, 0x5ACEEC88E6, 0x5C350B89AC,
    0x5D99384963, 0x5EFB782839, 0x605BD07579, 0x61BA4667EC,
    0x6316DF21C1, 0x64719FABC9, 0x65CA8D056B, 0x6721AC0B44,
    0x6877019321, 0x69CA92588D, 0x6B1C630A3B, 0x6C6C783C5E,
    0x6DBAD6764E, 0x6F07822AFD, 0x70527FC3DC, 0x719BD3900E,
    0x72E381D274, 0x74298EBA26, 0x756DFE6A8D, 0x76B0D4FA33,
    0x77F21664D3, 0x7931C6A050, 0x7A6FE9954C, 0x7BAC83178D,
    0x7CE796F1C0, 0x7E2128DAA6, 0x7F593C8452, 0x808FD58ACC,
    0x81C4F77CCB, 0x82F8A5E80E, 0x842AE44132, 0x855BB5F6A7,
    0x868B1E65BF, 0x87B920E3DC, 0x88E5C0BDA4, 0x8A1101287A,
    0x8B3AE55CEF, 0x8C63707E0C, 0x8D8AA5AD1F, 0x8EB087F430,
    0x8FD51A5D80, 0x90F85FE16C, 0x921A5B7AB8, 0x933B1009B2,
    0x945A806FAC, 0x9578AF8034, 0x9695A00B17, 0x97B154C9C5,
    0x98CBD07B70, 0x99E515D280, 0x9AFD277033, 0x9C1407F28C,
    0x9D29B9F3D6, 0x9E3E3FFF0C, 0x9F519C9A49, 0xA063D24295,
    0xA174E36F0C, 0xA284D288DC, 0xA393A1F9C1, 0xA4A1541C7A,
    0xA5ADEB4B63, 0xA6B969D0CA, 0xA7C3D1F983, 0xA8CD26052E,
    0xA9D5682D5F, 0xAADC9AA534, 0xABE2BF98E4, 0xACE7D93137,
    0xADEBE9875D, 0xAEEEF2B819, 0xAFF0F6D7A2, 0xB0F1F7ED33,
};

constexpr uint64_t kRsqrt[65] = {
    0x80000000, 0x7E0BB221, 0x7C2DA123, 0x7A64336B,
    0x78ADF778, 0x77099EFB, 0x7575FAA4, 0x73F1F68D,
    0x727C9717, 0x7114F644, 0x6FBA415C, 0x6E6BB6E9,
    0x6D28A4F0, 0x6BF06762, 0x6AC266BA, 0x699E16D0,
    0x6882F5C0, 0x67708AF9, 0x66666666, 0x65641FAE,
    0x64695585, 0x6375AD16, 0x6288D173, 0x61A27320,
    0x60C2479B, 0x5FE808FC, 0x5F137599, 0x5E444FAF,
    0x5D7A5D1B, 0x5CB56711, 0x5BF539E5, 0x5B39A4C7,
    0x5A82799A, 0x5920B4DF, 0x57CEA99D, 0x568B3632,
    0x55555555, 0x542C1AA4, 0x530EAFA5, 0x51FC5140,
    0x50F44D89, 0x4FF601E0, 0x4F00D944, 0x4E144AE9,
    0x4D2FD8F4, 0x4C530F65, 0x4B7D8317, 0x4AAED0F0,
    0x49E69D16, 0x49249249, 0x48686148, 0x47B1C049,
    0x47006A81, 0x46541FB4, 0x45ACA3D5, 0x4509BEB0,
    0x446B3B96, 0x43D0E917, 0x433A98C6, 0x42A81EF6,
    0x4219528B, 0x418E0CC8, 0x41062920, 0x40818512,
    0x40000000,
};

constexpr int64_t kLog2eQ40 = 0x171547652B8;  // round(2^40 / ln 2)
constexpr int64_t kLn2Q40 = 0xB17217F7D2;     // round(2^40 * ln 2)
constexpr uint64_t kLn2Q32 = 0xB17217F8;      // round(2^32 * ln 2)

// Index of the most significant set bit (x != 0): the leading-zero counter.
int msb_index(uint64_t x) {
    int p = 0;
    for (int step = 32; step > 0; step /= 2) {
        if ((x >> step) != 0) {
            x >>= step;
            p += step;
        }
    }
    return p;
}

// x / 2^s rounded half up, s in [1, 63]; unsigned.
uint64_t shr_round(uint64_t x, int s) {
    const uint64_t q = x >> s;
    return q + ((x >> (s - 1)) & 1u);
}

// x / 2^s rounded half up (toward +inf at ties), s in [1, 62]; signed.
int64_t shr_round_signed(int64_t x, int s) {
    return (x + (int64_t{1} << (s - 1))) >> s;
}

// a / b rounded half up (toward +inf at ties), b > 0.
int64_t div_round(int64_t a, int64_t b) {
    const int64_t n = 2 * a + b, d = 2 * b;  // floor(n / d) with floor semantics
    return n >= 0 ? n / d : -((-n + d - 1) / d);
}

void check_frac(int frac, const char* what) {
    if (frac < -64 || frac > 64) {
        throw Error(std::string(what) + ": fraction bits = " + std::to_string(frac) +
                    " is outside the allowed range [-64, 64]");
    }
}

}  // namespace

double SfuNorm::value() const { return std::ldexp(static_cast<double>(mant), -frac); }

uint64_t sfu_div(uint64_t num, uint64_t den, int frac) {
    if (den == 0) throw Error("sfu_div: division by zero");
    if (den >= (uint64_t{1} << 63)) throw Error("sfu_div: divisor must be below 2^63");
    if (frac < 0 || frac > 64) {
        throw Error("sfu_div: fraction bits = " + std::to_string(frac) +
                    " is outside the allowed range [0, 64]");
    }
    uint64_t q = num / den;
    uint64_t r = num % den;  // r < den < 2^63, so 2r never overflows
    const auto overflow = [&] {
        throw Error("sfu_div: quotient of " + std::to_string(num) + " / " + std::to_string(den) +
                    " with " + std::to_string(frac) + " fraction bits exceeds 64 bits");
    };
    for (int i = 0; i < frac; ++i) {  // one restoring step per quotient bit
        if ((q >> 63) != 0) overflow();
        r <<= 1;
        q <<= 1;
        if (r >= den) {
            r -= den;
            q |= 1u;
        }
    }
    if (r >= den - r) {  // 2r >= den: round half up
        if (q == ~uint64_t{0}) overflow();
        ++q;
    }
    return q;
}

uint64_t sfu_exp_neg(int64_t z_q32) {
    if (z_q32 > 0) {
        throw Error("sfu_exp_neg: argument " + std::to_string(z_q32) +
                    " (Q.32) must be <= 0");
    }
    if (z_q32 < kSfuExpCutoffQ32) return 0;
    // t = z log2(e) <= 0 in Q.40: |z| <= 24 keeps the exact product in 79 bits.
    const int64_t t = num::fx_mul(z_q32, num::FixedFormat{63, 32}, kLog2eQ40,
                                  num::FixedFormat{63, 40}, num::FixedFormat{63, 40},
                                  num::Rounding::NearestHalfAway, num::Overflow::Saturate);
    const int64_t ipart = t >> 40;  // floor: arithmetic shift
    const uint64_t f = static_cast<uint64_t>(t - ipart * (int64_t{1} << 40));  // [0, 2^40)
    const uint64_t j = f >> 34;
    const uint64_t k = (f >> 28) & 63u;
    const uint64_t r = f & ((uint64_t{1} << 28) - 1u);  // < 2^-12 in Q.40
    // 2^r - 1 = a + a^2/2 + O(a^3), a = r ln 2 < 2^-12.5: the cubic term is < 2^-39.
    const uint64_t a = shr_round(r * kLn2Q32, 32);            // Q.40
    const uint64_t poly = a + shr_round(a * a, 41);            // Q.40
    const uint64_t m0 = shr_round(kExp2Hi[j] * kExp2Lo[k], 31);  // 2^(f - r), UQ1.31
    const uint64_t m = m0 + shr_round(m0 * poly, 40);          // 2^f, UQ1.31
    // e^z = m * 2^I; in UQ1.32 that is m shifted by 1 + I (I <= 0).
    const int64_t shift = 1 + ipart;
    if (shift >= 0) return m << shift;  // only t = 0: m = 2^31, result 2^32
    if (shift < -62) return 0;
    return shr_round(m, static_cast<int>(-shift));
}

int64_t sfu_ln(uint64_t x_raw, int x_frac) {
    if (x_raw == 0) throw Error("sfu_ln: argument must be > 0");
    check_frac(x_frac, "sfu_ln");
    int p = msb_index(x_raw);
    // Mantissa m in [1, 2) as UQ1.31, rounded; a carry to 2.0 renormalises.
    uint64_t m = 0;
    if (p > 31) {
        m = shr_round(x_raw, p - 31);
        if (m == (uint64_t{1} << 32)) {
            m >>= 1;
            ++p;
        }
    } else {
        m = x_raw << (31 - p);
    }
    const uint64_t j = (m >> 24) & 127u;
    // 1 + d = m R[j] (Q.62, exact), |d| <= 2^-8; d kept in Q.36.
    const int64_t d62 = static_cast<int64_t>(m * kLnRecip[j]) - (int64_t{1} << 62);
    const int64_t d = shr_round_signed(d62, 26);
    const int64_t d2 = shr_round_signed(d * d, 36);  // d^2, Q.36
    const int64_t d3 = shr_round_signed(d2 * d, 36); // d^3, Q.36
    // ln(1 + d) = d - d^2/2 + d^3/3 - O(d^4 / 4 <= 2^-34). d3/3: a constant
    // divider (a multiply by 1/3 in hardware), rounded half up.
    const int64_t poly = d - shr_round_signed(d2, 1) + div_round(d3, 3);
    const int64_t ln_m = static_cast<int64_t>(kLnLog[j]) + poly * 16;  // Q.40
    const int64_t res = static_cast<int64_t>(p - x_frac) * kLn2Q40 + ln_m;
    return shr_round_signed(res, 8);
}

SfuNorm sfu_rsqrt(uint64_t v_raw, int v_frac) {
    if (v_raw == 0) throw Error("sfu_rsqrt: argument must be > 0");
    check_frac(v_frac, "sfu_rsqrt");
    const int p = msb_index(v_raw);
    const int ex = p - v_frac;           // v in [2^ex, 2^(ex+1))
    const int odd = ex & 1;              // two's complement: also right for ex < 0
    int e = (ex - odd) / 2;              // exact: ex - odd is even
    // u = v / 2^(2e) in [1, 4) as UQ2.30: bit p of v_raw goes to bit 30 + odd.
    const int target = 30 + odd;
    uint64_t u = 0;
    if (p > target) {
        u = shr_round(v_raw, p - target);
        if (u == (uint64_t{1} << 32)) {  // rounded up to 4.0: u = 1, e + 1
            u = uint64_t{1} << 30;
            ++e;
        }
    } else {
        u = v_raw << (target - p);
    }
    // Linear interpolation between ROM breakpoints: 2^-13 relative error.
    uint64_t y = 0;
    {
        const bool low = u < (uint64_t{1} << 31);
        const uint64_t off = u - (low ? uint64_t{1} << 30 : uint64_t{1} << 31);
        const int seg_bits = low ? 25 : 26;  // segment widths 1/32 and 1/16
        const uint64_t i = (low ? 0 : 32) + (off >> seg_bits);
        const uint64_t fr = off & ((uint64_t{1} << seg_bits) - 1u);
        const uint64_t drop = kRsqrt[i] - kRsqrt[i + 1];  // decreasing function
        y = kRsqrt[i] - shr_round(drop * fr, seg_bits);
    }
    // Newton-Raphson: y <- y (3 - u y^2) / 2; 2^-13 -> 2^-25 -> rounding (~2^-31).
    for (int step = 0; step < 2; ++step) {
        const uint64_t y2 = shr_round(y * y, 30);          // Q.32, <= ~1
        const uint64_t uy2 = u * y2;                      // Q.62, ~1 (< 4)
        const uint64_t h = (uint64_t{3} << 62) - uy2;     // 3 - u y^2, Q.62, ~2
        const uint64_t h31 = shr_round(h, 31);            // Q.31
        y = shr_round(y * h31, 32);                       // y h / 2, UQ1.31
    }
    return {y, kSfuNormMantFrac + e};
}

SfuNorm sfu_recip(uint64_t x_raw, int x_frac) {
    if (x_raw == 0) throw Error("sfu_recip: argument must be > 0");
    if (x_raw >= (uint64_t{1} << 63)) throw Error("sfu_recip: argument must be below 2^63");
    check_frac(x_frac, "sfu_recip");
    const int s = 62 - msb_index(x_raw);
    const uint64_t xn = x_raw << s;  // [2^62, 2^63)
    // 1/x = 2^(x_frac + s) / xn; 2^62 / xn in (1/2, 1].
    const uint64_t mant = sfu_div(uint64_t{1} << 62, xn, kSfuNormMantFrac);
    return {mant, kSfuNormMantFrac + 62 - x_frac - s};
}

}  // namespace edgebert::hw::fn
