// Deterministic random numbers that are identical on every platform and
// standard library (std::normal_distribution is not), so synthetic weights,
// workloads and randomised tests reproduce bit for bit everywhere.
#pragma once

#include <cmath>
#include <cstdint>
#include <string_view>

namespace edgebert {

class Rng {
public:
    explicit Rng(uint64_t seed) : state_(seed) {}

    // SplitMix64: small, fast, passes BigCrush, trivially seedable.
    uint64_t next_u64() {
        uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    // Uniform in [0, 1) with 53 random bits.
    double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
    // Uniform integer in [lo, hi] (hi - lo < 2^32; the tiny modulo bias is irrelevant here).
    int64_t uniform_int(int64_t lo, int64_t hi) {
        return lo + static_cast<int64_t>(next_u64() % static_cast<uint64_t>(hi - lo + 1));
    }
    // Standard normal via Box-Muller (both outputs used).
    double normal() {
        if (has_spare_) {
            has_spare_ = false;
            return spare_;
        }
        double u1 = 0.0;
        while (u1 <= 0.0) u1 = uniform();
        double u2 = uniform();
        double r = std::sqrt(-2.0 * std::log(u1));
        spare_ = r * std::sin(6.283185307179586 * u2);
        has_spare_ = true;
        return r * std::cos(6.283185307179586 * u2);
    }

private:
    uint64_t state_;
    double spare_ = 0.0;
    bool has_spare_ = false;
};

// FNV-1a: derives independent per-name streams from one seed.
inline uint64_t hash_name(std::string_view s, uint64_t seed = 0) {
    uint64_t h = 0xCBF29CE484222325ull ^ seed;
    for (unsigned char c : s) h = (h ^ c) * 0x100000001B3ull;
    return h;
}

}  // namespace edgebert
