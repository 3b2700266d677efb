#pragma once
// Softmax with its log-likelihood loss as one pass per row: the probabilities, the loss and
// the gradient (p - y) / rows come out of the same reads of the logits.

#include <cmath>
#include <cstddef>
#include <cstdint>

#include <typenet/kernels/simd.hpp>

namespace typenet::kernels {

// For each row r: p[r] = softmax(z[r]); returns sum over rows of -log p[r][label[r]].
// When grad is not null it receives (p - onehot(label)) * grad_scale. With labels null it
// computes the probabilities only (and returns 0).
template <class T, std::size_t Classes>
double softmax_cross_entropy(const T* z, const std::uint32_t* labels, std::size_t rows, T* p, T* grad,
                             T grad_scale) noexcept {
    using V = simd::vec_at_most<T, Classes>;
    constexpr std::size_t L = simd::lanes<V>;
    constexpr std::size_t full = Classes / L * L;
    double loss = 0;
    for (std::size_t r = 0; r < rows; ++r) {
        const T* zr = z + r * Classes;
        T* pr = p + r * Classes;
        T m = zr[0];
        for (std::size_t j = 1; j < Classes; ++j) m = zr[j] > m ? zr[j] : m;
        V sum_v = simd::broadcast<V>(T(0));
        const V mv = simd::broadcast<V>(m);
        for (std::size_t j = 0; j < full; j += L) {
            const V e = simd::exp(simd::load<V>(zr + j) - mv);
            simd::store(pr + j, e);
            sum_v += e;
        }
        T sum = simd::reduce_add(sum_v);
        for (std::size_t j = full; j < Classes; ++j) {
            pr[j] = std::exp(zr[j] - m);
            sum += pr[j];
        }
        const T inv = T(1) / sum;
        const V inv_v = simd::broadcast<V>(inv);
        for (std::size_t j = 0; j < full; j += L) simd::store(pr + j, simd::load<V>(pr + j) * inv_v);
        for (std::size_t j = full; j < Classes; ++j) pr[j] *= inv;
        if (!labels) continue;
        const std::uint32_t y = labels[r];
        // log p_y = z_y - m - log(sum): exact even where p_y underflows to zero. m - z_y is
        // taken in double, where it is exact: in float, log(sum) + m would round to the
        // spacing of m (6e-5 at logits near 1000) before z_y is subtracted.
        loss += static_cast<double>(std::log(sum)) + (static_cast<double>(m) - static_cast<double>(zr[y]));
        if (grad) {
            T* gr = grad + r * Classes;
            const V s = simd::broadcast<V>(grad_scale);
            for (std::size_t j = 0; j < full; j += L) simd::store(gr + j, simd::load<V>(pr + j) * s);
            for (std::size_t j = full; j < Classes; ++j) gr[j] = pr[j] * grad_scale;
            gr[y] -= grad_scale;
        }
    }
    return loss;
}

// Returns sum over all values of (a - y)^2 / 2; grad (if not null) = (a - y) * grad_scale.
template <class T>
double squared_error(const T* a, const T* y, std::size_t n, T* grad, T grad_scale) noexcept {
    using V = simd::vec<T>;
    constexpr std::size_t L = simd::lanes<V>;
    V acc = simd::broadcast<V>(T(0));
    std::size_t i = 0;
    const V s = simd::broadcast<V>(grad_scale);
    for (; i + L <= n; i += L) {
        const V d = simd::load<V>(a + i) - simd::load<V>(y + i);
        acc = simd::fmadd(d, d, acc);
        if (grad) simd::store(grad + i, d * s);
    }
    double loss = static_cast<double>(simd::reduce_add(acc));
    for (; i < n; ++i) {
        const T d = a[i] - y[i];
        loss += static_cast<double>(d * d);
        if (grad) grad[i] = d * grad_scale;
    }
    return loss / 2;
}

} // namespace typenet::kernels
