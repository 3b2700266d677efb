// Each activation's backward against centred differences of its own forward, on scalars and
// through the vector kernels (whose lengths leave tails), and chains of activations.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <vector>

#include "../support/pure_chain.hpp"
#include <typenet/core/rng.hpp>
#include <typenet/kernels/elementwise.hpp>
#include <typenet/layers/activations.hpp>

#include "../support/activation_checks.hpp"

namespace activations_test {

namespace {

namespace kernels = typenet::kernels;

constexpr double h = 1e-5;
// Derivatives here are at most 1; at h = 1e-5 the centred difference is good to ~1e-10.
constexpr double tolerance = 1e-8;

// Values in [-4, 4], none within 1e-2 of ReLU's kink.
std::vector<double> sample_points(std::size_t n, std::uint64_t s) {
    typenet::rng g{typenet::seed{s}};
    std::vector<double> x;
    while (x.size() < n) {
        const double v = 8 * g.uniform() - 4;
        if (std::abs(v) > 1e-2) x.push_back(v);
    }
    return x;
}

template <class Layer>
void check_scalar() {
    for (const double x : sample_points(200, 1)) {
        const double numeric = (Layer::forward(x + h) - Layer::forward(x - h)) / (2 * h);
        const double analytic = Layer::backward(x, Layer::forward(x), 1.0);
        CAPTURE(x, numeric, analytic);
        REQUIRE(std::abs(analytic - numeric) <= tolerance);
        // backward is linear in dy.
        REQUIRE(std::abs(Layer::backward(x, Layer::forward(x), -2.5) + 2.5 * analytic) <= 1e-15);
    }
}

// The same comparison with forward and backward run by kernels::map / map_gradient, so that
// whole vectors, the narrower vector and the scalar tail are all exercised.
template <class Chain>
void check_vector(std::size_t n) {
    CAPTURE(n);
    const auto x = sample_points(n, 100 + n);
    std::vector<double> up(n), down(n), y_up(n), y_down(n);
    for (std::size_t i = 0; i < n; ++i) {
        up[i] = x[i] + h;
        down[i] = x[i] - h;
    }
    const auto forward = []<class V>(const V& v) { return Chain::forward(v); };
    kernels::map(up.data(), y_up.data(), n, forward);
    kernels::map(down.data(), y_down.data(), n, forward);

    typenet::rng g{typenet::seed{n}};
    std::vector<double> dy(n);
    for (double& d : dy) d = 2 * g.uniform() - 1;
    std::vector<double> dx(dy);
    const auto backward = []<class V>(const V& v, const V& d) { return Chain::backward(v, d); };
    kernels::map_gradient(x.data(), dx.data(), n, backward);

    for (std::size_t i = 0; i < n; ++i) {
        const double numeric = (y_up[i] - y_down[i]) / (2 * h);
        CAPTURE(i, x[i], dy[i], numeric, dx[i]);
        REQUIRE(std::abs(dx[i] - dy[i] * numeric) <= tolerance);
        // The vector forward agrees with the scalar one.
        REQUIRE(std::abs(y_up[i] - Chain::forward(up[i])) <= 1e-14);
    }
}

template <class Chain>
void check_vector_lengths() {
    for (const std::size_t n : {1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 37, 64, 100}) check_vector<Chain>(n);
}

} // namespace

TEMPLATE_TEST_CASE("an activation's backward is the derivative of its forward (scalar)", "[layers][activations]",
                   typenet::ReLU, typenet::Sigmoid, typenet::Tanh, typenet::LeakyReLU<>, typenet::LeakyReLU<0.2>,
                   typenet::ELU<>, typenet::ELU<0.5>, typenet::Identity) {
    check_scalar<TestType>();
}

TEMPLATE_TEST_CASE("an activation's backward is the derivative of its forward (vector kernels)",
                   "[layers][activations]", typenet::ReLU, typenet::Sigmoid, typenet::Tanh, typenet::LeakyReLU<>,
                   typenet::LeakyReLU<0.2>, typenet::ELU<>, typenet::ELU<0.5>, typenet::Identity) {
    check_vector_lengths<typenet::test::pure_chain<TestType>>();
}

TEMPLATE_TEST_CASE("a chain of activations back-propagates through every link", "[layers][activations]",
                   (typenet::test::pure_chain<typenet::Tanh, typenet::Sigmoid>),
                   (typenet::test::pure_chain<typenet::Sigmoid, typenet::Tanh, typenet::Tanh>),
                   (typenet::test::pure_chain<typenet::ReLU, typenet::Tanh>),
                   (typenet::test::pure_chain<typenet::Tanh, typenet::ReLU, typenet::Sigmoid>),
                   (typenet::test::pure_chain<typenet::ELU<>, typenet::LeakyReLU<0.1>, typenet::Identity,
                                               typenet::Tanh>)) {
    check_vector_lengths<TestType>();
}

TEST_CASE("activations take their documented values", "[layers][activations]") {
    using typenet::ReLU, typenet::Sigmoid, typenet::Tanh;
    REQUIRE(ReLU::forward(2.5) == 2.5);
    REQUIRE(ReLU::forward(-2.5) == 0.0);
    // The derivative at the kink is taken as 0.
    REQUIRE(ReLU::backward(0.0, 0.0, 1.0) == 0.0);
    REQUIRE(ReLU::backward(1e-300, 1e-300, 3.0) == 3.0);
    REQUIRE(Sigmoid::forward(0.0) == 0.5);
    REQUIRE(std::abs(Sigmoid::forward(2.0) - 1 / (1 + std::exp(-2.0))) <= 1e-16);
    REQUIRE(Sigmoid::backward(0.0, 0.5, 1.0) == 0.25);
    REQUIRE(Tanh::forward(0.0) == 0.0);
    REQUIRE(Tanh::backward(0.0, 0.0, 1.0) == 1.0);
    // Saturated inputs stay finite in both directions.
    REQUIRE(Sigmoid::forward(-800.0) == 0.0);
    REQUIRE(Sigmoid::forward(800.0) == 1.0);
    REQUIRE(Tanh::forward(800.0) == 1.0);
    std::vector<double> x(19), y(19);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = i % 2 ? 800.0 : -800.0;
    kernels::map(x.data(), y.data(), x.size(), []<class V>(const V& v) { return Sigmoid::forward(v); });
    for (std::size_t i = 0; i < x.size(); ++i) REQUIRE(y[i] == (i % 2 ? 1.0 : 0.0));
    kernels::map(x.data(), y.data(), x.size(), []<class V>(const V& v) { return Tanh::forward(v); });
    for (std::size_t i = 0; i < x.size(); ++i) REQUIRE(y[i] == (i % 2 ? 1.0 : -1.0));
}

// --- LeakyReLU, ELU, Identity: PyTorch's formulas, written out here --------------------------

namespace {

template <double Alpha>
double leaky_relu(double x) {
    return std::max(0.0, x) + Alpha * std::min(0.0, x);  // torch.nn.LeakyReLU(negative_slope=Alpha)
}
template <double Alpha>
double elu(double x) {
    return x > 0 ? x : Alpha * (std::exp(x) - 1);  // torch.nn.ELU(alpha=Alpha)
}

} // namespace

TEST_CASE("LeakyReLU is max(0, x) + alpha min(0, x)", "[layers][activations]") {
    using namespace typenet;
    const test::domain d{.lo = -5, .hi = 5, .kinks = {0}};
    test::check_scalar<LeakyReLU<>>(leaky_relu<0.01>, d);
    test::check_vectors<LeakyReLU<>>(leaky_relu<0.01>, d);
    test::check_scalar<LeakyReLU<0.2>>(leaky_relu<0.2>, d);
    test::check_vectors<LeakyReLU<0.2>>(leaky_relu<0.2>, d);
    STATIC_REQUIRE(LeakyReLU<>::alpha == 0.01);
    STATIC_REQUIRE(LeakyReLU<3>::alpha == 3.0);
    // At the kink the slope is alpha (PyTorch: grad where x > 0, alpha grad elsewhere).
    REQUIRE(LeakyReLU<0.2>::backward(0.0, 0.0, 1.0) == 0.2);
    REQUIRE(LeakyReLU<0.2>::forward(-3.0) == 0.2 * -3.0);
}

TEST_CASE("ELU is x for x > 0 and alpha (exp(x) - 1) otherwise", "[layers][activations]") {
    using namespace typenet;
    const test::domain d{.lo = -6, .hi = 4, .kinks = {0}};
    test::check_scalar<ELU<>>(elu<1.0>, d);
    test::check_vectors<ELU<>>(elu<1.0>, d);
    test::check_scalar<ELU<0.5>>(elu<0.5>, d);
    test::check_vectors<ELU<0.5>>(elu<0.5>, d);
    STATIC_REQUIRE(ELU<>::alpha == 1.0);
    // At the kink the slope is alpha exp(0) = alpha, as in PyTorch; the function is continuous.
    REQUIRE(ELU<0.5>::backward(0.0, 0.0, 1.0) == 0.5);
    REQUIRE(ELU<0.5>::forward(0.0) == 0.0);
    // Near 0, exp(x) - 1 is computed without cancellation (expm1).
    REQUIRE(std::abs(ELU<>::forward(-1e-10) - std::expm1(-1e-10)) <= 1e-26);
    // Saturation: alpha (-1) for very negative inputs, in every lane.
    std::vector<float> x(19, -200.0f), y(19);
    kernels::map(x.data(), y.data(), x.size(), []<class V>(const V& v) { return ELU<2>::forward(v); });
    for (const float v : y) REQUIRE(v == -2.0f);
}

TEST_CASE("Identity passes values and gradients through", "[layers][activations]") {
    using typenet::Identity;
    const typenet::test::domain d{};
    typenet::test::check_scalar<Identity>([](double v) { return v; }, d);
    typenet::test::check_vectors<Identity>([](double v) { return v; }, d);
    REQUIRE(Identity::backward(1.0, 1.0, -7.25) == -7.25);
}

TEST_CASE("LeakyReLU, ELU and Identity gradients inside networks", "[layers][activations][gradients]") {
    using namespace typenet;
    test::require_gradients_in_networks<LeakyReLU<>>(21, {.kinks = {0}});
    test::require_gradients_in_networks<LeakyReLU<0.3>>(22, {.kinks = {0}});
    test::require_gradients_in_networks<ELU<>>(23, {.kinks = {0}});
    test::require_gradients_in_networks<ELU<0.7>>(24, {.kinks = {0}});
    test::require_gradients_in_networks<Identity>(25);
}

} // namespace activations_test
