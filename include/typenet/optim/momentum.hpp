#pragma once
// Momentum and Nesterov momentum, with the velocity v as a buffer in the parameter layout,
// named "velocity":
//   Momentum (seed 002, eq. 6.3-6.4)  v <- mu v - lr g,  w <- w + v
//   Nesterov                          v <- mu v - lr g,  w <- w + mu v - lr g
// Nesterov's step takes the gradient step again from the point the velocity leads to; it is
// the same update as w <- w - mu v_old + (1 + mu) v and as PyTorch's SGD(nesterov=True).

#include <array>
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
template <bool LookAhead>
struct momentum_optimizer {
    double lr = 0.01;
    double momentum = 0.9;  // mu: the fraction of the velocity kept from one step to the next
    detail::optimizer_state<1> state{};

    std::string_view name() const noexcept { return LookAhead ? "nesterov" : "momentum"; }
    std::uint64_t step_count() const noexcept { return state.step_count(); }
    void set_step_count(std::uint64_t n) noexcept { state.set_step_count(n); }
    template <class T>
    std::vector<std::pair<std::string, std::span<T>>> state_buffers() {
        return state.template named<T>({"velocity"});
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
        state.advance();
        T* const v = state.template buffer<T>(0).data();
        const T r = static_cast<T>(rate), mu = static_cast<T>(momentum);
        if constexpr (LookAhead) kernels::nesterov_update(p.data(), model.gradients().data(), v, p.size(), r, mu);
        else kernels::momentum_update(p.data(), model.gradients().data(), v, p.size(), r, mu);
    }
};
} // namespace detail

using Momentum = detail::momentum_optimizer<false>;
using Nesterov = detail::momentum_optimizer<true>;

} // namespace typenet
