#pragma once
// make_dataset: a Dataset in one call from a user's own arrays (vectors, spans, arrays):
// features row-major, and either one class label per row (of any integer type, as PyTorch's
// int64 labels) or rows of target values. Every inconsistency is a typenet::error that names
// what was expected and what was found; non-finite features and targets are named by row and
// column.

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <ranges>
#include <span>
#include <string>
#include <type_traits>

#include <typenet/core/error.hpp>
#include <typenet/data/dataset.hpp>

namespace typenet::data {

namespace detail {

template <class R>
using element_of = std::remove_cvref_t<std::ranges::range_value_t<R>>;

template <class R>
concept feature_range = std::ranges::contiguous_range<R> && std::ranges::sized_range<R> &&
                        (std::same_as<element_of<R>, float> || std::same_as<element_of<R>, double>);

template <class R>
concept label_range = std::ranges::contiguous_range<R> && std::ranges::sized_range<R> &&
                      std::integral<element_of<R>> && !std::same_as<element_of<R>, bool>;

// The features part: width and whole rows checked, values finite.
template <class T>
Dataset<T> dataset_of_features(std::span<const T> features, std::size_t width) {
    if (width == 0) throw error("make_dataset: expected a width of at least 1, found 0");
    if (features.size() % width != 0)
        throw error("make_dataset: expected whole rows of " + std::to_string(width) + " features, found " +
                    std::to_string(features.size()) + " values (" + std::to_string(features.size() / width) +
                    " rows and " + std::to_string(features.size() % width) + " values over)");
    if (features.empty()) throw error("make_dataset: expected at least one sample, found none");
    require_finite<T>(features, width, "make_dataset", "feature");
    Dataset<T> d;
    d.width = width;
    d.features.assign(features.begin(), features.end());
    return d;
}

} // namespace detail

// A classification dataset: rows x width features and one label per row in [0, classes).
// classes = 0 takes the largest label + 1; pass it when a part of the data may lack the last
// class (a split of it would otherwise count fewer).
template <detail::feature_range Features, detail::label_range Labels>
Dataset<detail::element_of<Features>> make_dataset(const Features& features, std::size_t width, const Labels& labels,
                                                   std::size_t classes = 0) {
    using T = detail::element_of<Features>;
    using L = detail::element_of<Labels>;
    Dataset<T> d = detail::dataset_of_features<T>(std::span<const T>(std::ranges::data(features), std::ranges::size(features)), width);
    const std::span<const L> given(std::ranges::data(labels), std::ranges::size(labels));
    if (given.size() != d.size())
        throw error("make_dataset: expected " + std::to_string(d.size()) + " labels (one per row of " +
                    std::to_string(width) + " features), found " + std::to_string(given.size()));
    std::uint64_t largest = 0;
    d.labels.resize(given.size());
    for (std::size_t i = 0; i < given.size(); ++i) {
        const L label = given[i];
        if constexpr (std::is_signed_v<L>)
            if (label < 0)
                throw error("make_dataset: label " + std::to_string(label) + " of row " + std::to_string(i) +
                            " is negative (expected class indices from 0)");
        const auto value = static_cast<std::uint64_t>(label);
        if (classes != 0 && value >= classes)
            throw error("make_dataset: label " + std::to_string(value) + " of row " + std::to_string(i) +
                        " is not below the class count " + std::to_string(classes));
        if (value > std::numeric_limits<std::uint32_t>::max() - 1)
            throw error("make_dataset: label " + std::to_string(value) + " of row " + std::to_string(i) +
                        " is beyond the largest class index " + std::to_string(std::numeric_limits<std::uint32_t>::max() - 1));
        largest = std::max(largest, value);
        d.labels[i] = static_cast<std::uint32_t>(value);
    }
    d.classes = classes != 0 ? classes : static_cast<std::size_t>(largest + 1);
    return d;
}

// A regression dataset: rows x width features and rows of target values (target_width =
// targets.size() / rows), of the same element type.
template <detail::feature_range Features, detail::feature_range Targets>
    requires std::same_as<detail::element_of<Features>, detail::element_of<Targets>>
Dataset<detail::element_of<Features>> make_dataset(const Features& features, std::size_t width, const Targets& targets) {
    using T = detail::element_of<Features>;
    Dataset<T> d = detail::dataset_of_features<T>(std::span<const T>(std::ranges::data(features), std::ranges::size(features)), width);
    const std::span<const T> given(std::ranges::data(targets), std::ranges::size(targets));
    const std::size_t rows = d.size();
    if (given.empty() || given.size() % rows != 0)
        throw error("make_dataset: expected target values in whole rows, one per row of " + std::to_string(width) +
                    " features (a multiple of " + std::to_string(rows) + "), found " + std::to_string(given.size()));
    d.target_width = given.size() / rows;
    detail::require_finite<T>(given, d.target_width, "make_dataset", "target");
    d.targets.assign(given.begin(), given.end());
    return d;
}

} // namespace typenet::data
