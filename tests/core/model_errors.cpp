// Model's run-time checks: each mistake throws typenet::error with a message that names what
// was expected and what was found.

#include <catch2/catch.hpp>

#include <cstdint>
#include <span>
#include <vector>

#include <typenet/core/error.hpp>
#include <typenet/core/model.hpp>
#include <typenet/core/network.hpp>
#include <typenet/layers/activations.hpp>
#include <typenet/layers/dense.hpp>
#include <typenet/layers/input.hpp>
#include <typenet/layers/losses.hpp>

namespace model_errors_test {

namespace {

using namespace typenet;
using Classifier = Network<Input<4>, Dense<4, 5>, ReLU, Dense<5, 3>, SoftmaxCrossEntropy>;
using Regressor = Network<Input<4>, Dense<4, 2>, MeanSquaredError>;

} // namespace

TEST_CASE("a label out of range is reported with its row", "[core][model][errors]") {
    Model<Classifier> model;
    const std::vector<float> x(3 * 4, 0.5f);
    const std::vector<std::uint32_t> labels{0, 2, 3};
    const batch_targets<float> t{.labels = labels};
    REQUIRE_THROWS_MATCHES(model.loss(x, t), error, Catch::Message("model: expected labels below 3, found 3 at row 2"));
    REQUIRE_THROWS_MATCHES(model.compute_gradients(x, t), error,
                           Catch::Message("model: expected labels below 3, found 3 at row 2"));
    const std::vector<std::uint32_t> huge{4000000000u};
    REQUIRE_THROWS_MATCHES(model.loss(std::span(x).first(4), {.labels = huge}), error,
                           Catch::Message("model: expected labels below 3, found 4000000000 at row 0"));
}

TEST_CASE("targets are checked against the rows of the batch", "[core][model][errors]") {
    Model<Classifier> model;
    const std::vector<float> x(3 * 4, 0.5f);
    const std::vector<std::uint32_t> two{0, 1}, four{0, 1, 2, 0};
    REQUIRE_THROWS_MATCHES(model.loss(x, {.labels = two}), error,
                           Catch::Message("model: expected 3 labels (one per row), found 2"));
    REQUIRE_THROWS_MATCHES(model.compute_gradients(x, {.labels = four}), error,
                           Catch::Message("model: expected 3 labels (one per row), found 4"));
    Model<Regressor> regressor;
    const std::vector<float> short_y(5, 0.f), long_y(7, 0.f), y(6, 0.f);
    REQUIRE_THROWS_MATCHES(regressor.loss(x, {.values = short_y}), error,
                           Catch::Message("model: expected 6 target values (3 rows x 2), found 5"));
    REQUIRE_THROWS_MATCHES(regressor.compute_gradients(x, {.values = long_y}), error,
                           Catch::Message("model: expected 6 target values (3 rows x 2), found 7"));
    REQUIRE(regressor.step_count() == 0);  // the failed step did not count
    REQUIRE_NOTHROW(regressor.compute_gradients(x, {.values = y}));
    REQUIRE(regressor.step_count() == 1);
}

TEST_CASE("a failed check leaves the parameters and gradients untouched", "[core][model][errors]") {
    Model<Classifier> model{seed{1}};
    const std::vector<float> x(2 * 4, 0.5f);
    const std::vector<std::uint32_t> good{0, 1}, bad{0, 7};
    model.compute_gradients(x, {.labels = good});
    const std::vector<float> params(model.parameters().begin(), model.parameters().end());
    const std::vector<float> grads(model.gradients().begin(), model.gradients().end());
    REQUIRE_THROWS_AS(model.compute_gradients(x, {.labels = bad}), error);
    REQUIRE(std::vector<float>(model.parameters().begin(), model.parameters().end()) == params);
    REQUIRE(std::vector<float>(model.gradients().begin(), model.gradients().end()) == grads);
}

TEST_CASE("missing targets are reported", "[core][model][errors]") {
    const std::vector<float> x(4, 0.5f);
    Model<Classifier> classifier;
    REQUIRE_THROWS_MATCHES(classifier.loss(x, {}), error, Catch::Message("model: the loss needs class labels, found none"));
    Model<Regressor> regressor;
    const std::uint32_t label = 0;
    REQUIRE_THROWS_MATCHES(regressor.compute_gradients(x, {.labels = {&label, 1}}), error,
                           Catch::Message("model: the loss needs target values, found none"));
}

TEST_CASE("samples must be whole rows of the input width", "[core][model][errors]") {
    Model<Classifier> model;
    const std::vector<float> x(7, 0.5f);
    const std::vector<std::uint32_t> labels{0};
    const char* seven = "model: expected rows of 4 values (the input width), found 7 values, which is 1 rows and 3 values over";
    REQUIRE_THROWS_MATCHES(model.predict(x), error, Catch::Message(seven));
    REQUIRE_THROWS_MATCHES(model.logits(x), error, Catch::Message(seven));
    REQUIRE_THROWS_MATCHES(model.loss(x, {.labels = labels}), error, Catch::Message(seven));
    REQUIRE_THROWS_MATCHES(model.compute_gradients(x, {.labels = labels}), error, Catch::Message(seven));
    REQUIRE_THROWS_MATCHES(model.layer_outputs(x), error, Catch::Message(seven));
    REQUIRE_THROWS_MATCHES(model.predict(std::span(x).first(5)), error,
                           Catch::Message("model: expected rows of 4 values (the input width), found 5 values, which "
                                          "is 1 rows and 1 values over"));
    REQUIRE(model.predict(std::span(x).first(4)).size() == 3);
}

TEST_CASE("predict_into needs an output of rows x output width", "[core][model][errors]") {
    Model<Classifier> model;
    const std::vector<float> x(2 * 4, 0.5f);
    std::vector<float> out(5);
    REQUIRE_THROWS_MATCHES(model.predict_into(x, std::span(out)), error,
                           Catch::Message("model: expected an output span of 6 values (2 rows x 3), found 5"));
    out.resize(7);
    REQUIRE_THROWS_MATCHES(model.logits_into(x, std::span(out)), error,
                           Catch::Message("model: expected an output span of 6 values (2 rows x 3), found 7"));
    out.resize(6);
    model.predict_into(x, std::span(out));
    REQUIRE(out == model.predict(x));
}

TEST_CASE("a batch of zero rows is reported", "[core][model][errors]") {
    Model<Classifier> model;
    const std::vector<float> x(4, 0.5f);
    const char* message = "model: expected a batch of at least 1 row, found 0";
    const std::span<const float> none;
    REQUIRE_THROWS_MATCHES(model.predict(none), error, Catch::Message(message));
    REQUIRE_THROWS_MATCHES(model.loss(none, {}), error, Catch::Message(message));
    REQUIRE_THROWS_MATCHES(model.compute_gradients(none, {}), error, Catch::Message(message));
    // The model still works afterwards.
    REQUIRE(model.predict(x).size() == 3);
}

TEST_CASE("typenet::error is a std::runtime_error", "[core][errors]") {
    Model<Classifier> model;
    REQUIRE_THROWS_AS(model.predict(std::span<const float>()), std::runtime_error);
}

} // namespace model_errors_test
