// Every loss's gradient inside a network, Input<5> -> Dense<5, 4> -> Tanh -> Dense<4, W> ->
// loss, against centred differences of the loss (typenet::gradient_check, double). The hinge,
// L1 and Huber losses have kinks (or, for Huber, a jump of the second derivative): each test
// first reads the network's outputs and requires every one of them to be at least 1e-3 away
// from its kink, far beyond what a step h = 3e-5 of one parameter moves an output (|dA/dw| is
// at most a few units here), and requires both sides of the kink to occur, so that both
// branches of the gradient are checked.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include <typenet/core/model.hpp>
#include <typenet/core/network.hpp>
#include <typenet/core/rng.hpp>
#include <typenet/diagnostics/gradient_check.hpp>
#include <typenet/init/initializers.hpp>
#include <typenet/layers/activations.hpp>
#include <typenet/layers/dense.hpp>
#include <typenet/layers/input.hpp>
#include <typenet/layers/losses.hpp>

#include "../support/test_values.hpp"

namespace loss_gradients_test {

namespace {

using namespace typenet;

constexpr double max_error = 1e-6;
// As in network_gradients.cpp: h balances truncation (~h^2) against the rounding of the loss.
constexpr gradient_check_options options{.step = 3e-5};

template <std::size_t W, class Loss>
using Net = Network<Input<5>, Dense<5, 4>, Tanh, Dense<4, W>, Loss>;

// Odd: L1's gradient of an output bias is a sum of one +-1/n per row, which an even number of
// rows can cancel to exactly 0, where the relative error compares rounding noise with 0.
constexpr std::size_t rows = 5;

struct batch {
    std::vector<double> x;
    std::vector<std::uint32_t> labels;
    std::vector<double> values;
    batch_targets<double> t(bool with_labels, bool with_values) const {
        return {with_labels ? std::span<const std::uint32_t>(labels) : std::span<const std::uint32_t>{},
                with_values ? std::span<const double>(values) : std::span<const double>{}};
    }
};

batch make_batch(std::size_t width, std::size_t label_count, double lo, double hi, std::uint64_t s) {
    batch b{typenet::test::uniform_values(rows * 5, s), {}, typenet::test::uniform_values(rows * width, s + 1, lo, hi)};
    for (std::size_t r = 0; r < rows; ++r) b.labels.push_back(static_cast<std::uint32_t>((3 * r + 1) % label_count));
    return b;
}

template <class N>
void require_gradients(Model<N, double>& model, const batch& b, batch_targets<double> t) {
    const auto r = gradient_check(model, b.x, t, options);
    REQUIRE(r.checked == N::parameter_count);
    CAPTURE(r.max_relative_error, r.worst_index, r.analytic, r.numeric);
    REQUIRE(r.max_relative_error < max_error);
}

// The distance of each output's kink variable from its kink, and how many lie on its upper side.
struct kink_report {
    double nearest = std::numeric_limits<double>::infinity();
    std::size_t above = 0;
    std::size_t total = 0;
    void add(double v) {
        nearest = std::min(nearest, std::abs(v));
        above += v > 0;
        ++total;
    }
};

void require_away_from_kinks(const kink_report& k) {
    CAPTURE(k.nearest, k.above, k.total);
    REQUIRE(k.nearest > 1e-3);
    REQUIRE(k.above > 0);
    REQUIRE(k.above < k.total);
}

} // namespace

TEST_CASE("SigmoidCrossEntropy gradients: one output or several, with labels or values", "[layers][gradients]") {
    {
        Model<Net<1, SigmoidCrossEntropy>, double> m{seed{21}};
        const auto b = make_batch(1, 2, 0, 1, 40);
        require_gradients(m, b, b.t(true, false));
        require_gradients(m, b, b.t(false, true));
    }
    {
        Model<Net<3, SigmoidCrossEntropy>, double> m{seed{22}};
        const auto b = make_batch(3, 3, 0, 1, 41);
        require_gradients(m, b, b.t(true, false));
        require_gradients(m, b, b.t(false, true));
    }
    {
        Model<Net<17, SigmoidCrossEntropy>, double> m{seed{23}};
        const auto b = make_batch(17, 17, 0, 1, 42);
        require_gradients(m, b, b.t(false, true));
    }
}

TEST_CASE("MulticlassHinge gradients, margins away from the hinge on both sides", "[layers][gradients]") {
    auto check = [&]<std::size_t W>(std::integral_constant<std::size_t, W>, std::uint64_t model_seed) {
        CAPTURE(W, model_seed);
        Model<Net<W, MulticlassHinge>, double> m{seed{model_seed}};
        const auto b = make_batch(W, W, 0, 1, 43);
        // The predictions are the scores: the margins s_j - s_y + 1, j != y.
        const auto s = m.predict(b.x);
        kink_report k;
        for (std::size_t r = 0; r < rows; ++r)
            for (std::size_t j = 0; j < W; ++j)
                if (j != b.labels[r]) k.add(s[r * W + j] - s[r * W + b.labels[r]] + 1);
        require_away_from_kinks(k);
        require_gradients(m, b, b.t(true, false));
    };
    check(std::integral_constant<std::size_t, 3>{}, 24);
    check(std::integral_constant<std::size_t, 10>{}, 25);
}

TEST_CASE("MeanAbsoluteError and Huber gradients, residuals away from their kinks", "[layers][gradients]") {
    // Residuals a - y against 0 (L1), |a - y| against delta (Huber: the quadratic and the
    // linear part both occur).
    auto residuals = [](auto& m, const batch& b, std::size_t width, double kink) {
        const auto a = m.predict(b.x);
        kink_report k;
        for (std::size_t i = 0; i < rows * width; ++i)
            k.add(kink == 0 ? a[i] - b.values[i] : std::abs(a[i] - b.values[i]) - kink);
        return k;
    };
    {
        Model<Net<1, MeanAbsoluteError>, double> m{seed{26}};
        const auto b = make_batch(1, 1, -1, 1, 44);
        require_away_from_kinks(residuals(m, b, 1, 0));
        require_gradients(m, b, b.t(false, true));
    }
    {
        Model<Net<17, MeanAbsoluteError>, double> m{seed{27}};
        const auto b = make_batch(17, 17, -1, 1, 45);
        require_away_from_kinks(residuals(m, b, 17, 0));
        require_gradients(m, b, b.t(false, true));
    }
    {
        Model<Net<3, Huber<>>, double> m{seed{28}};
        const auto b = make_batch(3, 3, -2, 2, 46);
        require_away_from_kinks(residuals(m, b, 3, 1.0));
        require_gradients(m, b, b.t(false, true));
    }
    {
        Model<Net<17, Huber<0.5>>, double> m{seed{29}};
        const auto b = make_batch(17, 17, -1, 1, 47);
        require_away_from_kinks(residuals(m, b, 17, 0.5));
        require_gradients(m, b, b.t(false, true));
    }
}

} // namespace loss_gradients_test
