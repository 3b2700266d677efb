#pragma once
// typenet::gradient_check: compares the gradients a model computes by back-propagation with
// centred differences of its loss, (L(w + h) - L(w - h)) / 2h, one parameter at a time. It
// needs no layer-specific code, so it tests every layer (built-in or user-written) against
// its contract. The loss is evaluated in a training pass at the step compute_gradients used, so
// batch statistics are the batch's and every dropout mask is the same in all evaluations.
//
// How to read the result (the seeds' rule of thumb for the relative error
// |a - n| / max(|a|, |n|) in double precision): above 1e-2 the gradient is wrong; near 1e-7
// or below it is right. A ReLU input within h of zero (the kink) would make a correct gradient
// look wrong: such parameters are found by their one-sided differences and skipped (counted in
// `kinks`). Dropout or any other randomness in the loss would too; the masks are held fixed.
//
//   Model<Network<Input<5>, Dense<5, 3>, Tanh, Dense<3, 2>, MeanSquaredError>, double> m{seed{1}};
//   auto r = gradient_check(m, x, {.values = y});
//   // r.max_relative_error < 1e-6; r.tensors[i]: each named tensor's worst error and verdict

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <numeric>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <typenet/core/model.hpp>
#include <typenet/core/rng.hpp>
#include <typenet/core/targets.hpp>
#include <typenet/core/tensor.hpp>

namespace typenet {

struct gradient_check_options {
    double step = 1e-6;              // h
    std::size_t max_parameters = 0;  // 0: check all; otherwise a seeded random sample of this many
    std::uint64_t seed = 0;          // chooses the sample
    // Gradients below this on both sides count as equal: a parameter the loss does not depend
    // on (a bias just before BatchNorm) has an analytic gradient of 0 and a numeric one of
    // rounding noise, ~1e-16 / h.
    double zero = 1e-9;
    // A kink (a ReLU input, a hinge margin or a max within h of its switch) makes the centred
    // difference average two slopes. It shows as one-sided differences (L(w+h) - L(w)) / h and
    // (L(w) - L(w-h)) / h that disagree by more than kink_tolerance of the larger one (plus
    // 10 h, what a smooth loss of curvature up to 10 gives); such parameters are skipped.
    bool skip_kinks = true;
    double kink_tolerance = 1e-2;
};

// The seeds' reading of a relative error: above 1e-2 the gradient is wrong, below 1e-7 it is
// right; between, it is right for a deep network and doubtful for a shallow one.
enum class gradient_verdict { good, doubtful, wrong };

inline gradient_verdict judge_gradient(double relative_error) noexcept {
    if (!(relative_error <= 1e-2)) return gradient_verdict::wrong;  // NaN is wrong too
    return relative_error < 1e-7 ? gradient_verdict::good : gradient_verdict::doubtful;
}

constexpr std::string_view verdict_name(gradient_verdict v) noexcept {
    switch (v) {
    case gradient_verdict::good: return "good";
    case gradient_verdict::doubtful: return "doubtful";
    case gradient_verdict::wrong: return "wrong";
    }
    return "?";
}

// One named tensor's share of a gradient check.
struct tensor_gradient_check {
    std::string name;               // e.g. "dense_1.weight"
    double max_relative_error = 0;  // over its checked parameters, kinks skipped
    std::size_t worst_index = 0;    // within the tensor
    double analytic = 0;            // the two gradients at worst_index
    double numeric = 0;
    std::size_t checked = 0;        // parameters compared (kinks not counted)
    std::size_t kinks = 0;          // parameters skipped because a kink lies within h
    gradient_verdict verdict = gradient_verdict::good;
};

struct gradient_check_result {
    double max_relative_error = 0;  // the worst |a - n| / max(|a|, |n|) over the checked parameters
    std::size_t worst_index = 0;    // where it occurred, as an index into model.parameters()
    double analytic = 0;            // the two gradients at worst_index
    double numeric = 0;
    std::size_t checked = 0;        // how many parameters were checked
    std::size_t kinks = 0;          // how many were skipped as kinks (not in checked)
    std::vector<tensor_gradient_check> tensors;  // per named tensor, in the network's order

