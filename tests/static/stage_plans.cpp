// The fusion plan: which consecutive layers run as one stage (one kernel).

#include <cstddef>

#include <typenet/core/network.hpp>
#include <typenet/layers/activations.hpp>
#include <typenet/layers/dense.hpp>
#include <typenet/layers/input.hpp>
#include <typenet/layers/losses.hpp>

namespace {

using namespace typenet;

constexpr bool is(stage s, stage_kind kind, std::size_t first, std::size_t last) {
    return s.kind == kind && s.first == first && s.last == last;
}

// Dense with its activation, a bare dense layer, the loss.
using Mlp = Network<Input<784>, Dense<784, 100>, ReLU, Dense<100, 10>, SoftmaxCrossEntropy>;
static_assert(Mlp::stage_count == 3);
static_assert(is(Mlp::stages[0], stage_kind::kernel, 1, 2));
static_assert(is(Mlp::stages[1], stage_kind::kernel, 3, 3));
static_assert(is(Mlp::stages[2], stage_kind::loss, 4, 4));

// Consecutive activations all join the dense layer's epilogue.
using Twice = Network<Input<5>, Dense<5, 7>, Tanh, Sigmoid, Dense<7, 3>, MeanSquaredError>;
static_assert(Twice::stage_count == 3);
static_assert(is(Twice::stages[0], stage_kind::kernel, 1, 3));
static_assert(is(Twice::stages[1], stage_kind::kernel, 4, 4));
static_assert(is(Twice::stages[2], stage_kind::loss, 5, 5));

using Thrice = Network<Input<5>, Dense<5, 7>, ReLU, Tanh, Sigmoid>;
static_assert(Thrice::stage_count == 1);
static_assert(is(Thrice::stages[0], stage_kind::kernel, 1, 4));

// Element-wise layers right after Input have no dense layer to fuse into: a stage of their own.
using Leading = Network<Input<4>, Tanh, Dense<4, 3>, MeanSquaredError>;
static_assert(Leading::stage_count == 3);
static_assert(is(Leading::stages[0], stage_kind::elementwise, 1, 1));
static_assert(is(Leading::stages[1], stage_kind::kernel, 2, 2));
static_assert(is(Leading::stages[2], stage_kind::loss, 3, 3));

using LeadingTwo = Network<Input<4>, Tanh, ReLU, Dense<4, 3>, Sigmoid>;
static_assert(LeadingTwo::stage_count == 2);
static_assert(is(LeadingTwo::stages[0], stage_kind::elementwise, 1, 2));
static_assert(is(LeadingTwo::stages[1], stage_kind::kernel, 3, 4));

// No loss: the last stage is a dense one.
using NoLoss = Network<Input<5>, Dense<5, 7>, Sigmoid, Dense<7, 3>>;
static_assert(NoLoss::stage_count == 2);
static_assert(is(NoLoss::stages[1], stage_kind::kernel, 3, 3));

// Input straight into a loss: the loss is the only stage.
using LossOnly = Network<Input<3>, SoftmaxCrossEntropy>;
static_assert(LossOnly::stage_count == 1);
static_assert(is(LossOnly::stages[0], stage_kind::loss, 1, 1));
static_assert(LossOnly::has_loss);

using Image = Network<Input<1, 28, 28>, Dense<784, 10>>;
static_assert(Image::stage_count == 1);
static_assert(is(Image::stages[0], stage_kind::kernel, 1, 1));

// Stages cover every layer after Input once, in order, without gaps.
template <class Net>
constexpr bool stages_tile_the_network() {
    std::size_t next = 1;
    for (const stage s : Net::stages) {
        if (s.first != next || s.last < s.first) return false;
        next = s.last + 1;
    }
    return next == Net::layer_count;
}
static_assert(stages_tile_the_network<Mlp>());
static_assert(stages_tile_the_network<Twice>());
static_assert(stages_tile_the_network<Thrice>());
static_assert(stages_tile_the_network<Leading>());
static_assert(stages_tile_the_network<LeadingTwo>());
static_assert(stages_tile_the_network<NoLoss>());
static_assert(stages_tile_the_network<LossOnly>());
static_assert(stages_tile_the_network<Image>());

} // namespace
