#pragma once
// Metrics over a batch of predictions: how many are correct, by argmax or as the loss says.

#include <concepts>
#include <cstddef>
#include <cstdint>

#include <typenet/core/targets.hpp>

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

namespace detail {

// Whether Loss says itself which predictions are correct (SigmoidCrossEntropy: a threshold at
// 0.5, or an exact match of multi-label rows) instead of argmax == label.
template <class Loss, class T, std::size_t Width>
concept counts_correct = requires(const T* p, std::size_t rows, targets<T> t) {
    { Loss::template count_correct<T, Width>(p, rows, t) } -> std::same_as<std::size_t>;
};

// Whether a batch under Loss has an accuracy: with labels always; without, only when the loss
// counts correct predictions against its target values itself.
template <class Loss, class T, std::size_t Width>
constexpr bool measures_accuracy(bool labelled) noexcept {
    return labelled || counts_correct<Loss, T, Width>;
}

// How many of `rows` predictions are correct under Loss.
template <class Loss, class T, std::size_t Width>
std::size_t count_correct(const T* predictions, std::size_t rows, targets<T> t) noexcept {
    if constexpr (counts_correct<Loss, T, Width>) return Loss::template count_correct<T, Width>(predictions, rows, t);
    else return typenet::count_correct(predictions, rows, Width, t.labels);
}

} // namespace detail

} // namespace typenet
