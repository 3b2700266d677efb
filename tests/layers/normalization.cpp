// BatchNorm, LayerNorm and GroupNorm against plain reference formulas (PyTorch's): training
// passes with batch statistics, running statistics that converge to the data's, inference
// passes that use them; Maxout and the Softmax layer against their definitions.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <typenet/typenet.hpp>

#include "../support/test_values.hpp"

namespace normalization_test {

namespace {

using namespace typenet;

// y = gamma * (x - mean) / sqrt(var + eps) + beta over groups of `size` consecutive values:
// per column over the rows (batch norm) or per row and group (layer and group norm).
std::vector<double> normalise_columns(const std::vector<double>& x, std::size_t rows, std::size_t w,
                                      const std::vector<double>& gamma, const std::vector<double>& beta, double eps) {
    std::vector<double> y(x.size());
    for (std::size_t j = 0; j < w; ++j) {
        double m = 0, v = 0;
        for (std::size_t r = 0; r < rows; ++r) m += x[r * w + j];
        m /= double(rows);
        for (std::size_t r = 0; r < rows; ++r) v += (x[r * w + j] - m) * (x[r * w + j] - m);
        v /= double(rows);
        for (std::size_t r = 0; r < rows; ++r) y[r * w + j] = gamma[j] * (x[r * w + j] - m) / std::sqrt(v + eps) + beta[j];
    }
    return y;
}

std::vector<double> normalise_groups(const std::vector<double>& x, std::size_t rows, std::size_t w, std::size_t groups,
                                     const std::vector<double>& gamma, const std::vector<double>& beta, double eps) {
    std::vector<double> y(x.size());
    const std::size_t size = w / groups;
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t g = 0; g < groups; ++g) {
            const std::size_t first = r * w + g * size;
            double m = 0, v = 0;
            for (std::size_t i = 0; i < size; ++i) m += x[first + i];
            m /= double(size);
            for (std::size_t i = 0; i < size; ++i) v += (x[first + i] - m) * (x[first + i] - m);
            v /= double(size);
            for (std::size_t i = 0; i < size; ++i) {
                const std::size_t j = g * size + i;
                y[first + i] = gamma[j] * (x[first + i] - m) / std::sqrt(v + eps) + beta[j];
            }
        }
    return y;
}

template <class T>
std::vector<double> as_double(std::span<const T> s) {
    return {s.begin(), s.end()};
}

template <class T>
void require_close(const std::vector<double>& got, const std::vector<double>& want, double tol) {
    REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        CAPTURE(i, got[i], want[i]);
        REQUIRE(std::abs(got[i] - want[i]) <= tol * (1 + std::abs(want[i])));
    }
}

// Sets a normalisation layer's scale and shift to something other than 1 and 0.
template <class Model>
void vary_scale_and_shift(Model& model, const char* layer) {
    auto gamma = model.tensor(std::string(layer) + ".weight");
    auto beta = model.tensor(std::string(layer) + ".bias");
    for (std::size_t j = 0; j < gamma.size(); ++j) {
        gamma[j] = static_cast<typename Model::value_type>(0.5 + 0.1 * double(j % 7));
        beta[j] = static_cast<typename Model::value_type>(-0.3 + 0.05 * double(j % 5));
    }
}

} // namespace

TEMPLATE_TEST_CASE("BatchNorm normalises with the batch's statistics in training and the running ones in inference",
                   "[layers][batch_norm]", float, double) {
    using T = TestType;
    constexpr std::size_t w = 19, rows = 9;
    using Net = Network<Input<w>, BatchNorm>;
    Model<Net, T> model{seed{3}};
    vary_scale_and_shift(model, "batch_norm_1");
    const auto x = typenet::test::uniform_values<T>(rows * w, 4, -3, 5);
    const std::vector<double> xd(x.begin(), x.end());
    const auto gamma = as_double<T>(model.tensor("batch_norm_1.weight"));
    const auto beta = as_double<T>(model.tensor("batch_norm_1.bias"));

    const auto trained = as_double<T>(model.predict(x, training));
    require_close<T>(trained, normalise_columns(xd, rows, w, gamma, beta, 1e-5), typenet::test::tolerance<T> * 10);

    // Inference with the initial running statistics (mean 0, variance 1) is gamma x / sqrt(1 + eps) + beta.
    const auto inferred = as_double<T>(model.predict(x));
    std::vector<double> want(xd.size());
    for (std::size_t i = 0; i < xd.size(); ++i) want[i] = gamma[i % w] * xd[i] / std::sqrt(1 + 1e-5) + beta[i % w];
    require_close<T>(inferred, want, typenet::test::tolerance<T> * 10);

    // A prediction, even in training mode, leaves the running statistics alone.
    REQUIRE(model.tensor("batch_norm_1.running_mean")[0] == T(0));
    REQUIRE(model.tensor("batch_norm_1.running_var")[0] == T(1));
}

