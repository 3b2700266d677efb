#pragma once
// Training and inference are distinct passes, chosen at compile time: a BatchNorm normalises
// with the batch's statistics in training and is a per-feature affine map in inference;
// Dropout masks in training and is the identity in inference.

namespace typenet {

enum class mode { training, inference };

// Tags for choosing a pass explicitly, e.g. `model.loss(x, rows, t, typenet::training)`.
template <mode M>
struct mode_tag {
    static constexpr mode value = M;
};
inline constexpr mode_tag<mode::training> training{};
inline constexpr mode_tag<mode::inference> inference{};

} // namespace typenet
