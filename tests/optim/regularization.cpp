// Weight penalties against centred differences of their value, chosen by role (biases and
// BatchNorm's scale and shift untouched by default); gradient clipping; the max-norm constraint.

#include <typenet/typenet.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <vector>

#include "../support/test_values.hpp"

namespace regularization_test {

namespace tn = typenet;

namespace {

using Net = tn::Network<tn::Input<3>, tn::Dense<3, 4>, tn::BatchNorm, tn::ReLU, tn::Dense<4, 2>, tn::MeanSquaredError>;
// dense_1.weight [0, 12), dense_1.bias [12, 16), batch_norm_1.scale [16, 20), .shift [20, 24),
// dense_2.weight [24, 32), dense_2.bias [32, 34).
static_assert(Net::parameter_count == 34);
bool is_weight(std::size_t i) { return i < 12 || (i >= 24 && i < 32); }

tn::Model<Net, double> model_with_values() {
    tn::Model<Net, double> m{tn::seed{4}};
    const auto v = tn::test::uniform_values<double>(34, 9, -2, 2);
    std::copy(v.begin(), v.end(), m.parameters().begin());
    return m;
}

// The penalty's gradient as add_penalty_gradient leaves it (on zero gradients), against
// centred differences of penalty_value.
void check_against_differences(const tn::weight_penalty& p, std::size_t n) {
    auto m = model_with_values();
    std::fill(m.gradients().begin(), m.gradients().end(), 0.0);
    const double value = tn::add_penalty_gradient(m, p, n);
    CHECK(value == Approx(tn::penalty_value(m, p, n)).epsilon(1e-13));
    const double h = 1e-6;
    for (std::size_t i = 0; i < 34; ++i) {
        auto& w = m.parameters()[i];
        const double keep = w;
        w = keep + h;
        const double up = tn::penalty_value(m, p, n);
        w = keep - h;
        const double down = tn::penalty_value(m, p, n);
        w = keep;
        CAPTURE(i);
        CHECK(m.gradients()[i] == Approx((up - down) / (2 * h)).margin(1e-8));
    }
}

} // namespace

TEST_CASE("weight penalties: gradients against centred differences, values as the books write them", "[optim][penalty]") {
    check_against_differences(tn::L2{.lambda = 0.3}, 0);
    check_against_differences(tn::L2OverN{.lambda = 5}, 50);
    check_against_differences(tn::L1{.lambda = 0.2}, 0);
    check_against_differences(tn::L1OverN{.lambda = 3}, 30);
    check_against_differences(tn::L2{.lambda = 0.3, .roles = tn::role_set::trained()}, 0);

    const auto m = model_with_values();
    double squares = 0, absolutes = 0;
    for (std::size_t i = 0; i < 34; ++i)
        if (is_weight(i)) squares += m.parameters()[i] * m.parameters()[i], absolutes += std::abs(m.parameters()[i]);
    CHECK(tn::penalty_value(m, tn::L2{.lambda = 0.1}, 0) == Approx(0.5 * 0.1 * squares));        // Saito
    CHECK(tn::penalty_value(m, tn::L2OverN{.lambda = 0.1}, 1000) == Approx(0.1 / 2000 * squares));  // Nielsen
    CHECK(tn::penalty_value(m, tn::L1{.lambda = 0.1}, 0) == Approx(0.1 * absolutes));
    CHECK(tn::penalty_value(m, tn::L1OverN{.lambda = 0.1}, 1000) == Approx(0.1 / 1000 * absolutes));
    CHECK(tn::penalty_value(m, tn::weight_penalty{}, 10) == 0);
}

TEST_CASE("weight penalties leave biases and BatchNorm's scale and shift alone unless asked", "[optim][penalty]") {
    auto m = model_with_values();
    const auto g = tn::test::uniform_values<double>(34, 3);
    std::copy(g.begin(), g.end(), m.gradients().begin());
    tn::add_penalty_gradient(m, tn::L2{.lambda = 0.5}, 100);
    for (std::size_t i = 0; i < 34; ++i) {
        CAPTURE(i);
        if (is_weight(i)) CHECK(m.gradients()[i] == Approx(g[i] + 0.5 * m.parameters()[i]).epsilon(1e-14));
        else CHECK(m.gradients()[i] == g[i]);
    }
    // By role: the biases alone.
    std::copy(g.begin(), g.end(), m.gradients().begin());
    tn::add_penalty_gradient(m, tn::L2{.lambda = 0.5, .roles = {tn::tensor_role::bias}}, 100);
    for (std::size_t i = 0; i < 34; ++i) {
        const bool bias = (i >= 12 && i < 16) || i >= 32;
        CAPTURE(i);
        CHECK(m.gradients()[i] == (bias ? g[i] + 0.5 * m.parameters()[i] : g[i]));
    }
    CHECK_THROWS_WITH(tn::add_penalty_gradient(m, tn::L2{.lambda = -1}, 100),
                      "weight penalty: expected a finite lambda of at least 0, found -1.000000");
}

TEST_CASE("clipping by value bounds each gradient, by norm scales the whole gradient", "[optim][clip]") {
    auto m = model_with_values();
    const auto g = tn::test::uniform_values<double>(34, 5, -3, 3);
    std::copy(g.begin(), g.end(), m.gradients().begin());
    tn::clip_gradients(m, tn::ClipByValue{1.5});
    for (std::size_t i = 0; i < 34; ++i) CHECK(m.gradients()[i] == std::min(1.5, std::max(-1.5, g[i])));

    double norm = 0;
    for (double x : g) norm += x * x;
    norm = std::sqrt(norm);
    REQUIRE(norm > 2);
    std::copy(g.begin(), g.end(), m.gradients().begin());
    CHECK(tn::clip_gradients(m, tn::ClipByNorm{2}) == Approx(norm).epsilon(1e-14));
    for (std::size_t i = 0; i < 34; ++i) CHECK(m.gradients()[i] == Approx(g[i] * 2 / norm).epsilon(1e-14));
    // Under the bound: unchanged.
    std::copy(g.begin(), g.end(), m.gradients().begin());
    tn::clip_gradients(m, tn::ClipByNorm{norm * 1.01});
    for (std::size_t i = 0; i < 34; ++i) CHECK(m.gradients()[i] == g[i]);
    CHECK_THROWS_WITH(tn::clip_gradients(m, tn::ClipByNorm{0}),
                      "gradient clipping: expected a finite bound above 0, found 0.000000");
}

TEST_CASE("max-norm scales each unit's incoming weights onto the ball and leaves the rest", "[optim][max-norm]") {
    auto m = model_with_values();
    const std::vector<double> before(m.parameters().begin(), m.parameters().end());
    tn::apply_max_norm(m, tn::MaxNorm{.max = 1.2});
    // dense_1.weight is {3, 4}: unit j is column j, the values j, 4 + j, 8 + j.
    auto check_units = [&](std::size_t offset, std::size_t in, std::size_t out) {
        for (std::size_t j = 0; j < out; ++j) {
            double was = 0;
            for (std::size_t i = 0; i < in; ++i) was += before[offset + i * out + j] * before[offset + i * out + j];
            was = std::sqrt(was);
            const double factor = was > 1.2 ? 1.2 / was : 1.0;
            for (std::size_t i = 0; i < in; ++i) {
                CAPTURE(offset, j, i);
                CHECK(m.parameters()[offset + i * out + j] == Approx(before[offset + i * out + j] * factor).epsilon(1e-14));
            }
        }
    };
    check_units(0, 3, 4);
    check_units(24, 4, 2);
    for (std::size_t i = 12; i < 24; ++i) CHECK(m.parameters()[i] == before[i]);
    for (std::size_t i = 32; i < 34; ++i) CHECK(m.parameters()[i] == before[i]);
    // Some unit was over the bound and some not, so both branches ran.
    std::size_t changed = 0;
    for (std::size_t i = 0; i < 34; ++i) changed += m.parameters()[i] != before[i];
    CHECK(changed > 0);
    CHECK(changed < 20);
}

} // namespace regularization_test
