// The network with LIBXSMM 1.17: every product is a grid of JIT-generated small GEMMs
// (libxsmm_smmdispatch, dispatched once when the network is built, for each tile shape and
// batch size), with plain loops around them for the tiles, bias, ReLU, softmax and the SGD step,
// and `omp parallel for` over the tiles for threads. LIBXSMM is column-major: a row-major
// rows x out activation is its out x rows matrix, and typenet's row-major in x out weights are
// its out x in matrix W^T, so the forward product is Y^T = W^T X^T with no copies. Its JIT has
// no transposed-A kernels, so the input gradient uses W transposed each step by libxsmm_otrans.

#include <libxsmm.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/race.hpp"

namespace {

using index = libxsmm_blasint;

// C (m x n) = op(A) B, column-major, cut into tiles of at most bm x bn, each a chain of JIT
// kernels over blocks of at most bk of the k dimension (the first writes C, the others add
// to it): LIBXSMM's kernels unroll k, so a long k is split into blocks that stay efficient.
// A is never transposed; B may be (its stored matrix is then n x k).
class tiled_gemm {
public:
    tiled_gemm() = default;
    tiled_gemm(index m, index n, index k, index lda, index ldb, index ldc, bool transpose_b, index bm, index bn, index bk)
        : transpose_b_(transpose_b), lda_(lda), ldb_(ldb), ldc_(ldc) {
        for (index j = 0; j < n; j += bn)
            for (index i = 0; i < m; i += bm) {
                tile t{i, j, std::min(bm, m - i), {}};
                for (index p = 0; p < k; p += bk)
                    t.blocks.push_back({p, dispatch(std::min(bm, m - i), std::min(bn, n - j), std::min(bk, k - p), p > 0)});
                tiles_.push_back(std::move(t));
            }
    }

    void operator()(const float* a, const float* b, float* c) const {
        run([a](index i, index) { return a + i; }, b, c);
    }

    // The same with A given per tile: panel(i, m) returns the m x k panel of A whose first row
    // is row i, with leading dimension lda (e.g. packed into a buffer just before its use).
    template <class Panel>
    void run(Panel panel, const float* b, float* c) const {
        const std::ptrdiff_t count = static_cast<std::ptrdiff_t>(tiles_.size());
#pragma omp parallel for schedule(static) if (count > 1)
        for (std::ptrdiff_t t = 0; t < count; ++t) {
            const tile& x = tiles_[static_cast<std::size_t>(t)];
            const float* a = panel(x.i, x.m);
            for (const block& k : x.blocks)
                k.kernel(a + k.p * lda_, b + (transpose_b_ ? x.j + k.p * ldb_ : k.p + x.j * ldb_), c + x.i + x.j * ldc_);
        }
    }

private:
    struct block {
        index p;
        libxsmm_smmfunction kernel;
    };
    struct tile {
        index i, j, m;
        std::vector<block> blocks;
    };

    libxsmm_smmfunction dispatch(index m, index n, index k, bool accumulate) const {
        const float alpha = 1.0f, beta = accumulate ? 1.0f : 0.0f;
        const int flags = transpose_b_ ? LIBXSMM_GEMM_FLAG_TRANS_B : LIBXSMM_GEMM_FLAG_NONE;
        const libxsmm_smmfunction f = libxsmm_smmdispatch(m, n, k, &lda_, &ldb_, &ldc_, &alpha, &beta, &flags, nullptr);
        if (!f)
            throw std::runtime_error("libxsmm_smmdispatch found no kernel for m=" + std::to_string(m) + " n=" +
                                     std::to_string(n) + " k=" + std::to_string(k));
        return f;
    }

    bool transpose_b_ = false;
    index lda_ = 0, ldb_ = 0, ldc_ = 0;
    std::vector<tile> tiles_;
};

// Tile sizes, measured on AVX-512: 128 output rows by the whole batch for the products over
// the batch, 128 x 128 for the weight gradient, k in blocks of 128.
constexpr index block_m = 128;
constexpr index block_n = 128;
constexpr index block_k = 128;

// Rows of the transposed-weight panels for `in` inputs: whole panels of block_m.
constexpr std::size_t panel_rows(std::size_t in) { return (in + block_m - 1) / block_m * block_m; }

struct layer_gemms {
    tiled_gemm forward, weight_gradient, input_gradient;
};

struct layer {
    index in, out;
    std::vector<float> w, b, dw, db;  // w: typenet's in x out row-major (LIBXSMM's out x in)
    std::vector<float> wt;            // panels of w transposed, for the input gradient
    std::vector<float> z, dz;         // batch x out row-major
};

class libxsmm_peer {
public:
    explicit libxsmm_peer(const race::setup& s) : train_(s.train), test_(s.test) {
        libxsmm_init();
        omp_set_num_threads(s.threads);
        for (std::size_t l = 0; l < s.net.layers(); ++l) {
            const std::size_t in = s.net.in(l), out = s.net.out(l);
            const float* w = s.initial.data() + s.net.weight_offset(l);
            const float* b = s.initial.data() + s.net.bias_offset(l);
            layers_.push_back({static_cast<index>(in), static_cast<index>(out), {w, w + in * out}, {b, b + out},
                               std::vector<float>(in * out), std::vector<float>(out), std::vector<float>(panel_rows(in) * out),
                               std::vector<float>(race::batch * out), std::vector<float>(race::batch * out)});
        }
        x_.resize(race::batch * race::image_width);
        const index tail = static_cast<index>(race::train_size % race::batch);
        for (index rows : {static_cast<index>(race::batch), tail, index{1}})
            if (rows > 0) plans_[rows] = plan(rows);
    }

