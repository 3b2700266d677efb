#pragma once
// The seeds' sanity checks before a long run, as calls that return a verdict and its figures:
//   - check_initial_loss: with small weights and no regularisation the first loss is ln(C) for
//     softmax (2.302 for 10 classes) and C - 1 for the multiclass hinge (9);
//   - check_overfit: a network that works drives the loss on ~20 samples to near zero;
//   - lr_range_test: the loss after a few hundred plain SGD steps at lr = 10^from ... 10^to
//     names the largest rate that still trains (too low: the loss barely moves; too high: it
//     explodes or turns NaN).
// None of them changes the model passed in: the training checks work on copies.
//
//   auto v = check_initial_loss(model, x, {.labels = y});   // v.passed, v.loss, v.expected
//   auto o = check_overfit(model, x20, {.labels = y20});     // o.passed, o.final_loss, o.steps
//   auto r = lr_range_test(model, x, {.labels = y});         // r.largest_training_rate, r.trials

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <typenet/core/error.hpp>
#include <typenet/core/loss.hpp>
#include <typenet/core/model.hpp>
#include <typenet/core/targets.hpp>
#include <typenet/layers/losses/multiclass_hinge.hpp>
#include <typenet/layers/losses/softmax_cross_entropy.hpp>
#include <typenet/optim/sgd.hpp>
#include <typenet/train/metrics.hpp>

