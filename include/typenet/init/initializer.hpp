#pragma once
// What an initialiser is: a type whose `fill(w, fan_in, fan_out, rng&)` draws a fan_in x
// fan_out weight matrix (row-major) from the model's seeded stream.

#include <cstddef>
#include <span>

#include <typenet/core/rng.hpp>

namespace typenet {

template <class I>
concept Initializer = requires(std::span<float> f, std::span<double> d, std::size_t n, rng& g) {
    I::fill(f, n, n, g);
    I::fill(d, n, n, g);
};

} // namespace typenet
