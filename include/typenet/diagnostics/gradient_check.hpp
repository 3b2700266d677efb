#pragma once
// typenet::gradient_check: compares the gradients a model computes by back-propagation with
// centred differences of its loss, (L(w + h) - L(w - h)) / 2h, one parameter at a time. It
// needs no layer-specific code, so it tests every layer (built-in or user-written) against
// its contract. The loss is evaluated in a training pass at the step compute_gradients used, so
// batch statistics are the batch's and every dropout mask is the same in all evaluations.
//
// How to read the result (the seeds' rule of thumb for the relative error
// |a - n| / max(|a|, |n|) in double precision): above 1e-2 the gradient is wrong; near 1e-7
// or below it is right. A ReLU input within h of zero (the kink) can make a correct gradient
// look wrong; so can dropout or any other randomness in the loss.
//
//   Model<Network<Input<5>, Dense<5, 3>, Tanh, Dense<3, 2>, MeanSquaredError>, double> m{seed{1}};
//   auto r = gradient_check(m, x.data(), rows, {.values = y.data()});
//   // r.max_relative_error < 1e-6

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include <typenet/core/model.hpp>
#include <typenet/core/rng.hpp>
#include <typenet/core/targets.hpp>

namespace typenet {

struct gradient_check_options {
    double step = 1e-6;              // h
    std::size_t max_parameters = 0;  // 0: check all; otherwise a seeded random sample of this many
    std::uint64_t seed = 0;          // chooses the sample
    // Gradients below this on both sides count as equal: a parameter the loss does not depend
    // on (a bias just before BatchNorm) has an analytic gradient of 0 and a numeric one of
    // rounding noise, ~1e-16 / h.
    double zero = 1e-9;
};

struct gradient_check_result {
    double max_relative_error = 0;  // the worst |a - n| / max(|a|, |n|) over the checked parameters
    std::size_t worst_index = 0;    // where it occurred, as an index into model.parameters()
    double analytic = 0;            // the two gradients at worst_index
    double numeric = 0;
    std::size_t checked = 0;        // how many parameters were checked
};

namespace detail {

// |a - n| / max(|a|, |n|); 0 when both are 0 (a parameter the loss does not depend on, such
// as a weight into a dead ReLU). A NaN on either side counts as infinitely wrong.
inline double relative_error(double analytic, double numeric) noexcept {
    if (std::isnan(analytic) || std::isnan(numeric)) return std::numeric_limits<double>::infinity();
    const double scale = std::max(std::abs(analytic), std::abs(numeric));
    if (scale == 0) return 0;
    return std::abs(analytic - numeric) / scale;
}

// The indices to check: all n, or k distinct ones drawn by a partial Fisher-Yates shuffle
// from a stream seeded by s, in ascending order.
inline std::vector<std::size_t> parameters_to_check(std::size_t n, std::size_t k, std::uint64_t s) {
    std::vector<std::size_t> all(n);
    std::iota(all.begin(), all.end(), std::size_t{0});
    if (k == 0 || k >= n) return all;
    rng g{seed{s}};
    for (std::size_t i = 0; i < k; ++i) std::swap(all[i], all[i + g.below(n - i)]);
    all.resize(k);
    std::sort(all.begin(), all.end());
    return all;
}

// Compares `analytic` with centred differences of `loss()` (which reads `params`) at the
// given indices. Every parameter is restored to its exact original value afterwards.
template <class Loss>
gradient_check_result compare_gradients(std::span<double> params, std::span<const double> analytic,
                                        const std::vector<std::size_t>& indices, double step, Loss&& loss,
                                        double zero = 0) {
    gradient_check_result r;
    for (const std::size_t i : indices) {
        const double w = params[i];
        const double up = w + step;
        const double down = w - step;
        params[i] = up;
        const double l_up = loss();
        params[i] = down;
        const double l_down = loss();
        params[i] = w;
        // Divide by the step actually taken: w + h and w - h are rounded to the doubles near w,
        // so up - down differs from 2h, the more so the larger |w| is against h.
        const double numeric = (l_up - l_down) / (up - down);
        const double err = std::abs(analytic[i]) < zero && std::abs(numeric) < zero ? 0.0 : relative_error(analytic[i], numeric);
        if (r.checked == 0 || err > r.max_relative_error) {
            r.max_relative_error = err;
            r.worst_index = i;
            r.analytic = analytic[i];
            r.numeric = numeric;
        }
        ++r.checked;
    }
    return r;
}

} // namespace detail

// Checks model.compute_gradients against centred differences of model.loss on the batch
// (x, t). Leaves the parameters exactly as they were and model.gradients() holding the
// analytic gradient. Costs two forward passes per checked parameter: use a few rows, and
// opts.max_parameters on large networks.
template <class Net, class T>
gradient_check_result gradient_check(Model<Net, T>& model, std::span<const std::type_identity_t<T>> x,
                                     std::type_identity_t<batch_targets<T>> t, gradient_check_options opts = {}) {
    // T is deduced from the model alone, so that a float model reaches this message rather
    // than a failed overload resolution.
    static_assert(std::is_same_v<T, double>,
                  "gradient_check needs Model<Net, double>: centred differences in float are too coarse");
    static_assert(!std::is_same_v<T, double> || Net::has_loss,
                  "gradient_check needs a network whose last layer is a loss");
    if constexpr (std::is_same_v<T, double> && Net::has_loss) {
        model.compute_gradients(x, t);
        // A copy: the loss evaluations below may not touch gradients(), but the comparison
        // must not depend on that.
        const std::vector<double> analytic(model.gradients().begin(), model.gradients().end());
        const auto indices = detail::parameters_to_check(analytic.size(), opts.max_parameters, opts.seed);
        return detail::compare_gradients(model.parameters(), analytic, indices, opts.step,
                                         [&] { return model.loss(x, t, training); }, opts.zero);
    } else {
        return {};
    }
}

} // namespace typenet
