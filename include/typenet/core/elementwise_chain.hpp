#pragma once
// A run of element-wise layers applied to one scalar or SIMD vector at a time: the fused
// epilogue of a kernel stage (forward) and its prologue (backward). The backward pass
// recomputes the chain's intermediate values from the stage's pre-activation in registers
// instead of storing one buffer per layer; a dropout mask is regenerated from its key.

#include <array>
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

// What one layer of a chain reads from its place in the network during one pass: its tensors
// and its random key for the step. The chain's layers get them once per pass, in an array that
// does not depend on where in the network the layers sit.
template <class T>
struct layer_binding {
    const T* params = nullptr;
    T* grads = nullptr;
    const T* state = nullptr;
    std::uint64_t key = 0;
};

template <class T, std::size_t N>
using chain_binding = std::array<layer_binding<T>, N>;

// Slots are detail::layer_slot<Layer, Position, ParamOffset, ParamCount, StateOffset, Width>.
// The chain's functions take a pointer to its layers' bindings (bind(c).data()).
template <mode M, class... Slots>
struct elementwise_chain;

template <mode M>
struct elementwise_chain<M> {
    static constexpr bool empty = true;
    static constexpr bool has_parameters = false;
    template <class T>
    static constexpr bool positional = false;

    template <class T>
    static chain_binding<T, 0> bind(const run_context<T>&) noexcept {
        return {};
    }
    template <class T, class V>
    static V forward(const layer_binding<T>*, std::size_t, std::size_t, const V& x) noexcept {
        return x;
    }
    template <class T, class V>
    static V backward(const layer_binding<T>*, std::size_t, std::size_t, const V&, const V& dy) noexcept {
        return dy;
    }
    template <class T>
    static void zero_gradients(const layer_binding<T>*) noexcept {}
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

    // The layers' tensors and random keys for this pass, computed once per pass.
    template <class T>
    static chain_binding<T, 1 + sizeof...(Rest)> bind(const run_context<T>& c) noexcept {
        return {layer_binding<T>{First::params(c), First::grads(c), First::state(c), First::key(c)},
                layer_binding<T>{Rest::params(c), Rest::grads(c), Rest::state(c), Rest::key(c)}...};
    }

    template <class T, class V>
    static V forward(const layer_binding<T>* b, std::size_t row, std::size_t col, const V& x) noexcept {
        return rest::forward(b + 1, row, col, apply(b, row, col, x));
    }
    // x is the chain's input, dy the gradient of its output; returns the gradient of x.
    template <class T, class V>
    static V backward(const layer_binding<T>* b, std::size_t row, std::size_t col, const V& x, const V& dy) noexcept {
        const V y = apply(b, row, col, x);
        const V g = rest::backward(b + 1, row, col, y, dy);
        if constexpr (detail::contextual<L, T, M>)
            return L::backward(context(b, row, col), x, y, g);
        else
            return L::backward(x, y, g);
    }
    // Parameter gradients of element-wise layers are sums over rows: zeroed before a backward pass.
    template <class T>
    static void zero_gradients(const layer_binding<T>* b) noexcept {
        if constexpr (First::parameter_count > 0)
            for (std::size_t i = 0; i < First::parameter_count; ++i) b->grads[i] = T(0);
        rest::zero_gradients(b + 1);
    }

private:
    template <class T>
    static pointwise_context<T, M> context(const layer_binding<T>* b, std::size_t row, std::size_t col) noexcept {
        return {b->params, b->grads, b->state, b->key, row, col, First::width};
    }
    template <class T, class V>
    static V apply(const layer_binding<T>* b, std::size_t row, std::size_t col, const V& x) noexcept {
        if constexpr (detail::contextual<L, T, M>) return L::forward(context(b, row, col), x);
        else return L::forward(x);
    }
};

namespace detail {

// A slot without its position and offsets: the chain's arithmetic reads those only through the
// bindings, so every chain of the same layers, widths and mode has one type, wherever it sits
// in whichever network, and so has every kernel the chain is fused into. A chain in which no
// layer takes a context computes the same in training and inference: its mode is training.
template <class Slot>
using position_free_slot = layer_slot<typename Slot::layer, 0, 0, Slot::parameter_count, 0, Slot::width>;

template <class T, class Chain>
struct position_free_chain_of;
template <class T, mode M, class... Slots>
struct position_free_chain_of<T, elementwise_chain<M, Slots...>> {
    static constexpr bool any_contextual = (contextual<typename Slots::layer, T, M> || ...);
    using type = elementwise_chain<any_contextual ? M : mode::training, position_free_slot<Slots>...>;
};

} // namespace detail

// Chain's arithmetic in the fewest distinct types (see position_free_slot); bind it with Chain.
template <class T, class Chain>
using position_free_chain = typename detail::position_free_chain_of<T, Chain>::type;

} // namespace typenet
