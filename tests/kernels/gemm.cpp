// kernels::gemm, transpose and column_sums against the scalar reference, for float and double
// and for column counts that leave a tail for every vector width (16/8/4 floats, 8/4/2 doubles).

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

namespace {

namespace kernels = typenet::kernels;
namespace simd = typenet::simd;

using column_counts = std::integer_sequence<std::size_t, 1, 3, 7, 10, 16, 17, 33, 100>;

// C = A B (+ bias) through the kernel, every stored vector checked to lie inside C, compared
// with reference::dense_forward within a tolerance relative to sum_k |A||B| (+ |bias|).
// A is M x K with rows lda apart, or (TransposedA) K x M with rows lda apart.
template <class T, std::size_t Cols, bool TransposedA = false>
void check_gemm(std::size_t M, std::size_t K, std::size_t lda, bool with_bias) {
    CAPTURE(Cols, TransposedA, M, K, lda, with_bias);
    const auto A = typenet::test::uniform_values<T>((TransposedA ? K : M) * lda, 1 + M * 131 + K);
    const auto a = [&](std::size_t m, std::size_t k) { return TransposedA ? A[k * lda + m] : A[m * lda + k]; };
    const auto B = typenet::test::uniform_values<T>(K * Cols, 2 + Cols);
    const auto bias = typenet::test::uniform_values<T>(Cols, 3 + Cols);
    const T* b = with_bias ? bias.data() : nullptr;

    std::vector<T> C(M * Cols, std::numeric_limits<T>::quiet_NaN());
    bool in_bounds = true;
    const auto store = [&]<class V>(std::size_t r, std::size_t j, const V& v) {
        if (r >= M || j + simd::lanes<V> > Cols) {
            in_bounds = false;
            return;
        }
        simd::store(C.data() + r * Cols + j, v);
    };
    kernels::gemm<T, Cols, TransposedA>(M, K, A.data(), lda, B.data(), b, store);
    REQUIRE(in_bounds);

    std::vector<T> packed(M * K);
    for (std::size_t m = 0; m < M; ++m)
        for (std::size_t k = 0; k < K; ++k) packed[m * K + k] = a(m, k);
    std::vector<T> want(M * Cols);
    kernels::reference::dense_forward(packed.data(), B.data(), b, M, K, Cols, want.data());

    std::vector<double> abs_a(packed.begin(), packed.end()), abs_b(B.begin(), B.end());
    std::vector<double> abs_bias(bias.begin(), bias.end());
    for (auto* v : {&abs_a, &abs_b, &abs_bias})
        for (double& x : *v) x = std::abs(x);
    std::vector<double> scale(M * Cols);
    kernels::reference::dense_forward(abs_a.data(), abs_b.data(), with_bias ? abs_bias.data() : nullptr, M, K, Cols,
                                      scale.data());

    std::size_t bad = 0;
    for (std::size_t i = 0; i < C.size(); ++i) {
        const double diff = std::abs(double(C[i]) - double(want[i]));
        if (!(diff <= typenet::test::tolerance<T> * std::max(scale[i], 1e-30))) {
            if (bad++ == 0) {
                CAPTURE(i, C[i], want[i], scale[i]);
                CHECK(diff <= typenet::test::tolerance<T> * scale[i]);
            }
        }
    }
    REQUIRE(bad == 0);
}

} // namespace

TEMPLATE_TEST_CASE("gemm matches the reference for every column count, row count and depth", "[kernels][gemm]", float,
                   double) {
    for (const std::size_t M : {1, 2, 3, 4, 5, 9, 64})
        for (const std::size_t K : {1, 2, 5, 16, 31, 100})
            for (const bool with_bias : {false, true})
                [&]<std::size_t... C>(std::integer_sequence<std::size_t, C...>) {
                    (check_gemm<TestType, C>(M, K, K, with_bias), ...);
                }(column_counts{});
}

TEMPLATE_TEST_CASE("gemm reads rows of A with a leading dimension larger than K", "[kernels][gemm]", float, double) {
    for (const std::size_t M : {1, 3, 5, 9})
        for (const std::size_t K : {1, 7, 20})
            [&]<std::size_t... C>(std::integer_sequence<std::size_t, C...>) {
                (check_gemm<TestType, C>(M, K, K + 3, true), ...);
            }(column_counts{});
}

TEMPLATE_TEST_CASE("gemm reads A transposed, as the weight gradient x^T d does", "[kernels][gemm]", float, double) {
    for (const std::size_t M : {1, 2, 3, 4, 5, 9, 64})
        for (const std::size_t K : {1, 2, 5, 31, 100})
            for (const std::size_t pad : {0, 3})
                [&]<std::size_t... C>(std::integer_sequence<std::size_t, C...>) {
                    (check_gemm<TestType, C, true>(M, K, M + pad, pad == 0), ...);
                }(column_counts{});
}

TEMPLATE_TEST_CASE("gemm with K = 0 gives the bias, or zeros", "[kernels][gemm]", float, double) {
    using T = TestType;
    const auto bias = typenet::test::uniform_values<T>(17, 9);
    std::vector<T> C(3 * 17, T(5));
    const T a = 0, b = 0;
    const auto store = [&]<class V>(std::size_t r, std::size_t j, const V& v) { simd::store(&C[r * 17 + j], v); };
    kernels::gemm<T, 17>(3, 0, &a, 0, &b, bias.data(), store);
    for (std::size_t r = 0; r < 3; ++r)
        for (std::size_t j = 0; j < 17; ++j) REQUIRE(C[r * 17 + j] == bias[j]);
    kernels::gemm<T, 17>(3, 0, &a, 0, &b, nullptr, store);
    for (const T c : C) REQUIRE(c == T(0));
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
