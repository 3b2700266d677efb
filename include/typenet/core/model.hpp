#pragma once
// Model<Net, T>: the run-time state of a network. One contiguous, aligned parameter buffer in
// the layout Net computes, a gradient buffer of the same layout, a state buffer for untrained
// values (running statistics), and a workspace sized for the largest batch seen so far: after
// the first step at a batch size, a step allocates nothing.
//
// Samples go in as spans of rows x input_width values, targets as spans checked against the
// same rows. Passes: `compute_gradients` trains (batch statistics, dropout masks, running
// statistics advanced); `predict`, `logits` and `loss` infer (running statistics, no dropout) unless asked for a
// training pass with the `typenet::training` tag.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <typenet/core/aligned_buffer.hpp>
#include <typenet/core/context.hpp>
#include <typenet/core/elementwise_chain.hpp>
#include <typenet/core/error.hpp>
#include <typenet/core/fused_passes.hpp>
#include <typenet/core/loss.hpp>
#include <typenet/core/native_note.hpp>
#include <typenet/core/mode.hpp>
#include <typenet/core/network.hpp>
#include <typenet/core/rng.hpp>
#include <typenet/core/shape.hpp>
#include <typenet/core/targets.hpp>

namespace typenet {

// One layer's output for a batch (rows x width), from Model::layer_outputs.
template <class T>
struct layer_output {
    std::size_t position;         // in the network (Input is 0)
    std::string_view type;        // e.g. "dense"
    std::size_t ordinal;          // counted per type from 1
    std::size_t width;            // values per row
    std::vector<T> values;

