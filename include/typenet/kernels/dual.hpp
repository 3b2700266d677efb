#pragma once
// Dual numbers over a scalar or an xsimd batch: a value and its derivative with respect to one
// input, carried together through arithmetic and the element-wise primitives (forward-mode
// automatic differentiation). Evaluating a formula on simd::variable(x) = {x, 1} gives f(x) and
// f'(x) in one pass, in registers. Each primitive's derivative is written in terms of its own
// value where that is cheaper (exp: e, tanh: 1 - t^2, sigmoid: s (1 - s), sqrt: 1 / 2r), so
// the value is computed once and shared.
//
// A plain V next to a dual is a constant (derivative 0): no multiplications by zero are spent
// on it. At a tie, max and min take their second argument, and a constant always counts as the
// second: max(x, 0) has derivative 0 at 0, like ReLU.

#include <type_traits>

#include <typenet/kernels/simd.hpp>

namespace typenet::simd {

template <class V>
struct dual {
    V value;
    V derivative;
};

// The input itself: d/dx x = 1.
template <class V>
inline dual<V> variable(const V& x) noexcept {
    return {x, V(1)};
}

namespace detail {
// A constant's parameter: V is deduced from the dual beside it only.
template <class V>
using nondeduced = std::type_identity_t<V>;
} // namespace detail

// --- arithmetic ----------------------------------------------------------------------------
template <class V>
inline dual<V> operator-(const dual<V>& a) noexcept {
    return {-a.value, -a.derivative};
}

template <class V>
inline dual<V> operator+(const dual<V>& a, const dual<V>& b) noexcept {
    return {a.value + b.value, a.derivative + b.derivative};
}
template <class V>
inline dual<V> operator+(const dual<V>& a, const detail::nondeduced<V>& c) noexcept {
    return {a.value + c, a.derivative};
}
template <class V>
inline dual<V> operator+(const detail::nondeduced<V>& c, const dual<V>& a) noexcept {
    return {c + a.value, a.derivative};
}

template <class V>
inline dual<V> operator-(const dual<V>& a, const dual<V>& b) noexcept {
    return {a.value - b.value, a.derivative - b.derivative};
}
template <class V>
inline dual<V> operator-(const dual<V>& a, const detail::nondeduced<V>& c) noexcept {
    return {a.value - c, a.derivative};
}
template <class V>
inline dual<V> operator-(const detail::nondeduced<V>& c, const dual<V>& a) noexcept {
    return {c - a.value, -a.derivative};
}

// (ab)' = a'b + ab'
template <class V>
inline dual<V> operator*(const dual<V>& a, const dual<V>& b) noexcept {
    return {a.value * b.value, fmadd(a.value, b.derivative, a.derivative * b.value)};
}
template <class V>
inline dual<V> operator*(const dual<V>& a, const detail::nondeduced<V>& c) noexcept {
    return {a.value * c, a.derivative * c};
}
template <class V>
inline dual<V> operator*(const detail::nondeduced<V>& c, const dual<V>& a) noexcept {
    return {c * a.value, c * a.derivative};
}

// (a/b)' = (a' - (a/b) b') / b
template <class V>
inline dual<V> operator/(const dual<V>& a, const dual<V>& b) noexcept {
    const V q = a.value / b.value;
    return {q, (a.derivative - q * b.derivative) / b.value};
}
template <class V>
inline dual<V> operator/(const dual<V>& a, const detail::nondeduced<V>& c) noexcept {
    return {a.value / c, a.derivative / c};
}
template <class V>
inline dual<V> operator/(const detail::nondeduced<V>& c, const dual<V>& b) noexcept {
    const V q = c / b.value;
    return {q, -q * b.derivative / b.value};
}

// --- primitives ----------------------------------------------------------------------------
template <class V>
inline dual<V> exp(const dual<V>& a) noexcept {
    const V e = simd::exp(a.value);
    return {e, a.derivative * e};
}
template <class V>
inline dual<V> log(const dual<V>& a) noexcept {
    return {simd::log(a.value), a.derivative / a.value};
}
template <class V>
inline dual<V> tanh(const dual<V>& a) noexcept {
    const V t = simd::tanh(a.value);
    return {t, a.derivative * (V(1) - t * t)};
}
template <class V>
inline dual<V> sigmoid(const dual<V>& a) noexcept {
    const V s = simd::sigmoid(a.value);
    return {s, a.derivative * (s * (V(1) - s))};
}
// sign(a) a', with sign(0) = 0 (as PyTorch's abs backward).
template <class V>
inline dual<V> abs(const dual<V>& a) noexcept {
    return {simd::abs(a.value),
            select(a.value > V(0), a.derivative, select(a.value < V(0), -a.derivative, V(0)))};
}
template <class V>
inline dual<V> sqrt(const dual<V>& a) noexcept {
    const V r = simd::sqrt(a.value);
    return {r, V(0.5) * a.derivative / r};
}

// --- selection -----------------------------------------------------------------------------
template <class M, class V>
inline dual<V> select(const M& mask, const dual<V>& a, const dual<V>& b) noexcept {
    return {select(mask, a.value, b.value), select(mask, a.derivative, b.derivative)};
}
template <class M, class V>
inline dual<V> select(const M& mask, const dual<V>& a, const detail::nondeduced<V>& c) noexcept {
    return {select(mask, a.value, c), select(mask, a.derivative, V(0))};
}
template <class M, class V>
inline dual<V> select(const M& mask, const detail::nondeduced<V>& c, const dual<V>& b) noexcept {
    return {select(mask, c, b.value), select(mask, V(0), b.derivative)};
}

template <class V>
inline dual<V> max(const dual<V>& a, const dual<V>& b) noexcept {
    return select(a.value > b.value, a, b);
}
template <class V>
inline dual<V> max(const dual<V>& a, const detail::nondeduced<V>& c) noexcept {
    return select(a.value > c, a, c);
}
template <class V>
inline dual<V> max(const detail::nondeduced<V>& c, const dual<V>& a) noexcept {
    return max(a, c);
}

template <class V>
inline dual<V> min(const dual<V>& a, const dual<V>& b) noexcept {
    return select(a.value < b.value, a, b);
}
template <class V>
inline dual<V> min(const dual<V>& a, const detail::nondeduced<V>& c) noexcept {
    return select(a.value < c, a, c);
}
template <class V>
inline dual<V> min(const detail::nondeduced<V>& c, const dual<V>& a) noexcept {
    return min(a, c);
}

} // namespace typenet::simd
