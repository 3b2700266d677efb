#pragma once
// Activation statistics per layer (the seeds' per-layer mean, standard deviation and histogram
// of activations): from Model::layer_outputs, so every layer, built-in or a user's, is covered
// without layer-specific code.
//
//   auto stats = activation_statistics(model, x);              // one entry per layer
//   stats[1].name;  stats[1].mean;  stats[1].stddev;  stats[1].zero_fraction;  stats[1].histogram.counts

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include <typenet/core/error.hpp>
#include <typenet/core/model.hpp>

namespace typenet {

// Counts of values in `counts.size()` equal bins over [low, high]; the last bin is closed.
struct histogram {
    double low = 0;
    double high = 0;
    std::vector<std::size_t> counts;

    double bin_width() const noexcept { return counts.empty() ? 0 : (high - low) / double(counts.size()); }
};

// The statistics of one layer's outputs over a batch (every unit of every row).
struct activation_stats {
    std::string name;            // e.g. "relu_1"
    std::size_t position = 0;    // in the network (Input is 0)
    std::size_t width = 0;       // units
    std::size_t values = 0;      // rows x width
    double mean = 0;
    double stddev = 0;           // population standard deviation
    double zero_fraction = 0;    // of values exactly 0
    double min = 0;
    double max = 0;
    typenet::histogram histogram;
};

// `bins` equal bins from the smallest value to the largest (a bin of width 1 around a constant).
template <class T>
histogram make_histogram(const std::vector<T>& v, std::size_t bins) {
    if (bins == 0) throw error("histogram: expected at least 1 bin, found 0");
    histogram h;
    h.counts.assign(bins, 0);
    if (v.empty()) return h;
    const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
    h.low = double(*lo);
    h.high = double(*hi);
    if (h.high == h.low) {
        h.low -= 0.5;
        h.high += 0.5;
    }
    const double scale = double(bins) / (h.high - h.low);
    for (const T x : v) {
        const auto b = static_cast<std::size_t>((double(x) - h.low) * scale);
        ++h.counts[std::min(b, bins - 1)];
    }
    return h;
}

template <class T>
activation_stats activation_statistics_of(const layer_output<T>& out, std::size_t bins = 20) {
    activation_stats s;
    s.name = out.name();
    s.position = out.position;
    s.width = out.width;
    s.values = out.values.size();
    if (out.values.empty()) return s;
    double sum = 0;
    std::size_t zeros = 0;
    for (const T x : out.values) {
        sum += double(x);
        zeros += x == T(0);
    }
    s.mean = sum / double(s.values);
    double squares = 0;
    for (const T x : out.values) squares += (double(x) - s.mean) * (double(x) - s.mean);
    s.stddev = std::sqrt(squares / double(s.values));
    s.zero_fraction = double(zeros) / double(s.values);
    const auto [lo, hi] = std::minmax_element(out.values.begin(), out.values.end());
    s.min = double(*lo);
    s.max = double(*hi);
    s.histogram = make_histogram(out.values, bins);
    return s;
}

// Statistics of every layer's output (an inference pass unless `typenet::training` is passed).
template <class Net, class T, mode M = mode::inference>
std::vector<activation_stats> activation_statistics(const Model<Net, T>& model, std::span<const std::type_identity_t<T>> x,
                                                    std::size_t bins = 20, mode_tag<M> tag = {}) {
    std::vector<activation_stats> out;
    for (const layer_output<T>& o : model.layer_outputs(x, tag)) out.push_back(activation_statistics_of(o, bins));
    return out;
}

} // namespace typenet