TEST_CASE("BatchNorm's running statistics converge to the data's and inference uses them", "[layers][batch_norm]") {
    constexpr std::size_t w = 5, rows = 64;
    using Net = Network<Input<w>, BatchNorm, MeanSquaredError>;
    Model<Net, double> model{seed{5}};
    // Feature j ~ U(j - 1, j + 1) * (j + 1): mean j (j + 1), variance (j + 1)^2 / 3.
    rng g{seed{6}};
    std::vector<double> x(rows * w), y(rows * w, 0.0);
    for (int step = 0; step < 300; ++step) {
        for (std::size_t r = 0; r < rows; ++r)
            for (std::size_t j = 0; j < w; ++j) x[r * w + j] = (double(j) - 1 + 2 * g.uniform()) * double(j + 1);
        model.compute_gradients(x, {.values = y});
    }
    const auto mean = model.tensor("batch_norm_1.running_mean");
    const auto var = model.tensor("batch_norm_1.running_var");
    for (std::size_t j = 0; j < w; ++j) {
        const double m = double(j) * double(j + 1), v = double(j + 1) * double(j + 1) / 3;
        CAPTURE(j, mean[j], var[j], m, v);
        // An exponential average over ~10 batches of 64: within a few of its standard errors.
        CHECK(std::abs(mean[j] - m) < 0.1 * double(j + 1));
        CHECK(std::abs(var[j] - v) < 0.15 * v);
    }
    // Inference: (x - running_mean) / sqrt(running_var + eps) with gamma 1 and beta 0.
    const auto out = model.predict(x);
    for (std::size_t i = 0; i < 3 * w; ++i)
        REQUIRE(out[i] == Approx((x[i] - mean[i % w]) / std::sqrt(var[i % w] + 1e-5)).epsilon(1e-12));
}

TEST_CASE("BatchNorm keeps the running variance unbiased, as PyTorch does", "[layers][batch_norm]") {
    using Net = Network<Input<2>, BatchNorm, MeanSquaredError>;
    Model<Net, double> model{seed{1}};
    const std::vector<double> x{1, 10, 3, 20, 8, 60}, y(6, 0.0);
    model.compute_gradients(x, {.values = y});
    // Column 0: mean 4, unbiased variance ((9 + 1 + 16) / 2) = 13; momentum 0.1 from (0, 1).
    CHECK(model.tensor("batch_norm_1.running_mean")[0] == Approx(0.4));
    CHECK(model.tensor("batch_norm_1.running_var")[0] == Approx(0.9 + 1.3));
    // Column 1: mean 30, unbiased variance (400 + 100 + 900) / 2 = 700.
    CHECK(model.tensor("batch_norm_1.running_mean")[1] == Approx(3.0));
    CHECK(model.tensor("batch_norm_1.running_var")[1] == Approx(0.9 + 70.0));
}

TEST_CASE("a training pass through BatchNorm needs two rows", "[layers][batch_norm]") {
    using Net = Network<Input<3>, Dense<3, 4>, BatchNorm, Dense<4, 2>, SoftmaxCrossEntropy>;
    Model<Net> model{seed{1}};
    const std::vector<float> x{1, 2, 3};
    const std::uint32_t label = 1;
    REQUIRE_THROWS_WITH(model.compute_gradients(x, {.labels = {&label, 1}}),
                        "model: a training pass of this network needs at least 2 rows (a layer normalises over "
                        "the batch), found 1");
    // Inference on one sample is fine: it uses the running statistics.
    REQUIRE(model.predict(x).size() == 2);
}

