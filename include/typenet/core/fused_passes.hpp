#pragma once
// The loops that run an element-wise chain over a batch: forward (out = chain(in)) and backward
// (dx = chain'(x) * dy), and the stage of element-wise layers that have no kernel before them
// to fuse into. A chain that needs positions (dropout, per-unit parameters) walks rows and then
// columns without overlap, so that per-column gradient sums count every element once; a pure
// chain walks the batch as one flat array.

#include <cstddef>

#include <typenet/core/context.hpp>
#include <typenet/core/elementwise_chain.hpp>
#include <typenet/kernels/elementwise.hpp>
#include <typenet/kernels/simd.hpp>

namespace typenet::detail {

template <class T, class Chain, std::size_t Width>
void chain_forward(const run_context<T>& c, const T* in, T* out, std::size_t rows) noexcept {
    const auto bound = Chain::bind(c);
    const layer_binding<T>* layers = bound.data();
    if constexpr (Chain::template positional<T>) {
        for (std::size_t r = 0; r < rows; ++r) {
            const T* a = in + r * Width;
            T* b = out + r * Width;
            kernels::for_each_vector<T>(Width, [&]<class V>(std::size_t j) {
                simd::store(b + j, Chain::forward(layers, r, j, simd::load<V>(a + j)));
            });
        }
    } else {
        kernels::map(in, out, rows * Width, [&]<class V>(const V& v) { return Chain::forward(layers, 0, 0, v); });
    }
}

// dx may be dy. Accumulates the chain's parameter gradients (after zeroing them).
template <class T, class Chain, std::size_t Width>
void chain_backward(const run_context<T>& c, const T* x, const T* dy, T* dx, std::size_t rows) noexcept {
    const auto bound = Chain::bind(c);
    const layer_binding<T>* layers = bound.data();
    Chain::zero_gradients(layers);
    if constexpr (Chain::template positional<T>) {
        for (std::size_t r = 0; r < rows; ++r) {
            const std::size_t o = r * Width;
            kernels::for_each_vector<T>(Width, [&]<class V>(std::size_t j) {
                simd::store(dx + o + j, Chain::backward(layers, r, j, simd::load<V>(x + o + j), simd::load<V>(dy + o + j)));
            });
        }
    } else {
        kernels::map_gradient(x, dy, dx, rows * Width,
                              [&]<class V>(const V& v, const V& g) { return Chain::backward(layers, 0, 0, v, g); });
    }
}

// Element-wise layers right after Input (or any run with no kernel before it): a stage of
// their own. The backward pass recomputes from the stage's input, so nothing is stored.
template <class T, class Chain, std::size_t Width>
struct elementwise_stage {
    static constexpr std::size_t width = Width;
    static constexpr bool stores_pre = false;

    static void forward(const run_context<T>& c, const T* x, std::size_t rows, T*, T* out, T*, T*) noexcept {
        chain_forward<T, Chain, Width>(c, x, out, rows);
    }
    static void backward(const run_context<T>& c, const T* x, std::size_t rows, const T*, T* d, T* dx, T*, T*) noexcept {
        if (dx) chain_backward<T, Chain, Width>(c, x, d, dx, rows);
        else if constexpr (Chain::has_parameters) chain_backward<T, Chain, Width>(c, x, d, d, rows);
    }
};

} // namespace typenet::detail
