#pragma once
// AdaGrad (seed 002, eq. 6.5-6.6): h <- h + g*g, w <- w - lr g / (sqrt(h) + eps), eps 1e-7 as the
// seed writes it. Each parameter's rate shrinks with the gradients it has seen. The sum h is a
// buffer in the parameter layout, named "sum_of_squares".

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

struct AdaGrad {
    double lr = 0.01;
    double eps = 1e-7;
    detail::optimizer_state<1> state{};

    std::string_view name() const noexcept { return "adagrad"; }
    std::uint64_t step_count() const noexcept { return state.step_count(); }
    void set_step_count(std::uint64_t n) noexcept { state.set_step_count(n); }
    template <class T>
    std::vector<std::pair<std::string, std::span<T>>> state_buffers() {
        return state.template named<T>({"sum_of_squares"});
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
                                    static_cast<T>(rate), T(1), T(1), static_cast<T>(eps));
    }
};

} // namespace typenet
