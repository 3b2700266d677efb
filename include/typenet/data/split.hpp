#pragma once
// Selecting samples from a Dataset: a seeded random split (e.g. train / validation), an
// arbitrary subset, or the first n samples. Each sample's features, label and targets move
// together, and the same seed always gives the same split.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>
#include <span>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <typenet/core/error.hpp>
#include <typenet/core/rng.hpp>
#include <typenet/data/dataset.hpp>

namespace typenet::data {

namespace detail {

template <class T>
Dataset<T> empty_like(const Dataset<T>& d) {
    Dataset<T> out;
    out.width = d.width;
    out.classes = d.classes;
    out.target_width = d.target_width;
    return out;
}

// Copies the listed samples, assuming the indices are in range and the sizes consistent.
template <class T>
Dataset<T> gather(const Dataset<T>& d, std::span<const std::size_t> indices) {
    Dataset<T> out = empty_like(d);
    const bool has_labels = !d.labels.empty();
    const bool has_targets = d.target_width != 0;
    out.features.reserve(indices.size() * d.width);
    if (has_labels) out.labels.reserve(indices.size());
    if (has_targets) out.targets.reserve(indices.size() * d.target_width);
    for (const std::size_t i : indices) {
        out.features.insert(out.features.end(), d.row(i), d.row(i) + d.width);
        if (has_labels) out.labels.push_back(d.labels[i]);
        if (has_targets) out.targets.insert(out.targets.end(), d.target_row(i), d.target_row(i) + d.target_width);
    }
    return out;
}

// 0 .. n-1 in a seeded random order, so a split depends only on n and the seed.
inline std::vector<std::size_t> shuffled_indices(std::size_t n, seed s) {
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    rng gen(s);
    shuffle(std::span<std::size_t>(order), gen);
    return order;
}

} // namespace detail

// The samples at `indices`, in that order (repeats allowed). Throws if an index is out of range.
template <class T>
Dataset<T> subset(const Dataset<T>& d, std::span<const std::size_t> indices) {
    d.check_sizes("subset");
    const std::size_t n = d.size();
    for (const std::size_t i : indices)
        if (i >= n)
            throw error("subset: index " + std::to_string(i) + " is out of range for a dataset of " +
                        std::to_string(n) + " samples");
    return detail::gather(d, indices);
}

// The first n samples. Asking for more than there are is an error rather than a silent shortfall.
template <class T>
Dataset<T> take(const Dataset<T>& d, std::size_t n) {
    d.check_sizes("take");
    if (n > d.size())
        throw error("take: asked for " + std::to_string(n) + " samples, the dataset has " + std::to_string(d.size()));
    Dataset<T> out = detail::empty_like(d);
    const auto features = static_cast<std::ptrdiff_t>(n * d.width);
    out.features.assign(d.features.begin(), d.features.begin() + features);
    if (!d.labels.empty()) out.labels.assign(d.labels.begin(), d.labels.begin() + static_cast<std::ptrdiff_t>(n));
    if (d.target_width != 0)
        out.targets.assign(d.targets.begin(), d.targets.begin() + static_cast<std::ptrdiff_t>(n * d.target_width));
    return out;
}

// Shuffles the samples with `s`, then gives round(fraction * size) of them to `first` and the
// rest to `second`. fraction must lie strictly between 0 and 1.
template <class T>
std::pair<Dataset<T>, Dataset<T>> split(const Dataset<T>& d, double fraction, seed s) {
    // Written so that NaN fails too.
    if (!(fraction > 0.0 && fraction < 1.0)) {
        std::ostringstream found; // shortest readable form: "1.5", not std::to_string's "1.500000"
        found << fraction;
        throw error("split: fraction must be in (0, 1), found " + found.str());
    }
    d.check_sizes("split");
    const std::size_t n = d.size();
    const auto first_count = std::min(n, static_cast<std::size_t>(std::llround(fraction * static_cast<double>(n))));
    const std::vector<std::size_t> order = detail::shuffled_indices(n, s);
    const std::span<const std::size_t> all(order);
    return {detail::gather(d, all.first(first_count)), detail::gather(d, all.subspan(first_count))};
}

} // namespace typenet::data
