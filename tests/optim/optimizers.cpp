// Every optimiser step by step against its formula, written out here in long double: the first
// three steps on a 43-parameter buffer (vector body and tails), float and double; the seeds'
// bowl f(x, y) = x^2/20 + y^2 from (-7, 2); the state interface a checkpoint uses.

#include <typenet/typenet.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "../support/test_values.hpp"

namespace optimizers_test {

namespace tn = typenet;

namespace {

using Tiny = tn::Network<tn::Input<5>, tn::Dense<5, 6>, tn::ReLU, tn::Dense<6, 1>, tn::MeanSquaredError>;
static_assert(Tiny::parameter_count == 43);

using ld = long double;

// The formulas, one element at a time, with their state.
struct reference_state {
    std::vector<ld> a, b;  // velocity / sum / mean square / m; v for Adam
    std::size_t t = 0;
};

ld momentum_ref(ld p, ld g, ld& v, ld lr, ld mu) {
    v = mu * v - lr * g;
    return p + v;
}
ld nesterov_ref(ld p, ld g, ld& v, ld lr, ld mu) {
    const ld old = v;
    v = mu * v - lr * g;
    return p - mu * old + (1 + mu) * v;  // the look-ahead form: the same update
}
ld adagrad_ref(ld p, ld g, ld& h, ld lr, ld eps) {
    h += g * g;
    return p - lr * g / (std::sqrt(h) + eps);
}
ld rmsprop_ref(ld p, ld g, ld& h, ld lr, ld rho, ld eps) {
    h = rho * h + (1 - rho) * g * g;
    return p - lr * g / (std::sqrt(h) + eps);
}
ld adam_ref(ld p, ld g, ld& m, ld& v, std::size_t t, ld lr, ld b1, ld b2, ld eps, ld wd) {
    p -= lr * wd * p;
    m = b1 * m + (1 - b1) * g;
    v = b2 * v + (1 - b2) * g * g;
    const ld mhat = m / (1 - std::pow(b1, static_cast<ld>(t))), vhat = v / (1 - std::pow(b2, static_cast<ld>(t)));
    return p - lr * mhat / (std::sqrt(vhat) + eps);
}

// Runs three steps of `opt` on Tiny with gradients that change every step, and the same three
// steps of `ref(i, p, g, state)`; every parameter must agree to T's rounding.
template <class T, class Optimizer, class Ref>
void check_three_steps(Optimizer opt, Ref ref) {
    tn::Model<Tiny, T> model{tn::seed{1}};
    const std::size_t n = model.parameters().size();
    std::vector<ld> want(model.parameters().begin(), model.parameters().end());
    reference_state s{std::vector<ld>(n, 0), std::vector<ld>(n, 0), 0};
    for (std::size_t step = 1; step <= 3; ++step) {
        const auto g = tn::test::uniform_values<T>(n, 100 + step, -2, 2);
        std::copy(g.begin(), g.end(), model.gradients().begin());
        opt.step(model);
        ++s.t;
        for (std::size_t i = 0; i < n; ++i) want[i] = ref(i, want[i], static_cast<ld>(g[i]), s);
        CHECK(opt.step_count() == step);
        for (std::size_t i = 0; i < n; ++i) {
            CAPTURE(step, i, model.parameters()[i], static_cast<double>(want[i]));
            // A few roundings of T on values of order 1 (the parameters, the step).
            const ld tol = 16 * std::numeric_limits<T>::epsilon() * (1 + std::abs(want[i]));
            REQUIRE(std::abs(static_cast<ld>(model.parameters()[i]) - want[i]) <= tol);
        }
    }
}

} // namespace

TEMPLATE_TEST_CASE("each optimiser's first three steps follow its formula", "[optim]", float, double) {
    using T = TestType;
    SECTION("SGD") {
        check_three_steps<T>(tn::SGD{.lr = 0.3}, [](std::size_t, ld p, ld g, reference_state&) { return p - 0.3L * g; });
    }
    SECTION("Momentum") {
        check_three_steps<T>(tn::Momentum{.lr = 0.1, .momentum = 0.9}, [](std::size_t i, ld p, ld g, reference_state& s) {
            return momentum_ref(p, g, s.a[i], 0.1L, 0.9L);
        });
    }
    SECTION("Nesterov") {
        check_three_steps<T>(tn::Nesterov{.lr = 0.1, .momentum = 0.8}, [](std::size_t i, ld p, ld g, reference_state& s) {
            return nesterov_ref(p, g, s.a[i], 0.1L, 0.8L);
        });
    }
    SECTION("AdaGrad") {
        check_three_steps<T>(tn::AdaGrad{.lr = 0.5}, [](std::size_t i, ld p, ld g, reference_state& s) {
            return adagrad_ref(p, g, s.a[i], 0.5L, 1e-7L);
        });
    }
    SECTION("RMSProp") {
        check_three_steps<T>(tn::RMSProp{.lr = 0.05, .decay = 0.9}, [](std::size_t i, ld p, ld g, reference_state& s) {
            return rmsprop_ref(p, g, s.a[i], 0.05L, 0.9L, 1e-7L);
        });
    }
    SECTION("Adam") {
        check_three_steps<T>(tn::Adam{.lr = 0.01}, [](std::size_t i, ld p, ld g, reference_state& s) {
            return adam_ref(p, g, s.a[i], s.b[i], s.t, 0.01L, 0.9L, 0.999L, 1e-8L, 0);
        });
    }
    SECTION("AdamW decays the weights and leaves the biases to Adam") {
        // Tiny's tensors: dense_1.weight [0, 30), dense_1.bias [30, 36), dense_2.weight [36, 42), dense_2.bias 42.
        check_three_steps<T>(tn::AdamW{.lr = 0.01, .weight_decay = 0.5}, [](std::size_t i, ld p, ld g, reference_state& s) {
            const bool weight = i < 30 || (i >= 36 && i < 42);
            return adam_ref(p, g, s.a[i], s.b[i], s.t, 0.01L, 0.9L, 0.999L, 1e-8L, weight ? 0.5L : 0);
        });
    }
}

TEST_CASE("Adam's first step moves every parameter by lr in the gradient's direction", "[optim]") {
    // With m and v starting at 0, the bias corrections make m^ = g and v^ = g^2: the step is
    // lr g / (|g| + eps), lr times the sign for |g| >> eps, whatever the gradient's size.
    tn::Model<Tiny, double> model{tn::seed{2}};
    const std::vector<double> before(model.parameters().begin(), model.parameters().end());
    for (std::size_t i = 0; i < before.size(); ++i) model.gradients()[i] = (i % 2 ? 1 : -1) * std::pow(10.0, double(i % 7) - 3);
    tn::Adam adam{.lr = 0.25};
    adam.step(model);
    for (std::size_t i = 0; i < before.size(); ++i) {
        const double g = model.gradients()[i];
        CHECK(model.parameters()[i] - before[i] == Approx(-0.25 * g / (std::abs(g) + 1e-8)).epsilon(1e-12));
    }
}

namespace {

// The seeds' bowl: f(x, y) = x^2 / 20 + y^2, gradient (x / 10, 2 y), minimum at (0, 0).
using Bowl = tn::Network<tn::Input<1>, tn::Dense<1, 1>, tn::MeanSquaredError>;  // two parameters: x and y

template <class Optimizer>
std::array<double, 2> bowl_end(Optimizer opt) {
    tn::Model<Bowl, double> m;
    m.parameters()[0] = -7;
    m.parameters()[1] = 2;
    for (int k = 0; k < 30; ++k) {
        m.gradients()[0] = m.parameters()[0] / 10;
        m.gradients()[1] = 2 * m.parameters()[1];
        opt.step(m);
    }
    return {m.parameters()[0], m.parameters()[1]};
}

// The same 30 steps written out per coordinate.
template <class Update>
std::array<double, 2> bowl_written_out(Update update) {
    std::array<double, 2> w{-7, 2}, a{0, 0}, b{0, 0};
    for (int t = 1; t <= 30; ++t) {
        const std::array<double, 2> g{w[0] / 10, 2 * w[1]};
        for (int i = 0; i < 2; ++i) w[i] = update(w[i], g[i], a[i], b[i], t);
    }
    return w;
}

double distance(const std::array<double, 2>& w) { return std::hypot(w[0], w[1]); }

} // namespace

TEST_CASE("the bowl paths of seed 002's figure 6-8 end where the written-out iterations do", "[optim][bowl]") {
    const auto sgd = bowl_end(tn::SGD{.lr = 0.95});
    const auto momentum = bowl_end(tn::Momentum{.lr = 0.1});
    const auto adagrad = bowl_end(tn::AdaGrad{.lr = 1.5});
    const auto adam = bowl_end(tn::Adam{.lr = 0.3});
    const auto sgd_w = bowl_written_out([](double w, double g, double&, double&, int) { return w - 0.95 * g; });
    const auto momentum_w = bowl_written_out([](double w, double g, double& v, double&, int) {
        v = 0.9 * v - 0.1 * g;
        return w + v;
    });
    const auto adagrad_w = bowl_written_out([](double w, double g, double& h, double&, int) {
        h += g * g;
        return w - 1.5 * g / (std::sqrt(h) + 1e-7);
    });
    const auto adam_w = bowl_written_out([](double w, double g, double& m, double& v, int t) {
        m = 0.9 * m + 0.1 * g;
        v = 0.999 * v + 0.001 * g * g;
        return w - 0.3 * (m / (1 - std::pow(0.9, t))) / (std::sqrt(v / (1 - std::pow(0.999, t))) + 1e-8);
    });
    for (int i = 0; i < 2; ++i) {
        CAPTURE(i);
        CHECK(sgd[i] == Approx(sgd_w[i]).margin(1e-12));
        CHECK(momentum[i] == Approx(momentum_w[i]).margin(1e-12));
        CHECK(adagrad[i] == Approx(adagrad_w[i]).margin(1e-12));
        CHECK(adam[i] == Approx(adam_w[i]).margin(1e-12));
    }
    // SGD at lr 0.95 zig-zags in y (factor -0.9 a step) and crawls in x (0.905 a step).
    CHECK(sgd[1] == Approx(2 * std::pow(-0.9, 30)).epsilon(1e-12));
    CHECK(sgd[0] == Approx(-7 * std::pow(0.905, 30)).epsilon(1e-12));
    CAPTURE(distance(sgd), distance(momentum), distance(adagrad), distance(adam));
    CHECK(distance(adagrad) < distance(sgd));
    CHECK(distance(adam) < distance(sgd));
}

TEST_CASE("optimisers name themselves and their state buffers, and bind to one model", "[optim][state]") {
    tn::Model<Tiny> model{tn::seed{1}};
    tn::Adam adam;
    CHECK(adam.name() == "adam");
    CHECK(adam.state_buffers<float>().empty());  // not created before the first step
    adam.prepare<float>(Tiny::parameter_count);
    auto buffers = adam.state_buffers<float>();
    REQUIRE(buffers.size() == 2);
    CHECK(buffers[0].first == "m");
    CHECK(buffers[1].first == "v");
    CHECK(buffers[0].second.size() == 43);
    CHECK(adam.state_buffers<double>().empty());
    adam.step(model);
    CHECK(adam.step_count() == 1);
    adam.set_step_count(41);
    CHECK(adam.step_count() == 41);

    CHECK(tn::SGD{}.name() == "sgd");
    tn::SGD sgd;
    sgd.prepare<float>(43);
    CHECK(sgd.state_buffers<float>().empty());
    CHECK(tn::Momentum{}.name() == "momentum");
    CHECK(tn::Nesterov{}.name() == "nesterov");
    CHECK(tn::AdaGrad{}.name() == "adagrad");
    CHECK(tn::RMSProp{}.name() == "rmsprop");
    CHECK(tn::AdamW{}.name() == "adamw");
    tn::Momentum mom;
    mom.prepare<double>(7);
    CHECK(mom.state_buffers<double>().at(0).first == "velocity");
    tn::AdaGrad ada;
    ada.prepare<double>(7);
    CHECK(ada.state_buffers<double>().at(0).first == "sum_of_squares");
    tn::RMSProp rms;
    rms.prepare<double>(7);
    CHECK(rms.state_buffers<double>().at(0).first == "mean_square");

    // Another model's size or value type is an error, naming both.
    tn::Model<Bowl> other;
    CHECK_THROWS_WITH(adam.step(other), "adam: this optimiser's state is for 43 float parameters, found a model of 2 "
                                        "float parameters (use one optimiser object per model)");
    tn::Model<Tiny, double> twice;
    CHECK_THROWS_WITH(adam.step(twice), "adam: this optimiser's state is for 43 float parameters, found a model of 43 "
                                        "double parameters (use one optimiser object per model)");
    CHECK_THROWS_WITH(sgd.step(other), "sgd: this optimiser's state is for 43 float parameters, found a model of 2 "
                                       "float parameters (use one optimiser object per model)");
}

TEST_CASE("a checkpoint's view of the state restores a run exactly", "[optim][state]") {
    // Copying out step count and buffers, then into a fresh optimiser, continues bitwise.
    auto grads = [](tn::Model<Tiny>& m, std::size_t k) {
        const auto g = tn::test::uniform_values<float>(43, 500 + k);
        std::copy(g.begin(), g.end(), m.gradients().begin());
    };
    tn::Model<Tiny> a{tn::seed{3}};
    tn::Adam adam{.lr = 0.01};
    for (std::size_t k = 0; k < 3; ++k) grads(a, k), adam.step(a);
    tn::Model<Tiny> b = a;
    tn::Adam resumed{.lr = 0.01};
    resumed.prepare<float>(43);
    resumed.set_step_count(adam.step_count());
    for (std::size_t j = 0; j < 2; ++j) {
        auto from = adam.state_buffers<float>()[j].second;
        std::copy(from.begin(), from.end(), resumed.state_buffers<float>()[j].second.begin());
    }
    for (std::size_t k = 3; k < 6; ++k) {
        grads(a, k), adam.step(a);
        grads(b, k), resumed.step(b);
    }
    CHECK(std::equal(a.parameters().begin(), a.parameters().end(), b.parameters().begin()));
}

} // namespace optimizers_test
