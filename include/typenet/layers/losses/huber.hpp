#pragma once
// Huber<delta>: quadratic near the target, linear beyond delta (default 1). For d = a - y,
//   h(d) = d^2 / 2 for |d| <= delta,   delta (|d| - delta / 2) otherwise,
//   L = 1/n sum_rows sum_j h(a_j - y_j),   dL/da_j = clamp(d_j, -delta, delta) / n.
// h and its derivative are continuous at |d| = delta: no kink. Takes rows of target values.
// Predictions are the outputs a themselves. Within delta it equals MeanSquaredError.
//
// PyTorch: nn.HuberLoss(delta=delta) averages h over all n x Width values: it is this loss
// divided by Width. nn.SmoothL1Loss(beta) is h / beta with delta = beta: Huber<b> / (b Width).
// When to use it: regression with some outliers, keeping squared error's smooth minimum for
// small residuals and L1's bounded pull for large ones.

#include <algorithm>
#include <cstddef>
#include <string_view>

#include <typenet/core/layer.hpp>
#include <typenet/core/loss.hpp>
#include <typenet/core/real.hpp>
#include <typenet/core/targets.hpp>
#include <typenet/kernels/losses.hpp>

namespace typenet {

template <real Delta = 1.0>
struct Huber {
    static_assert(Delta.value > 0, "typenet::Huber<delta> needs delta > 0");
    static constexpr double delta = Delta.value;

    static constexpr layer_kind kind = layer_kind::loss;
    static constexpr std::string_view name = "huber";
    static constexpr target_kind takes = target_kind::values;
    static constexpr shape output_shape(shape in) noexcept { return in; }

    template <class T, std::size_t Width>
    static double evaluate(const T* a, std::size_t rows, targets<T> t, T* out, T* grad) noexcept {
        std::copy(a, a + rows * Width, out);
        return kernels::huber<T>(a, t.values, rows * Width, static_cast<T>(delta), grad, T(1) / T(rows));
    }
    template <class T, std::size_t Width>
    static void predict(const T* a, std::size_t rows, T* out) noexcept {
        std::copy(a, a + rows * Width, out);
    }
};

} // namespace typenet
