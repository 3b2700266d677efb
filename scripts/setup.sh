#!/usr/bin/env bash
# Installs, idempotently, everything typenet's build, tests, examples and benchmarks need
# on a fresh Debian 12 machine. Safe to run again: it installs only what is missing.
set -euo pipefail

packages=(
  g++ cmake make ninja-build pkg-config
  libboost-dev libxsimd-dev catch2 zlib1g-dev
  python3 python3-numpy
  dataset-fashion-mnist
  libbenchmark-dev libeigen3-dev
  clang-19 clangd-19
  libclang-rt-19-dev llvm-19  # the sanitizer configuration: Clang's runtimes, and the symbolizer for its reports
  chromium
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
