// The loss layers' evaluate() and predict() against plain formulas written out here (double,
// naive loops): value (summed over rows), gradient (of the mean over rows), predictions, in
// float and double, for widths with vector tails and 1 to 5 rows. Then the relations the
// headers state: PyTorch's mean-reduced losses, labels against one-hot values, Huber against
// MeanSquaredError, and SigmoidCrossEntropy at logits of +-100.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include <typenet/core/targets.hpp>
#include <typenet/layers/losses.hpp>

#include "../support/test_values.hpp"

namespace losses_test {

namespace {

using namespace typenet;
using typenet::test::tolerance;
using typenet::test::uniform_values;

using typenet::test::relatively_close;

using widths = std::integer_sequence<std::size_t, 1, 3, 10, 17, 33>;

template <class F>
void for_each_width(F f) {
    [&]<std::size_t... W>(std::integer_sequence<std::size_t, W...>) { (f(std::integral_constant<std::size_t, W>{}), ...); }(
        widths{});
}

// What a plain formula gives for a batch: the summed loss, the gradient of the mean loss and
// the predictions.
struct expected {
    double loss = 0;
    std::vector<double> grad;
    std::vector<double> out;
};

// -y log p - (1 - y) log(1 - p) with log p = -log(1 + e^-z) and log(1 - p) = -log(1 + e^z):
// exp of at most 100 here, far from overflow.
expected sigmoid_cross_entropy(const std::vector<double>& z, const std::vector<double>& y, std::size_t rows) {
    expected e;
    for (std::size_t i = 0; i < z.size(); ++i) {
        const double p = 1 / (1 + std::exp(-z[i]));
        e.loss += y[i] * std::log(1 + std::exp(-z[i])) + (1 - y[i]) * std::log(1 + std::exp(z[i]));
        e.grad.push_back((p - y[i]) / double(rows));
        e.out.push_back(p);
    }
    return e;
}

expected multiclass_hinge(const std::vector<double>& s, const std::vector<std::uint32_t>& labels, std::size_t width) {
    const std::size_t rows = labels.size();
    expected e{0, std::vector<double>(s.size(), 0.0), s};
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t j = 0; j < width; ++j) {
            if (j == labels[r]) continue;
            const double margin = s[r * width + j] - s[r * width + labels[r]] + 1;
            if (margin > 0) {
                e.loss += margin;
                e.grad[r * width + j] += 1.0 / double(rows);
                e.grad[r * width + labels[r]] -= 1.0 / double(rows);
            }
        }
    return e;
}

template <class F>
expected elementwise(const std::vector<double>& a, const std::vector<double>& y, std::size_t rows, F loss_and_slope) {
    expected e{0, {}, a};
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto [l, slope] = loss_and_slope(a[i] - y[i]);
        e.loss += l;
        e.grad.push_back(slope / double(rows));
    }
    return e;
}

expected absolute_error(const std::vector<double>& a, const std::vector<double>& y, std::size_t rows) {
    return elementwise(a, y, rows, [](double d) { return std::pair{std::abs(d), d > 0 ? 1.0 : d < 0 ? -1.0 : 0.0}; });
}
expected huber(const std::vector<double>& a, const std::vector<double>& y, std::size_t rows, double delta) {
    return elementwise(a, y, rows, [&](double d) {
        if (std::abs(d) <= delta) return std::pair{d * d / 2, d};
        return std::pair{delta * (std::abs(d) - delta / 2), d > 0 ? delta : -delta};
    });
}
expected squared_error(const std::vector<double>& a, const std::vector<double>& y, std::size_t rows) {
    return elementwise(a, y, rows, [](double d) { return std::pair{d * d / 2, d}; });
}

template <class T>
std::vector<T> as(const std::vector<double>& v) {
    return {v.begin(), v.end()};
}

// Runs Loss::evaluate<T, Width> and predict on `a` and compares with `want`.
template <class Loss, class T, std::size_t Width>
void require_matches(const std::vector<double>& a_in, std::size_t rows, targets<T> t, const expected& want) {
    const std::vector<T> a = as<T>(a_in);
    const std::size_t n = rows * Width;
    std::vector<T> out(n + 1, T(-7)), grad(n + 1, T(-7)), out2(n + 1, T(-7)), out3(n + 1, T(-7));
    const double loss = Loss::template evaluate<T, Width>(a.data(), rows, t, out.data(), grad.data());
    CAPTURE(loss, want.loss);
    REQUIRE(std::isfinite(loss));
    REQUIRE(relatively_close(loss, want.loss, tolerance<T>, 1e-3));
    for (std::size_t i = 0; i < n; ++i) {
        CAPTURE(i, a[i], out[i], want.out[i], grad[i], want.grad[i]);
        // Probabilities such as sigmoid(-100) = 3.7e-44 may flush to zero in float.
        REQUIRE(relatively_close(out[i], want.out[i], tolerance<T>, 1e-30));
        REQUIRE(relatively_close(grad[i], want.grad[i], tolerance<T>, 1.0 / double(rows)));
    }
    REQUIRE(out[n] == T(-7));
    REQUIRE(grad[n] == T(-7));
    // Without a gradient, and predict(): the same predictions.
    REQUIRE(Loss::template evaluate<T, Width>(a.data(), rows, t, out2.data(), nullptr) == loss);
    Loss::template predict<T, Width>(a.data(), rows, out3.data());
    REQUIRE(out2 == out);
    REQUIRE(out3 == out);
}

