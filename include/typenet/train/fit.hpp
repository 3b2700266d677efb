#pragma once
// fit(model, optimizer, data, options, callbacks...): mini-batch training. Each epoch shuffles
// the samples in an order that follows from the options' seed and the model's epoch count (so
// the order continues across calls of fit, and a model restored with its counts resumes
// exactly), and for every batch: computes the gradients, adds the weight penalty's gradient,
// clips, steps the optimiser at the rate in force (the optimiser's lr times the schedule's
// factor times a callback's scale), then applies the max-norm constraint. After each epoch it
// evaluates the validation data if given, records the epoch, prints a line of progress and
// runs the callbacks. A loss or a gradient that is not finite stops fit with an error that names
// the cause (diagnostics/nonfinite.hpp): a parameter, or the first layer whose output is not
// finite and the sample's index in the training data, or the tensor whose gradient overflows
// and the sample that gives it. The optimiser is taken by reference: its state stays in the
// caller's object, and the next call of fit continues from it.

#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iomanip>
#include <iostream>
#include <limits>
#include <numeric>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include <typenet/core/error.hpp>
#include <typenet/core/loss.hpp>
#include <typenet/core/rng.hpp>
#include <typenet/data/dataset.hpp>
#include <typenet/diagnostics/nonfinite.hpp>
#include <typenet/optim/gradient_clipping.hpp>
#include <typenet/optim/max_norm.hpp>
#include <typenet/optim/weight_penalty.hpp>
#include <typenet/train/batcher.hpp>
#include <typenet/train/callbacks.hpp>
#include <typenet/train/evaluate.hpp>
#include <typenet/train/history.hpp>
#include <typenet/train/progress_bar.hpp>
#include <typenet/train/metrics.hpp>
#include <typenet/train/schedule.hpp>

