#pragma once
// The product with a transposed right-hand side, read where it lies:
//   C[m][n] = sum_j A[m*lda + j] * B[n*Inner + j],  m < M, n < N, j < Inner,
// i.e. C = A B^T for B stored N x Inner. A dense layer's input gradient d W^T is this product
// with B = W (In x Out, so N = In and Inner = Out): no transposed copy of W is made.
//
// Each output is a dot product along Inner: vector lanes accumulate in order of j, then the
// lanes are summed by one fixed tree (lane i plus lane i + L/2, then i + L/4, ...). Every output
// takes that same path whatever its tile and thread, so results do not depend on how the work
// is split. A tail of Inner narrower than a vector is read with the lanes past the end as zero.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include <typenet/core/threads.hpp>
#include <typenet/kernels/simd.hpp>

// As in gemm.hpp: full unrolling, unless TYPENET_NO_UNROLL.
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

// The first n (< lanes) values at p, the other lanes zero; reads nothing past p + n.
template <class V, class T>
inline V load_head(const T* p, std::size_t n) noexcept {
    if constexpr (std::is_arithmetic_v<V>) {
        return n ? *p : T(0);
    }
#if XSIMD_WITH_AVX512F
    else if constexpr (std::is_base_of_v<xsimd::avx512f, typename V::arch_type>) {
        const auto mask = static_cast<std::uint32_t>((std::uint64_t{1} << n) - 1);
        if constexpr (std::is_same_v<T, float>) return V(_mm512_maskz_loadu_ps(static_cast<__mmask16>(mask), p));
        else return V(_mm512_maskz_loadu_pd(static_cast<__mmask8>(mask), p));
    }
#endif
    else {
        alignas(64) T buf[simd::lanes<V>] = {};
        std::memcpy(buf, p, n * sizeof(T));
        return V::load_aligned(buf);
    }
}

inline constexpr std::size_t gemm_bt_cols = 4;  // rows of B (columns of C) per micro-kernel

// The sums of the lanes of a0 .. a3, each by the fixed tree, as lanes 0 .. 3 of `out`.
template <class V, class T>
inline void reduce4(const V& a0, const V& a1, const V& a2, const V& a3, T* out) noexcept {
    constexpr std::size_t L = simd::lanes<V>;
    if constexpr (L == 1) {
        out[0] = a0, out[1] = a1, out[2] = a2, out[3] = a3;
    }
#if XSIMD_WITH_AVX512F
    else if constexpr (std::is_same_v<T, float> && L == 16) {
        const __m512 b0 = a0, b1 = a1, b2 = a2, b3 = a3;
        // lanes i + (i + 8): a0 in the low half, a1 in the high half.
        const __m512 s01 = _mm512_add_ps(_mm512_shuffle_f32x4(b0, b1, 0x44), _mm512_shuffle_f32x4(b0, b1, 0xee));
        const __m512 s23 = _mm512_add_ps(_mm512_shuffle_f32x4(b2, b3, 0x44), _mm512_shuffle_f32x4(b2, b3, 0xee));
        // + (i + 4): one quarter per input.
        const __m512 u = _mm512_add_ps(_mm512_shuffle_f32x4(s01, s23, 0x88), _mm512_shuffle_f32x4(s01, s23, 0xdd));
        // + (i + 2), then + (i + 1), within each quarter.
        const __m512 w = _mm512_add_ps(u, _mm512_permute_ps(u, 0x4e));
        const __m512 z = _mm512_add_ps(w, _mm512_permute_ps(w, 0xb1));
        const __m512 packed = _mm512_permutexvar_ps(_mm512_setr_epi32(0, 4, 8, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), z);
        _mm_storeu_ps(out, _mm512_castps512_ps128(packed));
    } else if constexpr (std::is_same_v<T, double> && L == 8) {
        const __m512d b0 = a0, b1 = a1, b2 = a2, b3 = a3;
        // lanes i + (i + 4): a0 low half, a1 high half.
        const __m512d s01 = _mm512_add_pd(_mm512_shuffle_f64x2(b0, b1, 0x44), _mm512_shuffle_f64x2(b0, b1, 0xee));
        const __m512d s23 = _mm512_add_pd(_mm512_shuffle_f64x2(b2, b3, 0x44), _mm512_shuffle_f64x2(b2, b3, 0xee));
        // + (i + 2): one quarter (two lanes) per input.
        const __m512d u = _mm512_add_pd(_mm512_shuffle_f64x2(s01, s23, 0x88), _mm512_shuffle_f64x2(s01, s23, 0xdd));
        // + (i + 1) within each quarter.
        const __m512d z = _mm512_add_pd(u, _mm512_permute_pd(u, 0x55));
        const __m512d packed = _mm512_permutexvar_pd(_mm512_setr_epi64(0, 2, 4, 6, 0, 0, 0, 0), z);
        _mm256_storeu_pd(out, _mm512_castpd512_pd256(packed));
    }
#endif
    else {
        alignas(64) T v[4][L];
        a0.store_aligned(v[0]);
        a1.store_aligned(v[1]);
        a2.store_aligned(v[2]);
        a3.store_aligned(v[3]);
        for (std::size_t i = 0; i < 4; ++i) {
            for (std::size_t half = L / 2; half >= 1; half /= 2)
                for (std::size_t l = 0; l < half; ++l) v[i][l] = v[i][l] + v[i][l + half];
            out[i] = v[i][0];
        }
    }
}

