#pragma once
// A run of element-wise layers applied to one scalar or SIMD vector at a time: the fused
// epilogue of a kernel stage (forward) and its prologue (backward). The backward pass
// recomputes the chain's intermediate values from the stage's pre-activation in registers
// instead of storing one buffer per layer; a dropout mask is regenerated from its key.

#include <cstddef>
#include <cstdint>

#include <typenet/core/context.hpp>
#include <typenet/core/mode.hpp>

namespace typenet {

namespace detail {

// Whether an element-wise layer wants a context (row, column, its tensors, a random key).
template <class L, class T, mode M>
concept contextual = requires(const pointwise_context<T, M>& c, T v) { L::forward(c, v); };

} // namespace detail

// Slots are detail::layer_slot<Layer, Position, ParamOffset, ParamCount, StateOffset, Width>.
template <mode M, class... Slots>
struct elementwise_chain;

template <mode M>
struct elementwise_chain<M> {
    static constexpr bool empty = true;
    static constexpr bool has_parameters = false;
    template <class T>
    static constexpr bool positional = false;

    template <class T>
    struct keys {
        explicit keys(const run_context<T>&) noexcept {}
    };
    template <class T, class V>
    static V forward(const run_context<T>&, const keys<T>&, std::size_t, std::size_t, const V& x) noexcept {
        return x;
    }
    template <class T, class V>
    static V backward(const run_context<T>&, const keys<T>&, std::size_t, std::size_t, const V&, const V& dy) noexcept {
        return dy;
    }
    template <class T>
    static void zero_gradients(const run_context<T>&) noexcept {}
};

template <mode M, class First, class... Rest>
struct elementwise_chain<M, First, Rest...> {
    using L = typename First::layer;
    using rest = elementwise_chain<M, Rest...>;
    static constexpr bool empty = false;
    static constexpr bool has_parameters = First::parameter_count > 0 || rest::has_parameters;
    // Whether any layer needs the element's position: then the stage walks rows and columns.
    template <class T>
    static constexpr bool positional = detail::contextual<L, T, M> || rest::template positional<T>;

    // The random keys of the chain's layers for this step, computed once per pass.
    template <class T>
    struct keys {
        std::uint64_t key;
        typename rest::template keys<T> next;
        explicit keys(const run_context<T>& c) noexcept : key(First::key(c)), next(c) {}
    };

    template <class T, class V>
    static V forward(const run_context<T>& c, const keys<T>& k, std::size_t row, std::size_t col, const V& x) noexcept {
        return rest::forward(c, k.next, row, col, apply(c, k, row, col, x));
    }
    // x is the chain's input, dy the gradient of its output; returns the gradient of x.
    template <class T, class V>
    static V backward(const run_context<T>& c, const keys<T>& k, std::size_t row, std::size_t col, const V& x,
                      const V& dy) noexcept {
        const V y = apply(c, k, row, col, x);
        const V g = rest::backward(c, k.next, row, col, y, dy);
        if constexpr (detail::contextual<L, T, M>)
            return L::backward(First::template at<M>(c, k.key, row, col), x, y, g);
        else
            return L::backward(x, y, g);
    }
    // Parameter gradients of element-wise layers are sums over rows: zeroed before a backward pass.
    template <class T>
    static void zero_gradients(const run_context<T>& c) noexcept {
        if constexpr (First::parameter_count > 0) {
            T* g = First::grads(c);
            for (std::size_t i = 0; i < First::parameter_count; ++i) g[i] = T(0);
        }
        rest::zero_gradients(c);
    }

private:
    template <class T, class V>
    static V apply(const run_context<T>& c, const keys<T>& k, std::size_t row, std::size_t col, const V& x) noexcept {
        if constexpr (detail::contextual<L, T, M>) return L::forward(First::template at<M>(c, k.key, row, col), x);
        else return L::forward(x);
    }
};

} // namespace typenet
