// Weight pruning: produces the sparsity the bitmask codec and the skip logic
// exploit. All selections are deterministic: equal magnitudes are ordered by
// index, so the same input always prunes the same elements.
#pragma once

#include <cstddef>

namespace edgebert::num {

// Zeroes exactly round(sparsity * n) (half away from zero) elements: those with
// the smallest |x|, the lower index first among equal magnitudes. Elements that
// are already zero have the smallest |x|, so they are counted first. sparsity
// must be in [0, 1]; NaN data throws. Returns the number of zeros in data
// afterwards (equal to the target when data had no more zeros than that).
size_t prune_magnitude(float* data, size_t n, double sparsity);

// Zeroes every element with |x| < threshold (threshold >= 0; 0 prunes nothing).
// Returns the number of zeros in data afterwards.
size_t prune_threshold(float* data, size_t n, float threshold);

// N:M structured sparsity on a row-major rows x cols matrix: in every group of
// m consecutive elements of a row, keeps the n largest |x| (the lower index wins
// among equal magnitudes) and zeroes the rest. Throws ShapeError unless
// m >= 1, 0 <= n <= m and cols % m == 0. NaN data throws.
void prune_n_m(float* data, size_t rows, size_t cols, int n, int m);

// Fraction of elements equal to zero (either sign); 0 for n == 0.
double measured_sparsity(const float* data, size_t n);

}  // namespace edgebert::num
