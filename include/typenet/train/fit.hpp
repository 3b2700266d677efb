#pragma once
// fit(model, optimizer, data, options): mini-batch training. Each epoch shuffles the samples
// from a seed, steps the optimiser once per batch, measures the training loss and accuracy on
// the way, evaluates on validation data if given, and reports a line of progress.

#include <chrono>
#include <cmath>
#include <cstddef>
#include <iomanip>
#include <iostream>
#include <limits>
#include <numeric>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include <typenet/core/error.hpp>
#include <typenet/core/loss.hpp>
#include <typenet/core/rng.hpp>
#include <typenet/data/dataset.hpp>
#include <typenet/train/batcher.hpp>
#include <typenet/train/evaluate.hpp>
#include <typenet/train/metrics.hpp>

namespace typenet {

// A reference to a dataset that may be absent, so `.validation = val` reads naturally.
template <class T>
class optional_dataset {
public:
    optional_dataset() noexcept = default;
    optional_dataset(const data::Dataset<T>& d) noexcept : data_(&d) {}  // NOLINT: implicit by design
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
    seed shuffle{0};                      // the order of samples in every epoch follows from it
    std::ostream* progress = &std::cout;  // one line per epoch; nullptr for none
};

struct epoch_record {
    std::size_t epoch = 0;  // counting from 1
    double train_loss = 0;  // mean over the epoch's batches, weighted by batch size
    double train_accuracy = std::numeric_limits<double>::quiet_NaN();
    double validation_loss = std::numeric_limits<double>::quiet_NaN();
    double validation_accuracy = std::numeric_limits<double>::quiet_NaN();
    double seconds = 0;
};

struct history {
    std::vector<epoch_record> epochs;
};

namespace detail {
inline void print_progress(std::ostream& out, const epoch_record& r, std::size_t epochs, std::size_t samples) {
    const auto flags = out.flags();
    const auto precision = out.precision();
    out << "epoch " << std::setw(static_cast<int>(std::to_string(epochs).size())) << r.epoch << '/' << epochs
        << std::fixed << std::setprecision(4) << "  loss " << r.train_loss;
    if (!std::isnan(r.train_accuracy)) out << "  acc " << r.train_accuracy;
    if (!std::isnan(r.validation_loss)) out << "  val_loss " << r.validation_loss;
    if (!std::isnan(r.validation_accuracy)) out << "  val_acc " << r.validation_accuracy;
    out << std::setprecision(1) << "  " << r.seconds << " s  "
        << std::setprecision(0) << static_cast<double>(samples) / r.seconds << " samples/s\n";
    out.flush();
    out.flags(flags);
    out.precision(precision);
}
} // namespace detail

template <class Model, class Optimizer, class T>
history fit(Model& model, const Optimizer& optimizer, const data::Dataset<T>& train, const fit_options<T>& options) {
    static_assert(std::is_same_v<typename Model::value_type, T>,
                  "typenet::fit: the data's value type must be the model's (use data.as<double>())");
    detail::check_dataset_fits<Model>(train, "fit");
    if (options.validation) detail::check_dataset_fits<Model>(*options.validation, "fit (validation data)");
    if (options.batch == 0) throw error("fit: expected a batch size of at least 1, found 0");

    const std::size_t n = train.size();
    using Loss = detail::loss_of<typename Model::network>;
    constexpr std::size_t width = Model::output_width;
    const bool measured = detail::measures_accuracy<Loss, T, width>(!train.labels.empty());
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    rng shuffler{options.shuffle};
    detail::batcher<T> batch(train, options.batch);
    history h;

    for (std::size_t epoch = 1; epoch <= options.epochs; ++epoch) {
        const auto start = std::chrono::steady_clock::now();
        shuffle(std::span<std::size_t>(order), shuffler);

        double loss_sum = 0;
        std::size_t correct = 0;
        for (std::size_t first = 0; first < n; first += options.batch) {
            const std::size_t rows =
                batch.gather(std::span<const std::size_t>(order).subspan(first, std::min(options.batch, n - first)));
            const double loss = model.compute_gradients(batch.features(rows), batch.target_spans(rows));
            if (!std::isfinite(loss))
                throw error("fit: expected a finite loss, found " + std::to_string(loss) + " at epoch " +
                            std::to_string(epoch) + ", batch " + std::to_string(first / options.batch + 1) +
                            " (a learning rate too high is the usual cause)");
            optimizer.step(model);
            loss_sum += loss * static_cast<double>(rows);
            if (measured)
                correct += detail::count_correct<Loss, T, width>(model.predictions().data(), rows, batch.batch_targets());
        }

        epoch_record r;
        r.epoch = epoch;
        r.train_loss = loss_sum / static_cast<double>(n);
        if (measured) r.train_accuracy = static_cast<double>(correct) / static_cast<double>(n);
        if (options.validation) {
            const evaluation v = evaluate(model, *options.validation);
            r.validation_loss = v.loss;
            r.validation_accuracy = v.accuracy;
        }
        r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        h.epochs.push_back(r);
        if (options.progress) detail::print_progress(*options.progress, r, options.epochs, n);
    }
    return h;
}

} // namespace typenet