TEMPLATE_TEST_CASE("LayerNorm and GroupNorm normalise each sample's groups", "[layers][group_norm]", float, double) {
    using T = TestType;
    constexpr std::size_t w = 24, rows = 5;
    const auto x = typenet::test::uniform_values<T>(rows * w, 8, -2, 3);
    const std::vector<double> xd(x.begin(), x.end());
    {
        Model<Network<Input<w>, LayerNorm>, T> model{seed{1}};
        vary_scale_and_shift(model, "layer_norm_1");
        const auto gamma = as_double<T>(model.tensor("layer_norm_1.weight"));
        const auto beta = as_double<T>(model.tensor("layer_norm_1.bias"));
        // The same in training and in inference: no running statistics.
        const auto want = normalise_groups(xd, rows, w, 1, gamma, beta, 1e-5);
        require_close<T>(as_double<T>(model.predict(x)), want, typenet::test::tolerance<T> * 10);
        require_close<T>(as_double<T>(model.predict(x, training)), want, typenet::test::tolerance<T> * 10);
    }
    {
        Model<Network<Input<w>, GroupNorm<4>>, T> model{seed{1}};
        vary_scale_and_shift(model, "group_norm_1");
        const auto gamma = as_double<T>(model.tensor("group_norm_1.weight"));
        const auto beta = as_double<T>(model.tensor("group_norm_1.bias"));
        require_close<T>(as_double<T>(model.predict(x)), normalise_groups(xd, rows, w, 4, gamma, beta, 1e-5),
                         typenet::test::tolerance<T> * 10);
    }
}

TEST_CASE("GroupNorm<1> is LayerNorm: same outputs, same gradients", "[layers][group_norm]") {
    using A = Network<Input<7>, Dense<7, 10>, GroupNorm<1>, Tanh, Dense<10, 3>, SoftmaxCrossEntropy>;
    using B = Network<Input<7>, Dense<7, 10>, LayerNorm, Tanh, Dense<10, 3>, SoftmaxCrossEntropy>;
    Model<A, double> a{seed{9}};
    Model<B, double> b{seed{9}};
    const auto x = typenet::test::uniform_values(4 * 7, 10);
    const std::vector<std::uint32_t> labels{0, 2, 1, 1};
    const double la = a.compute_gradients(x, {.labels = labels});
    const double lb = b.compute_gradients(x, {.labels = labels});
    REQUIRE(la == lb);
    REQUIRE(std::equal(a.gradients().begin(), a.gradients().end(), b.gradients().begin(), b.gradients().end()));
}

TEST_CASE("Maxout takes the maximum of each group of k", "[layers][maxout]") {
    Model<Network<Input<6>, Maxout<3>>, double> model{seed{1}};
    const std::vector<double> x{1, 5, 2, -1, -3, -2, 0, 0, 0, 7, 8, 9};
    const auto y = model.predict(x);
    REQUIRE(std::vector<double>(y.begin(), y.end()) == std::vector<double>{5, -1, 0, 9});
    static_assert(Network<Input<12>, Maxout<4>>::output_width == 3);
}

TEST_CASE("Softmax as a layer gives probabilities that sum to 1", "[layers][softmax]") {
    Model<Network<Input<4>, Softmax>, double> model{seed{1}};
    const std::vector<double> x{0, 1, 2, 3, 1000, 1000, 0, -1000};
    const auto p = model.predict(x);
    const double z = 1 + std::exp(1) + std::exp(2) + std::exp(3);
    for (std::size_t j = 0; j < 4; ++j) REQUIRE(p[j] == Approx(std::exp(double(j)) / z).epsilon(1e-14));
    REQUIRE(p[4] == Approx(0.5));
    REQUIRE(p[5] == Approx(0.5));
    REQUIRE(p[6] == Approx(0.0).margin(1e-300));
}

} // namespace normalization_test
