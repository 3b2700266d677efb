#pragma once
// The moments an initialiser's draws must have, derived from its formula (never from the
// code), and a check of large samples against them within a stated number of standard errors.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <numbers>
#include <span>
#include <vector>

#include <typenet/core/rng.hpp>

namespace typenet::test {

// A sample of n draws from a distribution with mean 0 and even moments mu2, mu4, mu8: each
// estimate below is a mean of n independent terms, so its standard error is
// sqrt(Var(term) / n), with Var(w) = mu2, Var(w^2) = mu4 - mu2^2, Var(w^4) = mu8 - mu4^2.
// A correct initialiser is within 5 standard errors but once in 1.7 million checks.
inline constexpr double standard_errors = 5;

struct target_moments {
    double mu2, mu4, mu8;
};

inline target_moments normal_moments(double variance) {
    const double v = variance;
    return {v, 3 * v * v, 105 * v * v * v * v};
}

// U(-a, a): E w^(2k) = a^(2k) / (2k + 1).
inline target_moments uniform_moments(double a) {
    return {a * a / 3, std::pow(a, 4) / 5, std::pow(a, 8) / 9};
}

// Even moments of a standard normal truncated to [-c, c], by parts:
// E z^(2k) = (2k - 1) E z^(2k-2) - 2 c^(2k-1) phi(c) / P(|z| <= c).
struct truncated_standard_normal {
    double c = 2;
    double m2, m4, m8;
    truncated_standard_normal() {
        const double phi = std::exp(-c * c / 2) / std::sqrt(2 * std::numbers::pi);
        const double mass = std::erf(c / std::numbers::sqrt2);
        double m = 1;
        double moments[5] = {1, 0, 0, 0, 0};
        for (int k = 1; k <= 4; ++k) {
            m = (2 * k - 1) * m - 2 * std::pow(c, 2 * k - 1) * phi / mass;
            moments[k] = m;
        }
        m2 = moments[1];
        m4 = moments[2];
        m8 = moments[4];
    }
};

// Truncated at 2 standard deviations of the underlying normal N(0, s^2), with s chosen so that
// the truncated variance is `variance` (Keras's definition).
struct truncated_target {
    double underlying_std;
    target_moments moments;
};
inline truncated_target truncated_normal_moments(double variance) {
    const truncated_standard_normal z;
    const double s = std::sqrt(variance / z.m2);
    return {s, {variance, std::pow(s, 4) * z.m4, std::pow(s, 8) * z.m8}};
}

// A fraction p of N(0, s2) values among zeros.
inline target_moments sparse_moments(double p, double s2) {
    return {p * s2, 3 * p * s2 * s2, 105 * p * std::pow(s2, 4)};
}

template <class T>
void check_moments(std::span<const T> w, const target_moments& t) {
    const double n = static_cast<double>(w.size());
    double s1 = 0, s2 = 0, s4 = 0;
    for (const T x : w) {
        const double v = x;
        s1 += v;
        s2 += v * v;
        s4 += v * v * v * v;
    }
    const double mean = s1 / n, m2 = s2 / n, m4 = s4 / n;
    const double mean_se = std::sqrt(t.mu2 / n);
    const double m2_se = std::sqrt((t.mu4 - t.mu2 * t.mu2) / n);
    const double m4_se = std::sqrt((t.mu8 - t.mu4 * t.mu4) / n);
    CAPTURE(mean, mean_se, m2, t.mu2, m2_se, m4, t.mu4, m4_se);
    CHECK(std::abs(mean) <= standard_errors * mean_se);
    CHECK(std::abs(m2 - t.mu2) <= standard_errors * m2_se);
    CHECK(std::abs(m4 - t.mu4) <= standard_errors * m4_se);
}

// fan_in x fan_out weights drawn by I from seed s.
template <class I, class T>
std::vector<T> draw(std::size_t fan_in, std::size_t fan_out, std::uint64_t s) {
    std::vector<T> w(fan_in * fan_out);
    rng g{seed{s}};
    I::template fill<T>(std::span<T>{w}, fan_in, fan_out, g);
    return w;
}

} // namespace typenet::test
