// Orthogonal: orthonormal columns (tall and square) or rows (wide) to 1e-5 in float and 1e-12
// in double, the gain, and the distribution: Haar, which a QR without the sign correction is not.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <type_traits>
#include <vector>

#include <typenet/init/orthogonal.hpp>

#include "statistics.hpp"

namespace orthogonal_test {

namespace {

using namespace typenet;
using namespace typenet::test;

template <class T>
constexpr double orthogonality_tolerance = std::is_same_v<T, float> ? 1e-5 : 1e-12;

// The largest entry of W^T W - gain^2 I (fan_in >= fan_out) or W W^T - gain^2 I (wide), in double.
template <class T>
double gram_error(const std::vector<T>& w, std::size_t fan_in, std::size_t fan_out, double gain) {
    const bool tall = fan_in >= fan_out;
    const std::size_t n = tall ? fan_out : fan_in;   // the Gram matrix is n x n
    const std::size_t m = tall ? fan_in : fan_out;   // summed over
    auto at = [&](std::size_t vector, std::size_t entry) {  // entry of the vector-th column (tall) or row (wide)
        return tall ? double(w[entry * fan_out + vector]) : double(w[vector * fan_out + entry]);
    };
    double worst = 0;
    for (std::size_t a = 0; a < n; ++a)
        for (std::size_t b = 0; b < n; ++b) {
            double s = 0;
            for (std::size_t k = 0; k < m; ++k) s += at(a, k) * at(b, k);
            worst = std::max(worst, std::abs(s - (a == b ? gain * gain : 0.0)));
        }
    return worst;
}

} // namespace

TEMPLATE_TEST_CASE("Orthogonal has orthonormal columns or rows, whichever are fewer", "[init][orthogonal]", float,
                   double) {
    using T = TestType;
    const auto [fan_in, fan_out] = GENERATE(table<std::size_t, std::size_t>(
        {{64, 64}, {300, 100}, {100, 300}, {1, 1}, {1, 40}, {40, 1}, {33, 32}}));
    CAPTURE(fan_in, fan_out);
    const auto w = draw<Orthogonal, T>(fan_in, fan_out, 5);
    CHECK(gram_error(w, fan_in, fan_out, 1.0) <= orthogonality_tolerance<T>);
    const auto scaled = draw<ScaledOrthogonal<2.0>, T>(fan_in, fan_out, 5);
    CHECK(gram_error(scaled, fan_in, fan_out, 2.0) <= 4 * orthogonality_tolerance<T>);
    // The gain scales the same draw.
    for (std::size_t i = 0; i < w.size(); ++i) REQUIRE(scaled[i] == 2 * w[i]);
}

TEST_CASE("Orthogonal draws differ with the seed", "[init][orthogonal]") {
    const auto a = draw<Orthogonal, double>(50, 30, 1);
    const auto b = draw<Orthogonal, double>(50, 30, 2);
    std::size_t same = 0;
    for (std::size_t i = 0; i < a.size(); ++i) same += a[i] == b[i];
    CHECK(same == 0);
}

// For Q Haar on the m x n matrices with orthonormal columns, flipping the sign of one row keeps
// the distribution, so E Q_ij = 0 and diagonal entries are uncorrelated; E Q_ij^2 = 1/m. The
// mean of the n diagonal entries over D draws then has standard error 1/sqrt(m n D). Without
// the sign correction a Householder QR makes every Q_jj negative on average (about -0.3 here).
// For square Q, tr Q has mean 0 and E (tr Q)^2 = 1 (Diaconis and Shahshahani), E (tr Q)^4 = 3
// for n >= 4, so the mean of (tr Q)^2 over D draws has standard error sqrt(2/D).
TEST_CASE("Orthogonal is Haar distributed: no sign bias on the diagonal, trace moments", "[init][orthogonal]") {
    constexpr std::size_t draws = 2000;
    const auto [fan_in, fan_out] = GENERATE(table<std::size_t, std::size_t>({{6, 6}, {8, 3}, {3, 8}}));
    CAPTURE(fan_in, fan_out);
    const std::size_t m = std::max(fan_in, fan_out), n = std::min(fan_in, fan_out);
    rng g{seed{11}};
    std::vector<double> w(fan_in * fan_out);
    double diagonal_sum = 0, trace_squares = 0;  // the "trace" of a non-square W: sum of W_jj
    for (std::size_t d = 0; d < draws; ++d) {
        Orthogonal::fill(std::span<double>{w}, fan_in, fan_out, g);
        double trace = 0;
        for (std::size_t j = 0; j < n; ++j) trace += w[j * fan_out + j];
        diagonal_sum += trace;
        trace_squares += trace * trace;
    }
    const double diagonal_mean = diagonal_sum / double(draws * n);
    const double diagonal_se = 1 / std::sqrt(double(m * n * draws));
    CAPTURE(diagonal_mean, diagonal_se);
    CHECK(std::abs(diagonal_mean) <= standard_errors * diagonal_se);
    if (m == n) {
        const double trace_mean = diagonal_sum / draws, trace_square_mean = trace_squares / draws;
        CAPTURE(trace_mean, trace_square_mean);
        CHECK(std::abs(trace_mean) <= standard_errors / std::sqrt(double(draws)));  // Var tr Q = 1
        CHECK(std::abs(trace_square_mean - 1) <= standard_errors * std::sqrt(2.0 / draws));
    }
}

} // namespace orthogonal_test
