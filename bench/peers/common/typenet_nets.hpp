#pragma once
// The race's two networks as typenet types, shared by the runner's preparation (which writes
// their seed-42 initial weights for every peer) and the typenet peer.

#include <typenet/typenet.hpp>

namespace race {

using small_net = typenet::Network<typenet::Input<784>, typenet::Dense<784, 100, typenet::He>, typenet::ReLU,
                                   typenet::Dense<100, 10, typenet::He>, typenet::SoftmaxCrossEntropy>;

using wide_net = typenet::Network<typenet::Input<784>, typenet::Dense<784, 1024, typenet::He>, typenet::ReLU,
                                  typenet::Dense<1024, 1024, typenet::He>, typenet::ReLU,
                                  typenet::Dense<1024, 10, typenet::He>, typenet::SoftmaxCrossEntropy>;

inline constexpr std::uint64_t weight_seed = 42;
inline constexpr std::uint64_t order_seed = 7;

} // namespace race
