#pragma once
// Callbacks: user code that takes part in fit. A callback is any object with one or more of
//   on_fit_begin(ctx), on_batch_end(ctx), on_epoch_end(ctx), on_fit_end(ctx)
// where ctx is a fit_context<Model>&: the model, the history so far, where training stands,
// stop(), and during on_batch_end the batch just trained. fit takes callbacks by reference after
// its options, so their state (early stopping's best weights, the plateau's scale) lives on in
// the caller's objects across calls of fit.
// A lambda becomes a callback with on_epoch_end(f) or on_batch_end(f).

#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>
#include <utility>

#include <typenet/train/history.hpp>

namespace typenet {

template <class Model>
struct fit_context {
    Model& model;
    const typenet::history& history;  // the epochs finished in this call
    std::size_t epoch = 0;            // in this call, from 1
    std::size_t batch = 0;            // in this epoch, from 1
    double batch_loss = 0;            // the last batch's data loss
    double learning_rate = 0;         // in force at the last step
    double rate_scale = 1;            // a factor on the schedule's rate, set by a callback (ReduceOnPlateau)
    // The batch just trained, valid during on_batch_end: its samples as the model took them
    // (rows x input_width values, in fit's buffer), and each row's index in the training data.
    std::span<const typename Model::value_type> batch_features{};
    std::span<const std::size_t> batch_samples{};
    bool stop_requested = false;

    // Ends training after this batch or epoch (an epoch stopped early is recorded as far as it went).
    void stop() noexcept { stop_requested = true; }
};

template <class F>
struct epoch_end_callback {
    F f;
    template <class Context>
    void on_epoch_end(Context& c) {
        f(c);
    }
};
template <class F>
struct batch_end_callback {
    F f;
    template <class Context>
    void on_batch_end(Context& c) {
        f(c);
    }
};

// f(ctx) at the end of every epoch (after validation) or of every batch (after the step).
template <class F>
epoch_end_callback<std::decay_t<F>> on_epoch_end(F&& f) {
    return {std::forward<F>(f)};
}
template <class F>
batch_end_callback<std::decay_t<F>> on_batch_end(F&& f) {
    return {std::forward<F>(f)};
}

namespace detail {

template <class C, class Context>
concept is_callback_for = requires(C& c, Context& ctx) { c.on_fit_begin(ctx); } ||
                          requires(C& c, Context& ctx) { c.on_batch_end(ctx); } ||
                          requires(C& c, Context& ctx) { c.on_epoch_end(ctx); } ||
                          requires(C& c, Context& ctx) { c.on_fit_end(ctx); };

template <class Context, class... C>
void fit_begin(Context& ctx, C&... c) {
    ([&] { if constexpr (requires { c.on_fit_begin(ctx); }) c.on_fit_begin(ctx); }(), ...);
}
template <class Context, class... C>
void batch_end(Context& ctx, C&... c) {
    ([&] { if constexpr (requires { c.on_batch_end(ctx); }) c.on_batch_end(ctx); }(), ...);
}
template <class Context, class... C>
void epoch_end(Context& ctx, C&... c) {
    ([&] { if constexpr (requires { c.on_epoch_end(ctx); }) c.on_epoch_end(ctx); }(), ...);
}
template <class Context, class... C>
void fit_end(Context& ctx, C&... c) {
    ([&] { if constexpr (requires { c.on_fit_end(ctx); }) c.on_fit_end(ctx); }(), ...);
}

} // namespace detail

} // namespace typenet
