#pragma once
// PReLU: max(x, 0) + a * min(x, 0) with a learned slope a per unit, initially 0.25, as
// PyTorch's nn.PReLU(num_parameters = width). Its slopes are a tensor "weight" of role
// `slope`; their gradient sums over the batch. It runs inside the kernel of the layer before it.

#include <array>
#include <cstddef>
#include <span>
#include <string_view>

#include <typenet/core/context.hpp>
#include <typenet/core/layer.hpp>
#include <typenet/core/rng.hpp>
#include <typenet/kernels/simd.hpp>

namespace typenet {

struct PReLU {
    static constexpr layer_kind kind = layer_kind::elementwise;
    static constexpr std::string_view name = "prelu";
    static constexpr double initial_slope = 0.25;
    static constexpr shape output_shape(shape in) noexcept { return in; }

    static constexpr std::array<tensor_spec, 1> tensors(shape in) noexcept {
        return {tensor_spec{"weight", tensor_role::slope, {in.size(), 1, 1, 1}, 1}};
    }
    template <class T>
    static void initialize(std::span<T> params, std::span<T>, rng&) {
        for (T& a : params) a = T(initial_slope);
    }

    template <class T, mode M, class V>
    static V forward(const pointwise_context<T, M>& c, const V& x) noexcept {
        return simd::select_positive(x, x, simd::load<V>(c.params + c.col) * x);
    }
    template <class T, mode M, class V>
    static V backward(const pointwise_context<T, M>& c, const V& x, const V&, const V& dy) noexcept {
        if (c.grads) {
            T* g = c.grads + c.col;
            simd::store(g, simd::load<V>(g) + simd::select_positive(x, V(0), x * dy));
        }
        return simd::select_positive(x, dy, simd::load<V>(c.params + c.col) * dy);
    }
};

} // namespace typenet
