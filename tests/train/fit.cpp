#include <typenet/data/fashion_mnist.hpp>
#include <typenet/typenet.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <regex>
#include <sstream>

#include "../support/blobs.hpp"

namespace fit_test {

namespace tn = typenet;

namespace {

using tn::test::blobs;

using Small = tn::Network<tn::Input<8>, tn::Dense<8, 16>, tn::ReLU, tn::Dense<16, 3, tn::Xavier>, tn::SoftmaxCrossEntropy>;

} // namespace

TEST_CASE("fit trains a classifier to high accuracy and records every epoch", "[train]") {
    const auto train = blobs(600, 8, 3, 1), val = blobs(200, 8, 3, 2);
    tn::Model<Small> model{tn::seed{3}};
    const double before = tn::evaluate(model, val).accuracy;
    std::ostringstream progress;
    const tn::history h = tn::fit(model, tn::SGD{.lr = 0.1}, train,
                                  {.epochs = 4, .batch = 32, .validation = val, .progress = &progress});
    REQUIRE(h.epochs.size() == 4);
    for (std::size_t e = 0; e < 4; ++e) {
        CHECK(h.epochs[e].epoch == e + 1);
        CHECK(std::isfinite(h.epochs[e].train_loss));
        CHECK(h.epochs[e].train_accuracy >= 0.0);
        CHECK(h.epochs[e].validation_accuracy <= 1.0);
    }
    CHECK(h.epochs.back().train_loss < h.epochs.front().train_loss);
    const tn::evaluation after = tn::evaluate(model, val);
    CHECK(after.accuracy > 0.95);
    CHECK(after.accuracy > before);
    CHECK(after.samples == 200);
    CHECK(after.loss == Approx(h.epochs.back().validation_loss));
}

TEST_CASE("fit prints one progress line per epoch in a fixed format", "[train]") {
    const auto train = blobs(100, 8, 3, 1), val = blobs(50, 8, 3, 2);
    tn::Model<Small> model{tn::seed{3}};
    std::ostringstream progress;
    tn::fit(model, tn::SGD{.lr = 0.1}, train, {.epochs = 2, .batch = 16, .validation = val, .progress = &progress});
    const std::regex line(R"(epoch [12]/2  loss \d\.\d{4}  acc [01]\.\d{4}  val_loss \d\.\d{4}  val_acc [01]\.\d{4}  lr 0\.1  \d+\.\d s  \d+ samples/s)");
    std::istringstream lines(progress.str());
    std::string l;
    std::size_t count = 0;
    while (std::getline(lines, l)) {
        INFO(l);
        CHECK(std::regex_match(l, line));
        ++count;
    }
    CHECK(count == 2);
}

TEST_CASE("fit is reproducible from its seeds", "[train]") {
    const auto train = blobs(200, 8, 3, 1);
    auto run = [&](std::uint64_t shuffle) {
        tn::Model<Small> m{tn::seed{7}};
        tn::fit(m, tn::SGD{.lr = 0.05}, train, {.epochs = 2, .batch = 10, .shuffle = tn::seed{shuffle}, .progress = nullptr});
        return std::vector<float>(m.parameters().begin(), m.parameters().end());
    };
    CHECK(run(1) == run(1));
    CHECK(run(1) != run(2));
}

TEST_CASE("fit stops with a clear error when the loss stops being finite", "[train]") {
    const auto train = blobs(200, 8, 3, 1);
    tn::Model<Small> model{tn::seed{3}};
    CHECK_THROWS_WITH(tn::fit(model, tn::SGD{.lr = 1e30}, train, {.epochs = 3, .batch = 20, .progress = nullptr}),
                      Catch::Matchers::StartsWith("fit: the loss is nan at epoch 1, batch 2: layer ") &&
                          Catch::Matchers::EndsWith("so the layer overflows (large inputs or weights are the usual cause)"));
}

TEST_CASE("fit and evaluate reject data that does not fit the network", "[train]") {
    tn::Model<Small> model{tn::seed{3}};
    const auto wide = blobs(20, 9, 3, 1);
    CHECK_THROWS_WITH(tn::fit(model, tn::SGD{}, wide, {.progress = nullptr}),
                      "fit: expected samples of width 8, found 9");
    CHECK_THROWS_WITH(tn::evaluate(model, wide), "evaluate: expected samples of width 8, found 9");
    auto many = blobs(20, 8, 3, 1);
    many.classes = 4;
    CHECK_THROWS_WITH(tn::evaluate(model, many),
                      "evaluate: expected at most 3 classes (the network's output width), found 4");
    auto bad_label = blobs(20, 8, 3, 1);
    bad_label.labels[5] = 3;
    CHECK_THROWS_WITH(tn::evaluate(model, bad_label), "evaluate: label 3 of sample 5 is not below the class count 3");
    const auto ok = blobs(20, 8, 3, 1);
    CHECK_THROWS_WITH(tn::fit(model, tn::SGD{}, ok, {.batch = 0, .progress = nullptr}),
                      "fit: expected a batch size of at least 1, found 0");
    tn::data::Dataset<float> empty;
    empty.width = 8;
    empty.classes = 3;
    CHECK_THROWS_WITH(tn::evaluate(model, empty), "evaluate: expected at least one sample, found none");
}

TEST_CASE("fit trains a regression network on target rows", "[train]") {
    using Reg = tn::Network<tn::Input<2>, tn::Dense<2, 16>, tn::Tanh, tn::Dense<16, 1, tn::Xavier>, tn::MeanSquaredError>;
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
    const double before = tn::evaluate(model, d).loss;
    tn::fit(model, tn::SGD{.lr = 0.2}, d, {.epochs = 200, .batch = 16, .progress = nullptr});
    const tn::evaluation after = tn::evaluate(model, d);
    CHECK(std::isnan(after.accuracy));
    CHECK(after.loss < before / 10);
}

TEST_CASE("an MLP reaches 80% test accuracy on Fashion-MNIST in two epochs", "[train][fashion-mnist]") {
    using Mlp = tn::Network<tn::Input<784>, tn::Dense<784, 100, tn::He>, tn::ReLU, tn::Dense<100, 10, tn::Xavier>,
                            tn::SoftmaxCrossEntropy>;
    const auto train = tn::data::fashion_mnist::train();
    tn::Model<Mlp> model{tn::seed{42}};
    tn::fit(model, tn::SGD{.lr = 0.1}, train, {.epochs = 2, .batch = 64, .progress = nullptr});
    const tn::evaluation test = tn::evaluate(model, tn::data::fashion_mnist::test());
    INFO("test accuracy " << test.accuracy);
    CHECK(test.accuracy > 0.80);
}

TEST_CASE("the network typenet is named for reaches 0.86 test accuracy on Fashion-MNIST", "[train][fashion-mnist][long]") {
    struct Mlp : tn::Network<tn::Input<784>, tn::Dense<784, 100, tn::He>, tn::BatchNorm, tn::ReLU, tn::Dropout<0.5>,
                             tn::Dense<100, 10, tn::Xavier>, tn::SoftmaxCrossEntropy> {};
    auto [train, val] = tn::data::split(tn::data::fashion_mnist::train(), 0.9, tn::seed{1});
    tn::Model<Mlp> model{tn::seed{42}};
    const tn::history h =
        tn::fit(model, tn::SGD{.lr = 0.1}, train, {.epochs = 10, .batch = 64, .validation = val, .progress = nullptr});
    const tn::evaluation test = tn::evaluate(model, tn::data::fashion_mnist::test());
    CAPTURE(h.epochs.back().validation_accuracy, test.accuracy);
    REQUIRE(test.accuracy >= 0.86);
}

} // namespace fit_test
