// The monitors against figures worked out by hand on tiny networks: activation statistics and
// histograms, dead units over an epoch, update/weight ratios and gradient norms, the loss guard.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <typenet/core/model.hpp>
#include <typenet/core/network.hpp>
#include <typenet/diagnostics/activation_statistics.hpp>
#include <typenet/diagnostics/dead_units.hpp>
#include <typenet/diagnostics/loss_guard.hpp>
#include <typenet/diagnostics/update_monitor.hpp>
#include <typenet/layers/activations.hpp>
#include <typenet/layers/dense.hpp>
#include <typenet/layers/input.hpp>
#include <typenet/layers/losses.hpp>
#include <typenet/optim/sgd.hpp>

namespace monitors_test {

namespace {

using namespace typenet;

using Tiny = Network<Input<2>, Dense<2, 3>, ReLU, Dense<3, 2>, SoftmaxCrossEntropy>;

// W1 = [[1, -1, 0.5], [2, 0, -1]] (input-major), b1 = [0, 0.5, -1]. For x = (1, 1) the first
// layer gives (3, -0.5, -1.5); for x = (0.5, -1) it gives (-1.5, 0, 0.25).
Model<Tiny, double> tiny_model() {
    Model<Tiny, double> m{seed{1}};
    const std::vector<double> w1{1, -1, 0.5, 2, 0, -1}, b1{0, 0.5, -1};
    std::copy(w1.begin(), w1.end(), m.tensor("dense_1.weight").begin());
    std::copy(b1.begin(), b1.end(), m.tensor("dense_1.bias").begin());
    return m;
}

const std::vector<double> two_rows{1, 1, 0.5, -1};

} // namespace

TEST_CASE("activation statistics per layer match hand-computed values", "[diagnostics][monitors]") {
    auto m = tiny_model();
    const auto stats = activation_statistics(m, std::span<const double>(two_rows), 4);
    REQUIRE(stats.size() == 4);  // dense_1, relu_1, dense_2, softmax_cross_entropy_1
    CHECK(stats[0].name == "dense_1");
    CHECK(stats[1].name == "relu_1");
    CHECK(stats[1].position == 2);
    CHECK(stats[1].width == 3);
    CHECK(stats[1].values == 6);

    // dense_1: 3, -0.5, -1.5, -1.5, 0, 0.25.
    CHECK(stats[0].mean == Approx(-0.25 / 6).epsilon(1e-12));
    CHECK(stats[0].zero_fraction == Approx(1.0 / 6));
    CHECK(stats[0].min == -1.5);
    CHECK(stats[0].max == 3);
    // relu_1: 3, 0, 0, 0, 0, 0.25: mean 3.25/6, E[x^2] = 9.0625/6, four zeros.
    const double mean = 3.25 / 6;
    CHECK(stats[1].mean == Approx(mean).epsilon(1e-12));
    CHECK(stats[1].stddev == Approx(std::sqrt(9.0625 / 6 - mean * mean)).epsilon(1e-12));
    CHECK(stats[1].zero_fraction == Approx(4.0 / 6));
    // Four bins over [0, 3], each 0.75 wide: 0 (x4) and 0.25 in the first, 3 in the last.
    CHECK(stats[1].histogram.low == 0);
    CHECK(stats[1].histogram.high == 3);
    CHECK(stats[1].histogram.bin_width() == 0.75);
    CHECK(stats[1].histogram.counts == std::vector<std::size_t>{5, 0, 0, 1});
    // Softmax probabilities of each row sum to 1: mean 1/2 over two classes.
    CHECK(stats[3].mean == Approx(0.5).epsilon(1e-12));
}

TEST_CASE("a constant layer's histogram has one full bin around the value", "[diagnostics][monitors]") {
    const std::vector<float> v(10, 2.0f);
    const auto h = make_histogram(v, 5);
    CHECK(h.low == 1.5);
    CHECK(h.high == 2.5);
    CHECK(h.counts == std::vector<std::size_t>{0, 0, 10, 0, 0});
    CHECK_THROWS_WITH(make_histogram(v, 0), "histogram: expected at least 1 bin, found 0");
}

TEST_CASE("dead units are those never positive on any sample of the epoch", "[diagnostics][monitors]") {
    auto m = tiny_model();
    dead_unit_tracker dead;
    dead.observe(m, two_rows);
    auto now = dead.current();
    REQUIRE(now.size() == 4);
    // relu_1: unit 1 gives -0.5 and 0 before the ReLU, so 0 and 0 after it: dead; units 0
    // and 2 open on one row each.
    CHECK(now[1].name == "relu_1");
    CHECK(now[1].dead == 1);
    CHECK(now[1].fraction == Approx(1.0 / 3));
    CHECK(now[0].dead == 1);  // dense_1's unit 1 is never above 0 either

    // x = (0, -1) gives unit 1: 0 * -1 + -1 * 0 + 0.5 = 0.5: it opens, and stays counted alive.
    const std::vector<double> third{0, -1};
    dead.observe(m, third);
    CHECK(dead.current()[1].dead == 0);
    dead.end_epoch();
    REQUIRE(dead.epochs().size() == 1);
    CHECK(dead.epochs()[0][1].dead == 0);

    // A new epoch starts from nothing: the first two rows alone leave unit 1 dead again.
    dead.observe(m, two_rows);
    dead.end_epoch();
    CHECK(dead.epochs()[1][1].dead == 1);

    // Outputs of another network are refused.
    Model<Network<Input<2>, Dense<2, 3>, ReLU, SoftmaxCrossEntropy>, double> other{seed{2}};
    CHECK_THROWS_WITH(dead.observe(other, two_rows),
                      "dead_unit_tracker: expected the outputs of 4 layers (the network first observed), found 3");
}

TEST_CASE("update/weight ratio and gradient norm per tensor, worked by hand", "[diagnostics][monitors]") {
    // One row x = (1, 2), w = (3, 4), b = 0.5: a = 11.5; target 1.5, so a - y = 10 and, with
    // L = (a - y)^2 / 2, dL/dw = 10 x = (10, 20), dL/db = 10. SGD at 0.01 moves w by
    // (0.1, 0.2): update norm sqrt(0.05), weight norm 5; b by 0.1 against 0.5.
    using Net = Network<Input<2>, Dense<2, 1>, MeanSquaredError>;
    Model<Net, double> m{seed{0}};
    m.tensor("dense_1.weight")[0] = 3;
    m.tensor("dense_1.weight")[1] = 4;
    m.tensor("dense_1.bias")[0] = 0.5;
    const std::vector<double> x{1, 2}, y{1.5};
    update_monitor watch;
    CHECK_THROWS_WITH(watch.after(m), "update_monitor: expected before(model) ahead of after(model), found none");
    m.compute_gradients(x, {.values = y});
    watch.before(m);
    SGD{.lr = 0.01}.step(m);
    const auto& step = watch.after(m);
    REQUIRE(step.size() == 2);
    CHECK(step[0].name == "dense_1.weight");
    CHECK(step[0].weight_norm == Approx(5).epsilon(1e-12));
    CHECK(step[0].gradient_norm == Approx(std::sqrt(500.0)).epsilon(1e-12));
    CHECK(step[0].update_norm == Approx(std::sqrt(0.05)).epsilon(1e-10));
    CHECK(step[0].ratio == Approx(std::sqrt(0.05) / 5).epsilon(1e-10));
    CHECK(step[1].name == "dense_1.bias");
    CHECK(step[1].gradient_norm == Approx(10).epsilon(1e-12));
    CHECK(step[1].ratio == Approx(0.1 / 0.5).epsilon(1e-10));

    // A bias at its zero start has no ratio; the epoch's mean skips it.
    m.tensor("dense_1.bias")[0] = 0;
    m.compute_gradients(x, {.values = y});
    watch.before(m);
    SGD{.lr = 0.01}.step(m);
    CHECK(std::isnan(watch.after(m)[1].ratio));
    watch.end_epoch();
    REQUIRE(watch.epochs().size() == 1);
    CHECK(watch.epochs()[0][1].ratio == Approx(0.2).epsilon(1e-10));
    CHECK(watch.epochs()[0][0].gradient_norm > 0);
}

TEST_CASE("the loss guard stops a run whose loss passes 3x its start", "[diagnostics][monitors][guard]") {
    loss_guard guard;
    guard.check(2.0);
    guard.check(1.5);
    guard.check(6.0);  // exactly 3x: still allowed
    CHECK(guard.initial_loss() == 2.0);
    CHECK_THROWS_WITH(guard.check(6.5), "loss guard: the loss 6.5 at step 4 is above 3 x the initial loss 2 (6); "
                                        "training stopped (a learning rate too high is the usual cause)");
    loss_guard strict{1.5};
    strict.check(1.0);
    CHECK_THROWS_WITH(strict.check(std::numeric_limits<double>::quiet_NaN()),
                      "loss guard: expected a finite loss, found nan at step 2; training stopped (a learning rate "
                      "too high is the usual cause)");
    CHECK_THROWS_WITH(loss_guard{1.0}, "loss_guard: expected a factor above 1, found 1.000000");
}

TEST_CASE("the loss guard trips on an exploding run", "[diagnostics][monitors][guard]") {
    // Plain SGD at lr = 1e6 on a small classifier: the seeds' "loss explodes".
    using Net = Network<Input<4>, Dense<4, 8>, ReLU, Dense<8, 3>, SoftmaxCrossEntropy>;
    Model<Net, double> m{seed{4}};
    std::vector<double> x(16 * 4);
    std::vector<std::uint32_t> labels(16);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::sin(double(i));
    for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = std::uint32_t(i % 3);
    loss_guard guard;
    std::size_t steps = 0;
    std::string message;
    try {
        for (; steps < 50; ++steps) {
            guard.check(m.compute_gradients(x, {.labels = labels}));
            SGD{.lr = 1e6}.step(m);
        }
    } catch (const error& e) {
        message = e.what();
    }
    CAPTURE(message, steps);
    CHECK(steps < 10);
    CHECK(steps >= 1);
    CHECK(message.find("loss guard: ") == 0);
    CHECK(message.find("training stopped") != std::string::npos);
}

} // namespace monitors_test
