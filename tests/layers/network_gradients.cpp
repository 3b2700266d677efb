// The gradient of every layer and loss, inside whole networks, against centred differences of
// the loss (typenet::gradient_check, in double).

#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <typenet/core/model.hpp>
#include <typenet/core/network.hpp>
#include <typenet/core/rng.hpp>
#include <typenet/diagnostics/gradient_check.hpp>
#include <typenet/init/initializers.hpp>
#include <typenet/layers/activations.hpp>
#include <typenet/layers/dense.hpp>
#include <typenet/layers/input.hpp>
#include <typenet/layers/losses.hpp>

#include "../support/test_values.hpp"

namespace network_gradients_test {

namespace {

using namespace typenet;

constexpr double max_error = 1e-6;
// h = 3e-5 balances the centred difference's truncation error (~h^2) against the rounding of
// the loss (~1e-16 / h). Even so a parameter whose gradient happens to lie near zero shows a
// large relative error: the seeds below give networks without one.
constexpr gradient_check_options options{.step = 3e-5};

// A batch for Net: random inputs, and random labels or target values as its loss needs.
template <class Net>
struct batch {
    static constexpr std::size_t rows = 4;
    std::vector<double> x = typenet::test::uniform_values(rows * Net::input_width, 7);
    std::vector<std::uint32_t> labels;
    std::vector<double> values = typenet::test::uniform_values(rows * Net::output_width, 8);
    batch() {
        for (std::size_t r = 0; r < rows; ++r)
            labels.push_back(static_cast<std::uint32_t>((3 * r + 1) % Net::output_width));
    }
    batch_targets<double> t() const { return {labels, values}; }
};

template <class Net>
void require_gradients(std::uint64_t model_seed) {
    Model<Net, double> model{seed{model_seed}};
    const batch<Net> b;
    const auto before = std::vector<double>(model.parameters().begin(), model.parameters().end());
    const auto r = gradient_check(model, b.x, b.t(), options);
    // The check leaves every parameter exactly as it found it.
    REQUIRE(std::equal(before.begin(), before.end(), model.parameters().begin(), model.parameters().end()));
    REQUIRE(r.checked == Net::parameter_count);
    CAPTURE(model_seed, r.max_relative_error, r.worst_index, r.analytic, r.numeric);
    REQUIRE(r.max_relative_error < max_error);
}

} // namespace

TEST_CASE("Dense, Tanh and SoftmaxCrossEntropy gradients", "[layers][gradients]") {
    require_gradients<Network<Input<5>, Dense<5, 7>, Tanh, Dense<7, 3>, SoftmaxCrossEntropy>>(1);
}

TEST_CASE("Sigmoid and MeanSquaredError gradients", "[layers][gradients]") {
    require_gradients<Network<Input<6>, Dense<6, 9, Xavier>, Sigmoid, Dense<9, 4>, MeanSquaredError>>(2);
}

TEST_CASE("an element-wise layer directly after Input", "[layers][gradients]") {
    require_gradients<Network<Input<4>, Tanh, Dense<4, 3>, MeanSquaredError>>(3);
    require_gradients<Network<Input<4>, Sigmoid, Tanh, Dense<4, 3>, Tanh, Dense<3, 2>, SoftmaxCrossEntropy>>(4);
}

TEST_CASE("two activations in a row after a dense layer, widths with tails", "[layers][gradients]") {
    require_gradients<Network<Input<17>, Dense<17, 33>, Tanh, Sigmoid, Dense<33, 5>, SoftmaxCrossEntropy>>(5);
    require_gradients<Network<Input<3>, Dense<3, 10>, Sigmoid, Tanh, Dense<10, 17>, MeanSquaredError>>(6);
}

TEST_CASE("three dense layers: input gradients flow through two hidden layers", "[layers][gradients]") {
    require_gradients<Network<Input<3>, Dense<3, 10>, Tanh, Dense<10, 17>, Sigmoid, Dense<17, 2>, MeanSquaredError>>(7);
}

TEST_CASE("dense layers with nothing between them, and straight into the loss", "[layers][gradients]") {
    require_gradients<Network<Input<4>, Dense<4, 6>, Dense<6, 2>, MeanSquaredError>>(8);
    require_gradients<Network<Input<7>, Dense<7, 3>, SoftmaxCrossEntropy>>(9);
    require_gradients<Network<Input<9>, Dense<9, 17>, MeanSquaredError>>(10);
}

TEST_CASE("ReLU gradients away from the kink", "[layers][gradients]") {
    using Net = Network<Input<5>, Dense<5, 17>, ReLU, Dense<17, 3>, SoftmaxCrossEntropy>;
    Model<Net, double> model{seed{11}};
    const batch<Net> b;

    // The pre-activations, from a network of the first dense layer alone with its parameters:
    // none may lie within reach of a step h of a weight or bias, or the centred difference
    // straddles the kink and measures neither side's slope.
    Model<Network<Input<5>, Dense<5, 17>>, double> first{seed{0}};
    std::copy(model.parameters_of<1>().begin(), model.parameters_of<1>().end(), first.parameters().begin());
    const auto z = first.predict(b.x);
    double nearest = 1e300;
    std::size_t active = 0;
    for (const double v : z) {
        nearest = std::min(nearest, std::abs(v));
        active += v > 0;
    }
    CAPTURE(nearest);
    REQUIRE(nearest > 1e-3);
    // Both sides of the kink occur, so both branches of backward are checked.
    REQUIRE(active > 0);
    REQUIRE(active < z.size());

    const auto r = gradient_check(model, b.x, b.t(), options);
    CAPTURE(r.max_relative_error, r.worst_index, r.analytic, r.numeric);
    REQUIRE(r.max_relative_error < max_error);
    REQUIRE(r.checked == Net::parameter_count);
}

} // namespace network_gradients_test
