#pragma once
// Nesterov momentum: v <- mu v - lr g, w <- w + mu v - lr g: the gradient step is taken again from
// the point the velocity leads to. The same update as w <- w - mu v_old + (1 + mu) v and as
// PyTorch's SGD(nesterov=True). The velocity is named "velocity".

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

struct Nesterov {
    double lr = 0.01;
    double momentum = 0.9;  // mu: the fraction of the velocity kept from one step to the next
    detail::optimizer_state<1> state{};

    std::string_view name() const noexcept { return "nesterov"; }
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
        kernels::nesterov_update(p.data(), model.gradients().data(), state.template buffer<T>(0).data(), p.size(),
                                 static_cast<T>(rate), static_cast<T>(momentum));
    }
};

} // namespace typenet
