#pragma once
// The pieces main() puts together. Benchmark names follow "<workload>/<variant>/<batch>"
// (e.g. "train_step/typenet/64"), which the summary reads back.

#include <string_view>

namespace bench {

inline constexpr std::string_view train_step_workload = "train_step";
inline constexpr std::string_view predict_workload = "predict";
inline constexpr std::string_view peak_workload = "peak_fma";
// Activation<x * sigmoid(x)> ("expression") against a hand-written Swish ("hand_written").
inline constexpr std::string_view swish_step_workload = "swish_step";
inline constexpr std::string_view swish_pass_workload = "swish_pass";
// How many times each of the two is registered, alternately, for the medians.
inline constexpr int comparison_rounds = 20;
inline constexpr std::string_view kernel_workload = "kernel";

// Runs one training step (then a second) and one prediction with every variant from the same
// parameters and exits with a message unless their losses, updates and probabilities agree.
void check_variants_agree();

void register_model_benchmarks();
void register_peak_benchmark();
// Hot-cache micro-benchmarks of the matrix kernels (bench/gemm.cpp).
void register_kernel_benchmarks();

// The two Swish networks take the same two steps alike, or the program exits with a message.
void check_activation_variants_agree();
void register_activation_benchmarks();

} // namespace bench
