// Hot-cache micro-benchmarks of the matrix kernels on the products of the 784-100-10 and
// 784-1024-1024-10 networks at batch 64 (and one row, as in batch-1 inference): the operands
// are the same in every iteration, so what fits the caches stays there. They measure the
// kernels, not a user's epoch (see docs/performance.md for that).
//
// Names: kernel/<product>/<M>x<K>x<N>/threads:<n>; the summary prints GFLOP/s and the share
// of the fp32 peak measured in the same run.

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include <typenet/core/threads.hpp>
#include <typenet/kernels/gemm.hpp>
#include <typenet/kernels/gemm_bt.hpp>
#include <typenet/kernels/simd.hpp>
#include <typenet/kernels/update.hpp>
#include <typenet/typenet.hpp>

#include "benchmarks.hpp"

namespace bench {

namespace {

namespace tn = typenet;
namespace kernels = typenet::kernels;
namespace simd = typenet::simd;

std::vector<float> values(std::size_t n, unsigned seed) {
    std::mt19937 g{seed};
    std::uniform_real_distribution<float> d{-1.0f, 1.0f};
    std::vector<float> v(n);
    for (float& x : v) x = d(g);
    return v;
}

// x W + b with a ReLU epilogue (a dense layer's forward pass): M x K times K x N.
template <std::size_t N>
void forward(benchmark::State& state, std::size_t M, std::size_t K) {
    const auto x = values(M * K, 1), w = values(K * N, 2), b = values(N, 3);
    std::vector<float> out(M * N);
    float* o = out.data();
    for (auto _ : state) {
        kernels::gemm<float, N>(M, K, x.data(), K, w.data(), b.data(), [=]<class V>(std::size_t r, std::size_t j, const V& z) {
            simd::store(o + r * N + j, simd::select_positive(z, z, V(0)));
        });
        benchmark::ClobberMemory();
    }
    state.counters["FLOPS"] = benchmark::Counter(2.0 * double(M * K * N), benchmark::Counter::kIsIterationInvariantRate);
}

// One row of pixel-like input (half of it 0, as in Fashion-MNIST) times W: the first layer of
// batch-1 inference, where the rows of W facing a 0 are skipped.
template <std::size_t N>
void forward_sparse(benchmark::State& state, std::size_t K) {
    auto x = values(K, 1);
    for (float& v : x) v = v < 0 ? 0.0f : v;
    const auto w = values(K * N, 2), b = values(N, 3);
    std::vector<float> out(N);
    float* o = out.data();
    for (auto _ : state) {
        kernels::gemm<float, N>(1, K, x.data(), K, w.data(), b.data(), [=]<class V>(std::size_t r, std::size_t j, const V& z) {
            simd::store(o + r * N + j, simd::select_positive(z, z, V(0)));
        });
        benchmark::ClobberMemory();
    }
}

// x^T d (a dense layer's weight gradient): x is rows x In, d rows x Out.
template <std::size_t Out>
void weight_gradient(benchmark::State& state, std::size_t rows, std::size_t In) {
    const auto x = values(rows * In, 4), d = values(rows * Out, 5);
    std::vector<float> g(In * Out);
    float* p = g.data();
    for (auto _ : state) {
        kernels::gemm<float, Out, true>(In, rows, x.data(), In, d.data(), nullptr,
                                        [=]<class V>(std::size_t k, std::size_t j, const V& v) { simd::store(p + k * Out + j, v); });
        benchmark::ClobberMemory();
    }
    state.counters["FLOPS"] = benchmark::Counter(2.0 * double(rows * In * Out), benchmark::Counter::kIsIterationInvariantRate);
}

// d W^T (a dense layer's input gradient), W stored In x Out: with gemm_bt reading W in place,
// or as before, transposing W into scratch and calling gemm.
template <std::size_t In, std::size_t Out, bool Transpose>
void input_gradient(benchmark::State& state, std::size_t rows) {
    const auto d = values(rows * Out, 6), w = values(In * Out, 7);
    std::vector<float> dx(rows * In), scratch(In * Out);
    float* p = dx.data();
    const auto store = [=]<class V>(std::size_t r, std::size_t k, const V& v) { simd::store(p + r * In + k, v); };
    for (auto _ : state) {
        if constexpr (Transpose) {
            kernels::transpose(w.data(), In, Out, scratch.data());
            kernels::gemm<float, In>(rows, Out, d.data(), Out, scratch.data(), nullptr, store);
        } else {
            kernels::gemm_bt<float, In, Out>(rows, d.data(), Out, w.data(), store);
        }
        benchmark::ClobberMemory();
    }
    state.counters["FLOPS"] = benchmark::Counter(2.0 * double(rows * In * Out), benchmark::Counter::kIsIterationInvariantRate);
}

// x^T d with the SGD step fused into the store (train_step's weight gradient): W -= lr x^T d.
template <std::size_t Out>
void weight_gradient_sgd(benchmark::State& state, std::size_t rows, std::size_t In) {
    const auto x = values(rows * In, 4), d = values(rows * Out, 5);
    auto w = values(In * Out, 8);
    for (auto _ : state) {
        kernels::gemm<float, Out, true>(In, rows, x.data(), In, d.data(), nullptr,
                                        kernels::sgd_store<float, Out>(w.data(), 1e-6f));
        benchmark::ClobberMemory();
    }
    state.counters["FLOPS"] = benchmark::Counter(2.0 * double(rows * In * Out), benchmark::Counter::kIsIterationInvariantRate);
}

// The separate SGD update over n parameters (memory-bound once they leave L2).
void sgd(benchmark::State& state, std::size_t n) {
    auto p = values(n, 9);
    const auto g = values(n, 10);
    for (auto _ : state) {
        kernels::sgd_update(p.data(), g.data(), n, 1e-6f);
        benchmark::ClobberMemory();
    }
    state.counters["bytes"] = benchmark::Counter(12.0 * double(n), benchmark::Counter::kIsIterationInvariantRate);
}

using wide_net = tn::Network<tn::Input<784>, tn::Dense<784, 1024, tn::He>, tn::ReLU, tn::Dense<1024, 1024, tn::He>, tn::ReLU,
                             tn::Dense<1024, 10, tn::He>, tn::SoftmaxCrossEntropy>;
using small_net = tn::Network<tn::Input<784>, tn::Dense<784, 100, tn::He>, tn::ReLU, tn::Dense<100, 10, tn::He>,
                              tn::SoftmaxCrossEntropy>;

// A whole training step at batch 64 with SGD: compute_gradients then SGD::step, or train_step.
// Input pixels in [0, 1), about half of them 0 as in Fashion-MNIST.
template <class Net, bool Fused>
void step(benchmark::State& state) {
    constexpr std::size_t rows = 64;
    auto x = values(rows * 784, 11);
    for (float& v : x) v = v < 0 ? 0.0f : v;
    std::vector<std::uint32_t> y(rows);
    for (std::size_t i = 0; i < rows; ++i) y[i] = static_cast<std::uint32_t>(i % 10);
    tn::Model<Net> model{tn::seed{42}};
    tn::SGD sgd{.lr = 1e-4};
    const tn::batch_targets<float> t{.labels = y};
    for (auto _ : state) {
        if constexpr (Fused) {
            benchmark::DoNotOptimize(tn::train_step(model, sgd, std::span<const float>(x), t));
        } else {
            benchmark::DoNotOptimize(model.compute_gradients(x, t));
            sgd.step(model);
        }
    }
    state.counters["FLOPS"] = benchmark::Counter(
        double(rows) * (Net::parameter_count > 1000000 ? 9.56e6 : 0.32e6), benchmark::Counter::kIsIterationInvariantRate);
}

// One sample's prediction through Model::predict_into (batch-1 latency), input as in step().
template <class Net>
void predict_one(benchmark::State& state) {
    auto x = values(784, 12);
    for (float& v : x) v = v < 0 ? 0.0f : v;
    std::vector<float> out(10);
    const tn::Model<Net> model{tn::seed{42}};
    for (auto _ : state) {
        model.predict_into(x, out);
        benchmark::ClobberMemory();
    }
}

template <class F>
void with_threads(benchmark::State& state, F f) {
    tn::set_threads(static_cast<std::size_t>(state.range(0)));
    f(state);
    tn::set_threads(0);
}

template <class F>
void add(const std::string& product, const std::string& shape, F f) {
    auto* b = benchmark::RegisterBenchmark((std::string(kernel_workload) + "/" + product + "/" + shape).c_str(),
                                          [f](benchmark::State& s) { with_threads(s, f); });
    // Wall time: with threads the caller's CPU time would miss the others' work.
    b->ArgName("threads")->Arg(1)->UseRealTime();
    if (tn::detail::available_cpus() >= 2) b->Arg(2);
}

} // namespace

void register_kernel_benchmarks() {
    // 784-100-10
    add("forward", "64x784x100", [](benchmark::State& s) { forward<100>(s, 64, 784); });
    add("forward", "64x100x10", [](benchmark::State& s) { forward<10>(s, 64, 100); });
    add("weight_gradient", "784x64x100", [](benchmark::State& s) { weight_gradient<100>(s, 64, 784); });
    add("input_gradient_transpose", "64x10x100", [](benchmark::State& s) { input_gradient<100, 10, true>(s, 64); });
    add("forward", "1x784x100", [](benchmark::State& s) { forward<100>(s, 1, 784); });
    // 784-1024-1024-10
    add("forward", "64x784x1024", [](benchmark::State& s) { forward<1024>(s, 64, 784); });
    add("forward", "64x1024x1024", [](benchmark::State& s) { forward<1024>(s, 64, 1024); });
    add("forward", "64x1024x10", [](benchmark::State& s) { forward<10>(s, 64, 1024); });
    add("weight_gradient", "1024x64x1024", [](benchmark::State& s) { weight_gradient<1024>(s, 64, 1024); });
    add("input_gradient_gemm_bt", "64x1024x1024", [](benchmark::State& s) { input_gradient<1024, 1024, false>(s, 64); });
    add("input_gradient_transpose", "64x1024x1024", [](benchmark::State& s) { input_gradient<1024, 1024, true>(s, 64); });
    add("forward", "1x1024x1024", [](benchmark::State& s) { forward<1024>(s, 1, 1024); });
    add("weight_gradient_sgd", "1024x64x1024", [](benchmark::State& s) { weight_gradient_sgd<1024>(s, 64, 1024); });
    add("weight_gradient_sgd", "784x64x1024", [](benchmark::State& s) { weight_gradient_sgd<1024>(s, 64, 784); });
    add("weight_gradient", "784x64x1024", [](benchmark::State& s) { weight_gradient<1024>(s, 64, 784); });
    add("sgd_update", "wide", [](benchmark::State& s) { sgd(s, wide_net::parameter_count); });
    add("sgd_update", "small", [](benchmark::State& s) { sgd(s, small_net::parameter_count); });
    add("step_unfused", "wide64", [](benchmark::State& s) { step<wide_net, false>(s); });
    add("step_fused", "wide64", [](benchmark::State& s) { step<wide_net, true>(s); });
    add("step_unfused", "small64", [](benchmark::State& s) { step<small_net, false>(s); });
    add("step_fused", "small64", [](benchmark::State& s) { step<small_net, true>(s); });
    add("forward_sparse", "1x784x100", [](benchmark::State& s) { forward_sparse<100>(s, 784); });
    add("forward_sparse", "1x784x1024", [](benchmark::State& s) { forward_sparse<1024>(s, 784); });
    add("predict", "small1", [](benchmark::State& s) { predict_one<small_net>(s); });
    add("predict", "wide1", [](benchmark::State& s) { predict_one<wide_net>(s); });
}

} // namespace bench
