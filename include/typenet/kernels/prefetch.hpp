#pragma once
// Rows of an operand that the next block of a product will read, fetched into L2 by the
// micro-kernels of the current block, one cache line per step and a share per call, so that the
// loads spread over the arithmetic. An operand larger than L2 (a 1024 x 1024 weight matrix)
// then streams from L3 while the FMAs run; read by the next block without it, each line would
// wait for L3 in turn.

#include <algorithm>
#include <cstddef>

namespace typenet::kernels::detail {

inline constexpr std::size_t cache_line = 64;

struct l2_prefetch {
    const char* row = nullptr;
    std::size_t offset = 0, row_bytes = 0, stride = 0;
    std::size_t left = 0, per_call = 0;

    l2_prefetch() = default;
    // `rows` rows of `bytes` bytes from `first`, `stride` bytes apart, over `calls` calls.
    l2_prefetch(const void* first, std::size_t rows, std::size_t bytes, std::size_t stride_bytes,
                std::size_t calls) noexcept
        : row(static_cast<const char*>(first)),
          row_bytes((bytes + cache_line - 1) / cache_line * cache_line),
          stride(stride_bytes),
          left(rows * (row_bytes / cache_line)),
          per_call((left + std::max<std::size_t>(calls, 1) - 1) / std::max<std::size_t>(calls, 1)) {}

    // The lines a call of `steps` steps fetches: its share, at most one per step.
    std::size_t take(std::size_t steps) noexcept {
        const std::size_t n = std::min({left, per_call, steps});
        left -= n;
        return n;
    }

    void fetch() noexcept {
#if defined(__GNUC__)
        __builtin_prefetch(row + offset, 0, 2);  // locality 2: into L2 and L3, not L1
#endif
        offset += cache_line;
        if (offset >= row_bytes) offset = 0, row += stride;
    }
};

} // namespace typenet::kernels::detail
