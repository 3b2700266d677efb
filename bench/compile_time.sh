#!/usr/bin/env bash
# Compile time against network depth: a Network of N Dense+ReLU pairs, declared, checked and
# instantiated as a Model with a training step, compiled by GCC and Clang. Prints seconds and
# the ratio to the shallowest network, so growth with depth shows whatever the machine's speed.
# Usage: bench/compile_time.sh [depths...]   (default 2 8 32 64)
set -euo pipefail
cd "$(dirname "$0")/.."
depths=("$@")
[ ${#depths[@]} -eq 0 ] && depths=(2 8 32 64)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

source_for() {
  local n=$1 layers="typenet::Input<16>"
  for ((i = 0; i < n; ++i)); do layers+=", typenet::Dense<16, 16>, typenet::ReLU"; done
  cat <<CPP
#include <typenet/typenet.hpp>
using Net = typenet::Network<${layers}, typenet::SoftmaxCrossEntropy>;
static_assert(Net::parameter_count == ${n} * (16 * 16 + 16));
double step(typenet::Model<Net>& m, std::span<const float> x, std::span<const std::uint32_t> y) {
    const double l = m.compute_gradients(x, {.labels = y});
    typenet::SGD{.lr = 0.1}.step(m);
    return l;
}
CPP
}

printf '%-10s %6s %10s %8s\n' compiler depth seconds ratio
for cxx in g++ clang++-19; do
  command -v "$cxx" >/dev/null || continue
  base=""
  for n in "${depths[@]}"; do
    source_for "$n" >"$work/net_$n.cpp"
    start=$(date +%s.%N)
    if ! "$cxx" -std=c++20 -O2 -march=native -Iinclude -c "$work/net_$n.cpp" -o "$work/net_$n.o" 2>"$work/errors.txt"; then
      echo "compile_time: $cxx failed on depth $n:" >&2
      head -n 5 "$work/errors.txt" >&2
      exit 1
    fi
    secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
    [ -z "$base" ] && base=$secs
    printf '%-10s %6d %10.2f %7.2fx\n' "$cxx" "$n" "$secs" "$(awk -v s="$secs" -v b="$base" 'BEGIN { print s / b }')"
  done
done
