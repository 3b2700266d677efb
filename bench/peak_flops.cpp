// The single-core fp32 peak: independent chains of vector multiply-adds on registers only,
// enough of them to cover every FMA unit's latency, with no loads or stores in the loop.

#include <cstddef>
#include <string>

#include <benchmark/benchmark.h>

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
// GCC 12 warns inside its own avx512fintrin.h when xsimd uses it.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <xsimd/xsimd.hpp>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#include "benchmarks.hpp"

namespace bench {

namespace {

using batch = xsimd::batch<float>;  // the widest vector of the target

// xsimd 8.1 computes its AVX-512 fma unfused, so that case calls the intrinsic.
inline batch fmadd(const batch& a, const batch& b, const batch& c) noexcept {
#if defined(__AVX512F__)
    return batch(_mm512_fmadd_ps(a, b, c));
#else
    return xsimd::fma(a, b, c);
#endif
}

// 16 chains: two FMA units with a 4-cycle latency need 8 in flight; 16 leaves room for more.
constexpr std::size_t chains = 16;
constexpr std::size_t rounds = 1024;
constexpr double flops_per_iteration = 2.0 * static_cast<double>(chains * rounds * batch::size);

void peak_fma(benchmark::State& state) {
    // acc <- acc * a + b converges to b / (1 - a): no overflow, no denormals.
    const batch a(0.999f), b(0.001f);
    batch acc[chains];
    for (std::size_t c = 0; c < chains; ++c) acc[c] = batch(static_cast<float>(c));
    for (auto _ : state) {
        for (std::size_t r = 0; r < rounds; ++r)
            for (std::size_t c = 0; c < chains; ++c) acc[c] = fmadd(acc[c], a, b);
        // Keeps the chains alive and in registers across iterations.
        for (std::size_t c = 0; c < chains; ++c) benchmark::DoNotOptimize(acc[c]);
    }
    batch sum(0.0f);
    for (std::size_t c = 0; c < chains; ++c) sum += acc[c];
    benchmark::DoNotOptimize(sum);
    state.counters["FLOPS"] = benchmark::Counter(flops_per_iteration, benchmark::Counter::kIsIterationInvariantRate);
}

} // namespace

void register_peak_benchmark() {
    const std::string name = std::string(peak_workload) + "/" + xsimd::default_arch::name() + "/" +
                             std::to_string(batch::size * 32) + "bit";
    benchmark::RegisterBenchmark(name.c_str(), peak_fma);
}

} // namespace bench
