#pragma once
// The one matrix-product kernel behind every dense layer's forward and backward pass:
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
// do not depend on how the work is split.
//
// Blocking (see docs/performance.md): the columns are cut into strips of 1 to 4 vectors; for
// each strip, K is cut into panels of at most 32 KiB, each packed contiguously (so rows of B a
// power of two apart do not fight over the same cache sets) and kept in L1 while every row
// block of A (a group of up to 64 rows when K takes several panels) passes over it; the
// micro-kernel holds R x C accumulators in registers (R = 8 rows for 3 vectors, 6 for 4, ...).
// Fewer than 4 rows stream B once instead (matrix-vector products are bound by reading B).
// Large products are split over typenet's threads by strips, or by rows when strips are few.

#include <algorithm>
#include <cstddef>
#include <type_traits>
#include <utility>

#include <typenet/core/threads.hpp>
#include <typenet/kernels/simd.hpp>

// Full unrolling of the register-blocked loops: at -O2 GCC otherwise keeps the accumulators in
// memory (5x slower). Undefined again at the end of this header.
#if defined(__clang__)
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
// then up to two narrower or wider ones (`extra_a`, `extra_b`, 0 when absent). When the last
// vector overlaps its neighbour, the two are kept in one strip so that one micro-kernel (and
// one thread) stores the overlapped columns.
template <class T, std::size_t Cols>
struct gemm_strips {
    using plan = gemm_plan<T, Cols>;
    static constexpr std::size_t vectors = plan::vectors;
    static constexpr std::size_t choose() {
        if (vectors <= 4) return vectors;
        if (vectors % 3 == 0) return 3;
        if (vectors % 4 == 0) return 4;
        return 3;
    }
    static constexpr std::size_t main = std::min(vectors, choose());
    static constexpr std::size_t full = vectors / main;
    static constexpr std::size_t rem = vectors % main;
    static constexpr bool merge = rem == 1 && plan::overlaps && full >= 1;
    static constexpr std::size_t count_main = merge ? full - 1 : full;
    static constexpr std::size_t extra_a = merge ? (main + 1 <= 4 ? main + 1 : (main + 2) / 2) : rem;
    static constexpr std::size_t extra_b = merge && main + 1 > 4 ? (main + 1) / 2 : 0;
    static constexpr std::size_t count = count_main + (extra_a > 0) + (extra_b > 0);
    static constexpr std::size_t first_vector(std::size_t s) {
        return s <= count_main ? s * main : count_main * main + extra_a;
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

// The C vectors of columns col[c] of B's rows k0 .. k0+kc, packed one k after the other into
// `panel` (kc x C*lanes): the micro-kernel then reads B contiguously from L1 whatever Cols is
// (rows of B a power of two apart would otherwise fall into the same few cache sets). The lines
// of the next panel are prefetched on the way, so that its rows are in L2 when it is packed.
template <class T, std::size_t Cols, std::size_t C>
inline void gemm_pack(const T* B, std::size_t k0, std::size_t kc, const std::size_t (&col)[C], T* panel,
                      const T* next, std::size_t next_kc) noexcept {
    using V = typename gemm_plan<T, Cols>::V;
    constexpr std::size_t L = simd::lanes<V>;
    const T* row = B + k0 * Cols;
    for (std::size_t k = 0; k < kc; ++k, row += Cols, panel += C * L) {
        TYPENET_UNROLL
        for (std::size_t c = 0; c < C; ++c) simd::store(panel + c * L, simd::load<V>(row + col[c]));
        if (next && k < next_kc) {
            TYPENET_UNROLL
            for (std::size_t c = 0; c < C; c += std::max<std::size_t>(1, 64 / (L * sizeof(T))))
                __builtin_prefetch(next + k * Cols + c * L, 0, 2);
        }
    }
}

// R rows from m0 times the C vectors of a packed panel, over the panel's kc values of k
// starting at k0. The accumulators start from `partial` (R x C*lanes) when it is not null, else
// from the bias (or zero); they end in `partial_out` when it is not null, else in the store.
template <class T, std::size_t Cols, bool TransposedA, std::size_t R, std::size_t C, class Store>
inline void gemm_micro(std::size_t m0, std::size_t k0, std::size_t kc, const T* A, std::size_t lda, const T* panel,
                       const std::size_t (&col)[C], const T* bias, const T* partial, T* partial_out, Store& store) {
    using plan = gemm_plan<T, Cols>;
    using V = typename plan::V;
    constexpr std::size_t L = plan::lanes;
    V acc[R][C];
    if (partial) {
        TYPENET_UNROLL
        for (std::size_t r = 0; r < R; ++r)
            TYPENET_UNROLL
            for (std::size_t c = 0; c < C; ++c) acc[r][c] = simd::load<V>(partial + (r * C + c) * L);
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
    const T* b_row = panel;
    for (std::size_t k = 0; k < kc; ++k, b_row += C * L) {
        V b[C];
        TYPENET_UNROLL
        for (std::size_t c = 0; c < C; ++c) b[c] = in_register(simd::load<V>(b_row + c * L));
        TYPENET_UNROLL
        for (std::size_t r = 0; r < R; ++r) {
            const V av = simd::broadcast<V>(a_at(r, k));
            TYPENET_UNROLL
            for (std::size_t c = 0; c < C; ++c) acc[r][c] = simd::fmadd(av, b[c], acc[r][c]);
        }
    }
    if (partial_out) {
        TYPENET_UNROLL
        for (std::size_t r = 0; r < R; ++r)
            TYPENET_UNROLL
            for (std::size_t c = 0; c < C; ++c) simd::store(partial_out + (r * C + c) * L, acc[r][c]);
    } else {
        TYPENET_UNROLL
        for (std::size_t r = 0; r < R; ++r)
            TYPENET_UNROLL
            for (std::size_t c = 0; c < C; ++c) store(m0 + r, col[c], acc[r][c]);
    }
}

// Bytes of one packed panel: it stays in L1 (48 KiB or more on AVX-512 cores) while every row
// of a group uses it, beside the rows of A that stream past.
inline constexpr std::size_t gemm_panel_bytes = 32 * 1024;
// Rows per group when K takes several panels: their partial sums live on the stack.
inline constexpr std::size_t gemm_partial_rows = 64;
// Bytes of A and of C that one group of rows may keep in L2.
inline constexpr std::size_t gemm_l2_bytes_for_a = 512 * 1024;
inline constexpr std::size_t gemm_l2_bytes_for_c = 1024 * 1024;

template <class T, std::size_t Cols>
inline constexpr std::size_t gemm_strip_values = 4 * gemm_plan<T, Cols>::lanes;
// Depth of a panel: as many k as fit gemm_panel_bytes for the widest strip.
template <class T, std::size_t Cols>
inline constexpr std::size_t gemm_depth = gemm_panel_bytes / (sizeof(T) * gemm_strip_values<T, Cols>);

// Rows [m0, m1) of one strip C vectors wide, for every panel of K.
template <class T, std::size_t Cols, bool TransposedA, std::size_t C, class Store>
inline void gemm_strip(std::size_t m0, std::size_t m1, std::size_t v0, std::size_t K, std::size_t kc_max,
                       const T* A, std::size_t lda, const T* B, const T* bias, Store& store, T* panel, T* partial,
                       const T* next_strip) {
    using plan = gemm_plan<T, Cols>;
    constexpr std::size_t L = plan::lanes;
    constexpr std::size_t R = gemm_rows_for(C);
    std::size_t col[C];
    for (std::size_t c = 0; c < C; ++c) col[c] = plan::column(v0 + c);
    const std::size_t panels = K == 0 ? 1 : (K + kc_max - 1) / kc_max;
    const std::size_t kc_even = K == 0 ? 0 : (K + panels - 1) / panels;
    for (std::size_t p = 0; p < panels; ++p) {
        const std::size_t k0 = p * kc_even, kc = std::min(kc_even, K - k0);
        const bool last = p + 1 == panels;
        const T* next = last ? next_strip : B + (k0 + kc) * Cols + col[0];
        gemm_pack<T, Cols, C>(B, k0, kc, col, panel, next, last ? kc_even : std::min(kc_even, K - k0 - kc));
        auto run = [&]<std::size_t Rows>(std::size_t m) {
            T* part = partial + (m - m0) * C * L;
            gemm_micro<T, Cols, TransposedA, Rows, C>(m, k0, kc, A, lda, panel, col, bias, p == 0 ? nullptr : part,
                                                      last ? nullptr : part, store);
        };
        std::size_t m = m0;
        for (; m + R <= m1; m += R) run.template operator()<R>(m);
        if constexpr (R > 4)
            if (m + 4 <= m1) {
                run.template operator()<4>(m);
                m += 4;
            }
        if constexpr (R > 2)
            if (m + 2 <= m1) {
                run.template operator()<2>(m);
                m += 2;
            }
        if constexpr (R > 1)
            if (m < m1) run.template operator()<1>(m);
    }
}

// Rows [m0, m1) times strips [s0, s1).
template <class T, std::size_t Cols, bool TransposedA, class Store>
inline void gemm_block(std::size_t m0, std::size_t m1, std::size_t s0, std::size_t s1, std::size_t K,
                       std::size_t kc_max, const T* A, std::size_t lda, const T* B, const T* bias, Store& store,
                       T* panel, T* partial) {
    using strips = gemm_strips<T, Cols>;
    using plan = gemm_plan<T, Cols>;
    for (std::size_t s = s0; s < s1; ++s) {
        const std::size_t v0 = strips::first_vector(s);
        const T* next = s + 1 < s1 ? B + plan::column(strips::first_vector(s + 1)) : nullptr;
        if (s < strips::count_main) {
            gemm_strip<T, Cols, TransposedA, strips::main>(m0, m1, v0, K, kc_max, A, lda, B, bias, store, panel,
                                                           partial, next);
        } else if (s == strips::count_main) {
            if constexpr (strips::extra_a > 0)
                gemm_strip<T, Cols, TransposedA, strips::extra_a>(m0, m1, v0, K, kc_max, A, lda, B, bias, store,
                                                                  panel, partial, next);
        } else {
            if constexpr (strips::extra_b > 0)
                gemm_strip<T, Cols, TransposedA, strips::extra_b>(m0, m1, v0, K, kc_max, A, lda, B, bias, store,
                                                                  panel, partial, next);
        }
    }
}

// Rows [m0, m1) times strips [s0, s1), in groups of rows that keep A in L2.
template <class T, std::size_t Cols, bool TransposedA, class Store>
void gemm_blocked(std::size_t m0, std::size_t m1, std::size_t s0, std::size_t s1, std::size_t K, const T* A,
                  std::size_t lda, const T* B, const T* bias, Store& store) {
    constexpr std::size_t nr = gemm_strip_values<T, Cols>;
    constexpr std::size_t kc_max = gemm_depth<T, Cols>;
    alignas(64) T panel[kc_max * nr];
    alignas(64) T partial[gemm_partial_rows * nr];
    std::size_t group = std::min(gemm_l2_bytes_for_a / (sizeof(T) * std::max<std::size_t>(K, 1)),
                                 gemm_l2_bytes_for_c / (sizeof(T) * Cols));
    if (K > kc_max) group = std::min(group, gemm_partial_rows);
    group = std::max(group / gemm_max_rows * gemm_max_rows, gemm_max_rows);
    for (std::size_t m = m0; m < m1; m += group)
        gemm_block<T, Cols, TransposedA>(m, std::min(m1, m + group), s0, s1, K, kc_max, A, lda, B, bias, store, panel,
                                         partial);
}

// Products below this many flops run on one thread: splitting them costs more than it saves.
inline constexpr double gemm_parallel_flops = 2e6;

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
    const std::size_t threads = thread_count();
    if (threads <= 1 || 2.0 * double(M) * double(K) * double(Cols) < gemm_parallel_flops) {
        gemm_blocked<T, Cols, TransposedA>(0, M, 0, strips::count, K, A, lda, B, bias, store);
    } else if (strips::count >= 2 * threads) {
        // A strip per task: each thread packs and reads only its own columns of B.
        typenet::detail::parallel_for(strips::count, [&](std::size_t s) {
            gemm_blocked<T, Cols, TransposedA>(0, M, s, s + 1, K, A, lda, B, bias, store);
        });
    } else {
        const task_split rows(M, gemm_max_rows, 2 * threads);
        typenet::detail::parallel_for(rows.count, [&](std::size_t t) {
            gemm_blocked<T, Cols, TransposedA>(t * rows.size, std::min(M, (t + 1) * rows.size), 0, strips::count, K, A,
                                               lda, B, bias, store);
        });
    }
}

// --- few rows: the product is bound by reading B once, not by arithmetic -------------------

// Rows below which B is streamed once, row by row, instead of packed into panels.
inline constexpr std::size_t gemm_stream_rows = 4;
// Columns whose accumulators a streaming pass keeps in L1 at a time.
inline constexpr std::size_t gemm_stream_bytes = 8 * 1024;

// R rows of C (R < gemm_stream_rows), every column, with B read in order, a few of its rows at
// a time: narrow B keeps its accumulators in registers for all of K; wide B keeps them in L1 and
// reads whole rows of B, which the hardware prefetchers follow. Either way each output is the
// chain bias, k = 0, 1, ... of the packed kernel.
template <class T, std::size_t Cols, bool TransposedA, std::size_t R, class Store>
void gemm_stream(std::size_t m0, std::size_t v_begin, std::size_t v_end, std::size_t K, const T* A, std::size_t lda,
                 const T* B, const T* bias, Store& store) {
    using plan = gemm_plan<T, Cols>;
    using V = typename plan::V;
    constexpr std::size_t L = plan::lanes;
    const auto a_at = [&](std::size_t r, std::size_t k) -> T {
        return TransposedA ? A[k * lda + m0 + r] : A[(m0 + r) * lda + k];
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
        const T* row = B;
        for (std::size_t k = 0; k < K; ++k, row += Cols)
            TYPENET_UNROLL
            for (std::size_t r = 0; r < R; ++r) {
                const V a = simd::broadcast<V>(a_at(r, k));
                TYPENET_UNROLL
                for (std::size_t c = 0; c < C; ++c) acc[r][c] = simd::fmadd(a, simd::load<V>(row + plan::column(c)), acc[r][c]);
            }
        TYPENET_UNROLL
        for (std::size_t r = 0; r < R; ++r)
            TYPENET_UNROLL
            for (std::size_t c = 0; c < C; ++c) store(m0 + r, plan::column(c), acc[r][c]);
    } else {
        // Column chunks of whole vectors; the last chunk ends with the plan's overlapped vector.
        constexpr std::size_t chunk_vectors = std::max<std::size_t>(1, gemm_stream_bytes / (R * sizeof(T) * L));
        constexpr std::size_t U = 4;  // rows of B per pass over the accumulators
        alignas(64) T acc[R][chunk_vectors * L];
        for (std::size_t v0 = v_begin; v0 < v_end; v0 += chunk_vectors) {
            const std::size_t nv = std::min(chunk_vectors, v_end - v0);
            for (std::size_t v = 0; v < nv; ++v) {
                const V init = bias ? simd::load<V>(bias + plan::column(v0 + v)) : simd::broadcast<V>(T(0));
                for (std::size_t r = 0; r < R; ++r) simd::store(&acc[r][v * L], init);
            }
            const std::size_t K_whole = K / U * U;
            for (std::size_t k = 0; k < K_whole; k += U) {
                V a[R][U];
                for (std::size_t r = 0; r < R; ++r)
                    for (std::size_t u = 0; u < U; ++u) a[r][u] = simd::broadcast<V>(a_at(r, k + u));
                const T* row = B + k * Cols;
                for (std::size_t v = 0; v < nv; ++v) {
                    const std::size_t j = plan::column(v0 + v);
                    V b[U];
                    TYPENET_UNROLL
                    for (std::size_t u = 0; u < U; ++u) b[u] = simd::load<V>(row + u * Cols + j);
                    TYPENET_UNROLL
                    for (std::size_t r = 0; r < R; ++r) {
                        V s = simd::load<V>(&acc[r][v * L]);
                        TYPENET_UNROLL
                        for (std::size_t u = 0; u < U; ++u) s = simd::fmadd(a[r][u], b[u], s);
                        simd::store(&acc[r][v * L], s);
                    }
                }
            }
            for (std::size_t k = K_whole; k < K; ++k)
                for (std::size_t v = 0; v < nv; ++v) {
                    const V b = simd::load<V>(B + k * Cols + plan::column(v0 + v));
                    for (std::size_t r = 0; r < R; ++r)
                        simd::store(&acc[r][v * L], simd::fmadd(simd::broadcast<V>(a_at(r, k)), b,
                                                                simd::load<V>(&acc[r][v * L])));
                }
            for (std::size_t r = 0; r < R; ++r)
                for (std::size_t v = 0; v < nv; ++v)
                    store(m0 + r, plan::column(v0 + v), simd::load<V>(&acc[r][v * L]));
        }
    }
}

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