namespace typenet {

// A reference to a dataset that may be absent, so `.validation = val` reads naturally. It
// refers to the caller's dataset, so it refuses a temporary, which would be gone before fit
// reads it: `.validation = make_data()` does not compile (the constructor below says why).
template <class T>
class optional_dataset {
public:
    optional_dataset() noexcept = default;
    optional_dataset(const data::Dataset<T>& d) noexcept : data_(&d) {}  // NOLINT: implicit by design
    template <class U>
        requires std::is_same_v<U, T>
    optional_dataset(data::Dataset<U>&&) {  // NOLINT: declared only to say why a temporary is refused
        static_assert(!std::is_same_v<U, T>, "typenet::fit: .validation refers to the caller's dataset, and a "
                                             "temporary is gone before fit reads it: keep the dataset in a variable");
    }
    explicit operator bool() const noexcept { return data_ != nullptr; }
    const data::Dataset<T>& operator*() const noexcept { return *data_; }

private:
    const data::Dataset<T>* data_ = nullptr;
};

template <class T = float>
struct fit_options {
    std::size_t epochs = 1;
    std::size_t batch = 32;
    optional_dataset<T> validation{};
    seed shuffle{0};                      // with the model's epoch count, it gives every epoch's order
    std::ostream* progress = &std::cout;  // a live bar on a terminal, else a line per epoch; nullptr: quiet
    typenet::schedule schedule{};         // a factor on the optimiser's lr; none: 1
    weight_penalty penalty{};             // e.g. tn::L2{.lambda = 0.1}; on weights only by default
    gradient_clipping clip{};             // tn::ClipByValue{c} or tn::ClipByNorm{c}
    std::optional<MaxNorm> max_norm{};    // e.g. tn::MaxNorm{.max = 3}
};

namespace detail {

// The seed of the shuffle of the model's epoch `e`: each epoch's order depends only on it.
inline seed epoch_seed(seed s, std::uint64_t e) noexcept {
    rng mix{seed{e}};
    return seed{s.value ^ mix.next_u64()};
}

inline double checked_rate(double rate, std::uint64_t epoch, std::size_t batch) {
    if (!std::isfinite(rate) || rate < 0)
        throw error("fit: expected a finite learning rate of at least 0, found " + std::to_string(rate) + " at epoch " +
                    std::to_string(epoch) + ", batch " + std::to_string(batch));
    return rate;
}
} // namespace detail

namespace detail {
template <class Model, class Optimizer, class T, class... Callbacks>
history run_fit(Model& model, Optimizer& optimizer, const data::Dataset<T>& train, const fit_options<T>& options,
                Callbacks&... callbacks) {
    detail::check_dataset_fits<Model>(train, "fit");
    if (options.validation) {
        detail::check_dataset_fits<Model>(*options.validation, "fit (validation data)");
    }
    if (options.batch == 0) throw error("fit: expected a batch size of at least 1, found 0");
    const std::size_t n = train.size();
    (void)detail::terms_of(options.penalty, n);  // a bad lambda is reported before training
    optimizer.template prepare<T>(Model::parameter_count);

    using Loss = detail::loss_of<typename Model::network>;
    constexpr std::size_t width = Model::output_width;
    const bool measured = detail::measures_accuracy<Loss, T, width>(!train.labels.empty());
    const bool penalised = !std::holds_alternative<std::monostate>(options.penalty);
    std::vector<std::size_t> order(n);
    detail::batcher<T> batch(train, options.batch);
    history h;
    fit_context<Model> ctx{model, h};
    std::optional<progress_bar> bar;
    if (options.progress) bar.emplace(*options.progress);
    std::size_t steps_taken = 0;  // in this call: until the first, a parameter that is not finite came with the model
    detail::fit_begin(ctx, callbacks...);

    for (std::size_t epoch = 1; epoch <= options.epochs && !ctx.stop_requested; ++epoch) {
        const auto start = std::chrono::steady_clock::now();
        const std::uint64_t model_epoch = model.epoch_count();
        std::iota(order.begin(), order.end(), std::size_t{0});
        rng shuffler{detail::epoch_seed(options.shuffle, model_epoch)};
        shuffle(std::span<std::size_t>(order), shuffler);
        ctx.epoch = epoch;
        if (bar) bar->begin_epoch(epoch, options.epochs, n);

        double loss_sum = 0, penalty_sum = 0;
        std::size_t correct = 0, seen = 0, steps = 0;
        for (std::size_t first = 0; first < n && !ctx.stop_requested; first += options.batch) {
            const std::size_t b = first / options.batch + 1;
            const double factor = options.schedule ? options.schedule(model_epoch, optimizer.step_count()) : 1.0;
            const double rate = detail::checked_rate(optimizer.lr * factor * ctx.rate_scale, epoch, b);
            const std::size_t rows =
                batch.gather(std::span<const std::size_t>(order).subspan(first, std::min(options.batch, n - first)));
            const std::span<const T> x = batch.features(rows);
            const double loss = model.compute_gradients(x, batch.target_spans(rows));
            const auto sample_of = [&order, first](std::size_t r) { return order[first + r]; };
            const nonfinite_origin origin = steps_taken == 0 ? nonfinite_origin::before_fit : nonfinite_origin::previous_step;
            if (!std::isfinite(loss))
                throw error("fit: the loss is " + value_text(loss) + " at epoch " + std::to_string(epoch) + ", batch " +
                            std::to_string(b) + ": " +
                            diagnose_loss<mode::training>(model, x, sample_of, "the training data", origin));
            // One read of the gradients: a loss can be finite while a backward pass overflows.
            if (!all_finite(std::span<const T>(model.gradients())))
                throw error("fit: the loss is finite but a gradient is not at epoch " + std::to_string(epoch) +
                            ", batch " + std::to_string(b) + ": " +
                            diagnose_gradient(model, x, batch.target_spans(rows), sample_of, "the training data", origin));
            ++steps_taken;
            if (penalised) penalty_sum += add_penalty_gradient(model, options.penalty, n);
            clip_gradients(model, options.clip);
            optimizer.step(model, rate);
            if (options.max_norm) apply_max_norm(model, *options.max_norm);
            loss_sum += loss * static_cast<double>(rows);
            seen += rows;
            ++steps;
            if (measured)
                correct += detail::count_correct<Loss, T, width>(model.predictions().data(), rows, batch.batch_targets());
            ctx.batch = b;
            ctx.batch_loss = loss;
            ctx.learning_rate = rate;
            ctx.batch_features = x;
            ctx.batch_samples = std::span<const std::size_t>(order).subspan(first, rows);
            if (bar)
                bar->batch_done(seen, loss_sum / static_cast<double>(seen),
                                measured ? static_cast<double>(correct) / static_cast<double>(seen)
                                         : std::numeric_limits<double>::quiet_NaN(),
                                rate);
            detail::batch_end(ctx, callbacks...);
        }

        epoch_record r;
        r.epoch = epoch;
        r.model_epoch = model_epoch + 1;
        r.train_loss = loss_sum / static_cast<double>(seen);
        r.penalty = penalty_sum / static_cast<double>(steps);
        r.learning_rate = ctx.learning_rate;
        if (measured) r.train_accuracy = static_cast<double>(correct) / static_cast<double>(seen);
        if (options.validation) {
            const evaluation v = evaluate_named(model, *options.validation, 256, "fit", "validation loss",
                                                " after epoch " + std::to_string(epoch), "the validation data",
                                                nonfinite_origin::training);
            r.validation_loss = v.loss;
            r.validation_accuracy = v.accuracy;
        }
        model.set_epoch_count(model_epoch + 1);
        r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        h.epochs.push_back(r);
        if (bar) bar->end_epoch(r, penalised);
        detail::epoch_end(ctx, callbacks...);
    }
    h.stopped = ctx.stop_requested;
    detail::fit_end(ctx, callbacks...);
    return h;
}
} // namespace detail

// The optimiser is taken by reference and keeps its state for the next call; a temporary
// (tn::SGD{.lr = 0.1}) is stepped and then dropped, and a const one is stepped as a copy.
template <class Model, class Optimizer, class T, class... Callbacks>
history fit(Model& model, Optimizer&& optimizer, const data::Dataset<T>& train, const fit_options<T>& options,
            Callbacks&&... callbacks) {
    static_assert(std::is_same_v<typename Model::value_type, T>,
                  "typenet::fit: the data's value type must be the model's (a double model takes "
                  "data.as<double>(), a float model data.as<float>())");
    static_assert((detail::is_callback_for<std::remove_cvref_t<Callbacks>, fit_context<Model>> && ...),
                  "typenet::fit: a callback needs on_fit_begin, on_batch_end, on_epoch_end or on_fit_end "
                  "taking a fit_context<Model>& (or wrap a lambda: tn::on_epoch_end(f))");
    if constexpr (std::is_const_v<std::remove_reference_t<Optimizer>>) {
        std::remove_cvref_t<Optimizer> copy = optimizer;
        return detail::run_fit(model, copy, train, options, callbacks...);
    } else {
        return detail::run_fit(model, optimizer, train, options, callbacks...);
    }
}

} // namespace typenet
