#pragma once
// RMSProp (seed 002's note to 6.1.5, seed 003 sec. 2.7): h <- rho h + (1 - rho) g*g,
// w <- w - lr g / (sqrt(h) + eps). A moving average forgets old gradients where AdaGrad's sum
// does not. The average h is a buffer in the parameter layout, named "mean_square".

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

struct RMSProp {
    double lr = 0.01;
    double decay = 0.99;  // rho: the weight of the old average
    double eps = 1e-7;
    detail::optimizer_state<1> state{};

    std::string_view name() const noexcept { return "rmsprop"; }
    std::uint64_t step_count() const noexcept { return state.step_count(); }
    void set_step_count(std::uint64_t n) noexcept { state.set_step_count(n); }
    template <class T>
    std::vector<std::pair<std::string, std::span<T>>> state_buffers() {
        return state.template named<T>({"mean_square"});
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
        kernels::scaled_rate_update(p.data(), model.gradients().data(), state.template buffer<T>(0).data(), p.size(),
                                    static_cast<T>(rate), static_cast<T>(decay), static_cast<T>(1 - decay),
                                    static_cast<T>(eps));
    }
};

} // namespace typenet
