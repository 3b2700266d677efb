#pragma once
// Initialisers whose scale the user chooses: Zeros, Constant<c>, Gaussian<s>, Uniform<a>.
// Each fills a fan_in x fan_out weight matrix (row k = input k's weights to every unit) and
// ignores the fans except to check the span's size (init/initializer.hpp).
//
// PyTorch's nn.Linear stores its weight Out x In, the transpose of typenet's In x Out; for
// these four the layout does not matter.

#include <cstddef>
#include <span>

#include <typenet/core/real.hpp>
#include <typenet/core/rng.hpp>
#include <typenet/init/initializer.hpp>

namespace typenet {

// w = 0. Every unit then computes the same thing and gets the same gradient: the symmetry the
// seeds show failing. PyTorch: torch.nn.init.zeros_; Keras: initializers.Zeros().
struct Zeros {
    template <class T>
    static void fill(std::span<T> w, std::size_t fan_in, std::size_t fan_out, rng&) {
        detail::check_weight_count(w.size(), fan_in, fan_out);
        for (T& v : w) v = T(0);
    }
};

// w = c, e.g. Constant<0.25>. Symmetric like Zeros unless c = 0 is what is wanted.
// PyTorch: torch.nn.init.constant_(w, c); Keras: initializers.Constant(c).
template <real C>
struct Constant {
    template <class T>
    static void fill(std::span<T> w, std::size_t fan_in, std::size_t fan_out, rng&) {
        detail::check_weight_count(w.size(), fan_in, fan_out);
        for (T& v : w) v = static_cast<T>(C.value);
    }
};

// w ~ N(0, s^2), e.g. Gaussian<0.01> for the seeds' 0.01 * randn. PyTorch:
// torch.nn.init.normal_(w, 0, s); Keras: initializers.RandomNormal(stddev=s).
template <real StdDev>
struct Gaussian {
    static_assert(StdDev.value > 0, "typenet::Gaussian<s> needs s > 0");
    template <class T>
    static void fill(std::span<T> w, std::size_t fan_in, std::size_t fan_out, rng& g) {
        detail::check_weight_count(w.size(), fan_in, fan_out);
        for (T& v : w) v = static_cast<T>(StdDev.value * g.normal());
    }
};

// w ~ U(-a, a): variance a^2 / 3. PyTorch: torch.nn.init.uniform_(w, -a, a); Keras:
// initializers.RandomUniform(-a, a).
template <real Limit>
struct Uniform {
    static_assert(Limit.value > 0, "typenet::Uniform<a> needs a > 0");
    template <class T>
    static void fill(std::span<T> w, std::size_t fan_in, std::size_t fan_out, rng& g) {
        detail::check_weight_count(w.size(), fan_in, fan_out);
        for (T& v : w) v = static_cast<T>(Limit.value * (2 * g.uniform() - 1));
    }
};

} // namespace typenet
