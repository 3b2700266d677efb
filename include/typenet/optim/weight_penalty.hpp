#pragma once
// Weight penalties: a term added to the mean data loss whose gradient is added to the
// gradients before the optimiser's step. The seeds write L2 two ways, so each way has a name:
//   L2       (1/2) lambda sum w^2        gradient lambda w         (seed 002, Saito; PyTorch's weight_decay)
//   L2OverN  lambda / (2n) sum w^2       gradient (lambda / n) w   (seed 001, Nielsen; n = training samples)
//   L1       lambda sum |w|              gradient lambda sign(w)
//   L1OverN  lambda / n sum |w|          gradient (lambda / n) sign(w)   (seed 001)
// Each acts on the tensors whose role is in `roles`: the weights alone by default.

#include <cmath>
#include <cstddef>
#include <string>
#include <type_traits>
#include <variant>

#include <typenet/core/error.hpp>
#include <typenet/kernels/regularization.hpp>
#include <typenet/optim/role_set.hpp>

namespace typenet {

struct L2 {
    double lambda = 0;
    role_set roles = {tensor_role::weight};
};
struct L2OverN {
    double lambda = 0;
    role_set roles = {tensor_role::weight};
};
struct L1 {
    double lambda = 0;
    role_set roles = {tensor_role::weight};
};
struct L1OverN {
    double lambda = 0;
    role_set roles = {tensor_role::weight};
};

// No penalty, or one of the four: `.penalty = tn::L2{.lambda = 0.1}` in fit's options.
using weight_penalty = std::variant<std::monostate, L2, L2OverN, L1, L1OverN>;

namespace detail {

struct penalty_terms {
    bool squared = true;   // L2 (else L1)
    double coefficient = 0;  // c in the gradient c w or c sign(w); the value is c/2 sum w^2 or c sum |w|
    role_set roles = {};
};

// The penalty's form for a training set of n samples (none: a zero coefficient).
inline penalty_terms terms_of(const weight_penalty& p, std::size_t n) {
    return std::visit(
        [&]<class P>(const P& q) -> penalty_terms {
            if constexpr (std::is_same_v<P, std::monostate>) {
                return {};
            } else {
                if (!std::isfinite(q.lambda) || q.lambda < 0)
                    throw error("weight penalty: expected a finite lambda of at least 0, found " + std::to_string(q.lambda));
                constexpr bool over_n = std::is_same_v<P, L2OverN> || std::is_same_v<P, L1OverN>;
                if (over_n && n == 0) throw error("weight penalty: expected a training set of at least 1 sample, found 0");
                const double c = over_n ? q.lambda / static_cast<double>(n) : q.lambda;
                return {std::is_same_v<P, L2> || std::is_same_v<P, L2OverN>, c, q.roles};
            }
        },
        p);
}

} // namespace detail

// Adds the penalty's gradient to model.gradients() and returns the penalty's value (n: the
// number of training samples, used by the OverN forms). One pass over the selected tensors.
template <class Model>
double add_penalty_gradient(Model& model, const weight_penalty& p, std::size_t n) {
    using T = typename Model::value_type;
    const detail::penalty_terms k = detail::terms_of(p, n);
    if (k.coefficient == 0) return 0;
    const T* w = model.parameters().data();
    T* g = model.gradients().data();
    const T c = static_cast<T>(k.coefficient);
    double sum = 0;
    detail::for_each_selected_range<typename Model::network>(k.roles, [&](std::size_t offset, std::size_t size) {
        sum += k.squared ? kernels::add_l2_gradient(w + offset, g + offset, size, c)
                         : kernels::add_l1_gradient(w + offset, g + offset, size, c);
    });
    return k.squared ? k.coefficient / 2 * sum : k.coefficient * sum;
}

// The penalty's value alone, for the model's current parameters.
template <class Model>
double penalty_value(const Model& model, const weight_penalty& p, std::size_t n) {
    const detail::penalty_terms k = detail::terms_of(p, n);
    double sum = 0;
    const auto w = model.parameters();
    detail::for_each_selected_range<typename Model::network>(k.roles, [&](std::size_t offset, std::size_t size) {
        for (std::size_t i = offset; i < offset + size; ++i) {
            const double x = static_cast<double>(w[i]);
            sum += k.squared ? x * x : std::abs(x);
        }
    });
    return k.squared ? k.coefficient / 2 * sum : k.coefficient * sum;
}

} // namespace typenet
