// Shapes, parameter counts and the parameter layout of networks, checked at compile time.

#include <cstddef>
#include <type_traits>

#include <typenet/core/model.hpp>
#include <typenet/core/network.hpp>
#include <typenet/layers/activations.hpp>
#include <typenet/layers/dense.hpp>
#include <typenet/layers/input.hpp>
#include <typenet/layers/losses.hpp>

namespace {

using namespace typenet;

// --- a multilayer perceptron -------------------------------------------------------------
using Mlp = Network<Input<784>, Dense<784, 100>, ReLU, Dense<100, 10>, SoftmaxCrossEntropy>;

static_assert(Mlp::layer_count == 5);
static_assert(Mlp::input_width == 784);
static_assert(Mlp::output_width == 10);
static_assert(Mlp::input_shape == flat(784));
static_assert(Mlp::output_shape == flat(10));
static_assert(Mlp::parameter_count == 784 * 100 + 100 + 100 * 10 + 10);
static_assert(Mlp::parameter_counts[0] == 0);
static_assert(Mlp::parameter_counts[1] == 78500);
static_assert(Mlp::parameter_counts[2] == 0);
static_assert(Mlp::parameter_counts[3] == 1010);
static_assert(Mlp::parameter_counts[4] == 0);
static_assert(Mlp::parameter_offsets[0] == 0);
static_assert(Mlp::parameter_offsets[1] == 0);
static_assert(Mlp::parameter_offsets[2] == 78500);
static_assert(Mlp::parameter_offsets[3] == 78500);
static_assert(Mlp::parameter_offsets[4] == 79510);
static_assert(Mlp::input_shapes[1] == flat(784));
static_assert(Mlp::input_shapes[2] == flat(100));
static_assert(Mlp::output_shapes[2] == flat(100));
static_assert(Mlp::input_shapes[4] == flat(10));
static_assert(Mlp::has_loss);

// A model repeats its network's sizes; float is the default precision.
static_assert(Model<Mlp>::parameter_count == Mlp::parameter_count);
static_assert(Model<Mlp>::input_width == 784 && Model<Mlp>::output_width == 10);
static_assert(std::is_same_v<Model<Mlp>::value_type, float>);
static_assert(std::is_same_v<Model<Mlp, double>::value_type, double>);
static_assert(std::is_same_v<Model<Mlp>::network, Mlp>);

// --- an image input flattened by the first dense layer ----------------------------------
using Image = Network<Input<1, 28, 28>, Dense<784, 10>>;
static_assert(Image::input_shape == shape{1, 28, 28});
static_assert(Image::input_shape.size() == 784);
static_assert(Image::input_width == 784);
static_assert(Image::input_shapes[1] == shape{1, 28, 28});
static_assert(Image::output_shape == flat(10));
static_assert(Image::output_width == 10);
static_assert(Image::parameter_count == 7850);
static_assert(!Image::has_loss);

using Rgb = Network<Input<3, 4, 5>, Tanh, Dense<60, 2>, MeanSquaredError>;
static_assert(Rgb::output_shapes[1] == shape{3, 4, 5});  // an element-wise layer keeps the shape
static_assert(Rgb::input_width == 60);
static_assert(Rgb::parameter_count == 122);

// --- no loss; a network of Input alone --------------------------------------------------
using NoLoss = Network<Input<5>, Dense<5, 7>, Sigmoid, Dense<7, 3>>;
static_assert(!NoLoss::has_loss);
static_assert(NoLoss::output_width == 3);
static_assert(NoLoss::parameter_count == 5 * 7 + 7 + 7 * 3 + 3);
static_assert(NoLoss::parameter_offsets[3] == 42);

using OnlyInput = Network<Input<4>>;
static_assert(OnlyInput::layer_count == 1);
static_assert(OnlyInput::input_width == 4 && OnlyInput::output_width == 4);
static_assert(OnlyInput::parameter_count == 0);
static_assert(OnlyInput::stage_count == 0);

// --- losses keep the width; widths with tails --------------------------------------------
using Tails = Network<Input<17>, Dense<17, 33>, Tanh, Sigmoid, Dense<33, 3>, MeanSquaredError>;
static_assert(Tails::output_width == 3);
static_assert(Tails::output_shapes[5] == Tails::output_shapes[4]);
static_assert(Tails::parameter_count == 17 * 33 + 33 + 33 * 3 + 3);
static_assert(Tails::parameter_offsets[4] == 17 * 33 + 33);
static_assert(Tails::parameter_offsets[5] == Tails::parameter_count);

// The layer accessor gives back the listed types.
static_assert(std::is_same_v<Tails::layer<0>, Input<17>>);
static_assert(std::is_same_v<Tails::layer<2>, Tanh>);
static_assert(std::is_same_v<Tails::layer<5>, MeanSquaredError>);

// A dense layer's own facts.
static_assert(Dense<3, 4>::inputs == 3 && Dense<3, 4>::outputs == 4);
static_assert(Dense<3, 4>::weight_count == 12);
static_assert(detail::tensor_values<Dense<3, 4>, flat(3), true>() == 16);
static_assert(Dense<3, 4>::required_input == 3);
static_assert(std::is_same_v<Dense<3, 4>::initializer, He>);

} // namespace
