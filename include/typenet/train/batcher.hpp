#pragma once
// Gathers the samples of a mini-batch into contiguous buffers, allocated once for the
// largest batch, so that a training step reads one dense block of memory.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <typenet/core/targets.hpp>
#include <typenet/data/dataset.hpp>

namespace typenet::detail {

template <class T>
class batcher {
public:
    batcher(const data::Dataset<T>& d, std::size_t batch)
        : data_(d), features_(batch * d.width), labels_(d.labels.empty() ? 0 : batch),
          targets_(d.target_width * batch) {}

    // Copies the samples `indices` into the buffers; returns the number of rows.
    std::size_t gather(std::span<const std::size_t> indices) {
        const std::size_t w = data_.width, tw = data_.target_width;
        for (std::size_t r = 0; r < indices.size(); ++r) {
            const std::size_t i = indices[r];
            std::copy_n(data_.row(i), w, features_.data() + r * w);
            if (!labels_.empty()) labels_[r] = data_.labels[i];
            if (tw) std::copy_n(data_.target_row(i), tw, targets_.data() + r * tw);
        }
        return indices.size();
    }

    const T* features() const noexcept { return features_.data(); }
    // The first `rows` gathered samples and their targets, as the model's entry points take them.
    std::span<const T> features(std::size_t rows) const noexcept { return std::span<const T>(features_).first(rows * data_.width); }
    typenet::batch_targets<T> target_spans(std::size_t rows) const noexcept {
        return {std::span<const std::uint32_t>(labels_).first(labels_.empty() ? 0 : rows),
                std::span<const T>(targets_).first(rows * data_.target_width)};
    }
    const std::uint32_t* labels() const noexcept { return labels_.empty() ? nullptr : labels_.data(); }
    targets<T> batch_targets() const noexcept {
        return {labels_.empty() ? nullptr : labels_.data(), targets_.empty() ? nullptr : targets_.data()};
    }

private:
    const data::Dataset<T>& data_;
    std::vector<T> features_;
    std::vector<std::uint32_t> labels_;
    std::vector<T> targets_;
};

} // namespace typenet::detail