// Vectors of A (or of B) along Inner, the last one zero-padded when Inner has a tail.
template <class T, std::size_t Inner>
struct gemm_bt_plan {
    using V = simd::vec_at_most<T, Inner>;
    static constexpr std::size_t lanes = simd::lanes<V>;
    static constexpr std::size_t whole = Inner / lanes * lanes;
    static constexpr std::size_t vectors = (Inner + lanes - 1) / lanes;
};

// R rows of A side by side, one vector of each per step along Inner ([j][r][lane]): the
// micro-kernel then reads A as one stream, where rows of a power-of-two length would all fall
// into the same few cache sets.
template <class T, std::size_t Inner, std::size_t R>
inline void gemm_bt_pack(const T* A, std::size_t lda, T* packed) noexcept {
    using plan = gemm_bt_plan<T, Inner>;
    using V = typename plan::V;
    constexpr std::size_t L = plan::lanes;
    for (std::size_t j = 0; j < plan::whole; j += L, packed += R * L)
        TYPENET_UNROLL
        for (std::size_t r = 0; r < R; ++r) simd::store(packed + r * L, simd::load<V>(A + r * lda + j));
    if constexpr (plan::whole < Inner)
        for (std::size_t r = 0; r < R; ++r)
            simd::store(packed + r * L, load_head<V>(A + r * lda + plan::whole, Inner - plan::whole));
}

// R packed rows of A times 4 rows of B: 4 R dot products of length Inner. The results go to
// `out` (R x 4, row-major).
template <class T, std::size_t Inner, std::size_t R>
inline void gemm_bt_micro(const T* a, const T* const (&B)[gemm_bt_cols], T* out) noexcept {
    using plan = gemm_bt_plan<T, Inner>;
    using V = typename plan::V;
    constexpr std::size_t L = plan::lanes;
    constexpr std::size_t N = gemm_bt_cols;
    V acc[R][N];
    TYPENET_UNROLL
    for (std::size_t r = 0; r < R; ++r)
        TYPENET_UNROLL
        for (std::size_t n = 0; n < N; ++n) acc[r][n] = simd::broadcast<V>(T(0));
    const auto step = [&](const V (&b)[N]) {
        TYPENET_UNROLL
        for (std::size_t r = 0; r < R; ++r) {
            const V av = simd::load<V>(a + r * L);
            TYPENET_UNROLL
            for (std::size_t n = 0; n < N; ++n) acc[r][n] = simd::fmadd(av, b[n], acc[r][n]);
        }
        a += R * L;
    };
    for (std::size_t j = 0; j < plan::whole; j += L) {
        V b[N];
        TYPENET_UNROLL
        for (std::size_t n = 0; n < N; ++n) b[n] = simd::load<V>(B[n] + j);
        step(b);
    }
    if constexpr (plan::whole < Inner) {
        V b[N];
        TYPENET_UNROLL
        for (std::size_t n = 0; n < N; ++n) b[n] = load_head<V>(B[n] + plan::whole, Inner - plan::whole);
        step(b);
    }
    TYPENET_UNROLL
    for (std::size_t r = 0; r < R; ++r) reduce4(acc[r][0], acc[r][1], acc[r][2], acc[r][3], out + r * N);
}

inline constexpr std::size_t gemm_bt_rows = 6;
// Rows of B kept in L2 while every block of rows of A passes over them.
inline constexpr std::size_t gemm_bt_l2_bytes = 512 * 1024;

