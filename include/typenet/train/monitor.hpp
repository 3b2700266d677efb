#pragma once
// A metric of the per-epoch history, and what counts as an improvement of it: the shared
// logic of early stopping and reduce-on-plateau.

#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <string_view>

#include <typenet/core/error.hpp>
#include <typenet/train/history.hpp>

namespace typenet {

enum class metric { train_loss, train_accuracy, validation_loss, validation_accuracy };

constexpr std::string_view metric_name(metric m) noexcept {
    switch (m) {
    case metric::train_loss: return "train_loss";
    case metric::train_accuracy: return "train_accuracy";
    case metric::validation_loss: return "validation_loss";
    case metric::validation_accuracy: return "validation_accuracy";
    }
    return "?";
}

constexpr bool higher_is_better(metric m) noexcept {
    return m == metric::train_accuracy || m == metric::validation_accuracy;
}

inline double value_of(const epoch_record& r, metric m) noexcept {
    switch (m) {
    case metric::train_loss: return r.train_loss;
    case metric::train_accuracy: return r.train_accuracy;
    case metric::validation_loss: return r.validation_loss;
    case metric::validation_accuracy: return r.validation_accuracy;
    }
    return std::numeric_limits<double>::quiet_NaN();
}

namespace detail {

// The best value so far and the epochs since it improved by more than min_delta.
struct improvement_tracker {
    double best = std::numeric_limits<double>::quiet_NaN();
    std::size_t wait = 0;

    // Takes an epoch's value; returns whether it improved on the best.
    bool update(double value, metric m, double min_delta, std::string_view who) {
        if (std::isnan(value))
            throw error(std::string(who) + ": monitors " + std::string(metric_name(m)) +
                        ", which this training does not measure" +
                        (m == metric::validation_loss || m == metric::validation_accuracy
                             ? " (give fit validation data: .validation = ...)"
                             : " (the loss does not count correct predictions)"));
        const bool better = std::isnan(best) || (higher_is_better(m) ? value > best + min_delta : value < best - min_delta);
        if (better) {
            best = value;
            wait = 0;
        } else {
            ++wait;
        }
        return better;
    }
};

} // namespace detail

} // namespace typenet
