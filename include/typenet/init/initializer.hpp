#pragma once
// The initialiser contract: a type with a static
//     template <class T> static void fill(std::span<T> w, std::size_t fan_in, std::size_t fan_out, rng& g);
// that fills a fan_in x fan_out weight matrix stored row-major (row k holds input k's weights
// to every unit; a unit is a column) from the model's seeded stream g, for float and double.
// Biases are not an initialiser's: they start at zero.

#include <cstddef>
#include <span>
#include <string>

#include <typenet/core/error.hpp>
#include <typenet/core/rng.hpp>

namespace typenet {

namespace detail {
// The named rule, so that a failed Initializer<I> says which precision is missing.
template <class I, class T>
concept FillsWeightsOf = requires(std::span<T> w, std::size_t fan, rng& g) { I::fill(w, fan, fan, g); };
} // namespace detail

// Something Dense can draw its weights from (and `ReLU`, a layer, is not).
template <class I>
concept Initializer = detail::FillsWeightsOf<I, float> && detail::FillsWeightsOf<I, double>;

namespace detail {
// Every initialiser indexes or scales by the two fans, so a span of another size is a caller's
// mistake that must not write past the matrix.
inline void check_weight_count(std::size_t size, std::size_t fan_in, std::size_t fan_out) {
    if (size != fan_in * fan_out)
        throw error("typenet initialiser: a " + std::to_string(fan_in) + " x " + std::to_string(fan_out) +
                    " weight matrix has " + std::to_string(fan_in * fan_out) + " values, but the span holds " +
                    std::to_string(size));
}
} // namespace detail

} // namespace typenet
