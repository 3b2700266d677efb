// kernels::gemm, transpose and column_sums against the scalar reference, for float and double,
// for column counts that leave a tail for every vector width (16/8/4 floats, 8/4/2 doubles),
// row counts on both sides of every micro-kernel height and of the streaming path (fewer than
// 4 rows), depths on both sides of a packed panel (so partial sums are kept and resumed), and
// for 1, 2 and 3 threads.
//
// gemm promises that every output is the chain bias, then one fused multiply-add per k in order;
// reference::fused_product computes that chain with std::fma, so where the target has FMA
// instructions the kernel must match it bit for bit.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <utility>
#include <vector>

#include <typenet/core/rng.hpp>
#include <typenet/kernels/gemm.hpp>
#include <typenet/kernels/reference.hpp>
#include <typenet/kernels/simd.hpp>

#include "../support/test_values.hpp"
#include "../support/threads.hpp"

namespace gemm_test {

namespace {

namespace kernels = typenet::kernels;
namespace simd = typenet::simd;

using column_counts = std::integer_sequence<std::size_t, 1, 3, 7, 10, 15, 16, 17, 33, 100, 1000, 1024>;

#if defined(__FMA__)
constexpr bool exact = true;  // the kernel's chain of fused multiply-adds is reproducible
#else
constexpr bool exact = false;
#endif

using typenet::test::same_bits;

// C = A B (+ bias) through the kernel; false if a store fell outside C.
template <class T, std::size_t Cols, bool TransposedA>
bool run_gemm(std::size_t M, std::size_t K, const std::vector<T>& A, std::size_t lda, const std::vector<T>& B,
              const T* bias, std::vector<T>& C) {
    C.assign(M * Cols, std::numeric_limits<T>::quiet_NaN());
    bool in_bounds = true;
    const auto store = [&]<class V>(std::size_t r, std::size_t j, const V& v) {
        if (r >= M || j + simd::lanes<V> > Cols) {
            in_bounds = false;
            return;
        }
        simd::store(C.data() + r * Cols + j, v);
    };
    kernels::gemm<T, Cols, TransposedA>(M, K, A.data(), lda, B.data(), bias, store);
    return in_bounds;
}

// The kernel against the fused chain (bit for bit where FMA exists) and against the plain
// reference product within a tolerance relative to sum_k |A||B| (+ |bias|).
template <class T, std::size_t Cols, bool TransposedA = false>
void check_gemm(std::size_t M, std::size_t K, std::size_t lda, bool with_bias) {
    CAPTURE(Cols, TransposedA, M, K, lda, with_bias);
    const auto A = typenet::test::uniform_values<T>((TransposedA ? K : M) * lda + 1, 1 + M * 131 + K);
    const auto B = typenet::test::uniform_values<T>(K * Cols + 1, 2 + Cols);
    const auto bias = typenet::test::uniform_values<T>(Cols, 3 + Cols);
    const T* b = with_bias ? bias.data() : nullptr;

    std::vector<T> C;
    REQUIRE(run_gemm<T, Cols, TransposedA>(M, K, A, lda, B, b, C));

    std::vector<T> chain(M * Cols);
    kernels::reference::fused_product(A.data(), lda, TransposedA, B.data(), b, M, K, Cols, chain.data());
    if constexpr (exact) REQUIRE(same_bits(C, chain));

    const auto a = [&](std::size_t m, std::size_t k) { return TransposedA ? A[k * lda + m] : A[m * lda + k]; };
    std::vector<T> packed(M * K);
    std::vector<double> abs_a(M * K), abs_b(K * Cols), abs_bias(Cols);
    for (std::size_t m = 0; m < M; ++m)
        for (std::size_t k = 0; k < K; ++k) {
            packed[m * K + k] = a(m, k);
            abs_a[m * K + k] = std::abs(double(a(m, k)));
        }
    for (std::size_t i = 0; i < K * Cols; ++i) abs_b[i] = std::abs(double(B[i]));
    for (std::size_t j = 0; j < Cols; ++j) abs_bias[j] = std::abs(double(bias[j]));
    std::vector<T> want(M * Cols);
    kernels::reference::dense_forward(packed.data(), B.data(), b, M, K, Cols, want.data());
    std::vector<double> scale(M * Cols);
    kernels::reference::dense_forward(abs_a.data(), abs_b.data(), with_bias ? abs_bias.data() : nullptr, M, K, Cols,
                                      scale.data());
    std::size_t bad = 0;
    for (std::size_t i = 0; i < C.size(); ++i) {
        const double diff = std::abs(double(C[i]) - double(want[i]));
        if (!(diff <= typenet::test::tolerance<T> * std::max(scale[i], 1e-30)) && bad++ == 0) {
            CAPTURE(i, C[i], want[i], scale[i]);
            CHECK(diff <= typenet::test::tolerance<T> * scale[i]);
        }
    }
    REQUIRE(bad == 0);
}

template <class T, bool TransposedA, std::size_t... C>
void check_all_columns(std::size_t M, std::size_t K, std::size_t pad, bool with_bias,
                       std::integer_sequence<std::size_t, C...>) {
    (check_gemm<T, C, TransposedA>(M, K, (TransposedA ? M : K) + pad, with_bias), ...);
}

const std::vector<std::size_t> row_counts{1, 2, 3, 4, 5, 6, 7, 8, 9, 64, 65};
// Beyond 256 every strip takes more than one packed panel.
const std::vector<std::size_t> depths{1, 2, 5, 31, 300};

} // namespace

TEMPLATE_TEST_CASE("gemm matches the reference for every column count, row count and depth", "[kernels][gemm]", float,
                   double) {
    for (const std::size_t M : row_counts)
        for (const std::size_t K : depths)
            for (const bool with_bias : {false, true})
                check_all_columns<TestType, false>(M, K, 0, with_bias, column_counts{});
}

TEMPLATE_TEST_CASE("gemm reads rows of A with a leading dimension larger than K", "[kernels][gemm]", float, double) {
    for (const std::size_t M : {1, 3, 5, 9, 65})
        for (const std::size_t K : {1, 7, 300}) check_all_columns<TestType, false>(M, K, 3, true, column_counts{});
}

TEMPLATE_TEST_CASE("gemm reads A transposed, as the weight gradient x^T d does", "[kernels][gemm]", float, double) {
    for (const std::size_t M : row_counts)
        for (const std::size_t K : depths)
            for (const std::size_t pad : {0, 3}) check_all_columns<TestType, true>(M, K, pad, pad == 0, column_counts{});
}

TEMPLATE_TEST_CASE("gemm with K = 0 gives the bias, or zeros", "[kernels][gemm]", float, double) {
    using T = TestType;
    const auto bias = typenet::test::uniform_values<T>(17, 9);
    for (const std::size_t M : {1, 3, 9}) {
        CAPTURE(M);
        std::vector<T> C(M * 17, T(5));
        const T a = 0, b = 0;
        const auto store = [&]<class V>(std::size_t r, std::size_t j, const V& v) { simd::store(&C[r * 17 + j], v); };
        kernels::gemm<T, 17>(M, 0, &a, 0, &b, bias.data(), store);
        for (std::size_t r = 0; r < M; ++r)
            for (std::size_t j = 0; j < 17; ++j) REQUIRE(C[r * 17 + j] == bias[j]);
        kernels::gemm<T, 17>(M, 0, &a, 0, &b, nullptr, store);
        for (const T c : C) REQUIRE(c == T(0));
    }
}

namespace {
// The same product with 1, 2 and 3 threads: the results must not differ in a single bit, and
// (with FMA) must be the fused chain.
template <class T, std::size_t Cols, bool TransposedA>
void check_threads(std::size_t M, std::size_t K) {
    CAPTURE(Cols, TransposedA, M, K);
    const std::size_t lda = TransposedA ? M : K;
    const auto A = typenet::test::uniform_values<T>((TransposedA ? K : M) * lda, 7 + M + K);
    const auto B = typenet::test::uniform_values<T>(K * Cols, 8 + Cols);
    const auto bias = typenet::test::uniform_values<T>(Cols, 9 + Cols);
    std::vector<T> one, other;
    {
        const typenet::test::with_threads threads(1);
        REQUIRE(run_gemm<T, Cols, TransposedA>(M, K, A, lda, B, bias.data(), one));
    }
    for (const std::size_t n : {2, 3}) {
        CAPTURE(n);
        const typenet::test::with_threads threads(n);
        REQUIRE(run_gemm<T, Cols, TransposedA>(M, K, A, lda, B, bias.data(), other));
        REQUIRE(same_bits(one, other));
    }
    std::vector<T> chain(M * Cols);
    kernels::reference::fused_product(A.data(), lda, TransposedA, B.data(), bias.data(), M, K, Cols, chain.data());
    if constexpr (exact) REQUIRE(same_bits(one, chain));
}
} // namespace

TEMPLATE_TEST_CASE("gemm gives bitwise the same results on 1, 2 and 3 threads", "[kernels][gemm][threads]", float,
                   double) {
    using T = TestType;
    check_threads<T, 1024, false>(64, 300);  // split by strips of columns
    check_threads<T, 1000, false>(65, 300);
    check_threads<T, 1024, false>(260, 300);  // two groups of rows: each packs every slab again
    check_threads<T, 100, false>(200, 300);  // too few strips: split by rows
    check_threads<T, 1000, false>(1, 1024);  // one row: streamed, split by columns
    check_threads<T, 1000, false>(3, 1024);
    check_threads<T, 100, true>(1000, 64);   // the weight gradient's shape
    check_threads<T, 1024, true>(300, 64);
    check_threads<T, 10, true>(3000, 64);
    // A 10-wide last layer after 1024 units, batch 64: 1.3 Mflop per product, each split by rows.
    check_threads<T, 10, false>(64, 1024);  // forward
    check_threads<T, 1024, false>(64, 10);  // input gradient, through the transposed W
    check_threads<T, 10, true>(1024, 64);   // weight gradient
}

TEMPLATE_TEST_CASE("transpose swaps rows and columns across tile boundaries", "[kernels][transpose]", float, double) {
    using T = TestType;
    for (const std::size_t rows : {1, 5, 31, 32, 33, 70})
        for (const std::size_t cols : {1, 4, 32, 45, 65}) {
            CAPTURE(rows, cols);
            const auto src = typenet::test::uniform_values<T>(rows * cols, rows * 100 + cols);
            std::vector<T> dst(rows * cols, std::numeric_limits<T>::quiet_NaN());
            kernels::transpose(src.data(), rows, cols, dst.data());
            bool same = true;
            for (std::size_t r = 0; r < rows; ++r)
                for (std::size_t c = 0; c < cols; ++c) same = same && dst[c * rows + r] == src[r * cols + c];
            REQUIRE(same);
        }
}

namespace {
template <class T, std::size_t Cols>
void check_column_sums(std::size_t rows) {
    CAPTURE(Cols, rows);
    const auto M = typenet::test::uniform_values<T>(rows * Cols, Cols * 7 + rows);
    std::vector<T> got(Cols, std::numeric_limits<T>::quiet_NaN());
    kernels::column_sums<T, Cols>(M.data(), rows, got.data());

    // The reference's bias gradient is the column sums of dz.
    const std::vector<T> x(rows, T(1)), w(Cols, T(0));
    std::vector<T> dw(Cols), want(Cols);
    kernels::reference::dense_backward(x.data(), w.data(), M.data(), rows, 1, Cols, dw.data(), want.data(),
                                       static_cast<T*>(nullptr));
    for (std::size_t j = 0; j < Cols; ++j) {
        double scale = 0;
        for (std::size_t r = 0; r < rows; ++r) scale += std::abs(double(M[r * Cols + j]));
        CAPTURE(j);
        REQUIRE(std::abs(double(got[j]) - double(want[j])) <= typenet::test::tolerance<T> * scale);
    }
}
} // namespace

TEMPLATE_TEST_CASE("column_sums matches the reference bias gradient", "[kernels][column_sums]", float, double) {
    for (const std::size_t rows : {1, 2, 3, 64})
        [&]<std::size_t... C>(std::integer_sequence<std::size_t, C...>) {
            (check_column_sums<TestType, C>(rows), ...);
        }(column_counts{});
}

// Fewer than 4 rows: a k whose inputs are all exactly 0 is skipped (its row of B is not read).
// The reference here is the fused chain without those terms, written independently of the
// kernel: bit for bit (with FMA). Against the full chain the values are equal for finite
// weights (a skipped term adds 0); an infinite weight facing a 0 input leaves the output finite
// where the full chain gives NaN, as documented at the kernel.
namespace {

template <class T, std::size_t Cols, bool TransposedA>
void check_zero_skipping(std::size_t M, std::size_t K, unsigned zero_percent, bool infinite_weights) {
    CAPTURE(Cols, TransposedA, M, K, zero_percent, infinite_weights);
    const std::size_t lda = TransposedA ? M : K;
    auto A = typenet::test::uniform_values<T>(M * K, 41 + M + K);
    const auto pick = typenet::test::uniform_values<double>(M * K, 42 + K, 0, 100);
    // Zeros of both signs; with several rows, whole columns of A zero as well as single zeros.
    const auto column_zero = typenet::test::uniform_values<double>(K, 43 + K, 0, 100);
    for (std::size_t i = 0; i < A.size(); ++i) {
        const std::size_t k = TransposedA ? i / lda : i % lda;
        if (pick[i] < zero_percent || column_zero[k] < zero_percent) A[i] = (i % 3 == 0) ? -T(0) : T(0);
    }
    auto B = typenet::test::uniform_values<T>(K * Cols, 44 + Cols);
    const auto a = [&](std::size_t m, std::size_t k) { return TransposedA ? A[k * lda + m] : A[m * lda + k]; };
    std::vector<bool> skipped(K);
    for (std::size_t k = 0; k < K; ++k) {
        bool zero = true;
        for (std::size_t m = 0; m < M; ++m) zero = zero && a(m, k) == T(0);
        skipped[k] = zero;
    }
    if (infinite_weights)
        for (std::size_t k = 0; k < K; ++k)
            if (skipped[k]) B[k * Cols + k % Cols] = std::numeric_limits<T>::infinity();
    const auto bias = typenet::test::uniform_values<T>(Cols, 45 + Cols);
    std::vector<T> C;
    REQUIRE(run_gemm<T, Cols, TransposedA>(M, K, A, lda, B, bias.data(), C));

    std::vector<T> want(M * Cols), full(M * Cols);
    for (std::size_t m = 0; m < M; ++m)
        for (std::size_t j = 0; j < Cols; ++j) {
            T s = bias[j], f = bias[j];
            for (std::size_t k = 0; k < K; ++k) {
                if (!skipped[k]) s = std::fma(a(m, k), B[k * Cols + j], s);
                f = std::fma(a(m, k), B[k * Cols + j], f);
            }
            want[m * Cols + j] = s;
            full[m * Cols + j] = f;
        }
    if constexpr (exact) REQUIRE(same_bits(C, want));
    for (std::size_t i = 0; i < C.size(); ++i) {
        CAPTURE(i, C[i], full[i]);
        REQUIRE(std::isfinite(C[i]));
        if (!infinite_weights) REQUIRE(std::abs(double(C[i]) - double(full[i])) <= 1e-12 * (1 + std::abs(double(full[i]))));
        if (exact && !infinite_weights) REQUIRE(C[i] == full[i]);
    }
}

template <class T, bool TransposedA, std::size_t... C>
void check_zero_skipping_columns(std::size_t M, std::size_t K, std::integer_sequence<std::size_t, C...>) {
    for (const unsigned percent : {0u, 50u, 90u, 100u})
        for (const bool infinite : {false, true}) (check_zero_skipping<T, C, TransposedA>(M, K, percent, infinite), ...);
}

} // namespace

TEMPLATE_TEST_CASE("gemm on fewer than 4 rows skips the k whose inputs are all 0", "[kernels][gemm][sparse]", float,
                   double) {
    for (const std::size_t M : {1, 2, 3})
        for (const std::size_t K : {1, 3, 7, 8, 9, 70, 300}) {
            check_zero_skipping_columns<TestType, false>(M, K, column_counts{});
            check_zero_skipping_columns<TestType, true>(M, K, std::integer_sequence<std::size_t, 7, 100, 1024>{});
        }
}

TEMPLATE_TEST_CASE("gemm on one row with zeros gives the same bits on 1, 2 and 3 threads", "[kernels][gemm][sparse][threads]",
                   float, double) {
    using T = TestType;
    auto x = typenet::test::uniform_values<T>(1024, 46);
    for (std::size_t i = 0; i < x.size(); ++i)
        if (i % 3 != 1) x[i] = T(0);
    const auto w = typenet::test::uniform_values<T>(1024 * 1000, 47);
    std::vector<T> one, other;
    {
        const typenet::test::with_threads threads(1);
        REQUIRE(run_gemm<T, 1000, false>(1, 1024, x, 1024, w, nullptr, one));
    }
    for (const std::size_t n : {2, 3}) {
        CAPTURE(n);
        const typenet::test::with_threads threads(n);
        REQUIRE(run_gemm<T, 1000, false>(1, 1024, x, 1024, w, nullptr, other));
        REQUIRE(same_bits(one, other));
    }
}

TEMPLATE_TEST_CASE("gemm on fewer than 4 rows never skips a NaN input", "[kernels][gemm][sparse]", float, double) {
    using T = TestType;
    for (const std::size_t at : {0, 5, 20, 299}) {
        CAPTURE(at);
        std::vector<T> x(300, T(0));
        x[at] = std::numeric_limits<T>::quiet_NaN();
        const auto w = typenet::test::uniform_values<T>(300 * 100, 48);
        std::vector<T> C;
        REQUIRE(run_gemm<T, 100, false>(1, 300, x, 300, w, nullptr, C));
        for (const T c : C) REQUIRE(std::isnan(c));
        const auto w_wide = typenet::test::uniform_values<T>(300 * 1000, 49);
        REQUIRE(run_gemm<T, 1000, false>(1, 300, x, 300, w_wide, nullptr, C));
        for (const T c : C) REQUIRE(std::isnan(c));
    }
}

} // namespace gemm_test
