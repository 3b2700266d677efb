#pragma once
// What many tests share: seeded random inputs, and how closely a vector kernel must match the
// scalar reference in each precision.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#include <typenet/core/rng.hpp>

namespace typenet::test {

// n values drawn uniformly from [lo, hi), the same for the same seed.
template <class T = double>
std::vector<T> uniform_values(std::size_t n, std::uint64_t s, double lo = -1, double hi = 1) {
    rng g{seed{s}};
    std::vector<T> v(n);
    for (T& x : v) x = static_cast<T>(lo + (hi - lo) * g.uniform());
    return v;
}

// Relative agreement with the reference: float kernels reassociate sums.
template <class T>
inline constexpr double tolerance = std::is_same_v<T, float> ? 1e-5 : 1e-12;

// Whether got is within tol of want, relative to |want| but never to less than floor.
inline bool relatively_close(double got, double want, double tol, double floor = 1e-30) {
    return std::abs(got - want) <= tol * std::max(std::abs(want), floor);
}

// Bit for bit equal: the kernels promise results that do not depend on blocking or threads.
template <class T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

} // namespace typenet::test
