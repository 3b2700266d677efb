// The targets a loss declares (core/loss.hpp), as Model checks them: labels, values, or either;
// the labels a single sigmoid output takes (0 and 1); target values within a declared range.
// Each mistake throws typenet::error naming what was expected and what was found.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include <typenet/core/error.hpp>
#include <typenet/core/model.hpp>
#include <typenet/core/network.hpp>
#include <typenet/layers/dense.hpp>
#include <typenet/layers/input.hpp>
#include <typenet/layers/losses.hpp>

namespace loss_targets_test {

namespace {

using namespace typenet;

} // namespace

TEST_CASE("a single sigmoid output takes the labels 0 and 1, a wider one its column indices",
          "[core][model][errors]") {
    const std::vector<float> x(3 * 4, 0.5f);
    Model<Network<Input<4>, Dense<4, 1>, SigmoidCrossEntropy>> binary;
    const std::vector<std::uint32_t> ok{0, 1, 1}, two{0, 2, 1};
    REQUIRE_NOTHROW(binary.loss(x, {.labels = ok}));
    REQUIRE_THROWS_MATCHES(binary.loss(x, {.labels = two}), error,
                           Catch::Message("model: expected labels below 2, found 2 at row 1"));
    Model<Network<Input<4>, Dense<4, 3>, SigmoidCrossEntropy>> one_vs_rest;
    REQUIRE_NOTHROW(one_vs_rest.loss(x, {.labels = two}));
    const std::vector<std::uint32_t> three{3, 0, 0};
    REQUIRE_THROWS_MATCHES(one_vs_rest.loss(x, {.labels = three}), error,
                           Catch::Message("model: expected labels below 3, found 3 at row 0"));
    // The hinge takes labels only, below its width.
    Model<Network<Input<4>, Dense<4, 3>, MulticlassHinge>> svm;
    REQUIRE_THROWS_MATCHES(svm.loss(x, {.labels = three}), error,
                           Catch::Message("model: expected labels below 3, found 3 at row 0"));
    const std::vector<float> y(3 * 3, 0.f);
    REQUIRE_THROWS_MATCHES(svm.loss(x, {.values = y}), error,
                           Catch::Message("model: the loss needs class labels, found none"));
}

TEST_CASE("SigmoidCrossEntropy's target values must lie in [0, 1]", "[core][model][errors]") {
    const std::vector<float> x(2 * 4, 0.5f);
    Model<Network<Input<4>, Dense<4, 3>, SigmoidCrossEntropy>> model;
    std::vector<float> y{0, 1, 0.5f, 0.25f, 0.75f, 1};
    REQUIRE_NOTHROW(model.compute_gradients(x, {.values = y}));
    y[4] = 1.5f;
    REQUIRE_THROWS_MATCHES(model.compute_gradients(x, {.values = y}), error,
                           Catch::Message("model: expected target values in [0, 1], found 1.5 at row 1, column 1"));
    y[4] = -0.25f;
    REQUIRE_THROWS_MATCHES(model.loss(x, {.values = y}), error,
                           Catch::Message("model: expected target values in [0, 1], found -0.25 at row 1, column 1"));
    y[4] = std::numeric_limits<float>::quiet_NaN();
    REQUIRE_THROWS_MATCHES(model.loss(x, {.values = y}), error,
                           Catch::Message("model: expected target values in [0, 1], found nan at row 1, column 1"));
    // Neither labels nor values.
    REQUIRE_THROWS_MATCHES(model.loss(x, {}), error,
                           Catch::Message("model: the loss needs class labels or target values, found neither"));
    // With labels, the values are not read (and so not checked).
    const std::vector<std::uint32_t> labels{0, 2};
    REQUIRE_NOTHROW(model.loss(x, {labels, y}));
}

TEST_CASE("the regression losses need target values, of any size", "[core][model][errors]") {
    const std::vector<float> x(4, 0.5f);
    const std::uint32_t label = 0;
    const std::vector<float> y{-1e6f, 1e6f};
    Model<Network<Input<4>, Dense<4, 2>, MeanAbsoluteError>> l1;
    REQUIRE_THROWS_MATCHES(l1.loss(x, {.labels = {&label, 1}}), error,
                           Catch::Message("model: the loss needs target values, found none"));
    REQUIRE(std::isfinite(l1.loss(x, {.values = y})));
    Model<Network<Input<4>, Dense<4, 2>, Huber<>>> huber;
    REQUIRE_THROWS_MATCHES(huber.loss(x, {.labels = {&label, 1}}), error,
                           Catch::Message("model: the loss needs target values, found none"));
    REQUIRE(std::isfinite(huber.loss(x, {.values = y})));
}

} // namespace loss_targets_test
