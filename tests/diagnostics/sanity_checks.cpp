// The seeds' sanity checks, as tests of the library: the initial softmax loss is ln(classes),
// a small network overfits a handful of samples, zero initialisation keeps hidden units
// identical, initialisation is reproducible from its seed, and He init has the stated spread.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <typenet/core/model.hpp>
#include <typenet/core/network.hpp>
#include <typenet/core/rng.hpp>
#include <typenet/init/initializers.hpp>
#include <typenet/layers/activations.hpp>
#include <typenet/layers/dense.hpp>
#include <typenet/layers/input.hpp>
#include <typenet/layers/losses.hpp>
#include <typenet/optim/sgd.hpp>

#include "../support/test_values.hpp"

namespace sanity_checks_test {

namespace {

using namespace typenet;

std::vector<std::uint32_t> random_labels(std::size_t n, std::uint32_t classes, std::uint64_t s) {
    rng g{seed{s}};
    std::vector<std::uint32_t> labels(n);
    for (auto& l : labels) l = static_cast<std::uint32_t>(g.below(classes));
    return labels;
}

struct moments {
    double mean = 0;
    double stddev = 0;
};
template <class T>
moments moments_of(std::span<const T> v) {
    moments m;
    for (const T x : v) m.mean += double(x);
    m.mean /= double(v.size());
    for (const T x : v) m.stddev += (double(x) - m.mean) * (double(x) - m.mean);
    m.stddev = std::sqrt(m.stddev / double(v.size() - 1));
    return m;
}

} // namespace

TEMPLATE_TEST_CASE("the initial softmax loss of a 10-class network is close to ln(10)", "[diagnostics][sanity]", float,
                   double) {
    using T = TestType;
    using Net = Network<Input<784>, Dense<784, 100, He>, ReLU, Dense<100, 10, Gaussian<0.01>>, SoftmaxCrossEntropy>;
    Model<Net, T> model{seed{42}};
    constexpr std::size_t rows = 64;
    const auto x = typenet::test::uniform_values<T>(rows * 784, 1, 0, 1);
    const auto labels = random_labels(rows, 10, 2);
    const double loss = model.loss(x, {.labels = labels});
    CAPTURE(loss);
    REQUIRE(std::abs(loss - std::log(10.0)) < 0.1);
    // Every probability is near 1/10: the output layer starts small.
    for (const T p : model.predictions()) REQUIRE(std::abs(double(p) - 0.1) < 0.05);
}

TEST_CASE("a small network overfits 20 samples with SGD", "[diagnostics][sanity]") {
    using Net = Network<Input<20>, Dense<20, 64>, ReLU, Dense<64, 5>, SoftmaxCrossEntropy>;
    Model<Net> model{seed{3}};
    constexpr std::size_t rows = 20;
    const auto x = typenet::test::uniform_values<float>(rows * 20, 4, -1, 1);
    const auto labels = random_labels(rows, 5, 5);
    const batch_targets<float> t{.labels = labels};
    const SGD sgd{.lr = 0.5};

    const double initial = model.loss(x, t);
    double loss = initial;
    std::size_t steps = 0;
    for (; steps < 300 && loss >= 0.01; ++steps) {
        loss = model.compute_gradients(x, t);
        sgd.step(model);
    }
    loss = model.loss(x, t);
    CAPTURE(initial, loss, steps);
    REQUIRE(initial > 1.0);
    REQUIRE(loss < 0.01);
    // Every sample is classified correctly.
    const auto p = model.predict(x);
    for (std::size_t r = 0; r < rows; ++r) {
        const auto row = std::span(p).subspan(r * 5, 5);
        REQUIRE(static_cast<std::size_t>(std::max_element(row.begin(), row.end()) - row.begin()) == labels[r]);
    }
}

TEST_CASE("zero initialisation leaves every hidden unit computing the same thing", "[diagnostics][sanity]") {
    using Net = Network<Input<6>, Dense<6, 8, Zeros>, Sigmoid, Dense<8, 3, Zeros>, MeanSquaredError>;
    Model<Net, double> model{seed{1}};
    constexpr std::size_t rows = 10;
    const auto x = typenet::test::uniform_values<double>(rows * 6, 6, -1, 1);
    const auto y = typenet::test::uniform_values<double>(rows * 3, 7, -1, 1);
    const batch_targets<double> t{.values = y};
    const SGD sgd{.lr = 0.5};
    const double initial = model.loss(x, t);
    for (int i = 0; i < 50; ++i) {
        model.compute_gradients(x, t);
        sgd.step(model);
    }
    // Training moved the first layer's weights (the symmetry is not a frozen network) ...
    const auto w1 = model.parameters_of<1>();
    REQUIRE(std::any_of(w1.begin(), w1.end(), [](double w) { return std::abs(w) > 1e-3; }));
    REQUIRE(model.loss(x, t) < initial);

    // ... but every hidden unit still has the same incoming weights, bias and output weights.
    for (std::size_t k = 0; k < 6; ++k)
        for (std::size_t j = 1; j < 8; ++j) REQUIRE(w1[k * 8 + j] == Approx(w1[k * 8]).epsilon(1e-12));
    for (std::size_t j = 1; j < 8; ++j) REQUIRE(w1[48 + j] == Approx(w1[48]).epsilon(1e-12));
    const auto w3 = model.parameters_of<3>();
    for (std::size_t j = 1; j < 8; ++j)
        for (std::size_t c = 0; c < 3; ++c) REQUIRE(w3[j * 3 + c] == Approx(w3[c]).epsilon(1e-12));

    // So their outputs are equal on every sample: the hidden layer acts as one unit.
    Model<Network<Input<6>, Dense<6, 8>, Sigmoid>, double> hidden{seed{0}};
    std::copy(w1.begin(), w1.end(), hidden.parameters().begin());
    const auto h = hidden.predict(x);
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t j = 1; j < 8; ++j) REQUIRE(h[r * 8 + j] == Approx(h[r * 8]).epsilon(1e-12));

