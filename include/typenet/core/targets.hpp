#pragma once
// What a loss compares a batch's outputs with: class labels, or rows of target values.
// `batch_targets` is what a user passes (spans, checked against the batch's rows by Model);
// `targets` is the unchecked view the losses read once Model has checked the sizes.

#include <cstddef>
#include <cstdint>
#include <span>

namespace typenet {

// A batch's targets as a user passes them, e.g. `model.loss(x, {.labels = y})`: one class
// label per row, or rows x output width target values (or both, for a loss that takes either).
template <class T>
struct batch_targets {
    std::span<const std::uint32_t> labels{};
    std::span<const T> values{};
};

// The loss contract's view of a batch's targets: pointers whose sizes Model has checked.
template <class T>
struct targets {
    const std::uint32_t* labels = nullptr;  // one per row, for classification losses
    const T* values = nullptr;              // rows x output width, for regression losses
};

} // namespace typenet
