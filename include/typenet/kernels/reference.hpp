#pragma once
// Plain scalar versions of every kernel, written for clarity: the tests compare the vector
// kernels against these for float and double and for widths with tails.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace typenet::kernels::reference {

// z[n][j] = b[j] + sum_k x[n][k] w[k][j]
template <class T>
void dense_forward(const T* x, const T* w, const T* b, std::size_t rows, std::size_t in, std::size_t out, T* z) {
    for (std::size_t n = 0; n < rows; ++n)
        for (std::size_t j = 0; j < out; ++j) {
            T s = b ? b[j] : T(0);
            for (std::size_t k = 0; k < in; ++k) s += x[n * in + k] * w[k * out + j];
            z[n * out + j] = s;
        }
}

// dw = x^T dz, db = column sums of dz, dx = dz w^T (dx may be null).
template <class T>
void dense_backward(const T* x, const T* w, const T* dz, std::size_t rows, std::size_t in, std::size_t out, T* dw,
                    T* db, T* dx) {
    for (std::size_t k = 0; k < in; ++k)
        for (std::size_t j = 0; j < out; ++j) {
            T s = 0;
            for (std::size_t n = 0; n < rows; ++n) s += x[n * in + k] * dz[n * out + j];
            dw[k * out + j] = s;
        }
    for (std::size_t j = 0; j < out; ++j) {
        T s = 0;
        for (std::size_t n = 0; n < rows; ++n) s += dz[n * out + j];
        db[j] = s;
    }
    if (dx)
        for (std::size_t n = 0; n < rows; ++n)
            for (std::size_t k = 0; k < in; ++k) {
                T s = 0;
                for (std::size_t j = 0; j < out; ++j) s += dz[n * out + j] * w[k * out + j];
                dx[n * in + k] = s;
            }
}

// C[m][j] = bias[j] (0 without one), then C[m][j] = fma(A(m, k), B[k][j], C[m][j]) for
// k = 0, 1, ..., K-1: one rounding per step, in the order kernels::gemm promises for every
// output, so the kernel must match this bit for bit. A(m, k) = A[m*lda + k], or A[k*lda + m]
// when transposed_a.
template <class T>
void fused_product(const T* A, std::size_t lda, bool transposed_a, const T* B, const T* bias, std::size_t M,
                   std::size_t K, std::size_t N, T* C) {
    for (std::size_t m = 0; m < M; ++m)
        for (std::size_t j = 0; j < N; ++j) {
            T s = bias ? bias[j] : T(0);
            for (std::size_t k = 0; k < K; ++k)
                s = std::fma(transposed_a ? A[k * lda + m] : A[m * lda + k], B[k * N + j], s);
            C[m * N + j] = s;
        }
}

// C[m][n] = sum_j A[m*lda + j] B[n*inner + j]: C = A B^T with B stored n x inner.
template <class T>
void product_transposed_b(const T* A, std::size_t lda, const T* B, std::size_t M, std::size_t N, std::size_t inner,
                          T* C) {
    for (std::size_t m = 0; m < M; ++m)
        for (std::size_t n = 0; n < N; ++n) {
            T s = 0;
            for (std::size_t j = 0; j < inner; ++j) s += A[m * lda + j] * B[n * inner + j];
            C[m * N + n] = s;
        }
}

template <class T>
double softmax_cross_entropy(const T* z, const std::uint32_t* labels, std::size_t rows, std::size_t classes, T* p,
                             T* grad, T grad_scale) {
    double loss = 0;
    for (std::size_t r = 0; r < rows; ++r) {
        double m = z[r * classes];
        for (std::size_t j = 0; j < classes; ++j) m = std::max(m, double(z[r * classes + j]));
        double sum = 0;
        for (std::size_t j = 0; j < classes; ++j) sum += std::exp(double(z[r * classes + j]) - m);
        for (std::size_t j = 0; j < classes; ++j) {
            const double pj = std::exp(double(z[r * classes + j]) - m) / sum;
            p[r * classes + j] = T(pj);
            if (grad) grad[r * classes + j] = T((pj - (j == labels[r] ? 1.0 : 0.0)) * double(grad_scale));
        }
        loss += std::log(sum) + m - double(z[r * classes + labels[r]]);
    }
    return loss;
}

