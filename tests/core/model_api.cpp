// Model's entry points as a user calls them: predict and logits on a const model, results that
// the next call does not overwrite, and summary()'s table.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <typenet/typenet.hpp>

#include "../support/test_values.hpp"

namespace model_api_test {

namespace {
namespace tn = typenet;
using Net = tn::Network<tn::Input<4>, tn::Dense<4, 6>, tn::BatchNorm, tn::ReLU, tn::Dense<6, 3>, tn::SoftmaxCrossEntropy>;
} // namespace

TEST_CASE("predict on a const model returns results the next call leaves alone", "[core][model]") {
    const tn::Model<Net, double> model{tn::seed{3}};
    const auto a = typenet::test::uniform_values(2 * 4, 1), b = typenet::test::uniform_values(5 * 4, 2);
    const std::vector<double> pa = model.predict(a);
    const std::vector<double> copy = pa;
    const std::vector<double> pb = model.predict(b);
    REQUIRE(pb.size() == 15);
    REQUIRE(pa == copy);
    REQUIRE(model.predict(a) == pa);
}

TEST_CASE("logits are what softmax turns into the predictions", "[core][model]") {
    const tn::Model<Net, double> model{tn::seed{4}};
    const auto x = typenet::test::uniform_values(3 * 4, 5);
    const auto z = model.logits(x);
    const auto p = model.predict(x);
    REQUIRE(z.size() == 9);
    for (std::size_t r = 0; r < 3; ++r) {
        double sum = 0;
        for (std::size_t j = 0; j < 3; ++j) sum += std::exp(z[r * 3 + j]);
        for (std::size_t j = 0; j < 3; ++j) REQUIRE(p[r * 3 + j] == Approx(std::exp(z[r * 3 + j]) / sum).epsilon(1e-14));
    }
    // Without a loss, logits and predictions are the same outputs.
    const tn::Model<tn::Network<tn::Input<4>, tn::Dense<4, 2>>, double> plain{tn::seed{1}};
    REQUIRE(plain.logits(x) == plain.predict(x));
}

TEST_CASE("summary() prints position, layer, output shape and parameters", "[core][model]") {
    const std::string want =
        "  #  layer                    output shape      parameters     state\n"
        "--------------------------------------------------------------------\n"
        "  0  input                    4                          0         0\n"
        "  1  dense_1                  6                         30         0\n"
        "  2  batch_norm_1             6                         12        12\n"
        "  3  relu_1                   6                          0         0\n"
        "  4  dense_2                  3                         21         0\n"
        "  5  softmax_cross_entropy_1  3                          0         0\n"
        "--------------------------------------------------------------------\n"
        "trained parameters: 63, state values (not trained): 12\n";
    CAPTURE(tn::Model<Net>::summary());
    REQUIRE(tn::Model<Net>::summary() == want);
    // The figures are compile-time facts: 4 x 6 + 6, 2 x 6, 6 x 3 + 3.
    static_assert(tn::Model<Net>::layers[1].parameters == 30 && tn::Model<Net>::layers[2].state == 12);
    static_assert(tn::Model<Net>::layers[4].parameters == 21 && tn::Model<Net>::layers[4].output.size() == 3);
}

TEST_CASE("the epoch count is kept by copies and reset by initialize", "[core][model]") {
    tn::Model<Net> model;
    model.set_epoch_count(7);
    const tn::Model<Net> copy = model;
    REQUIRE(copy.epoch_count() == 7);
    model.initialize(tn::seed{2});
    REQUIRE(model.epoch_count() == 0);
}

} // namespace model_api_test
