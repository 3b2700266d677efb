// What the optimisers' updates cost, against the memory they must move. An update is one
// fused pass over the parameters, the gradients and the optimiser's state, so it is
// memory-bound: its limit is a plain vectorised loop that reads and writes as many arrays
// (a STREAM-like triad). Over the 784-1024-1024-10 parameter buffer (1.86 M values, 7.5 MB a
// float array) each update is timed against the loop with its number of streams:
//   SGD       reads p, g          writes p         3 streams
//   Momentum  reads p, g, v       writes p, v      5  (Nesterov, AdaGrad, RMSProp alike)
//   Adam      reads p, g, m, v    writes p, m, v   7  (AdamW alike)
// and a training step of 784-100-10 (batch 64) with Adam against the same step with SGD.
// Variants run in interleaved rounds; each counts by its best round. Prints the ratios.
// Usage: typenet_optimizer_bench [rounds]

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include <typenet/typenet.hpp>

namespace tn = typenet;

namespace {

struct Big : tn::Network<tn::Input<784>, tn::Dense<784, 1024>, tn::ReLU, tn::Dense<1024, 1024>, tn::ReLU,
                         tn::Dense<1024, 10>, tn::SoftmaxCrossEntropy> {};
struct Small : tn::Network<tn::Input<784>, tn::Dense<784, 100, tn::He>, tn::ReLU, tn::Dense<100, 10, tn::Xavier>,
                           tn::SoftmaxCrossEntropy> {};

constexpr std::size_t n = Big::parameter_count;

// Seconds per call of f, the best of `reps` timed blocks of `calls` calls.
double seconds_per_call(const std::function<void()>& f, int calls) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < calls; ++i) f();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / calls;
}

// The triads: as many reads and writes as the update they stand against; plain loops that the
// compiler vectorises. `volatile` keeps the scalar from being folded.
volatile float triad_scalar = 0.5f;
void triad3(float* a, const float* b, std::size_t m) {
    const float s = triad_scalar;
    for (std::size_t i = 0; i < m; ++i) a[i] = a[i] + s * b[i];
}
void triad5(float* a, const float* b, float* c, std::size_t m) {
    const float s = triad_scalar;
    for (std::size_t i = 0; i < m; ++i) {
        const float x = s * c[i] + b[i];
        c[i] = x;
        a[i] = a[i] + x;
    }
}
void triad7(float* a, const float* b, float* c, float* d, std::size_t m) {
    const float s = triad_scalar;
    for (std::size_t i = 0; i < m; ++i) {
        const float x = s * c[i] + b[i];
        const float y = s * d[i] + b[i];
        c[i] = x;
        d[i] = y;
        a[i] = a[i] + x * y;
    }
}

struct variant {
    std::string name;
    std::function<void()> run;
    int calls;
    double best = std::numeric_limits<double>::infinity();
};

} // namespace

int main(int argc, char** argv) {
    const int rounds = argc > 1 ? std::atoi(argv[1]) : 7;
    tn::Model<Big> big{tn::seed{1}};
    for (std::size_t i = 0; i < n; ++i) big.gradients()[i] = 1e-6f * static_cast<float>(i % 97);
    std::vector<float> a(n, 1.f), b(n, 0.5f), c(n, 0.25f), d(n, 0.125f);
    tn::SGD sgd{.lr = 1e-6};
    tn::Momentum momentum{.lr = 1e-6};
    tn::Nesterov nesterov{.lr = 1e-6};
    tn::AdaGrad adagrad{.lr = 1e-6};
    tn::RMSProp rmsprop{.lr = 1e-6};
    tn::Adam adam{.lr = 1e-6};
    tn::AdamW adamw{.lr = 1e-6};

    // One training step of 784-100-10 at batch 64 on random inputs, with each optimiser.
    tn::Model<Small> small_sgd{tn::seed{2}}, small_adam{tn::seed{2}};
    tn::SGD step_sgd{.lr = 0.01};
    tn::Adam step_adam{.lr = 1e-4};
    std::vector<float> x(64 * 784);
    std::vector<std::uint32_t> labels(64);
    tn::rng g{tn::seed{3}};
    for (float& v : x) v = static_cast<float>(g.uniform());
    for (auto& l : labels) l = static_cast<std::uint32_t>(g.below(10));
    const tn::batch_targets<float> t{.labels = labels};

    std::vector<variant> vs{
        {"triad, 3 streams", [&] { triad3(a.data(), b.data(), n); }, 20},
        {"SGD", [&] { sgd.step(big); }, 20},
        {"triad, 5 streams", [&] { triad5(a.data(), b.data(), c.data(), n); }, 20},
        {"Momentum", [&] { momentum.step(big); }, 20},
        {"Nesterov", [&] { nesterov.step(big); }, 20},
        {"AdaGrad", [&] { adagrad.step(big); }, 20},
        {"RMSProp", [&] { rmsprop.step(big); }, 20},
        {"triad, 7 streams", [&] { triad7(a.data(), b.data(), c.data(), d.data(), n); }, 20},
        {"Adam", [&] { adam.step(big); }, 20},
        {"AdamW", [&] { adamw.step(big); }, 20},
        {"train step, SGD", [&] { small_sgd.compute_gradients(x, t), step_sgd.step(small_sgd); }, 400},
        {"train step, Adam", [&] { small_adam.compute_gradients(x, t), step_adam.step(small_adam); }, 400},
    };
    for (variant& v : vs) v.run();  // first touch: buffers created, pages mapped
    for (int r = 0; r < rounds; ++r)
        for (variant& v : vs) v.best = std::min(v.best, seconds_per_call(v.run, v.calls));

    auto best = [&](const std::string& name) {
        return std::find_if(vs.begin(), vs.end(), [&](const variant& v) { return v.name == name; })->best;
    };
    std::printf("%-18s %10s %10s\n", "", "us/call", "GB/s");
    const auto streams = [](const std::string& name) -> double {
        if (name == "SGD" || name.starts_with("triad, 3")) return 3;
        if (name.starts_with("Adam") || name.starts_with("triad, 7")) return 7;
        return 5;
    };
    for (const variant& v : vs) {
        if (v.name.starts_with("train")) std::printf("%-18s %10.2f\n", v.name.c_str(), v.best * 1e6);
        else
            std::printf("%-18s %10.1f %10.1f\n", v.name.c_str(), v.best * 1e6,
                        streams(v.name) * sizeof(float) * static_cast<double>(n) / v.best / 1e9);
    }
    std::printf("\nspeed relative to the triad of as many streams (goal >= 0.8):\n");
    for (const char* name : {"SGD"}) std::printf("  %-9s %.2f\n", name, best("triad, 3 streams") / best(name));
    for (const char* name : {"Momentum", "Nesterov", "AdaGrad", "RMSProp"})
        std::printf("  %-9s %.2f\n", name, best("triad, 5 streams") / best(name));
    for (const char* name : {"Adam", "AdamW"}) std::printf("  %-9s %.2f\n", name, best("triad, 7 streams") / best(name));
    std::printf("training step of 784-100-10, batch 64: Adam / SGD = %.3f (goal <= 1.15)\n",
                best("train step, Adam") / best("train step, SGD"));
    return 0;
}
