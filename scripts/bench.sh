#!/usr/bin/env bash
# Builds and runs the hot-batch micro-benchmarks (Release, -O3 -march=native): a 784-100-10
# MLP's training step and inference on one fixed batch, always in cache, as plain loops, Eigen
# and typenet, Activation<x * sigmoid(x)> against a hand-written Swish (--benchmark_filter=swish
# runs only that), the matrix kernels alone, and the core's fp32 FMA peak. Ends with a table of
# samples per second and typenet's ratios. Extra arguments go to the benchmark binary (e.g.
# --benchmark_filter=train_step). For a real epoch against every peer library, run
# bench/peers/run.sh (the peer race).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

build=build/bench
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=g++ \
  -DTYPENET_BUILD_BENCH=ON -DTYPENET_BUILD_TESTS=OFF -DTYPENET_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$build" -j "$(nproc)"
echo "Hot-batch micro-benchmarks: one fixed batch trained again and again (always in cache)."
echo "For one real epoch against every peer library, run: bash bench/peers/run.sh"
"$build/bench/typenet_bench" --benchmark_min_time=0.5 "$@"
