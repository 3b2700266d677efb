#pragma once
// Element-wise activations. Each is described once, on a scalar or SIMD vector V, and runs
// fused into the kernel of the layer before it. backward(x, y, dy) returns dL/dx given
// the input x, the output y = forward(x) and dL/dy.

#include <cstddef>
#include <string_view>

#include <typenet/core/layer.hpp>
#include <typenet/kernels/simd.hpp>

namespace typenet {

namespace detail {
// What every element-wise activation shares: the kind and an unchanged shape.
struct elementwise_layer {
    static constexpr layer_kind kind = layer_kind::elementwise;
    static constexpr shape output_shape(shape in) noexcept { return in; }
};
} // namespace detail

// max(x, 0); its derivative at the kink x = 0 is taken as 0.
struct ReLU : detail::elementwise_layer {
    static constexpr std::string_view name = "relu";
    template <class V>
    static V forward(const V& x) noexcept {
        // A select, not max: GCC 12 warns about _mm512_max_ps's undefined pass-through operand.
        return simd::select_positive(x, x, V(0));
    }
    template <class V>
    static V backward(const V& x, const V&, const V& dy) noexcept {
        return simd::select_positive(x, dy, V(0));
    }
};

// 1 / (1 + exp(-x)); derivative y (1 - y).
struct Sigmoid : detail::elementwise_layer {
    static constexpr std::string_view name = "sigmoid";
    template <class V>
    static V forward(const V& x) noexcept {
        return V(1) / (V(1) + simd::exp(-x));
    }
    template <class V>
    static V backward(const V&, const V& y, const V& dy) noexcept {
        return dy * y * (V(1) - y);
    }
};

// tanh(x); derivative 1 - y^2.
struct Tanh : detail::elementwise_layer {
    static constexpr std::string_view name = "tanh";
    template <class V>
    static V forward(const V& x) noexcept {
        return simd::tanh(x);
    }
    template <class V>
    static V backward(const V&, const V& y, const V& dy) noexcept {
        return dy * (V(1) - y * y);
    }
};

} // namespace typenet
