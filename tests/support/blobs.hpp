#pragma once
// A small classification problem for training tests.

#include <cstddef>
#include <cstdint>
#include <vector>

#include <typenet/core/rng.hpp>
#include <typenet/data/dataset.hpp>

namespace typenet::test {

// Two Gaussian blobs per class in `width` dimensions: learnable, but not in one step.
inline data::Dataset<float> blobs(std::size_t n, std::size_t width, std::size_t classes, std::uint64_t s) {
    rng g{seed{s}};
    rng centres{seed{12345}};
    std::vector<float> c(classes * width);
    for (auto& v : c) v = static_cast<float>(centres.normal());
    data::Dataset<float> d;
    d.width = width;
    d.classes = classes;
    for (std::size_t i = 0; i < n; ++i) {
        const auto y = static_cast<std::uint32_t>(g.below(classes));
        d.labels.push_back(y);
        for (std::size_t j = 0; j < width; ++j)
            d.features.push_back(c[y * width + j] + 0.5f * static_cast<float>(g.normal()));
    }
    return d;
}

} // namespace typenet::test
