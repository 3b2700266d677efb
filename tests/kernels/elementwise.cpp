// kernels::map and kernels::map_gradient: whole vectors, the narrower vector and the scalar
// tail must each cover their elements exactly once, for every length.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include <typenet/core/rng.hpp>
#include <typenet/kernels/elementwise.hpp>
#include <typenet/kernels/simd.hpp>

#include "../support/test_values.hpp"

namespace elementwise_test {

namespace {

namespace kernels = typenet::kernels;
namespace simd = typenet::simd;

// Every length up to three full vectors of the widest type, then a few larger ones.
std::vector<std::size_t> lengths() {
    std::vector<std::size_t> n;
    for (std::size_t i = 0; i <= 50; ++i) n.push_back(i);
    for (const std::size_t i : {63, 64, 65, 100, 129, 255}) n.push_back(i);
    return n;
}

} // namespace

TEMPLATE_TEST_CASE("map applies an exact operation to every element once", "[kernels][map]", float, double) {
    using T = TestType;
    for (const std::size_t n : lengths()) {
        CAPTURE(n);
        const auto x = typenet::test::uniform_values<T>(n, n, -3, 3);
        // One slot past the end guards against overruns.
        std::vector<T> y(n + 1, std::numeric_limits<T>::quiet_NaN());
        // x * 2 + 1 is exact in either precision, fused or not.
        kernels::map(x.data(), y.data(), n, []<class V>(const V& v) { return v * V(2) + V(1); });
        for (std::size_t i = 0; i < n; ++i) REQUIRE(y[i] == x[i] * T(2) + T(1));
        REQUIRE(std::isnan(y[n]));
    }
}

TEMPLATE_TEST_CASE("map with vector math matches the scalar library", "[kernels][map]", float, double) {
    using T = TestType;
    for (const std::size_t n : lengths()) {
        CAPTURE(n);
        const auto x = typenet::test::uniform_values<T>(n, 1000 + n, -3, 3);
        std::vector<T> y(n);
        kernels::map(x.data(), y.data(), n, []<class V>(const V& v) { return simd::tanh(v) + simd::exp(v); });
        for (std::size_t i = 0; i < n; ++i) {
            const double want = std::tanh(double(x[i])) + std::exp(double(x[i]));
            CAPTURE(i, x[i], y[i], want);
            REQUIRE(std::abs(double(y[i]) - want) <= typenet::test::tolerance<T> * 4 * std::max(std::abs(want), 1.0));
        }
    }
}

TEMPLATE_TEST_CASE("map_gradient combines x and d element by element, in place", "[kernels][map_gradient]", float,
                   double) {
    using T = TestType;
    for (const std::size_t n : lengths()) {
        CAPTURE(n);
        const auto x = typenet::test::uniform_values<T>(n, 2000 + n, -3, 3);
        const auto d0 = typenet::test::uniform_values<T>(n, 3000 + n, -3, 3);
        std::vector<T> d(d0);
        d.push_back(std::numeric_limits<T>::quiet_NaN());
        // Exact: a product of a value with a power of two, then a difference that cannot round
        // differently in a lane and in a scalar.
        kernels::map_gradient(x.data(), d.data(), n, []<class V>(const V& v, const V& dy) { return v * V(4) - dy; });
        for (std::size_t i = 0; i < n; ++i) REQUIRE(d[i] == x[i] * T(4) - d0[i]);
        REQUIRE(std::isnan(d[n]));
    }
}

TEMPLATE_TEST_CASE("for_each_vector covers 0 to n exactly once, widest vectors first", "[kernels][map]", float,
                   double) {
    using T = TestType;
    for (const std::size_t n : lengths()) {
        CAPTURE(n);
        std::vector<int> hits(n, 0);
        std::size_t last_lanes = std::numeric_limits<std::size_t>::max();
        bool widths_descend = true;
        kernels::for_each_vector<T>(n, [&]<class V>(std::size_t i) {
            constexpr std::size_t L = simd::lanes<V>;
            widths_descend = widths_descend && L <= last_lanes;
            last_lanes = L;
            for (std::size_t k = i; k < i + L && k < n; ++k) ++hits[k];
            if (i + L > n) hits.push_back(99);  // an overrun
        });
        REQUIRE(widths_descend);
        REQUIRE(hits.size() == n);
        for (const int h : hits) REQUIRE(h == 1);
    }
}

} // namespace elementwise_test
