#pragma once
// BatchNorm: per-feature batch normalisation with a learned scale and shift, as PyTorch's
// nn.BatchNorm1d(width, eps = 1e-5, momentum = 0.1):
//   training:  y = gamma * (x - mean_B) / sqrt(var_B + eps) + beta, with the batch's mean and
//              biased variance; the running averages move by
//              running = (1 - momentum) * running + momentum * batch statistic, the variance's
//              batch statistic unbiased (n / (n - 1)), as PyTorch keeps it;
//   inference: y = gamma * (x - running_mean) / sqrt(running_var + eps) + beta, a per-feature
//              affine map that runs inside the kernel of the layer before it.
// Tensors: "weight" (gamma, role scale, initially 1), "bias" (beta, role shift, initially 0),
// and the state "running_mean" (0) and "running_var" (1): PyTorch's state_dict names.
// A training pass needs at least two rows.

#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <string_view>

#include <typenet/core/context.hpp>
#include <typenet/core/fused_passes.hpp>
#include <typenet/core/layer.hpp>
#include <typenet/core/real.hpp>
#include <typenet/core/rng.hpp>
#include <typenet/kernels/elementwise.hpp>
#include <typenet/kernels/simd.hpp>

namespace typenet {

template <real Momentum = 0.1, real Eps = 1e-5>
struct BatchNormalization {
    static constexpr layer_kind kind = layer_kind::kernel;          // batch statistics in training
    static constexpr layer_kind inference_kind = layer_kind::elementwise;  // an affine map in inference
    static constexpr std::string_view name = "batch_norm";
    static constexpr double momentum = Momentum.value;
    static constexpr double eps = Eps.value;
    static constexpr std::size_t min_training_rows = 2;
    static constexpr shape output_shape(shape in) noexcept { return in; }

    static constexpr std::array<tensor_spec, 4> tensors(shape in) noexcept {
        const std::size_t w = in.size();
        return {tensor_spec{"weight", tensor_role::scale, {w, 1, 1, 1}, 1},
                tensor_spec{"bias", tensor_role::shift, {w, 1, 1, 1}, 1},
                tensor_spec{"running_mean", tensor_role::running_mean, {w, 1, 1, 1}, 1},
                tensor_spec{"running_var", tensor_role::running_var, {w, 1, 1, 1}, 1}};
    }
    template <class T>
    static void initialize(std::span<T> params, std::span<T> state, rng&) {
        const std::size_t w = params.size() / 2;
        for (std::size_t j = 0; j < w; ++j) {
            params[j] = T(1);
            params[w + j] = T(0);
            state[j] = T(0);
            state[w + j] = T(1);
        }
    }

    // Inference: the affine map with the running statistics, one vector at a time.
    template <class T, mode M, class V>
    static V forward(const pointwise_context<T, M>& c, const V& x) noexcept {
        const std::size_t w = c.width;
        const V scale = simd::load<V>(c.params + c.col) / simd::sqrt(simd::load<V>(c.state + w + c.col) + V(T(eps)));
        return (x - simd::load<V>(c.state + c.col)) * scale + simd::load<V>(c.params + w + c.col);
    }
    template <class T, mode M, class V>
    static V backward(const pointwise_context<T, M>& c, const V& x, const V&, const V& dy) noexcept {
        const std::size_t w = c.width;
        const V inv = V(T(1)) / simd::sqrt(simd::load<V>(c.state + w + c.col) + V(T(eps)));
        const V gamma = simd::load<V>(c.params + c.col);
        if (c.grads) {
            const V xhat = (x - simd::load<V>(c.state + c.col)) * inv;
            simd::store(c.grads + c.col, simd::load<V>(c.grads + c.col) + dy * xhat);
            simd::store(c.grads + w + c.col, simd::load<V>(c.grads + w + c.col) + dy);
        }
        return dy * gamma * inv;
    }

    // Training: a kernel over the batch; the element-wise layers after it (Epilogue) run in its
    // output pass.
    template <class T, class Self, class Epilogue, shape In, mode M>
    struct stage {
        static constexpr std::size_t width = In.size();
        static constexpr std::size_t W = width;
        static constexpr bool stores_pre = !Epilogue::empty;
        // Kept from forward to backward: the batch's mean and 1 / sqrt(var + eps) per feature.
        static constexpr std::size_t saved_size(std::size_t) noexcept { return 2 * W; }

