#pragma once
// Sparse<k>: each unit (a column of the fan_in x fan_out weight matrix) is connected to k
// distinct inputs chosen uniformly at random; those k weights are N(0, 1/k), every other weight
// is 0. The std 1/sqrt(k) gives a unit's pre-activation the variance of its inputs, as Xavier
// does with all fan_in connections; the scale no longer depends on the layer's width, which is
// the point of sparse initialisation (Martens 2010; the seeds: "typically 10 connections").
//
// k > fan_in is rejected with typenet::error rather than clamped: a clamped Sparse<10> on 5
// inputs would be a dense Gaussian of another variance, which is not what was asked for.
//
// PyTorch's torch.nn.init.sparse_(w, sparsity, std=0.01) differs: it zeroes a fraction of each
// column of its Out x In weight, i.e. of each input's outgoing weights, and keeps std 0.01.
// Keras has no sparse initialiser.

#include <cmath>
#include <cstddef>
#include <numeric>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <typenet/core/error.hpp>
#include <typenet/core/rng.hpp>
#include <typenet/init/initializer.hpp>

namespace typenet {

template <std::size_t K = 10>
struct Sparse {
    static_assert(K > 0, "typenet::Sparse<k> needs k > 0 connections per unit");
    static constexpr std::size_t connections = K;

    template <class T>
    static void fill(std::span<T> w, std::size_t fan_in, std::size_t fan_out, rng& g) {
        detail::check_weight_count(w.size(), fan_in, fan_out);
        if (K > fan_in)
            throw error("typenet::Sparse<" + std::to_string(K) + "> connects each unit to " + std::to_string(K) +
                        " distinct inputs, but the layer has " + std::to_string(fan_in));
        for (T& v : w) v = T(0);
        const double s = 1.0 / std::sqrt(static_cast<double>(K));
        // A partial Fisher-Yates shuffle per unit: its first K entries are a uniform K-subset
        // whatever order the previous unit left behind.
        std::vector<std::size_t> rows(fan_in);
        std::iota(rows.begin(), rows.end(), std::size_t{0});
        for (std::size_t j = 0; j < fan_out; ++j)
            for (std::size_t i = 0; i < K; ++i) {
                std::swap(rows[i], rows[i + g.below(fan_in - i)]);
                w[rows[i] * fan_out + j] = static_cast<T>(s * g.normal());
            }
    }
};

} // namespace typenet
