#pragma once
// Metrics over a batch of predictions.

#include <cstddef>
#include <cstdint>

namespace typenet {

// Index of the largest of `width` values (the first one on ties).
template <class T>
std::size_t argmax(const T* row, std::size_t width) noexcept {
    std::size_t best = 0;
    for (std::size_t j = 1; j < width; ++j)
        if (row[j] > row[best]) best = j;
    return best;
}

// How many of `rows` prediction rows have their largest value at the labelled class.
template <class T>
std::size_t count_correct(const T* predictions, std::size_t rows, std::size_t width, const std::uint32_t* labels) noexcept {
    std::size_t correct = 0;
    for (std::size_t r = 0; r < rows; ++r) correct += argmax(predictions + r * width, width) == labels[r];
    return correct;
}

} // namespace typenet
