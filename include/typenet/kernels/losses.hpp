#pragma once
// The kernels of the losses other than softmax (kernels/softmax.hpp): each reads the outputs
// once and returns the loss summed over the batch, writing the predictions and the gradient
// (scaled by grad_scale) in the same pass. Element-wise losses run over the batch as one flat
// array of full vectors whatever the row width; the hinge, which compares within a row, over
// each row with the widest vector that fits it. kernels/reference.hpp holds their scalar
// versions.

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <typenet/kernels/simd.hpp>

namespace typenet::kernels {

namespace detail {

// 0, 1, ..., lanes - 1: the column offsets within a vector, to find a row's labelled column.
template <class T, class V>
inline V lane_indices() noexcept {
    T i[simd::lanes<V>];
    for (std::size_t k = 0; k < simd::lanes<V>; ++k) i[k] = static_cast<T>(k);
    return simd::load<V>(i);
}

template <class V>
struct loss_and_prediction {
    V loss;
    V p;
};

// Sigmoid cross-entropy of logit z against target y, and p = sigmoid(z), both from
// e = exp(-|z|) in (0, 1], which cannot overflow: the loss is max(z, 0) - z y + log1p(e), and
// p is 1 / (1 + e) for z > 0, e / (1 + e) otherwise.
template <class V>
inline loss_and_prediction<V> sigmoid_cross_entropy_at(const V& z, const V& y) noexcept {
    const V e = simd::exp(-simd::abs(z));
    const V r = V(1) / (V(1) + e);
    return {simd::select(z > V(0), z, V(0)) - z * y + simd::log1p(e), simd::select(z > V(0), r, e * r)};
}

// Runs f(i, y) over the n values of a batch, full vectors first, then the tail as scalars,
// where y = target(std::type_identity<V>{}, i) are the targets of values i, i + 1, ...;
// returns the sum of f.
template <class T, class Target, class F>
inline double flat_sum(std::size_t n, Target target, F f) noexcept {
    using V = simd::vec<T>;
    constexpr std::size_t L = simd::lanes<V>;
    V acc = simd::broadcast<V>(T(0));
    std::size_t i = 0;
    for (; i + L <= n; i += L) acc += f(i, target(std::type_identity<V>{}, i));
    double sum = static_cast<double>(simd::reduce_add(acc));
    for (; i < n; ++i) sum += static_cast<double>(f(i, target(std::type_identity<T>{}, i)));
    return sum;
}

} // namespace detail

// For the rows x Width logits z: p = sigmoid(z); returns the sum over all values of
// max(z, 0) - z y + log(1 + exp(-|z|)), and writes (p - y) * grad_scale to grad if not null.
// The targets y are the labels when not null (Width 1: y = label, 0 or 1; otherwise y is the
// label's one-hot row), else the rows of values; with neither, only p is computed (returns 0).
template <class T, std::size_t Width>
double sigmoid_cross_entropy(const T* z, const std::uint32_t* labels, const T* values, std::size_t rows, T* p,
                             T* grad, T grad_scale) noexcept {
    auto at = [&]<class V>(std::size_t i, const V& y) {
        const auto [loss, pv] = detail::sigmoid_cross_entropy_at(simd::load<V>(z + i), y);
        simd::store(p + i, pv);
        if (grad) simd::store(grad + i, (pv - y) * simd::broadcast<V>(grad_scale));
        return loss;
    };
    // One flat pass whatever the targets, so that the probabilities are the same bits with
    // labels, with values and without targets.
    const std::size_t n = rows * Width;
    if (labels)
        return detail::flat_sum<T>(n, [&]<class V>(std::type_identity<V>, std::size_t i) {
            T y[simd::lanes<V>];
            for (std::size_t k = 0; k < simd::lanes<V>; ++k) {
                const std::uint32_t label = labels[(i + k) / Width];
                y[k] = Width == 1 ? static_cast<T>(label) : static_cast<T>((i + k) % Width == label);
            }
            return simd::load<V>(y);
        }, at);
    if (values)
        return detail::flat_sum<T>(
            n, [&]<class V>(std::type_identity<V>, std::size_t i) { return simd::load<V>(values + i); }, at);
    detail::flat_sum<T>(n, []<class V>(std::type_identity<V>, std::size_t) { return V(0); }, at);
    return 0;
}

// The multiclass hinge (SVM) loss of the rows x Classes scores s: returns the sum over rows of
// sum_{j != y} max(0, s_j - s_y + 1). When grad is not null it receives grad_scale at every
// column whose margin s_j - s_y + 1 is positive, minus grad_scale times their count at the
// labelled column, 0 elsewhere: a margin of exactly 0 counts as inactive (subgradient 0).
template <class T, std::size_t Classes>
double multiclass_hinge(const T* s, const std::uint32_t* labels, std::size_t rows, T* grad, T grad_scale) noexcept {
    using V = simd::vec_at_most<T, Classes>;
    constexpr std::size_t L = simd::lanes<V>;
    constexpr std::size_t full = Classes / L * L;
    const V lanes = detail::lane_indices<T, V>();
    const V scale = simd::broadcast<V>(grad_scale);
    double loss = 0;
    for (std::size_t r = 0; r < rows; ++r) {
        const T* sr = s + r * Classes;
        const std::uint32_t y = labels[r];
        const T sy = sr[y];
        V sum = simd::broadcast<V>(T(0));
        V active = simd::broadcast<V>(T(0));
        for (std::size_t j = 0; j < full; j += L) {
            // The labelled column's margin is set to 0 (inactive) rather than left at 1.
            const V m = simd::select(lanes + V(T(j)) == V(T(y)), V(0), (simd::load<V>(sr + j) - V(sy)) + V(1));
            sum += simd::select(m > V(0), m, V(0));
            active += simd::select(m > V(0), V(1), V(0));
            if (grad) simd::store(grad + r * Classes + j, simd::select(m > V(0), scale, V(0)));
        }
        T row_sum = simd::reduce_add(sum);
        T count = simd::reduce_add(active);
        for (std::size_t j = full; j < Classes; ++j) {
            const T m = j == y ? T(0) : (sr[j] - sy) + T(1);
            row_sum += m > T(0) ? m : T(0);
            count += m > T(0) ? T(1) : T(0);
            if (grad) grad[r * Classes + j] = m > T(0) ? grad_scale : T(0);
        }
        loss += static_cast<double>(row_sum);
        if (grad) grad[r * Classes + y] = -count * grad_scale;
    }
    return loss;
}

// Returns the sum of |a - y| over n values; grad (if not null) = sign(a - y) * grad_scale,
// with sign(0) = 0.
template <class T>
double absolute_error(const T* a, const T* y, std::size_t n, T* grad, T grad_scale) noexcept {
    return detail::flat_sum<T>(n, [&]<class V>(std::type_identity<V>, std::size_t i) { return simd::load<V>(y + i); },
                               [&]<class V>(std::size_t i, const V& yv) {
                                   const V d = simd::load<V>(a + i) - yv;
                                   if (grad) {
                                       const V s = simd::broadcast<V>(grad_scale);
                                       const V sign_s = simd::select(d > V(0), s, simd::select(d < V(0), -s, V(0)));
                                       simd::store(grad + i, sign_s);
                                   }
                                   return simd::abs(d);
                               });
}

// Returns the sum of the Huber function of a - y over n values: d^2 / 2 where |d| <= delta,
// delta (|d| - delta / 2) beyond. Both are c (d - c / 2) with c = d clamped to [-delta, delta],
// and c is the derivative: grad (if not null) = c * grad_scale.
template <class T>
double huber(const T* a, const T* y, std::size_t n, T delta, T* grad, T grad_scale) noexcept {
    return detail::flat_sum<T>(n, [&]<class V>(std::type_identity<V>, std::size_t i) { return simd::load<V>(y + i); },
                               [&]<class V>(std::size_t i, const V& yv) {
                                   const V d = simd::load<V>(a + i) - yv;
                                   const V hi = simd::broadcast<V>(delta);
                                   const V c = simd::select(d > hi, hi, simd::select(d < -hi, -hi, d));
                                   if (grad) simd::store(grad + i, c * simd::broadcast<V>(grad_scale));
                                   return c * (d - simd::broadcast<V>(T(0.5)) * c);
                               });
}

} // namespace typenet::kernels
