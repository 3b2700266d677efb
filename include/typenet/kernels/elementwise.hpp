#pragma once
// Element-wise passes over a contiguous array: whole vectors, then the remainder with the
// widest narrower vector that fits, then scalars. The operation is a generic callable that
// takes a vector or a scalar of the same spelling, so layers describe it once.

#include <cstddef>

#include <typenet/kernels/simd.hpp>

namespace typenet::kernels {

// f(offset, V-tag) for every position; each call covers lanes<V> consecutive elements.
template <class T, class F>
inline void for_each_vector(std::size_t n, F&& f) {
    using V = simd::vec<T>;
    constexpr std::size_t L = simd::lanes<V>;
    // Bounds computed up front: loops that continue from one another's index make GCC warn
    // about an overflow that cannot happen once enough is inlined.
    const std::size_t whole = n / L * L;
    for (std::size_t i = 0; i < whole; i += L) f.template operator()<V>(i);
    std::size_t rest = whole;
    if constexpr (L > 1) {
        using H = simd::vec_at_most<T, L / 2>;
        constexpr std::size_t LH = simd::lanes<H>;
        if constexpr (LH > 1) {
            const std::size_t half_end = whole + (n - whole) / LH * LH;
            for (std::size_t i = whole; i < half_end; i += LH) f.template operator()<H>(i);
            rest = half_end;
        }
    }
    for (std::size_t i = rest; i < n; ++i) f.template operator()<T>(i);
}

// y[i] = op(x[i])
template <class T, class Op>
inline void map(const T* x, T* y, std::size_t n, Op op) {
    for_each_vector<T>(n, [&]<class V>(std::size_t i) { simd::store(y + i, op(simd::load<V>(x + i))); });
}

// dx[i] = op(x[i], dy[i]): back-propagation through an element-wise function. dx may be dy.
template <class T, class Op>
inline void map_gradient(const T* x, const T* dy, T* dx, std::size_t n, Op op) {
    for_each_vector<T>(n, [&]<class V>(std::size_t i) {
        simd::store(dx + i, op(simd::load<V>(x + i), simd::load<V>(dy + i)));
    });
}

// d[i] = op(x[i], d[i]), in place.
template <class T, class Op>
inline void map_gradient(const T* x, T* d, std::size_t n, Op op) {
    map_gradient(x, d, d, n, op);
}

} // namespace typenet::kernels
