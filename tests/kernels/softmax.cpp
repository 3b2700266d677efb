// kernels::softmax_cross_entropy and kernels::squared_error against the scalar reference.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include <typenet/core/rng.hpp>
#include <typenet/kernels/reference.hpp>
#include <typenet/kernels/softmax.hpp>

#include "../support/test_values.hpp"

namespace softmax_test {

namespace {

namespace kernels = typenet::kernels;

using typenet::test::relatively_close;

// Rows of ordinary logits, then rows that overflow a naive exp: all near +1000, all near
// -1000, and +-1000 mixed (some probabilities underflow to zero).
template <class T>
std::vector<T> logits(std::size_t classes, std::size_t ordinary_rows, std::uint64_t s) {
    typenet::rng g{typenet::seed{s}};
    std::vector<T> z;
    for (std::size_t r = 0; r < ordinary_rows; ++r)
        for (std::size_t j = 0; j < classes; ++j) z.push_back(static_cast<T>(10 * g.uniform() - 5));
    for (std::size_t j = 0; j < classes; ++j) z.push_back(static_cast<T>(1000 + 3 * g.uniform()));
    for (std::size_t j = 0; j < classes; ++j) z.push_back(static_cast<T>(-1000 - 3 * g.uniform()));
    for (std::size_t j = 0; j < classes; ++j) z.push_back(static_cast<T>(j % 2 ? 1000 : -1000));
    return z;
}

template <class T, std::size_t Classes>
void check_softmax(T grad_scale) {
    CAPTURE(Classes, grad_scale);
    const auto z = logits<T>(Classes, 6, Classes);
    const std::size_t rows = z.size() / Classes;
    std::vector<std::uint32_t> labels(rows);
    for (std::size_t r = 0; r < rows; ++r) labels[r] = static_cast<std::uint32_t>((r * 7 + 3) % Classes);
    // The last row's label sits on a -1000 logit (when there is one): its probability
    // underflows to zero but its loss (about 2000) must stay exact and finite.
    labels[rows - 1] = 0;

    std::vector<T> p(z.size()), grad(z.size()), p_ref(z.size()), grad_ref(z.size());
    const double loss = kernels::softmax_cross_entropy<T, Classes>(z.data(), labels.data(), rows, p.data(), grad.data(),
                                                                   grad_scale);
    const double loss_ref = kernels::reference::softmax_cross_entropy(z.data(), labels.data(), rows, Classes,
                                                                      p_ref.data(), grad_ref.data(), grad_scale);
    REQUIRE(std::isfinite(loss));
    CAPTURE(loss, loss_ref);
    REQUIRE(relatively_close(loss, loss_ref, typenet::test::tolerance<T>, 1.0));
    for (std::size_t i = 0; i < z.size(); ++i) {
        CAPTURE(i, z[i], p[i], p_ref[i], grad[i], grad_ref[i]);
        REQUIRE(std::isfinite(p[i]));
        REQUIRE(std::isfinite(grad[i]));
        // Probabilities below the smallest normal number may flush to zero in vector exp.
        REQUIRE(relatively_close(p[i], p_ref[i], typenet::test::tolerance<T>, 1e-30));
        // p - 1 cancels: the gradient is only as exact as grad_scale times the rounding of p.
        REQUIRE(relatively_close(grad[i], grad_ref[i], typenet::test::tolerance<T>,
                                 std::abs(double(grad_scale))));
    }
    // Row by row, so that the loss of ~2000 of the last row cannot hide an error in another.
    for (std::size_t r = 0; r < rows; ++r) {
        std::vector<T> pr(Classes), pr_ref(Classes);
        const double lr = kernels::softmax_cross_entropy<T, Classes>(z.data() + r * Classes, labels.data() + r, 1,
                                                                     pr.data(), nullptr, grad_scale);
        const double lr_ref = kernels::reference::softmax_cross_entropy(
            z.data() + r * Classes, labels.data() + r, 1, Classes, pr_ref.data(), static_cast<T*>(nullptr), grad_scale);
        CAPTURE(r, lr, lr_ref);
        // A loss near 0 is log(1 + tiny): absolute, not relative, accuracy is all T allows.
        REQUIRE(relatively_close(lr, lr_ref, typenet::test::tolerance<T>, 1.0));
    }
    for (std::size_t r = 0; r < rows; ++r) {
        double sum = 0;
        for (std::size_t j = 0; j < Classes; ++j) sum += p[r * Classes + j];
        REQUIRE(relatively_close(sum, 1.0, typenet::test::tolerance<T>));
    }

    // Without a gradient buffer, and without labels (prediction only): the same probabilities.
    std::vector<T> p2(z.size());
    REQUIRE(kernels::softmax_cross_entropy<T, Classes>(z.data(), labels.data(), rows, p2.data(), nullptr, grad_scale) ==
            loss);
    REQUIRE(p2 == p);
    std::vector<T> p3(z.size());
    REQUIRE(kernels::softmax_cross_entropy<T, Classes>(z.data(), nullptr, rows, p3.data(), nullptr, T(0)) == 0.0);
    REQUIRE(p3 == p);
}

using class_counts = std::integer_sequence<std::size_t, 2, 3, 4, 8, 10, 16, 17, 33>;

} // namespace

TEMPLATE_TEST_CASE("softmax_cross_entropy matches the reference, also for logits of +-1000", "[kernels][softmax]",
                   float, double) {
    using T = TestType;
    for (const T scale : {T(1), T(0.125), T(1) / T(9)})
        [&]<std::size_t... C>(std::integer_sequence<std::size_t, C...>) {
            (check_softmax<T, C>(scale), ...);
        }(class_counts{});
}

TEMPLATE_TEST_CASE("softmax_cross_entropy of equal logits is ln(classes)", "[kernels][softmax]", float, double) {
    using T = TestType;
    const std::vector<T> z(2 * 10, T(0.25));
    const std::uint32_t labels[] = {0, 9};
    std::vector<T> p(z.size()), grad(z.size());
    const double loss = kernels::softmax_cross_entropy<T, 10>(z.data(), labels, 2, p.data(), grad.data(), T(0.5));
    REQUIRE(relatively_close(loss, 2 * std::log(10.0), typenet::test::tolerance<T>));
    for (const T v : p) REQUIRE(relatively_close(v, 0.1, typenet::test::tolerance<T>));
    REQUIRE(relatively_close(grad[0], 0.5 * (0.1 - 1), typenet::test::tolerance<T>));
    REQUIRE(relatively_close(grad[1], 0.5 * 0.1, typenet::test::tolerance<T>));
    REQUIRE(relatively_close(grad[19], 0.5 * (0.1 - 1), typenet::test::tolerance<T>));
}

TEMPLATE_TEST_CASE("squared_error matches the reference for every length", "[kernels][squared_error]", float, double) {
    using T = TestType;
    typenet::rng g{typenet::seed{5}};
    std::vector<std::size_t> lengths;
    for (std::size_t n = 0; n <= 40; ++n) lengths.push_back(n);
    for (const std::size_t n : {63, 64, 65, 100, 129}) lengths.push_back(n);
    for (const std::size_t n : lengths) {
        CAPTURE(n);
        std::vector<T> a(n), y(n);
        for (std::size_t i = 0; i < n; ++i) {
            a[i] = static_cast<T>(4 * g.uniform() - 2);
            y[i] = static_cast<T>(4 * g.uniform() - 2);
        }
        const T scale = T(1) / T(3);
        std::vector<T> grad(n + 1, std::numeric_limits<T>::quiet_NaN()), grad_ref(n);
        const double loss = kernels::squared_error(a.data(), y.data(), n, grad.data(), scale);
        const double loss_ref = kernels::reference::squared_error(a.data(), y.data(), n, grad_ref.data(), scale);
        CAPTURE(loss, loss_ref);
        REQUIRE(relatively_close(loss, loss_ref, typenet::test::tolerance<T>, 1e-300));
        for (std::size_t i = 0; i < n; ++i) {
            CAPTURE(i);
            REQUIRE(relatively_close(grad[i], grad_ref[i], typenet::test::tolerance<T>, 1e-30));
        }
        REQUIRE(std::isnan(grad[n]));
        REQUIRE(kernels::squared_error(a.data(), y.data(), n, static_cast<T*>(nullptr), scale) == loss);
    }
}

} // namespace softmax_test
