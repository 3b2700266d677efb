// The network as plain loops over row-major std::vector<float> arrays: one pass per operation,
// loops ordered so that every inner loop runs over contiguous memory and vectorises under
// -O3 -march=native (the dot products through `omp simd reduction`, since a float sum is not
// reordered otherwise), and `omp parallel for` over independent rows or columns for threads.

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "common/race.hpp"

namespace {

struct layer {
    std::size_t in, out;
    std::vector<float> w, b, dw, db;  // w: in x out, row k = input k
    std::vector<float> z, dz;         // batch x out: output (after ReLU for hidden layers), its gradient
};

class plain_loops {
public:
    explicit plain_loops(const race::setup& s) : train_(s.train), test_(s.test) {
        omp_set_num_threads(s.threads);
        for (std::size_t l = 0; l < s.net.layers(); ++l) {
            const std::size_t in = s.net.in(l), out = s.net.out(l);
            const float* w = s.initial.data() + s.net.weight_offset(l);
            const float* b = s.initial.data() + s.net.bias_offset(l);
            layers_.push_back({in, out, {w, w + in * out}, {b, b + out}, std::vector<float>(in * out),
                               std::vector<float>(out), std::vector<float>(race::batch * out),
                               std::vector<float>(race::batch * out)});
        }
        x_.resize(race::batch * race::image_width);
        labels_.resize(race::batch);
    }

    void train_batch(std::span<const std::uint32_t> rows) {
        const std::size_t n = rows.size();
        for (std::size_t r = 0; r < n; ++r) {
            std::memcpy(x_.data() + r * race::image_width, train_.row(rows[r]), race::image_width * sizeof(float));
            labels_[r] = train_.y[rows[r]];
        }
        forward(x_.data(), n);

        // dL/dz of the last layer: (softmax - onehot(label)) / n.
        layer& last = layers_.back();
        const float scale = 1.0f / static_cast<float>(n);
        for (std::size_t r = 0; r < n; ++r) {
            float* p = last.z.data() + r * last.out;
            float* d = last.dz.data() + r * last.out;
            softmax(p, last.out);
            for (std::size_t j = 0; j < last.out; ++j) d[j] = p[j] * scale;
            d[labels_[r]] -= scale;
        }

        for (std::size_t l = layers_.size(); l-- > 0;) {
            layer& L = layers_[l];
            const float* x = l == 0 ? x_.data() : layers_[l - 1].z.data();
            weight_gradient(x, L.dz.data(), n, L.in, L.out, L.dw.data());
            column_sums(L.dz.data(), n, L.out, L.db.data());
            if (l > 0) {
                // dL/dx = dz W^T, then through the previous layer's ReLU (its output is 0
                // exactly where its input was not positive).
                layer& P = layers_[l - 1];
#pragma omp parallel for
                for (std::size_t r = 0; r < n; ++r)
                    for (std::size_t k = 0; k < L.in; ++k) {
                        const float* d = L.dz.data() + r * L.out;
                        const float* w = L.w.data() + k * L.out;
                        float s = 0;
#pragma omp simd reduction(+ : s)
                        for (std::size_t j = 0; j < L.out; ++j) s += d[j] * w[j];
                        P.dz[r * L.in + k] = P.z[r * L.in + k] > 0 ? s : 0.0f;
                    }
            }
        }
        for (layer& L : layers_) {
            update(L.w, L.dw);
            update(L.b, L.db);
        }
    }

    std::uint32_t classify(std::size_t i) {
        forward(test_.row(i), 1);
        layer& last = layers_.back();
        softmax(last.z.data(), last.out);
        return race::argmax(last.z.data(), last.out);
    }

private:
    // z = x W + b for every layer, ReLU on the hidden ones; the last layer keeps its logits.
    void forward(const float* x, std::size_t n) {
        for (std::size_t l = 0; l < layers_.size(); ++l) {
            layer& L = layers_[l];
            const bool relu = l + 1 < layers_.size();
#pragma omp parallel for
            for (std::size_t r = 0; r < n; ++r) {
                float* z = L.z.data() + r * L.out;
                const float* xr = x + r * L.in;
                std::copy(L.b.begin(), L.b.end(), z);
                for (std::size_t k = 0; k < L.in; ++k) {
                    const float xk = xr[k];
                    const float* w = L.w.data() + k * L.out;
                    for (std::size_t j = 0; j < L.out; ++j) z[j] += xk * w[j];
                }
                if (relu)
                    for (std::size_t j = 0; j < L.out; ++j) z[j] = std::max(z[j], 0.0f);
            }
            x = L.z.data();
        }
    }

    static void softmax(float* z, std::size_t n) {
        const float m = *std::max_element(z, z + n);
        float sum = 0;
        for (std::size_t j = 0; j < n; ++j) {
            z[j] = std::exp(z[j] - m);
            sum += z[j];
        }
        for (std::size_t j = 0; j < n; ++j) z[j] /= sum;
    }

    // g (k x n) = a^T d with a (m x k), d (m x n): row p of g accumulates over the samples while
    // it stays in cache; rows of g are independent, so threads split them.
    static void weight_gradient(const float* a, const float* d, std::size_t m, std::size_t k, std::size_t n, float* g) {
#pragma omp parallel for
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

    static void update(std::vector<float>& w, const std::vector<float>& g) {
        const std::size_t n = w.size();
        float* wp = w.data();
        const float* gp = g.data();
#pragma omp parallel for simd
        for (std::size_t i = 0; i < n; ++i) wp[i] -= race::learning_rate * gp[i];
    }

    const race::dataset& train_;
    const race::dataset& test_;
    std::vector<layer> layers_;
    std::vector<float> x_;
    std::vector<std::uint32_t> labels_;
};

} // namespace

int main(int argc, char** argv) {
    return race::main(argc, argv, "plain_loops", [](const race::setup& s, std::span<const std::uint32_t> order, double budget) {
        return race::run<plain_loops>(s, order, budget);
    });
}
