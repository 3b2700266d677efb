// The optimiser kernels against their formulas in long double, for every length up to 50 and a
// few larger (vector body, narrower vectors, scalar tail), float and double, with some
// gradients exactly 0 (a state of 0, where the square root's fast path must give 0, not NaN).

#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include <typenet/core/rng.hpp>
#include <typenet/kernels/optimizers.hpp>

namespace optimizers_test {

namespace {

using ld = long double;

template <class T>
struct buffers {
    std::vector<T> p, g, a, b;
    explicit buffers(std::size_t n, std::uint64_t s) : p(n), g(n), a(n), b(n) {
        typenet::rng r{typenet::seed{s}};
        for (std::size_t i = 0; i < n; ++i) {
            p[i] = static_cast<T>(2 * r.uniform() - 1);
            g[i] = i % 5 == 3 ? T(0) : static_cast<T>(2 * r.uniform() - 1);
            a[i] = i % 5 == 3 ? T(0) : static_cast<T>(r.uniform());
            b[i] = i % 5 == 3 ? T(0) : static_cast<T>(r.uniform());
        }
    }
};

template <class T>
void require_close(const std::vector<T>& got, const std::vector<ld>& want) {
    for (std::size_t i = 0; i < got.size(); ++i) {
        CAPTURE(i, got[i], static_cast<double>(want[i]));
        REQUIRE(std::isfinite(got[i]));
        REQUIRE(std::abs(static_cast<ld>(got[i]) - want[i]) <= 8 * std::numeric_limits<T>::epsilon() * (1 + std::abs(want[i])));
    }
}

std::vector<std::size_t> lengths() {
    std::vector<std::size_t> out;
    for (std::size_t n = 0; n <= 50; ++n) out.push_back(n);
    for (std::size_t n : {63, 64, 65, 127, 1000}) out.push_back(n);
    return out;
}

} // namespace

TEMPLATE_TEST_CASE("momentum and Nesterov kernels match their formulas for every length", "[kernels][optim]", float, double) {
    using T = TestType;
    for (const std::size_t n : lengths()) {
        CAPTURE(n);
        for (const bool nesterov : {false, true}) {
            buffers<T> x(n, 7 + n);
            std::vector<ld> p(n), v(n);
            for (std::size_t i = 0; i < n; ++i) {
                const ld nv = 0.9L * x.a[i] - 0.1L * x.g[i];
                p[i] = nesterov ? x.p[i] + 0.9L * nv - 0.1L * x.g[i] : x.p[i] + nv;
                v[i] = nv;
            }
            if (nesterov) typenet::kernels::nesterov_update(x.p.data(), x.g.data(), x.a.data(), n, T(0.1), T(0.9));
            else typenet::kernels::momentum_update(x.p.data(), x.g.data(), x.a.data(), n, T(0.1), T(0.9));
            require_close(x.p, p);
            require_close(x.a, v);
        }
    }
}

TEMPLATE_TEST_CASE("AdaGrad/RMSProp and Adam kernels match their formulas for every length, zero state included",
                   "[kernels][optim]", float, double) {
    using T = TestType;
    for (const std::size_t n : lengths()) {
        CAPTURE(n);
        buffers<T> x(n, 70 + n);
        std::vector<ld> p(n), h(n);
        for (std::size_t i = 0; i < n; ++i) {
            h[i] = 0.9L * x.a[i] + 0.1L * x.g[i] * x.g[i];
            p[i] = x.p[i] - 0.05L * x.g[i] / (std::sqrt(h[i]) + 1e-7L);
        }
        typenet::kernels::scaled_rate_update(x.p.data(), x.g.data(), x.a.data(), n, T(0.05), T(0.9), T(0.1), T(1e-7));
        require_close(x.p, p);
        require_close(x.a, h);

        buffers<T> y(n, 700 + n);
        const typenet::kernels::adam_scalars<T> k{T(0.9), T(0.999), T(0.02), T(3), T(1e-8), T(0.99)};
        std::vector<ld> q(n), m(n), v(n);
        for (std::size_t i = 0; i < n; ++i) {
            m[i] = static_cast<ld>(k.beta1) * y.a[i] + (1 - static_cast<ld>(k.beta1)) * y.g[i];
            v[i] = static_cast<ld>(k.beta2) * y.b[i] + (1 - static_cast<ld>(k.beta2)) * y.g[i] * y.g[i];
            q[i] = static_cast<ld>(k.decay) * y.p[i] -
                   static_cast<ld>(k.a) * m[i] / (static_cast<ld>(k.s) * std::sqrt(v[i]) + static_cast<ld>(k.eps));
        }
        typenet::kernels::adam_update(y.p.data(), y.g.data(), y.a.data(), y.b.data(), n, k);
        require_close(y.p, q);
        require_close(y.a, m);
        require_close(y.b, v);
    }
}

} // namespace optimizers_test