    std::string name() const { return std::string(type) + "_" + std::to_string(ordinal); }
};

namespace detail {

template <class Net, std::size_t I>
using slot_of = layer_slot<typename Net::template layer<I>, I, Net::parameter_offsets[I], Net::parameter_counts[I],
                           Net::state_offsets[I], Net::input_shapes[I].size()>;

template <class Net, mode M, std::size_t First, class Seq>
struct chain_of;
template <class Net, mode M, std::size_t First, std::size_t... I>
struct chain_of<Net, M, First, std::index_sequence<I...>> {
    using type = elementwise_chain<M, slot_of<Net, First + I>...>;
};

// Compile-time facts about stage S of Net's plan for mode M.
template <class Net, mode M, std::size_t S>
struct stage_traits {
    static constexpr stage info = Net::template stages_in<M>[S];
    static constexpr bool is_loss = info.kind == stage_kind::loss;
    static constexpr std::size_t width = Net::output_shapes[info.last].size();
    static constexpr shape input_shape = Net::input_shapes[info.first];
    static constexpr std::size_t input_width = input_shape.size();
    // Whether any layer before this stage has parameters: only then is dL/d(input) needed.
    static constexpr bool needs_input_gradient = Net::parameter_offsets[info.first] > 0;
    using first_layer = typename Net::template layer<info.first>;
    // A kernel stage's chain is what follows its first layer; otherwise the whole stage.
    static constexpr std::size_t chain_first = info.kind == stage_kind::kernel ? info.first + 1 : info.first;
    using chain = typename chain_of<Net, M, chain_first, std::make_index_sequence<info.last + 1 - chain_first>>::type;
};

template <class Net, class T, mode M, std::size_t S, stage_kind K = stage_traits<Net, M, S>::info.kind>
struct stage_runner {
    using traits = stage_traits<Net, M, S>;
    using type = typename traits::first_layer::template stage<T, slot_of<Net, traits::info.first>, typename traits::chain,
                                                              traits::input_shape, M>;
};
template <class Net, class T, mode M, std::size_t S>
struct stage_runner<Net, T, M, S, stage_kind::elementwise> {
    using traits = stage_traits<Net, M, S>;
    using type = elementwise_stage<T, typename traits::chain, traits::width>;
};
template <class Net, class T, mode M, std::size_t S>
struct stage_runner<Net, T, M, S, stage_kind::loss> {
    using type = void;
};

template <class R>
constexpr std::size_t scratch_size_of(std::size_t rows) {
    if constexpr (requires { R::scratch_size(rows); }) return R::scratch_size(rows);
    else return 0;
}
template <class R>
constexpr std::size_t saved_size_of(std::size_t rows) {
    if constexpr (requires { R::saved_size(rows); }) return R::saved_size(rows);
    else return 0;
}

template <class Net, class L, std::size_t I, class T>
void initialize_layer(std::span<T> params, std::span<T> state, rng& g) {
    if constexpr (requires { L::template initialize<T>(params, state, g); })
        L::template initialize<T>(params, state, g);
    else if constexpr (requires { L::template initialize<T>(params, g); })
        L::template initialize<T>(params, g);
}

// "784", or "3 x 28 x 28" for a sample with channels or rows.
inline std::string shape_text(const shape& s) {
    if (s.channels == 1 && s.height == 1) return std::to_string(s.width);
    return std::to_string(s.channels) + " x " + std::to_string(s.height) + " x " + std::to_string(s.width);
}

// Model::summary()'s table; Row has position, type, ordinal, output, parameters and state.
template <class Row>
std::string format_summary(std::span<const Row> rows, std::size_t parameters, std::size_t state) {
    auto cell = [](std::string text, std::size_t width, bool right) {
        const std::string pad(text.size() < width ? width - text.size() : 0, ' ');
        return right ? pad + text : text + pad;
    };
    auto name_of = [](const Row& r) {
        return r.position == 0 ? std::string(r.type) : std::string(r.type) + "_" + std::to_string(r.ordinal);
    };
    std::size_t name_width = 16;
    for (const Row& r : rows) name_width = std::max(name_width, name_of(r).size() + 2);
    std::string out = cell("#", 3, true) + "  " + cell("layer", name_width, false) + cell("output shape", 16, false) +
                      cell("parameters", 12, true) + cell("state", 10, true) + "\n";
    const std::string rule(out.size() - 1, '-');
    out += rule + "\n";
    for (const Row& r : rows) {
        out += cell(std::to_string(r.position), 3, true) + "  " + cell(name_of(r), name_width, false) + cell(shape_text(r.output), 16, false) +
               cell(std::to_string(r.parameters), 12, true) + cell(std::to_string(r.state), 10, true) + "\n";
    }
    out += rule + "\n";
    out += "trained parameters: " + std::to_string(parameters) + ", state values (not trained): " + std::to_string(state) + "\n";
    return out;
}

} // namespace detail

// A model of a mistaken network is not defined: its one error names the network's
// diagnostic type (e.g. Model<input_width_mismatch<at_layer<4>, ...>>).
template <class Net, class T = float>
class Model;

template <class Net, class T>
    requires NetworkType<Net>
class Model<Net, T> {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>, "typenet::Model<Net, T> needs T = float or double");

public:
    using network = Net;
    using value_type = T;
    static constexpr std::size_t parameter_count = Net::parameter_count;
    static constexpr std::size_t state_count = Net::state_count;
    static constexpr std::size_t input_width = Net::input_width;
    static constexpr std::size_t output_width = Net::output_width;

    explicit Model(seed s = seed{0}) : params_(parameter_count), grads_(parameter_count), state_(state_count) {
        detail::note_missing_native_architecture();
        initialize(s);
    }

    // A copy shares no workspace with the original: it gets its own on first use.
    Model(const Model& other)
        : params_(other.params_), grads_(other.grads_), state_(other.state_), seed_(other.seed_), steps_(other.steps_),
          epochs_(other.epochs_) {}
    Model& operator=(const Model& other) {
        params_ = other.params_;
        grads_ = other.grads_;
        state_ = other.state_;
        seed_ = other.seed_;
        steps_ = other.steps_;
        epochs_ = other.epochs_;
        return *this;
    }
    Model(Model&&) noexcept = default;
    Model& operator=(Model&&) noexcept = default;
    ~Model() = default;