    // With random initialisation the hidden units differ.
    Model<Network<Input<6>, Dense<6, 8>, Sigmoid>, double> random{seed{1}};
    const auto hr = random.predict(x);
    std::size_t distinct = 0;
    for (std::size_t j = 1; j < 8; ++j) distinct += std::abs(hr[j] - hr[0]) > 1e-6;
    REQUIRE(distinct == 7);
}

TEST_CASE("initialisation is reproducible from its seed", "[diagnostics][init]") {
    using Net =
        Network<Input<12>, Dense<12, 9>, Tanh, Dense<9, 4, Xavier>, Dense<4, 3, Gaussian<0.5>>, MeanSquaredError>;
    auto params = [](const Model<Net>& m) { return std::vector<float>(m.parameters().begin(), m.parameters().end()); };
    const Model<Net> a{seed{7}}, b{seed{7}}, c{seed{8}};
    REQUIRE(params(a) == params(b));
    REQUIRE(params(a) != params(c));
    // Every initialised weight differs between the two seeds; the biases are zero in both.
    std::size_t same = 0;
    for (std::size_t i = 0; i < Net::parameter_count; ++i) same += params(a)[i] == params(c)[i];
    REQUIRE(same == 9 + 4 + 3);
    // Re-initialising with the first seed restores the first parameters exactly.
    Model<Net> d{seed{8}};
    d.initialize(seed{7});
    REQUIRE(params(d) == params(a));
    // The same seed gives the same values in float and double, up to rounding to float.
    const Model<Net, double> e{seed{7}};
    const auto pa = params(a);
    for (std::size_t i = 0; i < Net::parameter_count; ++i) REQUIRE(pa[i] == static_cast<float>(e.parameters()[i]));
}

TEST_CASE("initialisers have the standard deviations they state", "[diagnostics][init]") {
    using Net = Network<Input<784>, Dense<784, 100, He>, Dense<100, 400, Xavier>, Dense<400, 30, Gaussian<0.01>>>;
    Model<Net, double> model{seed{123}};

    struct expectation {
        std::span<double> params;
        std::size_t weights;
        double stddev;
    };
    const expectation cases[] = {
        {model.parameters_of<1>(), 784 * 100, std::sqrt(2.0 / 784)},
        {model.parameters_of<2>(), 100 * 400, 1 / std::sqrt(100.0)},
        {model.parameters_of<3>(), 400 * 30, 0.01},
    };
    for (const auto& c : cases) {
        const auto w = moments_of<double>(c.params.first(c.weights));
        CAPTURE(c.weights, c.stddev, w.mean, w.stddev);
        REQUIRE(std::abs(w.stddev / c.stddev - 1) < 0.05);
        REQUIRE(std::abs(w.mean) < 0.05 * c.stddev);
        for (const double b : c.params.subspan(c.weights)) REQUIRE(b == 0.0);
    }
}

} // namespace sanity_checks_test
