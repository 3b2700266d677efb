#pragma once
// The MLP written with plain loops over row-major std::vector<float> arrays, one pass per
// operation, loops ordered so that every inner loop runs over contiguous memory and the
// compiler can vectorise it.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "workload.hpp"

namespace bench {

class hand_mlp {
public:
    explicit hand_mlp(std::size_t rows)
        : rows_(rows), w1_(inputs * hidden), b1_(hidden), w2_(hidden * classes), b2_(classes), dw1_(w1_.size()),
          db1_(hidden), dw2_(w2_.size()), db2_(classes), z1_(rows * hidden), h1_(rows * hidden), z2_(rows * classes),
          p_(rows * classes), log_sum_(rows), d2_(rows * classes), d1_(rows * hidden) {}

    void set_parameters(std::span<const float> p) {
        std::copy_n(p.begin() + w1_offset, w1_.size(), w1_.begin());
        std::copy_n(p.begin() + b1_offset, b1_.size(), b1_.begin());
        std::copy_n(p.begin() + w2_offset, w2_.size(), w2_.begin());
        std::copy_n(p.begin() + b2_offset, b2_.size(), b2_.begin());
    }
    std::vector<float> parameters() const {
        std::vector<float> p(parameter_count);
        std::copy(w1_.begin(), w1_.end(), p.begin() + w1_offset);
        std::copy(b1_.begin(), b1_.end(), p.begin() + b1_offset);
        std::copy(w2_.begin(), w2_.end(), p.begin() + w2_offset);
        std::copy(b2_.begin(), b2_.end(), p.begin() + b2_offset);
        return p;
    }

    // Class probabilities of the rows_ samples in x (rows_ x classes).
    const float* predict(const float* x) {
        forward(x);
        return p_.data();
    }

    // One SGD step on the batch; returns the batch's mean loss before the update.
    double train_step(const float* x, const std::uint32_t* labels, float lr) {
        forward(x);
        const std::size_t n = rows_;

        double loss = 0;
        for (std::size_t i = 0; i < n; ++i) loss += log_sum_[i] - z2_[i * classes + labels[i]];
        loss /= static_cast<double>(n);

        // dL/dz2 = (p - onehot(label)) / n
        const float scale = 1.0f / static_cast<float>(n);
        for (std::size_t i = 0; i < n; ++i) {
            for (std::size_t j = 0; j < classes; ++j) d2_[i * classes + j] = p_[i * classes + j] * scale;
            d2_[i * classes + labels[i]] -= scale;
        }

        weight_gradient(h1_.data(), d2_.data(), n, hidden, classes, dw2_.data());
        column_sums(d2_.data(), n, classes, db2_.data());

        // dL/dh1 = d2 W2^T: row i, column k is the dot product of d2's row i and W2's row k.
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t k = 0; k < hidden; ++k) {
                float s = 0;
                for (std::size_t j = 0; j < classes; ++j) s += d2_[i * classes + j] * w2_[k * classes + j];
                d1_[i * hidden + k] = s;
            }
        // Through the ReLU.
        for (std::size_t i = 0; i < n * hidden; ++i)
            if (z1_[i] <= 0) d1_[i] = 0;

        weight_gradient(x, d1_.data(), n, inputs, hidden, dw1_.data());
        column_sums(d1_.data(), n, hidden, db1_.data());

        update(w1_, dw1_, lr);
        update(b1_, db1_, lr);
        update(w2_, dw2_, lr);
        update(b2_, db2_, lr);
        return loss;
    }

private:
    void forward(const float* x) {
        const std::size_t n = rows_;
        matmul(x, w1_.data(), n, inputs, hidden, z1_.data());
        add_bias(z1_.data(), b1_.data(), n, hidden);
        for (std::size_t i = 0; i < n * hidden; ++i) h1_[i] = z1_[i] > 0 ? z1_[i] : 0.0f;
        matmul(h1_.data(), w2_.data(), n, hidden, classes, z2_.data());
        add_bias(z2_.data(), b2_.data(), n, classes);
        softmax(n);
    }

    // c (m x n) = a (m x k) b (k x n), loops i-k-j: the inner loop runs along rows of b and c.
    static void matmul(const float* a, const float* b, std::size_t m, std::size_t k, std::size_t n, float* c) {
        for (std::size_t i = 0; i < m; ++i) {
            float* ci = c + i * n;
            std::fill(ci, ci + n, 0.0f);
            for (std::size_t p = 0; p < k; ++p) {
                const float aip = a[i * k + p];
                const float* bp = b + p * n;
                for (std::size_t j = 0; j < n; ++j) ci[j] += aip * bp[j];
            }
        }
    }

    static void add_bias(float* z, const float* b, std::size_t m, std::size_t n) {
        for (std::size_t i = 0; i < m; ++i)
            for (std::size_t j = 0; j < n; ++j) z[i * n + j] += b[j];
    }

    // g (k x n) = a^T d, with a (m x k) and d (m x n). Row p of g accumulates over the samples
    // while it stays in cache; the inner loop runs along rows of d and g.
    static void weight_gradient(const float* a, const float* d, std::size_t m, std::size_t k, std::size_t n,
                                float* g) {
        for (std::size_t p = 0; p < k; ++p) {
            float* gp = g + p * n;
            std::fill(gp, gp + n, 0.0f);
            for (std::size_t i = 0; i < m; ++i) {
                const float aip = a[i * k + p];
                const float* di = d + i * n;
                for (std::size_t j = 0; j < n; ++j) gp[j] += aip * di[j];
            }
        }
    }

    static void column_sums(const float* d, std::size_t m, std::size_t n, float* out) {
        std::fill(out, out + n, 0.0f);
        for (std::size_t i = 0; i < m; ++i)
            for (std::size_t j = 0; j < n; ++j) out[j] += d[i * n + j];
    }

    // Row-wise softmax of z2 into p, keeping log(sum exp(z)) of each row for the loss.
    void softmax(std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) {
            const float* z = z2_.data() + i * classes;
            float* p = p_.data() + i * classes;
            const float m = *std::max_element(z, z + classes);
            float sum = 0;
            for (std::size_t j = 0; j < classes; ++j) {
                p[j] = std::exp(z[j] - m);
                sum += p[j];
            }
            const float inv = 1.0f / sum;
            for (std::size_t j = 0; j < classes; ++j) p[j] *= inv;
            log_sum_[i] = std::log(sum) + m;
        }
    }

    static void update(std::vector<float>& w, const std::vector<float>& g, float lr) {
        for (std::size_t i = 0; i < w.size(); ++i) w[i] -= lr * g[i];
    }

    std::size_t rows_;
    std::vector<float> w1_, b1_, w2_, b2_;
    std::vector<float> dw1_, db1_, dw2_, db2_;
    std::vector<float> z1_, h1_, z2_, p_, log_sum_, d2_, d1_;
};

} // namespace bench
