#pragma once
// Element-wise activations. Each is described once, on a scalar or SIMD vector V, and runs
// fused into the kernel of the layer before it. backward(x, y, dy) returns dL/dx given
// the input x, the output y = forward(x) and dL/dy. Each is PyTorch's layer of the same name
// (nn.ReLU, nn.Sigmoid, nn.Tanh, nn.LeakyReLU, nn.ELU, nn.Identity), with the same derivative
// at a kink. User-written ones: Activation<expr> (layers/expression.hpp).

#include <cstddef>
#include <string_view>

#include <typenet/core/layer.hpp>
#include <typenet/core/real.hpp>
#include <typenet/kernels/elementwise.hpp>
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

// max(0, x) + alpha min(0, x) (PyTorch's nn.LeakyReLU, negative_slope = alpha); its derivative
// at 0 is taken as alpha, as PyTorch does.
template <real Alpha = 0.01>
struct LeakyReLU : detail::elementwise_layer {
    static constexpr std::string_view name = "leaky_relu";
    static constexpr double alpha = Alpha.value;

    template <class V>
    static V forward(const V& x) noexcept {
        return simd::select_positive(x, x, simd::constant<V>(alpha) * x);
    }
    template <class V>
    static V backward(const V& x, const V&, const V& dy) noexcept {
        return simd::select_positive(x, dy, simd::constant<V>(alpha) * dy);
    }
};

// x for x > 0, alpha (exp(x) - 1) otherwise (PyTorch's nn.ELU); derivative 1, or y + alpha
// = alpha exp(x), which is alpha at 0, as in PyTorch. exp(x) - 1 is computed as expm1(x),
// exact near 0.
template <real Alpha = 1.0>
struct ELU : detail::elementwise_layer {
    static constexpr std::string_view name = "elu";
    static constexpr double alpha = Alpha.value;

    template <class V>
    static V forward(const V& x) noexcept {
        return simd::select_positive(x, x, simd::constant<V>(alpha) * simd::expm1(x));
    }
    template <class V>
    static V backward(const V& x, const V& y, const V& dy) noexcept {
        return simd::select_positive(x, dy, dy * (y + simd::constant<V>(alpha)));
    }
};

// x (PyTorch's nn.Identity): a placeholder layer, e.g. where a configuration leaves a slot empty.
struct Identity : detail::elementwise_layer {
    static constexpr std::string_view name = "identity";
    template <class V>
    static V forward(const V& x) noexcept {
        return x;
    }
    template <class V>
    static V backward(const V&, const V&, const V& dy) noexcept {
        return dy;
    }
};

} // namespace typenet