template <class T>
double squared_error(const T* a, const T* y, std::size_t n, T* grad, T grad_scale) {
    double loss = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double d = double(a[i]) - double(y[i]);
        loss += d * d / 2;
        if (grad) grad[i] = T(d * double(grad_scale));
    }
    return loss;
}

// For each value: p = sigmoid(z), loss max(z, 0) - z y + log(1 + exp(-|z|)) (the stable form
// of -y log p - (1 - y) log(1 - p)), grad (p - y) * grad_scale. y is the label (width 1) or
// the label's one-hot row when labels is not null, else the row of values.
template <class T>
double sigmoid_cross_entropy(const T* z, const std::uint32_t* labels, const T* values, std::size_t rows,
                             std::size_t width, T* p, T* grad, T grad_scale) {
    double loss = 0;
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t j = 0; j < width; ++j) {
            const std::size_t i = r * width + j;
            double y = 0;
            if (labels) y = width == 1 ? double(labels[r]) : double(labels[r] == j);
            else if (values) y = double(values[i]);
            const double x = double(z[i]);
            const double pj = x >= 0 ? 1 / (1 + std::exp(-x)) : std::exp(x) / (1 + std::exp(x));
            p[i] = T(pj);
            loss += std::max(x, 0.0) - x * y + std::log1p(std::exp(-std::abs(x)));
            if (grad) grad[i] = T((pj - y) * double(grad_scale));
        }
    return loss;
}

// Sum over rows of sum_{j != label} max(0, s_j - s_label + 1); grad: grad_scale where that
// margin is positive, minus grad_scale times their number at the label.
template <class T>
double multiclass_hinge(const T* s, const std::uint32_t* labels, std::size_t rows, std::size_t classes, T* grad,
                        T grad_scale) {
    double loss = 0;
    for (std::size_t r = 0; r < rows; ++r) {
        const std::size_t y = labels[r];
        std::size_t active = 0;
        for (std::size_t j = 0; j < classes; ++j) {
            if (grad) grad[r * classes + j] = T(0);
            if (j == y) continue;
            const T margin = (s[r * classes + j] - s[r * classes + y]) + T(1);
            if (margin > 0) {
                loss += double(margin);
                ++active;
                if (grad) grad[r * classes + j] = grad_scale;
            }
        }
        if (grad) grad[r * classes + y] = -T(active) * grad_scale;
    }
    return loss;
}

// Sum of |a - y|; grad sign(a - y) * grad_scale, 0 where a = y.
template <class T>
double absolute_error(const T* a, const T* y, std::size_t n, T* grad, T grad_scale) {
    double loss = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double d = double(a[i]) - double(y[i]);
        loss += std::abs(d);
        if (grad) grad[i] = T((d > 0 ? 1.0 : d < 0 ? -1.0 : 0.0) * double(grad_scale));
    }
    return loss;
}

// Sum of the Huber function of a - y: d^2 / 2 for |d| <= delta, delta (|d| - delta / 2)
// beyond; grad: d, or delta sign(d), times grad_scale.
template <class T>
double huber(const T* a, const T* y, std::size_t n, T delta, T* grad, T grad_scale) {
    double loss = 0;
    const double h = double(delta);
    for (std::size_t i = 0; i < n; ++i) {
        const double d = double(a[i]) - double(y[i]);
        const bool quadratic = std::abs(d) <= h;
        loss += quadratic ? d * d / 2 : h * (std::abs(d) - h / 2);
        if (grad) grad[i] = T((quadratic ? d : d > 0 ? h : -h) * double(grad_scale));
    }
    return loss;
}

template <class T>
void sgd_update(T* p, const T* g, std::size_t n, T lr) {
    for (std::size_t i = 0; i < n; ++i) p[i] -= lr * g[i];
}

} // namespace typenet::kernels::reference
