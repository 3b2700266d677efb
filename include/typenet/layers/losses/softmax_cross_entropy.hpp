#pragma once
// SoftmaxCrossEntropy: softmax followed by the negative log-likelihood of the labelled class,
// as one step. For the scores z of a row with label y, p = softmax(z) and
//   L = 1/n sum_rows -log p_y,   dL/dz = (p - onehot(y)) / n.
// Takes class labels in [0, Width). Predictions are the class probabilities p.
// PyTorch: nn.CrossEntropyLoss() on the scores (the same mean over rows).

#include <cstddef>
#include <string_view>

#include <typenet/core/layer.hpp>
#include <typenet/core/loss.hpp>
#include <typenet/core/targets.hpp>
#include <typenet/kernels/softmax.hpp>

namespace typenet {

struct SoftmaxCrossEntropy {
    static constexpr layer_kind kind = layer_kind::loss;
    static constexpr std::string_view name = "softmax_cross_entropy";
    static constexpr target_kind takes = target_kind::labels;
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

} // namespace typenet
