#pragma once
// What a loss declares about its targets (docs/layer_contract.md, "loss"): whether it compares
// the outputs with class labels, with rows of target values, or with either; which labels and
// values it accepts; and the run-time check Model makes of every batch's targets against that.

#include <cstddef>
#include <sstream>
#include <string>

#include <typenet/core/error.hpp>
#include <typenet/core/targets.hpp>

namespace typenet {

// What a loss compares a batch's outputs with.
enum class target_kind {
    labels,            // one class label per row: targets<T>::labels
    values,            // one row of target values per row: targets<T>::values
    labels_or_values,  // either; the labels when a batch has both
};

// The closed interval [low, high] every target value must lie in, for a loss that declares
// `static constexpr target_range target_values` (values outside make its minimum meaningless).
struct target_range {
    double low;
    double high;
};

namespace detail {

// The last layer of Net (its loss, when it has one).
template <class Net>
using loss_of = typename Net::template layer<Net::layer_count - 1>;

// Labels a loss accepts at output width `width` are [0, label_count): `width` unless the loss
// says otherwise (a single sigmoid output takes the two labels 0 and 1).
template <class Loss>
constexpr std::size_t label_count(std::size_t width) noexcept {
    if constexpr (requires { Loss::label_count(width); }) return Loss::label_count(width);
    else return width;
}

// Whether Loss reads t.labels (rather than t.values) for this batch.
template <class Loss, class T>
constexpr bool reads_labels(const targets<T>& t) noexcept {
    if constexpr (Loss::takes == target_kind::labels) return true;
    else if constexpr (Loss::takes == target_kind::values) return false;
    else return t.labels != nullptr;
}

inline std::string format_value(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
}

// Throws typenet::error unless `t` holds what Loss reads for `rows` rows of `width` outputs:
// labels below label_count, or target values (within target_values when the loss declares it).
template <class Loss, class T>
void check_targets(const targets<T>& t, std::size_t rows, std::size_t width) {
    if (reads_labels<Loss>(t)) {
        if (!t.labels) throw error("model: the loss needs class labels, found none");
        const std::size_t count = label_count<Loss>(width);
        for (std::size_t r = 0; r < rows; ++r)
            if (t.labels[r] >= count)
                throw error("model: expected labels below " + std::to_string(count) + ", found " +
                            std::to_string(t.labels[r]) + " at row " + std::to_string(r));
        return;
    }
    if (!t.values) {
        if constexpr (Loss::takes == target_kind::labels_or_values)
            throw error("model: the loss needs class labels or target values, found neither");
        else throw error("model: the loss needs target values, found none");
    }
    if constexpr (requires { Loss::target_values; }) {
        constexpr target_range range = Loss::target_values;
        for (std::size_t i = 0; i < rows * width; ++i) {
            const double v = static_cast<double>(t.values[i]);
            if (!(v >= range.low && v <= range.high))  // NaN fails too
                throw error("model: expected target values in [" + format_value(range.low) + ", " +
                            format_value(range.high) + "], found " + format_value(v) + " at row " +
                            std::to_string(i / width) + ", column " + std::to_string(i % width));
        }
    }
}

} // namespace detail

} // namespace typenet
