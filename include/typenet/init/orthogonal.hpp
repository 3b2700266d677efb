#pragma once
// Orthogonal and ScaledOrthogonal<gain> (Saxe et al. 2013): W = gain * Q, with Q a random
// fan_in x fan_out matrix with orthonormal columns (fan_in >= fan_out: W^T W = gain^2 I) or
// orthonormal rows (fan_in < fan_out: W W^T = gain^2 I), drawn from the uniform (Haar)
// distribution. Every singular value of W is gain, so a deep linear stack neither shrinks nor
// grows any direction of the signal.
//
// Q comes from a Householder QR of a max x min matrix of N(0, 1) draws, in double, with each
// column's sign chosen so that R has a positive diagonal: without that correction the QR
// convention biases Q (its diagonal would lean negative) and Q would not be Haar.
//
// PyTorch: torch.nn.init.orthogonal_(w, gain); Keras: initializers.Orthogonal(gain). PyTorch's
// Out x In weight is the transpose of typenet's In x Out; the transpose of a Haar matrix with
// orthonormal columns is one with orthonormal rows, so the distribution is the same.

#include <cmath>
#include <cstddef>
#include <span>
#include <vector>

#include <typenet/core/real.hpp>
#include <typenet/core/rng.hpp>
#include <typenet/init/initializer.hpp>

namespace typenet {

namespace detail {

// A Haar-distributed m x n matrix (m >= n) with orthonormal columns, column-major in q.
inline void haar_orthonormal_columns(std::size_t m, std::size_t n, std::vector<double>& q, rng& g) {
    std::vector<double> a(m * n);  // column j at a[j * m]; becomes R above the diagonal and v below
    for (double& x : a) x = g.normal();
    std::vector<double> r_diagonal(n);

    // Householder: H_j = I - 2 v v^T maps column j's tail x to r e_1, |r| = |x|; the sign of r
    // is opposite to x_0's so that x - r e_1 does not cancel.
    for (std::size_t j = 0; j < n; ++j) {
        double* x = a.data() + j * m;
        double norm2 = 0;
        for (std::size_t i = j; i < m; ++i) norm2 += x[i] * x[i];
        if (norm2 == 0) {  // probability zero; the column is then left as it is (v = 0)
            r_diagonal[j] = 0;
            continue;
        }
        const double norm = std::sqrt(norm2);
        const double x0 = x[j];
        const double r = x0 >= 0 ? -norm : norm;
        r_diagonal[j] = r;
        x[j] = x0 - r;
        const double v_scale = 1 / std::sqrt(2 * norm * (norm + std::abs(x0)));  // 1 / |x - r e_1|
        for (std::size_t i = j; i < m; ++i) x[i] *= v_scale;
        for (std::size_t k = j + 1; k < n; ++k) {
            double* y = a.data() + k * m;
            double s = 0;
            for (std::size_t i = j; i < m; ++i) s += x[i] * y[i];
            for (std::size_t i = j; i < m; ++i) y[i] -= 2 * s * x[i];
        }
    }

    // Q = H_0 ... H_{n-1} [I_n; 0], applied from the last reflection back: H_j touches rows >= j
    // only, where columns < j of the partial product are still zero.
    q.assign(m * n, 0.0);
    for (std::size_t j = 0; j < n; ++j) q[j * m + j] = 1;
    for (std::size_t j = n; j-- > 0;) {
        if (r_diagonal[j] == 0) continue;
        const double* v = a.data() + j * m;
        for (std::size_t k = j; k < n; ++k) {
            double* y = q.data() + k * m;
            double s = 0;
            for (std::size_t i = j; i < m; ++i) s += v[i] * y[i];
            for (std::size_t i = j; i < m; ++i) y[i] -= 2 * s * v[i];
        }
    }

    // A = Q R; A = (Q D)(D R) with D = sign(diag R) makes R's diagonal positive: the unique QR,
    // whose Q is Haar.
    for (std::size_t j = 0; j < n; ++j)
        if (r_diagonal[j] < 0)
            for (std::size_t i = 0; i < m; ++i) q[j * m + i] = -q[j * m + i];
}

} // namespace detail

template <real Gain>
struct ScaledOrthogonal {
    static_assert(Gain.value > 0, "typenet::ScaledOrthogonal<gain> needs gain > 0");

    template <class T>
    static void fill(std::span<T> w, std::size_t fan_in, std::size_t fan_out, rng& g) {
        detail::check_weight_count(w.size(), fan_in, fan_out);
        if (w.empty()) return;
        const bool tall = fan_in >= fan_out;
        const std::size_t m = tall ? fan_in : fan_out;
        const std::size_t n = tall ? fan_out : fan_in;
        std::vector<double> q;
        detail::haar_orthonormal_columns(m, n, q, g);
        // Column-major m x n Q is row-major n x m: for the tall case W = Q, for the wide W = Q^T.
        for (std::size_t i = 0; i < fan_in; ++i)
            for (std::size_t j = 0; j < fan_out; ++j)
                w[i * fan_out + j] = static_cast<T>(Gain.value * (tall ? q[j * m + i] : q[i * m + j]));
    }
};

// Gain 1: W^T W = I (tall or square) or W W^T = I (wide).
struct Orthogonal : ScaledOrthogonal<1.0> {};

} // namespace typenet
