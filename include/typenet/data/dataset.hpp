#pragma once
// A dataset in memory: one row of features per sample, row-major, plus either a class label
// (classification) or a row of targets (regression) per sample.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include <typenet/core/error.hpp>

namespace typenet::data {

namespace detail {

// Throws unless every value is finite, naming the first other one by its row and column.
template <class T>
void require_finite(std::span<const T> values, std::size_t width, const std::string& what, const std::string& noun) {
    for (std::size_t i = 0; i < values.size(); ++i)
        if (!std::isfinite(values[i])) {
            std::ostringstream v;
            v << values[i];
            throw error(what + ": " + noun + " value " + v.str() + " at row " + std::to_string(i / width) + ", column " +
                        std::to_string(i % width) + " (expected finite values)");
        }
}

} // namespace detail

template <class T = float>
struct Dataset {
    std::size_t width = 0;                // features per sample
    std::size_t classes = 0;              // number of classes; 0 when there are no labels
    std::vector<T> features;              // size() * width values
    std::vector<std::uint32_t> labels;    // size() labels in [0, classes), or empty
    std::size_t target_width = 0;         // targets per sample; 0 when there are none
    std::vector<T> targets;               // size() * target_width values, or empty

    std::size_t size() const noexcept { return width == 0 ? 0 : features.size() / width; }
    const T* row(std::size_t i) const noexcept { return features.data() + i * width; }
    const T* target_row(std::size_t i) const noexcept { return targets.data() + i * target_width; }

    // The same samples in another precision (e.g. float data for a Model<Net, double>).
    template <class U>
    Dataset<U> as() const {
        Dataset<U> out;
        out.width = width;
        out.classes = classes;
        out.features.assign(features.begin(), features.end());
        out.labels = labels;
        out.target_width = target_width;
        out.targets.assign(targets.begin(), targets.end());
        return out;
    }

    // Throws typenet::error unless the features, labels and targets hold the same number of
    // samples; `what` starts the message. Code that copies rows by index calls this first.
    void check_sizes(const std::string& what = "dataset") const {
        if (width != 0 && features.size() % width != 0)
            throw error(what + ": " + std::to_string(features.size()) + " feature values is not a multiple of width " +
                        std::to_string(width));
        const std::size_t n = size();
        if (!labels.empty() && labels.size() != n)
            throw error(what + ": expected " + std::to_string(n) + " labels, found " + std::to_string(labels.size()));
        // Divided rather than multiplied: n * target_width may not fit in a size_t.
        if (target_width != 0 && (targets.size() % target_width != 0 || targets.size() / target_width != n))
            throw error(what + ": expected " + std::to_string(n) + " rows of " + std::to_string(target_width) +
                        " target values, found " + std::to_string(targets.size()) + " values");
    }

    // check_sizes(), and also that width is not 0, that labels come with their class count and
    // lie below it, and that every feature and target value is finite; `what` starts the message.
    void validate(const std::string& what = "dataset") const {
        if (width == 0) throw error(what + ": width is 0");
        check_sizes(what);
        if (!labels.empty() && classes == 0)
            throw error(what + ": " + std::to_string(labels.size()) +
                        " labels but a class count of 0 (set classes, or make the dataset with data::make_dataset)");
        for (std::size_t i = 0; i < labels.size(); ++i)
            if (labels[i] >= classes)
                throw error(what + ": label " + std::to_string(labels[i]) + " of sample " + std::to_string(i) +
                            " is not below the class count " + std::to_string(classes));
        detail::require_finite<T>(features, width, what, "feature");
        if (target_width != 0) detail::require_finite<T>(targets, target_width, what, "target");
    }
};

} // namespace typenet::data
