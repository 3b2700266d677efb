// Each product is compiled once per width and chain of layer types, not once per layer: the
// chains fused into two Dense layers at different places, or into one layer in training and in
// inference, reduce to one position-free type, unless a layer of the chain needs its place
// (dropout's random key) or its mode.

#include <cstddef>
#include <type_traits>

#include <typenet/core/elementwise_chain.hpp>
#include <typenet/core/model.hpp>
#include <typenet/layers/activations.hpp>
#include <typenet/layers/dense.hpp>
#include <typenet/layers/dropout.hpp>
#include <typenet/layers/input.hpp>
#include <typenet/layers/losses.hpp>

namespace {

using namespace typenet;

template <class Net, mode M, std::size_t S>
using chain_at = typename detail::stage_traits<Net, M, S>::chain;
template <class Net, mode M, std::size_t S>
using free_chain_at = position_free_chain<float, chain_at<Net, M, S>>;

using Deep = Network<Input<8>, Dense<8, 8>, ReLU, Dense<8, 8>, ReLU, Dense<8, 8>, ReLU, Dense<8, 2>,
                     SoftmaxCrossEntropy>;
// The chains as the network places them differ by position...
static_assert(!std::is_same_v<chain_at<Deep, mode::training, 0>, chain_at<Deep, mode::training, 1>>);
// ...and their position-free types do not, across places and modes.
static_assert(std::is_same_v<free_chain_at<Deep, mode::training, 0>, free_chain_at<Deep, mode::training, 2>>);
static_assert(std::is_same_v<free_chain_at<Deep, mode::training, 0>, free_chain_at<Deep, mode::inference, 1>>);
// A bare Dense (an empty chain) has one type in both modes.
static_assert(std::is_same_v<free_chain_at<Deep, mode::training, 3>, free_chain_at<Deep, mode::inference, 3>>);

// Dropout draws its mask in training only: its chains share a type across places, not modes.
using Dropped = Network<Input<8>, Dense<8, 8>, ReLU, Dropout<0.5>, Dense<8, 8>, ReLU, Dropout<0.5>, Dense<8, 2>,
                        SoftmaxCrossEntropy>;
static_assert(!std::is_same_v<chain_at<Dropped, mode::training, 0>, chain_at<Dropped, mode::training, 1>>);
static_assert(std::is_same_v<free_chain_at<Dropped, mode::training, 0>, free_chain_at<Dropped, mode::training, 1>>);
static_assert(!std::is_same_v<free_chain_at<Dropped, mode::training, 0>, free_chain_at<Dropped, mode::inference, 0>>);

// A different width is a different product.
using Widths = Network<Input<8>, Dense<8, 8>, ReLU, Dense<8, 16>, ReLU, Dense<16, 2>, SoftmaxCrossEntropy>;
static_assert(!std::is_same_v<free_chain_at<Widths, mode::training, 0>, free_chain_at<Widths, mode::training, 1>>);

} // namespace
