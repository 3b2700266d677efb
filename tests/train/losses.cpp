// fit and evaluate with the losses other than softmax: accuracy as each loss counts it
// (threshold for a single sigmoid output, exact match for multi-label rows), and training that
// could fail: a binary classifier, a multi-label one, a hinge classifier, a Huber regression,
// and an L1 fit that lands on the median where squared error lands on the mean.

#include <typenet/typenet.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "../support/test_values.hpp"

namespace losses_test {

namespace tn = typenet;

namespace {

// Two Gaussian blobs in `width` dimensions, centred at -c and +c (c = 1 in each coordinate),
// spread 0.6: the Bayes classifier (the plane between them) is right 99.6% of the time in 2-D
// (the centres lie 1.41 / 0.6 = 2.36 spreads from it), a constant guess about half the time.
tn::data::Dataset<float> two_blobs(std::size_t n, std::size_t width, std::uint64_t s) {
    tn::rng g{tn::seed{s}};
    tn::data::Dataset<float> d;
    d.width = width;
    d.classes = 2;
    for (std::size_t i = 0; i < n; ++i) {
        const auto y = static_cast<std::uint32_t>(g.below(2));
        d.labels.push_back(y);
        for (std::size_t j = 0; j < width; ++j)
            d.features.push_back((y ? 1.f : -1.f) + 0.6f * static_cast<float>(g.normal()));
    }
    return d;
}

using Binary = tn::Network<tn::Input<2>, tn::Dense<2, 8>, tn::Tanh, tn::Dense<8, 1, tn::Xavier>, tn::SigmoidCrossEntropy>;

} // namespace

TEST_CASE("a single sigmoid output counts p > 0.5 as class 1 in evaluate, not the argmax", "[train][losses]") {
    // p = sigmoid(x): the prediction is class 1 exactly where x > 0.
    tn::Model<tn::Network<tn::Input<1>, tn::Dense<1, 1>, tn::SigmoidCrossEntropy>, double> model;
    model.parameters()[0] = 1;  // weight
    model.parameters()[1] = 0;  // bias
    tn::data::Dataset<double> d;
    d.width = 1;
    d.classes = 2;
    d.features = {-2, -1, -0.5, 0.5, 1, 2, 3};
    d.labels = {0, 1, 0, 1, 1, 0, 1};
    // Right: rows 0, 2, 3, 4, 6 (an argmax over one column would count the three 0 labels).
    const tn::evaluation e = tn::evaluate(model, d);
    CHECK(e.accuracy == Approx(5.0 / 7.0).epsilon(1e-15));
    double loss = 0;
    for (std::size_t i = 0; i < 7; ++i)
        loss += std::log(1 + std::exp(d.labels[i] ? -d.features[i] : d.features[i]));
    CHECK(e.loss == Approx(loss / 7).epsilon(1e-12));

    // Three classes cannot be labels of a single output.
    d.classes = 3;
    CHECK_THROWS_WITH(tn::evaluate(model, d),
                      "evaluate: expected at most 2 classes (the loss's labels at output width 1), found 3");
}

TEST_CASE("multi-label sigmoid outputs count a row when every output is on its target's side", "[train][losses]") {
    // p_j = sigmoid(x_j): identity weights, zero biases.
    tn::Model<tn::Network<tn::Input<2>, tn::Dense<2, 2>, tn::SigmoidCrossEntropy>, double> model;
    const double identity[] = {1, 0, 0, 1, 0, 0};
    std::copy(identity, identity + 6, model.parameters().begin());
    tn::data::Dataset<double> d;
    d.width = 2;
    d.target_width = 2;
    d.features = {1, -1, /**/ 1, 1, /**/ -1, -1, /**/ -1, 2};
    d.targets = {1, 0, /**/ 1, 0, /**/ 0, 0, /**/ 0.2, 0.9};
    // Rows 0, 2 and 3 are right (row 3 with soft targets), row 1 is not.
    const tn::evaluation e = tn::evaluate(model, d);
    CHECK(e.accuracy == Approx(0.75).epsilon(1e-15));
    // Regression losses measure no accuracy.
    tn::Model<tn::Network<tn::Input<2>, tn::Dense<2, 2>, tn::MeanAbsoluteError>, double> l1;
    CHECK(std::isnan(tn::evaluate(l1, d).accuracy));
}

TEST_CASE("fit trains a single sigmoid output on two blobs to above 95% accuracy", "[train][losses]") {
    const auto train = two_blobs(1000, 2, 1), val = two_blobs(500, 2, 2);
    tn::Model<Binary> model{tn::seed{3}};
    const tn::history h =
        tn::fit(model, tn::SGD{.lr = 0.5}, train, {.epochs = 5, .batch = 32, .validation = val, .progress = nullptr});
    const tn::evaluation after = tn::evaluate(model, val);
    INFO("validation accuracy " << after.accuracy << ", loss " << after.loss);
    CHECK(after.accuracy > 0.95);
    CHECK(h.epochs.back().train_accuracy > 0.95);
    CHECK(h.epochs.back().train_loss < h.epochs.front().train_loss);
    // Below ln 2 = 0.693, the loss of p = 0.5 everywhere, by far.
    CHECK(after.loss < 0.2);

    // The accuracy evaluate reports is the fraction of rows with (p > 0.5) == label.
    const auto p = model.predict(val.features);
    std::size_t right = 0;
    for (std::size_t i = 0; i < val.size(); ++i) right += (p[i] > 0.5f) == (val.labels[i] == 1);
    CHECK(after.accuracy == Approx(static_cast<double>(right) / static_cast<double>(val.size())).epsilon(1e-15));
}

TEST_CASE("fit trains multi-label sigmoid outputs on target values", "[train][losses]") {
    // Two independent yes/no answers per sample: is x_0 > 0, is x_0 + x_1 > 0.
    tn::rng g{tn::seed{4}};
    tn::data::Dataset<float> d;
    d.width = 2;
    d.target_width = 2;
    for (int i = 0; i < 1000; ++i) {
        const auto a = static_cast<float>(g.normal()), b = static_cast<float>(g.normal());
        d.features.insert(d.features.end(), {a, b});
        d.targets.insert(d.targets.end(), {a > 0 ? 1.f : 0.f, a + b > 0 ? 1.f : 0.f});
    }
    using Net = tn::Network<tn::Input<2>, tn::Dense<2, 16>, tn::Tanh, tn::Dense<16, 2, tn::Xavier>, tn::SigmoidCrossEntropy>;
    tn::Model<Net> model{tn::seed{5}};
    const tn::history h = tn::fit(model, tn::SGD{.lr = 0.5}, d, {.epochs = 20, .batch = 32, .progress = nullptr});
    const tn::evaluation e = tn::evaluate(model, d);
    INFO("exact-match accuracy " << e.accuracy << ", loss " << e.loss);
    // Both answers right: most samples, though the points near either boundary are hard.
    CHECK(e.accuracy > 0.9);
    CHECK(h.epochs.back().train_accuracy > 0.9);
}

TEST_CASE("fit trains a three-class hinge classifier to above 95% accuracy", "[train][losses]") {
    tn::rng g{tn::seed{6}}, centres{tn::seed{12345}};
    std::vector<float> c(3 * 8);
    for (auto& v : c) v = static_cast<float>(centres.normal());
    auto blobs = [&](std::size_t n) {
        tn::data::Dataset<float> d;
        d.width = 8;
        d.classes = 3;
        for (std::size_t i = 0; i < n; ++i) {
            const auto y = static_cast<std::uint32_t>(g.below(3));
            d.labels.push_back(y);
            for (std::size_t j = 0; j < 8; ++j) d.features.push_back(c[y * 8 + j] + 0.5f * static_cast<float>(g.normal()));
        }
        return d;
    };
    const auto train = blobs(600), val = blobs(200);
    using Svm = tn::Network<tn::Input<8>, tn::Dense<8, 3, tn::Gaussian<1e-4>>, tn::MulticlassHinge>;
    tn::Model<Svm> model{tn::seed{7}};
    tn::fit(model, tn::SGD{.lr = 0.05}, train, {.epochs = 5, .batch = 32, .progress = nullptr});
    const tn::evaluation e = tn::evaluate(model, val);
    INFO("validation accuracy " << e.accuracy << ", loss " << e.loss);
    CHECK(e.accuracy > 0.95);
}

TEST_CASE("MulticlassHinge's initial loss is about C - 1 = 9 for small weights", "[train][losses]") {
    // Scores s = x W with W ~ 1e-4 N(0, 1), x in [0, 1)^100: |s| ~ 1e-3 at most, so each of the
    // 9 margins s_j - s_y + 1 is 1 within 2 max|s|, and the mean loss 9 within 18 max|s|.
    using Svm = tn::Network<tn::Input<100>, tn::Dense<100, 10, tn::Gaussian<1e-4>>, tn::MulticlassHinge>;
    tn::Model<Svm, double> model{tn::seed{8}};
    const std::size_t rows = 64;
    const auto x = typenet::test::uniform_values(rows * 100, 9, 0, 1);
    std::vector<std::uint32_t> labels(rows);
    for (std::size_t r = 0; r < rows; ++r) labels[r] = static_cast<std::uint32_t>(r % 10);
    const double loss = model.loss(x, {.labels = labels});
    double max_score = 0;
    for (const double s : model.predictions()) max_score = std::max(max_score, std::abs(s));
    INFO("loss " << loss << ", max |score| " << max_score);
    CHECK(std::abs(loss - 9) <= 18 * max_score);
    CHECK(std::abs(loss - 9) < 0.01);
}

TEST_CASE("fit reaches a stated loss on a regression with Huber", "[train][losses]") {
    // y = a b on [-1, 1]^2. The best constant, 0, has a Huber loss of E[(a b)^2] / 2 = 1/18 =
    // 0.056 (every residual below delta = 1: the quadratic part); the network must explain at
    // least 90% of that.
    using Reg = tn::Network<tn::Input<2>, tn::Dense<2, 16>, tn::Tanh, tn::Dense<16, 1, tn::Xavier>, tn::Huber<>>;
    tn::data::Dataset<double> d;
    d.width = 2;
    d.target_width = 1;
    tn::rng g{tn::seed{5}};
    for (int i = 0; i < 256; ++i) {
        const double a = g.uniform() * 2 - 1, b = g.uniform() * 2 - 1;
        d.features.insert(d.features.end(), {a, b});
        d.targets.push_back(a * b);
    }
    tn::Model<Reg, double> model{tn::seed{1}};
    tn::fit(model, tn::SGD{.lr = 0.2}, d, {.epochs = 200, .batch = 16, .progress = nullptr});
    const tn::evaluation after = tn::evaluate(model, d);
    INFO("Huber loss " << after.loss);
    CHECK(std::isnan(after.accuracy));
    CHECK(after.loss < 0.1 / 18);
}

TEST_CASE("a constant fitted with MeanAbsoluteError lands on the median, with MeanSquaredError on the mean",
          "[train][losses]") {
    // A bias alone (the input is 0): 80 targets in [0, 1) and 20 outliers at 100.
    tn::data::Dataset<double> d;
    d.width = 1;
    d.target_width = 1;
    d.features.assign(100, 0.0);
    d.targets = typenet::test::uniform_values(80, 10, 0, 1);
    d.targets.resize(100, 100.0);
    auto sorted = d.targets;
    std::sort(sorted.begin(), sorted.end());
    // Every point between the 50th and 51st smallest target is a median.
    const double low = sorted[49], high = sorted[50];

    using L1 = tn::Network<tn::Input<1>, tn::Dense<1, 1, tn::Zeros>, tn::MeanAbsoluteError>;
    tn::Model<L1, double> l1;
    // Whole-batch subgradient steps of at most lr: they end within lr of the median.
    tn::fit(l1, tn::SGD{.lr = 0.01}, d, {.epochs = 300, .batch = 100, .progress = nullptr});
    const double b1 = l1.parameters()[1];
    INFO("L1 bias " << b1 << ", medians [" << low << ", " << high << "]");
    CHECK(b1 > low - 0.01);
    CHECK(b1 < high + 0.01);

    using L2 = tn::Network<tn::Input<1>, tn::Dense<1, 1, tn::Zeros>, tn::MeanSquaredError>;
    tn::Model<L2, double> l2;
    tn::fit(l2, tn::SGD{.lr = 0.5}, d, {.epochs = 100, .batch = 100, .progress = nullptr});
    double mean = 0;
    for (const double t : d.targets) mean += t / 100;
    CHECK(l2.parameters()[1] == Approx(mean).epsilon(1e-9));
}

} // namespace losses_test
