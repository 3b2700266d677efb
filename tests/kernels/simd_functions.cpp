// The element-wise vocabulary of kernels/simd.hpp and kernels/dual.hpp: each operation on a
// vector gives, lane by lane, what it gives on a scalar, and the scalar gives the std:: result;
// ties of max and min and zeros of abs and select are where they differ from one another.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include <typenet/kernels/dual.hpp>
#include <typenet/kernels/simd.hpp>

namespace simd_functions_test {

namespace {

namespace simd = typenet::simd;

template <class T>
std::vector<T> inputs() {
    return {T(-3.5), T(-1), T(-0.25), T(0), T(-0.0), T(1e-3), T(0.5), T(1), T(2), T(7.25),
            T(-20), T(20), T(0.1), T(-0.1), T(3), T(-2)};
}

// f on every lane of vectors of V built from inputs(), against f on the scalar.
template <class V, class F>
void require_lanes_match_scalar(F f, double tolerance) {
    using T = typename V::value_type;
    const std::vector<T> x = inputs<T>();
    for (std::size_t i = 0; i + V::size <= x.size(); i += V::size) {
        const V v = V::load_unaligned(x.data() + i);
        T out[V::size];
        f(v).store_unaligned(out);
        for (std::size_t l = 0; l < V::size; ++l) {
            const T s = f(x[i + l]);
            CAPTURE(x[i + l], out[l], s);
            REQUIRE(std::abs(out[l] - s) <= tolerance * std::max(T(1), std::abs(s)));
        }
    }
}

} // namespace

TEMPLATE_TEST_CASE("simd functions agree between scalars and vectors", "[kernels][simd]", float, double) {
    using T = TestType;
    using V = simd::vec<T>;
    const double close = std::is_same_v<T, float> ? 4e-7 : 1e-15;
    require_lanes_match_scalar<V>([]<class A>(const A& a) { return simd::exp(a); }, close);
    require_lanes_match_scalar<V>([]<class A>(const A& a) { return simd::expm1(a); }, close);
    require_lanes_match_scalar<V>([]<class A>(const A& a) { return simd::tanh(a); }, close);
    require_lanes_match_scalar<V>([]<class A>(const A& a) { return simd::sigmoid(a); }, close);
    require_lanes_match_scalar<V>([]<class A>(const A& a) { return simd::log(simd::abs(a) + A(1)); }, close);
    require_lanes_match_scalar<V>([]<class A>(const A& a) { return simd::sqrt(simd::abs(a)); }, 0);
    require_lanes_match_scalar<V>([]<class A>(const A& a) { return simd::abs(a); }, 0);
    require_lanes_match_scalar<V>([]<class A>(const A& a) { return simd::max(a, A(0)); }, 0);
    require_lanes_match_scalar<V>([]<class A>(const A& a) { return simd::min(a, A(1)); }, 0);
    require_lanes_match_scalar<V>([]<class A>(const A& a) { return simd::select(a > A(0.5), a, -a); }, 0);
    require_lanes_match_scalar<V>([]<class A>(const A& a) { return simd::constant<A>(0.1) * a; }, 0);
}

namespace {

// Lanes far out of exp's range, infinite and NaN, through vectors of `Width` lanes or fewer
// (double lanes of SSE and AVX vectors are where xsimd converts k to an integer with a C++ cast).
template <class T, std::size_t Width>
void require_out_of_range_lanes() {
    using V = simd::vec_at_most<T, Width>;
    constexpr T inf = std::numeric_limits<T>::infinity(), nan = std::numeric_limits<T>::quiet_NaN();
    const std::vector<T> x{T(1e30), T(-1e30), inf, -inf, nan, T(1e19), T(-1e19), T(-nan), T(3e38), T(-3e38),
                           T(2000), T(-2000), nan, T(1e25), inf, -inf};
    for (std::size_t i = 0; i + simd::lanes<V> <= x.size(); i += simd::lanes<V>) {
        T e[simd::lanes<V>], m[simd::lanes<V>], t[simd::lanes<V>];
        simd::store(e, simd::exp(simd::load<V>(x.data() + i)));
        simd::store(m, simd::expm1(simd::load<V>(x.data() + i)));
        simd::store(t, simd::tanh(simd::load<V>(x.data() + i)));
        for (std::size_t l = 0; l < simd::lanes<V>; ++l) {
            const T v = x[i + l];
            CAPTURE(Width, simd::lanes<V>, v, e[l], m[l], t[l]);
            if (std::isnan(v)) {
                REQUIRE((std::isnan(e[l]) && std::isnan(m[l]) && std::isnan(t[l])));
            } else {
                REQUIRE(e[l] == std::exp(v));
                REQUIRE(m[l] == std::expm1(v));
                REQUIRE(t[l] == std::tanh(v));
            }
        }
    }
}

} // namespace

TEMPLATE_TEST_CASE("simd exp, expm1 and tanh give inf, 0, -1, +-1 or NaN for lanes out of range in every width",
                   "[kernels][simd]", float, double) {
    require_out_of_range_lanes<TestType, 1>();
    require_out_of_range_lanes<TestType, 2>();
    require_out_of_range_lanes<TestType, 4>();
    require_out_of_range_lanes<TestType, 8>();
    require_out_of_range_lanes<TestType, 16>();
}

TEST_CASE("simd scalars give the std:: results", "[kernels][simd]") {
    for (const double v : inputs<double>()) {
        CAPTURE(v);
        REQUIRE(simd::sigmoid(v) == 1 / (1 + std::exp(-v)));
        REQUIRE(simd::expm1(v) == std::expm1(v));
        REQUIRE(simd::log(std::abs(v) + 1) == std::log(std::abs(v) + 1));
        REQUIRE(simd::sqrt(std::abs(v)) == std::sqrt(std::abs(v)));
        REQUIRE(simd::abs(v) == std::abs(v));
        REQUIRE(simd::max(v, 0.5) == (v > 0.5 ? v : 0.5));
        REQUIRE(simd::min(v, 0.5) == (v < 0.5 ? v : 0.5));
    }
    // Ties give the second argument (-0.0 and 0.0 compare equal).
    REQUIRE(std::signbit(simd::max(0.0, -0.0)));
    REQUIRE(!std::signbit(simd::max(-0.0, 0.0)));
    REQUIRE(std::signbit(simd::min(0.0, -0.0)));
    REQUIRE(simd::constant<float>(0.1) == 0.1f);
    // Saturation: no NaN where exp overflows or underflows.
    REQUIRE(simd::sigmoid(-800.0) == 0.0);
    REQUIRE(simd::sigmoid(800.0) == 1.0);
}

TEST_CASE("dual numbers carry the derivative through arithmetic and the primitives", "[kernels][simd]") {
    using D = simd::dual<double>;
    const D x = simd::variable(0.7);
    REQUIRE(x.value == 0.7);
    REQUIRE(x.derivative == 1.0);
    // Each against its derivative written out.
    const double v = 0.7;
    auto check = [](const D& d, double value, double derivative) {
        CAPTURE(d.value, value, d.derivative, derivative);
        REQUIRE(std::abs(d.value - value) <= 1e-15);
        REQUIRE(std::abs(d.derivative - derivative) <= 1e-15);
    };
    check(x * x, v * v, 2 * v);
    check(3.0 * x - 1.0, 3 * v - 1, 3);
    check(1.0 - x, 1 - v, -1);
    check(2.0 + x + x, 2 + 2 * v, 2);
    check(-x, -v, -1);
    check(x / (x + 1.0), v / (v + 1), 1 / ((v + 1) * (v + 1)));
    check(x / 4.0, v / 4, 0.25);
    check(1.0 / x, 1 / v, -1 / (v * v));
    check(simd::exp(2.0 * x), std::exp(2 * v), 2 * std::exp(2 * v));
    check(simd::log(x), std::log(v), 1 / v);
    check(simd::tanh(x), std::tanh(v), 1 - std::tanh(v) * std::tanh(v));
    const double s = 1 / (1 + std::exp(-v));
    check(simd::sigmoid(x), s, s * (1 - s));
    check(simd::sqrt(x), std::sqrt(v), 0.5 / std::sqrt(v));
    check(simd::abs(-x), v, 1);
    check(simd::abs(x - 1.0), 1 - v, -1);
    check(simd::max(x, 0.5), v, 1);
    check(simd::max(x, 0.9), 0.9, 0);
    check(simd::min(0.9, x), v, 1);
    check(simd::max(x, x * x), v, 1);
    check(simd::min(x, x * x), v * v, 2 * v);
    check(simd::select(true, x * x, 1.0), v * v, 2 * v);
    check(simd::select(false, x * x, 1.0), 1, 0);
    check(simd::select(false, 1.0, x * x), v * v, 2 * v);
    // At the kinks: abs has derivative 0 at 0; max and min take the second argument at a tie.
    const D zero = simd::variable(0.0);
    check(simd::abs(zero), 0, 0);
    check(simd::max(zero, 0.0), 0, 0);
    check(simd::max(0.0, zero), 0, 0);
    check(simd::max(zero, 0.5 * zero), 0, 0.5);
}

} // namespace simd_functions_test
