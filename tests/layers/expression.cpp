// Activation<expr>: each expression's forward against the same formula written in plain double
// (expression_cases.hpp), its backward (derived by the library) against centred differences of
// its forward, on scalars and vectors of every tail width; against the built-in activations it
// can spell; at its kinks; and as a stage of its own. Inside networks: expression_gradients.cpp.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <type_traits>
#include <utility>
#include <vector>

#include <typenet/core/fused_passes.hpp>
#include <typenet/kernels/elementwise.hpp>
#include <typenet/layers/activations.hpp>
#include <typenet/layers/expression.hpp>

#include "../support/activation_checks.hpp"
#include "../support/pure_chain.hpp"
#include "../support/test_values.hpp"
#include "expression_cases.hpp"

namespace expression_test {

namespace {

namespace test = typenet::test;
namespace kernels = typenet::kernels;
using typenet::Activation;
namespace cases = expression_test::cases;

} // namespace

TEMPLATE_TEST_CASE("an expression's forward is its formula and its backward the derivative (scalar)",
                   "[layers][expression]", cases::swish, cases::mish, cases::softplus, cases::square,
                   cases::lorentzian, cases::shifted_relu, cases::absolute, cases::hyperbola, cases::mixed,
                   cases::rational, cases::log_above_one, cases::tanh_minus_line, cases::leaky_max, cases::clipped,
                   cases::sigmoid_products) {
    test::check_scalar<typename TestType::layer>(TestType::reference, TestType::sampled);
}

TEMPLATE_TEST_CASE("an expression's forward is its formula and its backward the derivative (vectors, every tail)",
                   "[layers][expression]", cases::swish, cases::mish, cases::softplus, cases::square,
                   cases::lorentzian, cases::shifted_relu, cases::absolute, cases::hyperbola, cases::mixed,
                   cases::rational, cases::log_above_one, cases::tanh_minus_line, cases::leaky_max, cases::clipped,
                   cases::sigmoid_products) {
    test::check_vectors<typename TestType::layer>(TestType::reference, TestType::sampled);
}

namespace {

// The layers agree on n inputs that include 0 (every kink of the layers compared), in double
// and float, through the vector kernels: forward and backward, exactly or to `tolerance`.
template <class A, class B, class T>
void require_same_layer(double tolerance) {
    std::vector<double> xd = test::uniform_values(45, 5, -3, 3);
    xd[0] = 0;
    xd[17] = 0;
    xd[44] = 0;
    const std::vector<T> x(xd.begin(), xd.end());
    const std::vector<T> dy = test::uniform_values<T>(x.size(), 6);
    auto run = [&]<class Layer>() {
        std::vector<T> y(x.size()), dx(x.size());
        kernels::map(x.data(), y.data(), x.size(), []<class V>(const V& v) { return Layer::forward(v); });
        kernels::map_gradient(x.data(), dy.data(), dx.data(), x.size(), []<class V>(const V& v, const V& g) {
            return typenet::test::pure_chain<Layer>::backward(v, g);
        });
        return std::pair{y, dx};
    };
    const auto [ya, dxa] = run.template operator()<A>();
    const auto [yb, dxb] = run.template operator()<B>();
    for (std::size_t i = 0; i < x.size(); ++i) {
        CAPTURE(i, x[i], ya[i], yb[i], dxa[i], dxb[i]);
        REQUIRE(std::abs(ya[i] - yb[i]) <= tolerance);
        REQUIRE(std::abs(dxa[i] - dxb[i]) <= tolerance);
    }
}

} // namespace

TEST_CASE("expressions of the built-in activations compute what the built-ins do", "[layers][expression]") {
    using namespace typenet::expr;
    using namespace typenet;
    // Same operations in the same order: bitwise equal, including the derivative at 0.
    require_same_layer<Activation<max(x, 0)>, ReLU, double>(0);
    require_same_layer<Activation<max(x, 0)>, ReLU, float>(0);
    require_same_layer<Activation<where(x > 0, x, 0.01 * x)>, LeakyReLU<>, double>(0);
    require_same_layer<Activation<where(x > 0, x, 0.01 * x)>, LeakyReLU<>, float>(0);
    // The same formulas, rounded in another order.
    require_same_layer<Activation<sigmoid(x)>, Sigmoid, double>(1e-15);
    require_same_layer<Activation<tanh(x)>, Tanh, double>(1e-15);
    require_same_layer<Activation<where(x > 0, x, exp(x) - 1)>, ELU<>, double>(1e-15);
    require_same_layer<Activation<x>, Identity, double>(0);
}

TEST_CASE("at a kink the derivative is the documented one-sided one", "[layers][expression]") {
    using namespace typenet::expr;
    // max and min: the second argument's at a tie; a constant counts as the second argument.
    REQUIRE(Activation<max(x, 0)>::backward(0.0, 0.0, 1.0) == 0.0);
    REQUIRE(Activation<max(0, x)>::backward(0.0, 0.0, 1.0) == 0.0);
    REQUIRE(Activation<min(x, 0)>::backward(0.0, 0.0, 1.0) == 0.0);
    REQUIRE(Activation<min(0, x)>::backward(0.0, 0.0, 1.0) == 0.0);
    REQUIRE(Activation<max(x, 0.25 * x)>::backward(0.0, 0.0, 1.0) == 0.25);
    REQUIRE(Activation<max(0.25 * x, x)>::backward(0.0, 0.0, 1.0) == 1.0);
    // abs: sign(0) = 0.
    REQUIRE(Activation<abs(x)>::backward(0.0, 0.0, 1.0) == 0.0);
    REQUIRE(Activation<abs(x)>::backward(-2.0, 2.0, 1.0) == -1.0);
    // where: the condition decides, so > and >= differ exactly at the boundary.
    REQUIRE(Activation<where(x > 0, 3 * x, 2 * x)>::backward(0.0, 0.0, 1.0) == 2.0);
    REQUIRE(Activation<where(x >= 0, 3 * x, 2 * x)>::backward(0.0, 0.0, 1.0) == 3.0);
    REQUIRE(Activation<where(x < 0, 3 * x, 2 * x)>::backward(0.0, 0.0, 1.0) == 2.0);
    REQUIRE(Activation<where(x <= 0, 3 * x, 2 * x)>::backward(0.0, 0.0, 1.0) == 3.0);
    // A constant branch contributes derivative 0.
    REQUIRE(Activation<where(x > 1, 5, x)>::backward(2.0, 5.0, 1.0) == 0.0);
    REQUIRE(Activation<where(x > 1, 5, x)>::forward(2.0) == 5.0);
}

TEST_CASE("a saturating expression stays finite where its parts do", "[layers][expression]") {
    using namespace typenet::expr;
    using Swish = Activation<x * sigmoid(x)>;
    std::vector<double> v(21), y(21), d(21, 1.0);
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = i % 2 ? 800.0 : -800.0;  // exp(800) overflows to inf
    kernels::map(v.data(), y.data(), v.size(), []<class V>(const V& a) { return Swish::forward(a); });
    kernels::map_gradient(v.data(), d.data(), v.size(), []<class V>(const V& a, const V& g) {
        return typenet::test::pure_chain<Swish>::backward(a, g);
    });
    for (std::size_t i = 0; i < v.size(); ++i) {
        CAPTURE(i, v[i], y[i], d[i]);
        REQUIRE(y[i] == (i % 2 ? 800.0 : 0.0));
        REQUIRE(d[i] == (i % 2 ? 1.0 : 0.0));
    }
}

namespace {

// A stage of element-wise layers of its own (as after Input), run directly on rows x Width
// values: forward against the scalar layer, backward against dy times the scalar derivative.
template <class T, class Chain, std::size_t Width>
void check_stage(std::size_t rows) {
    using stage = typenet::detail::elementwise_stage<T, typename Chain::chain, Width>;
    const typenet::run_context<T> c{};
    const std::size_t n = rows * Width;
    CAPTURE(rows, Width, n);
    const std::vector<T> x = test::uniform_values<T>(n, 40 + n, -3, 3);
    const std::vector<T> dy = test::uniform_values<T>(n, 50 + n);
    std::vector<T> out(n), d(dy), dx(n);
    stage::forward(c, x.data(), rows, nullptr, out.data(), nullptr, nullptr);
    stage::backward(c, x.data(), rows, nullptr, d.data(), dx.data(), nullptr, nullptr);
    const double tolerance = std::is_same_v<T, float> ? 1e-6 : 1e-14;
    for (std::size_t i = 0; i < n; ++i) {
        const double xi = x[i];
        CAPTURE(i, xi);
        REQUIRE(test::close(out[i], Chain::forward(xi), tolerance));
        REQUIRE(test::close(dx[i], dy[i] * Chain::backward(xi, 1.0), 10 * tolerance));
    }
    // Without a place for the input gradient, backward leaves everything alone.
    std::vector<T> untouched(dy);
    stage::backward(c, x.data(), rows, nullptr, untouched.data(), nullptr, nullptr, nullptr);
    REQUIRE(untouched == dy);
}

} // namespace

TEST_CASE("expressions as a stage of their own, rows x width not a multiple of the vector", "[layers][expression]") {
    using namespace typenet::expr;
    using Swish = Activation<x * sigmoid(x)>;
    using Pair = typenet::test::pure_chain<Swish, Activation<sqrt(x * x + 1) - 1>>;
    check_stage<double, typenet::test::pure_chain<Swish>, 7>(3);
    check_stage<float, typenet::test::pure_chain<Swish>, 7>(3);
    check_stage<double, Pair, 5>(7);
    check_stage<float, Pair, 13>(5);
    check_stage<float, Pair, 1>(1);
}

} // namespace expression_test