    // Draws every layer's initial parameters from one stream seeded by s, resets the state
    // (running statistics) and the step and epoch counts; s also keys the dropout masks.
    void initialize(seed s) {
        seed_ = s.value;
        steps_ = 0;
        epochs_ = 0;
        rng g{s};
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            (detail::initialize_layer<Net, typename Net::template layer<I>, I, T>(
                 params_.span().subspan(Net::parameter_offsets[I], Net::parameter_counts[I]),
                 state_.span().subspan(Net::state_offsets[I], Net::state_counts[I]), g),
             ...);
        }(std::make_index_sequence<Net::layer_count>{});
    }

    std::span<T> parameters() noexcept { return params_.span(); }
    std::span<const T> parameters() const noexcept { return params_.span(); }
    std::span<T> gradients() noexcept { return grads_.span(); }
    std::span<const T> gradients() const noexcept { return grads_.span(); }
    // Untrained state: running statistics. Optimisers never touch it.
    std::span<T> state() noexcept { return state_.span(); }
    std::span<const T> state() const noexcept { return state_.span(); }

    // The parameters (or gradients, or state) of the layer at position I, counting Input as 0.
    template <std::size_t I>
    std::span<T> parameters_of() noexcept {
        return params_.span().subspan(Net::parameter_offsets[I], Net::parameter_counts[I]);
    }
    template <std::size_t I>
    std::span<T> gradients_of() noexcept {
        return grads_.span().subspan(Net::parameter_offsets[I], Net::parameter_counts[I]);
    }
    template <std::size_t I>
    std::span<T> state_of() noexcept {
        return state_.span().subspan(Net::state_offsets[I], Net::state_counts[I]);
    }

    // A tensor by its full name, e.g. "dense_2.weight" or "batch_norm_1.running_mean": layers
    // are counted per type from 1, as a user counts them, whatever lies between.
    std::span<T> tensor(std::string_view full_name) { return values(find_tensor(full_name)); }
    std::span<const T> tensor(std::string_view full_name) const { return values(find_tensor(full_name)); }
    // The values of one of Net::tensors (in the parameter or the state buffer, by its role).
    std::span<T> values(const tensor_info& t) noexcept {
        return (t.trained() ? params_.span() : state_.span()).subspan(t.offset, t.size());
    }
    std::span<const T> values(const tensor_info& t) const noexcept {
        return (t.trained() ? params_.span() : state_.span()).subspan(t.offset, t.size());
    }
    // The gradient of a trained tensor.
    std::span<T> gradient(const tensor_info& t) noexcept { return grads_.span().subspan(t.offset, t.size()); }

    // Training steps taken (compute_gradients calls); it keys the dropout masks.
    std::uint64_t step_count() const noexcept { return steps_; }
    void set_step_count(std::uint64_t n) noexcept { steps_ = n; }
    // Training epochs completed (by fit): it keys each epoch's shuffle order, and a checkpoint
    // records it as the training position.
    std::uint64_t epoch_count() const noexcept { return epochs_; }
    void set_epoch_count(std::uint64_t n) noexcept { epochs_ = n; }
    std::uint64_t seed_value() const noexcept { return seed_; }

    // Samples are rows of input_width values, row-major: a span of rows x input_width values.
    // Every entry point checks that size, and the targets' sizes against the same rows.
    //
    // A const Model still computes in its own workspace: calls on one Model are not
    // thread-safe; give each thread its own copy (copies share no workspace).

    // Outputs of the network for the rows of x (rows x output_width), owned by the caller:
    // class probabilities after SoftmaxCrossEntropy, the raw outputs after MeanSquaredError or
    // with no loss. An inference pass unless `typenet::training` is passed.
    template <mode M = mode::inference>
    std::vector<T> predict(std::span<const T> x, mode_tag<M> tag = {}) const {
        std::vector<T> out(rows_of(x) * output_width);
        predict_into(x, std::span<T>(out), tag);
        return out;
    }
    // The same into `out` (rows x output_width values), allocating nothing after the first call
    // at a batch size.
    template <mode M = mode::inference>
    void predict_into(std::span<const T> x, std::span<T> out, mode_tag<M> = {}) const {
        const std::size_t rows = rows_of(x);
        check_output(out, rows);
        run_forward<M>(x.data(), rows, false);
        if constexpr (Net::has_loss) {
            using Loss = detail::loss_of<Net>;
            Loss::template predict<T, output_width>(last_hidden_output<M>(x.data()), rows, predictions_[index<M>]);
        }
        std::copy_n(predictions_[index<M>], rows * output_width, out.data());
    }

    // What the last layer before the loss gives (rows x output_width): a classifier's logits,
    // before SoftmaxCrossEntropy's softmax or SigmoidCrossEntropy's sigmoid. The same as
    // predict for a network without a loss.
    template <mode M = mode::inference>
    std::vector<T> logits(std::span<const T> x, mode_tag<M> tag = {}) const {
        std::vector<T> out(rows_of(x) * output_width);
        logits_into(x, std::span<T>(out), tag);
        return out;
    }
    template <mode M = mode::inference>
    void logits_into(std::span<const T> x, std::span<T> out, mode_tag<M> = {}) const {
        const std::size_t rows = rows_of(x);
        check_output(out, rows);
        run_forward<M>(x.data(), rows, false);
        std::copy_n(last_hidden_output<M>(x.data()), rows * output_width, out.data());
    }

    // Mean loss over the rows of x: an inference pass unless `typenet::training` is passed
    // (which uses batch statistics and the current step's dropout masks, and advances nothing).
    template <mode M = mode::inference>
    double loss(std::span<const T> x, batch_targets<T> t, mode_tag<M> = {}) const {
        const std::size_t rows = rows_of(x);
        const targets<T> checked = check_targets(t, rows);
        run_forward<M>(x.data(), rows, false);
        return evaluate_loss<M>(x.data(), rows, checked, false);
    }

    // One training step's gradients: the mean loss over the rows of x in a training pass, and
    // its gradient with respect to every parameter, written (not added) to gradients().
    // Advances the step count (new dropout masks) and the running statistics.
    double compute_gradients(std::span<const T> x, batch_targets<T> t) {
        const std::size_t rows = rows_of(x);
        const targets<T> checked = check_targets(t, rows);
        ++steps_;
        run_forward<mode::training>(x.data(), rows, true);
        const double l = evaluate_loss<mode::training>(x.data(), rows, checked, true);
        run_backward(x.data(), rows);
        return l;
    }
    // compute_gradients for a plain SGD step at `sgd_rate`, which layers that can apply it while
    // the gradient is in registers do (train/train_step.hpp): those gradients are not written.
    // typenet::train_step is the entry point; it updates the rest.
    double compute_gradients(std::span<const T> x, batch_targets<T> t, detail::fused_sgd<T> sgd) {
        const std::size_t rows = rows_of(x);
        const targets<T> checked = check_targets(t, rows);
        ++steps_;
        run_forward<mode::training>(x.data(), rows, true);
        const double l = evaluate_loss<mode::training>(x.data(), rows, checked, true);
        run_backward(x.data(), rows, sgd.rate);
        return l;
    }

    // Every layer's output for the rows of x, as a monitor or a person reads them: element-wise
    // layers that run fused inside a kernel are computed again one at a time from the stored
    // pre-activation. An inference pass unless `typenet::training` is passed (then with the
    // current step's masks; nothing is advanced). Allocates: a diagnostic, not a training step.
    template <mode M = mode::inference>
    std::vector<layer_output<T>> layer_outputs(std::span<const T> x, mode_tag<M> = {}) const {
        const std::size_t rows = rows_of(x);
        run_forward<M>(x.data(), rows, false);
        std::vector<layer_output<T>> outs;
        const run_context<T> c = context(false);
        [&]<std::size_t... S>(std::index_sequence<S...>) {
            (record_stage<M, S>(c, x.data(), rows, outs), ...);
        }(std::make_index_sequence<stage_count<M>>{});
        return outs;
    }

    // The predictions of the last pass (rows x output_width), in the model's workspace: the
    // next call of any entry point overwrites them. predict() returns a copy that stays.
    std::span<const T> predictions() const noexcept { return {predictions_[last_pass_], rows_ * output_width}; }

    // One row per layer of the table summary() prints, known at compile time.
    struct layer_summary {
        std::size_t position;
        std::string_view type;
        std::size_t ordinal;
        shape output;
        std::size_t parameters;
        std::size_t state;
    };
    static constexpr std::array<layer_summary, Net::layer_count> layers = [] {
        std::array<layer_summary, Net::layer_count> out{};
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            ((out[I] = layer_summary{I, detail::layer_name<typename Net::template layer<I>>(), 0, Net::output_shapes[I],
                                     Net::parameter_counts[I], Net::state_counts[I]}),
             ...);
        }(std::make_index_sequence<Net::layer_count>{});
        for (std::size_t i = 1; i < out.size(); ++i) {
            out[i].ordinal = 1;
            for (std::size_t j = 1; j < i; ++j) out[i].ordinal += out[j].type == out[i].type;
        }
        return out;
    }();

    // A table of the network as Keras prints it: position, layer, output shape, parameters.
    static std::string summary() { return detail::format_summary(std::span<const layer_summary>(layers), parameter_count, state_count); }