    void train_batch(std::span<const std::uint32_t> rows) {
        const std::size_t n = rows.size();
        for (std::size_t r = 0; r < n; ++r)
            std::memcpy(x_.data() + r * race::image_width, train_.row(rows[r]), race::image_width * sizeof(float));
        const std::vector<layer_gemms>& g = plans_.at(static_cast<index>(n));
        forward(x_.data(), n, g);

        layer& last = layers_.back();
        const float scale = 1.0f / static_cast<float>(n);
        const std::size_t classes = static_cast<std::size_t>(last.out);
        for (std::size_t r = 0; r < n; ++r) {
            float* p = last.z.data() + r * classes;
            float* d = last.dz.data() + r * classes;
            softmax(p, classes);
            for (std::size_t j = 0; j < classes; ++j) d[j] = p[j] * scale;
            d[train_.y[rows[r]]] -= scale;
        }

        for (std::size_t l = layers_.size(); l-- > 0;) {
            layer& L = layers_[l];
            const std::size_t out = static_cast<std::size_t>(L.out);
            const float* x = l == 0 ? x_.data() : layers_[l - 1].z.data();
            // dW^T (out x in) = D^T (out x n) X (n x in), X read transposed in place.
            g[l].weight_gradient(L.dz.data(), x, L.dw.data());
            std::fill(L.db.begin(), L.db.end(), 0.0f);
            for (std::size_t r = 0; r < n; ++r)
                for (std::size_t j = 0; j < out; ++j) L.db[j] += L.dz[r * out + j];
            if (l > 0) {
                layer& P = layers_[l - 1];
                // dX^T (in x n) = W (in x out) D^T (out x n), then through P's ReLU. LIBXSMM holds
                // W as its transpose and its JIT has no transposed-A kernels: each panel of
                // block_m rows of W is transposed (libxsmm_otrans) into a buffer of its own just
                // before its kernels use it, so it is still in cache.
                float* panels = L.wt.data();
                const float* w = L.w.data();
                const index out = L.out;
                g[l].input_gradient.run(
                    [=](index i, index m) {
                        float* panel = panels + i * out;
                        libxsmm_otrans(panel, w + i * out, sizeof(float), out, m, out, block_m);
                        return static_cast<const float*>(panel);
                    },
                    L.dz.data(), P.dz.data());
                const std::size_t size = n * static_cast<std::size_t>(L.in);
                for (std::size_t i = 0; i < size; ++i)
                    if (P.z[i] <= 0.0f) P.dz[i] = 0.0f;
            }
        }
        for (layer& L : layers_) {
            sgd(L.w, L.dw);
            sgd(L.b, L.db);
        }
    }

    std::uint32_t classify(std::size_t i) {
        forward(test_.row(i), 1, plans_.at(1));
        layer& last = layers_.back();
        softmax(last.z.data(), static_cast<std::size_t>(last.out));
        return race::argmax(last.z.data(), static_cast<std::size_t>(last.out));
    }

private:
    std::vector<layer_gemms> plan(index rows) const {
        std::vector<layer_gemms> g;
        for (const layer& L : layers_)
            g.push_back({tiled_gemm(L.out, rows, L.in, L.out, L.in, L.out, false, block_m, rows, block_k),
                         tiled_gemm(L.out, L.in, rows, L.out, L.in, L.out, true, block_m, block_n, block_k),
                         tiled_gemm(L.in, rows, L.out, block_m, L.out, L.in, false, block_m, rows, block_k)});
        return g;
    }

    void forward(const float* x, std::size_t n, const std::vector<layer_gemms>& g) {
        for (std::size_t l = 0; l < layers_.size(); ++l) {
            layer& L = layers_[l];
            // Y^T (out x n) = W^T (out x in) X^T (in x n), then bias and ReLU.
            g[l].forward(L.w.data(), x, L.z.data());
            const std::size_t out = static_cast<std::size_t>(L.out);
            const bool relu = l + 1 < layers_.size();
            for (std::size_t r = 0; r < n; ++r) {
                float* z = L.z.data() + r * out;
                for (std::size_t j = 0; j < out; ++j) z[j] += L.b[j];
                if (relu)
                    for (std::size_t j = 0; j < out; ++j) z[j] = std::max(z[j], 0.0f);
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

    static void sgd(std::vector<float>& w, const std::vector<float>& g) {
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
    std::map<index, std::vector<layer_gemms>> plans_;
};

} // namespace

int main(int argc, char** argv) {
    return race::main(argc, argv, "libxsmm", [](const race::setup& s, std::span<const std::uint32_t> order, double budget) {
        return race::run<libxsmm_peer>(s, order, budget);
    });
}
