#pragma once
// The optimisers' updates: each is one fused pass that reads the parameters, the gradients
// and the optimiser's state once and writes the parameters and the state once. The update is
// memory-bound, so one pass is what it costs; the per-step scalars (bias corrections, decay
// factors) are computed by the caller once per step, never per element.
//
// Each iteration loads all its inputs before its first store: the buffers are page-aligned
// alike, so a load after a store to another buffer at the same offset would wait on a false
// dependency (4K aliasing).

#include <cstddef>
#include <type_traits>

#include <typenet/kernels/elementwise.hpp>

namespace typenet::kernels {

namespace detail {
// 1 / (s sqrt(x) + eps) for x >= 0: the adaptive optimisers' per-element scale. Square root and
// division share one slow unit and would dominate an update that runs from cache (a training
// step of a small network), so AVX-512 float vectors take the 14-bit estimates with one Newton
// step each, within 2^-27 of the exact value (a few units in the last place of float); every
// other case computes it exactly.
template <class V>
inline constexpr bool is_avx512_float = false;
#if XSIMD_WITH_AVX512F
template <class A>
inline constexpr bool is_avx512_float<xsimd::batch<float, A>> = std::is_base_of_v<xsimd::avx512f, A>;
#endif

template <class V>
inline V inverse_root_plus(const V& x, const V& s, const V& eps) noexcept {
#if XSIMD_WITH_AVX512F
    if constexpr (is_avx512_float<V>) {
        const V r0 = V(_mm512_rsqrt14_ps(x));
        const V r = r0 * simd::fmadd(V(-0.5f) * x, r0 * r0, V(1.5f));
        // x r is sqrt(x) except at x = 0, where r is infinite.
        const V root = simd::select(x > V(0.f), x * r, V(0.f));
        const V d = simd::fmadd(s, root, eps);
        const V q0 = V(_mm512_rcp14_ps(d));
        return q0 * simd::fmadd(-d, q0, V(2.f));
    } else
#endif
    {
        return V(1) / simd::fmadd(s, simd::sqrt(x), eps);
    }
}
} // namespace detail

// v = mu v - lr g;  p += v
template <class T>
inline void momentum_update(T* p, const T* g, T* v, std::size_t n, T lr, T mu) {
    for_each_vector<T>(n, [&]<class V>(std::size_t i) {
        const V pi = simd::load<V>(p + i), gi = simd::load<V>(g + i), vi = simd::load<V>(v + i);
        const V nv = simd::fmadd(simd::broadcast<V>(mu), vi, simd::broadcast<V>(-lr) * gi);
        simd::store(v + i, nv);
        simd::store(p + i, pi + nv);
    });
}

// v = mu v - lr g;  p += mu v - lr g  (Nesterov's look-ahead, written on the current point)
template <class T>
inline void nesterov_update(T* p, const T* g, T* v, std::size_t n, T lr, T mu) {
    for_each_vector<T>(n, [&]<class V>(std::size_t i) {
        const V pi = simd::load<V>(p + i), gi = simd::load<V>(g + i), vi = simd::load<V>(v + i);
        const V step = simd::broadcast<V>(-lr) * gi;
        const V nv = simd::fmadd(simd::broadcast<V>(mu), vi, step);
        simd::store(v + i, nv);
        simd::store(p + i, pi + simd::fmadd(simd::broadcast<V>(mu), nv, step));
    });
}

// h = rho h + c g^2;  p -= lr g / (sqrt(h) + eps). AdaGrad is rho = 1, c = 1 (a running sum);
// RMSProp is rho = decay, c = 1 - decay (a moving average).
template <class T>
inline void scaled_rate_update(T* p, const T* g, T* h, std::size_t n, T lr, T rho, T c, T eps) {
    for_each_vector<T>(n, [&]<class V>(std::size_t i) {
        const V pi = simd::load<V>(p + i), gi = simd::load<V>(g + i), hi = simd::load<V>(h + i);
        const V nh = simd::fmadd(simd::broadcast<V>(rho), hi, simd::broadcast<V>(c) * (gi * gi));
        const V scale = detail::inverse_root_plus(nh, simd::broadcast<V>(T(1)), simd::broadcast<V>(eps));
        simd::store(h + i, nh);
        simd::store(p + i, pi - simd::broadcast<V>(lr) * gi * scale);
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
inline void adam_update(T* p, const T* g, T* m, T* v, std::size_t n, adam_scalars<T> k) {
    // k by value: a local the stores cannot alias, so its fields stay in registers.
    for_each_vector<T>(n, [&]<class V>(std::size_t i) {
        const V pi = simd::load<V>(p + i), gi = simd::load<V>(g + i), mi = simd::load<V>(m + i), vi = simd::load<V>(v + i);
        const V nm = simd::fmadd(simd::broadcast<V>(k.beta1), mi, simd::broadcast<V>(T(1) - k.beta1) * gi);
        const V nv = simd::fmadd(simd::broadcast<V>(k.beta2), vi, simd::broadcast<V>(T(1) - k.beta2) * (gi * gi));
        const V scale = detail::inverse_root_plus(nv, simd::broadcast<V>(k.s), simd::broadcast<V>(k.eps));
        simd::store(m + i, nm);
        simd::store(v + i, nv);
        simd::store(p + i, simd::broadcast<V>(k.decay) * pi - simd::broadcast<V>(k.a) * nm * scale);
    });
}

} // namespace typenet::kernels
