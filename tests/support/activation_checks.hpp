#pragma once
// What the tests of element-wise layers share: a layer's forward against a reference formula
// and its backward against centred differences of its own forward, on scalars and through the
// vector kernels at every tail width; and the gradient check of whole networks around it.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <vector>

#include <typenet/core/elementwise_chain.hpp>
#include <typenet/core/model.hpp>
#include <typenet/core/network.hpp>
#include <typenet/core/rng.hpp>
#include <typenet/diagnostics/gradient_check.hpp>
#include <typenet/kernels/elementwise.hpp>
#include <typenet/kernels/simd.hpp>
#include <typenet/layers/dense.hpp>
#include <typenet/layers/input.hpp>
#include <typenet/layers/losses.hpp>

#include "pure_chain.hpp"
#include "test_values.hpp"

namespace typenet::test {

// An element-wise function under test: where to sample it, and where its kinks are.
struct domain {
    double lo = -4;
    double hi = 4;
    std::initializer_list<double> kinks = {};
};

inline double distance_to_kink(double v, const domain& d) {
    double nearest = 1e300;
    for (const double k : d.kinks) nearest = std::min(nearest, std::abs(v - k));
    return nearest;
}

// n points of the domain, none within 1e-2 of a kink.
inline std::vector<double> sample_points(std::size_t n, std::uint64_t s, const domain& d) {
    rng g{seed{s}};
    std::vector<double> x;
    while (x.size() < n) {
        const double v = d.lo + (d.hi - d.lo) * g.uniform();
        if (distance_to_kink(v, d) > 1e-2) x.push_back(v);
    }
    return x;
}

// Both sides scaled by the larger magnitude, or absolute below 1.
inline bool close(double a, double b, double tolerance) {
    return std::abs(a - b) <= tolerance * std::max({1.0, std::abs(a), std::abs(b)});
}

// The centred-difference step; with it the difference of a smooth function with moderate
// derivatives is good to about 1e-9.
inline constexpr double difference_step = 1e-5;
inline constexpr double difference_tolerance = 1e-7;

template <class Layer>
double centred_difference(double v) {
    const double h = difference_step;
    return (Layer::forward(v + h) - Layer::forward(v - h)) / (2 * h);
}

// forward against `reference` and backward against centred differences of forward, one
// scalar at a time.
template <class Layer, class Reference>
void check_scalar(Reference reference, const domain& d) {
    for (const double v : sample_points(300, 1, d)) {
        const double y = Layer::forward(v);
        const double numeric = centred_difference<Layer>(v);
        const double analytic = Layer::backward(v, y, 1.0);
        CAPTURE(v, y, reference(v), numeric, analytic);
        REQUIRE(close(y, reference(v), 1e-13));
        REQUIRE(close(analytic, numeric, difference_tolerance));
        // backward is linear in dy.
        REQUIRE(close(Layer::backward(v, y, -2.5), -2.5 * analytic, 1e-15));
    }
}

// The same through kernels::map and map_gradient for every length up to two float vectors and
// more, so that whole vectors, each narrower vector and each scalar tail width are run: in
// double against the scalar results (and so against the reference and the differences), and
// in float against the double results.
template <class Layer, class Reference>
void check_vectors(Reference reference, const domain& d) {
    using chain = pure_chain<Layer>;
    constexpr std::size_t longest = 2 * simd::lanes<simd::vec<float>> + 3;
    for (std::size_t n = 1; n <= longest; ++n) {
        CAPTURE(n);
        const std::vector<double> x = sample_points(n, 100 + n, d);
        const std::vector<double> dy = uniform_values(n, 200 + n);
        std::vector<double> y(n), dx(n);
        kernels::map(x.data(), y.data(), n, []<class V>(const V& v) { return chain::forward(v); });
        kernels::map_gradient(x.data(), dy.data(), dx.data(), n,
                              []<class V>(const V& v, const V& g) { return chain::backward(v, g); });

        const std::vector<float> xf(x.begin(), x.end()), dyf(dy.begin(), dy.end());
        std::vector<float> yf(n), dxf(n);
        kernels::map(xf.data(), yf.data(), n, []<class V>(const V& v) { return chain::forward(v); });
        kernels::map_gradient(xf.data(), dyf.data(), dxf.data(), n,
                              []<class V>(const V& v, const V& g) { return chain::backward(v, g); });

        for (std::size_t i = 0; i < n; ++i) {
            const double numeric = centred_difference<Layer>(x[i]);
            CAPTURE(i, x[i], y[i], dy[i], dx[i], numeric, yf[i], dxf[i]);
            REQUIRE(close(y[i], reference(x[i]), 1e-13));
            REQUIRE(close(dx[i], dy[i] * numeric, difference_tolerance));
            // float: the inputs were rounded to float, so compare relative to the function's scale.
            const double xr = static_cast<double>(xf[i]);
            REQUIRE(close(yf[i], reference(xr), 2e-6));
            REQUIRE(close(dxf[i], dy[i] * Layer::backward(xr, Layer::forward(xr), 1.0), 2e-5));
        }
    }
}

// --- inside networks ---------------------------------------------------------------------

// A batch for Net: random inputs, and labels or target values as its loss needs.
template <class Net>
struct gradient_batch {
    static constexpr std::size_t rows = 4;
    std::vector<double> x = uniform_values(rows * Net::input_width, 7);
    std::vector<std::uint32_t> labels;
    std::vector<double> values = uniform_values(rows * Net::output_width, 8);
    gradient_batch() {
        for (std::size_t r = 0; r < rows; ++r)
            labels.push_back(static_cast<std::uint32_t>((3 * r + 1) % Net::output_width));
    }
    batch_targets<double> t() const { return {labels, values}; }
};

// typenet::gradient_check over every parameter of Net below 1e-6. If layer 1 is a Dense layer
// followed by the element-wise layer under test, its outputs (that layer's inputs) must all lie
// more than 1e-3 from the kinks, or a step of a weight could straddle one.
template <class Net>
void require_network_gradients(std::uint64_t model_seed, const domain& d = {}) {
    Model<Net, double> model{seed{model_seed}};
    const gradient_batch<Net> b;
    using first = typename Net::template layer<1>;
    if constexpr (requires { first::inputs; }) {
        Model<Network<Input<first::inputs>, first>, double> alone{seed{0}};
        std::copy(model.template parameters_of<1>().begin(), model.template parameters_of<1>().end(),
                  alone.parameters().begin());
        double nearest = 1e300;
        for (const double z : alone.predict(b.x)) nearest = std::min(nearest, distance_to_kink(z, d));
        CAPTURE(nearest);
        REQUIRE(nearest > 1e-3);
    }
    const auto r = gradient_check(model, b.x, b.t(), {.step = 3e-5});
    CAPTURE(model_seed, r.max_relative_error, r.worst_index, r.analytic, r.numeric);
    REQUIRE(r.checked == Net::parameter_count);
    REQUIRE(r.max_relative_error < 1e-6);
}

// The element-wise layer between two dense layers (fused into the first one's kernel), and
// right after Input (a stage of its own), with widths that leave vector tails.
template <class Layer>
void require_gradients_in_networks(std::uint64_t model_seed, const domain& d = {}) {
    {
        INFO("Input<5>, Dense<5, 7>, the layer, Dense<7, 3>, SoftmaxCrossEntropy");
        using Net = Network<Input<5>, Dense<5, 7>, Layer, Dense<7, 3>, SoftmaxCrossEntropy>;
        require_network_gradients<Net>(model_seed, d);
    }
    {
        INFO("Input<5>, the layer, Dense<5, 3>, MeanSquaredError");
        require_network_gradients<Network<Input<5>, Layer, Dense<5, 3>, MeanSquaredError>>(model_seed, d);
    }
}

} // namespace typenet::test
