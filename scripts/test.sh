#!/usr/bin/env bash
# Sets everything up, then builds and runs the whole test suite in three configurations:
# GCC Release, Clang 19 Release, and Clang 19 with AddressSanitizer + UndefinedBehaviorSanitizer.
# Ends with one line totalling the tests of all three.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1

jobs=$(nproc)
passed=0
failed=0
status=0
for preset in release clang sanitize; do
  echo "=== ${preset}: configure and build"
  start=$SECONDS
  if ! { cmake --preset "$preset" -DTYPENET_BUILD_TESTS=ON >/dev/null && cmake --build --preset "$preset" -j "$jobs"; }; then
    echo "=== ${preset}: build failed"
    status=1
    failed=$((failed + 1))
    continue
  fi
  echo "=== ${preset}: test"
  log=$(mktemp)
  ctest --preset "$preset" -j "$jobs" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  [ "$rc" -ne 0 ] && status=1
  summary=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' "$log" | tail -n 1)
  if [ -n "$summary" ]; then
    total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$summary")
    bad=$(sed -E 's/.* ([0-9]+) tests failed.*/\1/' <<<"$summary")
    passed=$((passed + total - bad))
    failed=$((failed + bad))
  else
    failed=$((failed + 1))
  fi
  rm -f "$log"
  echo "=== ${preset}: $((SECONDS - start)) s"
done

echo "all configurations: ${passed} passed, ${failed} failed"
exit "$status"
