#pragma once
// The one matrix-product kernel behind every dense layer's forward pass and weight gradient:
//   C[m][j] = sum_k A(m, k) * B[k*Cols + j] (+ bias[j]),  m < M, k < K, j < Cols,
// with A(m, k) = A[m*lda + k], or A[k*lda + m] when TransposedA (so the weight gradient x^T d
// reads x where it lies), handed to a store callback one vector at a time (the fused epilogue).
//
// Cols is a compile-time constant: the column strips, the register blocking, the vector width
// and the tail are all fixed when the kernel is instantiated. A tail narrower than a vector is
// covered by a last vector that overlaps the previous one (the overlapped columns are computed
// twice, bit-identically, within one strip), so no scalar tail loop exists whenever Cols is at
// least one vector wide.
//
// Every output is the same chain of fused multiply-adds, bias first then k = 0, 1, ..., K-1,
// whatever the blocking, the row or strip it falls in and the thread that computes it: results
// do not depend on how the work is split. (With fewer than 4 rows, a k whose inputs are all 0
// is skipped: see gemm_stream.)
//
// Blocking (see docs/performance.md): the columns are cut into strips of 1 to 4 vectors. K is
// cut into slabs; a slab's strips are packed into contiguous panels (kc x strip), so that the
// micro-kernel reads B as one stream from L1 whatever Cols is (rows of B a power of two apart
// would otherwise fall into the same few cache sets, and a strip's rows into as many pages).
// The first block of rows to use a panel packs it as it goes (its micro-kernel reads B where it
// lies and writes the panel), and the micro-kernels of one slab fetch the next slab's rows of B
// into L2 a line per k: B larger than L2 then streams from L3 while the FMAs run, instead of in
// a packing pass of its own that waits for it (27% of a 64 x 1024 x 1024 product).
// For each block of R rows of A the micro-kernel runs along all strips, holding R x C
// accumulators in registers (R = 8 rows for strips of 3 vectors, 6 for 4, ...), so C is written
// row by row; between slabs the sums wait in a partial buffer. Slabs and partial sums live in
// the thread's scratch memory.
// Fewer than 4 rows stream B once instead (matrix-vector products are bound by reading B),
// reading only the rows of B whose inputs are not all 0.
// Large products are split over typenet's threads by ranges of strips, or by rows when strips
// are few or k is (then C is the large operand, and each thread writes whole rows of it).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include <typenet/core/threads.hpp>
#include <typenet/kernels/prefetch.hpp>
#include <typenet/kernels/simd.hpp>

// Full unrolling of the register-blocked loops: at -O2 GCC otherwise keeps the accumulators in
// memory (5x slower). Defining TYPENET_NO_UNROLL leaves them rolled, with the same memory
// accesses and results: the sanitizer build does, to compile in less time. Undefined again at
// the end of this header.
#if defined(TYPENET_NO_UNROLL)
#define TYPENET_UNROLL
#elif defined(__clang__)
#define TYPENET_UNROLL _Pragma("clang loop unroll(full)")
#elif defined(__GNUC__)
#define TYPENET_UNROLL _Pragma("GCC unroll 16")
#else
#define TYPENET_UNROLL
#endif

