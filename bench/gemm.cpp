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
}

} // namespace bench
