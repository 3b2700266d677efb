// A loss or a gradient that stops being finite names its cause: each case is built so that one
// tensor or one sample is the cause, so the expected message is known without running fit: a
// parameter set by hand, a parameter a huge step made infinite, a layer that overflows on the one
// poisonous sample (named by its index in the data, whatever the shuffle), a validation sample
// that overflows, and a gradient that overflows while the loss does not.

#include <typenet/typenet.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "../support/blobs.hpp"

namespace nonfinite_test {

namespace tn = typenet;

namespace {

using Small = tn::Network<tn::Input<8>, tn::Dense<8, 16>, tn::ReLU, tn::Dense<16, 3, tn::Xavier>, tn::SoftmaxCrossEntropy>;
using Line = tn::Network<tn::Input<1>, tn::Dense<1, 1>, tn::MeanSquaredError>;
using Exp = tn::Network<tn::Input<2>, tn::Dense<2, 2>, tn::Activation<tn::expr::exp(tn::expr::x)>, tn::Dense<2, 3>,
                        tn::SoftmaxCrossEntropy>;

constexpr std::size_t poisonous = 13;

// 40 samples of 2 features in [-1, 1]; sample 13 is (1000, 0.5): exp(1000) overflows float.
tn::data::Dataset<float> exp_data() {
    tn::data::Dataset<float> d;
    d.width = 2;
    d.classes = 3;
    for (std::size_t i = 0; i < 40; ++i) {
        d.features.push_back(i == poisonous ? 1000.0f : float(std::sin(double(i))));
        d.features.push_back(i == poisonous ? 0.5f : float(std::cos(double(i))));
        d.labels.push_back(std::uint32_t(i % 3));
    }
    return d;
}

// dense_1 the identity, dense_2 all ones: exp of a finite input is finite except for sample 13.
tn::Model<Exp> exp_model() {
    tn::Model<Exp> m{tn::seed{5}};
    const std::vector<float> identity{1, 0, 0, 1};
    std::copy(identity.begin(), identity.end(), m.tensor("dense_1.weight").begin());
    for (float& w : m.tensor("dense_1.bias")) w = 0;
    for (float& w : m.tensor("dense_2.weight")) w = 1;
    return m;
}

} // namespace

TEST_CASE("a parameter that is not finite when fit begins is named", "[train][nonfinite]") {
    const auto train = tn::test::blobs(40, 8, 3, 1);
    tn::Model<Small> model{tn::seed{3}};
    model.tensor("dense_2.weight")[5] = std::numeric_limits<float>::quiet_NaN();
    CHECK_THROWS_WITH(tn::fit(model, tn::SGD{.lr = 0.1}, train, {.batch = 8, .progress = nullptr}),
                      "fit: the loss is nan at epoch 1, batch 1: the parameter dense_2.weight holds nan at index 5 of "
                      "48, as it did when fit began");
    model.tensor("dense_2.weight")[5] = 0;
    model.tensor("dense_1.bias")[2] = std::numeric_limits<float>::infinity();
    CHECK(tn::first_nonfinite_parameter(model)->tensor == "dense_1.bias");
    CHECK(tn::first_nonfinite_parameter(model)->index == 2);
    CHECK_THROWS_WITH(tn::fit(model, tn::SGD{.lr = 0.1}, train, {.batch = 8, .progress = nullptr}),
                      Catch::Matchers::EndsWith(": the parameter dense_1.bias holds inf at index 2 of 16, as it did "
                                                "when fit began"));
}

TEST_CASE("a parameter a step made infinite is named, with the step as its cause", "[train][nonfinite]") {
    // One sample x = 1e10, y = 0; w = 1, b = 0: the loss (1e10)^2 / 2 is finite, the gradient of
    // w is 1e20 and of b 1e10, so at lr = 1e300 the step sets both to -inf, and the next loss is inf.
    tn::Model<Line, double> model;
    model.tensor("dense_1.weight")[0] = 1;
    model.tensor("dense_1.bias")[0] = 0;
    tn::data::Dataset<double> d;
    d.width = d.target_width = 1;
    d.features = {1e10};
    d.targets = {0};
    CHECK_THROWS_WITH(tn::fit(model, tn::SGD{.lr = 1e300}, d, {.epochs = 2, .batch = 1, .progress = nullptr}),
                      "fit: the loss is inf at epoch 2, batch 1: the parameter dense_1.weight holds -inf at index 0 "
                      "of 1; the previous step made it so (a learning rate too high is the usual cause)");
    CHECK(model.epoch_count() == 1);
}

TEST_CASE("the first layer whose output is not finite is named with the sample's index in the data", "[train][nonfinite]") {
    const auto train = exp_data();
    SECTION("one batch of all the samples, in shuffled order") {
        tn::Model<Exp> model = exp_model();
        CHECK_THROWS_WITH(tn::fit(model, tn::SGD{.lr = 0.1}, train, {.batch = 40, .shuffle = tn::seed{9}, .progress = nullptr}),
                          "fit: the loss is nan at epoch 1, batch 1: layer 2 (activation_1) gives inf for sample 13 of "
                          "the training data; its input from layer 1 (dense_1) and the parameters are finite, so the "
                          "layer overflows (large inputs or weights are the usual cause)");
    }
    SECTION("batches of 8: the batch that holds sample 13 stops fit") {
        // The batch is found independently: the batches before it end, and it holds sample 13.
        for (std::uint64_t s = 1; s <= 3; ++s) {
            tn::Model<Exp> model = exp_model();
            std::size_t finished = 0;
            bool saw_poison = false;
            auto count = tn::on_batch_end([&](auto& c) {
                ++finished;
                for (std::size_t i : c.batch_samples) saw_poison |= i == poisonous;
            });
            CHECK_THROWS_WITH(tn::fit(model, tn::SGD{.lr = 0.1}, train, {.batch = 8, .shuffle = tn::seed{s}, .progress = nullptr},
                                      count),
                              "fit: the loss is nan at epoch 1, batch " + std::to_string(finished + 1) +
                                  ": layer 2 (activation_1) gives inf for sample 13 of the training data; its input "
                                  "from layer 1 (dense_1) and the parameters are finite, so the layer overflows (large "
                                  "inputs or weights are the usual cause)");
            CHECK_FALSE(saw_poison);
        }
    }
}

TEST_CASE("a validation loss or an evaluation that is not finite names the layer and the sample", "[train][nonfinite]") {
    // The training rows are 0, so the output is the bias; validation sample 1 meets a weight of
    // 1e200 and overflows in dense_1.
    tn::Model<Line, double> model;
    model.tensor("dense_1.weight")[0] = 1e200;
    tn::data::Dataset<double> train, val;
    train.width = val.width = 1;
    train.target_width = val.target_width = 1;
    train.features = {0, 0};
    train.targets = {0, 0};
    val.features = {0, 1e200, 0};
    val.targets = {0, 0, 0};
    CHECK_THROWS_WITH(tn::fit(model, tn::SGD{.lr = 0}, train, {.validation = val, .progress = nullptr}),
                      "fit: the validation loss is inf after epoch 1: layer 1 (dense_1) gives inf for sample 1 of the "
                      "validation data; its input (the sample's features) and the parameters are finite, so the layer "
                      "overflows (large inputs or weights are the usual cause)");
    const std::string from_evaluate =
        "evaluate: the loss is inf: layer 1 (dense_1) gives inf for sample 1 of the data; its input (the sample's "
        "features) and the parameters are finite, so the layer overflows (large inputs or weights are the usual cause)";
    CHECK_THROWS_WITH(tn::evaluate(model, val), from_evaluate);
    CHECK_THROWS_WITH(tn::evaluate(model, val, 1), from_evaluate);  // in its own batch: counted from the data's start

    // A parameter that is not finite, found by evaluate, whose origin it cannot know.
    model.tensor("dense_1.bias")[0] = -std::numeric_limits<double>::infinity();
    CHECK_THROWS_WITH(tn::evaluate(model, train),
                      "evaluate: the loss is inf: the parameter dense_1.bias holds -inf at index 0 of 1 (a learning "
                      "rate too high in training is the usual cause)");
}

TEST_CASE("a running statistic that is not finite is named by evaluate", "[train][nonfinite]") {
    using Norm = tn::Network<tn::Input<2>, tn::Dense<2, 3>, tn::BatchNorm, tn::Dense<3, 2>, tn::SoftmaxCrossEntropy>;
    tn::Model<Norm, double> model{tn::seed{2}};
    tn::data::Dataset<double> d;
    d.width = 2;
    d.classes = 2;
    d.features = {0.5, -0.5, 1, 2};
    d.labels = {0, 1};
    model.tensor("batch_norm_1.running_mean")[1] = std::numeric_limits<double>::quiet_NaN();
    CHECK_THROWS_WITH(tn::evaluate(model, d),
                      "evaluate: the loss is nan: the state value batch_norm_1.running_mean holds nan at index 1 of 3 "
                      "(a learning rate too high in training is the usual cause)");
    CHECK(tn::first_nonfinite_state(model)->tensor == "batch_norm_1.running_mean");
}

TEST_CASE("a gradient that overflows while the loss is finite is named, with the sample that gives it", "[train][nonfinite]") {
    // y = w x + b with w = 1e-30: sample 13 has x = 1e30 and target 1e12, so its output is 1 and
    // its loss (1e12)^2 / 2 fits a float, but dL/dw = (1 - 1e12) / 40 x 1e30 does not. The
    // other samples are small, so no other value overflows.
    tn::data::Dataset<float> d;
    d.width = d.target_width = 1;
    for (std::size_t i = 0; i < 40; ++i) {
        d.features.push_back(i == poisonous ? 1e30f : 0.01f * float(i));
        d.targets.push_back(i == poisonous ? 1e12f : 0.0f);
    }
    tn::Model<Line> model;
    model.tensor("dense_1.weight")[0] = 1e-30f;
    model.tensor("dense_1.bias")[0] = 0;
    CHECK_THROWS_WITH(tn::fit(model, tn::SGD{.lr = 0.1}, d, {.batch = 40, .shuffle = tn::seed{4}, .progress = nullptr}),
                      "fit: the loss is finite but a gradient is not at epoch 1, batch 1: the gradient of "
                      "dense_1.weight holds -inf at index 0 of 1; the parameters and every layer's output are finite, "
                      "so the backward pass overflows; sample 13 of the training data alone gives it");
    CHECK(tn::first_nonfinite_gradient(model)->tensor == "dense_1.weight");
    CHECK(model.tensor("dense_1.weight")[0] == 1e-30f);  // no step was taken
}

TEST_CASE("all_finite sees every kind of value that is not finite, at every position", "[train][nonfinite]") {
    for (const double bad : {std::numeric_limits<double>::quiet_NaN(), -std::numeric_limits<double>::quiet_NaN(),
                             std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()})
        for (std::size_t n : {1u, 7u, 16u, 33u})
            for (std::size_t at = 0; at < n; ++at) {
                std::vector<float> f(n, 1.5f);
                std::vector<double> g(n, -2.5);
                CHECK(tn::detail::all_finite(std::span<const float>(f)));
                CHECK(tn::detail::all_finite(std::span<const double>(g)));
                f[at] = float(bad);
                g[at] = bad;
                CHECK_FALSE(tn::detail::all_finite(std::span<const float>(f)));
                CHECK_FALSE(tn::detail::all_finite(std::span<const double>(g)));
            }
    const std::vector<float> extremes{std::numeric_limits<float>::max(), -std::numeric_limits<float>::max(),
                                      std::numeric_limits<float>::denorm_min(), 0.0f, -0.0f};
    CHECK(tn::detail::all_finite(std::span<const float>(extremes)));
}

TEST_CASE("a gradient no single sample explains is named with the batch's samples", "[train][nonfinite]") {
    // The gradient buffer is poked after a finite step, so the cause lies in no row: recomputed
    // alone, every row gives finite gradients. Rows r are samples 100 + r of some data.
    const auto sample_of = [](std::size_t r) { return 100 + r; };
    SECTION("single rows are tried, and none gives it") {
        tn::Model<Small> model{tn::seed{3}};
        const auto d = tn::test::blobs(3, 8, 3, 1);
        const std::span<const float> x(d.features);
        const tn::batch_targets<float> t{.labels = d.labels};
        model.compute_gradients(x, t);
        const tn::tensor_info& bias = Small::tensors[3];
        REQUIRE(bias.full_name() == "dense_2.bias");
        model.gradients()[bias.offset] = std::numeric_limits<float>::quiet_NaN();
        CHECK(tn::detail::diagnose_gradient(model, x, t, sample_of, "the data", tn::detail::nonfinite_origin::previous_step) ==
              "the gradient of dense_2.bias holds nan at index 0 of 3; the parameters and every layer's output are "
              "finite, so the backward pass overflows; no sample of the batch gives it alone (the batch holds samples "
              "100, 101 and 102 of the data)");
    }
    SECTION("a network that normalises over the batch: the batch's samples, the first eight") {
        using Norm = tn::Network<tn::Input<2>, tn::Dense<2, 3>, tn::BatchNorm, tn::Dense<3, 2>, tn::SoftmaxCrossEntropy>;
        tn::Model<Norm, double> model{tn::seed{2}};
        std::vector<double> x;
        std::vector<std::uint32_t> labels;
        for (std::size_t r = 0; r < 10; ++r) {
            x.push_back(std::sin(double(r)));
            x.push_back(std::cos(double(r)));
            labels.push_back(std::uint32_t(r % 2));
        }
        const tn::batch_targets<double> t{.labels = labels};
        model.compute_gradients(x, t);
        model.gradients()[1] = std::numeric_limits<double>::infinity();  // dense_1.weight, index 1
        CHECK(tn::detail::diagnose_gradient(model, std::span<const double>(x), t, sample_of, "the data",
                                            tn::detail::nonfinite_origin::previous_step) ==
              "the gradient of dense_1.weight holds inf at index 1 of 6; the parameters and every layer's output are "
              "finite, so the backward pass overflows; the batch holds samples 100, 101, 102, 103, 104, 105, 106, 107 "
              "and 2 more of the data (a layer normalises over the batch, so single samples are not tried)");
    }
}

} // namespace nonfinite_test
