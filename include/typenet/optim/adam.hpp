#pragma once
// Adam (seed 002 sec. 6.1.6, seed 003 sec. 2.8): moving averages of the gradient (m) and of its
// square (v), both corrected for their start at zero:
//   m <- b1 m + (1 - b1) g,  v <- b2 v + (1 - b2) g*g,
//   w <- w - lr m^ / (sqrt(v^) + eps),  m^ = m / (1 - b1^t),  v^ = v / (1 - b2^t),
// with t the step number from 1. m and v are buffers in the parameter layout, named "m" and
// "v"; the seeds warn that they belong with the weights when training is to be resumed.

#include <array>
#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <typenet/kernels/optimizers.hpp>
#include <typenet/optim/optimizer_state.hpp>

namespace typenet {

namespace detail {
// One Adam step over [offset, offset + size) of the parameters, with the decoupled decay
// factor `decay` (1 for none).
template <class T>
void adam_range(T* p, const T* g, T* m, T* v, std::size_t offset, std::size_t size, const kernels::adam_scalars<T>& k) {
    kernels::adam_update(p + offset, g + offset, m + offset, v + offset, size, k);
}

// The step's scalars for step t at `rate`: the bias corrections folded into a and s.
template <class T>
kernels::adam_scalars<T> adam_scalars_for(std::uint64_t t, double rate, double beta1, double beta2, double eps) {
    const double td = static_cast<double>(t);
    return {static_cast<T>(beta1), static_cast<T>(beta2), static_cast<T>(rate / (1 - std::pow(beta1, td))),
            static_cast<T>(1 / std::sqrt(1 - std::pow(beta2, td))), static_cast<T>(eps), T(1)};
}
} // namespace detail

struct Adam {
    double lr = 0.001;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    detail::optimizer_state<2> state{};

    std::string_view name() const noexcept { return "adam"; }
    std::uint64_t step_count() const noexcept { return state.step_count(); }
    void set_step_count(std::uint64_t n) noexcept { state.set_step_count(n); }
    template <class T>
    std::vector<std::pair<std::string, std::span<T>>> state_buffers() {
        return state.template named<T>({"m", "v"});
    }
    template <class T>
    void prepare(std::size_t parameter_count) {
        state.template prepare<T>(parameter_count, name());
    }

    template <class Model>
    void step(Model& model) {
        step(model, lr);
    }
    template <class Model>
    void step(Model& model, double rate) {
        using T = typename Model::value_type;
        auto p = model.parameters();
        prepare<T>(p.size());
        const auto k = detail::adam_scalars_for<T>(state.advance(), rate, beta1, beta2, eps);
        detail::adam_range(p.data(), model.gradients().data(), state.template buffer<T>(0).data(),
                           state.template buffer<T>(1).data(), 0, p.size(), k);
    }
};

} // namespace typenet