private:
    template <mode M>
    static constexpr std::size_t index = M == mode::training ? 0 : 1;
    template <mode M>
    static constexpr std::size_t stage_count = Net::template stages_in<M>.size();
    template <mode M>
    static constexpr std::size_t hidden_stages = Net::has_loss ? stage_count<M> - 1 : stage_count<M>;
    static constexpr std::size_t max_stages = std::max(stage_count<mode::training>, stage_count<mode::inference>);

    template <mode M, std::size_t S>
    using traits = detail::stage_traits<Net, M, S>;
    template <mode M, std::size_t S>
    using runner = typename detail::stage_runner<Net, T, M, S>::type;

    struct stage_buffers {
        T* out = nullptr;
        T* pre = nullptr;
        T* grad = nullptr;
        T* saved = nullptr;
    };

    const tensor_info& find_tensor(std::string_view full_name) const {
        for (const tensor_info& t : Net::tensors)
            if (t.full_name() == full_name) return t;
        std::string known;
        for (const tensor_info& t : Net::tensors) known += (known.empty() ? "" : ", ") + t.full_name();
        throw error("model: no tensor named \"" + std::string(full_name) + "\"; the network's tensors are: " +
                    (known.empty() ? std::string("none") : known));
    }

    static std::size_t rows_of(std::span<const T> x) {
        if (x.size() % input_width != 0)
            throw error("model: expected rows of " + std::to_string(input_width) + " values (the input width), found " +
                        std::to_string(x.size()) + " values, which is " + std::to_string(x.size() / input_width) +
                        " rows and " + std::to_string(x.size() % input_width) + " values over");
        if (x.empty()) throw error("model: expected a batch of at least 1 row, found 0");
        return x.size() / input_width;
    }

    static void check_output(std::span<T> out, std::size_t rows) {
        if (out.size() != rows * output_width)
            throw error("model: expected an output span of " + std::to_string(rows * output_width) + " values (" +
                        std::to_string(rows) + " rows x " + std::to_string(output_width) + "), found " +
                        std::to_string(out.size()));
    }

    // Checks the spans' sizes against the batch, then what the loss reads (labels below its
    // label count, values in its range), and gives the losses' unchecked view.
    static targets<T> check_targets(batch_targets<T> t, std::size_t rows) {
        static_assert(Net::has_loss, "typenet::Model: loss and gradients need a loss as the last layer");
        if (!t.labels.empty() && t.labels.size() != rows)
            throw error("model: expected " + std::to_string(rows) + " labels (one per row), found " +
                        std::to_string(t.labels.size()));
        if (!t.values.empty() && t.values.size() != rows * output_width)
            throw error("model: expected " + std::to_string(rows * output_width) + " target values (" +
                        std::to_string(rows) + " rows x " + std::to_string(output_width) + "), found " +
                        std::to_string(t.values.size()));
        const targets<T> raw{t.labels.empty() ? nullptr : t.labels.data(), t.values.empty() ? nullptr : t.values.data()};
        if constexpr (Net::has_loss) detail::check_targets<detail::loss_of<Net>>(raw, rows, output_width);
        return raw;
    }

    // Lays out the workspace for `rows` samples; grows (allocates) only for a larger batch.
    void reserve(std::size_t rows) const {
        rows_ = rows;
        if (rows <= capacity_) return;
        capacity_ = 0;  // if the allocation throws, the next call lays out again
        workspace_ = aligned_buffer<T>(lay_out(rows, nullptr));
        lay_out(rows, workspace_.data());
        capacity_ = rows;
    }

    // The workspace's layout for `rows` samples, in one place: returns its size, and points the
    // buffers into `base` when it is not null. Every buffer starts 64-byte aligned. Training and
    // inference passes have buffers of their own, so one does not overwrite the other's
    // predictions.
    std::size_t lay_out(std::size_t rows, T* base) const noexcept {
        std::size_t at = 0;
        auto take = [&](std::size_t n) {
            T* p = base ? base + at : nullptr;
            at += (n + 15) / 16 * 16;
            return p;
        };
        std::size_t scratch = 0;
        lay_out_mode<mode::training>(rows, take, scratch);
        lay_out_mode<mode::inference>(rows, take, scratch);
        scratch_ = take(scratch);
        return at;
    }

    template <mode M, class Take>
    void lay_out_mode(std::size_t rows, Take& take, std::size_t& scratch) const noexcept {
        [&]<std::size_t... S>(std::index_sequence<S...>) {
            (lay_out_stage<M, S>(rows, take, scratch), ...);
        }(std::make_index_sequence<stage_count<M>>{});
        predictions_[index<M>] = take(rows * output_width);
    }

    template <mode M, std::size_t S, class Take>
    void lay_out_stage(std::size_t rows, Take& take, std::size_t& scratch) const noexcept {
        if constexpr (!traits<M, S>::is_loss) {
            using R = runner<M, S>;
            stage_buffers& b = buffers_[index<M>][S];
            const std::size_t n = rows * traits<M, S>::width;
            b.out = take(n);
            b.grad = M == mode::training ? take(n) : nullptr;
            b.pre = R::stores_pre ? take(n) : b.out;
            b.saved = take(detail::saved_size_of<R>(rows));
            scratch = std::max(scratch, detail::scratch_size_of<R>(rows));
        }
    }

    // Output of the last stage that is not the loss (the network's input if there is none).
    template <mode M>
    const T* last_hidden_output(const T* x) const noexcept {
        if constexpr (hidden_stages<M> == 0) return x;
        else return buffers_[index<M>][hidden_stages<M> - 1].out;
    }

    template <mode M, std::size_t S>
    const T* stage_input(const T* x) const noexcept {
        if constexpr (S == 0) return x;
        else return buffers_[index<M>][S - 1].out;
    }

    // Passes on a const model never write the gradients or the state (update_state is false
    // and there is no backward pass): only compute_gradients, on a non-const model, does.
    run_context<T> context(bool update_state) const noexcept {
        return {params_.data(), const_cast<T*>(grads_.data()), const_cast<T*>(state_.data()), seed_, steps_, update_state};
    }

    template <mode M>
    void run_forward(const T* x, std::size_t rows, bool update_state) const {
        if constexpr (M == mode::training)
            if (rows < Net::min_training_rows)
                throw error("model: a training pass of this network needs at least " +
                            std::to_string(Net::min_training_rows) +
                            " rows (a layer normalises over the batch), found " + std::to_string(rows));
        reserve(rows);
        const run_context<T> c = context(update_state);
        [&]<std::size_t... S>(std::index_sequence<S...>) {
            (forward_stage<M, S>(c, x, rows), ...);
        }(std::make_index_sequence<stage_count<M>>{});
        if constexpr (!Net::has_loss) {
            const T* out = last_hidden_output<M>(x);
            std::copy(out, out + rows * output_width, predictions_[index<M>]);
        }
        last_pass_ = index<M>;
    }

    template <mode M, std::size_t S>
    void forward_stage(const run_context<T>& c, const T* x, std::size_t rows) const noexcept {
        if constexpr (!traits<M, S>::is_loss) {
            stage_buffers& b = buffers_[index<M>][S];
            runner<M, S>::forward(c, stage_input<M, S>(x), rows, b.pre, b.out, b.saved, scratch_);
        }
    }

    template <mode M, std::size_t S>
    void record_stage(const run_context<T>& c, const T* x, std::size_t rows, std::vector<layer_output<T>>& outs) const {
        using tr = traits<M, S>;
        auto add = [&](std::size_t position, const T* values) {
            const std::size_t w = Net::output_shapes[position].size();
            outs.push_back({position, layer_name_at(position), ordinal_at(position), w,
                            std::vector<T>(values, values + rows * w)});
        };
        if constexpr (tr::is_loss) {
            using Loss = typename Net::template layer<Net::layer_count - 1>;
            Loss::template predict<T, output_width>(last_hidden_output<M>(x), rows, predictions_[index<M>]);
            add(tr::info.first, predictions_[index<M>]);
        } else {
            const stage_buffers& b = buffers_[index<M>][S];
            const T* prev = stage_input<M, S>(x);
            if constexpr (tr::info.kind == stage_kind::kernel) {
                prev = b.pre;
                add(tr::info.first, prev);
            }
            [&]<std::size_t... I>(std::index_sequence<I...>) {
                (
                    [&] {
                        constexpr std::size_t position = tr::chain_first + I;
                        constexpr std::size_t w = Net::output_shapes[position].size();
                        std::vector<T> next(rows * w);
                        detail::chain_forward<T, elementwise_chain<M, detail::slot_of<Net, position>>, w>(c, prev, next.data(),
                                                                                                         rows);
                        add(position, next.data());
                        prev = outs.back().values.data();
                    }(),
                    ...);
            }(std::make_index_sequence<tr::info.last + 1 - tr::chain_first>{});
        }
    }

    static std::string_view layer_name_at(std::size_t position) noexcept {
        constexpr auto names = []<std::size_t... I>(std::index_sequence<I...>) {
            return std::array<std::string_view, Net::layer_count>{detail::layer_name<typename Net::template layer<I>>()...};
        }(std::make_index_sequence<Net::layer_count>{});
        return names[position];
    }
    static std::size_t ordinal_at(std::size_t position) noexcept {
        std::size_t n = 1;
        for (std::size_t j = 1; j < position; ++j) n += layer_name_at(j) == layer_name_at(position);
        return n;
    }

    template <mode M>
    double evaluate_loss(const T* x, std::size_t rows, targets<T> t, bool with_gradient) const {
        using Loss = typename Net::template layer<Net::layer_count - 1>;
        T* grad = nullptr;
        if constexpr (hidden_stages<M> > 0)
            if (with_gradient) grad = buffers_[index<M>][hidden_stages<M> - 1].grad;
        const double sum =
            Loss::template evaluate<T, output_width>(last_hidden_output<M>(x), rows, t, predictions_[index<M>], grad);
        return sum / static_cast<double>(rows);
    }

    void run_backward(const T* x, std::size_t rows, T sgd_rate = T(0)) noexcept {
        run_context<T> c = context(false);
        c.sgd_rate = sgd_rate;
        constexpr std::size_t n = stage_count<mode::training>;
        [&]<std::size_t... S>(std::index_sequence<S...>) {
            (backward_stage<n - 1 - S>(c, x, rows), ...);  // stages in reverse order
        }(std::make_index_sequence<n>{});
    }

    template <std::size_t S>
    void backward_stage(const run_context<T>& c, const T* x, std::size_t rows) noexcept {
        constexpr mode M = mode::training;
        if constexpr (!traits<M, S>::is_loss) {
            T* dx = nullptr;
            if constexpr (traits<M, S>::needs_input_gradient && S > 0) dx = buffers_[0][S - 1].grad;
            stage_buffers& b = buffers_[0][S];
            runner<M, S>::backward(c, stage_input<M, S>(x), rows, b.pre, b.grad, dx, b.saved, scratch_);
        }
    }

    aligned_buffer<T> params_;
    aligned_buffer<T> grads_;
    aligned_buffer<T> state_;
    // The workspace is not part of the model's value: a const model computes in it too.
    mutable aligned_buffer<T> workspace_;
    mutable std::array<std::array<stage_buffers, max_stages>, 2> buffers_{};
    mutable std::array<T*, 2> predictions_{};
    mutable T* scratch_ = nullptr;
    mutable std::size_t capacity_ = 0;
    mutable std::size_t rows_ = 0;
    mutable std::size_t last_pass_ = 0;
    std::uint64_t seed_ = 0;
    std::uint64_t steps_ = 0;
    std::uint64_t epochs_ = 0;
};

} // namespace typenet
