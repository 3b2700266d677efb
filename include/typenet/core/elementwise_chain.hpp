#pragma once
// A run of element-wise layers applied to one scalar or SIMD vector at a time: the fused
// epilogue of a dense stage (forward) and its prologue (backward). The backward pass
// recomputes the chain's intermediate values from the stage's pre-activation in registers
// instead of storing one buffer per layer.

namespace typenet {

template <class... Layers>
struct elementwise_chain;

template <>
struct elementwise_chain<> {
    static constexpr bool empty = true;
    template <class V>
    static V forward(const V& x) noexcept {
        return x;
    }
    template <class V>
    static V backward(const V&, const V& dy) noexcept {
        return dy;
    }
};

template <class First, class... Rest>
struct elementwise_chain<First, Rest...> {
    static constexpr bool empty = false;
    template <class V>
    static V forward(const V& x) noexcept {
        return elementwise_chain<Rest...>::forward(First::forward(x));
    }
    // x is the chain's input, dy the gradient of its output; returns the gradient of x.
    template <class V>
    static V backward(const V& x, const V& dy) noexcept {
        const V y = First::forward(x);
        return First::backward(x, y, elementwise_chain<Rest...>::backward(y, dy));
    }
};

} // namespace typenet
