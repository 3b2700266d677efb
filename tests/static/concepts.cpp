// The layer concepts, and the vector types the kernels choose per width.

#include <cstddef>
#include <type_traits>

#include <typenet/core/layer.hpp>
#include <typenet/core/loss.hpp>
#include <typenet/init/initializers.hpp>
#include <typenet/kernels/simd.hpp>
#include <typenet/layers/activations.hpp>
#include <typenet/layers/batch_norm.hpp>
#include <typenet/layers/dense.hpp>
#include <typenet/layers/input.hpp>
#include <typenet/layers/losses.hpp>

namespace {

using namespace typenet;

// --- Layer and its kinds ------------------------------------------------------------------
static_assert(Layer<Input<3>>);
static_assert(Layer<Input<1, 2, 3>>);
static_assert(Layer<Dense<3, 4>>);
static_assert(Layer<ReLU> && Layer<Sigmoid> && Layer<Tanh>);
static_assert(Layer<SoftmaxCrossEntropy> && Layer<MeanSquaredError>);
static_assert(!Layer<int>);
static_assert(!Layer<He>);
struct no_shape {
    static constexpr layer_kind kind = layer_kind::kernel;
};
static_assert(!Layer<no_shape>);
struct wrong_shape_type {
    static constexpr layer_kind kind = layer_kind::elementwise;
    static constexpr int output_shape(shape) { return 0; }
};
static_assert(!Layer<wrong_shape_type>);

static_assert(IsLoss<SoftmaxCrossEntropy> && IsLoss<MeanSquaredError> && IsLoss<SigmoidCrossEntropy>);
static_assert(IsLoss<MulticlassHinge> && IsLoss<MeanAbsoluteError> && IsLoss<Huber<>> && IsLoss<Huber<0.5>>);
static_assert(!IsLoss<Dense<3, 4>> && !IsLoss<ReLU> && !IsLoss<Input<3>> && !IsLoss<int>);
static_assert(IsInput<Input<3>> && IsInput<Input<1, 28, 28>> && !IsInput<Dense<3, 4>>);
static_assert(IsKernel<Dense<3, 4>> && !IsKernel<Tanh>);
static_assert(IsElementwise<ReLU> && IsElementwise<Sigmoid> && IsElementwise<Tanh>);
static_assert(!IsElementwise<Dense<3, 4>> && !IsElementwise<MeanSquaredError>);

static_assert(SoftmaxCrossEntropy::takes == target_kind::labels && MeanSquaredError::takes == target_kind::values);
static_assert(MulticlassHinge::takes == target_kind::labels && SigmoidCrossEntropy::takes == target_kind::labels_or_values);
static_assert(MeanAbsoluteError::takes == target_kind::values && Huber<>::takes == target_kind::values);
static_assert(Huber<>::delta == 1.0 && Huber<0.25>::delta == 0.25);
// Labels a loss accepts: the output width, but 0 and 1 for a single sigmoid output.
static_assert(detail::label_count<SoftmaxCrossEntropy>(10) == 10 && detail::label_count<MulticlassHinge>(3) == 3);
static_assert(detail::label_count<SigmoidCrossEntropy>(1) == 2 && detail::label_count<SigmoidCrossEntropy>(5) == 5);
static_assert(detail::required_input<Dense<7, 2>>() == 7);
static_assert(detail::required_input<Tanh>() == 0);
static_assert(detail::tensor_values<Tanh, flat(9), true>() == 0);
static_assert(detail::tensor_values<Dense<9, 2>, flat(9), true>() == 20);
static_assert(detail::tensor_values<BatchNorm, flat(9), true>() == 18 && detail::tensor_values<BatchNorm, flat(9), false>() == 18);

// --- vector widths ---------------------------------------------------------------------------
template <class T, std::size_t Width>
constexpr bool vec_at_most_fits() {
    constexpr std::size_t lanes = simd::lanes<simd::vec_at_most<T, Width>>;
    constexpr std::size_t widest = simd::lanes<simd::vec<T>>;
    // Never more lanes than asked for (or than the target has), at least one.
    static_assert(lanes >= 1 && lanes <= Width && lanes <= widest);
    // A power of two (a register of the target, or a scalar).
    static_assert((lanes & (lanes - 1)) == 0);
#if XSIMD_WITH_SSE2
    // Vectorised whenever a 128-bit register fits, and then the widest register that fits:
    // doubling it would overrun Width or exceed the target.
    constexpr std::size_t narrowest = 16 / sizeof(T);
    static_assert(Width < narrowest ? lanes == 1 : lanes >= narrowest);
    static_assert(lanes == 1 || lanes == widest || lanes * 2 > Width);
#endif
    return true;
}
template <class T, std::size_t... W>
constexpr bool all_fit(std::index_sequence<W...>) {
    return (vec_at_most_fits<T, W + 1>() && ...);
}
static_assert(all_fit<float>(std::make_index_sequence<70>{}));
static_assert(all_fit<double>(std::make_index_sequence<70>{}));

static_assert(simd::lanes<float> == 1 && simd::lanes<double> == 1);
static_assert(std::is_same_v<simd::vec_at_most<float, 1>, float>);
static_assert(std::is_same_v<simd::vec_at_most<double, 1>, double>);
static_assert(std::is_same_v<simd::vec_at_most<float, 1000>, simd::vec<float>>);
static_assert(std::is_same_v<simd::vec_at_most<double, 1000>, simd::vec<double>>);
static_assert(simd::lanes<simd::vec<float>> == 2 * simd::lanes<simd::vec<double>>);
static_assert(std::is_same_v<typename simd::vec_at_most<float, simd::lanes<simd::vec<float>>>::value_type, float>);

} // namespace
