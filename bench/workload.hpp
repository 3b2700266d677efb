#pragma once
// What every variant of the benchmark computes: a 784-100-10 MLP (Dense, ReLU, Dense, softmax
// cross-entropy) in float, trained by SGD with learning rate 0.01, on one fixed random batch.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace bench {

inline constexpr std::size_t inputs = 784;
inline constexpr std::size_t hidden = 100;
inline constexpr std::size_t classes = 10;
inline constexpr float learning_rate = 0.01f;

inline constexpr std::size_t train_batch = 64;
inline constexpr std::size_t max_batch = 256;

// Parameters in typenet's layout: W1 (inputs x hidden, row k = input k), b1, W2 (hidden x
// classes), b2, contiguous.
inline constexpr std::size_t w1_offset = 0;
inline constexpr std::size_t b1_offset = w1_offset + inputs * hidden;
inline constexpr std::size_t w2_offset = b1_offset + hidden;
inline constexpr std::size_t b2_offset = w2_offset + hidden * classes;
inline constexpr std::size_t parameter_count = b2_offset + classes;

// Floating-point operations of the two matrix products of a forward pass at `rows` samples,
// counting a multiply-add as two.
constexpr double forward_flops(std::size_t rows) {
    return 2 * static_cast<double>(rows) * static_cast<double>(inputs * hidden + hidden * classes);
}

// Floating-point operations of one training step at `rows` samples, counting a multiply-add
// as two: the forward products, the weight-gradient products, and the input gradient of the
// second layer (the first layer's input gradient is not needed).
constexpr double train_step_flops(std::size_t rows) {
    return 2 * forward_flops(rows) + 2 * static_cast<double>(rows) * static_cast<double>(hidden * classes);
}

// The shared inputs: max_batch rows of pixel-like values in [0, 1), their labels, and the
// initial parameters every variant starts from (those of typenet::Model with seed 42).
struct data {
    std::vector<float> x;
    std::vector<std::uint32_t> labels;
    std::vector<float> initial_parameters;
};

const data& workload();

} // namespace bench
