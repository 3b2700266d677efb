#pragma once
// The shape of one sample as it flows between layers: channels x height x width. Dense layers
// see only the total size; the three axes are there for convolutions and spatial norms.

#include <cstddef>

namespace typenet {

struct shape {
    std::size_t channels = 1;
    std::size_t height = 1;
    std::size_t width = 0;

    constexpr std::size_t size() const noexcept { return channels * height * width; }
    friend constexpr bool operator==(const shape&, const shape&) = default;
};

// A flat vector of n values.
constexpr shape flat(std::size_t n) noexcept { return shape{1, 1, n}; }

} // namespace typenet