std::vector<std::uint32_t> labels_for(std::size_t rows, std::size_t count) {
    std::vector<std::uint32_t> l(rows);
    for (std::size_t r = 0; r < rows; ++r) l[r] = static_cast<std::uint32_t>((r * 5 + 2) % count);
    return l;
}

// Values rounded to T first, so that float and the double formula see the same inputs.
template <class T>
std::vector<double> inputs(std::size_t n, std::uint64_t s, double lo, double hi) {
    const auto v = uniform_values<T>(n, s, lo, hi);
    return {v.begin(), v.end()};
}

} // namespace

TEMPLATE_TEST_CASE("SigmoidCrossEntropy: value, gradient and probabilities, with labels and with values",
                   "[layers][losses]", float, double) {
    using T = TestType;
    for (std::size_t rows = 1; rows <= 5; ++rows)
        for_each_width([&]<std::size_t W>(std::integral_constant<std::size_t, W>) {
            CAPTURE(W, rows);
            auto z = inputs<T>(rows * W, rows * 100 + W, -8, 8);
            z.front() = 100;
            z.back() = -100;
            // Labels: 0 or 1 for a single output, else the one-hot row of the label.
            const auto labels = labels_for(rows, W == 1 ? 2 : W);
            std::vector<double> y(rows * W, 0.0);
            for (std::size_t r = 0; r < rows; ++r)
                if (W == 1) y[r] = labels[r];
                else y[r * W + labels[r]] = 1;
            require_matches<SigmoidCrossEntropy, T, W>(z, rows, {labels.data(), nullptr},
                                                       sigmoid_cross_entropy(z, y, rows));
            // Values in [0, 1] (multi-label, soft targets); labels absent.
            const auto values = inputs<T>(rows * W, rows * 100 + W + 50, 0, 1);
            const auto v = as<T>(values);
            require_matches<SigmoidCrossEntropy, T, W>(z, rows, {nullptr, v.data()},
                                                       sigmoid_cross_entropy(z, values, rows));
        });
}

TEMPLATE_TEST_CASE("MulticlassHinge: value, gradient and scores", "[layers][losses]", float, double) {
    using T = TestType;
    for (std::size_t rows = 1; rows <= 5; ++rows)
        for_each_width([&]<std::size_t W>(std::integral_constant<std::size_t, W>) {
            CAPTURE(W, rows);
            const auto s = inputs<T>(rows * W, rows * 200 + W, -1.5, 1.5);
            const auto labels = labels_for(rows, W);
            require_matches<MulticlassHinge, T, W>(s, rows, {labels.data(), nullptr}, multiclass_hinge(s, labels, W));
        });
}

TEMPLATE_TEST_CASE("MeanAbsoluteError and Huber: value, gradient and outputs", "[layers][losses]", float, double) {
    using T = TestType;
    for (std::size_t rows = 1; rows <= 5; ++rows)
        for_each_width([&]<std::size_t W>(std::integral_constant<std::size_t, W>) {
            CAPTURE(W, rows);
            const auto a = inputs<T>(rows * W, rows * 300 + W, -2, 2);
            auto y = inputs<T>(rows * W, rows * 300 + W + 50, -2, 2);
            y[0] = a[0];  // a residual of exactly 0: L1's subgradient there is 0
            const auto yt = as<T>(y);
            const targets<T> t{nullptr, yt.data()};
            require_matches<MeanAbsoluteError, T, W>(a, rows, t, absolute_error(a, y, rows));
            require_matches<Huber<>, T, W>(a, rows, t, huber(a, y, rows, 1.0));
            require_matches<Huber<0.25>, T, W>(a, rows, t, huber(a, y, rows, 0.25));
            require_matches<Huber<3>, T, W>(a, rows, t, huber(a, y, rows, 3.0));
            require_matches<MeanSquaredError, T, W>(a, rows, t, squared_error(a, y, rows));
        });
}

