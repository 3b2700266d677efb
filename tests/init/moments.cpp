// Every random initialiser against its formula: mean, variance and fourth moment of a
// 400 x 2500 draw (a million weights) within 5 standard errors (tests/init/statistics.hpp),
// in float and double. The fans differ (1/400, 1/2500 and 1/1450 are far apart at this
// precision: the variance's relative standard error is 0.14% for a normal), so a formula with the
// wrong fan fails; the fourth moment tells a normal (3 s^4) from a truncated normal (2.37 s^4 of
// its variance) or a uniform (1.8 s^4).

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <vector>

#include <typenet/init/initializers.hpp>

#include "statistics.hpp"

namespace moments_test {

namespace {

using namespace typenet;
using namespace typenet::test;

constexpr std::size_t fan_in = 400;
constexpr std::size_t fan_out = 2500;
constexpr double fi = fan_in;
constexpr double fo = fan_out;
constexpr double fan_avg = (fi + fo) / 2;

template <class T>
constexpr double rounding = std::is_same_v<T, float> ? 0x1p-23 : 0x1p-52;

// Uniform draws stay within [-a, a] and come within 1e-4 a of both ends (a million draws all
// missing a band of probability 1e-4 at an end happens with probability e^-50).
template <class T>
void check_uniform(std::span<const T> w, double a) {
    const auto [lo, hi] = std::minmax_element(w.begin(), w.end());
    CAPTURE(a, *lo, *hi);
    CHECK(double(*lo) >= -a * (1 + rounding<T>));  // one rounding of the limit to T
    CHECK(double(*hi) <= a * (1 + rounding<T>));
    CHECK(double(*lo) <= -a * (1 - 1e-4));
    CHECK(double(*hi) >= a * (1 - 1e-4));
    check_moments(w, uniform_moments(a));
}

template <class T>
void check_normal(std::span<const T> w, double variance) {
    check_moments(w, normal_moments(variance));
}

// No value beyond 2 s (s the underlying normal's std), and the band [1.99 s, 2 s] is reached:
// it holds about 0.11% of the draws.
template <class T>
void check_truncated(std::span<const T> w, double variance) {
    const truncated_target t = truncated_normal_moments(variance);
    const double bound = 2 * t.underlying_std;
    double largest = 0;
    for (const T x : w) largest = std::max(largest, std::abs(double(x)));
    CAPTURE(bound, largest);
    CHECK(largest <= bound * (1 + 2 * rounding<T>));
    CHECK(largest >= 0.995 * bound);
    check_moments(w, t.moments);
}

} // namespace

TEST_CASE("Keras's truncation constant is the std of a standard normal cut at 2", "[init][moments]") {
    // sqrt(1 - 4 phi(2) / erf(sqrt 2)), derived in statistics.hpp.
    CHECK(std::sqrt(truncated_standard_normal{}.m2) == Approx(0.87962566103423978).epsilon(1e-15));
}

TEMPLATE_TEST_CASE("Gaussian and Uniform have the variance they are given", "[init][moments]", float, double) {
    using T = TestType;
    check_normal<T>(draw<Gaussian<0.05>, T>(fan_in, fan_out, 1), 0.05 * 0.05);
    check_uniform<T>(draw<Uniform<0.3>, T>(fan_in, fan_out, 2), 0.3);
}

TEMPLATE_TEST_CASE("Xavier, Glorot, He and LeCun have their papers' variances", "[init][moments]", float, double) {
    using T = TestType;
    SECTION("Xavier: N(0, 1/fan_in)") { check_normal<T>(draw<Xavier, T>(fan_in, fan_out, 3), 1 / fi); }
    SECTION("XavierUniform: U(-a, a), a = sqrt(3/fan_in)") {
        check_uniform<T>(draw<XavierUniform, T>(fan_in, fan_out, 4), std::sqrt(3 / fi));
    }
    SECTION("Glorot: N(0, 2/(fan_in + fan_out))") {
        check_normal<T>(draw<Glorot, T>(fan_in, fan_out, 5), 2 / (fi + fo));
    }
    SECTION("GlorotUniform: U(-a, a), a = sqrt(6/(fan_in + fan_out))") {
        check_uniform<T>(draw<GlorotUniform, T>(fan_in, fan_out, 6), std::sqrt(6 / (fi + fo)));
    }
    SECTION("He: N(0, 2/fan_in)") { check_normal<T>(draw<He, T>(fan_in, fan_out, 7), 2 / fi); }
    SECTION("HeUniform: U(-a, a), a = sqrt(6/fan_in)") {
        check_uniform<T>(draw<HeUniform, T>(fan_in, fan_out, 8), std::sqrt(6 / fi));
    }
    SECTION("LeCun: truncated normal of variance 1/fan_in") {
        check_truncated<T>(draw<LeCun, T>(fan_in, fan_out, 9), 1 / fi);
    }
}

TEMPLATE_TEST_CASE("VarianceScaling: variance scale/n for each mode and distribution", "[init][moments]", float,
                   double) {
    using T = TestType;
    SECTION("defaults: scale 1, fan_in, truncated normal") {
        check_truncated<T>(draw<VarianceScaling<>, T>(fan_in, fan_out, 10), 1 / fi);
    }
    SECTION("normal, fan_out") {
        check_normal<T>(draw<VarianceScaling<0.5, fan_mode::out, distribution::normal>, T>(fan_in, fan_out, 11),
                        0.5 / fo);
    }
    SECTION("normal, fan_avg") {
        check_normal<T>(draw<VarianceScaling<3.0, fan_mode::avg, distribution::normal>, T>(fan_in, fan_out, 12),
                        3 / fan_avg);
    }
    SECTION("truncated normal, fan_in") {
        check_truncated<T>(
            draw<VarianceScaling<2.0, fan_mode::in, distribution::truncated_normal>, T>(fan_in, fan_out, 13), 2 / fi);
    }
    SECTION("truncated normal, fan_out") {
        check_truncated<T>(
            draw<VarianceScaling<0.5, fan_mode::out, distribution::truncated_normal>, T>(fan_in, fan_out, 14),
            0.5 / fo);
    }
    SECTION("truncated normal, fan_avg") {
        check_truncated<T>(
            draw<VarianceScaling<3.0, fan_mode::avg, distribution::truncated_normal>, T>(fan_in, fan_out, 15),
            3 / fan_avg);
    }
    SECTION("uniform, fan_in: limit sqrt(3 scale / n)") {
        check_uniform<T>(draw<VarianceScaling<2.0, fan_mode::in, distribution::uniform>, T>(fan_in, fan_out, 16),
                         std::sqrt(3 * 2 / fi));
    }
    SECTION("uniform, fan_out") {
        check_uniform<T>(draw<VarianceScaling<2.0, fan_mode::out, distribution::uniform>, T>(fan_in, fan_out, 17),
                         std::sqrt(3 * 2 / fo));
    }
    SECTION("uniform, fan_avg") {
        check_uniform<T>(draw<VarianceScaling<0.5, fan_mode::avg, distribution::uniform>, T>(fan_in, fan_out, 18),
                         std::sqrt(3 * 0.5 / fan_avg));
    }
}

TEMPLATE_TEST_CASE("Sparse: k of fan_in weights per unit are N(0, 1/k), the rest zero", "[init][moments]", float,
                   double) {
    using T = TestType;
    check_moments<T>(draw<Sparse<>, T>(fan_in, fan_out, 19), sparse_moments(10 / fi, 1.0 / 10));
    check_moments<T>(draw<Sparse<40>, T>(fan_in, fan_out, 20), sparse_moments(40 / fi, 1.0 / 40));
}

TEMPLATE_TEST_CASE("Zeros and Constant fill exactly", "[init]", float, double) {
    using T = TestType;
    const auto zeros = draw<Zeros, T>(30, 20, 1);
    CHECK(std::all_of(zeros.begin(), zeros.end(), [](T v) { return v == T(0); }));
    const auto quarter = draw<Constant<0.25>, T>(30, 20, 1);
    CHECK(std::all_of(quarter.begin(), quarter.end(), [](T v) { return v == T(0.25); }));
    const auto third = draw<Constant<-1.0 / 3>, T>(7, 3, 1);
    CHECK(std::all_of(third.begin(), third.end(), [](T v) { return v == static_cast<T>(-1.0 / 3); }));
    const auto five = draw<Constant<5>, T>(2, 2, 1);
    CHECK(std::all_of(five.begin(), five.end(), [](T v) { return v == T(5); }));
}

} // namespace moments_test
