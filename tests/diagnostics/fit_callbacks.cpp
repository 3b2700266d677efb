// The monitors as callbacks of fit, against figures worked out by hand: the update monitor's
// ratio lr ||g|| / ||W|| on a line fitted by SGD (every step, and every second step), the dead
// unit tracker seeing a unit that no sample opens, the loss guard stopping an exploding run, and
// the batch fit_context shows its callbacks.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <set>
#include <vector>

#include <typenet/core/model.hpp>
#include <typenet/core/network.hpp>
#include <typenet/diagnostics/dead_units.hpp>
#include <typenet/diagnostics/loss_guard.hpp>
#include <typenet/diagnostics/update_monitor.hpp>
#include <typenet/layers/activations.hpp>
#include <typenet/layers/dense.hpp>
#include <typenet/layers/input.hpp>
#include <typenet/layers/losses.hpp>
#include <typenet/optim/sgd.hpp>
#include <typenet/train/fit.hpp>

namespace fit_callbacks_test {

namespace {

using namespace typenet;

using Line = Network<Input<2>, Dense<2, 1>, MeanSquaredError>;

// `n` copies of the sample x = (1, 2) with target 1.5: every step sees the same row.
data::Dataset<double> repeated_sample(std::size_t n) {
    data::Dataset<double> d;
    d.width = 2;
    d.target_width = 1;
    for (std::size_t i = 0; i < n; ++i) {
        d.features.push_back(1);
        d.features.push_back(2);
        d.targets.push_back(1.5);
    }
    return d;
}

Model<Line, double> line_model() {
    Model<Line, double> m{seed{0}};
    m.tensor("dense_1.weight")[0] = 3;
    m.tensor("dense_1.weight")[1] = 4;
    m.tensor("dense_1.bias")[0] = 0.5;
    return m;
}

// The figures of SGD step k on that sample from w = (3, 4), b = 0.5: with e = w.x + b - y, the
// gradient is e (1, 2) and e, and a step at lr scales e by 1 - lr (|x|^2 + 1) = 1 - 6 lr.
struct line_step {
    double weight_norm, ratio, gradient_norm;
};
line_step line_figures(double lr, std::size_t k) {
    double w0 = 3, w1 = 4, b = 0.5;
    for (std::size_t s = 0; s < k; ++s) {
        const double e = w0 + 2 * w1 + b - 1.5;
        w0 -= lr * e, w1 -= lr * 2 * e, b -= lr * e;
    }
    const double e = w0 + 2 * w1 + b - 1.5;
    const double g = std::abs(e) * std::sqrt(5.0);
    const double norm = std::sqrt(w0 * w0 + w1 * w1);
    return {norm, lr * g / norm, g};
}

} // namespace

TEST_CASE("the update monitor in fit measures each step's ratio lr ||g|| / ||W||", "[diagnostics][monitors][callbacks]") {
    // Step 0 by hand: e = 3 + 8 + 0.5 - 1.5 = 10, ||g_w|| = 10 sqrt(5), ||W|| = 5: ratio 0.02 sqrt(5) / 5.
    CHECK(line_figures(0.01, 0).ratio == Approx(0.01 * 10 * std::sqrt(5.0) / 5).epsilon(1e-15));
    auto m = line_model();
    update_monitor watch;
    const auto d = repeated_sample(1);
    fit(m, SGD{.lr = 0.01}, d, {.epochs = 2, .batch = 1, .progress = nullptr}, watch);
    REQUIRE(watch.epochs().size() == 2);
    for (std::size_t e = 0; e < 2; ++e) {
        const line_step want = line_figures(0.01, e);
        CHECK(watch.epochs()[e][0].name == "dense_1.weight");
        CHECK(watch.epochs()[e][0].weight_norm == Approx(want.weight_norm).epsilon(1e-12));
        CHECK(watch.epochs()[e][0].gradient_norm == Approx(want.gradient_norm).epsilon(1e-12));
        CHECK(watch.epochs()[e][0].ratio == Approx(want.ratio).epsilon(1e-10));
    }
    CHECK(watch.steps_seen() == 2);
}

TEST_CASE("the update monitor in fit samples every k-th step", "[diagnostics][monitors][callbacks]") {
    // Five steps in one epoch, every = 2: steps 0, 2 and 4 are measured, and the epoch's ratio is
    // their mean. A second call of fit continues the count: its first step (5) is not measured,
    // its second (6) is.
    auto m = line_model();
    update_monitor watch{{.every = 2}};
    const double lr = 0.01;
    fit(m, SGD{.lr = lr}, repeated_sample(5), {.batch = 1, .progress = nullptr}, watch);
    REQUIRE(watch.epochs().size() == 1);
    const double mean = (line_figures(lr, 0).ratio + line_figures(lr, 2).ratio + line_figures(lr, 4).ratio) / 3;
    CHECK(watch.epochs()[0][0].ratio == Approx(mean).epsilon(1e-10));
    CHECK(watch.last_step()[0].ratio == Approx(line_figures(lr, 4).ratio).epsilon(1e-10));
    fit(m, SGD{.lr = lr}, repeated_sample(2), {.batch = 1, .progress = nullptr}, watch);
    CHECK(watch.epochs()[1][0].ratio == Approx(line_figures(lr, 6).ratio).epsilon(1e-10));
    CHECK_THROWS_WITH(update_monitor({.every = 0}), "update_monitor: expected every of at least 1 (step), found 0");
}

TEST_CASE("the dead unit tracker in fit sees a unit that no sample opens", "[diagnostics][monitors][callbacks]") {
    // W1 = [[1, -1, 0.5], [2, 0, -1]] (input-major), b1 = [0, 0.5, -1]: for x = (1, 1) the first
    // layer gives (3, -0.5, -1.5), for x = (0.5, -1) (-1.5, 0, 0.25). Unit 1 is never positive.
    // At lr = 0 the weights stay as set.
    using Tiny = Network<Input<2>, Dense<2, 3>, ReLU, Dense<3, 2>, SoftmaxCrossEntropy>;
    Model<Tiny, double> m{seed{1}};
    const std::vector<double> w1{1, -1, 0.5, 2, 0, -1}, b1{0, 0.5, -1};
    std::copy(w1.begin(), w1.end(), m.tensor("dense_1.weight").begin());
    std::copy(b1.begin(), b1.end(), m.tensor("dense_1.bias").begin());
    data::Dataset<double> d;
    d.width = 2;
    d.classes = 2;
    d.features = {1, 1, 0.5, -1};
    d.labels = {0, 1};

    dead_unit_tracker dead;
    fit(m, SGD{.lr = 0}, d, {.epochs = 2, .batch = 1, .progress = nullptr}, dead);
    REQUIRE(dead.epochs().size() == 2);
    CHECK(dead.epochs()[0][1].name == "relu_1");
    CHECK(dead.epochs()[0][1].dead == 1);  // unit 1
    CHECK(dead.epochs()[1][1].fraction == Approx(1.0 / 3));

    // Every second batch: one of the two rows per epoch, and either row alone leaves two units
    // of relu_1 shut ((3, 0, 0) or (0, 0, 0.25)).
    dead_unit_tracker sampled{{.every = 2}};
    fit(m, SGD{.lr = 0}, d, {.batch = 1, .progress = nullptr}, sampled);
    CHECK(sampled.epochs()[0][1].dead == 2);
    CHECK_THROWS_WITH(dead_unit_tracker({.every = 0}), "dead_unit_tracker: expected every of at least 1 (batch), found 0");
}

TEST_CASE("the loss guard in fit stops an exploding run", "[diagnostics][monitors][callbacks][guard]") {
    // At lr = 1 the error e is scaled by 1 - 6 = -5 each step: losses 50, then 1250 > 3 x 50.
    auto m = line_model();
    loss_guard guard;
    CHECK_THROWS_WITH(fit(m, SGD{.lr = 1}, repeated_sample(4), {.batch = 1, .progress = nullptr}, guard),
                      "loss guard: the loss 1250 at step 2 is above 3 x the initial loss 50 (150); training stopped "
                      "(a learning rate too high is the usual cause)");
    CHECK(guard.initial_loss() == 50);
}

TEST_CASE("fit_context shows the batch just trained: its samples and their indices", "[diagnostics][callbacks]") {
    data::Dataset<double> d;
    d.width = 2;
    d.target_width = 1;
    for (std::size_t i = 0; i < 10; ++i) {
        d.features.push_back(double(i));
        d.features.push_back(-double(i));
        d.targets.push_back(0);
    }
    Model<Line, double> m{seed{0}};
    std::multiset<std::size_t> seen;
    std::vector<std::size_t> rows;
    bool match = true;
    auto check = on_batch_end([&](auto& c) {
        rows.push_back(c.batch_samples.size());
        REQUIRE(c.batch_features.size() == 2 * c.batch_samples.size());
        for (std::size_t r = 0; r < c.batch_samples.size(); ++r) {
            seen.insert(c.batch_samples[r]);
            match &= c.batch_features[2 * r] == double(c.batch_samples[r]) && c.batch_features[2 * r + 1] == -double(c.batch_samples[r]);
        }
    });
    fit(m, SGD{.lr = 0}, d, {.batch = 4, .shuffle = seed{3}, .progress = nullptr}, check);
    CHECK(match);
    CHECK(rows == std::vector<std::size_t>{4, 4, 2});
    CHECK(seen == std::multiset<std::size_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
}

} // namespace fit_callbacks_test
