// Activation<x * sigmoid(x)> against the same Swish written by hand as an element-wise layer:
// a training step of a 784-100-10 MLP with each (batch 64), and the element-wise pass alone
// (forward then backward over the 64 x 100 hidden values). The two variants are registered
// in alternating order, several rounds, so that both see the same load on a shared machine;
// the summary compares their medians.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>

#include <typenet/typenet.hpp>

#include "benchmarks.hpp"
#include "workload.hpp"

namespace bench {

namespace {

namespace tn = typenet;

// Swish by hand, as a user would write an element-wise layer (docs/layer_contract.md).
struct HandSwish {
    static constexpr tn::layer_kind kind = tn::layer_kind::elementwise;
    static constexpr tn::shape output_shape(tn::shape in) noexcept { return in; }

    template <class V>
    static V forward(const V& x) noexcept {
        return x / (V(1) + tn::simd::exp(-x));
    }
    // (x s(x))' = s + x s (1 - s)
    template <class V>
    static V backward(const V& x, const V&, const V& dy) noexcept {
        const V s = V(1) / (V(1) + tn::simd::exp(-x));
        return dy * (s + x * s * (V(1) - s));
    }
};

using ExpressionSwish = tn::Activation<tn::expr::x * tn::expr::sigmoid(tn::expr::x)>;

template <class Swish>
using swish_mlp = tn::Network<tn::Input<inputs>, tn::Dense<inputs, hidden, tn::He>, Swish,
                              tn::Dense<hidden, classes, tn::Xavier>, tn::SoftmaxCrossEntropy>;

template <class Swish>
class swish_model {
public:
    void reset() { std::copy(initial_.begin(), initial_.end(), model_.parameters().begin()); }
    std::vector<float> parameters() const { return {model_.parameters().begin(), model_.parameters().end()}; }

    double train_step(const float* x, const std::uint32_t* labels) {
        const double loss =
            model_.compute_gradients(std::span(x, train_batch * inputs), {.labels = std::span(labels, train_batch)});
        sgd_.step(model_);
        return loss;
    }

private:
    tn::Model<swish_mlp<Swish>> model_{tn::seed{42}};
    std::vector<float> initial_{model_.parameters().begin(), model_.parameters().end()};
    tn::SGD sgd_{.lr = learning_rate};
};

// As in train_step.cpp: repeated steps on one batch drive the gradients towards denormals,
// so the parameters go back to their initial values every so often (untimed).
constexpr benchmark::IterationCount steps_between_resets = 256;

template <class Swish>
void swish_step(benchmark::State& state) {
    const data& d = workload();
    swish_model<Swish> m;
    benchmark::IterationCount since_reset = 0;
    for (auto _ : state) {
        if (++since_reset == steps_between_resets) {
            state.PauseTiming();
            m.reset();
            since_reset = 0;
            state.ResumeTiming();
        }
        double loss = m.train_step(d.x.data(), d.labels.data());
        benchmark::DoNotOptimize(loss);
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(train_batch));
}

// The element-wise pass alone: forward, then backward, over the hidden layer's values.
template <class Swish>
void swish_pass(benchmark::State& state) {
    constexpr std::size_t n = train_batch * hidden;
    const std::vector<float> x = [] {
        std::vector<float> v(n);
        for (std::size_t i = 0; i < n; ++i) v[i] = -4.0f + 8.0f * static_cast<float>((i * 7919) % n) / n;
        return v;
    }();
    const std::vector<float> dy(n, 0.5f);
    std::vector<float> y(n), dx(n);
    for (auto _ : state) {
        tn::kernels::map(x.data(), y.data(), n, []<class V>(const V& v) { return Swish::forward(v); });
        // The output recomputed from the input, as a fused backward pass does.
        tn::kernels::map_gradient(x.data(), dy.data(), dx.data(), n, []<class V>(const V& v, const V& g) {
            return Swish::backward(v, Swish::forward(v), g);
        });
        benchmark::DoNotOptimize(y.data());
        benchmark::DoNotOptimize(dx.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}

} // namespace

void check_activation_variants_agree() {
    const data& d = workload();
    swish_model<ExpressionSwish> expression;
    swish_model<HandSwish> hand;
    const std::vector<float> start = expression.parameters();
    if (start != hand.parameters()) {
        std::fprintf(stderr, "benchmark aborted: the two Swish networks start from different parameters\n");
        std::exit(EXIT_FAILURE);
    }
    double losses[2][2];
    for (int step = 0; step < 2; ++step) {
        losses[0][step] = expression.train_step(d.x.data(), d.labels.data());
        losses[1][step] = hand.train_step(d.x.data(), d.labels.data());
    }
    // The two compute the same function, rounded differently (x s versus x / (1 + e^-x)).
    double largest_update = 0, difference = 0;
    const std::vector<float> a = expression.parameters(), b = hand.parameters();
    for (std::size_t i = 0; i < start.size(); ++i) {
        largest_update = std::max(largest_update, std::abs(static_cast<double>(b[i]) - start[i]));
        difference = std::max(difference, std::abs(static_cast<double>(a[i]) - b[i]));
    }
    const bool agree = std::abs(losses[0][0] - losses[1][0]) <= 1e-5 * losses[1][0] &&
                       std::abs(losses[0][1] - losses[1][1]) <= 1e-5 * losses[1][1] &&
                       difference <= 1e-3 * largest_update && losses[1][1] < losses[1][0];
    std::printf("check swish      losses %.6f, %.6f (by hand %.6f, %.6f); updates differ by %.1e of the largest\n",
                losses[0][0], losses[0][1], losses[1][0], losses[1][1], difference / largest_update);
    if (!agree) {
        std::fprintf(stderr, "benchmark aborted: Activation<x * sigmoid(x)> and the hand-written Swish disagree\n");
        std::exit(EXIT_FAILURE);
    }
    std::fflush(stdout);
}

void register_activation_benchmarks() {
    // "<workload>/<variant>/<size>", formatted rather than concatenated (GCC 12 warns, wrongly,
    // about std::string's operator+ at -O3).
    auto name = [](std::string_view workload, const char* variant, std::size_t size) {
        char s[64];
        std::snprintf(s, sizeof s, "%.*s/%s/%zu", static_cast<int>(workload.size()), workload.data(), variant, size);
        return std::string(s);
    };
    // Many short rounds, alternating which of the two runs first, so that neither always follows
    // the other and both see the same load.
    constexpr double round_time = 0.2;  // seconds per run
    auto register_pair = [&](std::string_view workload, std::size_t size, auto expression, auto hand) {
        for (int round = 0; round < comparison_rounds; ++round) {
            auto run = [&](const char* variant, auto f) {
                benchmark::RegisterBenchmark(name(workload, variant, size).c_str(), f)->MinTime(round_time);
            };
            if (round % 2 == 0) run("expression", expression);
            run("hand_written", hand);
            if (round % 2 == 1) run("expression", expression);
        }
    };
    register_pair(swish_step_workload, train_batch, swish_step<ExpressionSwish>, swish_step<HandSwish>);
    register_pair(swish_pass_workload, train_batch * hidden, swish_pass<ExpressionSwish>, swish_pass<HandSwish>);
}

} // namespace bench
