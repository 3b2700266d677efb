#pragma once
// Weight initialisers. Each fills a fan_in x fan_out weight matrix from the model's random
// stream; biases are not theirs to touch (they start at zero).

#include <cmath>
#include <cstddef>
#include <span>

#include <typenet/core/real.hpp>
#include <typenet/core/rng.hpp>

namespace typenet {

// Gaussian with standard deviation sqrt(2 / fan_in): keeps ReLU activations' variance (He et al.).
struct He {
    template <class T>
    static void fill(std::span<T> w, std::size_t fan_in, std::size_t, rng& g) {
        const double s = std::sqrt(2.0 / static_cast<double>(fan_in));
        for (T& v : w) v = static_cast<T>(s * g.normal());
    }
};

// Gaussian with standard deviation 1 / sqrt(fan_in), as the seeds' "Xavier" (tanh, sigmoid).
struct Xavier {
    template <class T>
    static void fill(std::span<T> w, std::size_t fan_in, std::size_t, rng& g) {
        const double s = 1.0 / std::sqrt(static_cast<double>(fan_in));
        for (T& v : w) v = static_cast<T>(s * g.normal());
    }
};

// All zeros: every unit computes the same thing (the symmetry the seeds warn about).
struct Zeros {
    template <class T>
    static void fill(std::span<T> w, std::size_t, std::size_t, rng&) {
        for (T& v : w) v = T(0);
    }
};

// Gaussian with a fixed standard deviation, e.g. Gaussian<0.01> for the seeds' 0.01 * randn.
template <real StdDev>
struct Gaussian {
    static_assert(StdDev.value > 0, "typenet::Gaussian<s> needs s > 0");
    template <class T>
    static void fill(std::span<T> w, std::size_t, std::size_t, rng& g) {
        for (T& v : w) v = static_cast<T>(StdDev.value * g.normal());
    }
};

} // namespace typenet
