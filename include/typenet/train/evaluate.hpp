#pragma once
// evaluate(model, data): mean loss and accuracy of a model over a whole dataset, in batches. A
// batch whose loss is not finite is an error that names its cause: a parameter or state value,
// or the first layer whose output is not finite and the sample's index in the data.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <string_view>

#include <typenet/core/error.hpp>
#include <typenet/core/loss.hpp>
#include <typenet/core/targets.hpp>
#include <typenet/data/dataset.hpp>
#include <typenet/diagnostics/nonfinite.hpp>
#include <typenet/train/metrics.hpp>

namespace typenet {

struct evaluation {
    double loss = 0;       // mean loss per sample
    double accuracy = 0;   // fraction predicted correctly: by default the largest output is the labelled
                           // class; a loss may say otherwise (docs/losses.md). NaN when not measured
    std::size_t samples = 0;
};

namespace detail {
// Throws unless `d` fits `Model`: same input width, labels within what the loss takes.
template <class Model, class T>
void check_dataset_fits(const data::Dataset<T>& d, const char* what) {
    d.validate(what);
    if (d.width != Model::input_width)
        throw error(std::string(what) + ": expected samples of width " + std::to_string(Model::input_width) +
                    ", found " + std::to_string(d.width));
    constexpr std::size_t classes = label_count<loss_of<typename Model::network>>(Model::output_width);
    if (!d.labels.empty() && d.classes > classes)
        throw error(std::string(what) + ": expected at most " + std::to_string(classes) +
                    (classes == Model::output_width ? std::string(" classes (the network's output width), found ")
                                                    : " classes (the loss's labels at output width " +
                                                          std::to_string(Model::output_width) + "), found ") +
                    std::to_string(d.classes));
    if (d.target_width != 0 && d.target_width != Model::output_width)
        throw error(std::string(what) + ": expected targets of width " + std::to_string(Model::output_width) +
                    ", found " + std::to_string(d.target_width));
    if (d.size() == 0) throw error(std::string(what) + ": expected at least one sample, found none");
}
} // namespace detail

namespace detail {
// evaluate, with the words of its error: "<who>: the <loss_name> is inf<when>: <cause>".
template <class Model, class T>
evaluation evaluate_named(const Model& model, const data::Dataset<T>& d, std::size_t batch, const char* who,
                          std::string_view loss_name, std::string_view when, std::string_view data,
                          nonfinite_origin origin) {
    check_dataset_fits<Model>(d, who);
    if (batch == 0) throw error(std::string(who) + ": expected a batch size of at least 1, found 0");
    evaluation e;
    std::size_t correct = 0;
    const bool labelled = !d.labels.empty();
    using Loss = loss_of<typename Model::network>;
    constexpr std::size_t width = Model::output_width;
    const bool measured = measures_accuracy<Loss, T, width>(labelled);
    for (std::size_t start = 0; start < d.size(); start += batch) {
        const std::size_t rows = std::min(batch, d.size() - start);
        const batch_targets<T> t{
            labelled ? std::span<const std::uint32_t>(d.labels).subspan(start, rows) : std::span<const std::uint32_t>{},
            std::span<const T>(d.targets).subspan(start * d.target_width, rows * d.target_width)};
        const std::span<const T> x = std::span<const T>(d.features).subspan(start * d.width, rows * d.width);
        const double loss = model.loss(x, t);
        if (!std::isfinite(loss))
            throw error(std::string(who) + ": the " + std::string(loss_name) + " is " + value_text(loss) +
                        std::string(when) + ": " +
                        diagnose_loss<mode::inference>(model, x, [start](std::size_t r) { return start + r; }, data, origin));
        e.loss += loss * static_cast<double>(rows);
        if (measured)
            correct += count_correct<Loss, T, width>(
                model.predictions().data(), rows, targets<T>{labelled ? t.labels.data() : nullptr, t.values.empty() ? nullptr : t.values.data()});
    }
    e.samples = d.size();
    e.loss /= static_cast<double>(e.samples);
    e.accuracy = measured ? static_cast<double>(correct) / static_cast<double>(e.samples)
                          : std::numeric_limits<double>::quiet_NaN();
    return e;
}
} // namespace detail

// A loss that is not finite is a typenet::error naming its cause ("evaluate: the loss is inf:
// layer 1 (dense_1) gives inf for sample 4 of the data; ...").
template <class Model, class T>
evaluation evaluate(const Model& model, const data::Dataset<T>& d, std::size_t batch = 256) {
    return detail::evaluate_named(model, d, batch, "evaluate", "loss", "", "the data", detail::nonfinite_origin::unknown);
}

} // namespace typenet
