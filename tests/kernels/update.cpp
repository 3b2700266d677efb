// kernels::sgd_update against the scalar reference, for every tail length.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include <typenet/core/rng.hpp>
#include <typenet/kernels/reference.hpp>
#include <typenet/kernels/update.hpp>

#include "../support/threads.hpp"

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
