#pragma once
// Loss layers: the last layer of a network. evaluate() reads the batch's outputs `a`
// (rows x Width), writes the network's predictions to `out` and, when `grad` is not null,
// the gradient of the mean loss with respect to `a`; it returns the summed loss.

#include <algorithm>
#include <cstddef>
#include <string_view>

#include <typenet/core/layer.hpp>
#include <typenet/core/targets.hpp>
#include <typenet/kernels/softmax.hpp>

namespace typenet {

// Softmax followed by the negative log-likelihood of the labelled class, as one step whose
// gradient is p - y. Predictions are the class probabilities.
struct SoftmaxCrossEntropy {
    static constexpr layer_kind kind = layer_kind::loss;
    static constexpr std::string_view name = "softmax_cross_entropy";
    static constexpr bool needs_labels = true;
    static constexpr shape output_shape(shape in) noexcept { return in; }

    template <class T, std::size_t Width>
    static double evaluate(const T* a, std::size_t rows, targets<T> t, T* out, T* grad) noexcept {
        return kernels::softmax_cross_entropy<T, Width>(a, t.labels, rows, out, grad, T(1) / T(rows));
    }
    template <class T, std::size_t Width>
    static void predict(const T* a, std::size_t rows, T* out) noexcept {
        kernels::softmax_cross_entropy<T, Width>(a, nullptr, rows, out, nullptr, T(0));
    }
};

// Half the squared distance to the target row, averaged over the batch:
// L = 1/(2n) sum ||a - y||^2, gradient (a - y)/n. Predictions are the outputs themselves.
struct MeanSquaredError {
    static constexpr layer_kind kind = layer_kind::loss;
    static constexpr std::string_view name = "mean_squared_error";
    static constexpr bool needs_labels = false;
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
