#pragma once
// Naming the cause of a value that is not finite. When a loss or a gradient stops being finite,
// fit and evaluate ask, in order: is a parameter (or a state value) not finite? Which layer is
// the first whose output is not finite, for which row, from a finite input? For a gradient that
// overflows while every output is finite: which tensor's gradient, and which sample alone gives
// it? The answer is a sentence that names the tensor or the layer (position and name), the
// value, and the sample by its index in the user's dataset (through `sample_of(row)`).
//
//   first_nonfinite_parameter(model)   // std::optional<nonfinite_value>: "dense_2.weight", index 5, nan

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <typenet/core/mode.hpp>
#include <typenet/core/model.hpp>
#include <typenet/core/targets.hpp>
#include <typenet/core/tensor.hpp>

namespace typenet {

// A value that is not finite in a named tensor.
struct nonfinite_value {
    std::string tensor;      // e.g. "dense_2.weight"
    std::size_t index = 0;   // in the tensor
    std::size_t size = 0;    // the tensor's values
    double value = 0;        // nan, inf or -inf
};

namespace detail {

// Whether every value is finite. A value is not finite when its exponent bits are all ones; the
// minimum of (exponent bits xor all ones) over the span is 0 exactly then, and an integer minimum
// vectorises, so a pass costs about a read of the span.
template <class T>
bool all_finite(std::span<const T> v) noexcept {
    using U = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
    constexpr U exponent = sizeof(T) == 4 ? U(0x7f800000u) : U(0x7ff0000000000000ull);
    U least = exponent;
    for (const T x : v) {
        const U e = (std::bit_cast<U>(x) & exponent) ^ exponent;
        least = e < least ? e : least;
    }
    return least != 0;
}

// "nan", "inf", "-inf" (the same on every platform), else 4 significant digits.
inline std::string value_text(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", v);
    return buf;
}

enum class tensor_buffer { parameters, state, gradients };

template <class Net, class T>
std::optional<nonfinite_value> first_nonfinite_in(const Model<Net, T>& m, tensor_buffer which) {
    for (const tensor_info& t : Net::tensors) {
        if (t.trained() != (which != tensor_buffer::state)) continue;
        const std::span<const T> v = which == tensor_buffer::gradients ? m.gradients().subspan(t.offset, t.size())
                                                                        : m.values(t);
        if (all_finite(v)) continue;
        for (std::size_t i = 0; i < v.size(); ++i)
            if (!std::isfinite(v[i])) return nonfinite_value{t.full_name(), i, v.size(), double(v[i])};
    }
    return std::nullopt;
}

// Where a parameter or state value that is not finite came from, as far as the caller knows.
enum class nonfinite_origin {
    before_fit,     // fit has taken no step yet: the model came to it so
    previous_step,  // the last optimiser step left it so
    training,       // some step of the epoch left it so
    unknown,        // evaluate of a model trained elsewhere
};

inline std::string tensor_cause(const char* what, const nonfinite_value& v, nonfinite_origin origin) {
    std::string s = std::string(what) + " " + v.tensor + " holds " + value_text(v.value) + " at index " +
                    std::to_string(v.index) + " of " + std::to_string(v.size);
    switch (origin) {
    case nonfinite_origin::before_fit: return s + ", as it did when fit began";
    case nonfinite_origin::previous_step: return s + "; the previous step made it so (a learning rate too high is the usual cause)";
    case nonfinite_origin::training: return s + "; training made it so (a learning rate too high is the usual cause)";
    case nonfinite_origin::unknown: break;
    }
    return s + " (a learning rate too high in training is the usual cause)";
}

// The first layer whose output (for one of the rows) is not finite.
struct nonfinite_layer {
    std::size_t position = 0;
    std::string name;
    double value = 0;
    std::size_t row = 0;
    std::size_t input_position = 0;  // 0: the input is the sample's features
    std::string input_name;
};

template <mode M, class Net, class T>
std::optional<nonfinite_layer> first_nonfinite_layer(const Model<Net, T>& m, std::span<const T> x) {
    const std::vector<layer_output<T>> outs = m.layer_outputs(x, mode_tag<M>{});
    for (std::size_t l = 0; l < outs.size(); ++l) {
        const auto& o = outs[l];
        if (all_finite(std::span<const T>(o.values))) continue;
        for (std::size_t i = 0; i < o.values.size(); ++i)
            if (!std::isfinite(o.values[i]))
                return nonfinite_layer{o.position, o.name(), double(o.values[i]), i / o.width,
                                       l == 0 ? 0 : outs[l - 1].position, l == 0 ? std::string() : outs[l - 1].name()};
    }
    return std::nullopt;
}

inline std::string layer_cause(const nonfinite_layer& l, std::size_t sample, std::string_view data) {
    std::string s = "layer " + std::to_string(l.position) + " (" + l.name + ") gives " + value_text(l.value) +
                    " for sample " + std::to_string(sample) + " of " + std::string(data) + "; its input ";
    s += l.input_position == 0 ? std::string("(the sample's features)")
                               : "from layer " + std::to_string(l.input_position) + " (" + l.input_name + ")";
    s += " and the parameters are finite, so ";
    return s + (std::isnan(l.value) ? "the layer computes nan from finite values (a function outside its domain, or 0 x inf)"
                                    : "the layer overflows (large inputs or weights are the usual cause)");
}

// "samples 3, 17 and 40" (the first eight, then how many more).
template <class SampleOf>
std::string sample_list(std::size_t rows, SampleOf sample_of) {
    std::string s = rows == 1 ? "sample " : "samples ";
    const std::size_t shown = rows < 8 ? rows : 8;
    for (std::size_t r = 0; r < shown; ++r) {
        if (r > 0) s += r + 1 == rows ? " and " : ", ";
        s += std::to_string(sample_of(r));
    }
    if (shown < rows) s += " and " + std::to_string(rows - shown) + " more";
    return s;
}

// Why the loss of the rows x (a pass in mode M) is not finite: a parameter (or, in inference, a
// state value), else the first layer whose output is not finite, else the loss itself.
template <mode M, class Net, class T, class SampleOf>
std::string diagnose_loss(const Model<Net, T>& m, std::span<const T> x, SampleOf sample_of, std::string_view data,
                          nonfinite_origin origin) {
    if (const auto p = first_nonfinite_in(m, tensor_buffer::parameters)) return tensor_cause("the parameter", *p, origin);
    if constexpr (M == mode::inference)  // running statistics take part only in inference
        if (const auto s = first_nonfinite_in(m, tensor_buffer::state)) return tensor_cause("the state value", *s, origin);
    if (const auto l = first_nonfinite_layer<M>(m, x)) return layer_cause(*l, sample_of(l->row), data);
    return "the parameters and every layer's output are finite, so the loss overflows on them";
}

// Why a gradient of the training rows x is not finite while their loss is. After the checks of
// diagnose_loss, names the first tensor whose gradient is not finite and looks for a sample that
// gives it alone, recomputing each row by itself on a copy of the model at the same step count
// (so with the step's dropout seed); a network with a layer that normalises over the batch
// cannot take single rows, and then the batch's samples are named.
template <class Net, class T, class SampleOf>
std::string diagnose_gradient(const Model<Net, T>& m, std::span<const T> x, batch_targets<T> t, SampleOf sample_of,
                              std::string_view data, nonfinite_origin origin) {
    if (const auto p = first_nonfinite_in(m, tensor_buffer::parameters)) return tensor_cause("the parameter", *p, origin);
    if (const auto l = first_nonfinite_layer<mode::training>(m, x)) return layer_cause(*l, sample_of(l->row), data);
    const auto g = first_nonfinite_in(m, tensor_buffer::gradients);
    if (!g) return "every gradient is finite";  // not reached from fit, which asks only when one is not
    std::string s = "the gradient of " + g->tensor + " holds " + value_text(g->value) + " at index " +
                    std::to_string(g->index) + " of " + std::to_string(g->size) +
                    "; the parameters and every layer's output are finite, so the backward pass overflows; ";
    constexpr std::size_t width = Net::input_width;
    const std::size_t rows = x.size() / width;
    const std::string batch = sample_list(rows, sample_of) + " of " + std::string(data);
    if constexpr (Net::min_training_rows > 1) {
        return s + "the batch holds " + batch + " (a layer normalises over the batch, so single samples are not tried)";
    } else {
        const std::size_t target_width = t.values.size() / rows;
        Model<Net, T> one = m;
        for (std::size_t r = 0; r < rows; ++r) {
            one.set_step_count(m.step_count() - 1);
            const batch_targets<T> tr{t.labels.empty() ? t.labels : t.labels.subspan(r, 1),
                                      t.values.subspan(r * target_width, target_width)};
            (void)one.compute_gradients(x.subspan(r * width, width), tr);
            if (!all_finite(std::span<const T>(one.gradients())))
                return s + "sample " + std::to_string(sample_of(r)) + " of " + std::string(data) + " alone gives it";
        }
        return s + "no sample of the batch gives it alone (the batch holds " + batch + ")";
    }
}

} // namespace detail

// The first trained parameter that is not finite, in the order of Net::tensors; none if all are.
template <class Net, class T>
std::optional<nonfinite_value> first_nonfinite_parameter(const Model<Net, T>& m) {
    return detail::first_nonfinite_in(m, detail::tensor_buffer::parameters);
}
// The first state value (running statistics) that is not finite.
template <class Net, class T>
std::optional<nonfinite_value> first_nonfinite_state(const Model<Net, T>& m) {
    return detail::first_nonfinite_in(m, detail::tensor_buffer::state);
}
// The first gradient value that is not finite (the gradient buffer as the last step left it).
template <class Net, class T>
std::optional<nonfinite_value> first_nonfinite_gradient(const Model<Net, T>& m) {
    return detail::first_nonfinite_in(m, detail::tensor_buffer::gradients);
}

} // namespace typenet
