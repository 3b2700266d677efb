// typenet::gradient_check: it must pass correct gradients and catch wrong ones, leave the
// model as it found it, and sample parameters reproducibly.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <set>
#include <vector>

#include <typenet/core/layer.hpp>
#include <typenet/core/model.hpp>
#include <typenet/core/network.hpp>
#include <typenet/core/rng.hpp>
#include <typenet/diagnostics/gradient_check.hpp>
#include <typenet/layers/activations.hpp>
#include <typenet/layers/dense.hpp>
#include <typenet/layers/input.hpp>
#include <typenet/layers/losses.hpp>

#include "../support/test_values.hpp"

namespace gradient_check_test {

namespace {

using namespace typenet;

// x^2, written by a user against the layer contract. The wrong variant forgets the factor 2
// in its derivative: the kind of mistake a gradient check exists to catch.
template <bool Correct>
struct Square {
    static constexpr layer_kind kind = layer_kind::elementwise;
    static constexpr shape output_shape(shape in) noexcept { return in; }
    template <class V>
    static V forward(const V& x) noexcept {
        return x * x;
    }
    template <class V>
    static V backward(const V& x, const V&, const V& dy) noexcept {
        if constexpr (Correct) return V(2) * x * dy;
        else return x * dy;
    }
};

template <bool Correct>
using SquareNet = Network<Input<4>, Dense<4, 6>, Square<Correct>, Dense<6, 2>, MeanSquaredError>;

template <class Net>
struct regression_batch {
    static constexpr std::size_t rows = 3;
    std::vector<double> x = typenet::test::uniform_values(rows * Net::input_width, 21);
    std::vector<double> y = typenet::test::uniform_values(rows * Net::output_width, 22);
    batch_targets<double> t() const { return {.values = y}; }
};

} // namespace

TEST_CASE("relative_error follows |a - n| / max(|a|, |n|)", "[diagnostics][gradient_check]") {
    using detail::relative_error;
    REQUIRE(relative_error(0.0, 0.0) == 0.0);
    REQUIRE(relative_error(-0.0, 0.0) == 0.0);
    REQUIRE(relative_error(3.0, 3.0) == 0.0);
    REQUIRE(relative_error(1.0, 2.0) == 0.5);
    REQUIRE(relative_error(2.0, 1.0) == 0.5);
    REQUIRE(relative_error(1.0, -1.0) == 2.0);
    REQUIRE(relative_error(0.0, 1e-300) == 1.0);
    REQUIRE(relative_error(-4.0, -5.0) == Approx(0.2).epsilon(1e-15));
    const double nan = std::numeric_limits<double>::quiet_NaN();
    REQUIRE(relative_error(nan, 1.0) == std::numeric_limits<double>::infinity());
    REQUIRE(relative_error(1.0, nan) == std::numeric_limits<double>::infinity());
}

TEST_CASE("parameters_to_check: all, or a seeded sample of distinct indices", "[diagnostics][gradient_check]") {
    using detail::parameters_to_check;
    std::vector<std::size_t> all(50);
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
    REQUIRE(parameters_to_check(50, 0, 1) == all);
    REQUIRE(parameters_to_check(50, 50, 1) == all);
    REQUIRE(parameters_to_check(50, 80, 1) == all);
    REQUIRE(parameters_to_check(0, 5, 1).empty());

    for (const std::size_t k : {1, 7, 49}) {
        CAPTURE(k);
        const auto sample = parameters_to_check(50, k, 3);
        REQUIRE(sample.size() == k);
        REQUIRE(std::is_sorted(sample.begin(), sample.end()));
        REQUIRE(std::set<std::size_t>(sample.begin(), sample.end()).size() == k);
        REQUIRE(sample.back() < 50);
        REQUIRE(parameters_to_check(50, k, 3) == sample);
    }
    REQUIRE(parameters_to_check(1000, 10, 3) != parameters_to_check(1000, 10, 4));
    // Over many seeds every index gets drawn: the sample is not stuck at one end.
    std::set<std::size_t> seen;
    for (std::uint64_t s = 0; s < 200; ++s)
        for (const std::size_t i : parameters_to_check(40, 4, s)) seen.insert(i);
    REQUIRE(seen.size() == 40);
}

TEST_CASE("compare_gradients passes an exact gradient and names a wrong one", "[diagnostics][gradient_check]") {
    // f(w) = sum_i (i + 1) w_i^3 + w_0 w_1, with gradient 3 (i + 1) w_i^2 (+ the cross terms).
    std::vector<double> w = typenet::test::uniform_values(9, 31, 0.5, 1.5);
    const auto f = [&] {
        double s = w[0] * w[1];
        for (std::size_t i = 0; i < w.size(); ++i) s += double(i + 1) * w[i] * w[i] * w[i];
        return s;
    };
    std::vector<double> g(w.size());
    for (std::size_t i = 0; i < w.size(); ++i) g[i] = 3 * double(i + 1) * w[i] * w[i];
    g[0] += w[1];
    g[1] += w[0];
    const auto before = w;
    const auto all = detail::parameters_to_check(w.size(), 0, 0);

    const auto good = detail::compare_gradients(w, g, all, 1e-5, f);
    CAPTURE(good.max_relative_error);
    REQUIRE(good.max_relative_error < 1e-8);
    REQUIRE(good.checked == 9);
    REQUIRE(w == before);

    // Drop the cross term of w_1: about 1 in 3 (i + 1) w^2 + w_0.
    std::vector<double> wrong = g;
    wrong[1] -= w[0];
    const auto bad = detail::compare_gradients(w, wrong, all, 1e-5, f);
    REQUIRE(bad.worst_index == 1);
    REQUIRE(bad.max_relative_error > 1e-2);
    REQUIRE(bad.analytic == wrong[1]);
    REQUIRE(bad.numeric == Approx(g[1]).epsilon(1e-8));
    REQUIRE(w == before);

    // A sample that leaves the wrong entry out does not see it.
    const std::vector<std::size_t> others{0, 2, 5, 8};
    const auto blind = detail::compare_gradients(w, wrong, others, 1e-5, f);
    REQUIRE(blind.checked == 4);
    REQUIRE(blind.max_relative_error < 1e-8);
}

TEST_CASE("gradient_check passes a correct user layer and catches a wrong derivative",
          "[diagnostics][gradient_check]") {
    const regression_batch<SquareNet<true>> b;
    {
        Model<SquareNet<true>, double> model{seed{5}};
        const auto r = gradient_check(model, b.x, b.t(), {.step = 3e-5});
        CAPTURE(r.max_relative_error, r.worst_index, r.analytic, r.numeric);
        REQUIRE(r.max_relative_error < 1e-6);
        REQUIRE(r.checked == SquareNet<true>::parameter_count);
    }
    {
        Model<SquareNet<false>, double> model{seed{5}};
        const auto r = gradient_check(model, b.x, b.t());
        CAPTURE(r.max_relative_error, r.worst_index, r.analytic, r.numeric);
        REQUIRE(r.max_relative_error > 0.1);
        // The mistake sits before the second dense layer: only the first layer's gradients
        // are wrong, and the worst one is among them.
        REQUIRE(r.worst_index < SquareNet<false>::parameter_offsets[3]);
        // The parameters after the square are checked as correct.
        const auto all = detail::parameters_to_check(SquareNet<false>::parameter_count, 0, 0);
        const std::vector<std::size_t> second(all.begin() + SquareNet<false>::parameter_offsets[3], all.end());
        const std::vector<double> analytic(model.gradients().begin(), model.gradients().end());
        const auto r2 = detail::compare_gradients(model.parameters(), analytic, second, 3e-5,
                                                  [&] { return model.loss(b.x, b.t()); });
        REQUIRE(r2.max_relative_error < 1e-6);
    }
}

TEST_CASE("gradient_check sees a small error in one analytic gradient", "[diagnostics][gradient_check]") {
    using Net = Network<Input<5>, Dense<5, 7>, Tanh, Dense<7, 3>, SoftmaxCrossEntropy>;
    Model<Net, double> model{seed{1}};
    const auto x = typenet::test::uniform_values(4 * 5, 41);
    const std::uint32_t labels[] = {0, 2, 1, 2};
    const batch_targets<double> t{.labels = labels};
    const auto r = gradient_check(model, x, t, {.step = 3e-5});
    REQUIRE(r.max_relative_error < 1e-6);

    // gradient_check leaves the analytic gradient in model.gradients(): corrupt one entry of it
    // by 1% and compare again against the same centred differences.
    std::vector<double> analytic(model.gradients().begin(), model.gradients().end());
    const std::size_t victim = Net::parameter_offsets[3] + 4;
    analytic[victim] *= 1.01;
    const auto all = detail::parameters_to_check(Net::parameter_count, 0, 0);
    const auto bad = detail::compare_gradients(model.parameters(), analytic, all, 3e-5,
                                               [&] { return model.loss(x, t); });
    CAPTURE(bad.max_relative_error, bad.worst_index);
    REQUIRE(bad.worst_index == victim);
    REQUIRE(bad.max_relative_error == Approx(0.01 / 1.01).epsilon(1e-4));
}

TEST_CASE("gradient_check leaves parameters exactly as they were", "[diagnostics][gradient_check]") {
    using Net = Network<Input<3>, Dense<3, 4>, Sigmoid, Dense<4, 2>, MeanSquaredError>;
    Model<Net, double> model{seed{9}};
    // Values whose +-h are not exactly representable, so that w + h - h would not restore them.
    for (std::size_t i = 0; i < Net::parameter_count; ++i) model.parameters()[i] = 0.1 * double(i + 1) / 3;
    const std::vector<double> before(model.parameters().begin(), model.parameters().end());
    const regression_batch<Net> b;
    const double loss_before = model.loss(b.x, b.t());
    gradient_check(model, b.x, b.t());
    REQUIRE(std::equal(before.begin(), before.end(), model.parameters().begin(), model.parameters().end()));
    REQUIRE(model.loss(b.x, b.t()) == loss_before);
    // And the gradients it leaves behind are those of compute_gradients.
    const std::vector<double> left(model.gradients().begin(), model.gradients().end());
    model.compute_gradients(b.x, b.t());
    REQUIRE(std::equal(left.begin(), left.end(), model.gradients().begin(), model.gradients().end()));
}

TEST_CASE("gradient_check on a sample of parameters", "[diagnostics][gradient_check]") {
    using Net = Network<Input<17>, Dense<17, 33>, Tanh, Dense<33, 5>, MeanSquaredError>;
    Model<Net, double> model{seed{2}};
    const regression_batch<Net> b;
    const gradient_check_options opts{.step = 3e-5, .max_parameters = 25, .seed = 7};
    const auto r = gradient_check(model, b.x, b.t(), opts);
    REQUIRE(r.checked == 25);
    const auto sample = detail::parameters_to_check(Net::parameter_count, 25, 7);
    REQUIRE(std::find(sample.begin(), sample.end(), r.worst_index) != sample.end());
    CAPTURE(r.max_relative_error);
    REQUIRE(r.max_relative_error < 1e-6);
    // The same options check the same parameters.
    const auto again = gradient_check(model, b.x, b.t(), opts);
    REQUIRE(again.worst_index == r.worst_index);
    REQUIRE(again.max_relative_error == r.max_relative_error);
    // A sample larger than the network checks everything.
    const auto all = gradient_check(model, b.x, b.t(), {.max_parameters = Net::parameter_count + 1});
    REQUIRE(all.checked == Net::parameter_count);
}

} // namespace gradient_check_test
