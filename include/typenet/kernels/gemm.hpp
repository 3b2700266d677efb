#pragma once
// The one matrix-product kernel behind every dense layer's forward and backward pass:
//   C[m][j] = sum_k A(m, k) * B[k*Cols + j] (+ bias[j]),  m < M, k < K, j < Cols,
// with A(m, k) = A[m*lda + k], or A[k*lda + m] when TransposedA (so the weight gradient x^T d
// reads x where it lies), handed to a store callback one vector at a time (the fused epilogue).
//
// Cols is a compile-time constant: the column panels, the vector width and the tail are all
// fixed when the kernel is instantiated. A tail narrower than a vector is covered by a last
// vector that overlaps the previous one (the overlapped columns are computed twice,
// bit-identically), so no scalar tail loop exists whenever Cols is at least one vector wide.

#include <algorithm>
#include <cstddef>
#include <type_traits>
#include <utility>

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

inline constexpr std::size_t gemm_rows = 4;      // rows of C per micro-kernel
inline constexpr std::size_t gemm_vectors = 4;   // vectors of C per micro-kernel row

template <class T, std::size_t Cols>
struct gemm_plan {
    using V = simd::vec_at_most<T, Cols>;
    static constexpr std::size_t lanes = simd::lanes<V>;
    static constexpr std::size_t vectors = (Cols + lanes - 1) / lanes;
    // Column where vector v starts; the last one is pulled back so it ends at Cols.
    static constexpr std::size_t column(std::size_t v) { return std::min(v * lanes, Cols - lanes); }
};

// GCC otherwise folds each load of B into every FMA that uses it, re-reading B R times per k
// and saturating the load ports; an empty asm makes the loaded value opaque, so it stays in a
// register.
template <class V>
inline void keep_in_register([[maybe_unused]] V& v) noexcept {
#if defined(__GNUC__) && !defined(__clang__)
    if constexpr (!std::is_arithmetic_v<V>) {
        auto& reg = v.data;
        asm("" : "+v"(reg));
    }
#endif
}

template <class T, std::size_t Cols, bool TransposedA, std::size_t R, std::size_t V0, std::size_t C, class Store>
inline void gemm_micro(std::size_t m0, std::size_t K, const T* A, std::size_t lda, const T* B, const T* bias,
                       Store& store) {
    using plan = gemm_plan<T, Cols>;
    using V = typename plan::V;
    V acc[R][C];
    for (std::size_t c = 0; c < C; ++c) {
        const V init = bias ? simd::load<V>(bias + plan::column(V0 + c)) : simd::broadcast<V>(T(0));
        for (std::size_t r = 0; r < R; ++r) acc[r][c] = init;
    }
    // A(m0 + r, k) = a_rows[r][TransposedA ? k * lda : k]
    const T* a_rows[R];
    for (std::size_t r = 0; r < R; ++r) a_rows[r] = TransposedA ? A + m0 + r : A + (m0 + r) * lda;
    for (std::size_t k = 0; k < K; ++k) {
        const T* b_row = B + k * Cols;
        V b[C];
        TYPENET_UNROLL
        for (std::size_t c = 0; c < C; ++c) {
            b[c] = simd::load<V>(b_row + plan::column(V0 + c));
            keep_in_register(b[c]);
        }
        TYPENET_UNROLL
        for (std::size_t r = 0; r < R; ++r) {
            const V a = simd::broadcast<V>(a_rows[r][TransposedA ? k * lda : k]);
            TYPENET_UNROLL
            for (std::size_t c = 0; c < C; ++c) acc[r][c] = simd::fmadd(a, b[c], acc[r][c]);
        }
    }
    for (std::size_t r = 0; r < R; ++r)
        for (std::size_t c = 0; c < C; ++c) store(m0 + r, plan::column(V0 + c), acc[r][c]);
}

template <class T, std::size_t Cols, bool TransposedA, std::size_t R, class Store, std::size_t... P>
inline void gemm_row_block(std::size_t m0, std::size_t K, const T* A, std::size_t lda, const T* B, const T* bias,
                           Store& store, std::index_sequence<P...>) {
    using plan = gemm_plan<T, Cols>;
    constexpr std::size_t panel = gemm_vectors;
    (gemm_micro<T, Cols, TransposedA, R, P * panel, std::min(panel, plan::vectors - P * panel)>(m0, K, A, lda, B, bias, store), ...);
}

} // namespace detail

template <class T, std::size_t Cols, bool TransposedA = false, class Store>
void gemm(std::size_t M, std::size_t K, const T* A, std::size_t lda, const T* B, const T* bias, Store&& store) {
    using plan = detail::gemm_plan<T, Cols>;
    constexpr std::size_t R = detail::gemm_rows;
    using panels = std::make_index_sequence<(plan::vectors + detail::gemm_vectors - 1) / detail::gemm_vectors>;
    std::size_t m = 0;
    for (; m + R <= M; m += R) detail::gemm_row_block<T, Cols, TransposedA, R>(m, K, A, lda, B, bias, store, panels{});
    switch (M - m) {
    case 3: detail::gemm_row_block<T, Cols, TransposedA, 3>(m, K, A, lda, B, bias, store, panels{}); break;
    case 2: detail::gemm_row_block<T, Cols, TransposedA, 2>(m, K, A, lda, B, bias, store, panels{}); break;
    case 1: detail::gemm_row_block<T, Cols, TransposedA, 1>(m, K, A, lda, B, bias, store, panels{}); break;
    default: break;
    }
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
