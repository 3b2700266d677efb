#pragma once
// What a loss compares a batch's outputs with: class labels, or rows of target values.

#include <cstddef>
#include <cstdint>

namespace typenet {

template <class T>
struct targets {
    const std::uint32_t* labels = nullptr;  // one per row, for classification losses
    const T* values = nullptr;              // rows x output width, for regression losses
};

} // namespace typenet
