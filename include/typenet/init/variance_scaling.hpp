#pragma once
// Initialisers scaled by the layer's fans: VarianceScaling<scale, mode, distribution> and its
// named cases Xavier, XavierUniform, Glorot, GlorotUniform, He, HeUniform, LeCun.
//
// The weights of a fan_in x fan_out matrix (row k = input k's weights to every unit) get mean 0
// and variance scale / n, with n = fan_in, fan_out or (fan_in + fan_out) / 2: Keras's
// VarianceScaling. fan_in keeps the forward signal's variance, fan_out the backward gradient's.
//
// PyTorch's nn.Linear stores its weight Out x In, the transpose of typenet's In x Out; its
// fan_in and fan_out are the same numbers as here (In and Out), so mode='fan_in' means the same.

#include <cmath>
#include <cstddef>
#include <span>

#include <typenet/core/real.hpp>
#include <typenet/core/rng.hpp>
#include <typenet/init/initializer.hpp>

namespace typenet {

// Which fan divides the scale.
enum class fan_mode { in, out, avg };

// The shape of the draw; every one has the same variance scale / n.
//   normal            N(0, scale / n)                      (Keras "untruncated_normal")
//   truncated_normal  N(0, s^2) kept within 2 s and redrawn beyond, s = sqrt(scale / n) / 0.8796...
//                     so that the truncated variance is scale / n (Keras "truncated_normal",
//                     and Keras's old "normal")
//   uniform           U(-l, l), l = sqrt(3 scale / n)
enum class distribution { normal, truncated_normal, uniform };

namespace detail {
// Standard deviation of a standard normal truncated to [-2, 2]: sqrt(1 - 4 phi(2) / erf(sqrt 2)).
inline constexpr double truncated_normal_std = 0.87962566103423978;

constexpr double scaling_fan(fan_mode mode, std::size_t fan_in, std::size_t fan_out) noexcept {
    switch (mode) {
    case fan_mode::in: return static_cast<double>(fan_in);
    case fan_mode::out: return static_cast<double>(fan_out);
    case fan_mode::avg: break;
    }
    return (static_cast<double>(fan_in) + static_cast<double>(fan_out)) / 2;
}
} // namespace detail

// Variance scale / n (defaults: Keras's, which are LeCun's truncated normal).
// Keras: initializers.VarianceScaling(scale, mode="fan_in"|"fan_out"|"fan_avg",
// distribution="untruncated_normal"|"truncated_normal"|"uniform"). PyTorch has no one call:
// kaiming_normal_/kaiming_uniform_ cover fan_in and fan_out with gain^2 = scale, and
// xavier_normal_/xavier_uniform_ cover fan_avg with gain^2 = scale.
template <real Scale = 1.0, fan_mode Mode = fan_mode::in, distribution Dist = distribution::truncated_normal>
struct VarianceScaling {
    static_assert(Scale.value > 0, "typenet::VarianceScaling<scale, mode, distribution> needs scale > 0");

    template <class T>
    static void fill(std::span<T> w, std::size_t fan_in, std::size_t fan_out, rng& g) {
        detail::check_weight_count(w.size(), fan_in, fan_out);
        const double n = detail::scaling_fan(Mode, fan_in, fan_out);
        if constexpr (Dist == distribution::normal) {
            const double s = std::sqrt(Scale.value / n);
            for (T& v : w) v = static_cast<T>(s * g.normal());
        } else if constexpr (Dist == distribution::truncated_normal) {
            const double s = std::sqrt(Scale.value / n) / detail::truncated_normal_std;
            for (T& v : w) {
                double z = g.normal();
                while (std::abs(z) > 2) z = g.normal();  // 4.6% of draws
                v = static_cast<T>(s * z);
            }
        } else {
            const double limit = std::sqrt(3 * Scale.value / n);
            for (T& v : w) v = static_cast<T>(limit * (2 * g.uniform() - 1));
        }
    }
};

// N(0, 1/fan_in): std 1/sqrt(fan_in), the seeds' "Xavier" (randn(fan_in, fan_out) / sqrt(fan_in),
// as Caffe simplifies Glorot's paper). For tanh and sigmoid.
// PyTorch: kaiming_normal_(w, mode='fan_in', nonlinearity='linear');
// Keras: VarianceScaling(1.0, "fan_in", "untruncated_normal").
struct Xavier : VarianceScaling<1.0, fan_mode::in, distribution::normal> {};

// U(-l, l), l = sqrt(3 / fan_in): Xavier's variance 1/fan_in from a uniform draw.
// PyTorch: kaiming_uniform_(w, mode='fan_in', nonlinearity='linear'); Keras: LecunUniform().
struct XavierUniform : VarianceScaling<1.0, fan_mode::in, distribution::uniform> {};

// N(0, 2/(fan_in + fan_out)): Glorot and Bengio's compromise between the forward and the
// backward variance. PyTorch: xavier_normal_(w); Keras: VarianceScaling(1.0, "fan_avg",
// "untruncated_normal") (Keras's GlorotNormal truncates: VarianceScaling<1.0, fan_mode::avg,
// distribution::truncated_normal>).
struct Glorot : VarianceScaling<1.0, fan_mode::avg, distribution::normal> {};

// U(-l, l), l = sqrt(6 / (fan_in + fan_out)). PyTorch: xavier_uniform_(w); Keras:
// GlorotUniform() (the default of Keras's Dense).
struct GlorotUniform : VarianceScaling<1.0, fan_mode::avg, distribution::uniform> {};

// N(0, 2/fan_in): std sqrt(2/fan_in), He et al. for ReLU, which zeroes half its inputs.
// PyTorch: kaiming_normal_(w, mode='fan_in', nonlinearity='relu'); Keras:
// VarianceScaling(2.0, "fan_in", "untruncated_normal") (Keras's HeNormal truncates).
struct He : VarianceScaling<2.0, fan_mode::in, distribution::normal> {};

// U(-l, l), l = sqrt(6 / fan_in). PyTorch: kaiming_uniform_(w, mode='fan_in',
// nonlinearity='relu'); Keras: HeUniform().
struct HeUniform : VarianceScaling<2.0, fan_mode::in, distribution::uniform> {};

// Variance 1/fan_in as Xavier, but truncated at 2 standard deviations as Keras's LecunNormal
// (recommended with SELU); the variance is the same, only the tails (none beyond
// 2 sqrt(1/fan_in) / 0.8796) differ. PyTorch: trunc_normal_(w, std=s, a=-2s, b=2s) with
// s = 1/(0.8796 sqrt(fan_in)).
struct LeCun : VarianceScaling<1.0, fan_mode::in, distribution::truncated_normal> {};

} // namespace typenet
