#pragma once
// MeanSquaredError: half the squared distance to the target row, averaged over the rows:
//   L = 1/(2n) sum_rows ||a - y||^2,   dL/da = (a - y) / n.
// Takes rows of target values. Predictions are the outputs a themselves.
//
// Not PyTorch's nn.MSELoss(), which is mean((a - y)^2) over all n x Width values, without the
// 1/2: nn.MSELoss()(a, y) = 2 / Width * MeanSquaredError, and its gradient is 2 / Width times
// this one. With SGD the same steps as PyTorch's thus need a learning rate 2 / Width times
// PyTorch's (for Width 1: twice it). The 1/2 is the seeds' quadratic cost C = 1/(2n) sum ||y - a||^2,
// whose gradient is the plain residual a - y.

#include <algorithm>
#include <cstddef>
#include <string_view>

#include <typenet/core/layer.hpp>
#include <typenet/core/loss.hpp>
#include <typenet/core/targets.hpp>
#include <typenet/kernels/softmax.hpp>

namespace typenet {

struct MeanSquaredError {
    static constexpr layer_kind kind = layer_kind::loss;
    static constexpr std::string_view name = "mean_squared_error";
    static constexpr target_kind takes = target_kind::values;
    static constexpr shape output_shape(shape in) noexcept { return in; }

    template <class T, std::size_t Width>
    static double evaluate(const T* a, std::size_t rows, targets<T> t, T* out, T* grad) noexcept {
        std::copy(a, a + rows * Width, out);
        return kernels::squared_error<T>(a, t.values, rows * Width, grad, T(1) / T(rows));
    }
    template <class T, std::size_t Width>
    static void predict(const T* a, std::size_t rows, T* out) noexcept {
        std::copy(a, a + rows * Width, out);
    }
};

} // namespace typenet
