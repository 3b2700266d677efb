#pragma once
// Counter-based random numbers: a value is a hash of its coordinates (seed, step, layer, row,
// column), not the next draw of a stream. A mask can so be regenerated in the backward pass
// instead of stored, is the same run to run, and does not depend on how a batch is split
// across threads.

#include <cstddef>
#include <cstdint>

namespace typenet::detail {

// splitmix64's finaliser: a bijection on 64 bits with full avalanche.
constexpr std::uint64_t mix64(std::uint64_t z) noexcept {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// murmur3's 32-bit finaliser; cheap enough to run per element and to vectorise.
constexpr std::uint32_t mix32(std::uint32_t h) noexcept {
    h ^= h >> 16;
    h *= 0x85ebca6bU;
    h ^= h >> 13;
    h *= 0xc2b2ae35U;
    h ^= h >> 16;
    return h;
}

// The key of one layer's randomness in one training step.
constexpr std::uint64_t random_key(std::uint64_t seed, std::uint64_t step, std::size_t layer) noexcept {
    return mix64(mix64(seed ^ 0x6a09e667f3bcc909ULL) + mix64(step * 0x9e3779b97f4a7c15ULL + layer));
}

// 32 random bits for element (row, col) under `key`, in two steps so that a vector of
// consecutive columns hashes its row once.
constexpr std::uint32_t row_bits(std::uint64_t key, std::size_t row) noexcept {
    return static_cast<std::uint32_t>(key) ^ mix32(static_cast<std::uint32_t>(row) + static_cast<std::uint32_t>(key >> 32));
}
constexpr std::uint32_t column_bits(std::uint32_t row, std::size_t col) noexcept {
    return mix32(row ^ (static_cast<std::uint32_t>(col) * 0x9e3779b9U));
}
constexpr std::uint32_t random_bits(std::uint64_t key, std::size_t row, std::size_t col) noexcept {
    return column_bits(row_bits(key, row), col);
}

} // namespace typenet::detail
