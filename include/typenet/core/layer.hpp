#pragma once
// The layer contract (docs/layer_contract.md): what a layer type declares so that Network can
// infer shapes, lay out tensors, check the list and plan fused stages without knowing it.
//
// Every layer declares `static constexpr layer_kind kind` and `output_shape(shape)`. Then, by
// kind:
//   input        nothing more.
//   kernel       a layer that runs a kernel of its own (Dense, BatchNorm in training,
//                LayerNorm, Maxout, Softmax): `template <class T, class Self, class Epilogue,
//                shape In, mode M> struct stage`. The element-wise layers after it join that
//                kernel as its epilogue (forward) and prologue (backward).
//   elementwise  `forward`/`backward` over one scalar or SIMD vector, either pure
//                (`forward(x)`, `backward(x, y, dy)`) or with a context (`forward(ctx, x)`,
//                `backward(ctx, x, y, dy)`) that gives the row and column, the layer's own
//                parameters, gradients and state, and a counter-based random key.
//   loss         `evaluate<T, Width>(...)` and `predict<T, Width>(...)`; it must be last.
// Optional members:
//   `inference_kind`         the kind in inference passes, when it differs (BatchNorm is an
//                            element-wise affine map there);
//   `required_input`         the input size it insists on (0 or absent: any);
//   `tensors(shape in)`      std::array<tensor_spec, N>: its parameters and state;
//   `initialize(params, state, rng&)`  their initial values;
//   `name`                   its type's name in tensor names ("dense" -> "dense_1.weight");
//   `template <std::size_t Position, shape In> using mistake`: void, or an incomplete
//                            diagnostic type naming what is wrong with it at that position;
//   `min_training_rows`      the smallest batch a training pass accepts (2 for batch
//                            statistics).

#include <array>
#include <concepts>
#include <cstddef>
#include <string_view>
#include <type_traits>

#include <typenet/core/mode.hpp>
#include <typenet/core/shape.hpp>
#include <typenet/core/tensor.hpp>

namespace typenet {

enum class layer_kind { input, kernel, elementwise, loss };

template <class L>
concept Layer = requires {
    { L::kind } -> std::convertible_to<layer_kind>;
    { L::output_shape(shape{}) } -> std::same_as<shape>;
};

template <class L>
concept IsInput = Layer<L> && L::kind == layer_kind::input;

template <class L>
concept IsLoss = Layer<L> && L::kind == layer_kind::loss;

template <class L>
concept IsElementwise = Layer<L> && L::kind == layer_kind::elementwise;

template <class L>
concept IsKernel = Layer<L> && L::kind == layer_kind::kernel;

namespace detail {

template <class L, mode M>
constexpr layer_kind kind_in() {
    if constexpr (!Layer<L>) return layer_kind::elementwise;
    else if constexpr (M == mode::inference && requires { L::inference_kind; }) return L::inference_kind;
    else return L::kind;
}

template <class L>
constexpr std::size_t required_input() {
    if constexpr (requires { L::required_input; }) return L::required_input;
    else return 0;
}

template <class L>
constexpr std::size_t min_training_rows_of() {
    if constexpr (requires { L::min_training_rows; }) return L::min_training_rows;
    else return 1;
}

template <class L>
constexpr std::string_view layer_name() {
    if constexpr (requires { L::name; }) return L::name;
    else return "layer";
}

template <class L, shape In>
constexpr auto tensors_of() {
    if constexpr (requires { L::tensors(In); }) return L::tensors(In);
    else return std::array<tensor_spec, 0>{};
}

// Values in the parameter buffer (Trained) or the state buffer (!Trained).
template <class L, shape In, bool Trained>
constexpr std::size_t tensor_values() {
    std::size_t n = 0;
    for (const tensor_spec& t : tensors_of<L, In>())
        if (is_trained(t.role) == Trained) n += t.size();
    return n;
}

template <class L, std::size_t Position, shape In>
struct mistake_of {
    using type = void;
};
template <class L, std::size_t Position, shape In>
    requires requires { typename L::template mistake<Position, In>; }
struct mistake_of<L, Position, In> {
    using type = typename L::template mistake<Position, In>;
};

} // namespace detail

} // namespace typenet
