// Whole models, float and double, against a plain computation written out in the test with
// kernels::reference: forward through fused stages, predictions of both losses, the loss, and
// every parameter gradient.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <typenet/core/model.hpp>
#include <typenet/core/network.hpp>
#include <typenet/core/rng.hpp>
#include <typenet/kernels/reference.hpp>
#include <typenet/layers/activations.hpp>
#include <typenet/layers/dense.hpp>
#include <typenet/layers/input.hpp>
#include <typenet/layers/losses.hpp>

#include "../support/test_values.hpp"

namespace model_reference_test {

namespace {

using namespace typenet;
namespace reference = kernels::reference;

template <class T>
std::vector<T> as(std::span<const double> v) {
    return {v.begin(), v.end()};
}
template <class T>
std::vector<double> as_double(std::span<T> v) {
    return {v.begin(), v.end()};
}

// y = x W + b in double for the dense layer whose parameters are p.
std::vector<double> dense(const std::vector<double>& x, const std::vector<double>& p, std::size_t rows, std::size_t in,
                          std::size_t out) {
    std::vector<double> z(rows * out);
    reference::dense_forward(x.data(), p.data(), p.data() + in * out, rows, in, out, z.data());
    return z;
}
template <class F>
std::vector<double> apply(std::vector<double> v, F f) {
    for (double& x : v) x = f(x);
    return v;
}
double sigmoid(double x) { return 1 / (1 + std::exp(-x)); }
double relu(double x) { return x > 0 ? x : 0; }

// Every value of got within tol of want, relative to the largest |want| (a norm-wise bound:
// single entries near zero carry the absolute rounding of the sums that produced them).
template <class T>
void require_close(std::span<const T> got, const std::vector<double>& want, double tol) {
    REQUIRE(got.size() == want.size());
    double scale = 0;
    for (const double w : want) scale = std::max(scale, std::abs(w));
    for (std::size_t i = 0; i < want.size(); ++i) {
        CAPTURE(i, got[i], want[i], scale);
        REQUIRE(std::abs(double(got[i]) - want[i]) <= tol * std::max(scale, 1e-30));
    }
}

constexpr std::size_t row_counts[] = {1, 3, 4, 5, 9, 64};

} // namespace

TEMPLATE_TEST_CASE("forward through fused stages matches the reference", "[layers][model]", float, double) {
    using T = TestType;
    using Net = Network<Input<13>, Dense<13, 17>, Tanh, Dense<17, 33>, Sigmoid, ReLU, Dense<33, 5>>;
    Model<Net, T> model{seed{3}};
    const auto p1 = as_double(model.template parameters_of<1>());
    const auto p3 = as_double(model.template parameters_of<3>());
    const auto p6 = as_double(model.template parameters_of<6>());
    for (const std::size_t rows : row_counts) {
        CAPTURE(rows);
        const auto x = typenet::test::uniform_values(rows * 13, rows);
        const auto a1 = apply(dense(x, p1, rows, 13, 17), [](double v) { return std::tanh(v); });
        const auto a2 = apply(dense(a1, p3, rows, 17, 33), [](double v) { return relu(sigmoid(v)); });
        const auto want = dense(a2, p6, rows, 33, 5);
        const auto xt = as<T>(x);
        require_close<T>(model.predict(xt), want, typenet::test::tolerance<T> * 10);
        // The span overload and predictions() give the same values.
        const auto again = model.predict(std::span<const T>(xt));
        REQUIRE(std::equal(again.begin(), again.end(), model.predictions().begin(), model.predictions().end()));
        require_close<T>(again, want, typenet::test::tolerance<T> * 10);
    }
}

TEMPLATE_TEST_CASE("a leading element-wise stage and a ReLU epilogue match the reference", "[layers][model]", float,
                   double) {
    using T = TestType;
    using Net = Network<Input<10>, Tanh, Sigmoid, Dense<10, 7>, ReLU>;
    Model<Net, T> model{seed{4}};
    const auto p = as_double(model.template parameters_of<3>());
    for (const std::size_t rows : row_counts) {
        CAPTURE(rows);
        const auto x = typenet::test::uniform_values(rows * 10, 50 + rows, -3, 3);
        const auto a = apply(x, [](double v) { return sigmoid(std::tanh(v)); });
        const auto want = apply(dense(a, p, rows, 10, 7), relu);
        const auto xt = as<T>(x);
        require_close<T>(model.predict(xt), want, typenet::test::tolerance<T> * 10);
    }
}

TEMPLATE_TEST_CASE("SoftmaxCrossEntropy: probabilities, loss and gradients match the reference", "[layers][model]",
                   float, double) {
    using T = TestType;
    using Net = Network<Input<13>, Dense<13, 17>, Tanh, Dense<17, 10>, SoftmaxCrossEntropy>;
    Model<Net, T> model{seed{5}};
    const auto p1 = as_double(model.template parameters_of<1>());
    const auto p3 = as_double(model.template parameters_of<3>());
    for (const std::size_t rows : row_counts) {
        CAPTURE(rows);
        const auto x = typenet::test::uniform_values(rows * 13, 100 + rows);
        std::vector<std::uint32_t> labels(rows);
        for (std::size_t r = 0; r < rows; ++r) labels[r] = static_cast<std::uint32_t>((r * 7 + 2) % 10);

        const auto a1 = apply(dense(x, p1, rows, 13, 17), [](double v) { return std::tanh(v); });
        const auto z2 = dense(a1, p3, rows, 17, 10);
        std::vector<double> prob(rows * 10), dz2(rows * 10);
        const double scale = 1.0 / double(rows);
        const double sum =
            reference::softmax_cross_entropy(z2.data(), labels.data(), rows, 10, prob.data(), dz2.data(), scale);
        const double loss = sum * scale;
        std::vector<double> dw3(17 * 10), db3(10), da1(rows * 17), dw1(13 * 17), db1(17);
        reference::dense_backward(a1.data(), p3.data(), dz2.data(), rows, 17, 10, dw3.data(), db3.data(), da1.data());
        std::vector<double> dz1(rows * 17);
        for (std::size_t i = 0; i < dz1.size(); ++i) dz1[i] = da1[i] * (1 - a1[i] * a1[i]);
        reference::dense_backward(x.data(), p1.data(), dz1.data(), rows, 13, 17, dw1.data(), db1.data(),
                                  static_cast<double*>(nullptr));

        const auto xt = as<T>(x);
        const batch_targets<T> t{.labels = labels};
        require_close<T>(model.predict(xt), prob, typenet::test::tolerance<T> * 10);
        REQUIRE(std::abs(model.loss(xt, t) - loss) <= typenet::test::tolerance<T> * 10 * loss);
        REQUIRE(std::abs(model.compute_gradients(xt, t) - loss) <= typenet::test::tolerance<T> * 10 * loss);
        require_close<T>(model.predictions(), prob, typenet::test::tolerance<T> * 10);

        std::vector<double> g1(dw1);
        g1.insert(g1.end(), db1.begin(), db1.end());
        std::vector<double> g3(dw3);
        g3.insert(g3.end(), db3.begin(), db3.end());
        require_close<T>(model.template gradients_of<1>(), g1, typenet::test::tolerance<T> * 10);
        require_close<T>(model.template gradients_of<3>(), g3, typenet::test::tolerance<T> * 10);
    }
}

TEMPLATE_TEST_CASE("MeanSquaredError: outputs, loss and gradients through two activations match the reference",
                   "[layers][model]", float, double) {
    using T = TestType;
    using Net = Network<Input<13>, Dense<13, 17>, Tanh, Sigmoid, Dense<17, 5>, MeanSquaredError>;
    Model<Net, T> model{seed{6}};
    const auto p1 = as_double(model.template parameters_of<1>());
    const auto p4 = as_double(model.template parameters_of<4>());
    for (const std::size_t rows : row_counts) {
        CAPTURE(rows);
        const auto x = typenet::test::uniform_values(rows * 13, 200 + rows);
        const auto y = typenet::test::uniform_values(rows * 5, 300 + rows);

        const auto z1 = dense(x, p1, rows, 13, 17);
        const auto h1 = apply(z1, [](double v) { return std::tanh(v); });
        const auto a1 = apply(h1, sigmoid);
        const auto out = dense(a1, p4, rows, 17, 5);
        std::vector<double> dout(rows * 5);
        const double loss = reference::squared_error(out.data(), y.data(), rows * 5, dout.data(), 1.0 / double(rows)) /
                            double(rows);
        std::vector<double> dw4(17 * 5), db4(5), da1(rows * 17), dw1(13 * 17), db1(17);
        reference::dense_backward(a1.data(), p4.data(), dout.data(), rows, 17, 5, dw4.data(), db4.data(), da1.data());
        std::vector<double> dz1(rows * 17);
        for (std::size_t i = 0; i < dz1.size(); ++i) dz1[i] = da1[i] * a1[i] * (1 - a1[i]) * (1 - h1[i] * h1[i]);
        reference::dense_backward(x.data(), p1.data(), dz1.data(), rows, 13, 17, dw1.data(), db1.data(),
                                  static_cast<double*>(nullptr));

        const auto xt = as<T>(x);
        const auto yt = as<T>(y);
        const batch_targets<T> t{.values = yt};
        require_close<T>(model.predict(xt), out, typenet::test::tolerance<T> * 10);
        REQUIRE(std::abs(model.compute_gradients(xt, t) - loss) <= typenet::test::tolerance<T> * 10 * loss);
        require_close<T>(model.predictions(), out, typenet::test::tolerance<T> * 10);

        std::vector<double> g1(dw1);
        g1.insert(g1.end(), db1.begin(), db1.end());
        std::vector<double> g4(dw4);
        g4.insert(g4.end(), db4.begin(), db4.end());
        require_close<T>(model.template gradients_of<1>(), g1, typenet::test::tolerance<T> * 10);
        require_close<T>(model.template gradients_of<4>(), g4, typenet::test::tolerance<T> * 10);
    }
}

} // namespace model_reference_test
