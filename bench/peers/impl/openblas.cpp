// The network as OpenBLAS GEMMs composed by hand: cblas_sgemm for the forward products (the
// output starts as the broadcast bias, beta = 1), for the weight gradients (x^T d) and the
// input gradients (d W^T), simple loops for ReLU, softmax and the bias gradients, cblas_saxpy
// for the SGD step. openblas_set_num_threads sets the thread count.

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "common/race.hpp"

namespace {

struct layer {
    int in, out;
    std::vector<float> w, b, dw, db;  // w: in x out, row k = input k (row-major)
    std::vector<float> z, dz;         // batch x out: output (after ReLU for hidden layers), its gradient
};

class openblas_peer {
public:
    explicit openblas_peer(const race::setup& s) : train_(s.train), test_(s.test) {
        openblas_set_num_threads(s.threads);
        for (std::size_t l = 0; l < s.net.layers(); ++l) {
            const std::size_t in = s.net.in(l), out = s.net.out(l);
            const float* w = s.initial.data() + s.net.weight_offset(l);
            const float* b = s.initial.data() + s.net.bias_offset(l);
            layers_.push_back({static_cast<int>(in), static_cast<int>(out), {w, w + in * out}, {b, b + out},
                               std::vector<float>(in * out), std::vector<float>(out),
                               std::vector<float>(race::batch * out), std::vector<float>(race::batch * out)});
        }
        x_.resize(race::batch * race::image_width);
    }

    void train_batch(std::span<const std::uint32_t> rows) {
        const int n = static_cast<int>(rows.size());
        for (std::size_t r = 0; r < rows.size(); ++r)
            std::memcpy(x_.data() + r * race::image_width, train_.row(rows[r]), race::image_width * sizeof(float));
        forward(x_.data(), n);

        layer& last = layers_.back();
        const float scale = 1.0f / static_cast<float>(n);
        for (std::size_t r = 0; r < rows.size(); ++r) {
            float* p = last.z.data() + r * static_cast<std::size_t>(last.out);
            float* d = last.dz.data() + r * static_cast<std::size_t>(last.out);
            softmax(p, last.out);
            for (int j = 0; j < last.out; ++j) d[j] = p[j] * scale;
            d[train_.y[rows[r]]] -= scale;
        }

        for (std::size_t l = layers_.size(); l-- > 0;) {
            layer& L = layers_[l];
            const float* x = l == 0 ? x_.data() : layers_[l - 1].z.data();
            // dW (in x out) = x^T (in x n) dz (n x out)
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, L.in, L.out, n, 1.0f, x, L.in, L.dz.data(), L.out,
                        0.0f, L.dw.data(), L.out);
            std::fill(L.db.begin(), L.db.end(), 0.0f);
            for (int r = 0; r < n; ++r)
                for (int j = 0; j < L.out; ++j) L.db[static_cast<std::size_t>(j)] += L.dz[static_cast<std::size_t>(r * L.out + j)];
            if (l > 0) {
                layer& P = layers_[l - 1];
                // dx (n x in) = dz (n x out) W^T (out x in), then through P's ReLU.
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, L.in, L.out, 1.0f, L.dz.data(), L.out,
                            L.w.data(), L.out, 0.0f, P.dz.data(), L.in);
                const std::size_t size = static_cast<std::size_t>(n * L.in);
                for (std::size_t i = 0; i < size; ++i)
                    if (P.z[i] <= 0.0f) P.dz[i] = 0.0f;
            }
        }
        for (layer& L : layers_) {
            cblas_saxpy(static_cast<int>(L.w.size()), -race::learning_rate, L.dw.data(), 1, L.w.data(), 1);
            cblas_saxpy(L.out, -race::learning_rate, L.db.data(), 1, L.b.data(), 1);
        }
    }

    std::uint32_t classify(std::size_t i) {
        forward(test_.row(i), 1);
        layer& last = layers_.back();
        softmax(last.z.data(), last.out);
        return race::argmax(last.z.data(), static_cast<std::size_t>(last.out));
    }

private:
    void forward(const float* x, int n) {
        for (std::size_t l = 0; l < layers_.size(); ++l) {
            layer& L = layers_[l];
            for (int r = 0; r < n; ++r) std::copy(L.b.begin(), L.b.end(), L.z.begin() + r * L.out);
            // z (n x out) = x (n x in) W (in x out) + z; one sample is a matrix-vector product.
            if (n == 1)
                cblas_sgemv(CblasRowMajor, CblasTrans, L.in, L.out, 1.0f, L.w.data(), L.out, x, 1, 1.0f, L.z.data(), 1);
            else
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, L.out, L.in, 1.0f, x, L.in, L.w.data(),
                            L.out, 1.0f, L.z.data(), L.out);
            if (l + 1 < layers_.size()) {
                const std::size_t size = static_cast<std::size_t>(n * L.out);
                for (std::size_t i = 0; i < size; ++i) L.z[i] = std::max(L.z[i], 0.0f);
            }
            x = L.z.data();
        }
    }

    static void softmax(float* z, int n) {
        const float m = *std::max_element(z, z + n);
        float sum = 0;
        for (int j = 0; j < n; ++j) {
            z[j] = std::exp(z[j] - m);
            sum += z[j];
        }
        for (int j = 0; j < n; ++j) z[j] /= sum;
    }

    const race::dataset& train_;
    const race::dataset& test_;
    std::vector<layer> layers_;
    std::vector<float> x_;
};

} // namespace

int main(int argc, char** argv) {
    return race::main(argc, argv, "openblas", [](const race::setup& s, std::span<const std::uint32_t> order, double budget) {
        return race::run<openblas_peer>(s, order, budget);
    });
}
