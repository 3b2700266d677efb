#pragma once
// Model<Net, T>: the run-time state of a network. One contiguous, aligned parameter buffer in
// the layout Net computes, a gradient buffer of the same layout, and a workspace sized for the
// largest batch seen so far: after the first step at a batch size, a step allocates nothing.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <type_traits>
#include <utility>

#include <typenet/core/aligned_buffer.hpp>
#include <typenet/core/elementwise_chain.hpp>
#include <typenet/core/error.hpp>
#include <typenet/core/loss.hpp>
#include <typenet/core/network.hpp>
#include <typenet/core/rng.hpp>
#include <typenet/core/targets.hpp>

namespace typenet {

namespace detail {

template <class Net, std::size_t First, class Seq>
struct chain_of;
template <class Net, std::size_t First, std::size_t... I>
struct chain_of<Net, First, std::index_sequence<I...>> {
    using type = elementwise_chain<typename Net::template layer<First + I>...>;
};

// Compile-time facts about stage S of Net.
template <class Net, std::size_t S>
struct stage_traits {
    static constexpr stage info = Net::stages[S];
    static constexpr bool is_loss = info.kind == stage_kind::loss;
    static constexpr std::size_t width = Net::output_shapes[info.last].size();
    static constexpr std::size_t input_width = Net::input_shapes[info.first].size();
    static constexpr std::size_t parameter_offset = Net::parameter_offsets[info.first];
    // Whether any layer before this stage has parameters: only then is dL/d(input) needed.
    static constexpr bool needs_input_gradient = parameter_offset > 0;
    using first_layer = typename Net::template layer<info.first>;
    // A dense stage's chain is what follows the dense layer; otherwise the whole stage.
    static constexpr std::size_t chain_first = info.kind == stage_kind::dense ? info.first + 1 : info.first;
    using chain = typename chain_of<Net, chain_first, std::make_index_sequence<info.last + 1 - chain_first>>::type;
};

template <class Net, class T, std::size_t S, bool IsLoss = stage_traits<Net, S>::is_loss>
struct stage_runner {
    using traits = stage_traits<Net, S>;
    using type = typename traits::first_layer::template stage<T, typename traits::chain, traits::input_width>;
};
template <class Net, class T, std::size_t S>
struct stage_runner<Net, T, S, true> {
    using type = void;
};

} // namespace detail

template <class Net, class T = float>
class Model {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>, "typenet::Model<Net, T> needs T = float or double");

public:
    using network = Net;
    using value_type = T;
    static constexpr std::size_t parameter_count = Net::parameter_count;
    static constexpr std::size_t input_width = Net::input_width;
    static constexpr std::size_t output_width = Net::output_width;

    explicit Model(seed s = seed{0}) : params_(parameter_count), grads_(parameter_count) { initialize(s); }

    // A copy shares no workspace with the original: it gets its own on first use.
    Model(const Model& other) : params_(other.params_), grads_(other.grads_) {}
    Model& operator=(const Model& other) {
        params_ = other.params_;
        grads_ = other.grads_;
        return *this;
    }
    Model(Model&&) noexcept = default;
    Model& operator=(Model&&) noexcept = default;
    ~Model() = default;

    // Draws every layer's initial parameters from one stream seeded by s.
    void initialize(seed s) {
        rng g{s};
        [&]<std::size_t... I>(std::index_sequence<I...>) { (initialize_layer<I>(g), ...); }(
            std::make_index_sequence<Net::layer_count>{});
    }

    std::span<T> parameters() noexcept { return params_.span(); }
    std::span<const T> parameters() const noexcept { return params_.span(); }
    std::span<T> gradients() noexcept { return grads_.span(); }
    std::span<const T> gradients() const noexcept { return grads_.span(); }

