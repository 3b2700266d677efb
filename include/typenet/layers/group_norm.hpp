#pragma once
// GroupNorm<G> and LayerNorm: normalisation over each sample's own features, the same in
// training and inference (no running statistics), with a learned per-feature scale and shift.
// The width is split into G groups of consecutive features; within a group,
//   y = gamma_j * (x_j - mean_g) / sqrt(var_g + eps) + beta_j   (biased variance),
// as PyTorch's nn.GroupNorm(G, width) on a (rows, width) input, whose groups are consecutive
// channels. LayerNorm is one group: PyTorch's nn.LayerNorm(width). Tensors "weight" (gamma,
// role scale, 1) and "bias" (beta, role shift, 0). The element-wise layers after it run in its
// output pass.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <span>
#include <string_view>
#include <type_traits>

#include <typenet/core/context.hpp>
#include <typenet/core/diagnostics.hpp>
#include <typenet/core/fused_passes.hpp>
#include <typenet/core/layer.hpp>
#include <typenet/core/real.hpp>
#include <typenet/core/rng.hpp>
#include <typenet/kernels/elementwise.hpp>
#include <typenet/kernels/simd.hpp>

namespace typenet {

template <std::size_t G>
struct groups {};

// GroupNorm<G>'s group count must divide the width it normalises.
template <class Position, class Layer, class Groups, class Width>
struct group_count_must_divide_width;

namespace detail {

template <std::size_t G, real Eps>
struct group_normalization {
    static constexpr layer_kind kind = layer_kind::kernel;
    static constexpr double eps = Eps.value;
    static constexpr shape output_shape(shape in) noexcept { return in; }

    static constexpr std::array<tensor_spec, 2> tensors(shape in) noexcept {
        return {tensor_spec{"weight", tensor_role::scale, {in.size(), 1, 1, 1}, 1},
                tensor_spec{"bias", tensor_role::shift, {in.size(), 1, 1, 1}, 1}};
    }
    template <class T>
    static void initialize(std::span<T> params, std::span<T>, rng&) {
        const std::size_t w = params.size() / 2;
        std::fill(params.begin(), params.begin() + static_cast<std::ptrdiff_t>(w), T(1));
        std::fill(params.begin() + static_cast<std::ptrdiff_t>(w), params.end(), T(0));
    }

    template <class T, class Self, class Epilogue, shape In, mode M>
    struct stage {
        static constexpr std::size_t width = In.size();
        static constexpr std::size_t W = width;
        static constexpr std::size_t size = W / G;  // features per group
        static constexpr bool stores_pre = !Epilogue::empty;
        // Kept from forward to backward: mean and 1 / sqrt(var + eps) per row and group.
        static constexpr std::size_t saved_size(std::size_t rows) noexcept { return 2 * rows * G; }

        static void forward(const run_context<T>& c, const T* x, std::size_t rows, T* pre, T* out, T* saved,
                            T*) noexcept {
            const T* gamma = Self::params(c);
            const T* beta = gamma + W;
            const auto bound = Epilogue::bind(c);
            for (std::size_t r = 0; r < rows; ++r)
                for (std::size_t g = 0; g < G; ++g) {
                    const std::size_t first = r * W + g * size;
                    const T* a = x + first;
                    const T m = sum(a, [](auto v) { return v; }) / T(size);
                    const T var = sum(a, [m]<class V>(const V& v) { return (v - V(m)) * (v - V(m)); }) / T(size);
                    const T inv = T(1) / std::sqrt(var + T(eps));
                    saved[2 * (r * G + g)] = m;
                    saved[2 * (r * G + g) + 1] = inv;
                    kernels::for_each_vector<T>(size, [&]<class V>(std::size_t i) {
                        const std::size_t j = g * size + i;
                        const V z = (simd::load<V>(a + i) - V(m)) * V(inv) * simd::load<V>(gamma + j) +
                                    simd::load<V>(beta + j);
                        if constexpr (stores_pre) simd::store(pre + first + i, z);
                        simd::store(out + first + i, Epilogue::forward(bound.data(), r, j, z));
                    });
                }
        }

        // Per row and group, with h = gamma * g the gradient of xhat:
        // dx = inv / n * (n h - sum h - xhat * sum(h xhat)); dgamma_j = sum over rows of g xhat,
        // dbeta_j = sum over rows of g.
        static void backward(const run_context<T>& c, const T* x, std::size_t rows, const T* pre, T* d, T* dx,
                             T* saved, T*) noexcept {
            if constexpr (!Epilogue::empty) chain_backward<T, Epilogue, W>(c, pre, d, d, rows);
            const T* gamma = Self::params(c);
            T* dgamma = Self::grads(c);
            T* dbeta = dgamma + W;
            std::fill(dgamma, dgamma + 2 * W, T(0));
            for (std::size_t r = 0; r < rows; ++r)
                for (std::size_t g = 0; g < G; ++g) {
                    const std::size_t first = r * W + g * size;
                    const T m = saved[2 * (r * G + g)], inv = saved[2 * (r * G + g) + 1];
                    T sh = 0, shx = 0;
                    kernels::for_each_vector<T>(size, [&]<class V>(std::size_t i) {
                        const std::size_t j = g * size + i;
                        const V xhat = (simd::load<V>(x + first + i) - V(m)) * V(inv);
                        const V gr = simd::load<V>(d + first + i);
                        const V h = gr * simd::load<V>(gamma + j);
                        simd::store(dgamma + j, simd::load<V>(dgamma + j) + gr * xhat);
                        simd::store(dbeta + j, simd::load<V>(dbeta + j) + gr);
                        sh += simd::reduce_add(h);
                        shx += simd::reduce_add(h * xhat);
                    });
                    if (!dx) continue;
                    const T n = T(size);
                    kernels::for_each_vector<T>(size, [&]<class V>(std::size_t i) {
                        const std::size_t j = g * size + i;
                        const V xhat = (simd::load<V>(x + first + i) - V(m)) * V(inv);
                        const V h = simd::load<V>(d + first + i) * simd::load<V>(gamma + j);
                        simd::store(dx + first + i, V(inv / n) * (V(n) * h - V(sh) - xhat * V(shx)));
                    });
                }
        }

    private:
        // Sum of f(v) over one group's values.
        template <class F>
        static T sum(const T* a, F f) noexcept {
            T s = 0;
            kernels::for_each_vector<T>(size, [&]<class V>(std::size_t i) { s += simd::reduce_add(f(simd::load<V>(a + i))); });
            return s;
        }
    };
};

} // namespace detail

template <std::size_t G, real Eps = 1e-5>
struct GroupNorm : detail::group_normalization<G, Eps> {
    static constexpr std::string_view name = "group_norm";
    template <std::size_t Position, shape In>
    using mistake = std::conditional_t<(G > 0 && In.size() % G == 0), void,
                                       group_count_must_divide_width<at_layer<Position>, GroupNorm, groups<G>,
                                                                     width<In.size()>>>;
};

template <real Eps = 1e-5>
struct LayerNormalization : detail::group_normalization<1, Eps> {
    static constexpr std::string_view name = "layer_norm";
};

using LayerNorm = LayerNormalization<>;

} // namespace typenet