        static void forward(const run_context<T>& c, const T* x, std::size_t rows, T* pre, T* out, T* saved,
                            T*) noexcept {
            T* mean = saved;
            T* inv = saved + W;
            const T n = T(rows);
            for_columns([&]<class V>(std::size_t j) {
                V s = V(T(0));
                for (std::size_t r = 0; r < rows; ++r) s += simd::load<V>(x + r * W + j);
                const V m = s / V(n);
                V q = V(T(0));
                for (std::size_t r = 0; r < rows; ++r) {
                    const V d = simd::load<V>(x + r * W + j) - m;
                    q = simd::fmadd(d, d, q);
                }
                const V var = q / V(n);
                simd::store(mean + j, m);
                simd::store(inv + j, V(T(1)) / simd::sqrt(var + V(T(eps))));
                if (c.update_state) {
                    T* running = Self::state(c);
                    const V mom = V(T(momentum));
                    const V keep = V(T(1 - momentum));
                    const V unbiased = q / V(n - T(1));
                    simd::store(running + j, keep * simd::load<V>(running + j) + mom * m);
                    simd::store(running + W + j, keep * simd::load<V>(running + W + j) + mom * unbiased);
                }
            });
            const T* gamma = Self::params(c);
            const T* beta = gamma + W;
            const auto bound = Epilogue::bind(c);
            for (std::size_t r = 0; r < rows; ++r)
                for_columns([&]<class V>(std::size_t j) {
                    const std::size_t o = r * W + j;
                    const V z = (simd::load<V>(x + o) - simd::load<V>(mean + j)) * simd::load<V>(inv + j) *
                                    simd::load<V>(gamma + j) +
                                simd::load<V>(beta + j);
                    if constexpr (stores_pre) simd::store(pre + o, z);
                    simd::store(out + o, Epilogue::forward(bound.data(), r, j, z));
                });
        }

        // dx = gamma * inv / n * (n g - sum g - xhat * sum(g xhat)), g the gradient of the
        // normalised output (after the epilogue's prologue); dgamma = sum(g xhat), dbeta = sum g.
        static void backward(const run_context<T>& c, const T* x, std::size_t rows, const T* pre, T* d, T* dx,
                             T* saved, T*) noexcept {
            if constexpr (!Epilogue::empty) detail::chain_backward<T, Epilogue, W>(c, pre, d, d, rows);
            const T* mean = saved;
            const T* inv = saved + W;
            // The sums are the scale's and the shift's gradients themselves.
            T* sum_gx = Self::grads(c);
            T* sum_g = sum_gx + W;
            for_columns([&]<class V>(std::size_t j) {
                V sg = V(T(0)), sgx = V(T(0));
                const V m = simd::load<V>(mean + j), s = simd::load<V>(inv + j);
                for (std::size_t r = 0; r < rows; ++r) {
                    const V g = simd::load<V>(d + r * W + j);
                    sg += g;
                    sgx = simd::fmadd(g, (simd::load<V>(x + r * W + j) - m) * s, sgx);
                }
                simd::store(sum_g + j, sg);
                simd::store(sum_gx + j, sgx);
            });
            if (!dx) return;
            const T* gamma = Self::params(c);
            const T n = T(rows);
            for_columns([&]<class V>(std::size_t j) {
                const V m = simd::load<V>(mean + j), s = simd::load<V>(inv + j);
                const V scale = simd::load<V>(gamma + j) * s / V(n);
                const V sg = simd::load<V>(sum_g + j), sgx = simd::load<V>(sum_gx + j);
                for (std::size_t r = 0; r < rows; ++r) {
                    const std::size_t o = r * W + j;
                    const V xhat = (simd::load<V>(x + o) - m) * s;
                    simd::store(dx + o, scale * (V(n) * simd::load<V>(d + o) - sg - xhat * sgx));
                }
            });
        }

    private:
        template <class F>
        static void for_columns(F&& f) noexcept {
            kernels::for_each_vector<T>(W, f);
        }
    };
};

using BatchNorm = BatchNormalization<>;

} // namespace typenet