    // The parameters (or gradients) of layer I, counting Input as 0.
    template <std::size_t I>
    std::span<T> parameters_of() noexcept {
        return params_.span().subspan(Net::parameter_offsets[I], Net::parameter_counts[I]);
    }
    template <std::size_t I>
    std::span<T> gradients_of() noexcept {
        return grads_.span().subspan(Net::parameter_offsets[I], Net::parameter_counts[I]);
    }

    // Outputs of the network for `rows` samples (rows x output_width): class probabilities
    // after SoftmaxCrossEntropy, the raw outputs after MeanSquaredError or with no loss.
    std::span<const T> predict(const T* x, std::size_t rows) {
        run_forward(x, rows);
        if constexpr (Net::has_loss) {
            using Loss = typename Net::template layer<Net::layer_count - 1>;
            Loss::template predict<T, output_width>(last_hidden_output(x), rows, predictions_);
        }
        return {predictions_, rows * output_width};
    }
    std::span<const T> predict(std::span<const T> x) { return predict(x.data(), rows_of(x)); }

    // Mean loss over the batch.
    double loss(const T* x, std::size_t rows, targets<T> t) {
        check_targets(t, rows);
        run_forward(x, rows);
        return evaluate_loss(x, rows, t, false);
    }

    // Mean loss over the batch, and its gradient with respect to every parameter, written
    // (not added) to gradients().
    double compute_gradients(const T* x, std::size_t rows, targets<T> t) {
        check_targets(t, rows);
        run_forward(x, rows);
        const double l = evaluate_loss(x, rows, t, true);
        run_backward(x, rows);
        return l;
    }

    // The predictions of the last forward pass (rows x output_width).
    std::span<const T> predictions() const noexcept { return {predictions_, rows_ * output_width}; }

private:
    static constexpr std::size_t stage_count = Net::stage_count;
    using stage_indices = std::make_index_sequence<stage_count>;

    // Stages before the loss (all of them when there is none).
    static constexpr std::size_t hidden_stages = Net::has_loss ? stage_count - 1 : stage_count;

    template <std::size_t S>
    using traits = detail::stage_traits<Net, S>;
    template <std::size_t S>
    using runner = typename detail::stage_runner<Net, T, S>::type;

    struct stage_buffers {
        T* out = nullptr;
        T* pre = nullptr;
        T* grad = nullptr;
    };

    template <std::size_t I>
    void initialize_layer(rng& g) {
        using L = typename Net::template layer<I>;
        if constexpr (requires { L::template initialize<T>(std::span<T>{}, g); })
            L::template initialize<T>(parameters_of<I>(), g);
    }

    static std::size_t rows_of(std::span<const T> x) {
        if (x.size() % input_width != 0)
            throw error("model: expected a multiple of the input width " + std::to_string(input_width) +
                        " values, found " + std::to_string(x.size()));
        return x.size() / input_width;
    }

    void check_targets(targets<T> t, std::size_t rows) const {
        static_assert(Net::has_loss, "typenet::Model: loss and gradients need a loss as the last layer");
        if constexpr (Net::has_loss) detail::check_targets<detail::loss_of<Net>>(t, rows, output_width);
    }

    // Lays out the workspace for `rows` samples; grows (allocates) only for a larger batch.
    void reserve(std::size_t rows) {
        rows_ = rows;
        if (rows <= capacity_) return;
        capacity_ = 0;  // if the allocation throws, the next call lays out again
        workspace_ = aligned_buffer<T>(lay_out(rows, nullptr));
        lay_out(rows, workspace_.data());
        capacity_ = rows;
    }

    // The workspace's layout for `rows` samples, in one place: returns its size, and points the
    // buffers into `base` when it is not null. Every buffer starts 64-byte aligned.
    std::size_t lay_out(std::size_t rows, T* base) noexcept {
        std::size_t at = 0;
        auto take = [&](std::size_t n) {
            T* p = base ? base + at : nullptr;
            at += (n + 15) / 16 * 16;
            return p;
        };
        [&]<std::size_t... S>(std::index_sequence<S...>) {
            (lay_out_stage<S>(rows, take), ...);
        }(stage_indices{});
        predictions_ = take(rows * output_width);
        std::size_t scratch = 0;
        [&]<std::size_t... S>(std::index_sequence<S...>) {
            ((scratch = std::max(scratch, scratch_of<S>(rows))), ...);
        }(stage_indices{});
        scratch_ = take(scratch);
        return at;
    }

