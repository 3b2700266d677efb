// One training step and one forward pass of the 784-100-10 MLP, written three ways and timed
// on the same batch from the same initial parameters: plain loops, Eigen, typenet.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <span>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include <typenet/typenet.hpp>

#include "benchmarks.hpp"
#include "hand_mlp.hpp"
#include "workload.hpp"
#if TYPENET_BENCH_EIGEN
#include "eigen_mlp.hpp"
#endif

namespace bench {

namespace {

namespace tn = typenet;

using mlp = tn::Network<tn::Input<inputs>, tn::Dense<inputs, hidden, tn::He>, tn::ReLU,
                        tn::Dense<hidden, classes, tn::Xavier>, tn::SoftmaxCrossEntropy>;
static_assert(mlp::parameter_count == parameter_count);

class typenet_mlp {
public:
    explicit typenet_mlp(std::size_t rows) : rows_(rows), out_(rows * classes) {}

    void set_parameters(std::span<const float> p) { std::copy(p.begin(), p.end(), model_.parameters().begin()); }
    std::vector<float> parameters() const { return {model_.parameters().begin(), model_.parameters().end()}; }

    const float* predict(const float* x) {
        model_.predict_into(std::span(x, rows_ * inputs), std::span(out_));
        return out_.data();
    }

    double train_step(const float* x, const std::uint32_t* labels, float) {
        const double loss = model_.compute_gradients(std::span(x, rows_ * inputs), {.labels = std::span(labels, rows_)});
        sgd_.step(model_);
        return loss;
    }

private:
    std::size_t rows_;
    std::vector<float> out_;
    tn::Model<mlp> model_{tn::seed{42}};
    tn::SGD sgd_{.lr = learning_rate};
};

} // namespace

const data& workload() {
    static const data d = [] {
        data w;
        std::mt19937 g{2024};
        std::uniform_real_distribution<float> pixel{0.0f, 1.0f};
        std::uniform_int_distribution<std::uint32_t> label{0, classes - 1};
        w.x.resize(max_batch * inputs);
        for (float& v : w.x) v = pixel(g);
        w.labels.resize(max_batch);
        for (std::uint32_t& l : w.labels) l = label(g);
        const tn::Model<mlp> model{tn::seed{42}};
        w.initial_parameters.assign(model.parameters().begin(), model.parameters().end());
        return w;
    }();
    return d;
}

namespace {

// Training the same batch over and over would drive the loss to zero and the gradients into
// denormal range; every so often the parameters go back to their initial values (untimed).
constexpr benchmark::IterationCount steps_between_resets = 256;

template <class Variant>
void train_step(benchmark::State& state, std::size_t rows) {
    const data& d = workload();
    Variant v{rows};
    v.set_parameters(d.initial_parameters);
    benchmark::IterationCount since_reset = 0;
    for (auto _ : state) {
        if (++since_reset == steps_between_resets) {
            state.PauseTiming();
            v.set_parameters(d.initial_parameters);
            since_reset = 0;
            state.ResumeTiming();
        }
        double loss = v.train_step(d.x.data(), d.labels.data(), learning_rate);
        benchmark::DoNotOptimize(loss);
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rows));
    state.counters["FLOPS"] = benchmark::Counter(train_step_flops(rows), benchmark::Counter::kIsIterationInvariantRate);
}

template <class Variant>
void predict(benchmark::State& state, std::size_t rows) {
    const data& d = workload();
    Variant v{rows};
    v.set_parameters(d.initial_parameters);
    for (auto _ : state) {
        const float* p = v.predict(d.x.data());
        benchmark::DoNotOptimize(p);
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rows));
    state.counters["FLOPS"] = benchmark::Counter(forward_flops(rows), benchmark::Counter::kIsIterationInvariantRate);
}

template <class Variant>
void register_variant(const char* name) {
    const std::string train = std::string(train_step_workload) + "/" + name + "/";
    const std::string infer = std::string(predict_workload) + "/" + name + "/";
    benchmark::RegisterBenchmark((train + std::to_string(train_batch)).c_str(), train_step<Variant>, train_batch);
    for (std::size_t rows : {train_batch, max_batch})
        benchmark::RegisterBenchmark((infer + std::to_string(rows)).c_str(), predict<Variant>, rows);
}

// --- the agreement check -------------------------------------------------------------------

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "benchmark aborted: the variants disagree: %s\n", what.c_str());
    std::exit(EXIT_FAILURE);
}

double relative_difference(double a, double reference) {
    return std::abs(a - reference) / std::max(std::abs(reference), 1e-30);
}

