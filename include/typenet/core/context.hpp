#pragma once
// What a pass hands to the layers' kernels: the model's buffers, and the seed and step that
// key the counter-based random numbers. Each layer finds its own tensors at compile-time
// offsets into these buffers (see `layer_slot`).

#include <cstddef>
#include <cstdint>

#include <typenet/core/counter_rng.hpp>
#include <typenet/core/mode.hpp>

namespace typenet {

template <class T>
struct run_context {
    const T* params = nullptr;  // the model's parameter buffer
    T* grads = nullptr;         // its gradient buffer (backward passes)
    T* state = nullptr;         // its state buffer (running statistics)
    std::uint64_t seed = 0;     // the model's seed
    std::uint64_t step = 0;     // the training step (keys dropout masks)
    bool update_state = false;  // a training forward pass that advances running statistics
    // A backward pass of train_step with plain SGD at this rate (0: none). A kernel layer that
    // can apply w -= rate * dw while dw is in registers does so and writes no gradient for w.
    T sgd_rate = T(0);
};

// What an element-wise layer with parameters, state or randomness sees for one vector: the
// element at (row, col) and the lanes after it in the same row.
template <class T, mode M>
struct pointwise_context {
    static constexpr mode pass = M;
    const T* params;     // this layer's parameters
    T* grads;            // their gradients (accumulate: several rows add to one parameter)
    const T* state;      // this layer's state
    std::uint64_t key;   // this layer's random key for this step
    std::size_t row;
    std::size_t col;
    std::size_t width;   // values per row at this layer
};

namespace detail {

// The rate of a plain SGD step applied during the backward pass (Model::compute_gradients).
template <class T>
struct fused_sgd {
    T rate;
};

// A layer placed in a network: its position and where its tensors live.
template <class L, std::size_t Position, std::size_t ParamOffset, std::size_t ParamCount, std::size_t StateOffset,
          std::size_t Width>
struct layer_slot {
    using layer = L;
    static constexpr std::size_t position = Position;
    static constexpr std::size_t parameter_count = ParamCount;
    static constexpr std::size_t width = Width;

    template <class T>
    static const T* params(const run_context<T>& c) noexcept {
        return c.params ? c.params + ParamOffset : nullptr;
    }
    template <class T>
    static T* grads(const run_context<T>& c) noexcept {
        return c.grads ? c.grads + ParamOffset : nullptr;
    }
    template <class T>
    static T* state(const run_context<T>& c) noexcept {
        return c.state ? c.state + StateOffset : nullptr;
    }
    template <class T>
    static std::uint64_t key(const run_context<T>& c) noexcept {
        return random_key(c.seed, c.step, Position);
    }
};

} // namespace detail

} // namespace typenet
