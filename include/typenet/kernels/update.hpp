#pragma once
// Optimiser updates over the whole parameter buffer at once: the layout is one contiguous
// array, so an update is one vector loop whatever the network.

#include <cstddef>

#include <typenet/kernels/elementwise.hpp>

namespace typenet::kernels {

// p -= lr * g
template <class T>
inline void sgd_update(T* p, const T* g, std::size_t n, T lr) {
    for_each_vector<T>(n, [&]<class V>(std::size_t i) {
        simd::store(p + i, simd::fmadd(simd::broadcast<V>(-lr), simd::load<V>(g + i), simd::load<V>(p + i)));
    });
}

} // namespace typenet::kernels
