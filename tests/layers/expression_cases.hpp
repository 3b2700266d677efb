#pragma once
// Expressions under test, each with the same formula written in plain double and the part of
// the line it is sampled on (avoiding its kinks).

#include <algorithm>
#include <cmath>

#include <typenet/layers/expression.hpp>

#include "../support/activation_checks.hpp"

namespace expression_test {

namespace test = typenet::test;
using typenet::Activation;

namespace cases {
using namespace typenet::expr;

struct swish {
    using layer = Activation<x * sigmoid(x)>;
    static double reference(double v) { return v / (1 + std::exp(-v)); }
    static constexpr test::domain sampled{.lo = -8, .hi = 8};
};
struct mish {
    using layer = Activation<x * tanh(log(1.0 + exp(x)))>;
    static double reference(double v) { return v * std::tanh(std::log1p(std::exp(v))); }
    static constexpr test::domain sampled{.lo = -6, .hi = 6};
};
struct softplus {
    using layer = Activation<log(1 + exp(x))>;
    static double reference(double v) { return std::log1p(std::exp(v)); }
    static constexpr test::domain sampled{.lo = -6, .hi = 6};
};
struct square {
    using layer = Activation<x * x>;
    static double reference(double v) { return v * v; }
    static constexpr test::domain sampled{};
};
struct lorentzian {
    using layer = Activation<1 / (1 + x * x)>;
    static double reference(double v) { return 1 / (1 + v * v); }
    static constexpr test::domain sampled{};
};
struct shifted_relu {
    using layer = Activation<max(x, 0.0) * 2 - 1>;
    static double reference(double v) { return v > 0 ? 2 * v - 1 : -1.0; }
    static constexpr test::domain sampled{.kinks = {0}};
};
struct absolute {
    using layer = Activation<abs(x)>;
    static double reference(double v) { return std::fabs(v); }
    static constexpr test::domain sampled{.kinks = {0}};
};
struct hyperbola {
    using layer = Activation<sqrt(x * x + 1)>;
    static double reference(double v) { return std::sqrt(v * v + 1); }
    static constexpr test::domain sampled{};
};
// Negation, min with a constant, division by a constant, a function of a function.
struct mixed {
    using layer = Activation<-min(x, 0.5) / 4 + 3 * exp(-x * x)>;
    static double reference(double v) { return -std::min(v, 0.5) / 4 + 3 * std::exp(-v * v); }
    static constexpr test::domain sampled{.kinks = {0.5}};
};
// A quotient of two expressions of x.
struct rational {
    using layer = Activation<(x - 1) / (x * x + 2)>;
    static double reference(double v) { return (v - 1) / (v * v + 2); }
    static constexpr test::domain sampled{};
};
// where: the branch not taken may be NaN (log of a negative number) without harm.
struct log_above_one {
    using layer = Activation<where(x >= 1, log(x), x - 1)>;
    static double reference(double v) { return v >= 1 ? std::log(v) : v - 1; }
    static constexpr test::domain sampled{.lo = -3, .hi = 5, .kinks = {1}};
};
struct tanh_minus_line {
    using layer = Activation<tanh(2 * x) - x / 2>;
    static double reference(double v) { return std::tanh(2 * v) - v / 2; }
    static constexpr test::domain sampled{};
};
// max of two expressions of x, and min with the constant first.
struct leaky_max {
    using layer = Activation<max(x, 0.1 * x)>;
    static double reference(double v) { return std::max(v, 0.1 * v); }
    static constexpr test::domain sampled{.kinks = {0}};
};
// Products with a sigmoid on either side (computed as quotients on plain values).
struct sigmoid_products {
    using layer = Activation<sigmoid(2 * x) * 3 - x * sigmoid(x) * 0.5>;
    static double reference(double v) { return 3 / (1 + std::exp(-2 * v)) - 0.5 * v / (1 + std::exp(-v)); }
    static constexpr test::domain sampled{.lo = -6, .hi = 6};
};
struct clipped {
    using layer = Activation<min(1.0, x)>;
    static double reference(double v) { return std::min(1.0, v); }
    static constexpr test::domain sampled{.kinks = {1}};
};

} // namespace cases

} // namespace expression_test
