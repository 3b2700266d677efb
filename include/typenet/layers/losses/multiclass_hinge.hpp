#pragma once
// MulticlassHinge: the seeds' multiclass SVM loss (Weston-Watkins form, margin 1). For the
// scores s of a row with label y,
//   L_i = sum_{j != y} max(0, s_j - s_y + 1),   L = 1/n sum_rows L_i,
//   dL/ds_j = [s_j - s_y + 1 > 0] / n for j != y,   dL/ds_y = -(number of such j) / n.
// At the kink (a margin exactly 0) the subgradient 0 is taken: the margin counts as met, as
// PyTorch's MultiMarginLoss does. With small weights every score is near 0, every margin near
// 1, so the initial loss is close to C - 1 for C classes (9 for 10): a sanity check.
// Takes class labels in [0, Width). Predictions are the scores s themselves (the class is
// their argmax).
//
// PyTorch: nn.MultiMarginLoss() divides each row's sum by C as well: it is this loss divided
// by Width. When to use it: a linear or small classifier where only the ranking of the scores
// matters (a sample whose margins are all met contributes nothing); SoftmaxCrossEntropy keeps
// pushing and gives probabilities.

#include <algorithm>
#include <cstddef>
#include <string_view>

#include <typenet/core/layer.hpp>
#include <typenet/core/loss.hpp>
#include <typenet/core/targets.hpp>
#include <typenet/kernels/losses.hpp>

namespace typenet {

struct MulticlassHinge {
    static constexpr layer_kind kind = layer_kind::loss;
    static constexpr std::string_view name = "multiclass_hinge";
    static constexpr target_kind takes = target_kind::labels;
    static constexpr shape output_shape(shape in) noexcept { return in; }

    template <class T, std::size_t Width>
    static double evaluate(const T* a, std::size_t rows, targets<T> t, T* out, T* grad) noexcept {
        std::copy(a, a + rows * Width, out);
        return kernels::multiclass_hinge<T, Width>(a, t.labels, rows, grad, T(1) / T(rows));
    }
    template <class T, std::size_t Width>
    static void predict(const T* a, std::size_t rows, T* out) noexcept {
        std::copy(a, a + rows * Width, out);
    }
};

} // namespace typenet
