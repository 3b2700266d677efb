#pragma once
// Compile-time diagnostics for structural mistakes in a Network. Each mistake names an
// incomplete class template whose arguments spell out the position (counting from 1, Input
// being 1), the layers and the sizes, so the compiler's first error line says what is wrong,
// e.g. "invalid use of incomplete type 'struct typenet::input_width_mismatch<
// typenet::at_layer<4>, typenet::Dense<50, 10>, typenet::expects<50>, typenet::got<100>,
// typenet::from_layer<3, typenet::ReLU> >'". Only the first mistake is reported. A layer's
// own rules (a group count that must divide the width...) name their diagnostics in the
// layer's header, with the holders below.

#include <cstddef>

namespace typenet {

template <std::size_t Position>
struct at_layer {};
template <std::size_t Width>
struct expects {};
template <std::size_t Width>
struct got {};
template <std::size_t Width>
struct width {};
template <std::size_t Position, class Layer>
struct from_layer {};
template <std::size_t Position, class Layer>
struct followed_by {};

// Layer at `Position` takes `expects` values per sample, but the layer before it gives `got`.
template <class Position, class Layer, class Expected, class Got, class Previous>
struct input_width_mismatch;

// A loss layer must be the last layer of the network.
template <class Position, class Loss, class Next>
struct loss_must_be_last_layer;

// The first layer of a network must be Input<N>.
template <class Position, class Layer>
struct network_must_start_with_Input;

// Input<N> may appear only as the first layer.
template <class Position, class Layer>
struct Input_must_be_first_layer_only;

// A type in the list is not a layer (it lacks `kind` or `output_shape`).
template <class Position, class Type>
struct not_a_layer;

// A layer's sizes (e.g. Dense<0, 10>) must be positive.
template <class Position, class Layer>
struct sizes_must_be_positive;

} // namespace typenet
