// kernels::sgd_update against the scalar reference, for every tail length, and sgd_store, the
// same update fused into the weight-gradient product.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <limits>
#include <utility>
#include <vector>

#include <typenet/core/rng.hpp>
#include <typenet/kernels/gemm.hpp>
#include <typenet/kernels/reference.hpp>
#include <typenet/kernels/update.hpp>

#include "../support/test_values.hpp"
#include "../support/threads.hpp"

namespace update_test {

TEMPLATE_TEST_CASE("sgd_update matches the reference for every length", "[kernels][sgd]", float, double) {
    using T = TestType;
    constexpr double tolerance = std::is_same_v<T, float> ? 1e-5 : 1e-12;
    typenet::rng g{typenet::seed{11}};
    std::vector<std::size_t> lengths;
    for (std::size_t n = 0; n <= 50; ++n) lengths.push_back(n);
    for (const std::size_t n : {63, 64, 65, 127, 1000}) lengths.push_back(n);
    for (const std::size_t n : lengths) {
        CAPTURE(n);
        std::vector<T> p(n + 1), grad(n);
        for (T& v : p) v = static_cast<T>(2 * g.uniform() - 1);
        for (T& v : grad) v = static_cast<T>(2 * g.uniform() - 1);
        p[n] = std::numeric_limits<T>::quiet_NaN();
        std::vector<T> want(p.begin(), p.end() - 1);
        const T lr = T(0.3);
        typenet::kernels::sgd_update(p.data(), grad.data(), n, lr);
        typenet::kernels::reference::sgd_update(want.data(), grad.data(), n, lr);
        for (std::size_t i = 0; i < n; ++i) {
            CAPTURE(i, p[i], want[i]);
            const double scale = std::abs(double(want[i])) + std::abs(double(lr * grad[i]));
            REQUIRE(std::abs(double(p[i]) - double(want[i])) <= tolerance * scale);
        }
        REQUIRE(std::isnan(p[n]));
    }
}

TEMPLATE_TEST_CASE("sgd_update with a zero rate or zero gradient leaves parameters unchanged", "[kernels][sgd]", float,
                   double) {
    using T = TestType;
    std::vector<T> p(37), grad(37, T(1)), zero(37, T(0));
    for (std::size_t i = 0; i < p.size(); ++i) p[i] = static_cast<T>(i) - T(18.5);
    const auto before = p;
    typenet::kernels::sgd_update(p.data(), grad.data(), p.size(), T(0));
    REQUIRE(p == before);
    typenet::kernels::sgd_update(p.data(), zero.data(), p.size(), T(0.5));
    REQUIRE(p == before);
}

TEMPLATE_TEST_CASE("sgd_update split over 1, 2 and 3 threads updates every element once, bitwise alike",
                   "[kernels][sgd][threads]", float, double) {
    using T = TestType;
    // Several chunks of the split and a tail.
    const std::size_t n = 5 * 64 * 1024 + 13;
    typenet::rng g{typenet::seed{12}};
    std::vector<T> start(n), grad(n);
    for (T& v : start) v = static_cast<T>(2 * g.uniform() - 1);
    for (T& v : grad) v = static_cast<T>(2 * g.uniform() - 1);
    const T lr = T(0.25);
    std::vector<T> one = start;
    {
        const typenet::test::with_threads threads(1);
        typenet::kernels::sgd_update(one.data(), grad.data(), n, lr);
    }
    std::vector<T> want = start;
    typenet::kernels::reference::sgd_update(want.data(), grad.data(), n, lr);
    for (std::size_t i = 0; i < n; ++i) {
        const double scale = std::abs(double(want[i])) + std::abs(double(lr * grad[i]));
        if (!(std::abs(double(one[i]) - double(want[i])) <= 1e-5 * scale)) {
            CAPTURE(i, one[i], want[i]);
            FAIL("update differs from the reference");
        }
    }
    for (const std::size_t threads : {2, 3}) {
        CAPTURE(threads);
        const typenet::test::with_threads setting(threads);
        std::vector<T> p = start;
        typenet::kernels::sgd_update(p.data(), grad.data(), n, lr);
        REQUIRE(p == one);
    }
}

// The SGD update fused into the weight-gradient product: gemm<T, Cols, true> (x^T d) with
// sgd_store must leave p - lr * (x^T d) with one fused multiply-add on the chain the plain
// product gives (reference::fused_product), every parameter updated exactly once, also where
// the last vector overlaps its neighbour (Cols not a multiple of the vector), and alike on 1, 2
// and 3 threads.
namespace {

template <class T, std::size_t Cols>
void check_fused_sgd(std::size_t In, std::size_t rows) {
    CAPTURE(Cols, In, rows);
    const auto x = typenet::test::uniform_values<T>(rows * In, 21 + In + rows);
    const auto d = typenet::test::uniform_values<T>(rows * Cols, 22 + Cols);
    const auto start = typenet::test::uniform_values<T>(In * Cols, 23 + Cols + In);
    const T lr = T(0.37);
    std::vector<T> grad(In * Cols);
    typenet::kernels::reference::fused_product(x.data(), In, true, d.data(), static_cast<const T*>(nullptr), In, rows,
                                               Cols, grad.data());
    std::vector<T> want = start;
    for (std::size_t i = 0; i < want.size(); ++i) want[i] = std::fma(-lr, grad[i], want[i]);
    std::vector<T> one;
    for (const std::size_t threads : {1, 2, 3}) {
        CAPTURE(threads);
        const typenet::test::with_threads setting(threads);
        std::vector<T> p = start;
        typenet::kernels::gemm<T, Cols, true>(In, rows, x.data(), In, d.data(), nullptr,
                                              typenet::kernels::sgd_store<T, Cols>(p.data(), lr));
#if defined(__FMA__)
        REQUIRE(p == want);
#else
        for (std::size_t i = 0; i < p.size(); ++i) {
            const double scale = std::abs(double(start[i])) + std::abs(double(lr * grad[i]));
            REQUIRE(std::abs(double(p[i]) - double(want[i])) <= typenet::test::tolerance<T> * scale);
        }
#endif
        if (threads == 1) one = p;
        else REQUIRE(p == one);
    }
}

template <class T, std::size_t... C>
void check_fused_sgd_columns(std::size_t In, std::size_t rows, std::integer_sequence<std::size_t, C...>) {
    (check_fused_sgd<T, C>(In, rows), ...);
}

} // namespace

TEMPLATE_TEST_CASE("sgd_store applies the SGD step inside the weight-gradient product, once per parameter",
                   "[kernels][sgd][gemm]", float, double) {
    using columns = std::integer_sequence<std::size_t, 1, 3, 7, 10, 15, 16, 17, 33, 100>;
    // In below 4 streams the product; 5, 9, 65 leave rows under a micro-kernel; 300 rows take
    // more than one packed panel.
    for (const std::size_t In : {1, 2, 3, 5, 9, 65})
        for (const std::size_t rows : {1, 7, 64, 300}) check_fused_sgd_columns<TestType>(In, rows, columns{});
    // Large enough to be split over the threads.
    check_fused_sgd<TestType, 1024>(300, 64);
    check_fused_sgd<TestType, 1000>(301, 64);
    check_fused_sgd<TestType, 10>(3000, 64);
}

} // namespace update_test
