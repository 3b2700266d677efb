// The gradients of the layers with state, modes, learned element-wise parameters, width changes
// and randomness, inside whole networks, against centred differences of the training-mode loss
// (typenet::gradient_check, in double): alone, fused into a dense layer's kernel, fused into a
// normalisation's kernel, and in a stage of their own right after Input.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <typenet/typenet.hpp>

#include "../support/test_values.hpp"

namespace layer_gradients_test {

namespace {

using namespace typenet;

constexpr double max_error = 1e-6;
constexpr gradient_check_options options{.step = 3e-5};

template <class Net>
struct batch {
    static constexpr std::size_t rows = 5;
    std::vector<double> x = typenet::test::uniform_values(rows * Net::input_width, 17, -2, 2);
    std::vector<std::uint32_t> labels;
    std::vector<double> values = typenet::test::uniform_values(rows * Net::output_width, 18);
    batch() {
        for (std::size_t r = 0; r < rows; ++r) labels.push_back(static_cast<std::uint32_t>((3 * r + 1) % Net::output_width));
    }
    batch_targets<double> t() const { return {labels, values}; }
};

template <class Net>
void require_gradients(std::uint64_t model_seed, std::uint64_t steps_before = 0) {
    Model<Net, double> model{seed{model_seed}};
    const batch<Net> b;
    // A few steps first, so that dropout's masks and running statistics are not at step 0.
    for (std::uint64_t i = 0; i < steps_before; ++i) model.compute_gradients(b.x, b.t());
    const auto r = gradient_check(model, b.x, b.t(), options);
    REQUIRE(r.checked == Net::parameter_count);
    CAPTURE(model_seed, r.max_relative_error, r.worst_index, r.analytic, r.numeric);
    REQUIRE(r.max_relative_error < max_error);
}

} // namespace

TEST_CASE("BatchNorm's gradients: fused after Dense, first after Input, with an epilogue", "[layers][batch_norm]") {
    require_gradients<Network<Input<6>, Dense<6, 8>, BatchNorm, Tanh, Dense<8, 3>, SoftmaxCrossEntropy>>(1);
    require_gradients<Network<Input<6>, BatchNorm, Dense<6, 4>, MeanSquaredError>>(2);
    require_gradients<Network<Input<6>, Dense<6, 5>, BatchNorm, Dense<5, 3>, MeanSquaredError>>(3, 2);
}

TEST_CASE("LayerNorm's and GroupNorm's gradients", "[layers][group_norm]") {
    require_gradients<Network<Input<6>, Dense<6, 8>, LayerNorm, Sigmoid, Dense<8, 3>, SoftmaxCrossEntropy>>(4);
    require_gradients<Network<Input<6>, Dense<6, 12>, GroupNorm<3>, Tanh, Dense<12, 3>, MeanSquaredError>>(5);
    require_gradients<Network<Input<8>, GroupNorm<2>, Dense<8, 3>, MeanSquaredError>>(6);
}

TEST_CASE("PReLU's gradients, slopes included: in a dense epilogue and after Input", "[layers][prelu]") {
    require_gradients<Network<Input<6>, Dense<6, 9>, PReLU, Dense<9, 3>, SoftmaxCrossEntropy>>(7);
    require_gradients<Network<Input<6>, PReLU, Dense<6, 3>, MeanSquaredError>>(8);
    require_gradients<Network<Input<6>, Dense<6, 7>, LayerNorm, PReLU, Dense<7, 2>, MeanSquaredError>>(9);
}

TEST_CASE("Maxout's gradients go to the maximum of each group", "[layers][maxout]") {
    require_gradients<Network<Input<6>, Dense<6, 12>, Maxout<3>, Dense<4, 3>, SoftmaxCrossEntropy>>(10);
    require_gradients<Network<Input<6>, Dense<6, 8>, Maxout<2>, Tanh, Dense<4, 3>, MeanSquaredError>>(11);
}

TEST_CASE("Softmax as a layer back-propagates", "[layers][softmax]") {
    require_gradients<Network<Input<6>, Dense<6, 4>, Softmax, MeanSquaredError>>(12);
}

TEST_CASE("Dropout's gradients with the mask on, the same in every evaluation", "[layers][dropout]") {
    require_gradients<Network<Input<6>, Dense<6, 9>, Tanh, Dropout<0.3>, Dense<9, 3>, SoftmaxCrossEntropy>>(13, 3);
    require_gradients<Network<Input<6>, Dropout<0.5>, Dense<6, 3>, MeanSquaredError>>(14, 1);
    require_gradients<Network<Input<6>, Dense<6, 8>, BatchNorm, Sigmoid, Dropout<0.5>, Dense<8, 3>,
                              SoftmaxCrossEntropy>>(15, 2);
}

} // namespace layer_gradients_test
