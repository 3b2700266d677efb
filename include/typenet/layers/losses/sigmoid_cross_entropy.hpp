#pragma once
// SigmoidCrossEntropy: a sigmoid on every output and the binary cross-entropy against a target
// in [0, 1], as one step. For a logit z and target y, p = sigmoid(z) and
//   l(z, y) = -y log p - (1 - y) log(1 - p) = max(z, 0) - z y + log(1 + exp(-|z|)),
//   L = 1/n sum_rows sum_j l(z_j, y_j),   dL/dz_j = (p_j - y_j) / n,
// the second form being the one computed: finite and exact for any |z| (at z = -100, y = 1
// it is 100, where log p would be log 0). Predictions are the probabilities p.
//
// Targets, either:
// - class labels: with a single output (Width 1), 0 or 1, the seeds' binary classifier; with
//   Width > 1, label c means the row y = onehot(c) (one-vs-rest);
// - rows of target values in [0, 1] (several independent yes/no outputs: multi-label), checked.
// A batch with both uses the labels.
//
// Accuracy (count_correct): with one output, p > 0.5 predicts class 1; with labels and more
// outputs, the largest p is the class; with target values, a row is correct when every output
// is on the same side of 0.5 as its target (exact match).
//
// PyTorch: nn.BCEWithLogitsLoss() (or nn.MultiLabelSoftMarginLoss()) averages l over all
// n x Width values: it is this loss divided by Width, the same for a single output.
// When to use it: a yes/no output (the seeds' sigmoid output with cross-entropy, whose
// gradient p - y does not vanish when the sigmoid saturates, unlike the quadratic cost), or
// several independent ones; for one class out of C, SoftmaxCrossEntropy.

#include <cstddef>
#include <string_view>
#include <cstdint>

#include <typenet/core/layer.hpp>
#include <typenet/core/loss.hpp>
#include <typenet/core/targets.hpp>
#include <typenet/kernels/losses.hpp>

namespace typenet {

struct SigmoidCrossEntropy {
    static constexpr layer_kind kind = layer_kind::loss;
    static constexpr std::string_view name = "sigmoid_cross_entropy";
    static constexpr target_kind takes = target_kind::labels_or_values;
    static constexpr target_range target_values{0.0, 1.0};
    static constexpr std::size_t label_count(std::size_t width) noexcept { return width == 1 ? 2 : width; }
    static constexpr shape output_shape(shape in) noexcept { return in; }

    template <class T, std::size_t Width>
    static double evaluate(const T* a, std::size_t rows, targets<T> t, T* out, T* grad) noexcept {
        return kernels::sigmoid_cross_entropy<T, Width>(a, t.labels, t.labels ? nullptr : t.values, rows, out, grad,
                                                        T(1) / T(rows));
    }
    template <class T, std::size_t Width>
    static void predict(const T* a, std::size_t rows, T* out) noexcept {
        kernels::sigmoid_cross_entropy<T, Width>(a, nullptr, nullptr, rows, out, nullptr, T(0));
    }

    template <class T, std::size_t Width>
    static std::size_t count_correct(const T* p, std::size_t rows, targets<T> t) noexcept {
        std::size_t correct = 0;
        for (std::size_t r = 0; r < rows; ++r) {
            const T* pr = p + r * Width;
            if (t.labels && Width == 1) {
                correct += (pr[0] > T(0.5)) == (t.labels[r] == 1);
            } else if (t.labels) {
                std::size_t best = 0;
                for (std::size_t j = 1; j < Width; ++j)
                    if (pr[j] > pr[best]) best = j;
                correct += best == t.labels[r];
            } else {
                bool all = true;
                for (std::size_t j = 0; j < Width; ++j)
                    all = all && (pr[j] > T(0.5)) == (t.values[r * Width + j] > T(0.5));
                correct += all;
            }
        }
        return correct;
    }
};

} // namespace typenet
