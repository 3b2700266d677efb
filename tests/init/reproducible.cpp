// Every initialiser draws the same weights from the same seed (bitwise), other weights from
// another seed, and the same numbers in float as in double; named forms equal their
// VarianceScaling; a span of the wrong size is an error; and an initialiser works inside a Model.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include <typenet/core/error.hpp>
#include <typenet/core/model.hpp>
#include <typenet/core/network.hpp>
#include <typenet/core/rng.hpp>
#include <typenet/init/initializers.hpp>
#include <typenet/layers/activations.hpp>
#include <typenet/layers/dense.hpp>
#include <typenet/layers/input.hpp>
#include <typenet/layers/losses.hpp>

#include "../support/test_values.hpp"
#include "statistics.hpp"

namespace reproducible_test {

namespace {

using namespace typenet;
using namespace typenet::test;

} // namespace

#define TYPENET_RANDOM_INITIALIZERS                                                                            \
    Gaussian<0.1>, Uniform<0.5>, Xavier, XavierUniform, Glorot, GlorotUniform, He, HeUniform, LeCun,          \
        (VarianceScaling<0.5, fan_mode::avg, distribution::truncated_normal>), Sparse<3>, Orthogonal,         \
        ScaledOrthogonal<1.5>

TEMPLATE_TEST_CASE("the same seed gives bitwise the same weights, another seed others", "[init][reproducible]",
                   TYPENET_RANDOM_INITIALIZERS) {
    using I = TestType;
    for (const auto& [fan_in, fan_out] : {std::pair<std::size_t, std::size_t>{37, 23}, {23, 37}}) {
        CHECK(same_bits(draw<I, float>(fan_in, fan_out, 42), draw<I, float>(fan_in, fan_out, 42)));
        CHECK(same_bits(draw<I, double>(fan_in, fan_out, 42), draw<I, double>(fan_in, fan_out, 42)));
        CHECK_FALSE(draw<I, double>(fan_in, fan_out, 42) == draw<I, double>(fan_in, fan_out, 43));
    }
}

TEMPLATE_TEST_CASE("float weights are the double weights of the same seed, rounded", "[init][reproducible]",
                   TYPENET_RANDOM_INITIALIZERS, Zeros, Constant<0.1>) {
    using I = TestType;
    const auto f = draw<I, float>(37, 23, 9);
    const auto d = draw<I, double>(37, 23, 9);
    for (std::size_t i = 0; i < f.size(); ++i) REQUIRE(f[i] == static_cast<float>(d[i]));
}

TEST_CASE("named initialisers draw exactly as their VarianceScaling", "[init][reproducible]") {
    auto same = [](auto named, auto general) {
        return draw<decltype(named), double>(30, 50, 4) == draw<decltype(general), double>(30, 50, 4);
    };
    CHECK(same(He{}, VarianceScaling<2.0, fan_mode::in, distribution::normal>{}));
    CHECK(same(HeUniform{}, VarianceScaling<2.0, fan_mode::in, distribution::uniform>{}));
    CHECK(same(Xavier{}, VarianceScaling<1.0, fan_mode::in, distribution::normal>{}));
    CHECK(same(XavierUniform{}, VarianceScaling<1.0, fan_mode::in, distribution::uniform>{}));
    CHECK(same(Glorot{}, VarianceScaling<1.0, fan_mode::avg, distribution::normal>{}));
    CHECK(same(GlorotUniform{}, VarianceScaling<1.0, fan_mode::avg, distribution::uniform>{}));
    CHECK(same(LeCun{}, VarianceScaling<1.0, fan_mode::in, distribution::truncated_normal>{}));
    CHECK_FALSE(same(He{}, VarianceScaling<2.0, fan_mode::out, distribution::normal>{}));
}

TEST_CASE("an initialiser given a span of the wrong size says so", "[init]") {
    std::vector<double> w(10);
    rng g{seed{1}};
    const auto message = Catch::Message("typenet initialiser: a 3 x 4 weight matrix has 12 values, but the span holds 10");
    CHECK_THROWS_MATCHES(He::fill(std::span<double>{w}, 3, 4, g), error, message);
    CHECK_THROWS_MATCHES(Zeros::fill(std::span<double>{w}, 3, 4, g), error, message);
    CHECK_THROWS_MATCHES(Orthogonal::fill(std::span<double>{w}, 3, 4, g), error, message);
    CHECK_THROWS_MATCHES(Sparse<2>::fill(std::span<double>{w}, 3, 4, g), error, message);
}

TEMPLATE_TEST_CASE("a Dense layer with Orthogonal starts with orthonormal columns and zero biases", "[init][model]",
                   float, double) {
    using T = TestType;
    constexpr double tolerance = std::is_same_v<T, float> ? 1e-5 : 1e-12;
    using Net = Network<Input<50>, Dense<50, 30, Orthogonal>, Tanh, Dense<30, 10, Sparse<4>>, SoftmaxCrossEntropy>;
    Model<Net, T> model{seed{3}};
    const auto p = model.template parameters_of<1>();
    REQUIRE(p.size() == 50 * 30 + 30);
    double worst = 0;
    for (std::size_t a = 0; a < 30; ++a)
        for (std::size_t b = 0; b < 30; ++b) {
            double s = 0;
            for (std::size_t k = 0; k < 50; ++k) s += double(p[k * 30 + a]) * double(p[k * 30 + b]);
            worst = std::max(worst, std::abs(s - (a == b ? 1.0 : 0.0)));
        }
    CHECK(worst <= tolerance);
    for (std::size_t j = 0; j < 30; ++j) CHECK(p[50 * 30 + j] == T(0));

    Model<Net, T> again{seed{3}};
    CHECK(std::memcmp(model.parameters().data(), again.parameters().data(), model.parameters().size_bytes()) == 0);
}

} // namespace reproducible_test
