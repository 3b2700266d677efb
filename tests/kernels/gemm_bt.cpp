// kernels::gemm_bt (C = A B^T with B stored N x Inner, as a dense layer's d W^T reads W) against
// the scalar reference, for float and double, for inner lengths with a tail for every vector
// width, output widths below, at and above one micro-kernel (4) with and without a remainder,
// row counts on both sides of every micro-kernel height, and 1, 2 and 3 threads. Each output's
// lanes are summed by one fixed tree, so a row computed alone, in a batch or on another thread
// gives the same bits.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <utility>
#include <vector>

#include <typenet/kernels/gemm_bt.hpp>
#include <typenet/kernels/reference.hpp>
#include <typenet/kernels/simd.hpp>

#include "../support/test_values.hpp"
#include "../support/threads.hpp"

namespace gemm_bt_test {

namespace {

namespace kernels = typenet::kernels;
namespace simd = typenet::simd;

using typenet::test::same_bits;

// C (M x N) = A B^T through the kernel; false if a store fell outside C.
template <class T, std::size_t N, std::size_t Inner>
bool run(std::size_t M, const T* A, std::size_t lda, const std::vector<T>& B, std::vector<T>& C) {
    C.assign(M * N, std::numeric_limits<T>::quiet_NaN());
    bool in_bounds = true;
    kernels::gemm_bt<T, N, Inner>(M, A, lda, B.data(), [&]<class V>(std::size_t m, std::size_t n, const V& v) {
        if (m >= M || n + simd::lanes<V> > N) {
            in_bounds = false;
            return;
        }
        simd::store(C.data() + m * N + n, v);
    });
    return in_bounds;
}

template <class T, std::size_t N, std::size_t Inner>
void check(std::size_t M, std::size_t pad) {
    CAPTURE(N, Inner, M, pad);
    const std::size_t lda = Inner + pad;
    // One value past the end of A: a kernel reading it would show in the results.
    auto A = typenet::test::uniform_values<T>(M * lda + 1, 5 + M * 17 + Inner);
    A.back() = std::numeric_limits<T>::quiet_NaN();
    const auto B = typenet::test::uniform_values<T>(N * Inner, 6 + N);

    std::vector<T> C;
    REQUIRE(run<T, N, Inner>(M, A.data(), lda, B, C));

    std::vector<T> want(M * N);
    kernels::reference::product_transposed_b(A.data(), lda, B.data(), M, N, Inner, want.data());
    std::vector<double> abs_a(A.begin(), A.end() - 1), abs_b(B.begin(), B.end()), scale(M * N);
    for (double& v : abs_a) v = std::abs(v);
    for (double& v : abs_b) v = std::abs(v);
    kernels::reference::product_transposed_b(abs_a.data(), lda, abs_b.data(), M, N, Inner, scale.data());
    std::size_t bad = 0;
    for (std::size_t i = 0; i < C.size(); ++i) {
        const double diff = std::abs(double(C[i]) - double(want[i]));
        if (!(diff <= typenet::test::tolerance<T> * std::max(scale[i], 1e-30)) && bad++ == 0) {
            CAPTURE(i, C[i], want[i], scale[i]);
            CHECK(diff <= typenet::test::tolerance<T> * scale[i]);
        }
    }
    REQUIRE(bad == 0);

    // Every row alone gives the bits it has in the batch.
    std::vector<T> row;
    for (std::size_t m = 0; m < M; m += std::max<std::size_t>(1, M / 5)) {
        CAPTURE(m);
        REQUIRE(run<T, N, Inner>(1, A.data() + m * lda, lda, B, row));
        REQUIRE(std::memcmp(row.data(), C.data() + m * N, N * sizeof(T)) == 0);
    }
}

template <class T, std::size_t N, std::size_t Inner>
void check_rows() {
    for (const std::size_t M : {1, 2, 3, 4, 5, 6, 7, 8, 9, 64, 65}) check<T, N, Inner>(M, M % 2 == 0 ? 0 : 3);
}

} // namespace

TEMPLATE_TEST_CASE("gemm_bt matches the reference for every shape class", "[kernels][gemm_bt]", float, double) {
    using T = TestType;
    check_rows<T, 1, 1>();
    check_rows<T, 3, 3>();
    check_rows<T, 4, 16>();
    check_rows<T, 5, 15>();
    check_rows<T, 7, 17>();
    check_rows<T, 8, 8>();
    check_rows<T, 17, 100>();
    check_rows<T, 100, 33>();
    check_rows<T, 1001, 1024>();
    check_rows<T, 1024, 1000>();
}

TEMPLATE_TEST_CASE("gemm_bt gives bitwise the same results on 1, 2 and 3 threads", "[kernels][gemm_bt][threads]", float,
                   double) {
    using T = TestType;
    const auto cases = [&]<std::size_t N, std::size_t Inner>(std::size_t M) {
        CAPTURE(N, Inner, M);
        const auto A = typenet::test::uniform_values<T>(M * Inner, 40 + N);
        const auto B = typenet::test::uniform_values<T>(N * Inner, 41 + Inner);
        std::vector<T> one, other;
        {
            const typenet::test::with_threads threads(1);
            REQUIRE(run<T, N, Inner>(M, A.data(), Inner, B, one));
        }
        for (const std::size_t n : {2, 3}) {
            CAPTURE(n);
            const typenet::test::with_threads threads(n);
            REQUIRE(run<T, N, Inner>(M, A.data(), Inner, B, other));
            REQUIRE(same_bits(one, other));
        }
    };
    cases.template operator()<1024, 300>(64);
    cases.template operator()<1001, 300>(65);  // a remainder of one column
    cases.template operator()<1003, 100>(64);
    cases.template operator()<64, 1000>(100);  // few columns: few tasks
    cases.template operator()<17, 100>(300);   // 1.02 Mflop, just above the size that splits
}

} // namespace gemm_bt_test