    template <std::size_t S, class Take>
    void lay_out_stage(std::size_t rows, Take& take) noexcept {
        if constexpr (!traits<S>::is_loss) {
            const std::size_t n = rows * traits<S>::width;
            buffers_[S].out = take(n);
            buffers_[S].grad = take(n);
            buffers_[S].pre = runner<S>::stores_pre_activation ? take(n) : buffers_[S].out;
        }
    }

    template <std::size_t S>
    static constexpr std::size_t scratch_of(std::size_t rows) {
        if constexpr (traits<S>::is_loss) return 0;
        else return runner<S>::scratch_size(rows);
    }

    // Output of the last stage that is not the loss (the network's input if there is none).
    const T* last_hidden_output(const T* x) const noexcept {
        if constexpr (hidden_stages == 0) return x;
        else return buffers_[hidden_stages - 1].out;
    }

    template <std::size_t S>
    const T* stage_input(const T* x) const noexcept {
        if constexpr (S == 0) return x;
        else return buffers_[S - 1].out;
    }

    void run_forward(const T* x, std::size_t rows) {
        if (rows == 0) throw error("model: expected a batch of at least 1 row, found 0");
        reserve(rows);
        [&]<std::size_t... S>(std::index_sequence<S...>) {
            (forward_stage<S>(x, rows), ...);
        }(stage_indices{});
        if constexpr (!Net::has_loss) {
            const T* out = last_hidden_output(x);
            std::copy(out, out + rows * output_width, predictions_);
        }
    }

    template <std::size_t S>
    void forward_stage(const T* x, std::size_t rows) noexcept {
        if constexpr (!traits<S>::is_loss)
            runner<S>::forward(params_.data() + traits<S>::parameter_offset, stage_input<S>(x), rows, buffers_[S].pre,
                               buffers_[S].out);
    }

    double evaluate_loss(const T* x, std::size_t rows, targets<T> t, bool with_gradient) {
        using Loss = typename Net::template layer<Net::layer_count - 1>;
        T* grad = nullptr;
        if constexpr (hidden_stages > 0)
            if (with_gradient) grad = buffers_[hidden_stages - 1].grad;
        const double sum = Loss::template evaluate<T, output_width>(last_hidden_output(x), rows, t, predictions_, grad);
        return sum / static_cast<double>(rows);
    }

    void run_backward(const T* x, std::size_t rows) noexcept {
        [&]<std::size_t... S>(std::index_sequence<S...>) {
            // Stages in reverse order.
            (backward_stage<stage_count - 1 - S>(x, rows), ...);
        }(stage_indices{});
    }

    template <std::size_t S>
    void backward_stage(const T* x, std::size_t rows) noexcept {
        if constexpr (!traits<S>::is_loss) {
            T* dx = nullptr;
            if constexpr (traits<S>::needs_input_gradient && S > 0) dx = buffers_[S - 1].grad;
            runner<S>::backward(params_.data() + traits<S>::parameter_offset, grads_.data() + traits<S>::parameter_offset,
                                stage_input<S>(x), rows, buffers_[S].pre, buffers_[S].grad, dx, scratch_);
        }
    }

    aligned_buffer<T> params_;
    aligned_buffer<T> grads_;
    aligned_buffer<T> workspace_;
    std::array<stage_buffers, stage_count> buffers_{};
    T* predictions_ = nullptr;
    T* scratch_ = nullptr;
    std::size_t capacity_ = 0;
    std::size_t rows_ = 0;
};

} // namespace typenet
