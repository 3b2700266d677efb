#pragma once
// One training step with plain SGD, the update fused into the backward pass where that pays:
//
//   typenet::SGD sgd{.lr = 0.1};
//   double loss = typenet::train_step(model, sgd, x, {.labels = y});
//   double loss = typenet::train_step(model, sgd, x, {.labels = y}, rate);  // rate under a schedule
//
// The parameters after it are bit for bit those of
//   model.compute_gradients(x, targets); sgd.step(model);   (or sgd.step(model, rate))
// on any number of threads, and it returns the same loss. The difference: each Dense layer
// applies w -= rate * dw to its weights inside the weight-gradient product, while the gradient
// is in registers, so on a wide network the weights and their gradients are not read and
// written again by a separate update. Those weight gradients are therefore not written:
// after a train_step, model.gradients() holds this step's gradients of every other parameter
// (biases, other layers) but not of the Dense weights. Whatever needs the gradients themselves
// (weight penalties, clipping, monitors, other optimisers) uses compute_gradients and the
// optimiser's step, as before.

#include <array>
#include <cstddef>
#include <span>
#include <utility>

#include <typenet/core/model.hpp>
#include <typenet/core/targets.hpp>
#include <typenet/kernels/update.hpp>
#include <typenet/optim/sgd.hpp>

namespace typenet {

namespace detail {

// The parameters a stage's kernel updates itself under a fused SGD step: `fused_sgd_count`
// parameters from its first layer's first one (0 for stages that do not).
template <class R>
constexpr std::size_t fused_sgd_count_of() {
    if constexpr (requires { R::fused_sgd_count; }) return R::fused_sgd_count;
    else return 0;
}

// [offset, offset + count) of every parameter range the training pass of Net updates itself,
// in order of offset (stages follow the layers, and so the parameter buffer).
template <class Net, class T>
struct fused_sgd_ranges {
    static constexpr std::size_t stages = Net::template stages_in<mode::training>.size();
    struct range {
        std::size_t offset = 0, count = 0;
    };
    static constexpr std::array<range, stages> value = [] {
        std::array<range, stages> out{};
        [&]<std::size_t... S>(std::index_sequence<S...>) {
            ((out[S] = range{Net::parameter_offsets[stage_traits<Net, mode::training, S>::info.first],
                             [] {
                                 using R = typename stage_runner<Net, T, mode::training, S>::type;
                                 if constexpr (std::is_void_v<R>) return std::size_t{0};
                                 else return fused_sgd_count_of<R>();
                             }()}),
             ...);
        }(std::make_index_sequence<stages>{});
        return out;
    }();
};

} // namespace detail

template <class Net, class T>
double train_step(Model<Net, T>& model, SGD& sgd, std::span<const T> x, batch_targets<T> t, double rate) {
    const T r = static_cast<T>(rate);
    // At rate 0 no layer would fuse (0 means "no fused step"), and the plain step still applies
    // 0 * g (NaN for an infinite g).
    if (r == T(0)) {
        const double loss = model.compute_gradients(x, t);
        sgd.step(model, rate);
        return loss;
    }
    sgd.template prepare<T>(model.parameters().size());
    const double loss = model.compute_gradients(x, t, detail::fused_sgd<T>{r});
    sgd.state.advance();
    // The rest of the buffer: what lies between the ranges the kernels updated.
    T* p = model.parameters().data();
    const T* g = model.gradients().data();
    std::size_t at = 0;
    for (const auto& fused : detail::fused_sgd_ranges<Net, T>::value) {
        if (fused.count == 0) continue;
        if (fused.offset > at) kernels::sgd_update(p + at, g + at, fused.offset - at, r);
        at = fused.offset + fused.count;
    }
    if (at < Model<Net, T>::parameter_count) kernels::sgd_update(p + at, g + at, Model<Net, T>::parameter_count - at, r);
    return loss;
}

template <class Net, class T>
double train_step(Model<Net, T>& model, SGD& sgd, std::span<const T> x, batch_targets<T> t) {
    return train_step(model, sgd, x, t, sgd.lr);
}

} // namespace typenet
