#pragma once
// The SIMD vocabulary every kernel and element-wise layer is written in: vector types chosen at
// compile time from the target's flags, and operations that take either a plain scalar or an
// xsimd batch, so one description of a layer serves the scalar reference and the vector kernels.

#include <cmath>
#include <cstddef>
#include <type_traits>

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
// GCC 12 warns inside its own avx512fintrin.h (the _mm512_undefined_* idiom) when xsimd uses it.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <immintrin.h>
#endif
#include <xsimd/xsimd.hpp>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

namespace typenet::simd {

using default_arch = xsimd::default_arch;

template <class T>
using vec = xsimd::batch<T, default_arch>;

template <class V>
struct lanes_of : std::integral_constant<std::size_t, 1> {};
template <class T, class A>
struct lanes_of<xsimd::batch<T, A>> : std::integral_constant<std::size_t, xsimd::batch<T, A>::size> {};
template <class V>
inline constexpr std::size_t lanes = lanes_of<V>::value;

namespace detail {
// Narrower registers of the same target, widest first; used for columns that a full vector
// would overrun, so that such tails are still vectorised rather than scalar.
#if XSIMD_WITH_FMA3_AVX2
using arch_256 = xsimd::fma3<xsimd::avx2>;
#elif XSIMD_WITH_AVX
using arch_256 = xsimd::avx;
#else
using arch_256 = void;
#endif
#if XSIMD_WITH_SSE2
using arch_128 = xsimd::sse2;
#else
using arch_128 = void;
#endif

template <class Arch>
struct arch_lanes {
    template <class T>
    static constexpr std::size_t of = xsimd::batch<T, Arch>::size;
};
template <>
struct arch_lanes<void> {
    template <class T>
    static constexpr std::size_t of = 0;
};

template <class T, class Arch, std::size_t Width, class Otherwise, bool Fits = (arch_lanes<Arch>::template of<T> != 0 &&
                                                                                 arch_lanes<Arch>::template of<T> <= Width)>
struct fits_or {
    using type = Otherwise;
};
template <class T, class Arch, std::size_t Width, class Otherwise>
struct fits_or<T, Arch, Width, Otherwise, true> {
    using type = xsimd::batch<T, Arch>;
};
} // namespace detail

// The widest vector of T with at most Width lanes; plain T when even the narrowest is wider.
template <class T, std::size_t Width>
using vec_at_most = typename detail::fits_or<
    T, default_arch, Width,
    typename detail::fits_or<T, detail::arch_256, Width,
                             typename detail::fits_or<T, detail::arch_128, Width, T>::type>::type>::type;

// --- loads, stores, broadcast: the same spelling for batches and scalars -------------------
template <class V, class T>
inline V load(const T* p) noexcept {
    if constexpr (std::is_arithmetic_v<V>) return *p;
    else return V::load_unaligned(p);
}
template <class V, class T>
inline void store(T* p, const V& v) noexcept {
    if constexpr (std::is_arithmetic_v<V>) *p = v;
    else v.store_unaligned(p);
}
template <class V, class T>
inline V broadcast(T s) noexcept {
    if constexpr (std::is_arithmetic_v<V>) return s;
    else return V(s);
}
// A constant written as a double, in V's precision.
template <class V>
inline V constant(double c) noexcept {
    if constexpr (std::is_arithmetic_v<V>) return static_cast<V>(c);
    else return V(static_cast<typename V::value_type>(c));
}

// a * b + c, fused. xsimd 8.1 has no AVX-512 fma kernel (it computes a*b+c unfused), so the
// AVX-512 case calls the intrinsic directly. Scalars use std::fma where the target has the
// instruction, so that a scalar tail computes bit for bit what a vector lane does.
template <class V>
inline V fmadd(const V& a, const V& b, const V& c) noexcept {
    if constexpr (std::is_arithmetic_v<V>) {
#if defined(__FMA__) || (defined(FP_FAST_FMA) && defined(FP_FAST_FMAF))
        return std::fma(a, b, c);
#else
        return a * b + c;
#endif
    }
#if XSIMD_WITH_AVX512F
    else if constexpr (std::is_same_v<V, xsimd::batch<float, xsimd::avx512f>> ||
                       std::is_base_of_v<xsimd::avx512f, typename V::arch_type>) {
        if constexpr (std::is_same_v<typename V::value_type, float>) return V(_mm512_fmadd_ps(a, b, c));
        else return V(_mm512_fmadd_pd(a, b, c));
    }
#endif
#if defined(__FMA__)
    // The 128- and 256-bit registers of the sse2 and avx archs have no fma kernel in xsimd 8.1
    // either.
    else if constexpr (V::size * sizeof(typename V::value_type) == 16) {
        if constexpr (std::is_same_v<typename V::value_type, float>) return V(_mm_fmadd_ps(a, b, c));
        else return V(_mm_fmadd_pd(a, b, c));
    } else if constexpr (V::size * sizeof(typename V::value_type) == 32) {
        if constexpr (std::is_same_v<typename V::value_type, float>) return V(_mm256_fmadd_ps(a, b, c));
        else return V(_mm256_fmadd_pd(a, b, c));
    }
#endif
    else {
        return xsimd::fma(a, b, c);
    }
}

// Horizontal sum.
template <class V>
inline auto reduce_add(const V& v) noexcept {
    if constexpr (std::is_arithmetic_v<V>) return v;
    else return xsimd::hadd(v);
}

// --- selection: a mask is a bool for a scalar, an xsimd::batch_bool for a batch -----------
// where(mask, a, b)
template <class M, class V>
inline V select(const M& mask, const V& a, const V& b) noexcept {
    if constexpr (std::is_arithmetic_v<V>) return mask ? a : b;
    else return xsimd::select(mask, a, b);
}
// where(x > 0, a, b)
template <class V>
inline V select_positive(const V& x, const V& a, const V& b) noexcept {
    return select(x > V(0), a, b);
}
// Selections rather than xsimd::max/min: GCC 12 warns about the undefined pass-through
// operand of _mm512_max_ps. On a tie both give b.
template <class V>
inline V max(const V& a, const V& b) noexcept {
    return select(a > b, a, b);
}
template <class V>
inline V min(const V& a, const V& b) noexcept {
    return select(a < b, a, b);
}

// --- math used by element-wise layers ------------------------------------------------------
namespace detail {
// xsimd 8.1's exp and expm1 convert k = round(a / ln 2) to an integer lane before they select
// 0, -1 or inf for arguments out of range; for double lanes without an AVX-512DQ instruction
// that is a C++ cast, undefined for NaN and beyond 2^63. Arguments are clamped to +-1000 (out
// of range already, so the result is the same; max and min take a NaN to -1000) and a NaN is
// handed back as it came.
template <class V, class F>
inline V with_finite_argument(const V& a, F f) noexcept {
    if constexpr (std::is_same_v<typename V::value_type, float>) {
        return f(a);  // float lanes convert with a vector instruction, defined for every input
    } else {
        // xsimd::isnan, not a != a: xsimd's != is false for NaN.
        return xsimd::select(xsimd::isnan(a), a, f(simd::min(simd::max(a, V(-1000)), V(1000))));
    }
}
} // namespace detail

template <class V>
inline V exp(const V& a) noexcept {
    if constexpr (std::is_arithmetic_v<V>) return std::exp(a);
    else return detail::with_finite_argument(a, [](const V& x) { return xsimd::exp(x); });
}
// tanh(a) is 1 - 2 / (1 + exp(2a)) for |a| >= 5/8 in xsimd: exactly +-1 beyond |a| = 1000.
template <class V>
inline V tanh(const V& a) noexcept {
    if constexpr (std::is_arithmetic_v<V>) return std::tanh(a);
    else return detail::with_finite_argument(a, [](const V& x) { return xsimd::tanh(x); });
}
template <class V>
inline V expm1(const V& a) noexcept {
    if constexpr (std::is_arithmetic_v<V>) return std::expm1(a);
    else return detail::with_finite_argument(a, [](const V& x) { return xsimd::expm1(x); });
}
template <class V>
inline V log(const V& a) noexcept {
    if constexpr (std::is_arithmetic_v<V>) return std::log(a);
    else return xsimd::log(a);
}
template <class V>
inline V sqrt(const V& a) noexcept {
    if constexpr (std::is_arithmetic_v<V>) return std::sqrt(a);
    else return xsimd::sqrt(a);
}
// A vector of `lanes<V>` values f(0), f(1), ...: builds a vector lane by lane.
template <class V, class F>
inline V generate(F&& f) noexcept {
    if constexpr (std::is_arithmetic_v<V>) {
        return f(std::size_t{0});
    } else {
        using T = typename V::value_type;
        alignas(64) T lane[V::size];
        for (std::size_t i = 0; i < V::size; ++i) lane[i] = f(i);
        return V::load_aligned(lane);
    }
}
template <class V>
inline V abs(const V& a) noexcept {
    if constexpr (std::is_arithmetic_v<V>) return std::abs(a);
    else return xsimd::abs(a);
}
// 1 / (1 + exp(-a)): 0 and 1 (not NaN) where exp(-a) overflows or underflows.
template <class V>
inline V sigmoid(const V& a) noexcept {
    return V(1) / (V(1) + simd::exp(-a));
}

// --- used by the losses ----------------------------------------------------------------------
// log(1 + a), exact for small a where log(1 + a) would round 1 + a first.
template <class V>
inline V log1p(const V& a) noexcept {
    if constexpr (std::is_arithmetic_v<V>) return std::log1p(a);
    else return xsimd::log1p(a);
}

} // namespace typenet::simd
