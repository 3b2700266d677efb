#!/usr/bin/env bash
# Sets everything up, builds in Release and trains the Fashion-MNIST example.
# Usage: scripts/run_example.sh [epochs]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset release -DTYPENET_BUILD_TESTS=OFF >/dev/null
cmake --build --preset release --target fashion_mnist_mlp -j "$(nproc)"
# From the build folder, so the report it writes stays out of the source tree.
cd build/release
./examples/fashion_mnist_mlp "$@"
