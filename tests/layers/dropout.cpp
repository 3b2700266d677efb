// Dropout: inverted dropout in training (kept with probability 1 - rate, scaled by 1/(1 - rate),
// so the mean is preserved), the identity in inference, masks reproducible from the model's
// seed and step, new at every step.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <vector>

#include <typenet/typenet.hpp>

namespace dropout_test {

namespace {

using namespace typenet;

constexpr std::size_t w = 37, rows = 600;  // 37: vectors with tails in every row
using Net = Network<Input<w>, Dropout<0.3>>;

std::vector<float> ones() { return std::vector<float>(w * rows, 1.0f); }

} // namespace

TEST_CASE("Dropout is the identity in inference", "[layers][dropout]") {
    Model<Net> model{seed{1}};
    const auto x = ones();
    const auto y = model.predict(x);
    REQUIRE(std::equal(y.begin(), y.end(), x.begin()));
}

TEST_CASE("Dropout keeps 1 - rate of the values, scaled, and so preserves the mean", "[layers][dropout]") {
    Model<Net> model{seed{1}};
    model.set_step_count(5);
    const auto x = ones();
    const auto y = model.predict(x, training);
    std::size_t kept = 0;
    double sum = 0;
    for (float v : y) {
        REQUIRE((v == 0.0f || v == Approx(1 / 0.7)));
        kept += v != 0.0f;
        sum += v;
    }
    const double n = double(w * rows);
    // Binomial(n, 0.7): standard error sqrt(0.21 / n) ~ 0.0031; allow 5 of them.
    CHECK(std::abs(double(kept) / n - 0.7) < 5 * std::sqrt(0.21 / n));
    CHECK(std::abs(sum / n - 1.0) < 5 * std::sqrt(0.21 / n) / 0.7);
    // Every column and every row gets its own draws (no stripes): each column keeps some, drops some.
    for (std::size_t j = 0; j < w; ++j) {
        std::size_t col_kept = 0;
        for (std::size_t r = 0; r < rows; ++r) col_kept += y[r * w + j] != 0.0f;
        CHECK(col_kept > rows / 2);
        CHECK(col_kept < rows * 9 / 10);
    }
}

TEST_CASE("Dropout's masks follow from the seed and the step alone", "[layers][dropout]") {
    Model<Net> a{seed{7}}, b{seed{7}}, c{seed{8}};
    const auto x = ones();
    a.set_step_count(3);
    b.set_step_count(3);
    c.set_step_count(3);
    const auto sa = a.predict(x, training);
    const std::vector<float> ya(sa.begin(), sa.end());
    const auto yb = b.predict(x, training);
    REQUIRE(std::equal(ya.begin(), ya.end(), yb.begin()));
    const auto yc = c.predict(x, training);
    REQUIRE(!std::equal(ya.begin(), ya.end(), yc.begin()));
    b.set_step_count(4);
    const auto next = b.predict(x, training);
    REQUIRE(!std::equal(ya.begin(), ya.end(), next.begin()));
    // The first rows of a larger batch get the masks a smaller batch gets.
    a.set_step_count(3);
    const auto head = a.predict(std::span(x).first(10 * w), training);
    REQUIRE(std::equal(head.begin(), head.end(), ya.begin()));
}

TEST_CASE("two layers' masks differ in the same step", "[layers][dropout]") {
    Model<Network<Input<w>, Dropout<0.5>, Dropout<0.5>>> one{seed{1}};
    one.set_step_count(1);
    const auto x = ones();
    // Two independent masks of 0.5 keep a quarter; the same mask twice would keep a half.
    const auto y = one.predict(x, training);
    std::size_t kept = 0;
    for (float v : y) kept += v != 0.0f;
    const double n = double(w * rows);
    CHECK(std::abs(double(kept) / n - 0.25) < 5 * std::sqrt(0.25 * 0.75 / n));
}

TEST_CASE("training with BatchNorm and Dropout is bitwise reproducible", "[layers][dropout][batch_norm]") {
    using Mlp = Network<Input<12>, Dense<12, 16>, BatchNorm, ReLU, Dropout<0.5>, Dense<16, 3>, SoftmaxCrossEntropy>;
    auto train = [] {
        Model<Mlp> m{seed{11}};
        rng g{seed{12}};
        std::vector<float> x(32 * 12);
        std::vector<std::uint32_t> labels(32);
        const SGD sgd{.lr = 0.05};
        for (int step = 0; step < 20; ++step) {
            for (float& v : x) v = static_cast<float>(g.uniform());
            for (auto& l : labels) l = static_cast<std::uint32_t>(g.below(3));
            m.compute_gradients(x, {.labels = labels});
            sgd.step(m);
        }
        return m;
    };
    const auto a = train(), b = train();
    REQUIRE(std::equal(a.parameters().begin(), a.parameters().end(), b.parameters().begin(), b.parameters().end()));
    REQUIRE(std::equal(a.state().begin(), a.state().end(), b.state().begin(), b.state().end()));
    REQUIRE(a.step_count() == 20);
}

} // namespace dropout_test
