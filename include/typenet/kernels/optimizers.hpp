#pragma once
// The optimisers' updates: each is one fused pass that reads the parameters, the gradients
// and the optimiser's state once and writes the parameters and the state once. The update is
// memory-bound, so one pass is what it costs; the per-step scalars (bias corrections, decay
// factors) are computed by the caller once per step, never per element.

#include <cstddef>

#include <typenet/kernels/elementwise.hpp>

namespace typenet::kernels {

// v = mu v - lr g;  p += v
template <class T>
inline void momentum_update(T* p, const T* g, T* v, std::size_t n, T lr, T mu) {
    for_each_vector<T>(n, [&]<class V>(std::size_t i) {
        const V nv = simd::fmadd(simd::broadcast<V>(mu), simd::load<V>(v + i), simd::broadcast<V>(-lr) * simd::load<V>(g + i));
        simd::store(v + i, nv);
        simd::store(p + i, simd::load<V>(p + i) + nv);
    });
}

// v = mu v - lr g;  p += mu v - lr g  (Nesterov's look-ahead, written on the current point)
template <class T>
inline void nesterov_update(T* p, const T* g, T* v, std::size_t n, T lr, T mu) {
    for_each_vector<T>(n, [&]<class V>(std::size_t i) {
        const V step = simd::broadcast<V>(-lr) * simd::load<V>(g + i);
        const V nv = simd::fmadd(simd::broadcast<V>(mu), simd::load<V>(v + i), step);
        simd::store(v + i, nv);
        simd::store(p + i, simd::load<V>(p + i) + simd::fmadd(simd::broadcast<V>(mu), nv, step));
    });
}

// h = rho h + c g^2;  p -= lr g / (sqrt(h) + eps). AdaGrad is rho = 1, c = 1 (a running sum);
// RMSProp is rho = decay, c = 1 - decay (a moving average).
template <class T>
inline void scaled_rate_update(T* p, const T* g, T* h, std::size_t n, T lr, T rho, T c, T eps) {
    for_each_vector<T>(n, [&]<class V>(std::size_t i) {
        const V gi = simd::load<V>(g + i);
        const V nh = simd::fmadd(simd::broadcast<V>(rho), simd::load<V>(h + i), simd::broadcast<V>(c) * (gi * gi));
        simd::store(h + i, nh);
        simd::store(p + i, simd::load<V>(p + i) - simd::broadcast<V>(lr) * gi / (simd::sqrt(nh) + simd::broadcast<V>(eps)));
    });
}

// The step's scalars of Adam: a = lr / (1 - beta1^t), s = 1 / sqrt(1 - beta2^t) (the bias
// corrections folded in), and decay = 1 - lr * weight_decay (AdamW's decoupled decay; 1 for Adam).
template <class T>
struct adam_scalars {
    T beta1, beta2, a, s, eps, decay;
};

// m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  p = decay p - a m / (s sqrt(v) + eps)
template <class T>
inline void adam_update(T* p, const T* g, T* m, T* v, std::size_t n, const adam_scalars<T>& k) {
    for_each_vector<T>(n, [&]<class V>(std::size_t i) {
        const V gi = simd::load<V>(g + i);
        const V nm = simd::fmadd(simd::broadcast<V>(k.beta1), simd::load<V>(m + i), simd::broadcast<V>(T(1) - k.beta1) * gi);
        const V nv = simd::fmadd(simd::broadcast<V>(k.beta2), simd::load<V>(v + i), simd::broadcast<V>(T(1) - k.beta2) * (gi * gi));
        simd::store(m + i, nm);
        simd::store(v + i, nv);
        const V denom = simd::fmadd(simd::broadcast<V>(k.s), simd::sqrt(nv), simd::broadcast<V>(k.eps));
        simd::store(p + i, simd::broadcast<V>(k.decay) * simd::load<V>(p + i) - simd::broadcast<V>(k.a) * nm / denom);
    });
}

} // namespace typenet::kernels