// How differently two variants moved the parameters from `start`: the largest difference
// between their updates of one parameter, over the largest update.
double update_difference(const std::vector<float>& a, const std::vector<float>& b, const std::vector<float>& start) {
    double diff = 0, largest = 0;
    for (std::size_t i = 0; i < start.size(); ++i) {
        const double ua = static_cast<double>(a[i]) - start[i];
        const double ub = static_cast<double>(b[i]) - start[i];
        diff = std::max(diff, std::abs(ua - ub));
        largest = std::max(largest, std::abs(ub));
    }
    return diff / std::max(largest, 1e-30);
}

// Whether every parameter's update agrees within 0.1% of itself or 0.01% of the largest one.
bool updates_agree(const std::vector<float>& a, const std::vector<float>& b, const std::vector<float>& start) {
    double largest = 0;
    for (std::size_t i = 0; i < start.size(); ++i)
        largest = std::max(largest, std::abs(static_cast<double>(b[i]) - start[i]));
    for (std::size_t i = 0; i < start.size(); ++i) {
        const double ua = static_cast<double>(a[i]) - start[i];
        const double ub = static_cast<double>(b[i]) - start[i];
        if (!(std::abs(ua - ub) <= 1e-3 * std::abs(ub) + 1e-4 * largest)) return false;
    }
    return true;
}

struct reference_run {
    double loss1, loss2;
    std::vector<float> parameters;  // after both steps
    std::vector<float> probabilities;
};

template <class Variant>
reference_run run_twice(std::size_t rows) {
    const data& d = workload();
    Variant v{rows};
    v.set_parameters(d.initial_parameters);
    reference_run r{};
    r.loss1 = v.train_step(d.x.data(), d.labels.data(), learning_rate);
    r.loss2 = v.train_step(d.x.data(), d.labels.data(), learning_rate);
    r.parameters = v.parameters();
    Variant fresh{max_batch};
    fresh.set_parameters(d.initial_parameters);
    const float* p = fresh.predict(d.x.data());
    r.probabilities.assign(p, p + max_batch * classes);
    return r;
}

void compare(const char* name, const reference_run& got, const reference_run& want) {
    constexpr double loss_tolerance = 1e-4;
    constexpr double probability_tolerance = 1e-4;
    const std::string who = std::string(name) + " vs typenet: ";
    if (!std::isfinite(got.loss1) || relative_difference(got.loss1, want.loss1) > loss_tolerance)
        fail(who + "loss of step 1 " + std::to_string(got.loss1) + " vs " + std::to_string(want.loss1));
    if (!std::isfinite(got.loss2) || relative_difference(got.loss2, want.loss2) > loss_tolerance)
        fail(who + "loss of step 2 " + std::to_string(got.loss2) + " vs " + std::to_string(want.loss2));
    const std::vector<float>& start = workload().initial_parameters;
    const double du = update_difference(got.parameters, want.parameters, start);
    if (!updates_agree(got.parameters, want.parameters, start))
        fail(who + "parameter updates differ by up to " + std::to_string(du) + " of the largest update");
    float dp = 0;
    for (std::size_t i = 0; i < want.probabilities.size(); ++i)
        dp = std::max(dp, std::abs(got.probabilities[i] - want.probabilities[i]));
    if (!(dp <= probability_tolerance)) fail(who + "predicted probabilities differ by up to " + std::to_string(dp));
    std::printf("check %-10s losses %.6f, %.6f (typenet %.6f, %.6f); updates differ by %.1e; probabilities by %.1e\n",
                name, got.loss1, got.loss2, want.loss1, want.loss2, du, static_cast<double>(dp));
}

} // namespace

void check_variants_agree() {
    const reference_run want = run_twice<typenet_mlp>(train_batch);
    if (!std::isfinite(want.loss1) || !std::isfinite(want.loss2) || !(want.loss2 < want.loss1))
        fail("typenet's loss does not fall over two steps: " + std::to_string(want.loss1) + ", " +
             std::to_string(want.loss2));
    compare("hand_loops", run_twice<hand_mlp>(train_batch), want);
#if TYPENET_BENCH_EIGEN
    compare("eigen", run_twice<eigen_mlp>(train_batch), want);
#endif
    std::fflush(stdout);
}

void register_model_benchmarks() {
    register_variant<hand_mlp>("hand_loops");
#if TYPENET_BENCH_EIGEN
    register_variant<eigen_mlp>("eigen");
#endif
    register_variant<typenet_mlp>("typenet");
}

} // namespace bench