    gradient_verdict verdict() const noexcept { return judge_gradient(max_relative_error); }
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

// The numeric gradient at one parameter, and whether a kink lies within h of it.
struct probe {
    std::size_t index = 0;
    double numeric = 0;
    bool kink = false;
};

// Centred differences of `loss()` (which reads `params`) at the given indices; with
// `base_loss` (the loss at the unperturbed parameters) also the kink test of
// gradient_check_options. Every parameter is restored to its exact original value.
template <class Loss>
std::vector<probe> probe_gradients(std::span<double> params, const std::vector<std::size_t>& indices, double step,
                                   Loss&& loss, const gradient_check_options* kinks = nullptr, double base_loss = 0) {
    std::vector<probe> out;
    out.reserve(indices.size());
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
        probe p{i, (l_up - l_down) / (up - down), false};
        if (kinks) {
            const double ahead = (l_up - base_loss) / (up - w);
            const double behind = (base_loss - l_down) / (w - down);
            const double gap = std::abs(ahead - behind);
            p.kink = gap > kinks->kink_tolerance * std::max(std::abs(ahead), std::abs(behind)) + 10 * step;
        }
        out.push_back(p);
    }
    return out;
}

// Folds probes that are not kinks into the worst relative error against `analytic`.
inline void fold_probe(gradient_check_result& r, const probe& p, double analytic, double zero) {
    if (p.kink) {
        ++r.kinks;
        return;
    }
    const double err =
        std::abs(analytic) < zero && std::abs(p.numeric) < zero ? 0.0 : relative_error(analytic, p.numeric);
    if (r.checked == 0 || err > r.max_relative_error) {
        r.max_relative_error = err;
        r.worst_index = p.index;
        r.analytic = analytic;
        r.numeric = p.numeric;
    }
    ++r.checked;
}

// Compares `analytic` with centred differences of `loss()` (which reads `params`) at the
// given indices, without the kink test. Every parameter is restored to its exact original value.
template <class Loss>
gradient_check_result compare_gradients(std::span<double> params, std::span<const double> analytic,
                                        const std::vector<std::size_t>& indices, double step, Loss&& loss,
                                        double zero = 0) {
    gradient_check_result r;
    for (const probe& p : probe_gradients(params, indices, step, loss)) fold_probe(r, p, analytic[p.index], zero);
    return r;
}

} // namespace detail

// Checks model.compute_gradients against centred differences of model.loss on the batch
// (x, t), overall and per named tensor. Leaves the parameters exactly as they were and
// model.gradients() holding the analytic gradient. Costs two forward passes per checked
// parameter: use a few rows (fewer kinks, as the seeds advise), and opts.max_parameters on
// large networks.
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
        const auto loss = [&] { return model.loss(x, t, training); };
        const double base = opts.skip_kinks ? loss() : 0.0;
        const auto probes =
            detail::probe_gradients(model.parameters(), indices, opts.step, loss, opts.skip_kinks ? &opts : nullptr, base);

        gradient_check_result r;
        for (const tensor_info& info : Net::tensors) {
            if (!info.trained()) continue;
            gradient_check_result part;
            for (const detail::probe& p : probes)
                if (p.index >= info.offset && p.index < info.offset + info.size())
                    detail::fold_probe(part, p, analytic[p.index], opts.zero);
            r.tensors.push_back({info.full_name(), part.max_relative_error, part.worst_index - info.offset,
                                 part.analytic, part.numeric, part.checked, part.kinks,
                                 judge_gradient(part.max_relative_error)});
            if (part.checked == 0) r.tensors.back().worst_index = 0;
        }
        for (const detail::probe& p : probes) detail::fold_probe(r, p, analytic[p.index], opts.zero);
        return r;
    } else {
        return {};
    }
}

// The per-tensor table a person reads:
//   dense_1.weight   max rel. error 3.1e-10  good      (12 checked, 0 kinks)
inline std::string format_gradient_check(const gradient_check_result& r) {
    std::size_t name_width = 6;
    for (const auto& t : r.tensors) name_width = std::max(name_width, t.name.size());
    std::string out;
    char line[160];
    for (const auto& t : r.tensors) {
        std::snprintf(line, sizeof line, "%-*s  max rel. error %8.2e  %-8s  (%zu checked, %zu kinks)\n",
                      static_cast<int>(name_width), t.name.c_str(), t.max_relative_error,
                      std::string(verdict_name(t.verdict)).c_str(), t.checked, t.kinks);
        out += line;
    }
    std::snprintf(line, sizeof line, "%-*s  max rel. error %8.2e  %-8s  (%zu checked, %zu kinks)\n",
                  static_cast<int>(name_width), "all", r.max_relative_error,
                  std::string(verdict_name(r.verdict())).c_str(), r.checked, r.kinks);
    out += line;
    return out;
}

} // namespace typenet
