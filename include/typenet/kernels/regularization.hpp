#pragma once
// Regularisation over parameter and gradient buffers: a penalty's gradient added to the
// gradients with its value in the same pass, and gradient clipping. Sums are kept in double.

#include <cstddef>

#include <typenet/kernels/elementwise.hpp>

namespace typenet::kernels {

// g += c w and returns sum(w^2) (an L2 penalty's gradient and value in one pass).
template <class T>
inline double add_l2_gradient(const T* w, T* g, std::size_t n, T c) {
    double sum = 0;
    for_each_vector<T>(n, [&]<class V>(std::size_t i) {
        const V wi = simd::load<V>(w + i);
        simd::store(g + i, simd::fmadd(simd::broadcast<V>(c), wi, simd::load<V>(g + i)));
        sum += static_cast<double>(simd::reduce_add(wi * wi));
    });
    return sum;
}

// g += c sign(w) (0 at w = 0) and returns sum(|w|).
template <class T>
inline double add_l1_gradient(const T* w, T* g, std::size_t n, T c) {
    double sum = 0;
    for_each_vector<T>(n, [&]<class V>(std::size_t i) {
        const V wi = simd::load<V>(w + i);
        const V zero = simd::broadcast<V>(T(0));
        const V sign = simd::select(wi > zero, simd::broadcast<V>(c), simd::select(wi < zero, simd::broadcast<V>(-c), zero));
        simd::store(g + i, simd::load<V>(g + i) + sign);
        sum += static_cast<double>(simd::reduce_add(simd::abs(wi)));
    });
    return sum;
}

// sum(g^2)
template <class T>
inline double sum_of_squares(const T* g, std::size_t n) {
    double sum = 0;
    for_each_vector<T>(n, [&]<class V>(std::size_t i) {
        const V gi = simd::load<V>(g + i);
        sum += static_cast<double>(simd::reduce_add(gi * gi));
    });
    return sum;
}

// g = min(max(g, -c), c)
template <class T>
inline void clip_values(T* g, std::size_t n, T c) {
    for_each_vector<T>(n, [&]<class V>(std::size_t i) {
        simd::store(g + i, simd::min(simd::max(simd::load<V>(g + i), simd::broadcast<V>(-c)), simd::broadcast<V>(c)));
    });
}

// g *= c
template <class T>
inline void scale(T* g, std::size_t n, T c) {
    for_each_vector<T>(n, [&]<class V>(std::size_t i) { simd::store(g + i, simd::load<V>(g + i) * simd::broadcast<V>(c)); });
}

} // namespace typenet::kernels
