#pragma once
// Optimiser updates over the whole parameter buffer at once: the layout is one contiguous
// array, so an update is one vector loop whatever the network. Large buffers are split over
// typenet's threads in fixed chunks (each element's update is independent, so the result does
// not depend on the split).

#include <algorithm>
#include <cstddef>

#include <typenet/core/threads.hpp>
#include <typenet/kernels/elementwise.hpp>

namespace typenet::kernels {

namespace detail {
// Elements per task of a split update: 256 KiB of floats, a multiple of every vector width.
inline constexpr std::size_t update_chunk = 64 * 1024;
} // namespace detail

// p -= lr * g
template <class T>
inline void sgd_update(T* p, const T* g, std::size_t n, T lr) {
    const auto update = [&](std::size_t begin, std::size_t end) {
        T* pp = p + begin;
        const T* gg = g + begin;
        for_each_vector<T>(end - begin, [&]<class V>(std::size_t i) {
            simd::store(pp + i, simd::fmadd(simd::broadcast<V>(-lr), simd::load<V>(gg + i), simd::load<V>(pp + i)));
        });
    };
    constexpr std::size_t chunk = detail::update_chunk;
    if (n < 2 * chunk || thread_count() <= 1) {
        update(0, n);
        return;
    }
    typenet::detail::parallel_for((n + chunk - 1) / chunk,
                                  [&](std::size_t t) { update(t * chunk, std::min(n, (t + 1) * chunk)); });
}

// A store for gemm<T, Cols> that applies p -= lr * v to a Cols-wide parameter matrix instead of
// storing the gradient v: the SGD update fused into the weight-gradient product, the same
// fused multiply-add as sgd_update, so the parameters get the same bits. gemm stores a last
// vector that overlaps its neighbour (Cols not a multiple of the vector) after or before the
// neighbour, in the same thread: only its lanes past the neighbour are updated, so that no
// parameter takes the step twice.
template <class T, std::size_t Cols>
struct sgd_store {
    T* p;
    T lr;
    sgd_store(T* params, T rate) noexcept : p(params), lr(rate) {}

    template <class V>
    void operator()(std::size_t row, std::size_t col, const V& v) const noexcept {
        T* at = p + row * Cols + col;
        constexpr std::size_t L = simd::lanes<V>;
        if constexpr (Cols % L != 0) {
            if (col % L != 0) {
                alignas(64) T g[L];
                simd::store(g, v);
                for (std::size_t i = L - Cols % L; i < L; ++i) at[i] = simd::fmadd(-lr, g[i], at[i]);
                return;
            }
        }
        simd::store(at, simd::fmadd(simd::broadcast<V>(-lr), v, simd::load<V>(at)));
    }
};

} // namespace typenet::kernels