// C = A B^T for rows [m0, m1) of A and rows [n0, n1) of B.
template <class T, std::size_t N, std::size_t Inner, class Store>
void gemm_bt_block(std::size_t m0, std::size_t m1, std::size_t n0, std::size_t n1, const T* A, std::size_t lda,
                   const T* B, Store& store) {
    using plan = gemm_bt_plan<T, Inner>;
    using out_vec = simd::vec_at_most<T, gemm_bt_cols>;
    constexpr std::size_t NB = gemm_bt_cols;
    alignas(64) T packed[gemm_bt_rows * plan::vectors * plan::lanes];
    alignas(64) T out[gemm_bt_rows * NB];
    const auto tile = [&]<std::size_t R>(std::size_t m, std::size_t n) {
        // The last block of B's rows is pulled back to end at N: its overlap is recomputed
        // identically and stored by the same call. With fewer than four rows in B, its last
        // row is repeated and only the real results are stored.
        const std::size_t nb = N >= NB ? std::min(n, N - NB) : 0;
        const T* rows[NB];
        for (std::size_t i = 0; i < NB; ++i) rows[i] = B + std::min(nb + i, N - 1) * Inner;
        gemm_bt_micro<T, Inner, R>(packed, rows, out);
        if constexpr (N >= NB) {
            for (std::size_t r = 0; r < R; ++r) store(m + r, nb, simd::load<out_vec>(out + r * NB));
        } else {
            for (std::size_t r = 0; r < R; ++r)
                for (std::size_t i = 0; i < N; ++i) store(m + r, i, out[r * NB + i]);
        }
    };
    const std::size_t group = std::max<std::size_t>(NB, gemm_bt_l2_bytes / (sizeof(T) * Inner) / NB * NB);
    for (std::size_t g0 = n0; g0 < n1; g0 += group) {
        const std::size_t g1 = std::min(n1, g0 + group);
        std::size_t m = m0;
        const auto row_block = [&]<std::size_t R>(std::size_t mm) {
            gemm_bt_pack<T, Inner, R>(A + mm * lda, lda, packed);
            for (std::size_t n = g0; n < g1; n += NB) tile.template operator()<R>(mm, n);
        };
        for (; m + gemm_bt_rows <= m1; m += gemm_bt_rows) row_block.template operator()<gemm_bt_rows>(m);
        if (m + 4 <= m1) {
            row_block.template operator()<4>(m);
            m += 4;
        }
        if (m + 2 <= m1) {
            row_block.template operator()<2>(m);
            m += 2;
        }
        if (m < m1) row_block.template operator()<1>(m);
    }
}

} // namespace detail

// C = A B^T: C[m][n] = sum_j A[m*lda + j] * B[n*Inner + j] for m < M, n < N, handed to
// store(m, n, v) one vector (or scalar) of consecutive n at a time; overlapped columns at the
// end of a row are stored twice with the same value.
template <class T, std::size_t N, std::size_t Inner, class Store>
void gemm_bt(std::size_t M, const T* A, std::size_t lda, const T* B, Store&& store) {
    using namespace detail;
    const std::size_t threads = thread_count();
    if (threads <= 1 || N < 2 * gemm_bt_cols ||
        2.0 * double(M) * double(N) * double(Inner) < typenet::detail::parallel_product_flops) {
        gemm_bt_block<T, N, Inner>(0, M, 0, N, A, lda, B, store);
        return;
    }
    // Ranges of B's rows (columns of C) in whole micro-kernels, so that no two tasks store the
    // same output: each thread reads only its rows of B.
    constexpr std::size_t blocks = (N + gemm_bt_cols - 1) / gemm_bt_cols;
    const std::size_t per_task = (blocks + 2 * threads - 1) / (2 * threads) * gemm_bt_cols;
    const std::size_t tasks = (N + per_task - 1) / per_task;
    typenet::detail::parallel_for(tasks, [&](std::size_t t) {
        const std::size_t n0 = t * per_task;
        std::size_t n1 = std::min(N, n0 + per_task);
        // A remainder narrower than one micro-kernel joins the range before it, whose last
        // block is then pulled back over it.
        if (N - n1 < gemm_bt_cols) n1 = N;
        if (t > 0 && N - n0 < gemm_bt_cols) return;
        gemm_bt_block<T, N, Inner>(0, M, n0, n1, A, lda, B, store);
    });
}

} // namespace typenet::kernels

#undef TYPENET_UNROLL
