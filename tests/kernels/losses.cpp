// kernels::sigmoid_cross_entropy, multiclass_hinge, absolute_error and huber against the scalar
// reference (kernels/reference.hpp), in float and double, for widths with vector tails and
// every row count from 1 to 5, including logits of +-100.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include <typenet/kernels/losses.hpp>
#include <typenet/kernels/reference.hpp>

#include "../support/test_values.hpp"

namespace losses_test {

namespace {

namespace kernels = typenet::kernels;
namespace reference = typenet::kernels::reference;
using typenet::test::tolerance;
using typenet::test::uniform_values;

using typenet::test::relatively_close;

using widths = std::integer_sequence<std::size_t, 1, 3, 10, 17, 33>;
constexpr std::size_t max_rows = 5;

template <class F>
void for_each_width(F f) {
    [&]<std::size_t... W>(std::integer_sequence<std::size_t, W...>) { (f(std::integral_constant<std::size_t, W>{}), ...); }(
        widths{});
}

std::vector<std::uint32_t> labels_for(std::size_t rows, std::size_t count) {
    std::vector<std::uint32_t> l(rows);
    for (std::size_t r = 0; r < rows; ++r) l[r] = static_cast<std::uint32_t>((r * 7 + 3) % count);
    return l;
}

// Logits in [-6, 6], with +100 and -100 among them (first and last value, and more when wide).
template <class T>
std::vector<T> logits(std::size_t n, std::uint64_t s) {
    auto z = uniform_values<T>(n, s, -6, 6);
    z.front() = T(100);
    if (n > 1) z.back() = T(-100);
    for (std::size_t i = 5; i < n; i += 11) z[i] = i % 2 ? T(100) : T(-100);
    return z;
}

// Which targets a sigmoid cross-entropy call reads.
enum class sigmoid_targets { labels, values, none };

template <class T, std::size_t Width>
void check_sigmoid_cross_entropy(std::size_t rows, sigmoid_targets which) {
    CAPTURE(Width, rows, static_cast<int>(which));
    const std::size_t n = rows * Width;
    const auto z = logits<T>(n, 10 * Width + rows);
    const auto labels = labels_for(rows, Width == 1 ? 2 : Width);
    const auto values = uniform_values<T>(n, 100 + rows, 0, 1);
    const std::uint32_t* l = which == sigmoid_targets::labels ? labels.data() : nullptr;
    const T* v = which == sigmoid_targets::values ? values.data() : nullptr;
    const T scale = T(1) / T(rows);

    // One guard value after each buffer: the kernel writes exactly n.
    std::vector<T> p(n + 1, T(-7)), grad(n + 1, T(-7)), p_ref(n), grad_ref(n);
    const double loss = kernels::sigmoid_cross_entropy<T, Width>(z.data(), l, v, rows, p.data(), grad.data(), scale);
    const double loss_ref =
        reference::sigmoid_cross_entropy(z.data(), l, v, rows, Width, p_ref.data(), grad_ref.data(), scale);
    CAPTURE(loss, loss_ref);
    REQUIRE(std::isfinite(loss));
    if (which == sigmoid_targets::none) REQUIRE(loss == 0.0);
    else REQUIRE(relatively_close(loss, loss_ref, tolerance<T>, 1.0));
    for (std::size_t i = 0; i < n; ++i) {
        CAPTURE(i, z[i], p[i], p_ref[i], grad[i], grad_ref[i]);
        REQUIRE(std::isfinite(p[i]));
        REQUIRE(p[i] >= T(0));
        REQUIRE(p[i] <= T(1));
        // sigmoid(-100) = 3.7e-44 is below float's normal range: it may flush to zero.
        REQUIRE(relatively_close(p[i], p_ref[i], tolerance<T>, 1e-30));
        if (which != sigmoid_targets::none) REQUIRE(relatively_close(grad[i], grad_ref[i], tolerance<T>, double(scale)));
    }
    REQUIRE(p[n] == T(-7));
    REQUIRE(grad[n] == T(-7));

    if (which == sigmoid_targets::none) return;
    // Row by row, so that the losses of about 100 cannot hide an error in a small one.
    for (std::size_t r = 0; r < rows; ++r) {
        std::vector<T> pr(Width), pr_ref(Width);
        const double lr = kernels::sigmoid_cross_entropy<T, Width>(z.data() + r * Width, l ? l + r : nullptr,
                                                                   v ? v + r * Width : nullptr, 1, pr.data(),
                                                                   static_cast<T*>(nullptr), scale);
        const double lr_ref =
            reference::sigmoid_cross_entropy(z.data() + r * Width, l ? l + r : nullptr, v ? v + r * Width : nullptr, 1,
                                             Width, pr_ref.data(), static_cast<T*>(nullptr), scale);
        CAPTURE(r, lr, lr_ref);
        REQUIRE(relatively_close(lr, lr_ref, tolerance<T>, 1e-3));
    }
    // Without a gradient buffer: the same loss and probabilities.
    std::vector<T> p2(n);
    REQUIRE(kernels::sigmoid_cross_entropy<T, Width>(z.data(), l, v, rows, p2.data(), nullptr, scale) == loss);
    REQUIRE(std::equal(p2.begin(), p2.end(), p.begin()));
}

// Scores in [-1.5, 1.5]: margins s_j - s_y + 1 fall on both sides of the hinge.
template <class T, std::size_t Classes>
void check_multiclass_hinge(std::size_t rows) {
    CAPTURE(Classes, rows);
    const std::size_t n = rows * Classes;
    const auto s = uniform_values<T>(n, 20 * Classes + rows, -1.5, 1.5);
    const auto labels = labels_for(rows, Classes);
    const T scale = T(1) / T(rows);
    std::vector<T> grad(n + 1, T(-7)), grad_ref(n);
    const double loss = kernels::multiclass_hinge<T, Classes>(s.data(), labels.data(), rows, grad.data(), scale);
    const double loss_ref = reference::multiclass_hinge(s.data(), labels.data(), rows, Classes, grad_ref.data(), scale);
    CAPTURE(loss, loss_ref);
    REQUIRE(relatively_close(loss, loss_ref, tolerance<T>, 1e-3));
    // The same margins are active in both: the gradient is exactly the same.
    for (std::size_t i = 0; i < n; ++i) {
        CAPTURE(i, grad[i], grad_ref[i]);
        REQUIRE(grad[i] == grad_ref[i]);
    }
    REQUIRE(grad[n] == T(-7));
    REQUIRE(kernels::multiclass_hinge<T, Classes>(s.data(), labels.data(), rows, static_cast<T*>(nullptr), scale) == loss);
}

// Values a and targets y in [-2, 2]; some equal (|a - y| = 0), some exactly delta apart.
template <class T>
std::pair<std::vector<T>, std::vector<T>> residual_pairs(std::size_t n, std::uint64_t s, T delta) {
    auto a = uniform_values<T>(n, s, -2, 2);
    auto y = uniform_values<T>(n, s + 1000, -2, 2);
    for (std::size_t i = 2; i < n; i += 7) a[i] = y[i];
    for (std::size_t i = 4; i < n; i += 9) {
        y[i] = T(0);
        a[i] = i % 2 ? delta : -delta;
    }
    return {a, y};
}

template <class T, std::size_t Width>
void check_regression_losses(std::size_t rows) {
    CAPTURE(Width, rows);
    const std::size_t n = rows * Width;
    const T scale = T(1) / T(rows);
    for (const T delta : {T(1), T(0.3)}) {
        CAPTURE(delta);
        const auto [a, y] = residual_pairs<T>(n, 30 * Width + rows, delta);
        std::vector<T> grad(n + 1, T(-7)), grad_ref(n);

        const double l1 = kernels::absolute_error(a.data(), y.data(), n, grad.data(), scale);
        const double l1_ref = reference::absolute_error(a.data(), y.data(), n, grad_ref.data(), scale);
        CAPTURE(l1, l1_ref);
        REQUIRE(relatively_close(l1, l1_ref, tolerance<T>, 1e-3));
        for (std::size_t i = 0; i < n; ++i) {
            CAPTURE(i, a[i], y[i], grad[i], grad_ref[i]);
            REQUIRE(grad[i] == grad_ref[i]);
        }
        REQUIRE(grad[n] == T(-7));
        REQUIRE(kernels::absolute_error(a.data(), y.data(), n, static_cast<T*>(nullptr), scale) == l1);

        const double h = kernels::huber(a.data(), y.data(), n, delta, grad.data(), scale);
        const double h_ref = reference::huber(a.data(), y.data(), n, delta, grad_ref.data(), scale);
        CAPTURE(h, h_ref);
        REQUIRE(relatively_close(h, h_ref, tolerance<T>, 1e-3));
        for (std::size_t i = 0; i < n; ++i) {
            CAPTURE(i, a[i], y[i], grad[i], grad_ref[i]);
            REQUIRE(relatively_close(grad[i], grad_ref[i], tolerance<T>, double(scale)));
        }
        REQUIRE(grad[n] == T(-7));
        REQUIRE(kernels::huber(a.data(), y.data(), n, delta, static_cast<T*>(nullptr), scale) == h);
    }
}

} // namespace

TEMPLATE_TEST_CASE("sigmoid_cross_entropy matches the reference, with labels, values or neither, at logits of +-100",
                   "[kernels][losses]", float, double) {
    using T = TestType;
    for (std::size_t rows = 1; rows <= max_rows; ++rows)
        for (const auto which : {sigmoid_targets::labels, sigmoid_targets::values, sigmoid_targets::none})
            for_each_width([&]<std::size_t W>(std::integral_constant<std::size_t, W>) {
                check_sigmoid_cross_entropy<T, W>(rows, which);
            });
}

TEMPLATE_TEST_CASE("multiclass_hinge matches the reference", "[kernels][losses]", float, double) {
    using T = TestType;
    for (std::size_t rows = 1; rows <= max_rows; ++rows)
        for_each_width([&]<std::size_t W>(std::integral_constant<std::size_t, W>) { check_multiclass_hinge<T, W>(rows); });
}

TEMPLATE_TEST_CASE("multiclass_hinge takes a margin of exactly 0 as met", "[kernels][losses]", float, double) {
    using T = TestType;
    // Label 0 scores 1: the margin of class 1 (score 0) is exactly 0, of class 2 (score 1) is 1.
    const T s[] = {T(1), T(0), T(1)};
    const std::uint32_t label = 0;
    T grad[3];
    REQUIRE(kernels::multiclass_hinge<T, 3>(s, &label, 1, grad, T(1)) == 1.0);
    REQUIRE(grad[0] == T(-1));
    REQUIRE(grad[1] == T(0));
    REQUIRE(grad[2] == T(1));
}

TEMPLATE_TEST_CASE("absolute_error and huber match the reference", "[kernels][losses]", float, double) {
    using T = TestType;
    for (std::size_t rows = 1; rows <= max_rows; ++rows)
        for_each_width([&]<std::size_t W>(std::integral_constant<std::size_t, W>) { check_regression_losses<T, W>(rows); });
}

} // namespace losses_test
