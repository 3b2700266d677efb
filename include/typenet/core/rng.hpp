#pragma once
// Seeded, reproducible random numbers. splitmix64 is small, fast and has no hidden state
// beyond one word, so a model's initialisation depends only on its seed.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <span>
#include <utility>

namespace typenet {

// A seed is a distinct type so that `Model<Net> m{seed{42}}` cannot be confused with a size.
struct seed {
    std::uint64_t value = 0;
    constexpr explicit seed(std::uint64_t v = 0) noexcept : value(v) {}
};

class rng {
public:
    constexpr explicit rng(seed s) noexcept : state_(s.value) {}

    constexpr std::uint64_t next_u64() noexcept {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }

    // Uniform in [0, 1) with 53 random bits.
    constexpr double uniform() noexcept { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

    // Uniform integer in [0, n) without modulo bias worth caring about for n << 2^64.
    constexpr std::uint64_t below(std::uint64_t n) noexcept {
        __extension__ using u128 = unsigned __int128;
        return static_cast<std::uint64_t>((static_cast<u128>(next_u64()) * n) >> 64);
    }

    // Standard normal by Box-Muller; the second value is kept for the next call.
    double normal() noexcept {
        if (has_spare_) {
            has_spare_ = false;
            return spare_;
        }
        double u1 = uniform();
        while (u1 <= 0.0) u1 = uniform();
        const double u2 = uniform();
        const double r = std::sqrt(-2.0 * std::log(u1));
        spare_ = r * std::sin(2.0 * std::numbers::pi * u2);
        has_spare_ = true;
        return r * std::cos(2.0 * std::numbers::pi * u2);
    }

private:
    std::uint64_t state_;
    double spare_ = 0.0;
    bool has_spare_ = false;
};

// Fisher-Yates: every order equally likely, and the same one for the same generator state.
template <class T>
void shuffle(std::span<T> items, rng& g) noexcept {
    for (std::size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[g.below(i)]);
}

} // namespace typenet
