// Sparse<k>: exactly k nonzero weights in every unit's column, on rows spread uniformly, with
// N(0, 1/k) values; k > fan_in is an error.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <span>
#include <vector>

#include <typenet/core/error.hpp>
#include <typenet/init/sparse.hpp>

#include "statistics.hpp"

namespace sparse_test {

namespace {

using namespace typenet;
using namespace typenet::test;

template <class T>
std::vector<std::size_t> nonzeros_per_column(const std::vector<T>& w, std::size_t fan_in, std::size_t fan_out) {
    std::vector<std::size_t> count(fan_out);
    for (std::size_t i = 0; i < fan_in; ++i)
        for (std::size_t j = 0; j < fan_out; ++j) count[j] += w[i * fan_out + j] != T(0);
    return count;
}

} // namespace

TEMPLATE_TEST_CASE("Sparse<k> connects every unit to exactly k distinct inputs", "[init][sparse]", float, double) {
    using T = TestType;
    constexpr std::size_t fan_in = 400, fan_out = 2500, k = 10;
    const auto w = draw<Sparse<>, T>(fan_in, fan_out, 3);

    // k nonzeros in a column are k distinct rows: a repeated row would leave fewer.
    for (const std::size_t c : nonzeros_per_column(w, fan_in, fan_out)) REQUIRE(c == k);

    // The nonzeros are N(0, 1/k).
    std::vector<T> values;
    for (const T v : w)
        if (v != T(0)) values.push_back(v);
    check_moments<T>(values, normal_moments(1.0 / k));

    // Every input is chosen with probability p = k/fan_in per unit: its count over the units is
    // Binomial(fan_out, p), and X = sum (count - e)^2 / e, e = fan_out p, is close to a
    // chi-square with mean fan_in (1 - p) and variance about twice that. Choosing, say, the
    // first k inputs (or any skew) makes X huge.
    std::vector<std::size_t> per_row(fan_in);
    for (std::size_t i = 0; i < fan_in; ++i)
        for (std::size_t j = 0; j < fan_out; ++j) per_row[i] += w[i * fan_out + j] != T(0);
    const double p = double(k) / fan_in, e = fan_out * p;
    double x = 0;
    for (const std::size_t c : per_row) x += (double(c) - e) * (double(c) - e) / e;
    const double mean = fan_in * (1 - p);
    CAPTURE(x, mean);
    CHECK(std::abs(x - mean) <= standard_errors * std::sqrt(2 * mean));
}

TEST_CASE("Sparse<k> with k = fan_in is dense, with k = 1 one weight per unit", "[init][sparse]") {
    const auto dense = draw<Sparse<5>, double>(5, 7, 1);
    for (const std::size_t c : nonzeros_per_column(dense, 5, 7)) CHECK(c == 5);
    const auto single = draw<Sparse<1>, double>(9, 4, 1);
    for (const std::size_t c : nonzeros_per_column(single, 9, 4)) CHECK(c == 1);
}

TEST_CASE("Sparse<k> on fewer than k inputs is an error that names both", "[init][sparse]") {
    std::vector<float> w(5 * 3);
    rng g{seed{1}};
    CHECK_THROWS_MATCHES(Sparse<>::fill(std::span<float>{w}, 5, 3, g), error,
                         Catch::Message("typenet::Sparse<10> connects each unit to 10 distinct inputs, but the layer "
                                        "has 5"));
}

} // namespace sparse_test