namespace typenet {

struct initial_loss_verdict {
    bool passed = false;
    double loss = 0;          // the model's mean loss on the batch (inference pass)
    double expected = 0;      // ln(C) or C - 1
    double tolerance = 0;     // relative
    std::size_t classes = 0;
    std::string message;      // one line saying all of it
};

struct overfit_options {
    double lr = 0.1;               // plain SGD on the whole batch
    std::size_t max_steps = 1000;
    double target_loss = 0.01;     // "near zero"
};

struct overfit_verdict {
    bool passed = false;
    double initial_loss = 0;
    double final_loss = 0;         // inference pass after the last step
    double accuracy = std::numeric_limits<double>::quiet_NaN();  // on the same samples, when labelled
    std::size_t steps = 0;
    std::size_t samples = 0;
    std::string message;
};

struct lr_range_options {
    int from_exponent = -6;        // rates 10^from_exponent ... 10^to_exponent
    int to_exponent = 0;
    std::size_t steps = 200;       // SGD steps per rate
    std::size_t batch = 32;        // rows per step, taken in order, cycling
    double min_decrease = 0.1;     // "trains": the final loss at most (1 - min_decrease) x the initial
    double explode_factor = 3;     // "diverges": a step's loss above this x the initial, or not finite
};

enum class lr_outcome { trains, too_slow, diverges };

constexpr std::string_view outcome_name(lr_outcome o) noexcept {
    switch (o) {
    case lr_outcome::trains: return "trains";
    case lr_outcome::too_slow: return "too slow";
    case lr_outcome::diverges: return "diverges";
    }
    return "?";
}

struct lr_trial {
    double lr = 0;
    double initial_loss = 0;
    double final_loss = 0;      // inference pass over all rows; NaN when it diverged
    std::size_t steps = 0;      // taken (fewer when it diverged)
    lr_outcome outcome = lr_outcome::too_slow;
};

struct lr_range_verdict {
    bool passed = false;                  // some rate trains
    double largest_training_rate = std::numeric_limits<double>::quiet_NaN();
    std::vector<lr_trial> trials;         // in increasing rate
    std::string message;
};

namespace detail {

inline std::string figure(double v, const char* format = "%.4g") {
    char buf[48];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}

// The initial loss a classifier with near-zero scores has, by its loss: ln(C) or C - 1.
template <class Net>
constexpr bool has_known_initial_loss = std::is_same_v<loss_of<Net>, SoftmaxCrossEntropy> ||
                                        std::is_same_v<loss_of<Net>, MulticlassHinge>;

// Accuracy of the model's last pass over these rows (targets already checked by that pass).
template <class Model>
double accuracy_on(const Model& model, std::size_t rows, batch_targets<typename Model::value_type> t) {
    using Loss = loss_of<typename Model::network>;
    using T = typename Model::value_type;
    if (!measures_accuracy<Loss, T, Model::output_width>(!t.labels.empty()))
        return std::numeric_limits<double>::quiet_NaN();
    const targets<T> view{t.labels.empty() ? nullptr : t.labels.data(), t.values.empty() ? nullptr : t.values.data()};
    return double(count_correct<Loss, T, Model::output_width>(model.predictions().data(), rows, view)) / double(rows);
}

// The rows of x, checked to be whole rows.
template <class Model>
std::size_t rows_in(std::span<const typename Model::value_type> x, const char* what) {
    if (x.size() % Model::input_width != 0)
        throw error(std::string(what) + ": expected rows of " + std::to_string(Model::input_width) + " values, found " +
                    std::to_string(x.size()) + " values");
    return x.size() / Model::input_width;
}

} // namespace detail

// The first loss against ln(C) (SoftmaxCrossEntropy) or C - 1 (MulticlassHinge), C the output
// width; passed when within `tolerance` of it, relatively.
template <class Net, class T>
initial_loss_verdict check_initial_loss(const Model<Net, T>& model, std::span<const std::type_identity_t<T>> x,
                                        std::type_identity_t<batch_targets<T>> t, double tolerance = 0.1) {
    static_assert(detail::has_known_initial_loss<Net>,
                  "check_initial_loss knows the initial loss of SoftmaxCrossEntropy (ln C) and MulticlassHinge (C - 1)");
    initial_loss_verdict v;
    v.classes = Net::output_width;
    const bool softmax = std::is_same_v<detail::loss_of<Net>, SoftmaxCrossEntropy>;
    v.expected = softmax ? std::log(double(v.classes)) : double(v.classes) - 1;
    v.tolerance = tolerance;
    v.loss = model.loss(x, t);
    v.passed = std::abs(v.loss - v.expected) <= tolerance * v.expected;
    v.message = "initial loss " + detail::figure(v.loss) + ", expected " +
                (softmax ? "ln(" + std::to_string(v.classes) + ")" : std::to_string(v.classes) + " - 1") + " = " +
                detail::figure(v.expected) + " within " + detail::figure(100 * tolerance, "%g") + "%: " +
                (v.passed ? "passed" : "failed (check the initialisation: the last layer's weights should start small)");
    return v;
}

// Trains a copy of the model with plain SGD on these few samples (the seeds take 20), full
// batch, until the loss falls below opts.target_loss or opts.max_steps pass.
template <class Net, class T>
overfit_verdict check_overfit(const Model<Net, T>& model, std::span<const std::type_identity_t<T>> x,
                              std::type_identity_t<batch_targets<T>> t, overfit_options opts = {}) {
    const std::size_t rows = detail::rows_in<Model<Net, T>>(x, "check_overfit");
    Model<Net, T> m = model;
    const SGD sgd{.lr = opts.lr};
    overfit_verdict v;
    v.samples = rows;
    v.initial_loss = m.loss(x, t);
    v.final_loss = v.initial_loss;
    while (v.steps < opts.max_steps && !(v.final_loss < opts.target_loss)) {
        const double l = m.compute_gradients(x, t);
        ++v.steps;
        if (!std::isfinite(l)) {
            v.final_loss = l;
            break;
        }
        sgd.step(m);
        v.final_loss = m.loss(x, t);
    }
    v.accuracy = detail::accuracy_on(m, rows, t);
    v.passed = v.final_loss < opts.target_loss;
    v.message = "overfitting " + std::to_string(rows) + " samples: loss " + detail::figure(v.initial_loss) + " -> " +
                detail::figure(v.final_loss) + " in " + std::to_string(v.steps) + " steps (target below " +
                detail::figure(opts.target_loss, "%g") + "): " +
                (v.passed ? "passed" : "failed (a network that cannot overfit a handful of samples has a bug)");
    return v;
}

// Plain SGD at each rate 10^from_exponent ... 10^to_exponent, on a copy of the model each, for
// opts.steps steps over batches of the rows in order; names the largest rate that trains.
template <class Net, class T>
lr_range_verdict lr_range_test(const Model<Net, T>& model, std::span<const std::type_identity_t<T>> x,
                               std::type_identity_t<batch_targets<T>> t, lr_range_options opts = {}) {
    const std::size_t rows = detail::rows_in<Model<Net, T>>(x, "lr_range_test");
    if (opts.from_exponent > opts.to_exponent)
        throw error("lr_range_test: expected from_exponent <= to_exponent, found " + std::to_string(opts.from_exponent) +
                    " > " + std::to_string(opts.to_exponent));
    if (opts.batch == 0 || rows == 0)
        throw error("lr_range_test: expected at least one row and a batch of at least 1, found " +
                    std::to_string(rows) + " rows, batch " + std::to_string(opts.batch));
    const std::size_t batch = std::min(opts.batch, rows);
    lr_range_verdict v;
    for (int e = opts.from_exponent; e <= opts.to_exponent; ++e) {
        Model<Net, T> m = model;
        lr_trial trial;
        trial.lr = std::pow(10.0, e);
        const SGD sgd{.lr = trial.lr};
        trial.initial_loss = m.loss(x, t);
        bool diverged = false;
        for (std::size_t first = 0; trial.steps < opts.steps && !diverged; ++trial.steps) {
            const std::size_t n = std::min(batch, rows - first);
            constexpr std::size_t in = Model<Net, T>::input_width, out = Model<Net, T>::output_width;
            const batch_targets<T> bt{t.labels.empty() ? t.labels : t.labels.subspan(first, n),
                                      t.values.empty() ? t.values : t.values.subspan(first * out, n * out)};
            const double l = m.compute_gradients(x.subspan(first * in, n * in), bt);
            diverged = !std::isfinite(l) || l > opts.explode_factor * trial.initial_loss;
            if (!diverged) sgd.step(m);
            first = first + n >= rows ? 0 : first + n;
        }
        trial.final_loss = diverged ? std::numeric_limits<double>::quiet_NaN() : m.loss(x, t);
        diverged = diverged || !std::isfinite(trial.final_loss) || trial.final_loss > opts.explode_factor * trial.initial_loss;
        trial.outcome = diverged ? lr_outcome::diverges
                        : trial.final_loss <= (1 - opts.min_decrease) * trial.initial_loss ? lr_outcome::trains
                                                                                           : lr_outcome::too_slow;
        if (trial.outcome == lr_outcome::trains) v.largest_training_rate = trial.lr;
        v.trials.push_back(trial);
    }
    v.passed = !std::isnan(v.largest_training_rate);
    v.message = v.passed ? "largest learning rate that trains: " + detail::figure(v.largest_training_rate, "%g")
                         : std::string("no learning rate trains: the loss never fell by ") +
                               detail::figure(100 * opts.min_decrease, "%g") + "% without exploding";
    return v;
}

} // namespace typenet
