// Pruning: exact targets, deterministic tie-breaking, N:M structure and
// argument checking.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "hw/formats/pruning.hpp"

namespace edgebert::num {
namespace {

std::vector<float> random_nonzero(uint64_t seed, size_t n) {
    std::mt19937_64 rng(seed);
    std::vector<float> x(n);
    for (auto& v : x) {
        // Uniform in [-1, 1) without zero; coarse grid so magnitude ties occur.
        const int k = static_cast<int>(rng() % 2000) - 1000;
        v = static_cast<float>(k >= 0 ? k + 1 : k) / 1000.0f;
    }
    return x;
}

TEST(Pruning, MagnitudeHitsTargetExactly) {
    const size_t n = 1003;
    for (double s : {0.0, 0.1, 0.5, 0.9, 1.0, 1.0 / 3.0}) {
        const std::vector<float> orig = random_nonzero(1, n);
        std::vector<float> x = orig;
        const size_t target = static_cast<size_t>(std::round(s * n));
        EXPECT_EQ(prune_magnitude(x.data(), n, s), target) << s;
        EXPECT_EQ(measured_sparsity(x.data(), n), static_cast<double>(target) / n);
        // Every pruned magnitude is <= every kept one, and kept values are untouched.
        float max_pruned = 0.0f, min_kept = std::numeric_limits<float>::infinity();
        for (size_t i = 0; i < n; ++i) {
            if (x[i] == 0.0f) {
                max_pruned = std::max(max_pruned, std::fabs(orig[i]));
            } else {
                ASSERT_EQ(x[i], orig[i]);
                min_kept = std::min(min_kept, std::fabs(orig[i]));
            }
        }
        if (target > 0 && target < n) {
            EXPECT_LE(max_pruned, min_kept) << s;
        }
    }
}

TEST(Pruning, MagnitudeTiesPruneLowerIndexFirst) {
    std::vector<float> x = {1.0f, -1.0f, 1.0f, 0.5f, -0.5f, 2.0f};
    EXPECT_EQ(prune_magnitude(x.data(), x.size(), 0.5), 3u);
    EXPECT_EQ(x, (std::vector<float>{0.0f, -1.0f, 1.0f, 0.0f, 0.0f, 2.0f}));
    // round(0.5 * 7) = 4 (half away from zero).
    std::vector<float> y = {7, 6, 5, 4, 3, 2, 1};
    EXPECT_EQ(prune_magnitude(y.data(), y.size(), 0.5), 4u);
    EXPECT_EQ(y, (std::vector<float>{7, 6, 5, 0, 0, 0, 0}));
    // Existing zeros are the smallest magnitudes: they count toward the target.
    std::vector<float> z = {0.0f, 3.0f, -0.0f, 1.0f};
    EXPECT_EQ(prune_magnitude(z.data(), z.size(), 0.5), 2u);
    EXPECT_EQ(z[3], 1.0f);
    EXPECT_EQ(prune_magnitude(z.data(), z.size(), 0.25), 2u);  // more zeros than asked for
}

TEST(Pruning, MagnitudeRejectsBadArguments) {
    std::vector<float> x = {1.0f, 2.0f};
    for (double bad : {-0.01, 1.01, std::numeric_limits<double>::quiet_NaN()}) {
        try {
            prune_magnitude(x.data(), x.size(), bad);
            FAIL() << "accepted sparsity " << bad;
        } catch (const ConfigError& e) {
            EXPECT_NE(std::string(e.what()).find("[0, 1]"), std::string::npos) << e.what();
        }
    }
    x[1] = std::numeric_limits<float>::quiet_NaN();
    EXPECT_THROW(prune_magnitude(x.data(), x.size(), 0.5), Error);
    EXPECT_THROW(prune_magnitude(nullptr, 4, 0.5), ShapeError);
    EXPECT_EQ(prune_magnitude(nullptr, 0, 0.5), 0u);
}

TEST(Pruning, Threshold) {
    std::vector<float> x = {0.1f, -0.2f, 0.3f, -0.05f, 0.0f, 0.2f};
    EXPECT_EQ(prune_threshold(x.data(), x.size(), 0.2f), 3u);
    EXPECT_EQ(x, (std::vector<float>{0.0f, -0.2f, 0.3f, 0.0f, 0.0f, 0.2f}));
    EXPECT_EQ(prune_threshold(x.data(), x.size(), 0.0f), 3u);
    EXPECT_THROW(prune_threshold(x.data(), x.size(), -1.0f), ConfigError);
}

TEST(Pruning, NmKeepsExactlyNPerGroup) {
    const size_t rows = 9, cols = 48;
    for (auto [n, m] :
         {std::pair{2, 4}, std::pair{1, 4}, std::pair{4, 8}, std::pair{3, 3}, std::pair{0, 2}}) {
        const std::vector<float> orig = random_nonzero(17, rows * cols);
        std::vector<float> x = orig;
        prune_n_m(x.data(), rows, cols, n, m);
        for (size_t r = 0; r < rows; ++r) {
            for (size_t g = 0; g < cols; g += static_cast<size_t>(m)) {
                const size_t base = r * cols + g;
                int kept = 0;
                float min_kept = std::numeric_limits<float>::infinity(), max_pruned = 0.0f;
                for (size_t i = base; i < base + static_cast<size_t>(m); ++i) {
                    if (x[i] != 0.0f) {
                        ++kept;
                        ASSERT_EQ(x[i], orig[i]);
                        min_kept = std::min(min_kept, std::fabs(orig[i]));
                    } else {
                        max_pruned = std::max(max_pruned, std::fabs(orig[i]));
                    }
                }
                ASSERT_EQ(kept, n) << n << ":" << m << " row " << r << " group " << g;
                ASSERT_LE(max_pruned, min_kept);
            }
        }
        EXPECT_EQ(measured_sparsity(x.data(), x.size()), 1.0 - static_cast<double>(n) / m);
    }
    // Ties: the lower index is kept.
    std::vector<float> t = {1.0f, -1.0f, 1.0f, 1.0f, 0.5f, -3.0f, 0.5f, 0.5f};
    prune_n_m(t.data(), 1, 8, 2, 4);
    EXPECT_EQ(t, (std::vector<float>{1.0f, -1.0f, 0.0f, 0.0f, 0.5f, -3.0f, 0.0f, 0.0f}));
}

TEST(Pruning, NmRejectsBadShapes) {
    std::vector<float> x(12, 1.0f);
    try {
        prune_n_m(x.data(), 1, 10, 2, 4);
        FAIL() << "accepted cols % m != 0";
    } catch (const ShapeError& e) {
        EXPECT_NE(std::string(e.what()).find("cols"), std::string::npos) << e.what();
    }
    EXPECT_THROW(prune_n_m(x.data(), 1, 12, 5, 4), ShapeError);
    EXPECT_THROW(prune_n_m(x.data(), 1, 12, -1, 4), ShapeError);
    EXPECT_THROW(prune_n_m(x.data(), 1, 12, 0, 0), ShapeError);
    EXPECT_THROW(prune_n_m(nullptr, 1, 12, 2, 4), ShapeError);
}

TEST(Pruning, MeasuredSparsity) {
    const std::vector<float> x = {0.0f, -0.0f, 1.0f, 2.0f};
    EXPECT_EQ(measured_sparsity(x.data(), x.size()), 0.5);
    EXPECT_EQ(measured_sparsity(nullptr, 0), 0.0);
}

}  // namespace
}  // namespace edgebert::num
