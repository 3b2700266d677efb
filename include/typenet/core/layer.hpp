#pragma once
// The layer contract (docs/layer_contract.md): what a layer type declares so that Network can
// infer shapes, lay out parameters and plan fused stages without knowing the layer.
//
// Every layer declares `static constexpr layer_kind kind`. Then, by kind:
//   input        `output_shape(shape)` ignoring its argument.
//   dense        `inputs`, `outputs`, `parameter_count(shape)`, `output_shape(shape)`, and
//                `template <class T, class Epilogue> struct stage` (its fused kernel).
//   elementwise  `output_shape(shape)`, `parameter_count(shape)` (0 for fixed functions), and
//                `forward(V x)` / `backward(V x, V y, V dy)` over a scalar or SIMD vector V:
//                it joins the preceding dense layer's stage as epilogue/prologue.
//   loss         `output_shape(shape)`, and `evaluate<T, Width>(...)` (see layers/losses.hpp).
// A layer whose input size is fixed declares `required_input` (0 means: any).

#include <concepts>
#include <cstddef>

#include <typenet/core/shape.hpp>

namespace typenet {

enum class layer_kind { input, dense, elementwise, loss };

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
concept IsDense = Layer<L> && L::kind == layer_kind::dense;

namespace detail {
template <class L>
constexpr std::size_t required_input() {
    if constexpr (requires { L::required_input; }) return L::required_input;
    else return 0;
}
template <class L>
constexpr std::size_t parameter_count(shape in) {
    if constexpr (requires { L::parameter_count(in); }) return L::parameter_count(in);
    else return 0;
}
} // namespace detail

} // namespace typenet
