// The machine's fp32 FMA peak for a number of threads (default 1): each thread runs
// independent chains of vector multiply-adds on registers only, enough of them to cover every
// FMA unit's latency, with no loads or stores in the loop. Prints `peak threads=N gflops=X`.

#include <immintrin.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

#if defined(__AVX512F__)
using vec = __m512;
inline vec splat(float v) { return _mm512_set1_ps(v); }
inline vec fmadd(vec a, vec b, vec c) { return _mm512_fmadd_ps(a, b, c); }
constexpr const char* isa = "avx512";
#elif defined(__FMA__)
using vec = __m256;
inline vec splat(float v) { return _mm256_set1_ps(v); }
inline vec fmadd(vec a, vec b, vec c) { return _mm256_fmadd_ps(a, b, c); }
constexpr const char* isa = "avx2+fma";
#else
#error "the peak probe needs FMA (compile with -march=native on an x86-64 with FMA)"
#endif

constexpr int lanes = sizeof(vec) / sizeof(float);
// Two FMA units with a 4-cycle latency need 8 chains in flight; 16 leaves room for more.
constexpr int chains = 16;
constexpr long rounds = 4096;

// FLOPs done in `seconds` of wall time by one thread.
double spin(double seconds) {
    // acc <- acc * a + b converges to b / (1 - a): no overflow, no denormals.
    const vec a = splat(0.999f), b = splat(0.001f);
    vec acc[chains];
    for (int c = 0; c < chains; ++c) acc[c] = splat(static_cast<float>(c));
    const auto start = std::chrono::steady_clock::now();
    long done = 0;
    while (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < seconds) {
        for (long r = 0; r < rounds; ++r)
            for (int c = 0; c < chains; ++c) acc[c] = fmadd(acc[c], a, b);
        // Keeps every chain alive and in a register.
        for (int c = 0; c < chains; ++c) asm volatile("" : "+v"(acc[c]));
        ++done;
    }
    return 2.0 * lanes * chains * rounds * static_cast<double>(done);
}

} // namespace

int main(int argc, char** argv) {
    const int threads = argc > 1 ? std::atoi(argv[1]) : 1;
    if (threads < 1) {
        std::fprintf(stderr, "usage: %s [THREADS]\n", argv[0]);
        return 2;
    }
    constexpr double seconds = 0.5;
    spin(0.1);  // lets the core reach its vector clock before the measured part
    std::vector<double> flops(static_cast<std::size_t>(threads));
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back([&, t] { flops[static_cast<std::size_t>(t)] = spin(seconds); });
    for (auto& t : pool) t.join();
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double total = 0;
    for (double f : flops) total += f;
    std::printf("peak threads=%d isa=%s gflops=%.2f\n", threads, isa, total / elapsed * 1e-9);
    return 0;
}
