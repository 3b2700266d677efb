#pragma once
// Gradient clipping, applied to the whole gradient buffer after the penalty and before the
// optimiser's step:
//   ClipByValue{c}  every gradient value into [-c, c]
//   ClipByNorm{c}   the whole gradient scaled by c / ||g|| when its global norm ||g|| exceeds c
//                   (its direction kept)

#include <cmath>
#include <string>
#include <type_traits>
#include <variant>

#include <typenet/core/error.hpp>
#include <typenet/kernels/regularization.hpp>

namespace typenet {

struct ClipByValue {
    double max = 1;
};
struct ClipByNorm {
    double max = 1;
};

// No clipping, or one of the two: `.clip = tn::ClipByNorm{5}` in fit's options.
using gradient_clipping = std::variant<std::monostate, ClipByValue, ClipByNorm>;

// Clips model.gradients() in place. ClipByNorm returns the global norm before clipping; the
// others return NaN (no norm is computed).
template <class Model>
double clip_gradients(Model& model, const gradient_clipping& clip) {
    using T = typename Model::value_type;
    auto g = model.gradients();
    return std::visit(
        [&]<class C>(const C& c) -> double {
            if constexpr (std::is_same_v<C, std::monostate>) {
                return std::nan("");
            } else {
                if (!(c.max > 0) || !std::isfinite(c.max))
                    throw error("gradient clipping: expected a finite bound above 0, found " + std::to_string(c.max));
                if constexpr (std::is_same_v<C, ClipByValue>) {
                    kernels::clip_values(g.data(), g.size(), static_cast<T>(c.max));
                    return std::nan("");
                } else {
                    const double norm = std::sqrt(kernels::sum_of_squares(g.data(), g.size()));
                    if (norm > c.max) kernels::scale(g.data(), g.size(), static_cast<T>(c.max / norm));
                    return norm;
                }
            }
        },
        clip);
}

} // namespace typenet
