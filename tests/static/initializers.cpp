// The Initializer concept: every initialiser satisfies it, and what a Keras habit puts in
// Dense's third place (an activation) or any other layer does not.

#include <cstddef>
#include <span>

#include <typenet/core/rng.hpp>
#include <typenet/init/initializers.hpp>
#include <typenet/layers/activations.hpp>
#include <typenet/layers/dense.hpp>
#include <typenet/layers/input.hpp>
#include <typenet/layers/losses.hpp>

namespace {

using namespace typenet;

static_assert(Initializer<Zeros> && Initializer<Constant<0.5>> && Initializer<Constant<0>>);
static_assert(Initializer<Gaussian<0.01>> && Initializer<Uniform<0.1>>);
static_assert(Initializer<Xavier> && Initializer<XavierUniform>);
static_assert(Initializer<Glorot> && Initializer<GlorotUniform>);
static_assert(Initializer<He> && Initializer<HeUniform> && Initializer<LeCun>);
static_assert(Initializer<VarianceScaling<>>);
static_assert(Initializer<VarianceScaling<2.0, fan_mode::in, distribution::normal>>);
static_assert(Initializer<VarianceScaling<1, fan_mode::out, distribution::uniform>>);
static_assert(Initializer<VarianceScaling<0.5, fan_mode::avg, distribution::truncated_normal>>);
static_assert(Initializer<Sparse<>> && Initializer<Sparse<1>>);
static_assert(Initializer<Orthogonal> && Initializer<ScaledOrthogonal<2.0>>);

// Layers are not initialisers.
static_assert(!Initializer<ReLU> && !Initializer<Sigmoid> && !Initializer<Tanh>);
static_assert(!Initializer<Dense<3, 4>> && !Initializer<Input<3>>);
static_assert(!Initializer<SoftmaxCrossEntropy> && !Initializer<MeanSquaredError>);
static_assert(!Initializer<int> && !Initializer<void> && !Initializer<He*>);

// The rule asks for both precisions, a static member, and the generator.
struct float_only {
    static void fill(std::span<float>, std::size_t, std::size_t, rng&) {}
};
static_assert(detail::FillsWeightsOf<float_only, float> && !Initializer<float_only>);
struct not_static {
    template <class T>
    void fill(std::span<T>, std::size_t, std::size_t, rng&) {}
};
static_assert(!Initializer<not_static>);
struct no_generator {
    template <class T>
    static void fill(std::span<T>, std::size_t, std::size_t) {}
};
static_assert(!Initializer<no_generator>);

static_assert(Sparse<>::connections == 10 && Sparse<3>::connections == 3);

} // namespace
