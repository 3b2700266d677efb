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

namespace {

using namespace typenet;
using Classifier = Network<Input<4>, Dense<4, 5>, ReLU, Dense<5, 3>, SoftmaxCrossEntropy>;
using Regressor = Network<Input<4>, Dense<4, 2>, MeanSquaredError>;

} // namespace

TEST_CASE("a label out of range is reported with its row", "[core][model][errors]") {
    Model<Classifier> model;
    const std::vector<float> x(3 * 4, 0.5f);
    const std::vector<std::uint32_t> labels{0, 2, 3};
    const targets<float> t{labels.data(), nullptr};
    REQUIRE_THROWS_MATCHES(model.loss(x.data(), 3, t), error,
                           Catch::Message("model: expected labels below 3, found 3 at row 2"));
    REQUIRE_THROWS_MATCHES(model.compute_gradients(x.data(), 3, t), error,
                           Catch::Message("model: expected labels below 3, found 3 at row 2"));
    const std::vector<std::uint32_t> huge{4000000000u};
    REQUIRE_THROWS_MATCHES(model.loss(x.data(), 1, {huge.data(), nullptr}), error,
                           Catch::Message("model: expected labels below 3, found 4000000000 at row 0"));
    // Only the rows of the batch are read: a bad label past them does not count.
    REQUIRE_NOTHROW(model.loss(x.data(), 2, t));
}

TEST_CASE("a failed check leaves the parameters and gradients untouched", "[core][model][errors]") {
    Model<Classifier> model{seed{1}};
    const std::vector<float> x(2 * 4, 0.5f);
    const std::vector<std::uint32_t> good{0, 1}, bad{0, 7};
    model.compute_gradients(x.data(), 2, {good.data(), nullptr});
    const std::vector<float> params(model.parameters().begin(), model.parameters().end());
    const std::vector<float> grads(model.gradients().begin(), model.gradients().end());
    REQUIRE_THROWS_AS(model.compute_gradients(x.data(), 2, {bad.data(), nullptr}), error);
    REQUIRE(std::vector<float>(model.parameters().begin(), model.parameters().end()) == params);
    REQUIRE(std::vector<float>(model.gradients().begin(), model.gradients().end()) == grads);
}

TEST_CASE("missing targets are reported", "[core][model][errors]") {
    const std::vector<float> x(4, 0.5f);
    Model<Classifier> classifier;
    REQUIRE_THROWS_MATCHES(classifier.loss(x.data(), 1, {}), error,
                           Catch::Message("model: the loss needs class labels, found none"));
    Model<Regressor> regressor;
    const std::uint32_t label = 0;
    REQUIRE_THROWS_MATCHES(regressor.compute_gradients(x.data(), 1, {&label, nullptr}), error,
                           Catch::Message("model: the loss needs target values, found none"));
}

TEST_CASE("predict(span) needs a whole number of rows", "[core][model][errors]") {
    Model<Classifier> model;
    const std::vector<float> x(7, 0.5f);
    REQUIRE_THROWS_MATCHES(model.predict(std::span<const float>(x)), error,
                           Catch::Message("model: expected a multiple of the input width 4 values, found 7"));
    REQUIRE_THROWS_MATCHES(model.predict(std::span<const float>(x).first(5)), error,
                           Catch::Message("model: expected a multiple of the input width 4 values, found 5"));
    REQUIRE(model.predict(std::span<const float>(x).first(4)).size() == 3);
}

TEST_CASE("a batch of zero rows is reported", "[core][model][errors]") {
    Model<Classifier> model;
    const std::vector<float> x(4, 0.5f);
    const std::uint32_t label = 0;
    const char* message = "model: expected a batch of at least 1 row, found 0";
    REQUIRE_THROWS_MATCHES(model.predict(x.data(), 0), error, Catch::Message(message));
    REQUIRE_THROWS_MATCHES(model.predict(std::span<const float>()), error, Catch::Message(message));
    REQUIRE_THROWS_MATCHES(model.loss(x.data(), 0, {&label, nullptr}), error, Catch::Message(message));
    REQUIRE_THROWS_MATCHES(model.compute_gradients(x.data(), 0, {&label, nullptr}), error, Catch::Message(message));
    // The model still works afterwards.
    REQUIRE(model.predict(x.data(), 1).size() == 3);
}

TEST_CASE("typenet::error is a std::runtime_error", "[core][errors]") {
    Model<Classifier> model;
    const std::vector<float> x(4, 0.5f);
    REQUIRE_THROWS_AS(model.predict(x.data(), 0), std::runtime_error);
}
