#pragma once
// MeanAbsoluteError (L1): the absolute distance to the target row, averaged over the rows:
//   L = 1/n sum_rows ||a - y||_1 = 1/n sum_rows sum_j |a_j - y_j|,
//   dL/da_j = sign(a_j - y_j) / n, taken as 0 where a_j = y_j (the kink).
// Takes rows of target values. Predictions are the outputs a themselves.
//
// PyTorch: nn.L1Loss() averages over all n x Width values: it is this loss divided by Width
// (the same for a single output). When to use it: regression with outliers in the targets;
// every residual pulls with the same force, so a constant fit goes to the median, not the mean.

#include <algorithm>
#include <cstddef>
#include <string_view>

#include <typenet/core/layer.hpp>
#include <typenet/core/loss.hpp>
#include <typenet/core/targets.hpp>
#include <typenet/kernels/losses.hpp>

namespace typenet {

struct MeanAbsoluteError {
    static constexpr layer_kind kind = layer_kind::loss;
    static constexpr std::string_view name = "mean_absolute_error";
    static constexpr target_kind takes = target_kind::values;
    static constexpr shape output_shape(shape in) noexcept { return in; }

    template <class T, std::size_t Width>
    static double evaluate(const T* a, std::size_t rows, targets<T> t, T* out, T* grad) noexcept {
        std::copy(a, a + rows * Width, out);
        return kernels::absolute_error<T>(a, t.values, rows * Width, grad, T(1) / T(rows));
    }
    template <class T, std::size_t Width>
    static void predict(const T* a, std::size_t rows, T* out) noexcept {
        std::copy(a, a + rows * Width, out);
    }
};

} // namespace typenet