TEMPLATE_TEST_CASE("SigmoidCrossEntropy at logits of +-100 is finite and exact", "[layers][losses]", float, double) {
    using T = TestType;
    const T z[] = {T(100), T(-100), T(100), T(-100), T(100)};
    const std::uint32_t labels[] = {1, 1, 0, 0, 1};
    T p[5], grad[5];
    // Row by row: -log sigmoid(100) = log(1 + e^-100) = 3.7e-44; -log sigmoid(-100) = 100 + 3.7e-44;
    // -log(1 - sigmoid(100)) = 100; -log(1 - sigmoid(-100)) = 3.7e-44.
    const double want[] = {std::exp(-100.0), 100, 100, std::exp(-100.0), std::exp(-100.0)};
    for (std::size_t r = 0; r < 5; ++r) {
        CAPTURE(r);
        const double l = SigmoidCrossEntropy::evaluate<T, 1>(z + r, 1, {labels + r, nullptr}, p + r, grad + r);
        CAPTURE(l, want[r], p[r], grad[r]);
        REQUIRE(std::isfinite(l));
        REQUIRE(std::abs(l - want[r]) <= 1e-6 * want[r] + 1e-40);
        REQUIRE(std::isfinite(p[r]));
        REQUIRE(std::isfinite(grad[r]));
        // The gradient p - y: 0 (up to 3.7e-44) where the prediction is right, +-1 where it is wrong.
        const double right = (z[r] > 0) == (labels[r] == 1);
        REQUIRE(std::abs(double(grad[r]) - (right ? 0.0 : (labels[r] == 1 ? -1.0 : 1.0))) <= 1e-30);
    }
    // The same five as one batch of 5 rows: the sum, and gradients scaled by 1/5.
    const double sum = SigmoidCrossEntropy::evaluate<T, 1>(z, 5, {labels, nullptr}, p, grad);
    REQUIRE(std::abs(sum - 200) <= 1e-12 * 200);
    REQUIRE(grad[1] == T(-0.2));
    REQUIRE(grad[2] == T(0.2));
}

TEMPLATE_TEST_CASE("SigmoidCrossEntropy: labels and the same 0/1 targets as values give the same loss",
                   "[layers][losses]", float, double) {
    using T = TestType;
    for_each_width([&]<std::size_t W>(std::integral_constant<std::size_t, W>) {
        CAPTURE(W);
        constexpr std::size_t rows = 5;
        const auto z = as<T>(inputs<T>(rows * W, W, -4, 4));
        const auto labels = labels_for(rows, W == 1 ? 2 : W);
        std::vector<T> y(rows * W, T(0));
        for (std::size_t r = 0; r < rows; ++r) y[W == 1 ? r : r * W + labels[r]] = T(W == 1 ? labels[r] : 1);
        std::vector<T> p1(rows * W), g1(rows * W), p2(rows * W), g2(rows * W);
        const double from_labels = SigmoidCrossEntropy::evaluate<T, W>(z.data(), rows, {labels.data(), nullptr},
                                                                       p1.data(), g1.data());
        const double from_values =
            SigmoidCrossEntropy::evaluate<T, W>(z.data(), rows, {nullptr, y.data()}, p2.data(), g2.data());
        CAPTURE(from_labels, from_values);
        REQUIRE(relatively_close(from_labels, from_values, tolerance<T>, 1.0));
        REQUIRE(p1 == p2);
        for (std::size_t i = 0; i < rows * W; ++i) REQUIRE(g1[i] == g2[i]);
        // A batch with both reads the labels.
        std::vector<T> other(rows * W, T(0.5));
        REQUIRE(SigmoidCrossEntropy::evaluate<T, W>(z.data(), rows, {labels.data(), other.data()}, p2.data(),
                                                     nullptr) == from_labels);
    });
}