namespace typenet::kernels {

namespace detail {

// Vector registers of the target; a micro-kernel keeps about three quarters of them as
// accumulators and the rest for the B vectors of one k.
#if XSIMD_WITH_AVX512F
inline constexpr std::size_t vector_registers = 32;
#else
inline constexpr std::size_t vector_registers = 16;
#endif
inline constexpr std::size_t gemm_accumulators = vector_registers * 3 / 4;
inline constexpr std::size_t gemm_max_rows = 8;

// Rows of the micro-kernel for a strip `width` vectors wide.
constexpr std::size_t gemm_rows_for(std::size_t width) {
    return std::min(gemm_max_rows, gemm_accumulators / width);
}

template <class T, std::size_t Cols>
struct gemm_plan {
    using V = simd::vec_at_most<T, Cols>;
    static constexpr std::size_t lanes = simd::lanes<V>;
    static constexpr std::size_t vectors = (Cols + lanes - 1) / lanes;
    static constexpr bool overlaps = Cols % lanes != 0;
    // Column where vector v starts; the last one is pulled back so it ends at Cols.
    static constexpr std::size_t column(std::size_t v) { return std::min(v * lanes, Cols - lanes); }
};

// How the Cols columns are cut into strips of vectors: `count_main` strips `main` vectors wide,
// then up to two others (`extra_a`, `extra_b`, 0 when absent) whose micro-kernels are at least
// as tall as the main one's, so that a block of rows goes along every strip in whole
// micro-kernels. When the last vector overlaps its neighbour, the two stay in one strip so that
// one micro-kernel (and one thread) stores the overlapped columns.
template <class T, std::size_t Cols>
struct gemm_strips {
    using plan = gemm_plan<T, Cols>;
    static constexpr std::size_t vectors = plan::vectors;
    static constexpr std::size_t choose() {
        if (vectors <= 4) return vectors;
        if (vectors % 3 == 0) return 3;
        if (vectors % 4 == 0) return 4;
        if (vectors % 4 != 1) return 4;  // a last strip of 2 or 3
        return 3;
    }
    static constexpr std::size_t main = std::min(vectors, choose());
    static constexpr std::size_t full = vectors / main;
    static constexpr std::size_t rem = vectors % main;
    // A lone overlapped last vector joins the last full strip; split in two if that strip would
    // need a lower micro-kernel.
    static constexpr bool merge = rem == 1 && plan::overlaps && full >= 1;
    static constexpr bool split = merge && gemm_rows_for(main + 1) < gemm_rows_for(main);
    static constexpr std::size_t count_main = merge ? full - 1 : full;
    static constexpr std::size_t extra_a = merge ? (split ? (main + 2) / 2 : main + 1) : rem;
    static constexpr std::size_t extra_b = split ? (main + 1) / 2 : 0;
    static constexpr std::size_t count = count_main + (extra_a > 0) + (extra_b > 0);
    static constexpr std::size_t first_vector(std::size_t s) {
        return s <= count_main ? s * main : count_main * main + extra_a + (s > count_main + 1 ? extra_b : 0);
    }
    static constexpr std::size_t width(std::size_t s) {
        return s < count_main ? main : s == count_main ? extra_a : extra_b;
    }
    // Values of one row of strips [s0, s1) in a slab.
    static constexpr std::size_t values(std::size_t s0, std::size_t s1) {
        return (first_vector(s1) - first_vector(s0)) * plan::lanes;
    }
};

// GCC otherwise folds each load of B into every FMA that uses it, re-reading B R times per k
// and saturating the load ports; an empty asm makes the loaded value opaque, so it stays in a
// register.
template <class V>
inline V in_register(V v) noexcept {
#if defined(__GNUC__) && !defined(__clang__)
    if constexpr (!std::is_arithmetic_v<V>) {
        auto reg = v.data;
        asm("" : "+v"(reg));
        return V(reg);
    }
#endif
    return v;
}

// R rows from m0 times the C vectors of a packed panel, over the panel's kc values of k from
// k0. The accumulators start from `partial` (rows `stride` apart) when `resume`, else from the
// bias (or zero); they end in `partial` when `keep`, else in the store. When Pack, B is read
// where it lies (row k0 + k at `source` + k * Cols) and written to the panel on the way.
template <class T, std::size_t Cols, bool TransposedA, std::size_t R, std::size_t C, bool Pack, class Store>
inline void gemm_micro(std::size_t m0, std::size_t k0, std::size_t kc, const T* A, std::size_t lda, T* panel,
                       const T* source, const std::size_t (&col)[C], const T* bias, T* partial, std::size_t stride,
                       bool resume, bool keep, Store& store, l2_prefetch& prefetch) {
    using plan = gemm_plan<T, Cols>;
    using V = typename plan::V;
    constexpr std::size_t L = plan::lanes;
    V acc[R][C];
    if (resume) {
        TYPENET_UNROLL
        for (std::size_t r = 0; r < R; ++r)
            TYPENET_UNROLL
            for (std::size_t c = 0; c < C; ++c) acc[r][c] = simd::load<V>(partial + r * stride + c * L);
    } else {
        TYPENET_UNROLL
        for (std::size_t c = 0; c < C; ++c) {
            const V init = bias ? simd::load<V>(bias + col[c]) : simd::broadcast<V>(T(0));
            TYPENET_UNROLL
            for (std::size_t r = 0; r < R; ++r) acc[r][c] = init;
        }
    }
    // A(m0 + r, k0 + k) = a[TransposedA ? k * lda + r : r * lda + k]. Rows 4 and up are
    // addressed from a second base, so that three strides (lda, 2 lda, 3 lda) serve eight rows
    // and the row offsets stay in registers.
    const T* a = TransposedA ? A + k0 * lda + m0 : A + m0 * lda + k0;
    const T* a_hi = TransposedA ? a : a + 4 * lda;
    const std::size_t lda_2 = 2 * lda, lda_3 = 3 * lda;
    const auto a_at = [&](std::size_t r, std::size_t k) -> T {
        if constexpr (TransposedA) return a[k * lda + r];
        else {
            const T* base = r < 4 ? a + k : a_hi + k;
            switch (r % 4) {
            case 0: return base[0];
            case 1: return base[lda];
            case 2: return base[lda_2];
            default: return base[lda_3];
            }
        }
    };
    std::size_t fetches = prefetch.take(kc);
    T* b_row = panel;
    for (std::size_t k = 0; k < kc; ++k, b_row += C * L) {
        if (fetches) {
            prefetch.fetch();
            --fetches;
        }
        V b[C];
        if constexpr (Pack) {
            TYPENET_UNROLL
            for (std::size_t c = 0; c < C; ++c) {
                b[c] = in_register(simd::load<V>(source + k * Cols + col[c]));
                simd::store(b_row + c * L, b[c]);
            }
        } else {
            TYPENET_UNROLL
            for (std::size_t c = 0; c < C; ++c) b[c] = in_register(simd::load<V>(b_row + c * L));
        }
        TYPENET_UNROLL
        for (std::size_t r = 0; r < R; ++r) {
            const V av = simd::broadcast<V>(a_at(r, k));
            TYPENET_UNROLL
            for (std::size_t c = 0; c < C; ++c) acc[r][c] = simd::fmadd(av, b[c], acc[r][c]);
        }
    }
    if (keep) {
        TYPENET_UNROLL
        for (std::size_t r = 0; r < R; ++r)
            TYPENET_UNROLL
            for (std::size_t c = 0; c < C; ++c) simd::store(partial + r * stride + c * L, acc[r][c]);
    } else {
        TYPENET_UNROLL
        for (std::size_t r = 0; r < R; ++r)
            TYPENET_UNROLL
            for (std::size_t c = 0; c < C; ++c) store(m0 + r, col[c], acc[r][c]);
    }
}

// Rows [m, m + Rows) along one strip of a slab; `source` (rows k0 .. of B) when this call packs
// the strip's panel, else null. Only full-height blocks (MayPack) pack on the way: a second set
// of micro-kernels for every height would double the product's code, for the short blocks of a
// group with fewer rows than one block, which copy the panel first instead.
template <class T, std::size_t Cols, bool TransposedA, std::size_t C, std::size_t Rows, bool MayPack, class Store>
inline void gemm_strip_rows(std::size_t m, std::size_t v0, std::size_t k0, std::size_t kc, const T* A,
                            std::size_t lda, T* panel, const T* source, const T* bias, T* partial,
                            std::size_t stride, bool resume, bool keep, Store& store, l2_prefetch& prefetch) {
    using plan = gemm_plan<T, Cols>;
    using V = typename plan::V;
    constexpr std::size_t L = plan::lanes;
    std::size_t col[C];
    for (std::size_t c = 0; c < C; ++c) col[c] = plan::column(v0 + c);
    if constexpr (MayPack) {
        if (source) {
            gemm_micro<T, Cols, TransposedA, Rows, C, true>(m, k0, kc, A, lda, panel, source, col, bias, partial,
                                                            stride, resume, keep, store, prefetch);
            return;
        }
    } else if (source) {
        for (std::size_t k = 0; k < kc; ++k)
            for (std::size_t c = 0; c < C; ++c)
                simd::store(panel + (k * C + c) * L, simd::load<V>(source + k * Cols + col[c]));
    }
    gemm_micro<T, Cols, TransposedA, Rows, C, false>(m, k0, kc, A, lda, panel, source, col, bias, partial, stride,
                                                     resume, keep, store, prefetch);
}

// Rows [m, m + Rows) along strips [s0, s1) of a slab, packing their panels when `source` (rows
// k0 .. of B) is given; R is the micro-kernel height of a full block and Rows <= R.
template <class T, std::size_t Cols, bool TransposedA, std::size_t Rows, bool MayPack, class Store>
inline void gemm_row_block(std::size_t m, std::size_t s0, std::size_t s1, std::size_t k0, std::size_t kc,
                           const T* A, std::size_t lda, T* slab, const T* source, const T* bias, T* partial,
                           std::size_t stride, bool resume, bool keep, Store& store, l2_prefetch& prefetch) {
    using strips = gemm_strips<T, Cols>;
    constexpr std::size_t L = gemm_plan<T, Cols>::lanes;
    T* panel = slab;
    for (std::size_t s = s0; s < s1; ++s) {
        const std::size_t v0 = strips::first_vector(s);
        T* part = partial + (v0 - strips::first_vector(s0)) * L;
        const auto run = [&]<std::size_t C>() {
            // A strip wider than the main ones has a lower micro-kernel: the block's rows are
            // then covered in pieces, the first of which packs the panel.
            constexpr std::size_t R = std::min(Rows, gemm_rows_for(C));
            constexpr std::size_t pieces = Rows / R, rest = Rows % R;
            static_assert(pieces >= 1);
            gemm_strip_rows<T, Cols, TransposedA, C, R, MayPack>(m, v0, k0, kc, A, lda, panel, source, bias, part,
                                                                 stride, resume, keep, store, prefetch);
            for (std::size_t i = 1; i < pieces; ++i)
                gemm_strip_rows<T, Cols, TransposedA, C, R, false>(m + i * R, v0, k0, kc, A, lda, panel, nullptr, bias,
                                                                   part + i * R * stride, stride, resume, keep,
                                                                   store, prefetch);
            if constexpr (rest > 0)
                gemm_strip_rows<T, Cols, TransposedA, C, rest, false>(m + pieces * R, v0, k0, kc, A, lda, panel,
                                                                      nullptr, bias, part + pieces * R * stride,
                                                                      stride, resume, keep, store, prefetch);
            panel += kc * C * L;
        };
        if (s < strips::count_main) run.template operator()<strips::main>();
        else if (s == strips::count_main) {
            if constexpr (strips::extra_a > 0) run.template operator()<strips::extra_a>();
        } else {
            if constexpr (strips::extra_b > 0) run.template operator()<strips::extra_b>();
        }
    }
}

// Bytes of one strip's panel (kc rows of the strip): it stays in L1 while a group of rows
// passes over it. When all of K fits in one panel (a product with few k, such as the weight
// gradient x^T d), every strip is packed once and each block of rows goes along all strips,
// writing C row by row. Otherwise B is taken in column blocks of about gemm_block_row_bytes
// per row and K in slabs of one panel, strip by strip, the sums waiting in a partial buffer
// from one slab to the next.
inline constexpr std::size_t gemm_panel_bytes = 32 * 1024;
inline constexpr std::size_t gemm_block_row_bytes = 1024;
// Bytes of partial sums that one group of rows keeps in L2.
inline constexpr std::size_t gemm_group_bytes = 256 * 1024;

template <class T, std::size_t Cols>
struct gemm_blocking {
    using strips = gemm_strips<T, Cols>;
    // The row height every strip's micro-kernel divides: blocks of rows go along all strips.
    static constexpr std::size_t block_rows = gemm_rows_for(strips::main);
    std::size_t block_strips = 0;  // strips per column block
    std::size_t width = 0;         // values per row of the widest column block
    std::size_t kc = 0;            // rows of B per slab
    std::size_t slabs = 0;
    std::size_t group = 0;  // rows of A per group
    bool rows_outer = false;
    gemm_blocking(std::size_t M, std::size_t K, std::size_t s0, std::size_t s1) {
        const std::size_t main_values = strips::main * gemm_plan<T, Cols>::lanes;
        const std::size_t kc_max = std::max<std::size_t>(16, gemm_panel_bytes / (sizeof(T) * main_values));
        if (K <= kc_max) {
            block_strips = s1 - s0;
            width = strips::values(s0, s1);
            kc = K;
            slabs = 1;
            rows_outer = true;
        } else {
            block_strips = std::max<std::size_t>(1, gemm_block_row_bytes / (sizeof(T) * main_values));
            width = 0;
            for (std::size_t b = s0; b < s1; b += block_strips)
                width = std::max(width, strips::values(b, std::min(s1, b + block_strips)));
            slabs = (K + kc_max - 1) / kc_max;
            kc = (K + slabs - 1) / slabs;
        }
        group = std::max<std::size_t>(gemm_group_bytes / (sizeof(T) * width) / block_rows, 1) * block_rows;
        group = std::min(group, M);
    }
    // Scratch for one task: the slab, then the partial sums of a group.
    std::size_t scratch_bytes() const { return (kc + group) * width * sizeof(T); }
};

// Rows [m0, m1) times strips [s0, s1), in the calling thread's scratch.
template <class T, std::size_t Cols, bool TransposedA, class Store>
void gemm_blocked(std::size_t m0, std::size_t m1, std::size_t s0, std::size_t s1, std::size_t K, const T* A,
                  std::size_t lda, const T* B, const T* bias, Store& store, const gemm_blocking<T, Cols>& blocking,
                  T* scratch) {
    using strips = gemm_strips<T, Cols>;
    constexpr std::size_t L = gemm_plan<T, Cols>::lanes;
    constexpr std::size_t R = gemm_blocking<T, Cols>::block_rows;
    const std::size_t width = blocking.width, kc_even = blocking.kc;
    T* slab = scratch;
    T* partial = scratch + kc_even * width;
    for (std::size_t g0 = m0; g0 < m1; g0 += blocking.group) {
        const std::size_t g1 = std::min(m1, g0 + blocking.group);
        for (std::size_t b0 = s0; b0 < s1; b0 += blocking.block_strips) {
            const std::size_t b1 = std::min(s1, b0 + blocking.block_strips);
            for (std::size_t p = 0; p < blocking.slabs; ++p) {
                const std::size_t k0 = p * kc_even, kc = std::min(kc_even, K - k0);
                // One slab holding all of B is packed once for every group, by the group's first
                // block of rows.
                const bool repack = blocking.slabs > 1 || blocking.block_strips < s1 - s0;
                const T* source = repack || g0 == m0 ? B + k0 * Cols : nullptr;
                const bool resume = p > 0, keep = p + 1 < blocking.slabs;
                l2_prefetch prefetch;
                if (repack) {
                    // The next slab: the next rows of this column block, or the first of the next.
                    const bool last = p + 1 == blocking.slabs;
                    const std::size_t n0 = last ? b1 : b0, nk0 = last ? 0 : k0 + kc;
                    if (n0 < s1) {
                        const std::size_t n1 = std::min(s1, n0 + blocking.block_strips);
                        const std::size_t c0 = gemm_plan<T, Cols>::column(strips::first_vector(n0));
                        const std::size_t c1 = std::min(Cols, strips::first_vector(n1) * L);
                        prefetch = l2_prefetch(B + nk0 * Cols + c0, std::min(kc_even, K - nk0), (c1 - c0) * sizeof(T),
                                               Cols * sizeof(T), (b1 - b0) * ((g1 - g0 + R - 1) / R));
                    }
                }
                const auto rows_along = [&](std::size_t t0, std::size_t t1) {
                    const std::size_t offset = (strips::first_vector(t0) - strips::first_vector(b0)) * L;
                    const auto block = [&]<std::size_t Rows>(std::size_t m) {
                        gemm_row_block<T, Cols, TransposedA, Rows, Rows == R>(
                            m, t0, t1, k0, kc, A, lda, slab + kc * offset, m == g0 ? source : nullptr, bias,
                            partial + (m - g0) * width + offset, width, resume, keep, store, prefetch);
                    };
                    std::size_t m = g0;
                    for (; m + R <= g1; m += R) block.template operator()<R>(m);
                    if constexpr (R > 4)
                        if (m + 4 <= g1) {
                            block.template operator()<4>(m);
                            m += 4;
                        }
                    if constexpr (R > 2)
                        if (m + 2 <= g1) {
                            block.template operator()<2>(m);
                            m += 2;
                        }
                    if constexpr (R > 1)
                        if (m < g1) block.template operator()<1>(m);
                };
                if (blocking.rows_outer) {
                    rows_along(b0, b1);
                } else {
                    for (std::size_t s = b0; s < b1; ++s) rows_along(s, s + 1);
                }
            }
        }
    }
}

// Tasks of about equal size covering [0, n) in multiples of `step` (the last may be shorter).
struct task_split {
    std::size_t size = 0, count = 0;
    task_split(std::size_t n, std::size_t step, std::size_t tasks) {
        size = std::max<std::size_t>(1, (n + tasks - 1) / tasks);
        size = (size + step - 1) / step * step;
        count = (n + size - 1) / size;
    }
};

template <class T, std::size_t Cols, bool TransposedA, class Store>
void gemm_packed(std::size_t M, std::size_t K, const T* A, std::size_t lda, const T* B, const T* bias, Store& store) {
    using strips = gemm_strips<T, Cols>;
    using blocking_t = gemm_blocking<T, Cols>;
    const std::size_t threads = thread_count();
    const auto run = [&](std::size_t m0, std::size_t m1, std::size_t s0, std::size_t s1) {
        const blocking_t blocking(m1 - m0, K, s0, s1);
        gemm_blocked<T, Cols, TransposedA>(m0, m1, s0, s1, K, A, lda, B, bias, store, blocking,
                                           reinterpret_cast<T*>(typenet::detail::scratch()));
    };
    if (threads <= 1 || 2.0 * double(M) * double(K) * double(Cols) < typenet::detail::parallel_product_flops) {
        typenet::detail::parallel_for(1, [&](std::size_t) { run(0, M, 0, strips::count); },
                                      blocking_t(M, K, 0, strips::count).scratch_bytes());
    } else if (strips::count >= 2 * threads && !blocking_t(M, K, 0, strips::count).rows_outer) {
        // Ranges of strips: each thread packs and reads only its own columns of B.
        const task_split cols(strips::count, 1, 2 * threads);
        std::size_t bytes = 0;
        for (std::size_t t = 0; t < cols.count; ++t)
            bytes = std::max(bytes, blocking_t(M, K, t * cols.size, std::min(strips::count, (t + 1) * cols.size))
                                        .scratch_bytes());
        typenet::detail::parallel_for(
            cols.count,
            [&](std::size_t t) { run(0, M, t * cols.size, std::min(strips::count, (t + 1) * cols.size)); }, bytes);
    } else {
        // Few strips, or few k (B is small, C large: whole rows of C per thread): ranges of
        // rows, one per thread, each packing all of B.
        const task_split rows(M, blocking_t::block_rows, threads);
        typenet::detail::parallel_for(
            rows.count, [&](std::size_t t) { run(t * rows.size, std::min(M, (t + 1) * rows.size), 0, strips::count); },
            blocking_t(rows.size, K, 0, strips::count).scratch_bytes());
    }
}

// --- few rows: the product is bound by reading B once, not by arithmetic -------------------

// Rows below which B is streamed once, row by row, instead of packed into panels.
inline constexpr std::size_t gemm_stream_rows = 4;
// Rows of B a streaming pass with accumulators in registers prefetches ahead (measured: 4 is
// 11% faster than none for a 784 x 100 W in L2; 2 and 16 less).
inline constexpr std::size_t gemm_stream_prefetch_rows = 4;
// Columns whose accumulators a streaming pass keeps in L1 at a time.
inline constexpr std::size_t gemm_stream_bytes = 8 * 1024;

// R rows of C (R < gemm_stream_rows), every column, with B read in order, a few of its rows at
// a time: narrow B keeps its accumulators in registers for all of K; wide B keeps them in L1 and
// reads whole rows of B, prefetching the next ones. Either way each output is the chain bias,
// k = 0, 1, ... of the packed kernel, except that a k whose inputs A(m0 .. m0+R-1, k) are all
// exactly 0 is skipped: its row of B is not read. That is what makes batch-1 inference cheap
// (half of a Fashion-MNIST image's pixels are 0, and about half of a ReLU layer's outputs). A
// skipped term is fma(0, b, s), which is s itself for every finite b unless s is -0 and 0 * b
// is +0 (then +0): the results are those of the full chain except that a sum of zero may be +0
// where the chain gives -0, and that an infinite or NaN weight meeting an input 0 does not make
// the output NaN (0 * inf is NaN).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
// With a small input in sight (one row of three values, say), GCC 12 -O3 warns that the branches
// for two and three rows would read past it: it cannot tie M to the input's size.
#pragma GCC diagnostic ignored "-Warray-bounds"
#endif
template <class T, std::size_t Cols, bool TransposedA, std::size_t R, class Store>
void gemm_stream(std::size_t m0, std::size_t v_begin, std::size_t v_end, std::size_t K, const T* A, std::size_t lda,
                 const T* B, const T* bias, Store& store) {
    using plan = gemm_plan<T, Cols>;
    using V = typename plan::V;
    constexpr std::size_t L = plan::lanes;
    const auto a_at = [&](std::size_t r, std::size_t k) -> T {
        return TransposedA ? A[k * lda + m0 + r] : A[(m0 + r) * lda + k];
    };
    // Whether any input of k is not 0, as 0 or 1 without a branch: the zeros fall at random, and
    // a mispredicted branch per k would stall the loads of the rows after it.
    const auto nonzero = [&](std::size_t k) -> std::size_t {
        bool any = false;
        for (std::size_t r = 0; r < R; ++r) any |= a_at(r, k) != T(0);
        return any;
    };
    constexpr std::size_t window = 64;  // k's with a nonzero input listed at a time
    constexpr std::size_t U = 4;        // rows of B per pass over the accumulators (wide B)
    std::uint32_t ks[window + U];
    // Appends to ks[listed ..] the k's from `k` on whose inputs are not all 0, until `cap` are
    // listed or K is reached.
    const auto list = [&](std::size_t& k, std::size_t listed, std::size_t cap) {
#if XSIMD_WITH_AVX512F
        // One row of A in place: 16 inputs per compare, their nonzero k's compressed into ks.
        if constexpr (R == 1 && !TransposedA && std::is_same_v<T, float>) {
            const T* a = A + m0 * lda;
            const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
            for (; listed + 16 <= cap && k + 16 <= K; k += 16) {
                // Not equal, or unordered: a NaN input is kept.
                const __mmask16 nz = _mm512_cmp_ps_mask(_mm512_loadu_ps(a + k), _mm512_setzero_ps(), _CMP_NEQ_UQ);
                _mm512_mask_compressstoreu_epi32(ks + listed, nz,
                                                 _mm512_add_epi32(lane, _mm512_set1_epi32(static_cast<int>(k))));
                listed += static_cast<std::size_t>(__builtin_popcount(nz));
            }
        }
#endif
        for (; listed < cap && k < K; ++k) {
            ks[listed] = static_cast<std::uint32_t>(k);
            listed += nonzero(k);
        }
        return listed;
    };
    if constexpr (plan::vectors * R <= gemm_accumulators) {
        // All columns at once (the range is always all of them here).
        constexpr std::size_t C = plan::vectors;
        V acc[R][C];
        TYPENET_UNROLL
        for (std::size_t c = 0; c < C; ++c) {
            const V init = bias ? simd::load<V>(bias + plan::column(c)) : simd::broadcast<V>(T(0));
            TYPENET_UNROLL
            for (std::size_t r = 0; r < R; ++r) acc[r][c] = init;
        }
        for (std::size_t k = 0; k < K;) {
            const std::size_t listed = list(k, 0, window);
            for (std::size_t i = 0; i < listed; ++i) {
                const T* row = B + std::size_t{ks[i]} * Cols;
#if defined(__GNUC__)
                {
                    // The rows are not consecutive, so the hardware prefetchers miss them.
                    const T* ahead = B + std::size_t{ks[std::min(i + gemm_stream_prefetch_rows, listed - 1)]} * Cols;
                    TYPENET_UNROLL
                    for (std::size_t c = 0; c < C; ++c) __builtin_prefetch(ahead + plan::column(c));
                }
#endif
                TYPENET_UNROLL
                for (std::size_t r = 0; r < R; ++r) {
                    const V a = simd::broadcast<V>(a_at(r, ks[i]));
                    TYPENET_UNROLL
                    for (std::size_t c = 0; c < C; ++c)
                        acc[r][c] = simd::fmadd(a, simd::load<V>(row + plan::column(c)), acc[r][c]);
                }
            }
        }
        TYPENET_UNROLL
        for (std::size_t r = 0; r < R; ++r)
            TYPENET_UNROLL
            for (std::size_t c = 0; c < C; ++c) store(m0 + r, plan::column(c), acc[r][c]);
    } else {
        // Column chunks of whole vectors; the last chunk ends with the plan's overlapped vector.
        constexpr std::size_t chunk_vectors = std::max<std::size_t>(1, gemm_stream_bytes / (R * sizeof(T) * L));
        alignas(64) T acc[R][chunk_vectors * L];
        for (std::size_t v0 = v_begin; v0 < v_end; v0 += chunk_vectors) {
            const std::size_t nv = std::min(chunk_vectors, v_end - v0);
            for (std::size_t v = 0; v < nv; ++v) {
                const V init = bias ? simd::load<V>(bias + plan::column(v0 + v)) : simd::broadcast<V>(T(0));
                for (std::size_t r = 0; r < R; ++r) simd::store(&acc[r][v * L], init);
            }
            // One pass of N rows of B (the k's at ks[i ..]) over the chunk's accumulators,
            // prefetching the N rows after them (next[0 .. N), valid when `ahead`).
            const auto pass = [&]<std::size_t N>(const std::uint32_t* at, bool ahead) {
                V a[R][N];
                const T* rows[N];
                const T* next[N];
                TYPENET_UNROLL
                for (std::size_t u = 0; u < N; ++u) {
                    rows[u] = B + std::size_t{at[u]} * Cols;
                    next[u] = B + std::size_t{at[ahead ? N + u : u]} * Cols;
                    TYPENET_UNROLL
                    for (std::size_t r = 0; r < R; ++r) a[r][u] = simd::broadcast<V>(a_at(r, at[u]));
                }
                for (std::size_t v = 0; v < nv; ++v) {
                    const std::size_t j = plan::column(v0 + v);
                    V b[N];
                    TYPENET_UNROLL
                    for (std::size_t u = 0; u < N; ++u) {
                        b[u] = simd::load<V>(rows[u] + j);
#if defined(__GNUC__)
                        if (ahead && (j * sizeof(T)) % 64 < L * sizeof(T)) __builtin_prefetch(next[u] + j);
#endif
                    }
                    TYPENET_UNROLL
                    for (std::size_t r = 0; r < R; ++r) {
                        V s = simd::load<V>(&acc[r][v * L]);
                        TYPENET_UNROLL
                        for (std::size_t u = 0; u < N; ++u) s = simd::fmadd(a[r][u], b[u], s);
                        simd::store(&acc[r][v * L], s);
                    }
                }
            };
            // The k's with a nonzero input, a window at a time, in order; the last U of a
            // window are carried into the next, so that a pass always knows the rows after it.
            std::size_t listed = 0, k = 0;
            for (;;) {
                listed = list(k, listed, window + U);
                const bool last = k == K;
                std::size_t i = 0;
                for (; i + 2 * U <= listed; i += U) pass.template operator()<U>(ks + i, true);
                if (!last) {
                    std::copy(ks + i, ks + listed, ks);
                    listed -= i;
                    continue;
                }
                if (i + U <= listed) {
                    pass.template operator()<U>(ks + i, false);
                    i += U;
                }
                for (; i < listed; ++i) pass.template operator()<1>(ks + i, false);
                break;
            }
            for (std::size_t r = 0; r < R; ++r)
                for (std::size_t v = 0; v < nv; ++v)
                    store(m0 + r, plan::column(v0 + v), simd::load<V>(&acc[r][v * L]));
        }
    }
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

// Bytes of B below which a streamed product runs on one thread.
inline constexpr std::size_t gemm_parallel_stream_bytes = 512 * 1024;

template <class T, std::size_t Cols, bool TransposedA, std::size_t R, class Store>
void gemm_stream_split(std::size_t K, const T* A, std::size_t lda, const T* B, const T* bias, Store& store) {
    using plan = gemm_plan<T, Cols>;
    constexpr std::size_t nv = plan::vectors;
    const std::size_t threads = thread_count();
    if (nv * R <= gemm_accumulators || threads <= 1 || K * Cols * sizeof(T) < gemm_parallel_stream_bytes) {
        gemm_stream<T, Cols, TransposedA, R>(0, 0, nv, K, A, lda, B, bias, store);
        return;
    }
    // Column ranges of whole vectors; an overlapped last vector stays with its neighbour.
    const task_split cols(nv, 2, 2 * threads);
    typenet::detail::parallel_for(cols.count, [&](std::size_t t) {
        std::size_t v0 = t * cols.size, v1 = std::min(nv, v0 + cols.size);
        if (plan::overlaps && v1 == nv - 1) v1 = nv;
        if (plan::overlaps && v0 == nv - 1) return;
        gemm_stream<T, Cols, TransposedA, R>(0, v0, v1, K, A, lda, B, bias, store);
    });
}

template <class T, std::size_t Cols, bool TransposedA, class Store>
void gemm_few_rows(std::size_t M, std::size_t K, const T* A, std::size_t lda, const T* B, const T* bias,
                   Store& store) {
    static_assert(gemm_stream_rows == 4);
    switch (M) {
    case 3: gemm_stream_split<T, Cols, TransposedA, 3>(K, A, lda, B, bias, store); break;
    case 2: gemm_stream_split<T, Cols, TransposedA, 2>(K, A, lda, B, bias, store); break;
    case 1: gemm_stream_split<T, Cols, TransposedA, 1>(K, A, lda, B, bias, store); break;
    default: break;
    }
}

} // namespace detail

// The plain store: C itself, row-major, Cols wide. Callers pass a named store type rather than a
// lambda, whose type would be new in every function that writes one, and with it the whole
// product's code.
template <class T, std::size_t Cols>
struct matrix_store {
    T* c;
    template <class V>
    void operator()(std::size_t row, std::size_t col, const V& v) const noexcept {
        simd::store(c + row * Cols + col, v);
    }
};

template <class T, std::size_t Cols, bool TransposedA = false, class Store>
void gemm(std::size_t M, std::size_t K, const T* A, std::size_t lda, const T* B, const T* bias, Store&& store) {
    if (M < detail::gemm_stream_rows) detail::gemm_few_rows<T, Cols, TransposedA>(M, K, A, lda, B, bias, store);
    else detail::gemm_packed<T, Cols, TransposedA>(M, K, A, lda, B, bias, store);
}

// dst (cols x rows) = transpose of src (rows x cols), in cache-sized tiles.
template <class T>
void transpose(const T* src, std::size_t rows, std::size_t cols, T* dst) noexcept {
    constexpr std::size_t tile = 32;
    for (std::size_t r0 = 0; r0 < rows; r0 += tile)
        for (std::size_t c0 = 0; c0 < cols; c0 += tile) {
            const std::size_t r1 = std::min(rows, r0 + tile), c1 = std::min(cols, c0 + tile);
            for (std::size_t r = r0; r < r1; ++r)
                for (std::size_t c = c0; c < c1; ++c) dst[c * rows + r] = src[r * cols + c];
        }
}

// out[j] = sum over rows of M[r][j]: a dense layer's bias gradient.
template <class T, std::size_t Cols>
void column_sums(const T* M, std::size_t rows, T* out) noexcept {
    using plan = detail::gemm_plan<T, Cols>;
    using V = typename plan::V;
    for (std::size_t v = 0; v < plan::vectors; ++v) {
        const std::size_t j = plan::column(v);
        V acc = simd::broadcast<V>(T(0));
        for (std::size_t r = 0; r < rows; ++r) acc += simd::load<V>(M + r * Cols + j);
        simd::store(out + j, acc);
    }
}

} // namespace typenet::kernels

#undef TYPENET_UNROLL
