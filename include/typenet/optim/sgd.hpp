#pragma once
// Plain stochastic gradient descent: w <- w - lr * dL/dw over the whole parameter buffer.

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <typenet/kernels/update.hpp>
#include <typenet/optim/optimizer_state.hpp>

namespace typenet {

struct SGD {
    double lr = 0.01;
    detail::optimizer_state<0> state{};  // a step count, no buffers

    std::string_view name() const noexcept { return "sgd"; }
    std::uint64_t step_count() const noexcept { return state.step_count(); }
    void set_step_count(std::uint64_t n) noexcept { state.set_step_count(n); }
    template <class T>
    std::vector<std::pair<std::string, std::span<T>>> state_buffers() {
        return state.template named<T>({});
    }
    template <class T>
    void prepare(std::size_t parameter_count) {
        state.template prepare<T>(parameter_count, name());
    }

    // One step at the rate `lr`, or at `rate` (the rate in force under a schedule).
    template <class Model>
    void step(Model& model) {
        step(model, lr);
    }
    template <class Model>
    void step(Model& model, double rate) {
        prepare<typename Model::value_type>(model.parameters().size());
        state.advance();
        update(model, rate);
    }
    // A const SGD steps without counting: it has nothing else to keep.
    template <class Model>
    void step(Model& model) const {
        update(model, lr);
    }

private:
    template <class Model>
    static void update(Model& model, double rate) {
        using T = typename Model::value_type;
        auto p = model.parameters();
        kernels::sgd_update(p.data(), model.gradients().data(), p.size(), static_cast<T>(rate));
    }
};

} // namespace typenet