TEST_CASE("the losses against PyTorch's mean-reduced losses, as their headers state", "[layers][losses]") {
    // PyTorch's formulas, written out: the mean over all rows x Width values of each element's
    // loss (MultiMarginLoss: each row's sum over j != y divided by C, then the mean over rows).
    constexpr std::size_t rows = 4, W = 10;
    const auto a = uniform_values(rows * W, 1, -2, 2);
    const auto y = uniform_values(rows * W, 2, -2, 2);
    const auto y01 = uniform_values(rows * W, 3, 0, 1);
    const std::vector<std::uint32_t> labels{3, 0, 9, 3};
    double mse = 0, l1 = 0, huber_1 = 0, smooth_l1_half = 0, bce = 0, multi_margin = 0;
    for (std::size_t i = 0; i < rows * W; ++i) {
        const double d = a[i] - y[i];
        mse += d * d;
        l1 += std::abs(d);
        huber_1 += std::abs(d) < 1 ? 0.5 * d * d : std::abs(d) - 0.5;
        smooth_l1_half += std::abs(d) < 0.5 ? 0.5 * d * d / 0.5 : std::abs(d) - 0.25;
        const double p = 1 / (1 + std::exp(-a[i]));
        bce += -(y01[i] * std::log(p) + (1 - y01[i]) * std::log(1 - p));
    }
    for (std::size_t r = 0; r < rows; ++r) {
        double row = 0;
        for (std::size_t j = 0; j < W; ++j)
            if (j != labels[r]) row += std::max(0.0, 1 - a[r * W + labels[r]] + a[r * W + j]);
        multi_margin += row / W;
    }
    const double all = rows * W;
    for (double* mean_over_all : {&mse, &l1, &huber_1, &smooth_l1_half, &bce}) *mean_over_all /= all;
    multi_margin /= rows;

    std::vector<double> out(rows * W);
    auto mean = [&]<class Loss>(Loss, targets<double> t) {
        return Loss::template evaluate<double, W>(a.data(), rows, t, out.data(), nullptr) / rows;
    };
    const targets<double> values{nullptr, y.data()};
    CHECK(mean(MeanSquaredError{}, values) == Approx(mse * W / 2).epsilon(1e-12));
    CHECK(mean(MeanAbsoluteError{}, values) == Approx(l1 * W).epsilon(1e-12));
    CHECK(mean(Huber<1.0>{}, values) == Approx(huber_1 * W).epsilon(1e-12));
    // SmoothL1Loss(beta) = HuberLoss(delta = beta) / beta.
    CHECK(mean(Huber<0.5>{}, values) == Approx(smooth_l1_half * 0.5 * W).epsilon(1e-12));
    CHECK(mean(SigmoidCrossEntropy{}, {nullptr, y01.data()}) == Approx(bce * W).epsilon(1e-12));
    CHECK(mean(MulticlassHinge{}, {labels.data(), nullptr}) == Approx(multi_margin * W).epsilon(1e-12));
}

TEST_CASE("Huber equals MeanSquaredError while every residual is within delta", "[layers][losses]") {
    constexpr std::size_t rows = 3, W = 17;
    const auto a = uniform_values(rows * W, 4, -1, 1);
    const auto y = uniform_values(rows * W, 5, -1, 1);
    std::vector<double> out(rows * W), g_huber(rows * W), g_mse(rows * W);
    const targets<double> t{nullptr, y.data()};
    const double h = Huber<2.0>::evaluate<double, W>(a.data(), rows, t, out.data(), g_huber.data());
    const double m = MeanSquaredError::evaluate<double, W>(a.data(), rows, t, out.data(), g_mse.data());
    CHECK(h == Approx(m).epsilon(1e-14));
    for (std::size_t i = 0; i < rows * W; ++i) CHECK(g_huber[i] == Approx(g_mse[i]).epsilon(1e-14));
    // Beyond delta it grows linearly: half of it, at residuals up to 2, is far below the squares.
    const double h_half = Huber<0.5>::evaluate<double, W>(a.data(), rows, t, out.data(), nullptr);
    CHECK(h_half < m);
}

TEST_CASE("SigmoidCrossEntropy counts correct predictions by threshold, or by exact match of rows",
          "[layers][losses]") {
    // One output: p > 0.5 predicts class 1.
    const double p1[] = {0.1, 0.7, 0.49, 0.51, 0.9, 0.2};
    const std::uint32_t l1[] = {0, 1, 1, 1, 0, 0};
    CHECK(SigmoidCrossEntropy::count_correct<double, 1>(p1, 6, {l1, nullptr}) == 4);
    // The same targets as values.
    const double v1[] = {0, 1, 1, 1, 0, 0};
    CHECK(SigmoidCrossEntropy::count_correct<double, 1>(p1, 6, {nullptr, v1}) == 4);
    // Three outputs with value targets: a row counts when every output is on its target's side
    // of 0.5 (soft targets included).
    const double p3[] = {0.9, 0.1, 0.8, /**/ 0.9, 0.6, 0.8, /**/ 0.2, 0.3, 0.4, /**/ 0.6, 0.4, 0.7};
    const double v3[] = {1, 0, 1, /**/ 1, 0, 1, /**/ 0, 0, 0, /**/ 0.8, 0.1, 0.9};
    CHECK(SigmoidCrossEntropy::count_correct<double, 3>(p3, 4, {nullptr, v3}) == 3);
    // Three outputs with labels (one-hot): the largest probability is the class.
    const std::uint32_t l3[] = {0, 1, 2, 0};
    CHECK(SigmoidCrossEntropy::count_correct<double, 3>(p3, 4, {l3, nullptr}) == 2);
}

} // namespace losses_test
