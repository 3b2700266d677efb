#pragma once
// AdamW: Adam with decoupled weight decay. Before Adam's step the selected tensors shrink by
// w <- (1 - lr * weight_decay) w, outside the moment estimates, so the decay is not rescaled
// by 1 / sqrt(v) as an L2 term in the gradient would be (Loshchilov and Hutter; PyTorch's
// AdamW). By default only weights decay; the same fused pass covers every parameter.

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <typenet/optim/adam.hpp>
#include <typenet/optim/optimizer_state.hpp>
#include <typenet/optim/role_set.hpp>

namespace typenet {

struct AdamW {
    double lr = 0.001;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    double weight_decay = 0.01;
    role_set decays = {tensor_role::weight};  // the roles whose tensors decay
    detail::optimizer_state<2> state{};

    std::string_view name() const noexcept { return "adamw"; }
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
        const auto plain = detail::adam_scalars_for<T>(state.advance(), rate, beta1, beta2, eps);
        auto decayed = plain;
        decayed.decay = static_cast<T>(1 - rate * weight_decay);
        T* const g = model.gradients().data();
        T* const m = state.template buffer<T>(0).data();
        T* const v = state.template buffer<T>(1).data();
        // The selected ranges with the decay, the gaps between them without: one pass in all.
        std::size_t done = 0;
        detail::for_each_selected_range<typename Model::network>(decays, [&](std::size_t offset, std::size_t size) {
            detail::adam_range(p.data(), g, m, v, done, offset - done, plain);
            detail::adam_range(p.data(), g, m, v, offset, size, decayed);
            done = offset + size;
        });
        detail::adam_range(p.data(), g, m, v, done, p.size() - done, plain);
    }
};

} // namespace typenet
